/**
 * What a destination's secret holds, read from its SecureString parameter or Secrets Manager
 * secret. Each destination parses its own (destinations/index.ts); error messages never quote the value.
 */
export {
  type DestinationSecret,
  OPSGENIE_API,
  PAGERDUTY_ENDPOINT,
  parseDestinationSecret,
} from './destinations/index';
