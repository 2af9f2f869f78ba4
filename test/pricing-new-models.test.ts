import { describe, expect, it } from 'vitest';
import type { Invocation } from '../shared/ingest/2-parse';
import { type PriceData, priceInvocation } from '../shared/ingest/5-price';
import priceData from '../shared/ingest/price-table.json';
import { invocationOf as call, priceTable } from './support/helpers';

const usd = (invocation: Invocation) => {
  const result = priceInvocation(invocation, priceTable);
  if (result.kind !== 'priced') throw new Error(`not priced: ${JSON.stringify(result)}`);
  return result.usd;
};
const unpricedReason = (invocation: Invocation) => {
  const result = priceInvocation(invocation, priceTable);
  return result.kind === 'unpriced' ? result.reason : result.kind;
};
const T = { inputTokens: 1000, outputTokens: 500 };

describe('models priced for issue #26 (1,000 input + 500 output tokens, hand-computed)', () => {
  it.each([
    // $0.07 / $0.30 per 1M
    ['gpt-oss-20b', 'openai.gpt-oss-20b-1:0', 'us-east-1', 0.00007 + 0.00015],
    // $0.15 / $0.60 per 1M
    ['gpt-oss-120b', 'openai.gpt-oss-120b-1:0', 'us-east-1', 0.00015 + 0.0003],
    ['gpt-oss-120b in Ohio, the source region', 'openai.gpt-oss-120b-1:0', 'us-east-2', 0.00015 + 0.0003],
    // Geographic and in-region: $0.33 / $2.75 per 1M
    ['Nova 2 Lite (base id)', 'amazon.nova-2-lite-v1:0', 'us-east-1', 0.00033 + 0.001375],
    ['Nova 2 Lite (us. profile)', 'us.amazon.nova-2-lite-v1:0', 'us-east-1', 0.00033 + 0.001375],
    // Global cross-region: $0.30 / $2.50 per 1M
    ['Nova 2 Lite (global. profile)', 'global.amazon.nova-2-lite-v1:0', 'us-east-1', 0.0003 + 0.00125],
    // $2.00 / $6.00 per 1M
    ['Pixtral Large (us. profile)', 'us.mistral.pixtral-large-2502-v1:0', 'us-east-1', 0.002 + 0.003],
    // $0.0006 / $0.006 per 1K
    ['Palmyra X5 (us. profile)', 'us.writer.palmyra-x5-v1:0', 'us-west-2', 0.0006 + 0.003],
    // Sydney: $0.5974 / $1.7304 per 1M
    ['DeepSeek V3.1 in Sydney', 'deepseek.v3-v1:0', 'ap-southeast-2', 0.0005974 + 0.0008652],
  ])('prices %s at the published rate', (_name, modelId, region, expected) => {
    expect(usd(call(modelId, T, region))).toBeCloseTo(expected, 12);
  });

  it('leaves DeepSeek V3.1 unpriced in the US, where the source no longer lists it', () => {
    expect(unpricedReason(call('deepseek.v3-v1:0', T, 'us-east-1'))).toBe('unknown-region');
  });

  it('leaves Qwen3 32B unpriced: no published figure was found', () => {
    expect(unpricedReason(call('qwen.qwen3-32b-v1:0', T))).toBe('unknown-model');
  });

  it('leaves a gpt-oss call that reads the cache unpriced rather than under-priced (no cache rate listed)', () => {
    expect(unpricedReason(call('openai.gpt-oss-120b-1:0', { ...T, cacheReadInputTokens: 100 }))).toBe(
      'no-cache-price',
    );
  });

  it('gives each new entry a source naming its page and a dated check', () => {
    const ids = [
      'openai.gpt-oss-20b-1:0',
      'openai.gpt-oss-120b-1:0',
      'amazon.nova-2-lite-v1:0',
      'deepseek.v3-v1:0',
      'mistral.pixtral-large-2502-v1:0',
      'writer.palmyra-x5-v1:0',
    ];
    const entries = (priceData as PriceData).prices.filter((p) => ids.includes(p.modelId));
    expect(entries.map((p) => p.modelId).sort()).toEqual([...ids].sort());
    for (const entry of entries) {
      expect(entry.source).toMatch(/https:\/\/|docs\.aws\.amazon\.com|\.md/);
      expect(entry.asOf).toBe('2026-12-07');
      expect(entry.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
