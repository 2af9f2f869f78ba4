/**
 * invocationText (issue 25, item 15): what each value packages, and the combinations refused
 * while packaging.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { cfnLint, packageFailure, packageTemplate, type Template } from './support/stack-helpers';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let off: Template;
let on: Template;
let short: Template;

beforeAll(async () => {
  // One at a time: packageTemplate serialises the builds anyway.
  ({ template: off } = await packageTemplate({ invocationText: 'off', largeDataBucket: 'create' }));
  ({ template: on } = await packageTemplate({ invocationText: 'on', largeDataBucket: 'create' }));
  ({ template: short } = await packageTemplate({ invocationLogKmsKeyArn: KEY, largeDataBucket: 'create' }));
}, 180_000);

const logging = (t: Template) => t.Resources.InvocationLoggingConfig?.Properties;
const group = (t: Template) => t.Resources.InvocationLogGroup?.Properties;
const bodiesExpireAfter = (t: Template) =>
  t.Resources.LargeDataBucket?.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays;

describe('invocationText, packaged', () => {
  it('off asks Bedrock for metadata only, the group kept invocationLogRetentionDays', () => {
    expect(logging(off)?.TextDataDelivery).toBe('false');
    expect(group(off)).toEqual({ LogGroupName: '/aws/bedrock/modelinvocations', RetentionInDays: 30 });
    expect(bodiesExpireAfter(off)).toBe(30);
  });

  it('on delivers text, the group kept invocationLogRetentionDays', () => {
    expect(logging(on)?.TextDataDelivery).toBe('true');
    expect(group(on)?.RetentionInDays).toBe(30);
    expect(group(on)?.KmsKeyId).toBeUndefined();
  });

  it('short (the default) delivers text, keeps the group and the large bodies 1 day, encrypted with the given key', () => {
    expect(logging(short)?.TextDataDelivery).toBe('true');
    expect(group(short)).toEqual({
      LogGroupName: '/aws/bedrock/modelinvocations',
      RetentionInDays: 1,
      KmsKeyId: KEY,
    });
    expect(bodiesExpireAfter(short)).toBe(1);
  });

  it('passes cfn-lint for off, on and short', async () => {
    const result = await cfnLint([off, on, short]);

    expect(result.problems, result.linter).toEqual([]);
  }, 60_000);

  it('refuses short with an adopted log group, with one line and exit code 1', async () => {
    const result = await packageFailure({
      invocationText: 'short',
      existingLogGroup: '/aws/bedrock/modelinvocations',
    });

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      "bedrock-watch: invocationText: short keeps the stack's own log group 1 day; with existingLogGroup set that group's retention yourself and use on (parameters: docs/deploy.md#parameters)",
    ]);
  }, 60_000);
});

describe('invocationText, checked', () => {
  it.each([
    [{ invocationText: 'none' }, 'invocationText: "none" is not off, on, short'],
    [{ invocationLogKmsKeyArn: 'alias/logs' }, 'invocationLogKmsKeyArn: not a KMS key ARN'],
    [
      { invocationLogKmsKeyArn: KEY, existingLogGroup: '/aws/bedrock/modelinvocations' },
      "invocationLogKmsKeyArn: encrypts the stack's own log group",
    ],
  ])('refuses %o', (raw, message) => {
    expect(() => parseStackParameters(raw)).toThrow(message);
  });

  it('defaults to short with the stack’s own group, and to on with an adopted one (its retention is not ours)', () => {
    expect(parseStackParameters({}).invocationText).toBe('short');
    expect(parseStackParameters({ existingLogGroup: '/aws/bedrock/modelinvocations' }).invocationText).toBe(
      'on',
    );
  });

  it('accepts every value with the stack’s own group, and on and off with an adopted one', () => {
    for (const invocationText of ['off', 'on', 'short'])
      expect(parseStackParameters({ invocationText }).invocationText).toBe(invocationText);
    for (const invocationText of ['off', 'on'])
      expect(
        parseStackParameters({ invocationText, existingLogGroup: '/aws/bedrock/modelinvocations' })
          .invocationText,
      ).toBe(invocationText);
  });
});
