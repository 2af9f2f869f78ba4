import { describe, expect, it } from 'vitest';
import { classifyErrorCode, errorMetricName } from '../shared/contract/error-classes';

describe('classifyErrorCode and errorMetricName', () => {
  it.each([
    ['ThrottlingException', 'Throttling'],
    ['ServiceQuotaExceededException', 'Throttling'],
    ['ModelTimeoutException', 'Timeout'],
    ['ValidationException', 'Validation'],
    ['ResourceNotFoundException', 'Validation'],
    ['AccessDeniedException', 'Auth'],
    ['UnrecognizedClientException', 'Auth'],
    ['ExpiredTokenException', 'Auth'],
    ['ModelErrorException', 'Model'],
    ['ModelStreamErrorException', 'Model'],
    ['ModelNotReadyException', 'Model'],
    ['InternalServerException', 'Server'],
    ['ServiceUnavailableException', 'Server'],
    ['SomethingNewException', 'Server'],
    ['toString', 'Server'],
  ])('classifies %s as %s', (code, errorClass) => {
    expect(classifyErrorCode(code)).toBe(errorClass);
  });

  it('names the metric after the class', () => {
    expect(errorMetricName('Throttling')).toBe('ThrottlingErrors');
  });
});
