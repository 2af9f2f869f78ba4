/**
 * The example remediation action's resources: its role (always, as serverless.yml declares the
 * function), the custom resource that deletes the switches when the action goes (always: it must
 * run on the update that turns failoverSwitch off and on the stack's delete), and with
 * failoverSwitch=true the EventBridge rule that sends it budget events. The role may write and
 * delete only the switches under /<service>/<stage>/failover/.
 */
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_SOURCE } from '../../shared/alerts/remediation';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, functionRole, type Resources } from './cfn';
import type { IngestNames, StackContext } from './names';

export const FAILOVER_FUNCTION_ID = 'FailoverSwitchLambdaFunction';

/** Where the switches live; applications read `<prefix>/<scope>`. */
export const failoverPrefix = (ctx: StackContext) => `/${ctx.service}/${ctx.stage}/failover`;

export const FAILOVER_CLEANUP_ID = 'FailoverSwitchCleanup';

/**
 * Listing and deleting the switches: kept with failoverSwitch=false too, because the update that
 * turns the action off runs the cleanup after the role has been updated.
 */
function cleanupStatements(ctx: StackContext): Record<string, unknown>[] {
  const prefix = failoverPrefix(ctx);
  return [
    // Access to a path covers every level below it (a recursive GetParametersByPath).
    { Effect: 'Allow', Action: ['ssm:GetParametersByPath'], Resource: arn('ssm', `parameter${prefix}`) },
    { Effect: 'Allow', Action: ['ssm:DeleteParameters'], Resource: arn('ssm', `parameter${prefix}/*`) },
  ];
}

/**
 * The custom resource (answered by the failover function itself) that deletes every switch on the
 * stack's delete, and on the update that sets `Enabled` to false: a switch left on keeps
 * applications failed over with nothing left to turn it off.
 */
function switchCleanup(params: StackParameters): Resources {
  return {
    [FAILOVER_CLEANUP_ID]: {
      Type: 'Custom::FailoverSwitchCleanup',
      Properties: {
        ServiceToken: arnOf(FAILOVER_FUNCTION_ID),
        // The function answers within its 10 s timeout; this bounds the wait when it cannot.
        ServiceTimeout: 60,
        // The function knows its prefix (BEDROCK_WATCH_FAILOVER_PREFIX); this only says whether to clear.
        Enabled: String(params.failoverSwitch),
      },
    },
  };
}

/** The failover switch's role, its cleanup and, when enabled, its rule. */
export function remediationResources(
  params: StackParameters,
  ctx: StackContext,
  names: IngestNames,
): Resources {
  const logGroup = `/aws/lambda/${names.namePrefix}-failoverSwitch`;
  const cleanup = switchCleanup(params);
  if (!params.failoverSwitch)
    return {
      FailoverSwitchRole: functionRole('failover-switch', logGroup, cleanupStatements(ctx)),
      ...cleanup,
    };
  return {
    FailoverSwitchRole: functionRole('failover-switch', logGroup, [
      {
        Effect: 'Allow',
        Action: ['ssm:PutParameter'],
        Resource: arn('ssm', `parameter${failoverPrefix(ctx)}/*`),
      },
      ...cleanupStatements(ctx),
      // The switch follows the current state of the budget alarms of its scope (read only).
      { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' },
    ]),
    ...cleanup,
    FailoverSwitchRule: {
      Type: 'AWS::Events::Rule',
      // Deleted before the cleanup runs: no event can set a switch after the switches are gone.
      DependsOn: [FAILOVER_CLEANUP_ID],
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
