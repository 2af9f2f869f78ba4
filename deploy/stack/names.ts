/**
 * Names fixed outside this stack's resources: those the framework derives from service, stage and
 * function names, and the logical ids it gives the functions. Resources here refer to them, so
 * renaming a function in serverless.yml means changing them here.
 */

import type { StackParameters } from '../../shared/monitoring/parameters';
import { arnOf } from './cfn';

export interface StackContext {
  service: string;
  stage: string;
}

/**
 * The functions serverless.yml declares, by key: the framework names each
 * `<service>-<stage>-<key>` (functionName). Renaming or adding one in serverless.yml means doing it here.
 */
export const FUNCTION_KEYS = [
  'ingest',
  'monthToDate',
  'reconcile',
  'loggingConfig',
  'notifier',
  'failoverSwitch',
  'weeklyAdvisor',
] as const;

export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/** The name the framework gives a function: `<service>-<stage>-<key>`. */
export const functionName = (ctx: StackContext, key: FunctionKey) => `${ctx.service}-${ctx.stage}-${key}`;

/** Logical ids the framework gives the functions serverless.yml declares. */
export const FUNCTION_IDS = {
  ingest: 'IngestLambdaFunction',
  loggingConfig: 'LoggingConfigLambdaFunction',
} as const;

/** Names the framework gives the ingest function and its log group. */
export function ingestNames(ctx: StackContext) {
  const prefix = `${ctx.service}-${ctx.stage}`;
  return {
    namePrefix: prefix,
    ingestFunctionName: `${prefix}-ingest`,
    ingestLogGroupName: `/aws/lambda/${prefix}-ingest`,
    loggingConfigLogGroupName: `/aws/lambda/${prefix}-loggingConfig`,
    monthToDateLogGroupName: `/aws/lambda/${prefix}-monthToDate`,
    reconcileLogGroupName: `/aws/lambda/${prefix}-reconcile`,
    weeklyAdvisorLogGroupName: `/aws/lambda/${prefix}-weeklyAdvisor`,
    failureQueueName: `${prefix}-ingest-failures`,
    /** The Kinesis stream between the subscription and the function (ingestMode=kinesis). */
    streamName: `${prefix}-invocation-logs`,
  };
}

export type IngestNames = ReturnType<typeof ingestNames>;

/**
 * The SSM parameter where the logging-config function keeps the account's logging configuration
 * from before the stack, to restore it on delete; one per stage, as the functions are.
 */
export const previousConfigParameter = (ctx: StackContext) =>
  `/${ctx.service}/${ctx.stage}/previous-invocation-logging-config`;

/** Where the invocation log group's subscription delivers: the ingest function, or the stream. */
export const subscriptionDestination = (params: StackParameters) =>
  arnOf(params.ingestMode === 'kinesis' ? 'IngestStream' : FUNCTION_IDS.ingest);
