import { describe, expect, it } from 'vitest';

describe('toBeValidEmf (the matcher the suites check EMF with)', () => {
  it('passes a document the validator accepts and fails one it does not, naming the problem', () => {
    const valid = JSON.stringify({
      _aws: {
        Timestamp: 1_760_950_800_000,
        CloudWatchMetrics: [
          {
            Namespace: 'BedrockWatch',
            Dimensions: [['ModelId']],
            Metrics: [{ Name: 'Invocations', Unit: 'Count' }],
          },
        ],
      },
      ModelId: 'amazon.nova-lite-v1:0',
      Invocations: 3,
    });

    expect(valid).toBeValidEmf();
    expect(() => expect('nope').toBeValidEmf()).toThrow(/not JSON/);
    expect(() => expect(undefined).toBeValidEmf()).toThrow(/not a string/);
    expect(() => expect(valid).not.toBeValidEmf()).toThrow(/got a valid one/);
    expect(JSON.stringify({ ...JSON.parse(valid), Invocations: -1 })).not.toBeValidEmf();
  });
});
