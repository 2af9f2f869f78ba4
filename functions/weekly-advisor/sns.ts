/**
 * SNS Publish over SNS's query protocol, signed with Signature V4: the SNS SDK client is not among
 * this project's dependencies (the Lambda runtime has it, the tests would not), and the advisor
 * makes one call a week. The message carries the `bedrockWatch=advice` attribute (ADVICE_ATTRIBUTE).
 */
import { ADVICE_ATTRIBUTE } from '../../shared/advice/weekly';
import { type AwsCredentials, createSignedPost } from '../notifier/aws-json';

export interface SnsPublisherOptions {
  region: string;
  credentials: () => Promise<AwsCredentials>;
  /** Defaults to https://sns.<region>.amazonaws.com; tests point it at a local receiver. */
  endpoint?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** SNS refused the message: AWS's error code and the HTTP status, never the message. */
export class SnsPublishError extends Error {
  override readonly name = 'SnsPublishError';
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(`SNS Publish failed: ${code} (HTTP ${status})`);
  }
}

/** The form body of one Publish (query protocol, API version 2010-03-31). */
export function publishBody(topicArn: string, subject: string, message: string): string {
  return new URLSearchParams({
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: topicArn,
    Subject: subject,
    Message: message,
    'MessageAttributes.entry.1.Name': ADVICE_ATTRIBUTE.name,
    'MessageAttributes.entry.1.Value.DataType': 'String',
    'MessageAttributes.entry.1.Value.StringValue': ADVICE_ATTRIBUTE.value,
  }).toString();
}

/**
 * A function publishing one message to a topic.
 * @throws SnsPublishError when SNS answers with an error.
 */
export function createSnsPublisher(options: SnsPublisherOptions) {
  const post = createSignedPost({ ...options, service: 'sns', timeoutMs: options.timeoutMs ?? 10_000 });
  return async (topicArn: string, subject: string, message: string): Promise<void> => {
    const response = await post(
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      publishBody(topicArn, subject, message),
    );
    if (!response.ok)
      throw new SnsPublishError(
        /<Code>([^<]{1,100})<\/Code>/.exec(response.text)?.[1] ?? 'Unknown',
        response.status,
      );
  };
}

/** The warning topic's ARN, from the function's own ARN (same partition, region and account). */
export function topicArnOf(invokedFunctionArn: string, topicName: string): string {
  const [, partition, , region, account] = invokedFunctionArn.split(':');
  return `arn:${partition}:sns:${region}:${account}:${topicName}`;
}
