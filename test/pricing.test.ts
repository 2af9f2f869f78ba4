import { describe, expect, it } from 'vitest';
import { resolveModelId } from '../shared/ingest/4-resolve-model';
import { createPriceTable, priceInvocation } from '../shared/ingest/5-price';
import { invocationOf, priceTable } from './support/helpers';

const call = invocationOf;

describe('resolveModelId', () => {
  it.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0', 'in-region'],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
      'amazon.nova-lite-v1:0',
      'in-region',
    ],
    ['us.anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'geo'],
    ['eu.amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0', 'geo'],
    ['apac.amazon.nova-micro-v1:0', 'amazon.nova-micro-v1:0', 'geo'],
    [
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'global',
    ],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
      'geo',
    ],
  ])('resolves %s to %s (%s)', (modelId, base, routing) => {
    expect(resolveModelId(modelId)).toEqual({ kind: 'foundation', baseModelId: base, routing });
  });

  it.each([
    [
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k2x9v7q4m1ab',
      'application-inference-profile',
    ],
    ['arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123', 'provisioned-model'],
    ['arn:aws:bedrock:us-east-1:123456789012:custom-model/my-model', 'custom-model'],
    ['arn:aws:bedrock:us-east-1:123456789012:imported-model/xyz', 'imported-model'],
  ])('treats %s as opaque', (modelId, resource) => {
    expect(resolveModelId(modelId)).toEqual({ kind: 'opaque', resource });
  });
});

describe('priceInvocation', () => {
  it('prices input and output per 1,000 tokens (Claude 3 Haiku, hand-computed)', () => {
    // 1,000 × 0.00025/1k + 2,000 × 0.00125/1k = 0.00025 + 0.0025
    const result = priceInvocation(
      call('anthropic.claude-3-haiku-20240307-v1:0', { inputTokens: 1000, outputTokens: 2000 }),
      priceTable,
    );

    expect(result.kind).toBe('priced');
    expect(result.kind === 'priced' && result.usd).toBeCloseTo(0.00275, 12);
  });

  it('prices a geographic profile of an older model at the source-region price', () => {
    const result = priceInvocation(
      call('us.anthropic.claude-3-7-sonnet-20250219-v1:0', { inputTokens: 15, outputTokens: 8 }),
      priceTable,
    );

    // 15 × 0.003/1k + 8 × 0.015/1k = 0.000045 + 0.00012
    expect(result.kind === 'priced' && result.usd).toBeCloseTo(0.000165, 12);
  });

  it('prices cache reads and writes and the global profile of Sonnet 4.5 at list price', () => {
    const tokens = {
      inputTokens: 12,
      outputTokens: 14,
      cacheReadInputTokens: 30512,
      cacheWriteInputTokens: 845,
    };

    const global = priceInvocation(
      call('global.anthropic.claude-sonnet-4-5-20250929-v1:0', tokens, 'us-west-2'),
      priceTable,
    );
    const geo = priceInvocation(
      call('us.anthropic.claude-sonnet-4-5-20250929-v1:0', tokens, 'us-west-2'),
      priceTable,
    );

    // (12×0.003 + 14×0.015 + 30512×0.0003 + 845×0.00375)/1000 = (0.036+0.21+9.1536+3.16875)/1000
    expect(global.kind === 'priced' && global.usd).toBeCloseTo(0.01256835, 12);
    expect(geo.kind === 'priced' && geo.usd).toBeCloseTo(0.01256835 * 1.1, 12);
  });

  it('does not bill failed calls', () => {
    const result = priceInvocation(
      call('anthropic.claude-3-haiku-20240307-v1:0', { errorCode: 'ThrottlingException' }),
      priceTable,
    );

    expect(result).toEqual({
      kind: 'not-billable',
    });
  });

  it.each([
    ['an unknown model', call('acme.mystery-model-v1:0', { inputTokens: 5 }), 'unknown-model'],
    [
      'a known model in an unpriced region',
      call('amazon.nova-lite-v1:0', { inputTokens: 5 }, 'ap-south-1'),
      'unknown-region',
    ],
    [
      'an application inference profile',
      call('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x', {}),
      'opaque-model',
    ],
    [
      'cache tokens on a model without cache prices',
      call('meta.llama3-8b-instruct-v1:0', { inputTokens: 5, cacheReadInputTokens: 100 }),
      'no-cache-price',
    ],
  ])('reports %s as unpriced, never as a zero cost', (_name, invocation, reason) => {
    expect(priceInvocation(invocation, priceTable)).toEqual({ kind: 'unpriced', reason });
  });

  it('follows region fallbacks declared in the price data', () => {
    const table = createPriceTable({
      regionFallbacks: { 'eu-west-1': 'eu-central-1' },
      prices: [{ modelId: 'm', region: 'eu-central-1', input: 1, output: 2 }],
    });

    const result = priceInvocation(call('m', { inputTokens: 1000, outputTokens: 1000 }, 'eu-west-1'), table);

    expect(result).toEqual({ kind: 'priced', usd: 3 });
  });

  it('has a price, source and date for every model in the reference table', async () => {
    const data = (await import('../shared/ingest/price-table.json')).default;

    expect(data.source).toMatch(/aws\.amazon\.com\/bedrock\/pricing/);
    expect(data.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const id of [
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-5-haiku-20241022-v1:0',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
      'anthropic.claude-3-7-sonnet-20250219-v1:0',
      'anthropic.claude-sonnet-4-20250514-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'amazon.nova-micro-v1:0',
      'amazon.nova-lite-v1:0',
      'amazon.nova-pro-v1:0',
      'meta.llama3-70b-instruct-v1:0',
      'meta.llama3-8b-instruct-v1:0',
      'mistral.mistral-large-2407-v1:0',
    ]) {
      expect(priceTable.lookup(id, 'us-east-1'), id).toBeDefined();
    }
  });
});
