import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  type LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import {
  desiredLoggingConfig,
  isLoggingOn,
  parseLoggingProperties,
  parsePrevious,
  serialisePrevious,
} from './invocation-logging';

export interface LoggingConfigDependencies {
  bedrock: Pick<BedrockClient, 'send'>;
  ssm: Pick<SSMClient, 'send'>;
  logger: Logger;
  /** PUTs the custom-resource response to CloudFormation's pre-signed URL. */
  respond: (url: string, body: string) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
}

/** Bedrock checks the role when the configuration is put; a new role takes a while to be usable. */
const PUT_ATTEMPTS = 6;
const PUT_BACKOFF_MS = 5000;

async function putWithRetry(deps: LoggingConfigDependencies, loggingConfig: LoggingConfig): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig }));
      return;
    } catch (error) {
      const name = (error as Error).name;
      const retryable =
        name === 'ValidationException' || name === 'AccessDeniedException' || name === 'ThrottlingException';
      if (!retryable || attempt >= PUT_ATTEMPTS) throw error;
      deps.logger.warn('PutModelInvocationLoggingConfiguration failed; retrying (IAM propagation)', {
        attempt,
        name,
      });
      await deps.sleep(PUT_BACKOFF_MS * attempt);
    }
  }
}

async function readStoredPrevious(
  deps: LoggingConfigDependencies,
  name: string,
): Promise<string | undefined> {
  try {
    const out = await deps.ssm.send(new GetParameterCommand({ Name: name }));
    return out.Parameter?.Value;
  } catch (error) {
    if (error instanceof ParameterNotFound || (error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/**
 * Custom resource that turns Bedrock model-invocation logging on for the stack's log group and,
 * on delete, puts back what the account had before (or turns logging off if it was off).
 */
export function createLoggingConfigHandler(deps: LoggingConfigDependencies) {
  const handle = async (event: CloudFormationCustomResourceEvent, _context: Context): Promise<void> => {
    const physicalResourceId =
      event.RequestType === 'Create'
        ? `bedrock-invocation-logging-${event.StackId.split('/')[1] ?? 'stack'}`
        : event.PhysicalResourceId;
    let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
    let reason = 'done';
    try {
      const props = parseLoggingProperties(event.ResourceProperties as Record<string, unknown>);
      if (event.RequestType === 'Delete') {
        const stored = await readStoredPrevious(deps, props.previousConfigParameter);
        const previous = stored === undefined ? undefined : parsePrevious(stored);
        if (stored !== undefined && isLoggingOn(previous)) {
          await deps.bedrock.send(
            new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: previous }),
          );
          deps.logger.info('Restored the previous model-invocation logging configuration');
        } else {
          await deps.bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}));
          deps.logger.info('Model-invocation logging turned off, as it was before the stack');
        }
        if (stored !== undefined)
          await deps.ssm.send(new DeleteParameterCommand({ Name: props.previousConfigParameter }));
      } else {
        // Keep the configuration from before the stack, once: an update must not overwrite it with ours.
        let stored = await readStoredPrevious(deps, props.previousConfigParameter);
        if (stored === undefined) {
          const current = await deps.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}));
          stored = serialisePrevious(isLoggingOn(current.loggingConfig) ? current.loggingConfig : undefined);
          await deps.ssm.send(
            new PutParameterCommand({
              Name: props.previousConfigParameter,
              Value: stored,
              Type: 'String',
              Overwrite: false,
            }),
          );
        }
        await putWithRetry(deps, desiredLoggingConfig(parsePrevious(stored), props));
        deps.logger.info('Model-invocation logging set', { logGroupName: props.logGroupName });
      }
    } catch (error) {
      status = 'FAILED';
      reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 400);
      deps.logger.error('Custom resource failed', { requestType: event.RequestType, error });
    }
    const body = JSON.stringify({
      Status: status,
      Reason: `${reason} (log stream: ${_context.logStreamName})`,
      PhysicalResourceId: physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
    await deps.respond(event.ResponseURL, body);
  };
  return middy(handle).use(injectLambdaContext(deps.logger));
}

async function respondToCloudFormation(url: string, body: string): Promise<void> {
  // The pre-signed URL expects no content type; fetch would otherwise add text/plain.
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response rejected: HTTP ${response.status}`);
}

export const handler = createLoggingConfigHandler({
  bedrock: new BedrockClient({}),
  ssm: new SSMClient({}),
  logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'bedrock-watch' }),
  respond: respondToCloudFormation,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
