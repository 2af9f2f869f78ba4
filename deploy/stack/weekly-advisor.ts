/**
 * The weekly advisor (functions/weekly-advisor/): its role, its weekly schedule and the permission
 * that lets the schedule invoke it. It reads the invocation log group through Logs Insights and
 * publishes to the warning topic, nothing else.
 */
import { ADVISOR_ENV, type AdvisorSettings } from '../../shared/advice/weekly';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, functionRole, type Resources, ref } from './cfn';
import { invocationLogGroup } from './invocation-logging';
import type { IngestNames } from './names';

/** The logical id serverless gives the `weeklyAdvisor` function. */
export const WEEKLY_ADVISOR_FUNCTION_ID = 'WeeklyAdvisorLambdaFunction';
/** Mondays 06:00 UTC: the week before is complete in the invocation log by then. */
export const WEEKLY_ADVISOR_SCHEDULE = 'cron(0 6 ? * MON *)';

/** BEDROCK_WATCH_ADVISOR: where the advisor reads and sends, by name (no secret). */
export function advisorSettings(params: StackParameters, names: IngestNames): AdvisorSettings {
  return {
    logGroupName: invocationLogGroup(params).name,
    topicName: `${names.namePrefix}-warning`,
    namePrefix: names.namePrefix,
  };
}

export const advisorEnvironment = (params: StackParameters, names: IngestNames) => ({
  [ADVISOR_ENV]: JSON.stringify(advisorSettings(params, names)),
});

/** Role, schedule and invoke permission of the weekly advisor. */
export function weeklyAdvisorResources(params: StackParameters, names: IngestNames): Resources {
  const logGroup = invocationLogGroup(params).name;
  return {
    WeeklyAdvisorRole: functionRole('weekly-advice', names.weeklyAdvisorLogGroupName, [
      // Queries of the invocation log group only (StartQuery has the log-group resource type).
      {
        Effect: 'Allow',
        Action: ['logs:StartQuery'],
        Resource: [arn('logs', `log-group:${logGroup}`), arn('logs', `log-group:${logGroup}:*`)],
      },
      // GetQueryResults has no resource type: IAM accepts only "*" here; it reads results by query id.
      { Effect: 'Allow', Action: ['logs:GetQueryResults'], Resource: '*' },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: ref('WarningTopic') },
    ]),
    WeeklyAdvisorSchedule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description:
          'Weekly savings advice: the last seven days of invocation logs through the advisor checks',
        ScheduleExpression: WEEKLY_ADVISOR_SCHEDULE,
        State: 'ENABLED',
        Targets: [{ Arn: arnOf(WEEKLY_ADVISOR_FUNCTION_ID), Id: 'weekly-advisor' }],
      },
    },
    WeeklyAdvisorSchedulePermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(WEEKLY_ADVISOR_FUNCTION_ID),
        Principal: 'events.amazonaws.com',
        SourceArn: arnOf('WeeklyAdvisorSchedule'),
      },
    },
  };
}
