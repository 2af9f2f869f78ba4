import { Logger } from '@aws-lambda-powertools/logger';
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildStack } from '../deploy/stack/index';
import { createLoggingConfigHandler } from '../functions/logging-config/handler';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { context } from './support/helpers';

const bedrock = mockClient(BedrockClient);
const ssm = mockClient(SSMClient);
const PARAM = '/bedrock-watch/prod/previous-invocation-logging-config';
const PROPS = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
  LogGroupName: '/aws/bedrock/modelinvocations',
  RoleArn: 'arn:aws:iam::123456789012:role/bedrock-logging',
  PreviousConfigParameter: PARAM,
};

function event(
  RequestType: 'Create' | 'Update' | 'Delete',
  props: Record<string, string> = PROPS,
): CloudFormationCustomResourceEvent {
  return {
    RequestType,
    ServiceToken: props.ServiceToken ?? '',
    ResponseURL: 'https://cloudformation-response.example/presigned',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/bedrock-watch-prod/abc-123',
    RequestId: 'req-1',
    LogicalResourceId: 'InvocationLoggingConfig',
    ResourceType: 'Custom::BedrockInvocationLogging',
    ResourceProperties: props,
    ...(RequestType === 'Create'
      ? {}
      : { PhysicalResourceId: 'bedrock-invocation-logging-bedrock-watch-prod' }),
    ...(RequestType === 'Update' ? { OldResourceProperties: props } : {}),
  } as CloudFormationCustomResourceEvent;
}

function setup(answerMarginMs?: number) {
  const responses: Record<string, string>[] = [];
  const sleeps: number[] = [];
  const handler = createLoggingConfigHandler({
    ...(answerMarginMs === undefined ? {} : { answerMarginMs }),
    bedrock: new BedrockClient({ region: 'us-east-1' }),
    ssm: new SSMClient({ region: 'us-east-1' }),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    respond: (_url, body) => {
      responses.push(JSON.parse(body));
      return Promise.resolve();
    },
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { handler, responses, sleeps };
}

/** A Lambda context whose function has `remainingMs` left. */
const contextWith = (remainingMs: number) => ({ ...context, getRemainingTimeInMillis: () => remainingMs });
const stored = (previous: unknown, extra: Record<string, unknown> = {}) => ({
  Parameter: { Value: JSON.stringify({ previous, ...extra }) },
});
const notFound = () => new ParameterNotFound({ message: 'none', $metadata: {} });
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

const ourConfig = {
  cloudWatchConfig: {
    logGroupName: '/aws/bedrock/modelinvocations',
    roleArn: 'arn:aws:iam::123456789012:role/bedrock-logging',
  },
  textDataDeliveryEnabled: true,
};

/** The account, region and partition the template's Refs stand for in the IAM check below. */
const ACCOUNT = { 'AWS::AccountId': '123456789012', 'AWS::Region': 'us-east-1', 'AWS::Partition': 'aws' };
const STACK_ROLE_ARN = 'arn:aws:iam::123456789012:role/bedrock-watch-dev-BedrockLoggingRole-ABC';

/** A template value (a string, Ref, Fn::Join or a GetAtt) as the deployed stack would see it. */
function resolved(value: unknown, earlierRole: string | undefined): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return ACCOUNT[v.Ref as keyof typeof ACCOUNT] ?? `<${v.Ref}>`;
  const att = Array.isArray(v['Fn::GetAtt']) ? (v['Fn::GetAtt'] as string[]).join('.') : undefined;
  if (att === 'BedrockLoggingRole.Arn') return STACK_ROLE_ARN;
  // The earlier-role resource's attribute is what its function answered.
  if (att === 'EarlierLoggingRole.RoleArn') return earlierRole ?? '<not answered>';
  if (Array.isArray(v['Fn::Join']))
    return (v['Fn::Join'][1] as unknown[]).map((x) => resolved(x, earlierRole)).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

const globMatches = (pattern: string, text: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(text);

/** The stack that adopts an account's group, where an earlier setting with its own role is likeliest. */
const adoptingStack = () =>
  buildStack(parseStackParameters({ existingLogGroup: '/aws/bedrock/modelinvocations' }), {
    service: 'bedrock-watch',
    stage: 'dev',
  }).Resources;

type Statement = Record<string, unknown>;

/** Every statement that applies to the logging-config role: its inline policies and policies attached to it. */
function loggingConfigRoleStatements(): Statement[] {
  const resources = adoptingStack();
  const docs = [
    ...((resources.LoggingConfigRole?.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).map(
      (p) => p.PolicyDocument,
    ),
    ...Object.values(resources)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: 'LoggingConfigRole' }]),
      )
      .map((r) => r.Properties?.PolicyDocument),
  ] as { Statement: Statement[] }[];
  return docs.flatMap((d) => d.Statement);
}

/**
 * Whether the packaged logging-config role may pass `roleArn` to Bedrock, given what the
 * earlier-role resource answered: an Allow of iam:PassRole whose resource matches, held to
 * Bedrock by its iam:PassedToService condition (a grant without it does not count: it must be scoped).
 */
function mayPassToBedrock(roleArn: string, earlierRole: string | undefined): boolean {
  return loggingConfigRoleStatements().some((s) => {
    const resources = [s.Resource].flat().map((r) => resolved(r, earlierRole));
    const service = (s.Condition as { StringEquals?: Record<string, string> } | undefined)?.StringEquals?.[
      'iam:PassedToService'
    ];
    return (
      s.Effect === 'Allow' &&
      [s.Action].flat().includes('iam:PassRole') &&
      service === 'bedrock.amazonaws.com' &&
      resources.some((r) => globMatches(r, roleArn))
    );
  });
}

/** A request to the resource that reads the earlier setting's role. */
const earlierRoleEvent = (RequestType: 'Create' | 'Update' | 'Delete') =>
  ({
    ...event(RequestType, {
      ServiceToken: PROPS.ServiceToken,
      PreviousConfigParameter: PARAM,
      StackRoleArn: STACK_ROLE_ARN,
    }),
    LogicalResourceId: 'EarlierLoggingRole',
    ResourceType: 'Custom::BedrockEarlierLoggingRole',
  }) as CloudFormationCustomResourceEvent;

describe('logging-config custom resource handler', () => {
  beforeEach(() => {
    bedrock.reset();
    ssm.reset();
  });

  it('on create, keeps the configuration it found, then turns text logging on for our log group', async () => {
    const previous = {
      s3Config: { bucketName: 'archive' },
      imageDataDeliveryEnabled: true,
      textDataDeliveryEnabled: false,
    };
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: previous });
    const { handler, responses } = setup();

    await handler(event('Create'), context);

    expect(ssm.commandCalls(PutParameterCommand)[0]?.args[0].input).toMatchObject({
      Name: PARAM,
      Value: JSON.stringify({ previous }),
      Overwrite: false,
    });
    // The account's S3 archive and image delivery are kept.
    expect(
      bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0]?.args[0].input.loggingConfig,
    ).toEqual({
      ...previous,
      ...ourConfig,
    });
    expect(responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: 'bedrock-invocation-logging-bedrock-watch-prod',
        RequestId: 'req-1',
      }),
    ]);
  });

  it('adds S3 delivery of large bodies when a bucket is given', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"previous":null}' } });
    const { handler } = setup();

    await handler(
      event('Update', { ...PROPS, LargeDataBucket: 'bodies', LargeDataKeyPrefix: 'invocation-bodies' }),
      context,
    );

    expect(
      bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0]?.args[0].input.loggingConfig
        ?.cloudWatchConfig,
    ).toEqual({
      ...ourConfig.cloudWatchConfig,
      largeDataDeliveryS3Config: { bucketName: 'bodies', keyPrefix: 'invocation-bodies' },
    });
    // An update never overwrites what was kept at create.
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('retries while the new Bedrock role is not usable yet', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"previous":null}' } });
    const notYet = Object.assign(new Error('Failed to validate permissions for log group'), {
      name: 'ValidationException',
    });
    bedrock
      .on(PutModelInvocationLoggingConfigurationCommand)
      .rejectsOnce(notYet)
      .rejectsOnce(notYet)
      .resolves({});
    const { handler, responses, sleeps } = setup();

    await handler(event('Create'), context);

    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(3);
    expect(sleeps).toEqual([5000, 10000]);
    expect(responses[0]?.Status).toBe('SUCCESS');
  });

  it('on delete, restores the configuration from before the stack', async () => {
    const previous = {
      cloudWatchConfig: { logGroupName: '/theirs', roleArn: 'arn:aws:iam::1:role/theirs' },
      textDataDeliveryEnabled: true,
    };
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ previous }) } });
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: ourConfig });
    const { handler, responses } = setup();

    await handler(event('Delete'), context);

    expect(
      bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0]?.args[0].input.loggingConfig,
    ).toEqual(previous);
    expect(bedrock.commandCalls(DeleteModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
    expect(ssm.commandCalls(DeleteParameterCommand)[0]?.args[0].input).toEqual({ Name: PARAM });
    expect(responses[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'bedrock-invocation-logging-bedrock-watch-prod',
    });
  });

  it('on delete, turns logging off when it was off before', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"previous":null}' } });
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: ourConfig });
    const { handler } = setup();

    await handler(event('Delete'), context);

    expect(bedrock.commandCalls(DeleteModelInvocationLoggingConfigurationCommand)).toHaveLength(1);
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
  });

  it('reports FAILED with the reason instead of leaving CloudFormation waiting', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"previous":null}' } });
    bedrock
      .on(PutModelInvocationLoggingConfigurationCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'ServiceQuotaExceededException' }));
    const { handler, responses } = setup();

    await handler(event('Create'), context);

    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain('ServiceQuotaExceededException: not allowed');
  });

  it('rejects missing properties', async () => {
    const { handler, responses } = setup();

    await handler(event('Create', { ServiceToken: 'x', LogGroupName: '/g' }), context);

    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain('property RoleArn is required');
  });

  it('after a Create that failed before keeping the previous setting, the rollback Delete changes nothing', async () => {
    ssm.on(GetParameterCommand).rejects(notFound());
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).rejects(awsError('ThrottlingException'));
    const { handler, responses } = setup();

    await handler(event('Create'), context);

    expect(responses[0]?.Status).toBe('FAILED');
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);

    await handler(event('Delete'), context);

    // The account's own logging (an S3 audit archive, say) must survive the rollback.
    expect(bedrock.commandCalls(DeleteModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
    expect(responses[1]).toMatchObject({ Status: 'SUCCESS' });
    expect(responses[1]?.Reason).toContain('never changed');
  });

  it("on delete, leaves logging alone when it no longer points at the stack's log group", async () => {
    const theirs = { s3Config: { bucketName: 'audit' }, textDataDeliveryEnabled: true };
    ssm.on(GetParameterCommand).resolves(stored(null));
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: theirs });
    const { handler, responses } = setup();

    await handler(event('Delete'), context);

    expect(bedrock.commandCalls(DeleteModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(1);
    expect(responses[0]?.Status).toBe('SUCCESS');
    expect(responses[0]?.Reason).toContain('no longer points at this stack');
  });

  it('when a restore fails, answers FAILED with the way out, and lets the next delete finish', async () => {
    const previous = { s3Config: { bucketName: 'audit' }, textDataDeliveryEnabled: false };
    ssm.on(GetParameterCommand).resolves(stored(previous));
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: ourConfig });
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).rejects(awsError('AccessDeniedException'));
    const { handler, responses } = setup();

    await handler(event('Delete'), context);

    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain(PARAM);
    expect(responses[0]?.Reason).toContain('retry the delete');
    expect(ssm.commandCalls(PutParameterCommand)[0]?.args[0].input).toMatchObject({
      Name: PARAM,
      Value: JSON.stringify({ previous, restoreFailures: 1 }),
      Overwrite: true,
    });

    ssm.on(GetParameterCommand).resolves(stored(previous, { restoreFailures: 1 }));
    await handler(event('Delete'), context);

    expect(responses[1]?.Status).toBe('SUCCESS');
    expect(responses[1]?.Reason).toContain(`kept in SSM parameter ${PARAM}`);
    // The previous setting stays where an operator can put it back by hand.
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(0);
  });

  it('on delete with properties it cannot read (a Create that failed for them), changes nothing', async () => {
    const { handler, responses } = setup();

    await handler(event('Delete', { ServiceToken: 'x', LogGroupName: '/g' }), context);

    expect(bedrock.calls()).toHaveLength(0);
    expect(responses[0]?.Status).toBe('SUCCESS');
  });

  it('answers CloudFormation before the function times out when a call hangs', async () => {
    ssm.on(GetParameterCommand).rejects(notFound());
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).callsFake(() => new Promise(() => undefined));
    const { handler, responses } = setup(1000);

    await handler(event('Create'), contextWith(1050));

    expect(responses).toHaveLength(1);
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain('deadline');
  });

  it('stops retrying a put that would not end before the deadline', async () => {
    ssm.on(GetParameterCommand).resolves(stored(null));
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).rejects(awsError('ValidationException'));
    const { handler, responses, sleeps } = setup(1000);

    await handler(event('Create'), contextWith(8000));

    expect(sleeps).toEqual([5000]);
    expect(responses[0]?.Status).toBe('FAILED');
  });

  it('fails at once, saying which bucket policy to add, when Bedrock may not write to an existing bucket', async () => {
    ssm.on(GetParameterCommand).resolves(stored(null));
    bedrock
      .on(PutModelInvocationLoggingConfigurationCommand)
      .rejects(awsError('ValidationException', 'Failed to validate permissions for the S3 bucket my-bodies'));
    const { handler, responses, sleeps } = setup();

    await handler(
      event('Create', { ...PROPS, LargeDataBucket: 'my-bodies', LargeDataKeyPrefix: 'invocation-bodies' }),
      context,
    );

    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain('my-bodies');
    expect(responses[0]?.Reason).toContain('"Service":"bedrock.amazonaws.com"');
    expect(responses[0]?.Reason).toContain('s3:PutObject');
  });

  it('says in its answer that text delivery is switched on for the whole account', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves(stored({ s3Config: { bucketName: 'audit' }, videoDataDeliveryEnabled: true }));
    const { handler, responses } = setup();

    await handler(event('Update'), context);

    expect(
      bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0]?.args[0].input.loggingConfig,
    ).toEqual({ s3Config: { bucketName: 'audit' }, videoDataDeliveryEnabled: true, ...ourConfig });
    expect(responses[0]?.Reason).toContain('text delivery is on account-wide');
  });

  it("on delete, may pass the role of the account's earlier setting back to Bedrock, and no other (issue 25, item 7)", async () => {
    // An account that logged to its own group with its own role before the stack adopted the group.
    const previous = {
      cloudWatchConfig: {
        logGroupName: '/aws/bedrock/modelinvocations',
        roleArn: 'arn:aws:iam::123456789012:role/team-bedrock-logging',
      },
      textDataDeliveryEnabled: true,
    };
    // Create: the earlier-role resource reads the account's setting before the stack changes it.
    ssm.on(GetParameterCommand).rejects(notFound());
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: previous });
    const { handler, responses } = setup();
    await handler(earlierRoleEvent('Create'), context);
    const answered = (responses[0]?.Data as unknown as { RoleArn?: string } | undefined)?.RoleArn;

    // Delete: the setting is the stack's; Bedrock checks iam:PassRole as IAM would, against the
    // packaged policies with the answered role filled in.
    bedrock.reset();
    ssm.reset();
    ssm.on(GetParameterCommand).resolves(stored(previous));
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({
      loggingConfig: {
        ...ourConfig,
        cloudWatchConfig: { ...ourConfig.cloudWatchConfig, roleArn: STACK_ROLE_ARN },
      },
    });
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).callsFake((input) => {
      const role = input.loggingConfig?.cloudWatchConfig?.roleArn ?? '';
      if (!mayPassToBedrock(role, answered))
        throw awsError('AccessDeniedException', `not authorized to perform iam:PassRole on ${role}`);
      return {};
    });
    await handler(event('Delete', { ...PROPS, RoleArn: STACK_ROLE_ARN }), context);

    expect(responses[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'bedrock-earlier-logging-role-bedrock-watch-prod',
    });
    expect(answered).toBe('arn:aws:iam::123456789012:role/team-bedrock-logging');
    expect(responses[1]?.Status, responses[1]?.Reason).toBe('SUCCESS');
    expect(
      bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0]?.args[0].input.loggingConfig,
    ).toEqual(previous);
    // The grant outlives the restore: a stack delete removes dependents first.
    expect(adoptingStack().InvocationLoggingConfig?.DependsOn).toContain('EarlierLoggingRolePassPolicy');
    // Exactly that role and the stack's own: no other role of the account, to Bedrock or elsewhere.
    expect(mayPassToBedrock(STACK_ROLE_ARN, answered)).toBe(true);
    expect(mayPassToBedrock('arn:aws:iam::123456789012:role/admin', answered)).toBe(false);
  });

  it('answers the earlier role from the kept setting on an update, and the stack role when logging was off', async () => {
    const kept = {
      cloudWatchConfig: { logGroupName: '/theirs', roleArn: 'arn:aws:iam::123456789012:role/theirs' },
    };
    ssm.on(GetParameterCommand).resolvesOnce(stored(kept)).resolves(stored(null));
    const { handler, responses } = setup();

    await handler(earlierRoleEvent('Update'), context);
    await handler(earlierRoleEvent('Update'), context);
    await handler(earlierRoleEvent('Delete'), context);

    // The kept setting is the earlier one; the account's current one is the stack's by now.
    expect(bedrock.calls()).toHaveLength(0);
    expect(responses.map((r) => (r.Data as unknown as { RoleArn?: string } | undefined)?.RoleArn)).toEqual([
      'arn:aws:iam::123456789012:role/theirs',
      STACK_ROLE_ARN,
      undefined,
    ]);
    expect(responses.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  const ALL_BODIES_OFF = {
    textDataDeliveryEnabled: false,
    imageDataDeliveryEnabled: false,
    embeddingDataDeliveryEnabled: false,
    videoDataDeliveryEnabled: false,
  };
  const putConfig = () =>
    bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0]?.args[0].input.loggingConfig;

  it('with text delivery off, asks for metadata only: every body switch off (issue 25, item 15)', async () => {
    ssm.on(GetParameterCommand).rejects(notFound());
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
    const { handler, responses } = setup();

    await handler(event('Create', { ...PROPS, TextDataDelivery: 'false' }), context);

    expect(putConfig()).toEqual({ cloudWatchConfig: ourConfig.cloudWatchConfig, ...ALL_BODIES_OFF });
    expect(responses[0]?.Status).toBe('SUCCESS');
    expect(responses[0]?.Reason).toContain('metadata only: no prompt, answer or other body is delivered');
  });

  it("with text delivery off, switches off the bodies an earlier CloudWatch-only setting had: it is replaced, so they would reach only the stack's group", async () => {
    const previous = {
      cloudWatchConfig: { logGroupName: '/theirs', roleArn: 'arn:aws:iam::123456789012:role/theirs' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: true,
    };
    ssm.on(GetParameterCommand).resolves(stored(previous));
    const { handler } = setup();

    await handler(event('Update', { ...PROPS, TextDataDelivery: 'false' }), context);

    expect(putConfig()).toEqual({ cloudWatchConfig: ourConfig.cloudWatchConfig, ...ALL_BODIES_OFF });
  });

  it("with text delivery off, keeps the account's S3 archive and the bodies it received, and says this group gets them too", async () => {
    const previous = {
      s3Config: { bucketName: 'audit', keyPrefix: 'bedrock' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: true,
    };
    ssm.on(GetParameterCommand).resolves(stored(previous));
    const { handler, responses } = setup();

    await handler(event('Update', { ...PROPS, TextDataDelivery: 'false' }), context);

    expect(putConfig()).toEqual({
      s3Config: { bucketName: 'audit', keyPrefix: 'bedrock' },
      cloudWatchConfig: ourConfig.cloudWatchConfig,
      ...ALL_BODIES_OFF,
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: true,
    });
    expect(responses[0]?.Reason).toContain(
      "text, image delivery stays on account-wide because the account's S3 archive had it on",
    );
  });

  it('with text delivery on, keeps the S3 archive and turns text on (what short asks for too)', async () => {
    const previous = { s3Config: { bucketName: 'audit' }, textDataDeliveryEnabled: false };
    ssm.on(GetParameterCommand).resolves(stored(previous));
    const { handler } = setup();

    await handler(event('Update', { ...PROPS, TextDataDelivery: 'true' }), context);

    expect(putConfig()).toEqual({ s3Config: { bucketName: 'audit' }, ...ourConfig });
  });

  it('refuses a TextDataDelivery that is neither true nor false', async () => {
    const { handler, responses } = setup();

    await handler(event('Create', { ...PROPS, TextDataDelivery: 'short' }), context);

    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain('property TextDataDelivery must be true or false');
    expect(bedrock.calls()).toHaveLength(0);
  });
});
