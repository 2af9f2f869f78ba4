/** The six error classes every metric, summary and alarm uses. */
export const ERROR_CLASSES = ['Throttling', 'Timeout', 'Validation', 'Auth', 'Model', 'Server'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type ErrorGroup = 'server' | 'client' | 'throttle';

/**
 * Who caused each error class: the service or the model (server: the error-rate alarms page), the
 * caller (client: the client-error-rate alarms warn), or capacity (throttle). A new class without a
 * group does not compile.
 */
export const ERROR_GROUP_OF: Readonly<Record<ErrorClass, ErrorGroup>> = {
  Throttling: 'throttle',
  Timeout: 'server',
  Validation: 'client',
  Auth: 'client',
  Model: 'server',
  Server: 'server',
};

const CLASS_BY_CODE: Readonly<Record<string, ErrorClass>> = {
  ThrottlingException: 'Throttling',
  ServiceQuotaExceededException: 'Throttling',
  ModelTimeoutException: 'Timeout',
  ValidationException: 'Validation',
  ResourceNotFoundException: 'Validation',
  // Credential and authorisation failures as the AWS SDKs and Bedrock report them.
  AccessDeniedException: 'Auth',
  AccessDenied: 'Auth',
  UnrecognizedClientException: 'Auth',
  InvalidSignatureException: 'Auth',
  IncompleteSignatureException: 'Auth',
  SignatureDoesNotMatch: 'Auth',
  MissingAuthenticationTokenException: 'Auth',
  ExpiredTokenException: 'Auth',
  InvalidClientTokenId: 'Auth',
  NotAuthorized: 'Auth',
  UnauthorizedException: 'Auth',
  ModelErrorException: 'Model',
  ModelStreamErrorException: 'Model',
  ModelNotReadyException: 'Model',
  InternalServerException: 'Server',
  ServiceUnavailableException: 'Server',
};

/**
 * Maps a Bedrock `errorCode` to its error class. Unknown codes are Server errors: a code we have
 * never seen is far more likely a service fault than a caller mistake, and it must still count.
 */
export function classifyErrorCode(code: string): ErrorClass {
  return Object.hasOwn(CLASS_BY_CODE, code) ? (CLASS_BY_CODE[code] as ErrorClass) : 'Server';
}

/** The metric name that counts one error class, e.g. `ThrottlingErrors`. */
export function errorMetricName(errorClass: ErrorClass): `${ErrorClass}Errors` {
  return `${errorClass}Errors`;
}
