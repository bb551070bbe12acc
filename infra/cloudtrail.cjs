'use strict';
/**
 * An opt-in CloudTrail trail (`--param="createTrail=true"`): EventBridge receives the
 * "AWS API Call via CloudTrail" events that eni-activity and elb-activity live on only while a
 * trail records management events in the region. Most accounts already have one (an
 * organisation trail counts); this is for those that do not. Write events only: the ENI,
 * address and load-balancer calls netledger follows are all writes.
 */

const trailName = { 'Fn::Sub': '${AWS::StackName}-trail' };
const trailArn = {
  'Fn::Sub':
    'arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/${AWS::StackName}-trail',
};

function resources() {
  return {
    TrailBucket: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [{ Id: 'expire-trail-logs', Status: 'Enabled', ExpirationInDays: 90 }],
        },
      },
    },
    // CloudTrail's documented bucket policy, limited to this trail by aws:SourceArn.
    TrailBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'TrailBucket' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'CloudTrailAclCheck',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: { 'Fn::GetAtt': ['TrailBucket', 'Arn'] },
              Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
            },
            {
              Sid: 'CloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: {
                'Fn::Sub': '${TrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*',
              },
              Condition: {
                StringEquals: {
                  's3:x-amz-acl': 'bucket-owner-full-control',
                  'aws:SourceArn': trailArn,
                },
              },
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [
                { 'Fn::GetAtt': ['TrailBucket', 'Arn'] },
                { 'Fn::Sub': '${TrailBucket.Arn}/*' },
              ],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    Trail: {
      Type: 'AWS::CloudTrail::Trail',
      DependsOn: ['TrailBucketPolicy'],
      Properties: {
        TrailName: trailName,
        S3BucketName: { Ref: 'TrailBucket' },
        IsLogging: true,
        IsMultiRegionTrail: false,
        IncludeGlobalServiceEvents: false,
        EnableLogFileValidation: true,
        EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }],
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const create = String((await resolveVariable('param:createTrail')) ?? '').trim();
  if (create !== 'true' && create !== 'false') {
    throw new Error(`param createTrail must be "true" or "false", not "${create}"`);
  }
  return { Resources: create === 'true' ? resources() : {} };
};
