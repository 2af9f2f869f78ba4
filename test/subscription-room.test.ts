import { Logger } from '@aws-lambda-powertools/logger';
import {
  BedrockClient,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import { CloudWatchLogsClient, DescribeSubscriptionFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildStack } from '../deploy/stack/index';
import { createLoggingConfigHandler } from '../functions/logging-config/handler';
import { checkSubscriptionRoom } from '../functions/logging-config/subscription-room';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { context } from './support/helpers';

const logs = mockClient(CloudWatchLogsClient);
const bedrock = mockClient(BedrockClient);
const ssm = mockClient(SSMClient);
const GROUP = '/aws/bedrock/modelinvocations';
const OURS = 'arn:aws:lambda:us-east-1:123456789012:function:bedrock-watch-prod-ingest';
const filter = (filterName: string, destinationArn: string) => ({
  filterName,
  destinationArn,
  logGroupName: GROUP,
});
const SIEM = filter('siem', 'arn:aws:logs:us-east-1:123456789012:destination:siem');
const ARCHIVE = filter('archive', 'arn:aws:firehose:us-east-1:123456789012:deliverystream/archive');

function createEvent(props: Record<string, string>): CloudFormationCustomResourceEvent {
  return {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
    ResponseURL: 'https://cloudformation-response.example/presigned',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/bedrock-watch-prod/abc-123',
    RequestId: 'req-1',
    LogicalResourceId: 'InvocationLoggingConfig',
    ResourceType: 'Custom::BedrockInvocationLogging',
    ResourceProperties: { ServiceToken: 'x', ...props },
  } as CloudFormationCustomResourceEvent;
}

beforeEach(() => {
  logs.reset();
  bedrock.reset();
  ssm.reset();
});

describe('checkSubscriptionRoom (issue 25, item 5)', () => {
  it('refuses a group that already has two other subscribers, naming them and the shared path', async () => {
    logs
      .on(DescribeSubscriptionFiltersCommand, { logGroupName: GROUP })
      .resolves({ subscriptionFilters: [SIEM, ARCHIVE] });

    await expect(checkSubscriptionRoom(new CloudWatchLogsClient({}), GROUP, OURS)).rejects.toThrow(
      /^log group \/aws\/bedrock\/modelinvocations already has 2 subscription filters, CloudWatch Logs' limit: siem \(to arn:aws:logs:.*:destination:siem\), archive \(to .*deliverystream\/archive\)\. Remove one, or share one subscription: deploy one stage with ingestMode=kinesis/,
    );
  });

  it.each([
    ['no filter', []],
    ['one other subscriber', [SIEM]],
    ["the stack's own filter and another (an update)", [SIEM, filter('ours', OURS)]],
  ])('leaves room with %s', async (_what, subscriptionFilters) => {
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters });

    await expect(checkSubscriptionRoom(new CloudWatchLogsClient({}), GROUP, OURS)).resolves.toBeUndefined();
  });

  it('leaves room when the group does not exist yet (the stack creates it)', async () => {
    logs.on(DescribeSubscriptionFiltersCommand).rejects(
      Object.assign(new Error('The specified log group does not exist.'), {
        name: 'ResourceNotFoundException',
      }),
    );

    await expect(checkSubscriptionRoom(new CloudWatchLogsClient({}), GROUP, OURS)).resolves.toBeUndefined();
  });
});

describe('the logging-config custom resource with a full log group', () => {
  it('answers FAILED with the reason before changing the logging setting', async () => {
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [SIEM, ARCHIVE] });
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
    const responses: Record<string, string>[] = [];
    const handler = createLoggingConfigHandler({
      bedrock: new BedrockClient({ region: 'us-east-1' }),
      ssm: new SSMClient({ region: 'us-east-1' }),
      logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      respond: (_url, body) => {
        responses.push(JSON.parse(body));
        return Promise.resolve();
      },
      sleep: () => Promise.resolve(),
    });

    await handler(
      createEvent({
        LogGroupName: GROUP,
        RoleArn: 'arn:aws:iam::123456789012:role/bedrock-logging',
        PreviousConfigParameter: '/bedrock-watch/prod/previous-invocation-logging-config',
        SubscriptionDestinationArn: OURS,
      }),
      context,
    );

    expect(responses).toHaveLength(1);
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toMatch(
      /^SubscriptionRoomError: log group \/aws\/bedrock\/modelinvocations already has 2/,
    );
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });
});

describe('the stack looks for room before it subscribes', () => {
  it.each(['direct', 'kinesis'])(
    'in %s mode: the custom resource checks the destination, the filter waits for it',
    (ingestMode) => {
      const { Resources } = buildStack(parseStackParameters({ ingestMode, existingLogGroup: GROUP }), {
        service: 'bedrock-watch',
        stage: 'prod',
      });
      const filterRes = Resources.InvocationSubscription;
      const custom = Resources.InvocationLoggingConfig;
      const statements = JSON.stringify(Resources.LoggingConfigRole?.Properties);

      expect(custom?.Properties?.SubscriptionDestinationArn).toEqual(filterRes?.Properties?.DestinationArn);
      expect(filterRes?.DependsOn).toContain('InvocationLoggingConfig');
      expect(statements).toContain('logs:DescribeSubscriptionFilters');
      expect(statements).toContain(`log-group:${GROUP}:*`);
    },
  );
});
