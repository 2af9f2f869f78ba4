/**
 * What the hourly (month-to-date) function publishes beyond the all-models month to date, as the
 * deploy writes it into BEDROCK_WATCH_HOURLY and the function reads it back: one shape for both.
 */
import { isObject } from '../json';
import { AlertSpecError } from './spec-error';

export const HOURLY_ENV = 'BEDROCK_WATCH_HOURLY';

export interface HourlySettings {
  /** Month-to-date cost per scope: its dimensions besides `service`. */
  costScopes: Record<string, string>[];
  /** Tokens of the last hour and their baseline, per scope (`{}` is all models). */
  tokenScopes: Record<string, string>[];
  /** How many previous days the same hour is averaged over. */
  baselineDays: number;
  /**
   * Per-model token scopes read AWS/Bedrock's token counts per `ModelId` (the `essential` metric set
   * publishes tokens for all models only).
   */
  modelTokensFromAwsBedrock?: boolean;
}

export const NO_HOURLY_SETTINGS: HourlySettings = { costScopes: [], tokenScopes: [], baselineDays: 7 };

const isDimensions = (v: unknown): v is Record<string, string> =>
  isObject(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Reads BEDROCK_WATCH_HOURLY; absent means nothing extra to publish.
 * @throws AlertSpecError when it is not the shape the deploy writes.
 */
export function parseHourlySettings(raw: string | undefined): HourlySettings {
  if (raw === undefined || raw.trim() === '') return NO_HOURLY_SETTINGS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new AlertSpecError(`${HOURLY_ENV} is not JSON`);
  }
  if (
    !isObject(value) ||
    !Array.isArray(value.costScopes) ||
    !value.costScopes.every(isDimensions) ||
    !Array.isArray(value.tokenScopes) ||
    !value.tokenScopes.every(isDimensions) ||
    typeof value.baselineDays !== 'number' ||
    !Number.isInteger(value.baselineDays) ||
    value.baselineDays < 1
  )
    throw new AlertSpecError(
      `${HOURLY_ENV}: expected {"costScopes": [...], "tokenScopes": [...], "baselineDays": n}`,
    );
  if (value.modelTokensFromAwsBedrock !== undefined && typeof value.modelTokensFromAwsBedrock !== 'boolean')
    throw new AlertSpecError(`${HOURLY_ENV}: modelTokensFromAwsBedrock is true or false`);
  return {
    costScopes: value.costScopes,
    tokenScopes: value.tokenScopes,
    baselineDays: value.baselineDays,
    ...(value.modelTokensFromAwsBedrock === true ? { modelTokensFromAwsBedrock: true } : {}),
  };
}
