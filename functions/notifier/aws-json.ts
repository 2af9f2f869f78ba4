/**
 * A minimal client for AWS's JSON protocol (DynamoDB, Secrets Manager), signed with Signature V4:
 * their SDK clients are not among this project's dependencies, and the notifier needs four calls.
 * Errors carry AWS's error type and the HTTP status, never the request.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsJsonClientOptions {
  /** Signing name and endpoint prefix: `dynamodb`, `secretsmanager`. */
  service: string;
  region: string;
  /** X-Amz-Target prefix: `DynamoDB_20120810`, `secretsmanager`. */
  targetPrefix: string;
  /** `1.0` (DynamoDB) or `1.1` (Secrets Manager). */
  jsonVersion: '1.0' | '1.1';
  credentials: () => Promise<AwsCredentials>;
  /** Defaults to https://<service>.<region>.amazonaws.com; tests point it at a local receiver. */
  endpoint?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** An AWS JSON-protocol error, e.g. ConditionalCheckFailedException. */
export class AwsJsonError extends Error {
  override readonly name = 'AwsJsonError';
  constructor(
    readonly type: string,
    readonly status: number,
  ) {
    super(`${type} (HTTP ${status})`);
  }
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer expects. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

const domain = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');

export interface SignedPostOptions {
  /** Signing name and endpoint prefix: `dynamodb`, `sns`. */
  service: string;
  region: string;
  credentials: () => Promise<AwsCredentials>;
  /** Defaults to https://<service>.<region>.amazonaws.com (.com.cn in China). */
  endpoint?: string;
  fetch?: typeof fetch;
  timeoutMs: number;
}

/**
 * A function POSTing one body to a service's endpoint, signed with Signature V4, resolving with the
 * answer's status and text: the transport the JSON client and the SNS publisher share.
 */
export function createSignedPost(options: SignedPostOptions) {
  const endpoint = new URL(
    options.endpoint ?? `https://${options.service}.${options.region}.${domain(options.region)}`,
  );
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const send = options.fetch ?? fetch;
  return async (
    headers: Record<string, string>,
    body: string,
  ): Promise<{ ok: boolean; status: number; text: string }> => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: '/',
      query: {},
      headers: { host: endpoint.host, ...headers },
      body,
    });
    const response = await send(endpoint.toString(), {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { ok: response.ok, status: response.status, text: await response.text() };
  };
}

/**
 * A function calling one operation with a JSON body and resolving with the JSON answer.
 * @throws AwsJsonError for an error answer (the type AWS names, e.g. ResourceNotFoundException).
 * @example await createAwsJsonClient(opts)('GetItem', { TableName, Key })
 */
export function createAwsJsonClient(options: AwsJsonClientOptions) {
  const post = createSignedPost({ ...options, timeoutMs: options.timeoutMs ?? 5000 });
  return async (operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await post(
      {
        'content-type': `application/x-amz-json-${options.jsonVersion}`,
        'x-amz-target': `${options.targetPrefix}.${operation}`,
      },
      JSON.stringify(body),
    );
    const text = response.text;
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = {};
    }
    if (!response.ok) {
      const type =
        String(json.__type ?? json.code ?? 'UnknownError')
          .split('#')
          .pop() ?? 'UnknownError';
      throw new AwsJsonError(type, response.status);
    }
    return json;
  };
}

export type AwsJsonCall = ReturnType<typeof createAwsJsonClient>;
