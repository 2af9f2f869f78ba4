import { Logger } from '@aws-lambda-powertools/logger';
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  type LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respondToCloudFormation } from '../common/cloudformation-response';
import { withLambdaContext } from '../common/log-context';
import {
  deliveredBodies,
  desiredLoggingConfig,
  type EarlierRoleProperties,
  earlierRoleArn,
  isBucketPermissionError,
  isLoggingOn,
  isStacksOwn,
  type LoggingProperties,
  largeDataBucketStatement,
  parseEarlierRoleProperties,
  parseLoggingProperties,
  parseStored,
  serialisePrevious,
} from './invocation-logging';
import { checkSubscriptionRoom } from './subscription-room';

export interface LoggingConfigDependencies {
  bedrock: Pick<BedrockClient, 'send'>;
  ssm: Pick<SSMClient, 'send'>;
  /** Looks at the log group's subscription filters before the stack adds its own. */
  logs?: Pick<CloudWatchLogsClient, 'send'>;
  logger: Logger;
  /** PUTs the custom-resource response to CloudFormation's pre-signed URL. */
  respond: (url: string, body: string) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  /** Time kept back, before the function's own timeout, to answer CloudFormation (default 20 s). */
  answerMarginMs?: number;
}

/** Bedrock checks the role when the configuration is put; a new role takes a while to be usable. */
const PUT_ATTEMPTS = 6;
const PUT_BACKOFF_MS = 5000;
const ANSWER_MARGIN_MS = 20_000;

/** The resource type that reads the earlier setting's role (deploy/stack/invocation-logging.ts). */
const EARLIER_ROLE_TYPE = 'Custom::BedrockEarlierLoggingRole';

/** The work did not finish before the function had to answer. */
class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** A delete could not put the previous configuration back; the reason says what to do. */
class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

/** What one request needs besides its properties: the clients, and when it must stop. */
interface Run {
  deps: LoggingConfigDependencies;
  /** Epoch ms by which the work must be done, so the answer still fits before the timeout. */
  deadline: number;
  /** Aborts calls still in flight once the deadline has passed. */
  signal: AbortSignal;
}

async function putWithRetry(run: Run, props: LoggingProperties, loggingConfig: LoggingConfig): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run.deps.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig }), {
        abortSignal: run.signal,
      });
      return;
    } catch (error) {
      if (isBucketPermissionError(error, props)) {
        // A bucket policy is not subject to IAM propagation: retrying only delays the answer.
        const statement = largeDataBucketStatement(
          props.largeDataBucket ?? '',
          props.largeDataKeyPrefix,
          props.roleArn,
        );
        throw new Error(
          `Bedrock may not write to bucket ${props.largeDataBucket}: add this statement to its bucket policy, then deploy again: ${JSON.stringify(statement)}`,
          { cause: error },
        );
      }
      const name = (error as Error).name;
      const retryable =
        name === 'ValidationException' || name === 'AccessDeniedException' || name === 'ThrottlingException';
      const wait = PUT_BACKOFF_MS * attempt;
      if (!retryable || attempt >= PUT_ATTEMPTS || Date.now() + wait >= run.deadline) throw error;
      run.deps.logger.warn('PutModelInvocationLoggingConfiguration failed; retrying (IAM propagation)', {
        attempt,
        name,
      });
      await run.deps.sleep(wait);
    }
  }
}

async function readStored(run: Run, name: string): Promise<string | undefined> {
  try {
    const out = await run.deps.ssm.send(new GetParameterCommand({ Name: name }), { abortSignal: run.signal });
    return out.Parameter?.Value;
  } catch (error) {
    if (error instanceof ParameterNotFound || (error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

async function currentConfig(run: Run): Promise<LoggingConfig | undefined> {
  const out = await run.deps.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}), {
    abortSignal: run.signal,
  });
  return out.loggingConfig;
}

/**
 * Create and Update: keep the configuration from before the stack (once: an update must not
 * overwrite it with ours), then point Bedrock at the stack's log group.
 */
async function apply(run: Run, props: LoggingProperties): Promise<string> {
  // Before anything changes: a group without room fails the deploy here, with the reason.
  if (props.subscriptionDestinationArn && run.deps.logs)
    await checkSubscriptionRoom(
      run.deps.logs,
      props.logGroupName,
      props.subscriptionDestinationArn,
      run.signal,
    );
  let stored = await readStored(run, props.previousConfigParameter);
  if (stored === undefined) {
    const current = await currentConfig(run);
    stored = serialisePrevious(isLoggingOn(current) ? current : undefined);
    await run.deps.ssm.send(
      new PutParameterCommand({
        Name: props.previousConfigParameter,
        Value: stored,
        Type: 'String',
        Overwrite: false,
      }),
      { abortSignal: run.signal },
    );
  }
  const desired = desiredLoggingConfig(parseStored(stored).previous, props);
  await putWithRetry(run, props, desired);
  const bodies = deliveredBodies(desired);
  run.deps.logger.info('Model-invocation logging set', { logGroupName: props.logGroupName, bodies });
  return `logging to ${props.logGroupName}; ${deliveryNote(props, bodies)}`;
}

/** What the answer says about bodies: text on by the stack's choice, metadata only, or kept for an archive. */
function deliveryNote(props: LoggingProperties, bodies: string[]): string {
  if (props.textDelivery)
    return 'text delivery is on account-wide (every destination of this account and region)';
  if (bodies.length === 0) return 'metadata only: no prompt, answer or other body is delivered';
  return `metadata only was asked, but ${bodies.join(', ')} delivery stays on account-wide because the account's S3 archive had it on; this log group receives it too`;
}

/** Puts the previous configuration back, or turns logging off if it was off. */
async function restore(run: Run, previous: LoggingConfig | undefined): Promise<void> {
  if (isLoggingOn(previous)) {
    await run.deps.bedrock.send(
      new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: previous }),
      {
        abortSignal: run.signal,
      },
    );
  } else {
    await run.deps.bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}), {
      abortSignal: run.signal,
    });
  }
}

/**
 * Delete: undo only what this stack did. Nothing stored means the stack never changed the setting
 * (a Create that failed before storing, then its rollback); a setting that no longer points at the
 * stack's log group belongs to whoever set it since. A failed restore answers FAILED once, with
 * the way out; the next delete lets the stack go and leaves the previous setting in SSM.
 */
async function undo(run: Run, props: LoggingProperties): Promise<string> {
  const name = props.previousConfigParameter;
  const stored = await readStored(run, name);
  if (stored === undefined) return 'nothing to undo: this stack never changed the logging setting';
  const { previous, restoreFailures } = parseStored(stored);
  const deleteStored = () =>
    run.deps.ssm.send(new DeleteParameterCommand({ Name: name }), { abortSignal: run.signal });
  if (!isStacksOwn(await currentConfig(run), props)) {
    await deleteStored();
    run.deps.logger.info('Logging was changed since the stack set it; left as it is');
    return 'logging no longer points at this stack; left as it is';
  }
  try {
    await restore(run, previous);
  } catch (error) {
    const failure = `${(error as Error).name}: ${(error as Error).message}`;
    run.deps.logger.error('Restoring the previous logging configuration failed', { error, restoreFailures });
    if (restoreFailures >= 1) {
      return `restore failed again (${failure}); the previous setting is kept in SSM parameter ${name}: put it back with PutModelInvocationLoggingConfiguration (docs/deploy.md)`;
    }
    await run.deps.ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: serialisePrevious(previous, 1),
        Type: 'String',
        Overwrite: true,
      }),
      { abortSignal: run.signal },
    );
    throw new RestoreError(
      `could not restore the previous logging setting (${failure}); it is kept in SSM parameter ${name}. Fix the cause and retry the delete; a second failure lets the delete finish and leaves the setting in SSM`,
    );
  }
  await deleteStored();
  run.deps.logger.info(
    isLoggingOn(previous) ? 'Restored the previous logging configuration' : 'Logging off, as before',
  );
  return isLoggingOn(previous) ? 'previous logging configuration restored' : 'logging turned off, as it was';
}

/** What a request answers: the reason CloudFormation shows, and the attributes GetAtt reads. */
interface Answer {
  reason: string;
  data?: Record<string, string>;
}

/**
 * The earlier setting's role, for the grant the restore on delete needs. Before the logging
 * resource has stored that setting (it depends on this one), the account's current setting is it.
 */
async function readEarlierRole(run: Run, props: EarlierRoleProperties): Promise<Answer> {
  const stored = await readStored(run, props.previousConfigParameter);
  const previous = stored === undefined ? await currentConfig(run) : parseStored(stored).previous;
  const roleArn = earlierRoleArn(isLoggingOn(previous) ? previous : undefined, props.stackRoleArn);
  return { reason: `a restore passes ${roleArn} to Bedrock`, data: { RoleArn: roleArn } };
}

async function performEarlierRole(event: CloudFormationCustomResourceEvent, run: Run): Promise<Answer> {
  // Reading changed nothing, so a delete has nothing to undo.
  if (event.RequestType === 'Delete') return { reason: 'nothing to undo: read only' };
  const props = parseEarlierRoleProperties(event.ResourceProperties as Record<string, unknown>);
  return await readEarlierRole(run, props);
}

function perform(event: CloudFormationCustomResourceEvent, run: Run): Promise<Answer> {
  if (event.ResourceType === EARLIER_ROLE_TYPE) return performEarlierRole(event, run);
  return performLogging(event, run).then((reason) => ({ reason }));
}

function performLogging(event: CloudFormationCustomResourceEvent, run: Run): Promise<string> {
  let props: LoggingProperties;
  try {
    props = parseLoggingProperties(event.ResourceProperties as Record<string, unknown>);
  } catch (error) {
    // A Create refused for its properties changed nothing, so its rollback has nothing to undo.
    if (event.RequestType === 'Delete')
      return Promise.resolve(`nothing to undo: ${(error as Error).message}`);
    return Promise.reject(error);
  }
  return event.RequestType === 'Delete' ? undo(run, props) : apply(run, props);
}

/** Runs `work`, or rejects with a DeadlineError at `deadline` and aborts what is still in flight. */
async function beforeDeadline<T>(work: (run: Run) => Promise<T>, run: Omit<Run, 'signal'>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        abort.abort();
        reject(new DeadlineError('no result before the deadline set by the function timeout'));
      },
      Math.max(0, run.deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work({ ...run, signal: abort.signal }), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Custom resource that turns Bedrock model-invocation logging on for the stack's log group and,
 * on delete, puts back what the account had before, if the setting is still the stack's; and the
 * one that reads the earlier setting's role for the grant that restore needs. It always answers
 * CloudFormation, and before the function's own timeout.
 */
export function createLoggingConfigHandler(deps: LoggingConfigDependencies) {
  const handle = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
    const kind = event.ResourceType === EARLIER_ROLE_TYPE ? 'earlier-logging-role' : 'invocation-logging';
    const physicalResourceId =
      event.RequestType === 'Create'
        ? `bedrock-${kind}-${event.StackId.split('/')[1] ?? 'stack'}`
        : event.PhysicalResourceId;
    const deadline =
      Date.now() + context.getRemainingTimeInMillis() - (deps.answerMarginMs ?? ANSWER_MARGIN_MS);
    let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
    let reason: string;
    let data: Record<string, string> | undefined;
    try {
      ({ reason, data } = await beforeDeadline((run) => perform(event, run), { deps, deadline }));
    } catch (error) {
      status = 'FAILED';
      reason = `${(error as Error).name}: ${(error as Error).message}`;
      deps.logger.error('Custom resource failed', { requestType: event.RequestType, error });
    }
    const body = JSON.stringify({
      Status: status,
      // CloudFormation shows the reason in the stack events; its limit is 4 KB for the whole body.
      Reason: `${reason.slice(0, 1500)} (log stream: ${context.logStreamName})`,
      PhysicalResourceId: physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      ...(data ? { Data: data } : {}),
    });
    await deps.respond(event.ResponseURL, body);
  };
  return middy(handle).use(withLambdaContext(deps.logger));
}

/**
 * SDK calls that cannot hang: each HTTP attempt times out, and the SDK's retries are bounded, so
 * the deadline above is a last resort rather than the usual way out.
 */
const CLIENT_OPTIONS = {
  maxAttempts: 4,
  requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 },
};

export const handler = createLoggingConfigHandler({
  bedrock: new BedrockClient(CLIENT_OPTIONS),
  ssm: new SSMClient(CLIENT_OPTIONS),
  logs: new CloudWatchLogsClient(CLIENT_OPTIONS),
  logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'bedrock-watch' }),
  respond: respondToCloudFormation,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
