/** The names of the stack's own resources that alarms and dashboards point at (deploy and the local tools fill them in). */
export interface StackNames {
  /** Prefix for alarm and dashboard names, e.g. `bedrock-watch-prod`. */
  namePrefix: string;
  ingestFunctionName: string;
  ingestLogGroupName: string;
  failureQueueName: string;
}
