import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  captureOutput,
  context,
  line,
  makeEvent,
  makeHandler,
  makeRecord,
  modelDocs,
  priceTable,
  T0,
} from './support/helpers';

// Each pure stage can be made to throw, as a bug in it would.
const { fail, wrap } = vi.hoisted(() => {
  const fail = { stage: '' };
  /** The real function, throwing first when its stage is the one set to fail. */
  const wrap =
    <A extends unknown[], R>(stage: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      if (fail.stage === stage) throw new Error(`injected failure in ${stage}`);
      return fn(...args);
    };
  return { fail, wrap };
});
vi.mock('../shared/ingest/1-decode', async (original) => {
  const m = await original<typeof import('../shared/ingest/1-decode')>();
  return { ...m, decodeLambdaEvent: wrap('decode', m.decodeLambdaEvent) };
});
vi.mock('../shared/ingest/2-parse', async (original) => {
  const m = await original<typeof import('../shared/ingest/2-parse')>();
  return { ...m, readInvocation: wrap('parse', m.readInvocation) };
});
vi.mock('../shared/ingest/3-dedupe', async (original) => {
  const m = await original<typeof import('../shared/ingest/3-dedupe')>();
  return { ...m, dedupeInvocations: wrap('dedupe', m.dedupeInvocations) };
});
vi.mock('../shared/ingest/7-aggregate', async (original) => {
  const m = await original<typeof import('../shared/ingest/7-aggregate')>();
  return { ...m, aggregateByMinute: wrap('aggregate', m.aggregateByMinute) };
});
vi.mock('../shared/ingest/5-price', async (original) => {
  const m = await original<typeof import('../shared/ingest/5-price')>();
  return { ...m, applyPriceRule: wrap('price', m.applyPriceRule) };
});
vi.mock('../shared/ingest/8-emf', async (original) => {
  const m = await original<typeof import('../shared/ingest/8-emf')>();
  return { ...m, toEmfDocuments: wrap('emf', m.toEmfDocuments) };
});

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const event = () =>
  makeEvent([
    line(makeRecord({ time: T0, modelId: HAIKU })),
    line(makeRecord({ time: T0 + 61_000, modelId: 'amazon.nova-lite-v1:0' })),
    line(makeRecord({ time: T0 + 62_000, errorCode: 'ThrottlingException' })),
    'junk',
  ]);

async function baselineDocs() {
  fail.stage = '';
  const { stdout } = await captureOutput(() => makeHandler()(event(), context));
  return modelDocs(stdout);
}

describe('ingest handler under injected faults: all or nothing', () => {
  beforeEach(() => {
    fail.stage = '';
  });

  it.each(['decode', 'parse', 'dedupe', 'aggregate', 'price', 'emf'])(
    'propagates a failure in %s and emits nothing about models',
    async (stage) => {
      fail.stage = stage;

      const { error, stdout } = await captureOutput(() => makeHandler()(event(), context));

      expect(String(error)).toContain(`injected failure in ${stage}`);
      expect(modelDocs(stdout)).toEqual([]);
    },
  );

  it('propagates a failing clock before emitting anything', async () => {
    const { error, stdout } = await captureOutput(() =>
      makeHandler({
        now: () => {
          throw new Error('clock broken');
        },
      })(event(), context),
    );

    expect(String(error)).toContain('clock broken');
    expect(modelDocs(stdout)).toEqual([]);
  });

  it('propagates a failing price table before emitting anything', async () => {
    const { error, stdout } = await captureOutput(() =>
      makeHandler({
        priceTable: {
          ...priceTable,
          lookup: () => {
            throw new Error('price table broken');
          },
        },
      })(event(), context),
    );

    expect(String(error)).toContain('price table broken');
    expect(modelDocs(stdout)).toEqual([]);
  });

  it('still writes every other document, and throws nothing, when the sink fails on one', async () => {
    const expected = (await baselineDocs()).map((d) => JSON.stringify(d));
    const written: string[] = [];
    let calls = 0;

    const { error } = await captureOutput(() =>
      makeHandler({
        emit: (l) => {
          calls++;
          if (calls === 1) throw new Error('EPIPE');
          written.push(l);
        },
      })(event(), context),
    );

    expect(error).toBeUndefined();
    expect(calls).toBe(expected.length);
    expect(written).toEqual(expected.slice(1));
  });

  it('emits everything, and throws nothing, when health metrics and logs fail after the emit', async () => {
    const expected = await baselineDocs();
    const metrics = new Metrics({ namespace: 'BedrockWatch', serviceName: 'bedrock-watch' });
    metrics.publishStoredMetrics = () => {
      throw new Error('metrics broken');
    };
    const logger = new Logger({ serviceName: 'bedrock-watch' });
    logger.warn = () => {
      throw new Error('logger broken');
    };
    logger.info = logger.warn;
    logger.error = logger.warn;

    const { error, stdout } = await captureOutput(() => makeHandler({ metrics, logger })(event(), context));

    expect(error).toBeUndefined();
    expect(modelDocs(stdout)).toEqual(expected);
  });

  it("emits the batch's documents without faults (the baseline the cases compare with)", async () => {
    const docs = await baselineDocs();

    expect(docs.map((d) => d.ModelId)).toEqual([HAIKU, 'amazon.nova-lite-v1:0', HAIKU]);
  });
});
