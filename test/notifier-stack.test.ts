import { beforeAll, describe, expect, it } from 'vitest';
import { parseHourlySettings } from '../shared/alerts/hourly-settings';
import { parseNotifierConfig } from '../shared/alerts/notifier-config';
import { dashboardNameIn } from '../shared/monitoring/dashboards/names';
import {
  asList,
  cfnLint,
  packageTemplate,
  policyStatements,
  resourcesOfType,
  type Template,
} from './support/stack-helpers';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const TARGETS =
  'slack=slack:ssm:/bw/slack;teams=teams:ssm:/bw/teams;pagerduty=pagerduty:secretsmanager:bw/pagerduty;' +
  'pagerduty-high=pagerduty:secretsmanager:bw/pagerduty-high;opsgenie=opsgenie:ssm:/bw/opsgenie;hook=webhook:ssm:/bw/hook';
let template: Template;

beforeAll(async () => {
  ({ template } = await packageTemplate(
    {
      alertTargets: TARGETS,
      escalationPolicy: '0:slack;15:pagerduty;30:pagerduty-high;60:opsgenie',
      warningPolicy: '0:slack,teams',
      watchedModels: HAIKU,
      monthlyBudgetUsd: '1000',
      modelBudgets: `${HAIKU}=400`,
      attributionKeys: 'team',
      teamBudgets: 'team/search=300',
      tokenSpikeAlarms: 'true',
      remediationEvents: 'true',
      failoverSwitch: 'true',
      alertSecretsKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
    ['--stage', 'prod'],
  ));
}, 120_000);

const join = (v: any) =>
  v?.['Fn::Join'] ? v['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : '')).join('') : v;

describe('the packaged stack with every destination, budgets, token spikes and remediation', () => {
  it('validates offline with cfn-lint and the current resource specification', async () => {
    const result = await cfnLint([template]);

    expect(result.problems).toEqual([]);
  });

  it('lets the notifier read exactly the secrets its targets name, and nothing with a wildcard action', () => {
    const statements = policyStatements(template).filter((s) => s.owner === 'NotifierRole');

    const actions = statements.flatMap((s) => asList(s.statement.Action)).sort();
    const resourcesOf = (action: string) =>
      statements
        .filter((s) => asList(s.statement.Action).includes(action))
        .flatMap((s) => asList(s.statement.Resource).map(join));
    expect(actions).toEqual([
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetInsightRuleReport',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'events:PutEvents',
      'kms:Decrypt',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
      'ssm:GetParameter',
    ]);
    expect(resourcesOf('ssm:GetParameter')).toEqual(
      ['slack', 'teams', 'opsgenie', 'hook'].map((n) => `arn::ssm:::parameter/bw/${n}`),
    );
    expect(resourcesOf('secretsmanager:GetSecretValue')).toEqual([
      'arn::secretsmanager:::secret:bw/pagerduty-??????',
      'arn::secretsmanager:::secret:bw/pagerduty-high-??????',
    ]);
    // Top contributors: only the reports of the stack's own insight rules.
    expect(resourcesOf('cloudwatch:GetInsightRuleReport')).toEqual([
      expect.stringMatching(/^arn:.*:cloudwatch:.*:insight-rule\/.+-top-\*$/),
    ]);
    expect(resourcesOf('kms:Decrypt')).toEqual([
      'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ]);
    for (const { statement } of policyStatements(template).filter((s) => s.statement.Effect === 'Allow')) {
      for (const action of asList(statement.Action)) expect(String(action)).not.toMatch(/(^\*$)|(:\*$)/);
      if (statement.Resource === '*')
        for (const a of asList(statement.Action))
          expect(String(a)).toMatch(
            /^(bedrock:\w+ModelInvocationLoggingConfiguration|cloudwatch:GetMetricData|cloudwatch:DescribeAlarms|ce:GetCostAndUsage|logs:GetQueryResults)$/,
          );
    }
  });

  it('subscribes the notifier to both topics, runs it every minute, and keeps its failures in a queue with an alarm', () => {
    const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    const rules = resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const invokeConfig = template.Resources.NotifierInvokeConfig?.Properties;
    const alarm = resourcesOfType(template, 'AWS::CloudWatch::Alarm').find(([, a]) =>
      String(a.Properties.AlarmName).endsWith('-notifier-failures'),
    )?.[1].Properties;

    expect(subscriptions).toEqual(
      ['WarningTopic', 'CriticalTopic'].map((topic) => ({
        TopicArn: { Ref: topic },
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['NotifierLambdaFunction', 'Arn'] },
      })),
    );
    expect(rules.map((r) => r.ScheduleExpression ?? 'pattern')).toEqual([
      'rate(1 hour)',
      'cron(30 6 * * ? *)',
      'rate(1 minute)',
      'pattern',
      // The weekly advisor's schedule.
      'cron(0 6 ? * MON *)',
    ]);
    expect(invokeConfig).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['NotifierFailureQueue', 'Arn'] } } },
    });
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'bedrock-watch-prod-notifier-failures' }],
      AlarmActions: [{ Ref: 'CriticalTopic' }],
    });
  });

  it('keeps the escalation state in a table whose items expire', () => {
    expect(template.Resources.AlertStateTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives the notifier and the hourly function settings they parse, holding secret names but no secret', () => {
    const notifierEnv = template.Resources.NotifierLambdaFunction?.Properties.Environment.Variables;
    const hourlyEnv = template.Resources.MonthToDateLambdaFunction?.Properties.Environment.Variables;

    const config = parseNotifierConfig(notifierEnv.BEDROCK_WATCH_NOTIFIER);
    const hourly = parseHourlySettings(hourlyEnv.BEDROCK_WATCH_HOURLY);

    expect(config.targets.map((t) => `${t.name}:${t.secret.store}:${t.secret.name}`)).toEqual([
      'slack:ssm:/bw/slack',
      'teams:ssm:/bw/teams',
      'pagerduty:secretsmanager:bw/pagerduty',
      'pagerduty-high:secretsmanager:bw/pagerduty-high',
      'opsgenie:ssm:/bw/opsgenie',
      'hook:ssm:/bw/hook',
    ]);
    expect(config.policies.critical.map((s) => s.afterMinutes)).toEqual([0, 15, 30, 60]);
    expect(config.dashboards).toEqual({
      // The region left open for the notifier to fill in from the alarm (dashboards are global).
      operations: 'bedrock-watch-prod-operations-{region}',
      'model-comparison': 'bedrock-watch-prod-model-comparison-{region}',
      executive: 'bedrock-watch-prod-executive-{region}',
    });
    expect(dashboardNameIn(config.dashboards.operations ?? '', 'eu-west-1')).toBe(
      'bedrock-watch-prod-operations-eu-west-1',
    );
    expect(config.eventBus).toBe('default');
    expect(hourly.costScopes).toEqual([{ ModelId: HAIKU }, { team: 'search' }]);
    expect(hourly.tokenScopes).toEqual([{}, { ModelId: HAIKU }]);
    expect(
      template.Resources.IngestLambdaFunction?.Properties.Environment.Variables.BEDROCK_WATCH_NOTIFIER,
    ).toBeUndefined();
  });

  it('routes budget remediation events to the failover switch, which may write only its own parameters', () => {
    const rule = template.Resources.FailoverSwitchRule?.Properties;
    const statements = policyStatements(template).filter((s) => s.owner === 'FailoverSwitchRole');

    expect(rule?.EventPattern).toEqual({
      source: ['bedrock-watch'],
      'detail-type': ['Bedrock Watch Alarm State Change'],
      detail: { version: ['1'], family: ['budget', 'budget-projection'] },
    });
    expect(statements.map((s) => [asList(s.statement.Action), join(s.statement.Resource)])).toEqual([
      [
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        'arn::logs:::log-group:/aws/lambda/bedrock-watch-prod-failoverSwitch:*',
      ],
      [['ssm:PutParameter'], 'arn::ssm:::parameter/bedrock-watch/prod/failover/*'],
      // The cleanup custom resource lists and deletes the switches (issue 25, item 11).
      [['ssm:GetParametersByPath'], 'arn::ssm:::parameter/bedrock-watch/prod/failover'],
      [['ssm:DeleteParameters'], 'arn::ssm:::parameter/bedrock-watch/prod/failover/*'],
      // The switch follows the current state of its budget alarms (issue 22, defect 7).
      [['cloudwatch:DescribeAlarms'], '*'],
    ]);
  });

  it('creates the budget, projection and token-spike alarms on the hourly figures', () => {
    const names = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) =>
      String(a.Properties.AlarmName),
    );

    expect(names.filter((n) => n.includes('-budget-')).length).toBe(12);
    expect(names.filter((n) => n.includes('-token-spike-')).length).toBe(4);
  });
});
