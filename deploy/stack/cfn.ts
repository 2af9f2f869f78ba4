/**
 * CloudFormation building blocks every part of the stack uses: the resource shape, intrinsic
 * functions and the IAM role shapes.
 */

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
};

/** Resources by logical id; the insertion order is the order they appear in the template. */
export type Resources = Record<string, Resource>;

export type Output = { Description: string; Value: unknown };

/** `Fn::Sub` of `template`. */
export const sub = (template: string) => ({ 'Fn::Sub': template });

/** The `Arn` attribute of the resource `logicalId`. */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** `Ref` of a resource or pseudo parameter. */
export const ref = (logicalId: string) => ({ Ref: logicalId });

/** An ARN in this partition, region and account (Fn::Join, which validators can evaluate). */
export const arn = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      ref('AWS::Partition'),
      `:${service}:`,
      ref('AWS::Region'),
      ':',
      ref('AWS::AccountId'),
      `:${resource}`,
    ],
  ],
});

/** A CloudFormation logical id from any key: alphanumeric, prefixed. */
export function logicalId(prefix: string, key: string): string {
  return `${prefix}${key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]?.toUpperCase() + p.slice(1))
    .join('')}`.slice(0, 255);
}

/** A trust policy letting `service` assume the role, under `condition` if given. */
export const assumeRole = (service: string, condition?: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});

/**
 * A function's own role: it may write its log group, and whatever `statements` grant. Every
 * function gets one, so each lists only the actions it calls.
 */
export function functionRole(
  policyName: string,
  logGroupName: string,
  statements: Record<string, unknown>[],
): Resource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: assumeRole('lambda.amazonaws.com'),
      Policies: [
        {
          PolicyName: policyName,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: arn('logs', `log-group:${logGroupName}:*`),
              },
              ...statements,
            ],
          },
        },
      ],
    },
  };
}
