/**
 * The AWS managed policies Nimbus ships: the ones applications and their deploy tools attach most.
 * Every account sees them (Scope=AWS) and can attach them; any other `arn:aws:iam::aws:policy/...`
 * answers NoSuchEntity, as AWS does for a policy that does not exist. ReadOnlyAccess is left out:
 * its document lists thousands of actions.
 *
 * Evidence, per policy:
 * - documents, default version ids and version dates: `aws iam get-policy-version` output recorded
 *   in github.com/zoph-io/MAMIP (policies/<name>); PowerUserAccess from its reference page;
 * - descriptions, paths and creation times: the AWS Managed Policy Reference
 *   (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html), which gives
 *   times to the minute; seconds, and the creation times of the policies whose pages were not at
 *   hand (marked `approximate`), are best knowledge, not evidence.
 * AWS's PolicyIds are not published; Nimbus derives a stable ANPA id from each ARN.
 */

export interface AwsManagedPolicy {
  name: string;
  path: string;
  description: string;
  /** The default version's number (`v3` is 3); the only version Nimbus keeps. */
  version: number;
  createDate: string;
  updateDate: string;
  document: object;
  /** True when createDate is not from the reference page. */
  approximate?: boolean;
}

const allow = (actions: string | string[], resource: string | string[] = '*') => ({
  Effect: 'Allow',
  Action: actions,
  Resource: resource,
});

const logsWrite = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

export const awsManagedPolicies: readonly AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    path: '/',
    description: 'Provides full access to AWS services and resources.',
    version: 1,
    createDate: '2015-02-06T18:39:46Z',
    updateDate: '2015-02-06T18:39:46Z',
    document: { Version: '2012-10-17', Statement: [allow('*')] },
  },
  {
    name: 'PowerUserAccess',
    path: '/',
    description:
      'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    version: 12,
    createDate: '2015-02-06T18:39:47Z',
    updateDate: '2026-02-12T17:59:00Z',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        allow([
          'account:GetAccountInformation',
          'account:GetGovCloudAccountInformation',
          'account:GetPrimaryEmail',
          'account:ListRegions',
          'iam:CreateServiceLinkedRole',
          'iam:DeleteServiceLinkedRole',
          'iam:ListRoles',
          'organizations:DescribeEffectivePolicy',
          'organizations:DescribeOrganization',
        ]),
      ],
    },
  },
  {
    name: 'AWSLambdaBasicExecutionRole',
    path: '/service-role/',
    description: 'Provides write permissions to CloudWatch Logs.',
    version: 1,
    createDate: '2015-04-09T15:03:43Z',
    updateDate: '2015-04-09T15:03:43Z',
    document: { Version: '2012-10-17', Statement: [allow(logsWrite)] },
  },
  {
    name: 'AWSLambdaDynamoDBExecutionRole',
    path: '/service-role/',
    description: 'Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.',
    version: 1,
    createDate: '2015-04-09T15:09:29Z',
    updateDate: '2015-04-09T15:09:29Z',
    document: {
      Version: '2012-10-17',
      Statement: [
        allow([
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          ...logsWrite,
        ]),
      ],
    },
  },
  {
    name: 'AWSLambdaKinesisExecutionRole',
    path: '/service-role/',
    description: 'Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.',
    version: 2,
    createDate: '2015-04-09T15:14:16Z',
    updateDate: '2018-11-19T20:09:24Z',
    approximate: true,
    document: {
      Version: '2012-10-17',
      Statement: [
        allow([
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
          'kinesis:ListStreams',
          'kinesis:SubscribeToShard',
          ...logsWrite,
        ]),
      ],
    },
  },
  {
    name: 'AWSLambdaSQSQueueExecutionRole',
    path: '/service-role/',
    description:
      'Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.',
    version: 1,
    createDate: '2018-06-14T21:50:45Z',
    updateDate: '2018-06-14T21:50:45Z',
    document: {
      Version: '2012-10-17',
      Statement: [allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...logsWrite])],
    },
  },
  {
    name: 'AWSLambdaVPCAccessExecutionRole',
    path: '/service-role/',
    description:
      'Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.',
    version: 3,
    createDate: '2016-02-11T23:15:26Z',
    updateDate: '2024-01-05T22:38:26Z',
    approximate: true,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSLambdaVPCAccessExecutionPermissions',
          ...allow([
            ...logsWrite,
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ]),
        },
      ],
    },
  },
  {
    name: 'AWSLambdaRole',
    path: '/service-role/',
    description: 'Default policy for AWS Lambda service role.',
    version: 1,
    createDate: '2015-02-06T18:41:28Z',
    updateDate: '2015-02-06T18:41:28Z',
    document: { Version: '2012-10-17', Statement: [allow(['lambda:InvokeFunction'], ['*'])] },
  },
  {
    name: 'AmazonS3FullAccess',
    path: '/',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    version: 2,
    createDate: '2015-02-06T18:40:58Z',
    updateDate: '2021-09-27T20:16:37Z',
    approximate: true,
    document: { Version: '2012-10-17', Statement: [allow(['s3:*', 's3-object-lambda:*'])] },
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    path: '/',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    version: 3,
    createDate: '2015-02-06T18:40:59Z',
    updateDate: '2023-08-10T21:31:39Z',
    approximate: true,
    document: {
      Version: '2012-10-17',
      Statement: [allow(['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'])],
    },
  },
  {
    name: 'AmazonSQSFullAccess',
    path: '/',
    description: 'Provides full access to Amazon SQS via the AWS Management Console.',
    version: 1,
    createDate: '2015-02-06T18:41:07Z',
    updateDate: '2015-02-06T18:41:07Z',
    document: { Version: '2012-10-17', Statement: [{ Action: ['sqs:*'], Effect: 'Allow', Resource: '*' }] },
  },
  {
    name: 'AmazonSNSFullAccess',
    path: '/',
    description: 'Provides full access to Amazon SNS via the AWS Management Console.',
    version: 1,
    createDate: '2015-02-06T18:41:05Z',
    updateDate: '2015-02-06T18:41:05Z',
    document: { Version: '2012-10-17', Statement: [{ Action: ['sns:*'], Effect: 'Allow', Resource: '*' }] },
  },
  {
    name: 'AmazonDynamoDBFullAccess',
    path: '/',
    description: 'Provides full access to Amazon DynamoDB via the AWS Management Console.',
    version: 15,
    createDate: '2015-02-06T18:40:11Z',
    updateDate: '2021-01-29T17:38:30Z',
    approximate: true,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: [
            'dynamodb:*',
            'dax:*',
            'application-autoscaling:DeleteScalingPolicy',
            'application-autoscaling:DeregisterScalableTarget',
            'application-autoscaling:DescribeScalableTargets',
            'application-autoscaling:DescribeScalingActivities',
            'application-autoscaling:DescribeScalingPolicies',
            'application-autoscaling:PutScalingPolicy',
            'application-autoscaling:RegisterScalableTarget',
            'cloudwatch:DeleteAlarms',
            'cloudwatch:DescribeAlarmHistory',
            'cloudwatch:DescribeAlarms',
            'cloudwatch:DescribeAlarmsForMetric',
            'cloudwatch:GetMetricStatistics',
            'cloudwatch:ListMetrics',
            'cloudwatch:PutMetricAlarm',
            'cloudwatch:GetMetricData',
            'datapipeline:ActivatePipeline',
            'datapipeline:CreatePipeline',
            'datapipeline:DeletePipeline',
            'datapipeline:DescribeObjects',
            'datapipeline:DescribePipelines',
            'datapipeline:GetPipelineDefinition',
            'datapipeline:ListPipelines',
            'datapipeline:PutPipelineDefinition',
            'datapipeline:QueryObjects',
            'ec2:DescribeVpcs',
            'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups',
            'iam:GetRole',
            'iam:ListRoles',
            'kms:DescribeKey',
            'kms:ListAliases',
            'sns:CreateTopic',
            'sns:DeleteTopic',
            'sns:ListSubscriptions',
            'sns:ListSubscriptionsByTopic',
            'sns:ListTopics',
            'sns:Subscribe',
            'sns:Unsubscribe',
            'sns:SetTopicAttributes',
            'lambda:CreateFunction',
            'lambda:ListFunctions',
            'lambda:ListEventSourceMappings',
            'lambda:CreateEventSourceMapping',
            'lambda:DeleteEventSourceMapping',
            'lambda:GetFunctionConfiguration',
            'lambda:DeleteFunction',
            'resource-groups:ListGroups',
            'resource-groups:ListGroupResources',
            'resource-groups:GetGroup',
            'resource-groups:GetGroupQuery',
            'resource-groups:DeleteGroup',
            'resource-groups:CreateGroup',
            'tag:GetResources',
            'kinesis:ListStreams',
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
          ],
          Effect: 'Allow',
          Resource: '*',
        },
        {
          Action: 'cloudwatch:GetInsightRuleReport',
          Effect: 'Allow',
          Resource: 'arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*',
        },
        {
          Action: ['iam:PassRole'],
          Effect: 'Allow',
          Resource: '*',
          Condition: {
            StringLike: {
              'iam:PassedToService': [
                'application-autoscaling.amazonaws.com',
                'application-autoscaling.amazonaws.com.cn',
                'dax.amazonaws.com',
              ],
            },
          },
        },
        {
          Effect: 'Allow',
          Action: ['iam:CreateServiceLinkedRole'],
          Resource: '*',
          Condition: {
            StringEquals: {
              'iam:AWSServiceName': [
                'replication.dynamodb.amazonaws.com',
                'dax.amazonaws.com',
                'dynamodb.application-autoscaling.amazonaws.com',
                'contributorinsights.dynamodb.amazonaws.com',
                'kinesisreplication.dynamodb.amazonaws.com',
              ],
            },
          },
        },
      ],
    },
  },
  {
    name: 'CloudWatchLogsFullAccess',
    path: '/',
    description: 'Provides full access to CloudWatch Logs',
    version: 3,
    createDate: '2015-02-06T18:40:54Z',
    updateDate: '2025-05-20T17:07:06Z',
    approximate: true,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: ['logs:*', 'cloudwatch:GenerateQuery', 'cloudwatch:GenerateQueryResultsSummary'],
          Resource: '*',
          Effect: 'Allow',
          Sid: 'CloudWatchLogsFullAccess',
        },
      ],
    },
  },
  {
    name: 'AWSXRayDaemonWriteAccess',
    path: '/',
    description:
      "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data (rules, targets, etc.) to be used by the X-Ray SDK.",
    version: 2,
    createDate: '2018-08-28T23:00:33Z',
    updateDate: '2024-02-13T21:58:30Z',
    approximate: true,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSXRayDaemonWriteAccess',
          ...allow(
            [
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'xray:GetSamplingRules',
              'xray:GetSamplingTargets',
              'xray:GetSamplingStatisticSummaries',
            ],
            ['*'],
          ),
        },
      ],
    },
  },
  {
    name: 'AWSStepFunctionsFullAccess',
    path: '/',
    description:
      'An access policy for providing a user/role/etc access to the AWS StepFunctions API. For full access, in addition to this policy, a user MUST have iam:PassRole permission on at least one IAM role that can be assumed by the service.',
    version: 1,
    createDate: '2017-01-11T21:51:32Z',
    updateDate: '2017-01-11T21:51:32Z',
    document: { Version: '2012-10-17', Statement: [allow('states:*')] },
  },
];
