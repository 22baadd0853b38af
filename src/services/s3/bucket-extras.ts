/**
 * Bucket settings that S3 keeps and Nimbus only keeps: transfer acceleration (there is no edge
 * network here), requester pays (no bills), server access logging (no log delivery) and
 * replication (no second copy is made); and the bucket's Object Lock configuration, whose rules
 * object-lock.ts enforces on object versions. Tools that read every setting of a bucket
 * (Terraform's aws_s3_bucket, CloudFormation, CDK) get S3's answers for each.
 * Evidence: shared/aws-reference/recorded-responses/services/s3 (test_s3_api
 * TestS3BucketAccelerateConfiguration and TestS3ObjectLock; test_s3 test_s3_request_payer,
 * TestS3BucketLogging, TestS3BucketReplication, test_bucket_config_default_retention).
 */
import { randomBytes } from 'node:crypto';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { bucketOf, remove, required } from './bucket-configs.js';
import { configNotFound, invalidRequest, malformedXml, s3Error } from './errors.js';
import type { S3State } from './state.js';
import type { BucketRow } from './store.js';

/** The bucket an `arn:aws:s3:::name` names (a replication destination), or the text itself. */
function bucketNameOf(arn: string): string {
  return arn.startsWith('arn:aws:s3:::') ? arn.slice('arn:aws:s3:::'.length) : arn;
}

// Replication

/**
 * A replication configuration as S3 keeps it: at least one rule, each with a Status and a
 * Destination, and an ID made up for a rule that has none (test_replication_config). The
 * destination must exist with versioning enabled; one that does not exist gets the same
 * message (test_replication_config_without_filter).
 */
function checkReplication(state: S3State, config: T.ReplicationConfiguration | undefined): T.ReplicationConfiguration {
  const rules = config?.Rules;
  if (!config || typeof config.Role !== 'string' || !Array.isArray(rules) || rules.length === 0) throw malformedXml();
  const checked: T.ReplicationRule[] = [];
  for (const rule of rules) {
    if ((rule.Status !== 'Enabled' && rule.Status !== 'Disabled') || typeof rule.Destination?.Bucket !== 'string') {
      throw malformedXml();
    }
    const destination = state.store.bucket(bucketNameOf(rule.Destination.Bucket));
    if (destination?.versioning !== 'Enabled') throw invalidRequest('Destination bucket must have versioning enabled.');
    checked.push(rule.ID === undefined ? { ...rule, ID: randomBytes(36).toString('base64url').slice(0, 48) } : rule);
  }
  return { Role: config.Role, Rules: checked };
}

// Logging

/**
 * Logging may only go to an existing bucket in the same region. Refused with S3's spelling,
 * "Prohibitted" and the message's trailing space included; the source's region is named only
 * when it is not us-east-1 (test_put_bucket_logging_wrong_target, _cross_locations).
 */
function checkLogging(state: S3State, bucket: BucketRow, logging: T.LoggingEnabled): T.LoggingEnabled {
  if (typeof logging.TargetBucket !== 'string' || typeof logging.TargetPrefix !== 'string') throw malformedXml();
  const target = state.store.bucket(logging.TargetBucket);
  if (!target) {
    throw s3Error('InvalidTargetBucketForLogging', 400, 'The target bucket for logging does not exist', {
      TargetBucket: logging.TargetBucket,
    });
  }
  if (target.region !== bucket.region) {
    const fields: Record<string, string> = {};
    if (bucket.region !== 'us-east-1') fields.SourceBucketLocation = bucket.region;
    fields.TargetBucketLocation = target.region;
    throw s3Error('CrossLocationLoggingProhibitted', 403, 'Cross S3 location logging not allowed. ', fields);
  }
  // Grants are kept as given, READ_ACP included, which AWS accepts (test_put_bucket_logging_accept_wrong_grants).
  const kept: T.LoggingEnabled = { TargetBucket: logging.TargetBucket, TargetPrefix: logging.TargetPrefix };
  if (logging.TargetGrants !== undefined) kept.TargetGrants = logging.TargetGrants;
  if (logging.TargetObjectKeyFormat !== undefined) kept.TargetObjectKeyFormat = logging.TargetObjectKeyFormat;
  return kept;
}

// Object Lock

/**
 * An Object Lock configuration: `ObjectLockEnabled` is Enabled, and a Rule, when given, has a
 * DefaultRetention of a known mode and exactly one of Days and Years. S3 answers every other
 * shape MalformedXML (test_s3_api test_put_object_lock_configuration_exc). A configuration
 * without a Rule removes the default retention (test_get_put_object_lock_configuration).
 */
function checkObjectLock(config: T.ObjectLockConfiguration | undefined): T.ObjectLockConfiguration {
  if (config?.ObjectLockEnabled !== 'Enabled') throw malformedXml();
  if (config.Rule === undefined) return { ObjectLockEnabled: 'Enabled' };
  const retention = config.Rule.DefaultRetention;
  const mode = retention?.Mode;
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw malformedXml();
  const days = retention?.Days;
  const years = retention?.Years;
  if ((days === undefined) === (years === undefined)) throw malformedXml();
  const period = days ?? years;
  if (!Number.isInteger(period) || (period as number) < 1) {
    throw s3Error('InvalidArgument', 400, 'Default retention period must be a positive integer value.', {
      ArgumentName: days !== undefined ? 'Days' : 'Years',
      ArgumentValue: String(period),
    });
  }
  const kept: T.DefaultRetention = { Mode: mode };
  if (days !== undefined) kept.Days = days;
  else kept.Years = years;
  return { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: kept } };
}

export function bucketExtraOperations(state: S3State) {
  return {
    putBucketAccelerateConfiguration(_ctx, input) {
      bucketOf(state, input);
      // The name is checked before the status (test_bucket_acceleration_configuration_exc sent "random").
      if (input.Bucket.includes('.')) {
        throw invalidRequest('S3 Transfer Acceleration is not supported for buckets with periods (.) in their names');
      }
      const status = input.AccelerateConfiguration?.Status;
      if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
      state.store.setConfig(input.Bucket, 'accelerate', { Status: status });
    },
    getBucketAccelerateConfiguration(_ctx, input) {
      bucketOf(state, input);
      // Never set: an empty document, no Status (test_bucket_acceleration_configuration_crud).
      return state.store.config<T.GetBucketAccelerateConfigurationOutput>(input.Bucket, 'accelerate') ?? {};
    },

    putBucketRequestPayment(_ctx, input) {
      bucketOf(state, input);
      const payer = input.RequestPaymentConfiguration?.Payer;
      if (payer !== 'Requester' && payer !== 'BucketOwner') throw malformedXml();
      state.store.setConfig(input.Bucket, 'request-payment', { Payer: payer });
    },
    getBucketRequestPayment(_ctx, input) {
      bucketOf(state, input);
      // The owner pays until told otherwise (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketRequestPayment.html).
      return (
        state.store.config<T.GetBucketRequestPaymentOutput>(input.Bucket, 'request-payment') ?? {
          Payer: 'BucketOwner',
        }
      );
    },

    putBucketLogging(_ctx, input) {
      const bucket = bucketOf(state, input);
      const logging = input.BucketLoggingStatus?.LoggingEnabled;
      // An empty BucketLoggingStatus turns logging off (test_put_bucket_logging put-bucket-logging-delete).
      if (logging === undefined) state.store.deleteConfig(input.Bucket, 'logging');
      else state.store.setConfig(input.Bucket, 'logging', { LoggingEnabled: checkLogging(state, bucket, logging) });
    },
    getBucketLogging(_ctx, input) {
      bucketOf(state, input);
      return state.store.config<T.GetBucketLoggingOutput>(input.Bucket, 'logging') ?? {};
    },

    putBucketReplication(_ctx, input) {
      const bucket = bucketOf(state, input);
      if (bucket.versioning !== 'Enabled') {
        throw invalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
      }
      state.store.setConfig(input.Bucket, 'replication', checkReplication(state, input.ReplicationConfiguration));
    },
    getBucketReplication(_ctx, input) {
      const config = required<T.ReplicationConfiguration>(
        state,
        input,
        'replication',
        'ReplicationConfigurationNotFoundError',
        'The replication configuration was not found',
      );
      return { ReplicationConfiguration: config };
    },
    deleteBucketReplication(_ctx, input) {
      // Deleting what is not there is fine (test_replication_config delete-bucket-replication-idempotent).
      remove(state, input, 'replication');
    },

    putObjectLockConfiguration(_ctx, input) {
      const bucket = bucketOf(state, input);
      const config = checkObjectLock(input.ObjectLockConfiguration);
      // A bucket made without Object Lock may turn it on once versioning is Enabled (since
      // November 2023; test_put_object_lock_configuration_on_existing_bucket, "a Object Lock" verbatim).
      if (!bucket.object_lock) {
        if (bucket.versioning !== 'Enabled') {
          throw s3Error(
            'InvalidBucketState',
            409,
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
          );
        }
        state.store.enableObjectLock(input.Bucket);
      }
      state.store.setConfig(input.Bucket, 'object-lock', config);
      return {};
    },
    getObjectLockConfiguration(_ctx, input) {
      const bucket = bucketOf(state, input);
      if (!bucket.object_lock) {
        throw configNotFound(
          'ObjectLockConfigurationNotFoundError',
          'Object Lock configuration does not exist for this bucket',
          input.Bucket,
        );
      }
      // A bucket created with Object Lock and never configured: enabled, no default retention.
      const config = state.store.config<T.ObjectLockConfiguration>(input.Bucket, 'object-lock') ?? {
        ObjectLockEnabled: 'Enabled',
      };
      return { ObjectLockConfiguration: config };
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
