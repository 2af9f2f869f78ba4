/**
 * The escalation state in DynamoDB: one item per alarm, a version token for compare-and-set, and a
 * TTL attribute so finished episodes leave the table by themselves (an expired item that TTL has
 * not swept yet reads as absent, as StateStore requires).
 */
import { randomUUID } from 'node:crypto';
import type { StateStore, StoredItem } from '../../shared/alerts/state-store';
import { type AwsJsonCall, AwsJsonError } from './aws-json';

/** The table's key attribute and TTL attribute (the deploy creates the table with these). */
export const STATE_KEY = 'pk';
export const STATE_TTL = 'expiresAt';

type Item = Record<string, { S?: string; N?: string }>;

const NAMES = { '#pk': STATE_KEY, '#v': 'v', '#exp': STATE_TTL };
const seconds = (ms: number) => String(Math.ceil(ms / 1000));

function fromItem<T>(item: Item | undefined, nowMs: number): StoredItem<T> | undefined {
  const expiresAtMs = Number(item?.[STATE_TTL]?.N ?? 0) * 1000;
  if (!item || expiresAtMs <= nowMs) return undefined;
  return { value: JSON.parse(item.body?.S ?? 'null') as T, version: item.v?.S ?? '', expiresAtMs };
}

const conditionFailed = (error: unknown) =>
  error instanceof AwsJsonError && error.type === 'ConditionalCheckFailedException';

/**
 * A StateStore on `tableName`.
 * @example createDynamoDbStore(createAwsJsonClient({ service: 'dynamodb', … }), 'bw-prod-alert-state', Date.now)
 */
export function createDynamoDbStore<T>(
  call: AwsJsonCall,
  tableName: string,
  now: () => number,
): StateStore<T> {
  const put = async (key: string, value: T, expiresAtMs: number, condition: string, values: Item) => {
    const version = randomUUID();
    try {
      await call('PutItem', {
        TableName: tableName,
        Item: {
          [STATE_KEY]: { S: key },
          v: { S: version },
          body: { S: JSON.stringify(value) },
          [STATE_TTL]: { N: seconds(expiresAtMs) },
        },
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.fromEntries(
          Object.entries(NAMES).filter(([n]) => condition.includes(n)),
        ),
        ExpressionAttributeValues: values,
      });
      return version;
    } catch (error) {
      if (conditionFailed(error)) return undefined;
      throw error;
    }
  };
  return {
    async get(key) {
      const out = await call('GetItem', {
        TableName: tableName,
        Key: { [STATE_KEY]: { S: key } },
        ConsistentRead: true,
      });
      return fromItem<T>(out.Item as Item | undefined, now());
    },
    create(key, value, expiresAtMs) {
      return put(key, value, expiresAtMs, 'attribute_not_exists(#pk) OR #exp <= :now', {
        ':now': { N: seconds(now()) },
      });
    },
    update(key, value, expiresAtMs, version) {
      return put(key, value, expiresAtMs, '#v = :v', { ':v': { S: version } });
    },
    async scan(prefix) {
      const found: (StoredItem<T> & { key: string })[] = [];
      let start: unknown;
      do {
        const out = await call('Scan', {
          TableName: tableName,
          ConsistentRead: true,
          FilterExpression: 'begins_with(#pk, :p)',
          ExpressionAttributeNames: { '#pk': STATE_KEY },
          ExpressionAttributeValues: { ':p': { S: prefix } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        });
        for (const item of (out.Items as Item[] | undefined) ?? []) {
          const stored = fromItem<T>(item, now());
          if (stored) found.push({ key: item[STATE_KEY]?.S ?? '', ...stored });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return found;
    },
  };
}
