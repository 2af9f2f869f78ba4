/**
 * The one way our handlers add the Lambda context to their logs. Powertools logs the whole
 * incoming event when POWERTOOLS_LOGGER_LOG_EVENT=true (its usual debugging switch); for the ingest
 * function that event is the invocation log batch, every prompt and answer one decode away, and
 * the others carry alarm text, secrets' names or CloudFormation properties. `logEvent: false` here
 * takes precedence over the environment, so no setting can turn it on.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

export const withLambdaContext = (logger: Logger) => injectLambdaContext(logger, { logEvent: false });
