/**
 * The example remediation action's resources: its role (always, as serverless.yml declares the
 * function), and with failoverSwitch=true the EventBridge rule that sends it budget events. The role
 * may write only the switches under /<service>/<stage>/failover/.
 */
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_SOURCE } from '../../shared/alerts/remediation';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, functionRole, type Resources } from './cfn';
import type { IngestNames, StackContext } from './names';

export const FAILOVER_FUNCTION_ID = 'FailoverSwitchLambdaFunction';

/** Where the switches live; applications read `<prefix>/<scope>`. */
export const failoverPrefix = (ctx: StackContext) => `/${ctx.service}/${ctx.stage}/failover`;

/** The failover switch's role and, when enabled, its rule. */
export function remediationResources(
  params: StackParameters,
  ctx: StackContext,
  names: IngestNames,
): Resources {
  const logGroup = `/aws/lambda/${names.namePrefix}-failoverSwitch`;
  if (!params.failoverSwitch) return { FailoverSwitchRole: functionRole('failover-switch', logGroup, []) };
  return {
    FailoverSwitchRole: functionRole('failover-switch', logGroup, [
      {
        Effect: 'Allow',
        Action: ['ssm:PutParameter'],
        Resource: arn('ssm', `parameter${failoverPrefix(ctx)}/*`),
      },
      // The switch follows the current state of the budget alarms of its scope (read only).
      { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' },
    ]),
    FailoverSwitchRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'Budget remediation events to the example failover switch',
        EventBusName: params.remediationEventBus,
        EventPattern: {
          source: [REMEDIATION_SOURCE],
          'detail-type': [REMEDIATION_DETAIL_TYPE],
          detail: { version: ['1'], family: ['budget', 'budget-projection'] },
        },
        State: 'ENABLED',
        Targets: [{ Arn: arnOf(FAILOVER_FUNCTION_ID), Id: 'failover-switch' }],
      },
    },
    FailoverSwitchPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(FAILOVER_FUNCTION_ID),
        Principal: 'events.amazonaws.com',
        SourceArn: arnOf('FailoverSwitchRule'),
      },
    },
  };
}
