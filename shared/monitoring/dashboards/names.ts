/**
 * Dashboard names. CloudWatch dashboards are global per account, not per region, so the same stage
 * deployed in two regions needs two names: each carries its region. Deploy keeps the Fn::Sub
 * placeholder (one template serves every region); the notifier's settings leave it open too; the
 * notifier and the preview fill in the region they know. No imports: the notifier's bundle reads this.
 */

/** Fn::Sub placeholder of the region, filled per region at deploy time. */
export const REGION = '${AWS::Region}';

/**
 * The region left open in the notifier's settings: a `${…}` in a variable outside Fn::Sub is a
 * template error (cfn-lint E1029), and the notifier knows its region from the alarm.
 */
export const SETTINGS_REGION = '{region}';

/**
 * The name of a stack's dashboard, with the region as a placeholder unless given.
 * @example dashboardName('bedrock-watch-prod', 'operations', 'eu-west-1') // 'bedrock-watch-prod-operations-eu-west-1'
 */
export const dashboardName = (namePrefix: string, suffix: string, region = REGION) =>
  `${namePrefix}-${suffix}-${region}`;

/**
 * A name from dashboardName with its region placeholder (REGION or SETTINGS_REGION) filled in; a
 * name without one is unchanged.
 * @example dashboardNameIn('bedrock-watch-prod-operations-{region}', 'eu-west-1') // 'bedrock-watch-prod-operations-eu-west-1'
 */
export const dashboardNameIn = (name: string, region: string) =>
  name.replaceAll(REGION, region).replaceAll(SETTINGS_REGION, region);
