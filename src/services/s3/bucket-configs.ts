/**
 * Bucket configurations: tagging, policy, CORS, website, lifecycle, encryption, public access
 * block, ownership controls, ACL, versioning and notifications, each checked as S3 checks it
 * and kept as given. A configuration never set answers its own "not found" error, except where
 * AWS has a default (every bucket is encrypted with SSE-S3, and new buckets block public access
 * and enforce bucket-owner ownership: https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html,
 * https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/).
 * Also what every bucket request checks: `x-amz-expected-bucket-owner`, and the tag and ACL
 * rules CreateBucket shares. Evidence for the checks:
 * shared/aws-reference/recorded-responses/services/s3/test_s3_api and test_s3 (named per check).
 */
import { randomUUID } from 'node:crypto';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { groupGrant, groups, isPublic, requestedGrants, userGrant } from './acl.js';
import { checkCorsConfiguration } from './cors.js';
import { accessDenied, configNotFound, invalidArgument, invalidRequest, malformedXml, s3Error } from './errors.js';
import { checkLifecycleConfiguration } from './lifecycle.js';
import { checkDestinations, testEvent } from './notifications.js';
import { ownerOf, type S3State } from './state.js';
import type { BucketRow } from './store.js';

/**
 * The bucket a request names, after the `x-amz-expected-bucket-owner` check: a value that is
 * not an account id is refused before the bucket is looked up, another owner's bucket is
 * AccessDenied (test_s3 test_get_bucket_policy_invalid_account_id, test_get_bucket_policy).
 */
export function ownedBucket(state: S3State, name: string, expectedOwner: string | undefined): BucketRow {
  if (expectedOwner !== undefined && !/^\d{12}$/.test(expectedOwner)) {
    throw s3Error(
      'InvalidBucketOwnerAWSAccountID',
      400,
      `The value of the expected bucket owner parameter must be an AWS Account ID... [${expectedOwner}]`,
    );
  }
  const bucket = state.bucket(name);
  if (expectedOwner !== undefined && expectedOwner !== bucket.account) throw accessDenied();
  return bucket;
}

/** What a tag key or value may hold (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
const tagCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalidTag = (message: string, fields: Record<string, string> = {}) =>
  s3Error('InvalidTag', 400, message, fields);

/**
 * A bucket's tag set, checked as PutBucketTagging (`put`) or CreateBucket (`create`) checks it:
 * each tag in order, then the count (test_s3_api test_tagging_validation,
 * test_create_bucket_with_tags_exc). A duplicated key at creation is InvalidTag here, where
 * AWS answered 500 InternalError.
 */
export function checkBucketTags(tags: readonly T.Tag[], when: 'put' | 'create'): T.Tag[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    if (typeof tag.Key !== 'string' || typeof tag.Value !== 'string') throw malformedXml();
    const { Key: key, Value: value } = tag;
    if (key.length < 1 || [...key].length > 128 || !tagCharacters.test(key)) {
      throw invalidTag('The TagKey you have provided is invalid', { TagKey: key });
    }
    if ([...value].length > 256 || !tagCharacters.test(value)) {
      throw invalidTag('The TagValue you have provided is invalid', { TagKey: key, TagValue: value });
    }
    if (key.toLowerCase().startsWith('aws:')) {
      if (when === 'put') throw invalidTag('System tags cannot be added/updated by requester', { TagKey: key });
      throw invalidTag(
        'User-defined tag keys can\'t start with "aws:". This prefix is reserved for system tags. Remove "aws:" from your tag keys and try again.',
      );
    }
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key', { TagKey: key });
    seen.add(key);
  }
  if (tags.length > 50) throw s3Error('BadRequest', 400, 'Bucket tag count cannot be greater than 50');
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

const defaultEncryption: T.ServerSideEncryptionConfiguration = {
  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
};

const defaultPublicAccessBlock: T.PublicAccessBlockConfiguration = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

const defaultOwnership: T.OwnershipControls = { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };

const defaultTransitionMinimumSize: T.TransitionDefaultMinimumObjectSize = 'all_storage_classes_128K';

/** What every bucket configuration request names. */
export interface BucketRequest {
  Bucket: string;
  ExpectedBucketOwner?: string;
}

export function bucketOf(state: S3State, input: BucketRequest): BucketRow {
  return ownedBucket(state, input.Bucket, input.ExpectedBucketOwner);
}

/** A configuration that must be set: its own not-found error (with BucketName) otherwise. */
export function required<Value>(
  state: S3State,
  input: BucketRequest,
  kind: string,
  code: string,
  message: string,
): Value {
  bucketOf(state, input);
  const value = state.store.config<Value>(input.Bucket, kind);
  if (value === undefined || value === null) throw configNotFound(code, message, input.Bucket);
  return value;
}

/** A configuration with a default: the default until set; `null` once deleted. */
function configOrDefault<Value>(state: S3State, bucket: string, kind: string, fallback: Value): Value | null {
  const value = state.store.config<Value | null>(bucket, kind);
  return value === undefined ? fallback : value;
}

export function remove(state: S3State, input: BucketRequest, kind: string): void {
  bucketOf(state, input);
  state.store.deleteConfig(input.Bucket, kind);
}

// Policy

const malformedPolicy = (message: string) => s3Error('MalformedPolicy', 400, message);

/** test_s3_api test_bucket_policy_exc. */
function checkPolicy(text: string | undefined): string {
  let policy: unknown;
  try {
    policy = JSON.parse(text ?? '');
  } catch {
    policy = undefined;
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy) || !text?.trimStart().startsWith('{')) {
    throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  }
  if (!('Statement' in policy)) throw malformedPolicy('Missing required field Statement');
  return text;
}

// Website

const websiteArgument = (message: string, name: string, value: string) => invalidArgument(message, name, value);

/** test_s3 test_validate_website_configuration. */
function checkWebsite(config: T.WebsiteConfiguration | undefined): T.WebsiteConfiguration {
  const website = config ?? {};
  if (website.RedirectAllRequestsTo) {
    if (website.IndexDocument || website.ErrorDocument || website.RoutingRules) {
      throw websiteArgument(
        'RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.',
        'RedirectAllRequestsTo',
        'not null',
      );
    }
    checkProtocol(website.RedirectAllRequestsTo.Protocol);
    return website;
  }
  const suffix = website.IndexDocument?.Suffix;
  if (suffix === undefined) {
    throw websiteArgument(
      'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
      'IndexDocument',
      'null',
    );
  }
  if (suffix === '' || suffix.includes('/')) {
    throw websiteArgument('The IndexDocument Suffix is not well formed', 'IndexDocument', suffix);
  }
  if (website.RoutingRules !== undefined) {
    if (website.RoutingRules.length === 0) throw malformedXml();
    for (const rule of website.RoutingRules) {
      const condition = rule.Condition;
      if (condition && condition.KeyPrefixEquals === undefined && condition.HttpErrorCodeReturnedEquals === undefined) {
        throw invalidRequest(
          "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.",
        );
      }
      const redirect = rule.Redirect ?? {};
      if (redirect.ReplaceKeyPrefixWith !== undefined && redirect.ReplaceKeyWith !== undefined) {
        throw invalidRequest('You can only define ReplaceKeyPrefix or ReplaceKey but not both.');
      }
      checkProtocol(redirect.Protocol);
    }
  }
  return website;
}

function checkProtocol(protocol: string | undefined): void {
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') {
    throw invalidRequest(
      'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.',
    );
  }
}

// Lifecycle

/** Which of a filter's choices are set; S3's schema allows exactly one (LifecycleRuleFilter docs). */
function filterChoices(filter: T.LifecycleRuleFilter): number {
  return [filter.Prefix, filter.Tag, filter.ObjectSizeGreaterThan, filter.ObjectSizeLessThan, filter.And].filter(
    (choice) => choice !== undefined,
  ).length;
}

/**
 * The schema checks of a lifecycle rule that S3 answers with MalformedXML, and its date and tag
 * rules (test_s3 test_put_bucket_lifecycle_conf_exc); lifecycle.ts checks the actions.
 */
function checkLifecycleRules(config: T.BucketLifecycleConfiguration | undefined): void {
  for (const rule of config?.Rules ?? []) {
    if (rule.Filter === undefined && rule.Prefix === undefined) throw malformedXml();
    if (rule.Filter && filterChoices(rule.Filter) > 1) throw malformedXml();
    const expiration = rule.Expiration;
    if (expiration?.ExpiredObjectDeleteMarker !== undefined) {
      if (expiration.Days !== undefined || expiration.Date !== undefined) throw malformedXml();
    }
    const date = expiration?.Date;
    if (date !== undefined) {
      const at = new Date(date as unknown as string);
      if (at.getTime() % 86_400_000 !== 0) {
        throw invalidArgument("'Date' must be at midnight GMT", 'Date', at.toISOString());
      }
    }
    const noncurrent = rule.NoncurrentVersionExpiration;
    if (noncurrent && noncurrent.NoncurrentDays === undefined && noncurrent.NewerNoncurrentVersions === undefined) {
      throw malformedXml();
    }
    const tags = rule.Filter?.And?.Tags ?? [];
    if (new Set(tags.map((tag) => tag.Key)).size !== tags.length) {
      throw invalidRequest('Duplicate Tag Keys are not allowed.');
    }
  }
}

interface StoredLifecycle extends T.BucketLifecycleConfiguration {
  TransitionDefaultMinimumObjectSize?: T.TransitionDefaultMinimumObjectSize;
}

// Encryption

/** test_s3_api test_s3_default_bucket_encryption_exc. */
function checkEncryption(config: T.ServerSideEncryptionConfiguration | undefined): T.ServerSideEncryptionConfiguration {
  const rules = config?.Rules ?? [];
  const rule = rules[0];
  if (rules.length !== 1 || !rule?.ApplyServerSideEncryptionByDefault) throw malformedXml();
  const byDefault = rule.ApplyServerSideEncryptionByDefault;
  if (byDefault.KMSMasterKeyID !== undefined && !byDefault.SSEAlgorithm.startsWith('aws:kms')) {
    const error = invalidArgument(
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
    );
    error.members.ArgumentName = 'ApplyServerSideEncryptionByDefault';
    throw error;
  }
  return { Rules: [{ ...rule, BucketKeyEnabled: rule.BucketKeyEnabled ?? false }] };
}

// ACL

const ownerGrant = (ownerId: string): T.Grant => userGrant(ownerId, 'FULL_CONTROL');

export const objectOwnerships: ReadonlySet<string> = new Set([
  'BucketOwnerPreferred',
  'ObjectWriter',
  'BucketOwnerEnforced',
]);

const bucketCannedAcls: ReadonlySet<string> = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  // Not in the model's enum, yet AWS takes it for log buckets (CDK's access-log buckets use it).
  'log-delivery-write',
]);

/** The grants of a canned ACL on a bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl). */
function cannedGrants(acl: string, ownerId: string): T.Grant[] {
  // An empty Message is what S3 sends for an unknown canned ACL (test_s3_object_acl_exceptions).
  if (!bucketCannedAcls.has(acl)) throw invalidArgument('', 'x-amz-acl', acl);
  const grants = [ownerGrant(ownerId)];
  if (acl === 'public-read' || acl === 'public-read-write') grants.push(groupGrant(groups.AllUsers, 'READ'));
  if (acl === 'public-read-write') grants.push(groupGrant(groups.AllUsers, 'WRITE'));
  if (acl === 'authenticated-read') grants.push(groupGrant(groups.AuthenticatedUsers, 'READ'));
  if (acl === 'log-delivery-write') {
    grants.push(groupGrant(groups.LogDelivery, 'WRITE'), groupGrant(groups.LogDelivery, 'READ_ACP'));
  }
  return grants;
}

/** Only the owner's full control: what an ACL-less (owner-enforced) bucket still accepts. */
const ownerOnly = (grants: readonly T.Grant[], ownerId: string) =>
  grants.length === 1 &&
  grants[0]?.Permission === 'FULL_CONTROL' &&
  grants[0].Grantee?.Type === 'CanonicalUser' &&
  grants[0].Grantee.ID === ownerId;

/**
 * The ACL a CreateBucket sets, if it names one. A bucket created with ownership
 * BucketOwnerEnforced (the default) takes only the private ACL
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html).
 */
export function creationAcl(input: T.CreateBucketRequest, account: string): T.AccessControlPolicy | undefined {
  const owner = ownerOf(account);
  const grants = requestedGrants(input, (acl) => cannedGrants(acl, owner.ID), false);
  if (!grants) return undefined;
  if ((input.ObjectOwnership ?? 'BucketOwnerEnforced') === 'BucketOwnerEnforced' && !ownerOnly(grants, owner.ID)) {
    throw s3Error(
      'InvalidBucketAclWithObjectOwnership',
      400,
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  }
  return { Owner: owner, Grants: grants };
}

function fullControl(account: string): T.AccessControlPolicy {
  const owner = ownerOf(account);
  return { Owner: owner, Grants: [ownerGrant(owner.ID)] };
}

// Notifications

const notificationArn = {
  QueueConfigurations: { member: 'QueueArn', argument: 'Queue', service: 'sqs' },
  TopicConfigurations: { member: 'TopicArn', argument: 'Topic', service: 'sns' },
  LambdaFunctionConfigurations: { member: 'LambdaFunctionArn', argument: 'CloudFunction', service: 'lambda' },
} as const;

type DestinationList = keyof typeof notificationArn;

interface DestinationConfiguration {
  Id?: string;
  Filter?: T.NotificationConfigurationFilter;
  [member: string]: unknown;
}

/**
 * Checks a notification configuration as S3 does before it looks at any destination, and gives
 * it the form S3 keeps: every configuration an Id, filter rule names `Prefix` / `Suffix`
 * (test_s3_notifications_sqs test_notifications_with_filter, test_filter_rules_case_insensitive;
 * test_s3_api TestS3BucketNotificationConfiguration).
 */
function normalizeNotifications(config: T.NotificationConfiguration): T.NotificationConfiguration {
  const out: T.NotificationConfiguration = {};
  for (const list of Object.keys(notificationArn) as DestinationList[]) {
    const entries = config[list] as DestinationConfiguration[] | undefined;
    if (!entries) continue;
    const { member, argument, service } = notificationArn[list];
    const arnPattern = new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+$`);
    (out as Record<string, unknown>)[list] = entries.map((entry) => {
      const arn = entry[member];
      if (typeof arn !== 'string' || !arnPattern.test(arn)) {
        throw invalidArgument('The ARN could not be parsed', argument, String(arn ?? ''));
      }
      const normalized: DestinationConfiguration = { ...entry, Id: entry.Id ?? newNotificationId() };
      const rules = entry.Filter?.Key?.FilterRules;
      if (rules) normalized.Filter = { Key: { FilterRules: rules.map(normalizeFilterRule) } };
      return normalized;
    });
  }
  if (config.EventBridgeConfiguration) out.EventBridgeConfiguration = config.EventBridgeConfiguration;
  return out;
}

function normalizeFilterRule(rule: T.FilterRule): T.FilterRule {
  if (rule.Name === undefined || rule.Value === undefined) throw malformedXml();
  const name = String(rule.Name).toLowerCase();
  if (name !== 'prefix' && name !== 'suffix') {
    throw invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule.Name', String(rule.Name));
  }
  return { Name: (name === 'prefix' ? 'Prefix' : 'Suffix') as T.FilterRuleName, Value: rule.Value };
}

/** An Id like the ones S3 makes up: an opaque base64 token. */
function newNotificationId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

export function bucketConfigOperations(state: S3State) {
  return {
    putBucketTagging(_ctx, input) {
      bucketOf(state, input);
      const tags = checkBucketTags(input.Tagging?.TagSet ?? [], 'put');
      // An empty tag set removes the tags (test_s3_api test_bucket_tagging_crud put-bucket-tags-empty).
      if (tags.length === 0) state.store.deleteConfig(input.Bucket, 'tagging');
      else state.store.setConfig(input.Bucket, 'tagging', { TagSet: tags });
    },
    getBucketTagging(_ctx, input) {
      return required<T.GetBucketTaggingOutput>(state, input, 'tagging', 'NoSuchTagSet', 'The TagSet does not exist');
    },
    deleteBucketTagging(_ctx, input) {
      remove(state, input, 'tagging');
    },

    putBucketPolicy(_ctx, input) {
      bucketOf(state, input);
      state.store.setConfig(input.Bucket, 'policy', checkPolicy(input.Policy));
    },
    getBucketPolicy(_ctx, input) {
      const policy = required<string>(state, input, 'policy', 'NoSuchBucketPolicy', 'The bucket policy does not exist');
      return { Policy: policy };
    },
    deleteBucketPolicy(_ctx, input) {
      remove(state, input, 'policy');
    },

    putBucketCors(_ctx, input) {
      bucketOf(state, input);
      state.store.setConfig(input.Bucket, 'cors', checkCorsConfiguration(input.CORSConfiguration));
    },
    getBucketCors(_ctx, input) {
      return required<T.GetBucketCorsOutput>(
        state,
        input,
        'cors',
        'NoSuchCORSConfiguration',
        'The CORS configuration does not exist',
      );
    },
    deleteBucketCors(_ctx, input) {
      remove(state, input, 'cors');
    },

    putBucketWebsite(_ctx, input) {
      bucketOf(state, input);
      state.store.setConfig(input.Bucket, 'website', checkWebsite(input.WebsiteConfiguration));
    },
    getBucketWebsite(_ctx, input) {
      return required<T.GetBucketWebsiteOutput>(
        state,
        input,
        'website',
        'NoSuchWebsiteConfiguration',
        'The specified bucket does not have a website configuration',
      );
    },
    deleteBucketWebsite(_ctx, input) {
      remove(state, input, 'website');
    },

    putBucketLifecycleConfiguration(_ctx, input) {
      bucketOf(state, input);
      checkLifecycleRules(input.LifecycleConfiguration);
      const size = input.TransitionDefaultMinimumObjectSize ?? defaultTransitionMinimumSize;
      if (size !== 'all_storage_classes_128K' && size !== 'varies_by_storage_class') {
        throw invalidRequest(`Invalid TransitionDefaultMinimumObjectSize found: ${size}`);
      }
      const config: StoredLifecycle = {
        ...checkLifecycleConfiguration(input.LifecycleConfiguration),
        TransitionDefaultMinimumObjectSize: size,
      };
      state.store.setConfig(input.Bucket, 'lifecycle', config);
      return { TransitionDefaultMinimumObjectSize: size };
    },
    getBucketLifecycleConfiguration(_ctx, input) {
      const config = required<StoredLifecycle>(
        state,
        input,
        'lifecycle',
        'NoSuchLifecycleConfiguration',
        'The lifecycle configuration does not exist',
      );
      return {
        Rules: config.Rules,
        TransitionDefaultMinimumObjectSize: config.TransitionDefaultMinimumObjectSize ?? defaultTransitionMinimumSize,
      };
    },
    deleteBucketLifecycle(_ctx, input) {
      remove(state, input, 'lifecycle');
    },

    putBucketEncryption(_ctx, input) {
      bucketOf(state, input);
      state.store.setConfig(input.Bucket, 'encryption', checkEncryption(input.ServerSideEncryptionConfiguration));
    },
    getBucketEncryption(_ctx, input) {
      bucketOf(state, input);
      return {
        ServerSideEncryptionConfiguration:
          state.store.config<T.ServerSideEncryptionConfiguration>(input.Bucket, 'encryption') ?? defaultEncryption,
      };
    },
    deleteBucketEncryption(_ctx, input) {
      // Deleting brings back the SSE-S3 default: S3 encrypts every object.
      remove(state, input, 'encryption');
    },

    putPublicAccessBlock(_ctx, input) {
      bucketOf(state, input);
      // A flag left out is false (test_s3_api test_crud_public_access_block).
      const given = input.PublicAccessBlockConfiguration ?? {};
      const config: T.PublicAccessBlockConfiguration = {
        BlockPublicAcls: given.BlockPublicAcls ?? false,
        IgnorePublicAcls: given.IgnorePublicAcls ?? false,
        BlockPublicPolicy: given.BlockPublicPolicy ?? false,
        RestrictPublicBuckets: given.RestrictPublicBuckets ?? false,
      };
      state.store.setConfig(input.Bucket, 'public-access-block', config);
    },
    getPublicAccessBlock(_ctx, input) {
      bucketOf(state, input);
      const config = configOrDefault(state, input.Bucket, 'public-access-block', defaultPublicAccessBlock);
      if (config === null) {
        throw configNotFound(
          'NoSuchPublicAccessBlockConfiguration',
          'The public access block configuration was not found',
          input.Bucket,
        );
      }
      return { PublicAccessBlockConfiguration: config };
    },
    deletePublicAccessBlock(_ctx, input) {
      bucketOf(state, input);
      // Deleting leaves the bucket with none at all, not with the default.
      state.store.setConfig(input.Bucket, 'public-access-block', null);
    },

    putBucketOwnershipControls(_ctx, input) {
      bucketOf(state, input);
      // Exactly one rule (test_s3_api test_bucket_ownership_controls_exc).
      const rules = input.OwnershipControls?.Rules ?? [];
      // An unknown ObjectOwnership fails S3's schema: MalformedXML (test_bucket_ownership_controls_exc).
      const ownership = rules[0]?.ObjectOwnership;
      if (rules.length !== 1 || !ownership || !objectOwnerships.has(ownership)) throw malformedXml();
      state.store.setConfig(input.Bucket, 'ownership', { Rules: [{ ObjectOwnership: rules[0].ObjectOwnership }] });
    },
    getBucketOwnershipControls(_ctx, input) {
      bucketOf(state, input);
      const config = configOrDefault(state, input.Bucket, 'ownership', defaultOwnership);
      if (config === null) {
        throw configNotFound(
          'OwnershipControlsNotFoundError',
          'The bucket ownership controls were not found',
          input.Bucket,
        );
      }
      return { OwnershipControls: config };
    },
    deleteBucketOwnershipControls(_ctx, input) {
      bucketOf(state, input);
      state.store.setConfig(input.Bucket, 'ownership', null);
    },

    getBucketAcl(_ctx, input) {
      const bucket = bucketOf(state, input);
      return state.store.config<T.AccessControlPolicy>(input.Bucket, 'acl') ?? fullControl(bucket.account);
    },
    putBucketAcl(_ctx, input) {
      const bucket = bucketOf(state, input);
      const owner = ownerOf(bucket.account);
      const grants = requestedGrants(input, (acl) => cannedGrants(acl, owner.ID), true) as T.Grant[];
      // With ownership BucketOwnerEnforced, ACLs are off and only the owner's full control
      // can be set (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
      const ownership = configOrDefault(state, input.Bucket, 'ownership', defaultOwnership);
      if (ownership?.Rules[0]?.ObjectOwnership === 'BucketOwnerEnforced' && !ownerOnly(grants, owner.ID)) {
        throw s3Error('AccessControlListNotSupported', 400, 'The bucket does not allow ACLs');
      }
      // BlockPublicAcls refuses a public ACL (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
      const block = configOrDefault(state, input.Bucket, 'public-access-block', defaultPublicAccessBlock);
      if (block?.BlockPublicAcls && grants.some(isPublic)) throw accessDenied();
      state.store.setConfig(input.Bucket, 'acl', { Owner: owner, Grants: grants });
    },

    putBucketVersioning(_ctx, input) {
      const bucket = bucketOf(state, input);
      const status = input.VersioningConfiguration?.Status;
      if (status === undefined) {
        throw s3Error('IllegalVersioningConfigurationException', 400, 'The Versioning element must be specified');
      }
      if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
      if (bucket.object_lock && status !== 'Enabled') {
        throw s3Error(
          'InvalidBucketState',
          409,
          'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
        );
      }
      state.store.setVersioning(input.Bucket, status);
    },
    getBucketVersioning(_ctx, input) {
      const bucket = bucketOf(state, input);
      return bucket.versioning ? { Status: bucket.versioning } : {};
    },

    async putBucketNotificationConfiguration(ctx, input) {
      const bucket = bucketOf(state, input);
      const config = normalizeNotifications(input.NotificationConfiguration ?? {});
      if (!input.SkipDestinationValidation) {
        await checkDestinations(state, config, { name: input.Bucket, account: bucket.account });
      }
      state.store.transaction(() => {
        bucketOf(state, input);
        state.store.setConfig(input.Bucket, 'notification', config);
      });
      if (!input.SkipDestinationValidation) testEvent(state, ctx, input.Bucket, config);
    },
    getBucketNotificationConfiguration(_ctx, input) {
      bucketOf(state, input);
      return state.store.config<T.NotificationConfiguration>(input.Bucket, 'notification') ?? {};
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
