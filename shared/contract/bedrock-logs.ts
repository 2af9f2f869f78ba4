/**
 * Names Bedrock gives its model-invocation logs: the log group it writes by default (and the stack
 * creates), the one stream it writes to, and the schema of an invocation record.
 */
export const BEDROCK_LOG_GROUP = '/aws/bedrock/modelinvocations';
export const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';
export const INVOCATION_SCHEMA_TYPE = 'ModelInvocationLog';
