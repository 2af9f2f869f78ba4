import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsJsonError, createAwsJsonClient } from '../functions/notifier/aws-json';
import { createDynamoDbStore } from '../functions/notifier/dynamodb-store';
import { createSecretResolver, SecretUnavailableError } from '../functions/notifier/secrets';
import { type HttpReceiver, startReceiver } from './support/http-receiver';

const ssm = mockClient(SSMClient);
const NOW = Date.parse('2025-11-01T09:00:00Z');
const credentials = () =>
  Promise.resolve({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });

let receiver: HttpReceiver;
beforeEach(async () => {
  ssm.reset();
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const dynamodb = (url: string) =>
  createAwsJsonClient({
    service: 'dynamodb',
    region: 'eu-west-1',
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    credentials,
    endpoint: url,
  });

describe('AWS JSON client (DynamoDB, Secrets Manager without their SDK clients)', () => {
  it('signs each call with Signature V4 and names the operation in X-Amz-Target', async () => {
    receiver.respondWith(() => ({ status: 200, body: '{"Item": null}' }));

    await dynamodb(receiver.url)('GetItem', { TableName: 't', Key: { pk: { S: 'k' } } });

    const [request] = receiver.requests;
    expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers['x-amz-security-token']).toBe('token');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=.*host.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('raises the error type AWS names, without the request', async () => {
    receiver.respondWith(() => ({
      status: 400,
      body: '{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no table"}',
    }));

    const call = dynamodb(receiver.url)('GetItem', { TableName: 't' });

    await expect(call).rejects.toThrow(new AwsJsonError('ResourceNotFoundException', 400));
  });
});

describe('DynamoDB state store', () => {
  it('creates only when absent or expired, updates only on the same version, and reads expired items as absent', async () => {
    const items = new Map<string, Record<string, { S?: string; N?: string }>>();
    receiver.respondWith((r) => {
      const target = String(r.headers['x-amz-target']).split('.')[1];
      const body = r.json;
      if (target === 'GetItem')
        return { status: 200, body: JSON.stringify({ Item: items.get(body.Key.pk.S) }) };
      const existing = items.get(body.Item.pk.S);
      const values = body.ExpressionAttributeValues;
      const allowed = values[':v']
        ? existing?.v?.S === values[':v'].S
        : !existing || Number(existing.expiresAt?.N) <= Number(values[':now'].N);
      if (!allowed)
        return {
          status: 400,
          body: '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}',
        };
      items.set(body.Item.pk.S, body.Item);
      return { status: 200, body: '{}' };
    });
    const clock = { now: NOW };
    const store = createDynamoDbStore<{ n: number }>(
      dynamodb(receiver.url),
      'bw-alert-state',
      () => clock.now,
    );

    const first = await store.create('episode|a', { n: 1 }, NOW + 60_000);
    const second = await store.create('episode|a', { n: 2 }, NOW + 60_000);
    const stale = await store.update('episode|a', { n: 3 }, NOW + 60_000, 'not-the-version');
    const fresh = await store.update('episode|a', { n: 4 }, NOW + 60_000, first ?? '');
    const read = await store.get('episode|a');
    clock.now = NOW + 60_000;
    const expired = await store.get('episode|a');
    const recreated = await store.create('episode|a', { n: 5 }, NOW + 120_000);

    expect(first).toBeTypeOf('string');
    expect(second).toBeUndefined();
    expect(stale).toBeUndefined();
    expect(fresh).toBeTypeOf('string');
    expect(read).toMatchObject({ value: { n: 4 }, version: fresh, expiresAtMs: NOW + 60_000 });
    expect(expired).toBeUndefined();
    expect(recreated).toBeTypeOf('string');
    const put = receiver.requests.find((r) => r.json?.ConditionExpression === '#v = :v');
    expect(put?.json.ExpressionAttributeNames).toEqual({ '#v': 'v' });
    expect(put?.json.Item.expiresAt).toEqual({ N: String((NOW + 60_000) / 1000) });
  });
});

describe('destination secrets by name', () => {
  it('reads an SSM SecureString decrypted, and a Secrets Manager secret through a signed call', async () => {
    ssm
      .on(GetParameterCommand, { Name: '/bw/slack', WithDecryption: true })
      .resolves({ Parameter: { Value: 'https://hooks.example/x' } });
    receiver.respondWith(() => ({ status: 200, body: '{"SecretString":"{\\"routingKey\\":\\"k\\"}"}' }));
    const secretsManager = createAwsJsonClient({
      service: 'secretsmanager',
      region: 'eu-west-1',
      targetPrefix: 'secretsmanager',
      jsonVersion: '1.1',
      credentials,
      endpoint: receiver.url,
    });
    const secret = createSecretResolver({
      ssm: new SSMClient({ region: 'eu-west-1' }),
      secretsManager,
      now: () => NOW,
    });

    const slack = await secret({ store: 'ssm', name: '/bw/slack' });
    const pagerduty = await secret({ store: 'secretsmanager', name: 'bw/pagerduty' });
    await secret({ store: 'secretsmanager', name: 'bw/pagerduty' });

    expect(slack).toBe('https://hooks.example/x');
    expect(pagerduty).toBe('{"routingKey":"k"}');
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(receiver.requests[0]?.json).toEqual({ SecretId: 'bw/pagerduty' });
  });

  it('names the secret but not its value when it cannot be read', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('denied https://hooks.example/x'), { name: 'AccessDeniedException' }));
    const secret = createSecretResolver({
      ssm: new SSMClient({ region: 'eu-west-1' }),
      secretsManager: () => Promise.reject(new Error('unused')),
      now: () => NOW,
    });

    const read = secret({ store: 'ssm', name: '/bw/slack' });

    await expect(read).rejects.toThrow(new SecretUnavailableError('ssm:/bw/slack: AccessDeniedException'));
  });
});
