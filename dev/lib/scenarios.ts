/**
 * The alarm scenarios: seeded traffic, the stack parameters and delivery lag to simulate them with,
 * and what must (and must not) alarm. `npm run generate-scenarios` writes them to events/scenarios/;
 * test/scenarios.test.ts simulates each and checks the expectations.
 */
import type { ModelLoad, TrafficSpec } from './scenario-traffic';

export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const NOVA = 'amazon.nova-lite-v1:0';
/** Haiku's token in alarm keys (scopeToken). */
const HAIKU_TOKEN = 'anthropic-claude-3-haiku-20240307-v1-0-1osdx2z';

/** An alarm picked by what it watches: its family, scope (`all` or a model id) and level. */
export interface AlarmRef {
  family: string;
  scope: string;
  level?: 'warning' | 'critical';
  /** One alarm of a family with several per level and scope (the budget's 50 % and 75 % warnings). */
  key?: string;
}

export interface Scenario {
  name: string;
  description: string;
  traffic: TrafficSpec;
  params: Record<string, string>;
  deliveryLagSeconds: number;
  expect: {
    /** Must go to ALARM, first between these minutes from the traffic start. */
    fires: (AlarmRef & { withinMinutes: [number, number] })[];
    /** Must never go to ALARM. */
    quiet: AlarmRef[];
    /** Every other simulated alarm that notifies (level warning or critical) must stay out of ALARM too. */
    othersQuiet: boolean;
    /** At most this many ALARM transitions of critical and of warning alarms (a healthy week's budget). */
    atMost?: { critical: number; warning: number };
  };
}

/**
 * A healthy account's failure mix (issue 22): 0.5 % ValidationException (the caller's fault),
 * 0.25 % server errors and timeouts, 0.3 % throttles; latency with a median of 1.35 s, so a p95
 * of about 2.4 s (lognormal, sigma 0.35: p95 = median × e^(1.645 × 0.35)).
 */
const HEALTHY: Pick<ModelLoad, 'latencyMedianMs' | 'baseErrorRate' | 'baseFailures'> = {
  latencyMedianMs: 1350,
  baseErrorRate: 0.005,
  baseFailures: [
    { errorCode: 'InternalServerException', rate: 0.0015 },
    { errorCode: 'ModelTimeoutException', rate: 0.001 },
    { errorCode: 'ThrottlingException', rate: 0.003 },
  ],
};

/**
 * Haiku and Nova Lite at `average` calls a minute together over the day (60 % and 40 %): the
 * daily shape runs the night at a third of the peak, so the peak is 1.5 × the average.
 */
const healthyModels = (average: number): ModelLoad[] => [
  { modelId: HAIKU, perMinute: average * 0.9, inputTokens: 600, outputTokens: 250, ...HEALTHY },
  { modelId: NOVA, perMinute: average * 0.6, inputTokens: 500, outputTokens: 200, ...HEALTHY },
];

/** A healthy week: what a team can live with is no page and at most 7 warnings (issue 22). */
function healthyWeek(name: string, average: number, seed: number): Scenario {
  return {
    name,
    description: `A healthy week at about ${average} call${average === 1 ? '' : 's'} a minute (diurnal, the night at a third of the peak) on two models, both watched, with the ordinary failure mix: 0.5 % validation errors, 0.25 % server errors and timeouts, 0.3 % throttles, p95 about 2.4 s. No critical page, at most 7 warnings.`,
    traffic: {
      seed,
      start: '2025-10-06T00:00:00Z',
      minutes: 7 * 1440,
      dailyShape: true,
      models: healthyModels(average),
      incidents: [],
    },
    params: { watchedModels: `${HAIKU},${NOVA}` },
    deliveryLagSeconds: 60,
    expect: { fires: [], quiet: [], othersQuiet: false, atMost: { critical: 0, warning: 7 } },
  };
}

/** The healthy weeks written to events/scenarios, simulated in their own test (a week takes a while). */
export const HEALTHY_WEEKS: Scenario[] = [
  healthyWeek('healthy-week-1', 1, 12),
  healthyWeek('healthy-week-10', 10, 13),
];

/**
 * The healthy week at 1,000 calls a minute: 10 million records, generated as the simulator reads
 * them (`npm run -s healthy-week`), never written to a file.
 */
export const GENERATED_WEEKS: Scenario[] = [healthyWeek('healthy-week-1000', 1000, 15)];

const BASE: TrafficSpec['models'] = [
  { modelId: HAIKU, perMinute: 6, latencyMedianMs: 700, inputTokens: 600, outputTokens: 250 },
  { modelId: NOVA, perMinute: 4, latencyMedianMs: 900, inputTokens: 500, outputTokens: 200 },
];
const watched = { watchedModels: HAIKU };

/** The organization scenario's three accounts (member accounts of one organization). */
const ORG_A = '111122223333';
const ORG_B = '444455556666';
const ORG_C = '777788889999';
/** Account B's budget token in alarm keys (scopeToken of `account=444455556666`). */
const ORG_B_TOKEN = 'account-444455556666-18fuxu7';
/** Each account's calls, with the healthy failure mix, in two regions: B's Haiku runs away. */
const ORGANIZATION: TrafficSpec['models'] = [
  {
    modelId: HAIKU,
    accountId: ORG_A,
    region: 'us-east-1',
    perMinute: 4,
    inputTokens: 600,
    outputTokens: 250,
    ...HEALTHY,
  },
  {
    modelId: NOVA,
    accountId: ORG_A,
    region: 'eu-central-1',
    perMinute: 3,
    inputTokens: 500,
    outputTokens: 200,
    ...HEALTHY,
  },
  {
    modelId: NOVA,
    accountId: ORG_B,
    region: 'us-east-1',
    perMinute: 3,
    inputTokens: 500,
    outputTokens: 200,
    ...HEALTHY,
  },
  {
    modelId: HAIKU,
    accountId: ORG_B,
    region: 'eu-central-1',
    perMinute: 4,
    inputTokens: 600,
    outputTokens: 250,
    ...HEALTHY,
  },
  {
    modelId: HAIKU,
    accountId: ORG_C,
    region: 'eu-central-1',
    perMinute: 2,
    inputTokens: 600,
    outputTokens: 250,
    ...HEALTHY,
  },
  {
    modelId: NOVA,
    accountId: ORG_C,
    region: 'us-east-1',
    perMinute: 3,
    inputTokens: 500,
    outputTokens: 200,
    ...HEALTHY,
  },
];
const rates = (scope: string, family: 'error-rate' | 'throttle-rate') => [
  { family, scope, level: 'warning' as const },
  { family, scope, level: 'critical' as const },
];

const latencyTraffic: TrafficSpec = {
  seed: 2,
  start: '2025-10-21T09:00:00Z',
  minutes: 240,
  dailyShape: false,
  models: BASE,
  incidents: [{ modelId: HAIKU, fromMinute: 120, toMinute: 170, latencyFactor: 6 }],
};
const latencyExpect = (latest: number): Scenario['expect'] => ({
  fires: [
    { family: 'latency-p95', scope: HAIKU, level: 'warning', withinMinutes: [120, latest] },
    { family: 'latency-p95', scope: HAIKU, level: 'critical', withinMinutes: [120, latest] },
  ],
  quiet: [...rates('all', 'error-rate'), ...rates(HAIKU, 'error-rate'), ...rates('all', 'throttle-rate')],
  othersQuiet: false,
});
const quotaTraffic: TrafficSpec = {
  seed: 6,
  start: '2025-10-21T13:00:00Z',
  minutes: 150,
  dailyShape: false,
  // Many short calls: per-minute token use is steady enough to tell 85 % from 95 %.
  models: [
    { modelId: HAIKU, perMinute: 40, latencyMedianMs: 700, inputTokens: 200, outputTokens: 50 },
    BASE[1] as ModelLoad,
  ],
  incidents: [{ modelId: HAIKU, fromMinute: 60, toMinute: 95, volumeFactor: 1.55 }],
};
const quotaExpect: Scenario['expect'] = {
  fires: [{ family: 'quota-tpm', scope: HAIKU, level: 'warning', withinMinutes: [60, 75] }],
  quiet: [
    { family: 'quota-tpm', scope: HAIKU, level: 'critical' },
    { family: 'quota-rpm', scope: HAIKU, level: 'warning' },
  ],
  othersQuiet: true,
};

export const SCENARIOS: Scenario[] = [
  {
    name: 'steady-day',
    description: 'A day of ordinary traffic on two models, busier in working hours: nothing pages.',
    traffic: {
      seed: 1,
      start: '2025-10-20T00:00:00Z',
      minutes: 1440,
      dailyShape: true,
      models: BASE,
      incidents: [],
    },
    params: watched,
    deliveryLagSeconds: 60,
    expect: { fires: [], quiet: [], othersQuiet: true },
  },
  {
    name: 'latency-regression',
    description:
      'Haiku answers six times slower for 50 minutes: its p95 alarms fire, error and throttle alarms do not.',
    traffic: latencyTraffic,
    params: watched,
    deliveryLagSeconds: 60,
    expect: latencyExpect(135),
  },
  {
    name: 'latency-regression-late-logs',
    description:
      'The same regression while logs arrive 5 minutes late: the alarms still fire, a few minutes later.',
    traffic: latencyTraffic,
    params: watched,
    deliveryLagSeconds: 300,
    expect: latencyExpect(140),
  },
  {
    name: 'error-burst',
    description:
      'One in ten Haiku calls fails with InternalServerException for 25 minutes: error-rate alarms fire, throttle alarms do not.',
    traffic: {
      seed: 3,
      start: '2025-10-21T10:00:00Z',
      minutes: 180,
      dailyShape: false,
      models: BASE,
      incidents: [
        {
          modelId: HAIKU,
          fromMinute: 60,
          toMinute: 85,
          errorRate: 0.1,
          errorCode: 'InternalServerException',
        },
      ],
    },
    params: watched,
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'error-rate', scope: HAIKU, level: 'warning', withinMinutes: [60, 75] },
        { family: 'error-rate', scope: HAIKU, level: 'critical', withinMinutes: [60, 75] },
        { family: 'error-rate', scope: 'all', level: 'warning', withinMinutes: [60, 75] },
      ],
      quiet: [
        ...rates('all', 'throttle-rate'),
        ...rates(HAIKU, 'throttle-rate'),
        { family: 'latency-p95', scope: 'all' },
      ],
      othersQuiet: false,
    },
  },
  {
    name: 'throttle-storm',
    description:
      'A fifth of Haiku calls are throttled for 30 minutes: throttle alarms fire, error-rate alarms do not.',
    traffic: {
      seed: 4,
      start: '2025-10-21T11:00:00Z',
      minutes: 180,
      dailyShape: false,
      models: BASE,
      incidents: [
        { modelId: HAIKU, fromMinute: 60, toMinute: 90, errorRate: 0.2, errorCode: 'ThrottlingException' },
      ],
    },
    params: watched,
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'throttle-rate', scope: HAIKU, level: 'warning', withinMinutes: [60, 75] },
        { family: 'throttle-rate', scope: HAIKU, level: 'critical', withinMinutes: [60, 75] },
        { family: 'throttle-rate', scope: 'all', level: 'warning', withinMinutes: [60, 75] },
      ],
      quiet: [...rates('all', 'error-rate'), ...rates(HAIKU, 'error-rate')],
      othersQuiet: false,
    },
  },
  {
    name: 'quota-pressure',
    description:
      'Haiku traffic rises to about 85 % of a 20,000 tokens-per-minute quota for 35 minutes: the warning fires, the critical does not.',
    traffic: quotaTraffic,
    params: { ...watched, quotas: `${HAIKU}=20000:200` },
    deliveryLagSeconds: 60,
    expect: quotaExpect,
  },
  {
    name: 'quota-pressure-late-logs',
    description:
      'The same quota pressure while logs arrive 4 minutes late: the per-minute quota alarm must still see it.',
    traffic: quotaTraffic,
    params: { ...watched, quotas: `${HAIKU}=20000:200` },
    deliveryLagSeconds: 240,
    expect: {
      ...quotaExpect,
      fires: [{ family: 'quota-tpm', scope: HAIKU, level: 'warning', withinMinutes: [60, 80] }],
    },
  },
  {
    name: 'quiet-night',
    description:
      'A night at under one call a minute with a few isolated failures: the volume guard keeps every rate alarm quiet.',
    traffic: {
      seed: 5,
      start: '2025-10-21T00:00:00Z',
      minutes: 360,
      dailyShape: false,
      models: [{ modelId: HAIKU, perMinute: 0.6, latencyMedianMs: 700, inputTokens: 600, outputTokens: 250 }],
      incidents: [],
      isolatedFailures: [
        { modelId: HAIKU, minute: 30, errorCode: 'InternalServerException' },
        { modelId: HAIKU, minute: 31, errorCode: 'InternalServerException' },
        { modelId: HAIKU, minute: 36, errorCode: 'ModelTimeoutException' },
        { modelId: HAIKU, minute: 200, errorCode: 'ThrottlingException' },
        { modelId: HAIKU, minute: 204, errorCode: 'ThrottlingException' },
      ],
    },
    params: watched,
    deliveryLagSeconds: 60,
    expect: { fires: [], quiet: [], othersQuiet: true },
  },
  {
    name: 'cost-runaway',
    description:
      'A day of normal traffic, then Nova Lite calls triple and answer ten times longer from 10:00 on day two: the (approximate) cost and output-token anomaly alarms fire, the static ones stay quiet.',
    traffic: {
      seed: 7,
      start: '2025-10-20T00:00:00Z',
      minutes: 2160,
      dailyShape: true,
      models: BASE,
      incidents: [
        { modelId: NOVA, fromMinute: 1440 + 600, toMinute: 2160, volumeFactor: 3, outputTokensFactor: 10 },
      ],
    },
    params: watched,
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'cost-anomaly', scope: 'all', withinMinutes: [2040, 2070] },
        { family: 'output-tokens-anomaly', scope: 'all', withinMinutes: [2040, 2070] },
      ],
      quiet: [...rates('all', 'error-rate'), { family: 'latency-p95', scope: 'all' }],
      othersQuiet: false,
    },
  },
  {
    name: 'budget-runaway',
    description:
      "From 03:00 on the first of the month an agent loop calls Haiku four times as often with five times longer answers: the month-to-date budget alarms cross 50, 75 and 90 % in order (all models and Haiku's own budget), and the projection warns of the overrun first.",
    traffic: {
      seed: 8,
      start: '2025-11-01T00:00:00Z',
      minutes: 720,
      dailyShape: false,
      models: BASE,
      incidents: [{ modelId: HAIKU, fromMinute: 180, toMinute: 720, volumeFactor: 4, outputTokensFactor: 5 }],
    },
    params: { ...watched, monthlyBudgetUsd: '20', modelBudgets: `${HAIKU}=16` },
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'budget-projection', scope: 'all', withinMinutes: [300, 400] },
        { family: 'budget', scope: 'all', key: 'budget-50-all', withinMinutes: [400, 460] },
        { family: 'budget', scope: 'all', key: 'budget-75-all', withinMinutes: [500, 570] },
        { family: 'budget', scope: 'all', key: 'budget-90-all', withinMinutes: [571, 640] },
        { family: 'budget-projection', scope: HAIKU, withinMinutes: [300, 400] },
        { family: 'budget', scope: HAIKU, key: `budget-50-${HAIKU_TOKEN}`, withinMinutes: [300, 400] },
        { family: 'budget', scope: HAIKU, key: `budget-75-${HAIKU_TOKEN}`, withinMinutes: [430, 510] },
        { family: 'budget', scope: HAIKU, key: `budget-90-${HAIKU_TOKEN}`, withinMinutes: [511, 570] },
      ],
      quiet: [...rates('all', 'error-rate'), { family: 'latency-p95', scope: 'all' }],
      othersQuiet: true,
    },
  },
  {
    name: 'organization-runaway',
    description:
      "Three accounts of an organization in two regions (us-east-1, eu-central-1) send their calls to one monitor. From 03:00 on the first of the month an agent loop in account 444455556666 calls Haiku in eu-central-1 four times as often with five times longer answers: that account's budget alarms cross 50, 75 and 90 % in order and its projection warns first, while the other two accounts' budgets, every account's error rate and every other alarm stay quiet.",
    traffic: {
      seed: 23,
      start: '2025-11-01T00:00:00Z',
      minutes: 720,
      dailyShape: false,
      models: ORGANIZATION,
      incidents: [
        {
          modelId: HAIKU,
          accountId: ORG_B,
          fromMinute: 180,
          toMinute: 720,
          volumeFactor: 4,
          outputTokensFactor: 5,
        },
      ],
    },
    params: {
      attributionKeys: 'account,region',
      watchedAccounts: [ORG_A, ORG_B, ORG_C].join(','),
      accountBudgets: `${ORG_A}=250,${ORG_B}=16,${ORG_C}=150`,
    },
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'budget-projection', scope: `account=${ORG_B}`, withinMinutes: [300, 420] },
        {
          family: 'budget',
          scope: `account=${ORG_B}`,
          key: `budget-50-${ORG_B_TOKEN}`,
          withinMinutes: [450, 520],
        },
        {
          family: 'budget',
          scope: `account=${ORG_B}`,
          key: `budget-75-${ORG_B_TOKEN}`,
          withinMinutes: [570, 640],
        },
        {
          family: 'budget',
          scope: `account=${ORG_B}`,
          key: `budget-90-${ORG_B_TOKEN}`,
          withinMinutes: [641, 700],
        },
      ],
      quiet: [
        ...[ORG_A, ORG_C].flatMap((account) => [
          { family: 'budget', scope: `account=${account}` },
          { family: 'budget-projection', scope: `account=${account}` },
        ]),
        ...[ORG_A, ORG_B, ORG_C].flatMap((account) => rates(account, 'error-rate')),
        ...rates('all', 'error-rate'),
      ],
      othersQuiet: true,
    },
  },
  {
    name: 'token-spike',
    description:
      'Three ordinary days of Nova Lite traffic, then on day four from 10:00 an agent retries every call: 70 % more tokens for three hours. The token-spike alarms (last hour against the same hour of the previous days) fire at warning and critical and clear after the spike; the quiet nights never trip the volume guard.',
    traffic: {
      seed: 9,
      start: '2025-10-13T00:00:00Z',
      minutes: 4 * 1440,
      dailyShape: true,
      models: [{ modelId: NOVA, perMinute: 3, latencyMedianMs: 900, inputTokens: 500, outputTokens: 200 }],
      incidents: [{ modelId: NOVA, fromMinute: 3 * 1440 + 600, toMinute: 3 * 1440 + 780, volumeFactor: 1.7 }],
    },
    params: { tokenSpikeAlarms: 'true' },
    deliveryLagSeconds: 60,
    expect: {
      // The hour 10:00-11:00 is settled and published at the 12:00 run: up to two hours after the start.
      fires: [
        { family: 'token-spike', scope: 'all', level: 'warning', withinMinutes: [4980, 5100] },
        { family: 'token-spike', scope: 'all', level: 'critical', withinMinutes: [4980, 5100] },
      ],
      quiet: [
        ...rates('all', 'error-rate'),
        ...rates('all', 'throttle-rate'),
        { family: 'latency-p95', scope: 'all' },
      ],
      othersQuiet: false,
    },
  },
  {
    name: 'answer-quality',
    description:
      'From minute 60 to 100 three in ten Haiku answers stop at max_tokens; from minute 120 to 160 a guardrail stops one in five Nova Lite calls. The truncation-rate warnings (Haiku and all models) and the all-models guardrail-rate warning fire; errors, latency and quotas stay quiet.',
    traffic: {
      seed: 10,
      start: '2025-10-22T09:00:00Z',
      minutes: 200,
      dailyShape: false,
      models: BASE,
      incidents: [
        { modelId: HAIKU, fromMinute: 60, toMinute: 100, truncatedRate: 0.3 },
        { modelId: NOVA, fromMinute: 120, toMinute: 160, guardrailRate: 0.2 },
      ],
    },
    params: watched,
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'truncation-rate', scope: HAIKU, level: 'warning', withinMinutes: [60, 75] },
        { family: 'truncation-rate', scope: 'all', level: 'warning', withinMinutes: [60, 75] },
        { family: 'guardrail-rate', scope: 'all', level: 'warning', withinMinutes: [120, 135] },
      ],
      quiet: [
        { family: 'guardrail-rate', scope: HAIKU },
        ...rates('all', 'error-rate'),
        { family: 'latency-p95', scope: 'all' },
      ],
      othersQuiet: true,
    },
  },
  {
    name: 'concurrency-pressure',
    description:
      "From minute 60 to 100 Haiku gets four times the calls and each takes five times longer: by Little's law about 1.5 calls are in flight against a limit of 1, so the concurrency warning and critical fire (and the latency alarms with them); Nova Lite's limit of 2 is never approached.",
    traffic: {
      seed: 11,
      start: '2025-10-22T13:00:00Z',
      minutes: 180,
      dailyShape: false,
      models: BASE,
      incidents: [{ modelId: HAIKU, fromMinute: 60, toMinute: 100, volumeFactor: 4, latencyFactor: 5 }],
    },
    params: { ...watched, concurrencyLimits: `${HAIKU}=1;${NOVA}=2` },
    deliveryLagSeconds: 60,
    expect: {
      fires: [
        { family: 'concurrency', scope: HAIKU, level: 'warning', withinMinutes: [60, 75] },
        { family: 'concurrency', scope: HAIKU, level: 'critical', withinMinutes: [60, 75] },
      ],
      quiet: [{ family: 'concurrency', scope: NOVA }, ...rates('all', 'error-rate')],
      othersQuiet: false,
    },
  },
  {
    name: 'low-volume-error-burst',
    description:
      'A low-volume account (10 calls a minute, the healthy failure mix) where one in ten Haiku calls fails with InternalServerException for 30 minutes from minute 60: with the defaults (no watched model) the all-models service error rate pages within 10 minutes plus the delivery lag; client errors and throttles stay quiet.',
    traffic: {
      seed: 14,
      start: '2025-10-23T09:00:00Z',
      minutes: 150,
      dailyShape: false,
      models: [
        { modelId: HAIKU, perMinute: 6, inputTokens: 600, outputTokens: 250, ...HEALTHY },
        { modelId: NOVA, perMinute: 4, inputTokens: 500, outputTokens: 200, ...HEALTHY },
      ],
      incidents: [
        {
          modelId: HAIKU,
          fromMinute: 60,
          toMinute: 90,
          errorRate: 0.1,
          errorCode: 'InternalServerException',
        },
      ],
    },
    params: {},
    deliveryLagSeconds: 60,
    expect: {
      fires: [{ family: 'error-rate', scope: 'all', level: 'critical', withinMinutes: [60, 71] }],
      quiet: [...rates('all', 'throttle-rate'), { family: 'client-error-rate', scope: 'all' }],
      othersQuiet: false,
    },
  },
];
