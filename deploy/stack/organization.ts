/**
 * The central side of an organization monitor (docs/organization.md): a CloudWatch Logs destination
 * per source region in front of the stack's Kinesis stream, the role Logs writes the stream with,
 * and a destination policy that lets only the named organization's principals subscribe. The
 * stack's own region is in the stack; each other region gets a small template of one destination,
 * built here too, because a destination must live in the region of the log groups it serves.
 */

import type { StackParameters } from '../../shared/monitoring/parameters';
import { arnOf, type Output, type Resource, type Resources, ref, sub } from './cfn';
import type { IngestNames } from './names';
import { logsToStreamRole } from './subscription';

/** The destination's name in every region: the stream's, so a member can derive it. */
export const destinationName = (names: Pick<IngestNames, 'streamName'>) => names.streamName;

/**
 * The role every destination delivers with, named so the other regions' templates can name it
 * (IAM is global). 9 characters after the prefix: a prefix that fits the function names fits here.
 */
export const destinationRoleName = (names: Pick<IngestNames, 'namePrefix'>) => `${names.namePrefix}-org-logs`;

/** `arn:<partition>:<service>:<region>:<this account>:<resource>`, as Fn::Sub. */
const arnIn = (service: string, region: string, resource: string) =>
  `arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`;

/**
 * The destination policy: any principal of the organization may create a subscription filter
 * against this destination, and nothing else. DestinationPolicy is a JSON string, so the ARN is
 * filled in by Fn::Sub.
 */
export function destinationPolicy(organizationId: string, destinationArnTemplate: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OrganizationMembersSubscribe',
        Effect: 'Allow',
        Principal: '*',
        Action: 'logs:PutSubscriptionFilter',
        Resource: destinationArnTemplate,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': [organizationId] } },
      },
    ],
  };
}

/** One destination in the region it is deployed to, delivering to the stream in `streamRegion`. */
export function destinationResource(
  organizationId: string,
  names: Pick<IngestNames, 'streamName' | 'namePrefix'>,
  streamRegion: string,
  roleArn: unknown,
): Resource {
  const name = destinationName(names);
  const policy = destinationPolicy(organizationId, arnIn('logs', '${AWS::Region}', `destination:${name}`));
  return {
    Type: 'AWS::Logs::Destination',
    Properties: {
      DestinationName: name,
      DestinationPolicy: sub(JSON.stringify(policy)),
      RoleArn: roleArn,
      TargetArn: sub(arnIn('kinesis', streamRegion, `stream/${names.streamName}`)),
    },
  };
}

/**
 * Logs assumes the role in each source region (its test message on create, then every delivery);
 * the trust names those regions of this account's destinations and the senders' log groups.
 */
function destinationRole(params: StackParameters, names: IngestNames): Resource {
  const regions = ['${AWS::Region}', ...params.sourceRegions];
  return logsToStreamRole(
    regions.map((r) => sub(`arn:\${AWS::Partition}:logs:${r}:*:*`)),
    sub(arnIn('kinesis', '${AWS::Region}', `stream/${names.streamName}`)),
    destinationRoleName(names),
  );
}

/** The central stack's organization resources; none without `organizationId`. */
export function organizationResources(params: StackParameters, names: IngestNames): Resources {
  if (params.organizationId === '') return {};
  return {
    OrganizationDestinationRole: destinationRole(params, names),
    OrganizationDestination: {
      // Logs sends a test record when the destination is created: the stream must be ACTIVE and the
      // role usable (its GetAtt orders it first), which the stream's creation time gives it time for.
      DependsOn: ['IngestStream'],
      ...destinationResource(
        params.organizationId,
        names,
        '${AWS::Region}',
        arnOf('OrganizationDestinationRole'),
      ),
    },
  };
}

/** What members and the other regions' templates need from the central stack. */
export function organizationOutputs(params: StackParameters): Record<string, Output> {
  if (params.organizationId === '') return {};
  return {
    OrganizationDestinationArn: {
      Description: "Logs destination of this region that member accounts' subscription filters deliver to",
      Value: arnOf('OrganizationDestination'),
    },
    OrganizationSourceRegions: {
      Description:
        'Regions that need a destination template (npm run -s organization-template -- destination)',
      Value: params.sourceRegions.length > 0 ? params.sourceRegions.join(',') : 'none',
    },
  };
}

/** Where a member's filter in `region` delivers: the destination of that region in the central account. */
export function memberDestinationArn(centralAccount: string, region: unknown, names: IngestNames) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        ref('AWS::Partition'),
        ':logs:',
        region,
        `:${centralAccount}:destination:${destinationName(names)}`,
      ],
    ],
  };
}

/** The template of one destination in another region of the central account (docs/organization.md). */
export function regionalDestinationTemplate(
  organizationId: string,
  centralRegion: string,
  names: IngestNames,
) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `bedrock-watch: Logs destination for ${organizationId}, delivering to ${names.streamName} in ${centralRegion}`,
    Resources: {
      OrganizationDestination: destinationResource(
        organizationId,
        names,
        centralRegion,
        sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${destinationRoleName(names)}`),
      ),
    },
    Outputs: {
      OrganizationDestinationArn: {
        Description: "Logs destination of this region that member accounts' subscription filters deliver to",
        Value: arnOf('OrganizationDestination'),
      },
    },
  };
}
