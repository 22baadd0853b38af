/**
 * The service-linked roles AWS defines, per service principal: the role's name, the AWS managed
 * policy AWS attaches to it (under arn:aws:iam::aws:policy/aws-service-role/), whether a custom
 * suffix is allowed, and the description AWS gives when the caller gives none.
 * Evidence: shared/aws-reference/recorded-responses/services/iam/test_iam.snapshot.json
 * (TestIAMServiceRoles::test_service_role_lifecycle[...] for names, policies and descriptions;
 * test_service_role_lifecycle_custom_suffix[...] and ..._custom_suffix_not_allowed[...] for
 * suffixes). A service not listed gets `AWSServiceRoleFor<Service>` and no policy.
 */

export interface ServiceLinkedRoleSpec {
  role: string;
  policy: string;
  suffix?: boolean;
  description?: string;
}

export const serviceLinkedRoles: Readonly<Record<string, ServiceLinkedRoleSpec>> = {
  'accountdiscovery.ssm.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonSSM_AccountDiscovery',
    policy: 'AWSSystemsManagerAccountDiscoveryServicePolicy',
  },
  'acm.amazonaws.com': { role: 'AWSServiceRoleForCertificateManager', policy: 'CertificateManagerServiceRolePolicy' },
  'appmesh.amazonaws.com': { role: 'AWSServiceRoleForAppMesh', policy: 'AWSAppMeshServiceRolePolicy' },
  'autoscaling-plans.amazonaws.com': {
    role: 'AWSServiceRoleForAutoScalingPlans_EC2AutoScaling',
    policy: 'AWSAutoScalingPlansEC2AutoScalingPolicy',
  },
  'autoscaling.amazonaws.com': {
    role: 'AWSServiceRoleForAutoScaling',
    policy: 'AutoScalingServiceRolePolicy',
    suffix: true,
  },
  'backup.amazonaws.com': { role: 'AWSServiceRoleForBackup', policy: 'AWSBackupServiceLinkedRolePolicyForBackup' },
  'batch.amazonaws.com': { role: 'AWSServiceRoleForBatch', policy: 'BatchServiceRolePolicy' },
  'cassandra.application-autoscaling.amazonaws.com': {
    role: 'AWSServiceRoleForApplicationAutoScaling_CassandraTable',
    policy: 'AWSApplicationAutoscalingCassandraTablePolicy',
  },
  'cks.kms.amazonaws.com': {
    role: 'AWSServiceRoleForKeyManagementServiceCustomKeyStores',
    policy: 'AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy',
  },
  'cloudtrail.amazonaws.com': { role: 'AWSServiceRoleForCloudTrail', policy: 'CloudTrailServiceRolePolicy' },
  'codestar-notifications.amazonaws.com': {
    role: 'AWSServiceRoleForCodeStarNotifications',
    policy: 'AWSCodeStarNotificationsServiceRolePolicy',
  },
  'config.amazonaws.com': { role: 'AWSServiceRoleForConfig', policy: 'AWSConfigServiceRolePolicy' },
  'connect.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonConnect',
    policy: 'AmazonConnectServiceLinkedRolePolicy',
    suffix: true,
  },
  'dms-fleet-advisor.amazonaws.com': {
    role: 'AWSServiceRoleForDMSFleetAdvisor',
    policy: 'AWSDMSFleetAdvisorServiceRolePolicy',
  },
  'dms.amazonaws.com': { role: 'AWSServiceRoleForDMSServerless', policy: 'AWSDMSServerlessServiceRolePolicy' },
  'docdb-elastic.amazonaws.com': {
    role: 'AWSServiceRoleForDocDB-Elastic',
    policy: 'AmazonDocDB-ElasticServiceRolePolicy',
  },
  'ec2-instance-connect.amazonaws.com': {
    role: 'AWSServiceRoleForEc2InstanceConnect',
    policy: 'Ec2InstanceConnectEndpoint',
  },
  'ec2.application-autoscaling.amazonaws.com': {
    role: 'AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest',
    policy: 'AWSApplicationAutoscalingEC2SpotFleetRequestPolicy',
  },
  'ecr.amazonaws.com': { role: 'AWSServiceRoleForECRTemplate', policy: 'ECRTemplateServiceRolePolicy' },
  'ecs.amazonaws.com': { role: 'AWSServiceRoleForECS', policy: 'AmazonECSServiceRolePolicy' },
  'eks-connector.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonEKSConnector',
    policy: 'AmazonEKSConnectorServiceRolePolicy',
  },
  'eks-fargate.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonEKSForFargate',
    policy: 'AmazonEKSForFargateServiceRolePolicy',
  },
  'eks-nodegroup.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonEKSNodegroup',
    policy: 'AWSServiceRoleForAmazonEKSNodegroup',
  },
  'eks.amazonaws.com': { role: 'AWSServiceRoleForAmazonEKS', policy: 'AmazonEKSServiceRolePolicy' },
  'elasticache.amazonaws.com': { role: 'AWSServiceRoleForElastiCache', policy: 'ElastiCacheServiceRolePolicy' },
  'elasticbeanstalk.amazonaws.com': {
    role: 'AWSServiceRoleForElasticBeanstalk',
    policy: 'AWSElasticBeanstalkServiceRolePolicy',
  },
  'elasticfilesystem.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonElasticFileSystem',
    policy: 'AmazonElasticFileSystemServiceRolePolicy',
  },
  'elasticloadbalancing.amazonaws.com': {
    role: 'AWSServiceRoleForElasticLoadBalancing',
    policy: 'AWSElasticLoadBalancingServiceRolePolicy',
  },
  'email.cognito-idp.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonCognitoIdpEmailService',
    policy: 'AmazonCognitoIdpEmailServiceRolePolicy',
  },
  'emr-containers.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonEMRContainers',
    policy: 'AmazonEMRContainersServiceRolePolicy',
  },
  'emrwal.amazonaws.com': { role: 'AWSServiceRoleForEMRWAL', policy: 'EMRDescribeClusterPolicyForEMRWAL' },
  'fis.amazonaws.com': { role: 'AWSServiceRoleForFIS', policy: 'AmazonFISServiceRolePolicy' },
  'grafana.amazonaws.com': { role: 'AWSServiceRoleForAmazonGrafana', policy: 'AmazonGrafanaServiceLinkedRolePolicy' },
  'imagebuilder.amazonaws.com': { role: 'AWSServiceRoleForImageBuilder', policy: 'AWSServiceRoleForImageBuilder' },
  'iotmanagedintegrations.amazonaws.com': {
    role: 'AWSServiceRoleForIoTManagedIntegrations',
    policy: 'AWSIoTManagedIntegrationsRolePolicy',
  },
  'kafka.amazonaws.com': { role: 'AWSServiceRoleForKafka', policy: 'KafkaServiceRolePolicy' },
  'kafkaconnect.amazonaws.com': { role: 'AWSServiceRoleForKafkaConnect', policy: 'KafkaConnectServiceRolePolicy' },
  'lakeformation.amazonaws.com': {
    role: 'AWSServiceRoleForLakeFormationDataAccess',
    policy: 'LakeFormationDataAccessServiceRolePolicy',
  },
  'lex.amazonaws.com': { role: 'AWSServiceRoleForLexBots', policy: 'AmazonLexBotPolicy' },
  'lexv2.amazonaws.com': { role: 'AWSServiceRoleForLexV2Bots', policy: 'AmazonLexV2BotPolicy', suffix: true },
  'lightsail.amazonaws.com': { role: 'AWSServiceRoleForLightsail', policy: 'LightsailExportAccess' },
  'm2.amazonaws.com': { role: 'AWSServiceRoleForAWSM2', policy: 'AWSM2ServicePolicy' },
  'memorydb.amazonaws.com': { role: 'AWSServiceRoleForMemoryDB', policy: 'MemoryDBServiceRolePolicy' },
  'mq.amazonaws.com': { role: 'AWSServiceRoleForAmazonMQ', policy: 'AmazonMQServiceRolePolicy' },
  'mrk.kms.amazonaws.com': {
    role: 'AWSServiceRoleForKeyManagementServiceMultiRegionKeys',
    policy: 'AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy',
  },
  'notifications.amazonaws.com': {
    role: 'AWSServiceRoleForAwsUserNotifications',
    policy: 'AWSUserNotificationsServiceLinkedRolePolicy',
  },
  'observability.aoss.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonOpenSearchServerless',
    policy: 'AmazonOpenSearchServerlessServiceRolePolicy',
  },
  'opensearchservice.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonOpenSearchService',
    policy: 'AmazonOpenSearchServiceRolePolicy',
  },
  'ops.apigateway.amazonaws.com': { role: 'AWSServiceRoleForAPIGateway', policy: 'APIGatewayServiceRolePolicy' },
  'ops.emr-serverless.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonEMRServerless',
    policy: 'AmazonEMRServerlessServiceRolePolicy',
  },
  'opsdatasync.ssm.amazonaws.com': {
    role: 'AWSServiceRoleForSystemsManagerOpsDataSync',
    policy: 'AWSSystemsManagerOpsDataSyncServiceRolePolicy',
  },
  'opsinsights.ssm.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonSSM_OpsInsights',
    policy: 'AWSSSMOpsInsightsServiceRolePolicy',
  },
  'pullthroughcache.ecr.amazonaws.com': {
    role: 'AWSServiceRoleForECRPullThroughCache',
    policy: 'AWSECRPullThroughCache_ServiceRolePolicy',
  },
  'ram.amazonaws.com': {
    role: 'AWSServiceRoleForResourceAccessManager',
    policy: 'AWSResourceAccessManagerServiceRolePolicy',
  },
  'rds.amazonaws.com': {
    role: 'AWSServiceRoleForRDS',
    policy: 'AmazonRDSServiceRolePolicy',
    description: 'Allows Amazon RDS to manage AWS resources on your behalf',
  },
  'redshift.amazonaws.com': { role: 'AWSServiceRoleForRedshift', policy: 'AmazonRedshiftServiceLinkedRolePolicy' },
  'replication.cassandra.amazonaws.com': {
    role: 'AWSServiceRoleForKeyspacesReplication',
    policy: 'KeyspacesReplicationServiceRolePolicy',
  },
  'replication.ecr.amazonaws.com': {
    role: 'AWSServiceRoleForECRReplication',
    policy: 'ECRReplicationServiceRolePolicy',
  },
  'repository.sync.codeconnections.amazonaws.com': {
    role: 'AWSServiceRoleForGitSync',
    policy: 'AWSGitSyncServiceRolePolicy',
  },
  'resource-explorer-2.amazonaws.com': {
    role: 'AWSServiceRoleForResourceExplorer',
    policy: 'AWSResourceExplorerServiceRolePolicy',
  },
  'rolesanywhere.amazonaws.com': { role: 'AWSServiceRoleForRolesAnywhere', policy: 'AWSRolesAnywhereServicePolicy' },
  's3-outposts.amazonaws.com': { role: 'AWSServiceRoleForS3OnOutposts', policy: 'AWSS3OnOutpostsServiceRolePolicy' },
  'ses.amazonaws.com': { role: 'AWSServiceRoleForAmazonSES', policy: 'AmazonSESServiceRolePolicy' },
  'shield.amazonaws.com': { role: 'AWSServiceRoleForAWSShield', policy: 'AWSShieldServiceRolePolicy' },
  'ssm-incidents.amazonaws.com': {
    role: 'AWSServiceRoleForIncidentManager',
    policy: 'AWSIncidentManagerServiceRolePolicy',
  },
  'ssm-quicksetup.amazonaws.com': { role: 'AWSServiceRoleForSSMQuickSetup', policy: 'SSMQuickSetupRolePolicy' },
  'ssm.amazonaws.com': {
    role: 'AWSServiceRoleForAmazonSSM',
    policy: 'AmazonSSMServiceRolePolicy',
    description: 'Provides access to AWS Resources managed or used by Amazon SSM.',
  },
  'sso.amazonaws.com': {
    role: 'AWSServiceRoleForSSO',
    policy: 'AWSSSOServiceRolePolicy',
    description:
      'Service-linked role used by AWS SSO to manage AWS resources, including IAM roles, policies and SAML IdP on your behalf.',
  },
  'vpcorigin.cloudfront.amazonaws.com': {
    role: 'AWSServiceRoleForCloudFrontVPCOrigin',
    policy: 'AWSCloudFrontVPCOriginServiceRolePolicy',
  },
  'waf.amazonaws.com': { role: 'AWSServiceRoleForWAFLogging', policy: 'WAFLoggingServiceRolePolicy' },
  'wafv2.amazonaws.com': { role: 'AWSServiceRoleForWAFV2Logging', policy: 'WAFV2LoggingServiceRolePolicy' },
};

/** The role name of a service AWS has not told us about: `lambda.amazonaws.com` gives AWSServiceRoleForLambda. */
export function defaultServiceRoleName(service: string): string {
  const first = service.split('.')[0] ?? service;
  return `AWSServiceRoleFor${first.charAt(0).toUpperCase()}${first.slice(1)}`;
}
