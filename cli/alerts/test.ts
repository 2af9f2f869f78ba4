/**
 * `bedrock-watch alerts test`: invokes the deployed notifier with a test request (Lambda Invoke,
 * RequestResponse) and turns its answer into one line per destination and an exit code. The Lambda
 * client comes in, so tests answer for AWS.
 */
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import {
  TEST_ALERT_FIELD,
  type TestAlertReport,
  type TestAlertRequest,
  type TestAlertResult,
} from '../../shared/alerts/test-alert';
import { isObject } from '../../shared/json';

export interface AlertsTestOptions {
  /** `<service>-<stage>-notifier`, as serverless names the function. */
  functionName: string;
  region: string | undefined;
  target: string | null;
  requestedBy: string;
  json: boolean;
}

/** What the command needs of a LambdaClient. */
export interface LambdaInvoker {
  send(command: InvokeCommand): Promise<InvokeCommandOutput>;
}

export interface AlertsTestOutcome {
  /** 0 every destination accepted, 1 some did not or the notifier could not be asked, 2 an unknown --target. */
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

/** The notifier's function name for a stack (serverless: `<service>-<stage>-<function>`). */
export const notifierFunctionName = (service: string, stage: string) => `${service}-${stage}-notifier`;

/** Why the invocation failed, in words that say what to do. */
function invokeProblem(error: unknown, o: AlertsTestOptions): string {
  const name = error instanceof Error ? error.name : 'Error';
  const where = `${o.functionName}${o.region ? ` in ${o.region}` : ''}`;
  if (name === 'ResourceNotFoundException')
    return `no function ${where}: is the stack deployed there? (--stage, --region, --service)`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied')
    return `not allowed to invoke ${where}: the caller needs lambda:InvokeFunction on it (docs/simulate-routing.md)`;
  if (name === 'CredentialsProviderError')
    return 'no AWS credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
  return `invoking ${where} failed: ${name}${error instanceof Error && error.message ? `: ${error.message}` : ''}`;
}

function answerLine(r: TestAlertResult, width: number): string {
  const answers = r.answers
    .map(
      (a) =>
        `${a.request === 'resolve' ? (r.type === 'opsgenie' ? 'closed ' : 'resolved ') : ''}${a.error ?? `HTTP ${a.status}`}`,
    )
    .join(', ');
  return `  ${r.target.padEnd(width)}  ${r.type.padEnd(9)}  ${r.ok ? 'delivered' : 'FAILED   '}  ${answers}`;
}

function readReport(payload: Uint8Array | undefined): TestAlertReport[typeof TEST_ALERT_FIELD] | undefined {
  if (!payload) return undefined;
  try {
    const doc: unknown = JSON.parse(new TextDecoder().decode(payload));
    const report = isObject(doc) ? doc[TEST_ALERT_FIELD] : undefined;
    return isObject(report) && Array.isArray(report.results)
      ? (report as TestAlertReport[typeof TEST_ALERT_FIELD])
      : undefined;
  } catch {
    return undefined;
  }
}

/** A Lambda function error's own words (errorType: errorMessage), from its payload. */
function functionError(payload: Uint8Array | undefined): string {
  try {
    const doc: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (isObject(doc)) return `${String(doc.errorType ?? 'Error')}: ${String(doc.errorMessage ?? '')}`;
  } catch {
    // Not JSON: say so below.
  }
  return 'no error message';
}

/**
 * Sends the test alert through the deployed notifier and reports each destination's answer.
 * @example await alertsTest({ functionName: 'bedrock-watch-prod-notifier', region: 'eu-west-1', target: null, requestedBy: 'ana@laptop', json: false }, lambdaClient)
 */
export async function alertsTest(o: AlertsTestOptions, lambda: LambdaInvoker): Promise<AlertsTestOutcome> {
  const request: { [TEST_ALERT_FIELD]: TestAlertRequest } = {
    [TEST_ALERT_FIELD]: { target: o.target, requestedBy: o.requestedBy },
  };
  let out: InvokeCommandOutput;
  try {
    out = await lambda.send(
      new InvokeCommand({
        FunctionName: o.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
  } catch (error) {
    return { code: 1, stdout: '', stderr: `alerts: ${invokeProblem(error, o)}\n` };
  }
  if (out.FunctionError)
    return { code: 1, stdout: '', stderr: `alerts: the notifier failed: ${functionError(out.Payload)}\n` };
  const report = readReport(out.Payload);
  if (!report)
    return {
      code: 1,
      stdout: '',
      stderr: `alerts: ${o.functionName} did not answer a test request: it predates test alerts, redeploy the stack\n`,
    };
  if (o.json) {
    const code =
      report.error?.code === 'unknown-target' ? 2 : report.error || report.results.some((r) => !r.ok) ? 1 : 0;
    return { code, stdout: `${JSON.stringify(report, null, 2)}\n`, stderr: '' };
  }
  if (report.error)
    return {
      code: report.error.code === 'unknown-target' ? 2 : 1,
      stdout: '',
      stderr: `alerts: ${report.error.message}\n`,
    };
  const width = Math.max(11, ...report.results.map((r) => r.target.length));
  const failed = report.results.filter((r) => !r.ok).length;
  const lines = [
    `Test alert through ${o.functionName}${o.region ? ` (${o.region})` : ''}, requested by ${o.requestedBy}:`,
    `  ${'destination'.padEnd(width)}  ${'type'.padEnd(9)}  ${'result'.padEnd(9)}  answer`,
    ...report.results.map((r) => answerLine(r, width)),
    failed === 0
      ? `All ${report.results.length} destination(s) accepted the test alert.`
      : `${failed} of ${report.results.length} destination(s) did not accept it: check the secret and the notifier's log.`,
  ];
  return { code: failed === 0 ? 0 : 1, stdout: `${lines.join('\n')}\n`, stderr: '' };
}
