import { compileFunction } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INLINE_LOGGING_SOURCE, ZIP_FILE_MAX_BYTES } from '../deploy/member/inline-logging';
import { MemberTemplateError, memberNames, memberTemplate } from '../deploy/member/template';
import { buildStack } from '../deploy/stack/index';
import { ingestNames } from '../deploy/stack/names';
import { regionalDestinationTemplate } from '../deploy/stack/organization';
import { desiredLoggingConfig, parseLoggingProperties } from '../functions/logging-config/invocation-logging';
import { buildDashboards } from '../shared/monitoring/dashboards/index';
import {
  DEFAULT_STACK_PARAMETERS,
  parseStackParameters,
  StackParameterError,
} from '../shared/monitoring/parameters';

const ORG = 'o-a1b2c3d4e5';
const CTX = { service: 'bedrock-watch', stage: 'prod' };
const CENTRAL = '111122223333';
const member = () =>
  memberTemplate({ centralAccount: CENTRAL, ctx: CTX, params: DEFAULT_STACK_PARAMETERS }) as {
    Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;
  };

/** Every `Action` value anywhere in a template, as a flat list. */
function actions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(actions);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'Action' || key === 'NotAction' ? [value].flat().map(String) : actions(value),
  );
}

/** The destination policy of a template's OrganizationDestination, parsed from its Fn::Sub string. */
function policyOf(resources: Record<string, any>) {
  return JSON.parse(resources.OrganizationDestination.Properties.DestinationPolicy['Fn::Sub']);
}

function refusal(raw: Record<string, unknown>): string {
  try {
    parseStackParameters(raw);
  } catch (error) {
    if (error instanceof StackParameterError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('organization parameters (issue 23, item 2)', () => {
  it('accepts an organization id with Kinesis mode and source regions', () => {
    const params = parseStackParameters({
      organizationId: ORG,
      ingestMode: 'kinesis',
      sourceRegions: 'eu-west-1, us-west-2',
    });

    expect(params.organizationId).toBe(ORG);
    expect(params.sourceRegions).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('defaults to no organization and no source regions', () => {
    expect(DEFAULT_STACK_PARAMETERS.organizationId).toBe('');
    expect(DEFAULT_STACK_PARAMETERS.sourceRegions).toEqual([]);
  });

  it.each([
    [
      { organizationId: 'o-short', ingestMode: 'kinesis' },
      'organizationId: "o-short" is not an AWS Organizations id',
    ],
    [{ organizationId: 'O-A1B2C3D4E5', ingestMode: 'kinesis' }, 'is not an AWS Organizations id'],
    [{ organizationId: '123456789012', ingestMode: 'kinesis' }, 'is not an AWS Organizations id'],
    [{ organizationId: ORG }, 'organizationId: member accounts send through Logs destinations'],
    [{ organizationId: ORG, ingestMode: 'direct' }, 'add ingestMode=kinesis'],
    [
      { organizationId: ORG, ingestMode: 'kinesis', sourceRegions: 'eu-west' },
      'sourceRegions: "eu-west" is not a region id',
    ],
    [{ organizationId: ORG, ingestMode: 'kinesis', sourceRegions: 'eu-west-1,eu-west-1' }, 'named twice'],
    [{ ingestMode: 'kinesis', sourceRegions: 'eu-west-1' }, 'sourceRegions: needs organizationId'],
  ])('refuses %j', (raw, message) => {
    expect(refusal(raw)).toContain(message);
  });

  const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
  const central = { organizationId: ORG, ingestMode: 'kinesis' };

  it("refuses quotas: Bedrock's quotas are one account's, the central series the organization's", () => {
    expect(refusal({ ...central, quotas: `${HAIKU}=200000:100` })).toContain(
      "quotas: Bedrock's quotas are per account and Region",
    );
    expect(parseStackParameters({ ingestMode: 'kinesis', quotas: `${HAIKU}=200000:100` }).quotas).toEqual({
      [HAIKU]: { tokensPerMinute: 200000, requestsPerMinute: 100 },
    });
  });

  it('refuses watched models under essential (their alarms would read AWS/Bedrock) and takes them under complete', () => {
    expect(refusal({ ...central, metricSet: 'essential', watchedModels: HAIKU })).toContain(
      'use metricSet=complete',
    );
    expect(
      parseStackParameters({ ...central, metricSet: 'complete', watchedModels: HAIKU }).watchedModels,
    ).toEqual([HAIKU]);
    expect(parseStackParameters({ metricSet: 'essential', watchedModels: HAIKU }).watchedModels).toEqual([
      HAIKU,
    ]);
  });
});

describe("the central monitor's dashboards (issue 23, item 3)", () => {
  const NAMES = {
    namePrefix: 'bw',
    ingestFunctionName: 'bw-ingest',
    ingestLogGroupName: '/aws/lambda/bw-ingest',
    failureQueueName: 'bw-q',
  };
  const metricWidgets = (raw: Record<string, unknown>) =>
    buildDashboards(parseStackParameters(raw), NAMES, []).flatMap((d) =>
      d.body.widgets.filter((w) => w.type === 'metric'),
    );
  const readsBedrock = (w: { properties: Record<string, unknown> }) =>
    /AWS\/Bedrock/.test(JSON.stringify(w.properties.metrics ?? []));
  const NOTE = / \((this account only|AWS\/Bedrock lines: this account only)\)$/;

  it.each(['essential', 'complete'])(
    'under %s, says on every widget that reads AWS/Bedrock that it counts this account only, and on no other',
    (metricSet) => {
      const widgets = metricWidgets({
        organizationId: ORG,
        ingestMode: 'kinesis',
        metricSet,
        attributionKeys: 'account',
      });
      const bedrock = widgets.filter(readsBedrock);

      expect(bedrock.length).toBeGreaterThan(0);
      expect(bedrock.filter((w) => !NOTE.test(String(w.properties.title)))).toEqual([]);
      expect(widgets.filter((w) => !readsBedrock(w) && NOTE.test(String(w.properties.title)))).toEqual([]);
    },
  );

  it('marks a widget of AWS/Bedrock lines only as such, and one that mixes them with ours by its AWS/Bedrock lines', () => {
    const titles = metricWidgets({ organizationId: ORG, ingestMode: 'kinesis', metricSet: 'essential' }).map(
      (w) => w.properties.title,
    );

    expect(titles).toContain('Invocations per model (this account only)');
    expect(titles).toContain('Pipeline: lag and failures (AWS/Bedrock lines: this account only)');
    expect(titles).toContain('Errors by class (all models)');
  });

  it('leaves the titles of a stack that is no central monitor alone', () => {
    const titles = metricWidgets({ ingestMode: 'kinesis', metricSet: 'essential' }).map((w) =>
      String(w.properties.title),
    );

    expect(titles).toContain('Invocations per model');
    expect(titles.filter((t) => t.includes('this account only'))).toEqual([]);
  });
});

describe('the central stack with organizationId (issue 23, item 2)', () => {
  const names = ingestNames(CTX);
  const params = parseStackParameters({
    organizationId: ORG,
    ingestMode: 'kinesis',
    sourceRegions: 'eu-west-1',
  });
  const stack = buildStack(params, CTX);

  it('adds a destination in front of the stream and its role, and nothing without an organization', () => {
    const plain = buildStack(parseStackParameters({ ingestMode: 'kinesis' }), CTX);

    expect(Object.keys(stack.Resources).filter((id) => !(id in plain.Resources))).toEqual([
      'OrganizationDestinationRole',
      'OrganizationDestination',
    ]);
    expect(Object.keys(plain.Resources).filter((id) => id.startsWith('Organization'))).toEqual([]);
    expect(stack.Resources.OrganizationDestination?.Properties?.TargetArn).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:kinesis:\${AWS::Region}:\${AWS::AccountId}:stream/${names.streamName}`,
    });
  });

  it('lets Logs write only PutRecord on that stream, from the stack region and the source regions', () => {
    const role = stack.Resources.OrganizationDestinationRole?.Properties as Record<string, any>;
    const trust = role.AssumeRolePolicyDocument.Statement[0];

    expect(trust.Principal).toEqual({ Service: 'logs.amazonaws.com' });
    expect(trust.Condition.StringLike['aws:SourceArn']).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:*:*` },
      { 'Fn::Sub': `arn:\${AWS::Partition}:logs:eu-west-1:*:*` },
    ]);
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['kinesis:PutRecord'],
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:kinesis:\${AWS::Region}:\${AWS::AccountId}:stream/${names.streamName}`,
        },
      },
    ]);
  });

  it.each([
    ['central', () => stack.Resources],
    ['regional', () => regionalDestinationTemplate(ORG, 'us-east-1', names).Resources],
  ])(
    'its %s destination policy admits only principals of the named organization, only to subscribe',
    (_, of) => {
      const policy = policyOf(of());

      expect(policy.Statement).toEqual([
        {
          Sid: 'OrganizationMembersSubscribe',
          Effect: 'Allow',
          Principal: '*',
          Action: 'logs:PutSubscriptionFilter',
          Resource: `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:destination:${names.streamName}`,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': [ORG] } },
        },
      ]);
    },
  );

  it('gives the regional destination the central stream and the central role by name', () => {
    const props = regionalDestinationTemplate(ORG, 'us-east-1', names).Resources.OrganizationDestination
      .Properties as Record<string, unknown>;

    expect(props.TargetArn).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:kinesis:us-east-1:\${AWS::AccountId}:stream/${names.streamName}`,
    });
    expect(props.RoleArn).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/bedrock-watch-prod-org-logs`,
    });
    expect(stack.Resources.OrganizationDestinationRole?.Properties?.RoleName).toBe(
      'bedrock-watch-prod-org-logs',
    );
  });
});

describe('the member template (issue 23, item 2)', () => {
  it('has no wildcard action anywhere', () => {
    const all = actions(member());

    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('runs no Lambda code but the inline custom resource, within the ZipFile limit', () => {
    const { Resources } = member();
    const functions = Object.entries(Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

    expect(functions.map(([id]) => id)).toEqual(['LoggingConfigFunction']);
    expect(functions[0]?.[1].Properties.Code).toEqual({ ZipFile: INLINE_LOGGING_SOURCE });
    expect(Object.values(Resources).filter((r) => /Serverless|Lambda::LayerVersion/.test(r.Type))).toEqual(
      [],
    );
    expect(Buffer.byteLength(INLINE_LOGGING_SOURCE)).toBeLessThanOrEqual(ZIP_FILE_MAX_BYTES);
    expect(Resources.InvocationLoggingConfig?.Properties.ServiceToken).toEqual({
      'Fn::GetAtt': ['LoggingConfigFunction', 'Arn'],
    });
  });

  it("subscribes the log group to the central account's destination of its own region, with a role", () => {
    const filter = member().Resources.InvocationSubscription?.Properties as Record<string, any>;

    expect(filter.DestinationArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          `:${CENTRAL}:destination:bedrock-watch-prod-invocation-logs`,
        ],
      ],
    });
    expect(filter.RoleArn).toEqual({ 'Fn::GetAtt': ['SubscriptionRole', 'Arn'] });
    expect(filter.FilterPattern).toBe('{ $.schemaType = "ModelInvocationLog" }');
  });

  it('keeps text as the central stack would: short keeps the group a day, off asks for metadata only', () => {
    const of = (invocationText: 'short' | 'off') =>
      memberTemplate({
        centralAccount: CENTRAL,
        ctx: CTX,
        params: { ...DEFAULT_STACK_PARAMETERS, invocationText },
      }).Resources as Record<string, any>;

    expect(of('short').InvocationLogGroup.Properties.RetentionInDays).toBe(1);
    expect(of('off').InvocationLogGroup.Properties.RetentionInDays).toBe(30);
    expect(of('off').InvocationLoggingConfig.Properties.TextDataDelivery).toBe('false');
  });

  it('refuses a central account that is not an account id', () => {
    expect(() =>
      memberTemplate({ centralAccount: '1111', ctx: CTX, params: DEFAULT_STACK_PARAMETERS }),
    ).toThrow(MemberTemplateError);
  });
});

/** The inline source loaded with fake SDK clients and https, and what it sent. */
function loadInline(
  initial: {
    config?: Record<string, unknown>;
    stored?: string;
    failRestore?: boolean;
    failPuts?: number;
  } = {},
) {
  let failPuts = initial.failPuts ?? 0;
  const state = {
    config: initial.config,
    stored: initial.stored,
    answers: [] as any[],
    calls: [] as string[],
  };
  const command = (name: string) =>
    class {
      readonly name = name;
      constructor(readonly input: any) {}
    };
  const bedrock = {
    BedrockClient: class {
      send = (c: { name: string; input: any }) => Promise.resolve().then(() => this.reply(c));
      reply(c: { name: string; input: any }) {
        state.calls.push(c.name);
        if (c.name === 'Get') return { loggingConfig: state.config };
        if (c.name === 'Put' && failPuts-- > 0)
          throw Object.assign(new Error('cannot assume role'), { name: 'ValidationException' });
        if (c.name === 'Put' && initial.failRestore && !c.input.loggingConfig.cloudWatchConfig)
          throw Object.assign(new Error('no'), { name: 'AccessDeniedException' });
        state.config = c.name === 'Put' ? c.input.loggingConfig : undefined;
        return {};
      }
    },
    GetModelInvocationLoggingConfigurationCommand: command('Get'),
    PutModelInvocationLoggingConfigurationCommand: command('Put'),
    DeleteModelInvocationLoggingConfigurationCommand: command('Delete'),
  };
  const ssm = {
    SSMClient: class {
      send = (c: { name: string; input: any }) => Promise.resolve().then(() => this.reply(c));
      reply(c: { name: string; input: any }) {
        state.calls.push(c.name);
        if (c.name === 'GetParameter') {
          if (state.stored === undefined)
            throw Object.assign(new Error('none'), { name: 'ParameterNotFound' });
          return { Parameter: { Value: state.stored } };
        }
        state.stored = c.name === 'PutParameter' ? c.input.Value : undefined;
        return {};
      }
    },
    GetParameterCommand: command('GetParameter'),
    PutParameterCommand: command('PutParameter'),
    DeleteParameterCommand: command('DeleteParameter'),
  };
  const https = {
    request: (_url: string, _opts: unknown, done: (res: unknown) => void) => ({
      on: () => undefined,
      end: (body: string) => {
        state.answers.push(JSON.parse(body));
        done({ resume: () => undefined, on: (event: string, f: () => void) => event === 'end' && f() });
      },
    }),
  };
  const modules: Record<string, unknown> = {
    '@aws-sdk/client-bedrock': bedrock,
    '@aws-sdk/client-ssm': ssm,
    https,
  };
  const module = { exports: {} as any };
  compileFunction(INLINE_LOGGING_SOURCE, ['exports', 'require', 'module'])(
    module.exports,
    (name: string) => modules[name],
    module,
  );
  return { inline: module.exports, state };
}

const PROPS = {
  ServiceToken: 'arn:aws:lambda:us-east-1:444455556666:function:x',
  LogGroupName: '/aws/bedrock/modelinvocations',
  RoleArn: 'arn:aws:iam::444455556666:role/member-BedrockLoggingRole',
  PreviousConfigParameter: memberNames(CTX).previousConfigParameter,
  TextDataDelivery: 'false',
};
const event = (RequestType: string) => ({
  RequestType,
  ResourceProperties: PROPS,
  ResponseURL: 'https://cloudformation-custom-resource-response.example/x',
  StackId: 'arn:aws:cloudformation:us-east-1:444455556666:stack/StackSet-member/abc',
  RequestId: 'r1',
  LogicalResourceId: 'InvocationLoggingConfig',
  ...(RequestType === 'Create' ? {} : { PhysicalResourceId: 'bedrock-member-logging-StackSet-member' }),
});
const context = { getRemainingTimeInMillis: () => 120_000 };
const ARCHIVE = {
  s3Config: { bucketName: 'archive' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
};

describe("the member's inline custom resource (issue 23, item 2)", () => {
  it('merges a logging setting exactly as the full stack does (desiredLoggingConfig)', () => {
    const { inline } = loadInline();
    const flag = fc.option(fc.boolean(), { nil: undefined });
    const previous = fc.option(
      fc.record(
        {
          cloudWatchConfig: fc.record({ logGroupName: fc.string(), roleArn: fc.string() }),
          s3Config: fc.record({ bucketName: fc.string(), keyPrefix: fc.string() }),
          textDataDeliveryEnabled: flag,
          imageDataDeliveryEnabled: flag,
          embeddingDataDeliveryEnabled: flag,
          videoDataDeliveryEnabled: flag,
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(previous, fc.constantFrom('true', 'false'), (prev, text) => {
        const props = { ...PROPS, TextDataDelivery: text };
        expect(inline.desired(prev, props)).toEqual(
          desiredLoggingConfig(prev, parseLoggingProperties(props)),
        );
      }),
    );
  });

  it('on create keeps the earlier setting in SSM, points Bedrock at the member group and answers SUCCESS', async () => {
    const { inline, state } = loadInline({ config: ARCHIVE });

    await inline.handler(event('Create'), context);

    expect(JSON.parse(state.stored as string)).toEqual({ previous: ARCHIVE });
    expect(state.config).toEqual({
      ...ARCHIVE,
      cloudWatchConfig: { logGroupName: PROPS.LogGroupName, roleArn: PROPS.RoleArn },
      embeddingDataDeliveryEnabled: false,
      videoDataDeliveryEnabled: false,
    });
    expect(state.answers).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: 'bedrock-member-logging-StackSet-member',
        RequestId: 'r1',
        LogicalResourceId: 'InvocationLoggingConfig',
      }),
    ]);
  });

  it('on delete puts the earlier setting back and forgets it; with none, turns logging off', async () => {
    const kept = loadInline({ config: ARCHIVE });
    await kept.inline.handler(event('Create'), context);
    await kept.inline.handler(event('Delete'), context);

    expect(kept.state.config).toEqual(ARCHIVE);
    expect(kept.state.stored).toBeUndefined();
    expect(kept.state.answers[1]).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'previous logging configuration restored',
    });

    const off = loadInline();
    await off.inline.handler(event('Create'), context);
    await off.inline.handler(event('Delete'), context);

    expect(off.state.calls).toContain('Delete');
    expect(off.state.config).toBeUndefined();
  });

  it('on delete leaves a setting someone changed since, and a failed restore keeps the earlier one in SSM', async () => {
    const changed = loadInline({ config: ARCHIVE });
    await changed.inline.handler(event('Create'), context);
    changed.state.config = { cloudWatchConfig: { logGroupName: 'theirs', roleArn: 'theirs' } };
    await changed.inline.handler(event('Delete'), context);

    expect(changed.state.config).toEqual({ cloudWatchConfig: { logGroupName: 'theirs', roleArn: 'theirs' } });
    expect(changed.state.answers[1].Reason).toBe('logging no longer points at this stack; left as it is');

    const failing = loadInline({ config: ARCHIVE, failRestore: true });
    await failing.inline.handler(event('Create'), context);
    await failing.inline.handler(event('Delete'), context);

    expect(failing.state.answers[1].Status).toBe('SUCCESS');
    expect(failing.state.answers[1].Reason).toContain(
      `stays in SSM parameter ${PROPS.PreviousConfigParameter}`,
    );
    expect(JSON.parse(failing.state.stored as string)).toEqual({ previous: ARCHIVE });
  });

  it('answers FAILED with the reason when Bedrock refuses for good', async () => {
    const { inline, state } = loadInline();
    const refuse = Object.assign(new Error('bad group'), { name: 'ResourceNotFoundException' });
    inline.put = () => Promise.reject(refuse);

    await inline.handler(event('Create'), context);

    expect(state.answers).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: 'ResourceNotFoundException: bad group' }),
    ]);
  });

  it('retries a put Bedrock refuses while the new role propagates, and gives up after six tries', async () => {
    const waits: number[] = [];
    const wait = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const config = { cloudWatchConfig: { logGroupName: 'g', roleArn: 'r' } };
    const late = loadInline({ failPuts: 2 });

    await late.inline.put(config, wait);

    expect(waits).toEqual([5000, 10_000]);
    expect(late.state.config).toEqual(config);

    waits.length = 0;
    const never = loadInline({ failPuts: 10 });

    await expect(never.inline.put(config, wait)).rejects.toThrow('cannot assume role');
    expect(waits).toEqual([5000, 10_000, 15_000, 20_000, 25_000]);
  });
});
