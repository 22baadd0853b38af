/**
 * Bucket configurations kept as they are given: tagging, policy, CORS, website, lifecycle,
 * encryption, public access block, ownership controls, ACL, versioning and notifications. A
 * configuration never set answers its own "not found" error, except where AWS has a default
 * (every bucket is encrypted with SSE-S3, and new buckets block public access and enforce
 * bucket-owner ownership: https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html,
 * https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/).
 */
import { errorType } from '../../errors/aws-error.js';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { checkCorsConfiguration } from './cors.js';
import { configNotFound, invalidArgument, malformedXml } from './errors.js';
import { checkLifecycleConfiguration } from './lifecycle.js';
import { checkDestinations, testEvent } from './notifications.js';
import { ownerOf, type S3State } from './state.js';
import { checkTagSet } from './tagging.js';

const MalformedPolicy = errorType('MalformedPolicy', 400);

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

function required<Value>(state: S3State, bucket: string, kind: string, code: string, message: string): Value {
  state.bucket(bucket);
  const value = state.store.config<Value>(bucket, kind);
  if (value === undefined) throw configNotFound(code, message, bucket);
  return value;
}

function put(state: S3State, bucket: string, kind: string, value: unknown): void {
  state.bucket(bucket);
  state.store.setConfig(bucket, kind, value);
}

function remove(state: S3State, bucket: string, kind: string): void {
  state.bucket(bucket);
  state.store.deleteConfig(bucket, kind);
}

function fullControl(account: string): T.AccessControlPolicy {
  const owner = ownerOf(account);
  return {
    Owner: owner,
    Grants: [{ Grantee: { ID: owner.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
  };
}

export function bucketConfigOperations(state: S3State) {
  return {
    putBucketTagging(_ctx, input) {
      put(state, input.Bucket, 'tagging', { TagSet: checkTagSet(input.Tagging?.TagSet ?? [], 50) });
    },
    getBucketTagging(_ctx, input) {
      return required<T.GetBucketTaggingOutput>(
        state,
        input.Bucket,
        'tagging',
        'NoSuchTagSet',
        'The TagSet does not exist',
      );
    },
    deleteBucketTagging(_ctx, input) {
      remove(state, input.Bucket, 'tagging');
    },

    putBucketPolicy(_ctx, input) {
      let policy: unknown;
      try {
        policy = JSON.parse(input.Policy);
      } catch {
        policy = undefined;
      }
      if (typeof policy !== 'object' || policy === null || !input.Policy.trimStart().startsWith('{')) {
        throw new MalformedPolicy("Policies must be valid JSON and the first byte must be '{'");
      }
      if (!('Statement' in policy)) throw new MalformedPolicy('Missing required field Statement');
      put(state, input.Bucket, 'policy', input.Policy);
    },
    getBucketPolicy(_ctx, input) {
      const policy = required<string>(
        state,
        input.Bucket,
        'policy',
        'NoSuchBucketPolicy',
        'The bucket policy does not exist',
      );
      return { Policy: policy };
    },
    deleteBucketPolicy(_ctx, input) {
      remove(state, input.Bucket, 'policy');
    },

    putBucketCors(_ctx, input) {
      put(state, input.Bucket, 'cors', checkCorsConfiguration(input.CORSConfiguration));
    },
    getBucketCors(_ctx, input) {
      return required<T.GetBucketCorsOutput>(
        state,
        input.Bucket,
        'cors',
        'NoSuchCORSConfiguration',
        'The CORS configuration does not exist',
      );
    },
    deleteBucketCors(_ctx, input) {
      remove(state, input.Bucket, 'cors');
    },

    putBucketWebsite(_ctx, input) {
      const config = input.WebsiteConfiguration;
      if (!config?.IndexDocument && !config?.RedirectAllRequestsTo) {
        throw invalidArgument('A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty');
      }
      put(state, input.Bucket, 'website', config);
    },
    getBucketWebsite(_ctx, input) {
      return required<T.GetBucketWebsiteOutput>(
        state,
        input.Bucket,
        'website',
        'NoSuchWebsiteConfiguration',
        'The specified bucket does not have a website configuration',
      );
    },
    deleteBucketWebsite(_ctx, input) {
      remove(state, input.Bucket, 'website');
    },

    putBucketLifecycleConfiguration(_ctx, input) {
      put(state, input.Bucket, 'lifecycle', checkLifecycleConfiguration(input.LifecycleConfiguration));
      return {};
    },
    getBucketLifecycleConfiguration(_ctx, input) {
      return required<T.GetBucketLifecycleConfigurationOutput>(
        state,
        input.Bucket,
        'lifecycle',
        'NoSuchLifecycleConfiguration',
        'The lifecycle configuration does not exist',
      );
    },
    deleteBucketLifecycle(_ctx, input) {
      remove(state, input.Bucket, 'lifecycle');
    },

    putBucketEncryption(_ctx, input) {
      const rules = input.ServerSideEncryptionConfiguration?.Rules ?? [];
      if (rules.length === 0) throw malformedXml();
      put(state, input.Bucket, 'encryption', input.ServerSideEncryptionConfiguration);
    },
    getBucketEncryption(_ctx, input) {
      state.bucket(input.Bucket);
      return {
        ServerSideEncryptionConfiguration:
          state.store.config<T.ServerSideEncryptionConfiguration>(input.Bucket, 'encryption') ?? defaultEncryption,
      };
    },
    deleteBucketEncryption(_ctx, input) {
      remove(state, input.Bucket, 'encryption');
    },

    putPublicAccessBlock(_ctx, input) {
      put(state, input.Bucket, 'public-access-block', input.PublicAccessBlockConfiguration);
    },
    getPublicAccessBlock(_ctx, input) {
      state.bucket(input.Bucket);
      const config = state.store.config<T.PublicAccessBlockConfiguration | null>(input.Bucket, 'public-access-block');
      if (config === null) {
        throw configNotFound(
          'NoSuchPublicAccessBlockConfiguration',
          'The public access block configuration was not found',
          input.Bucket,
        );
      }
      return { PublicAccessBlockConfiguration: config ?? defaultPublicAccessBlock };
    },
    deletePublicAccessBlock(_ctx, input) {
      // Deleting leaves the bucket with none at all, not with the default.
      put(state, input.Bucket, 'public-access-block', null);
    },

    putBucketOwnershipControls(_ctx, input) {
      put(state, input.Bucket, 'ownership', input.OwnershipControls);
    },
    getBucketOwnershipControls(_ctx, input) {
      state.bucket(input.Bucket);
      const config = state.store.config<T.OwnershipControls | null>(input.Bucket, 'ownership');
      if (config === null) {
        throw configNotFound(
          'OwnershipControlsNotFoundError',
          'The bucket ownership controls were not found',
          input.Bucket,
        );
      }
      return { OwnershipControls: config ?? defaultOwnership };
    },
    deleteBucketOwnershipControls(_ctx, input) {
      put(state, input.Bucket, 'ownership', null);
    },

    getBucketAcl(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      return state.store.config<T.AccessControlPolicy>(input.Bucket, 'acl') ?? fullControl(bucket.account);
    },
    putBucketAcl(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      put(state, input.Bucket, 'acl', input.AccessControlPolicy ?? fullControl(bucket.account));
    },

    putBucketVersioning(_ctx, input) {
      state.bucket(input.Bucket);
      const status = input.VersioningConfiguration?.Status;
      if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
      state.store.setVersioning(input.Bucket, status);
    },
    getBucketVersioning(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      return bucket.versioning ? { Status: bucket.versioning } : {};
    },

    async putBucketNotificationConfiguration(ctx, input) {
      state.bucket(input.Bucket);
      const config = input.NotificationConfiguration ?? {};
      await checkDestinations(state, config);
      state.store.transaction(() => {
        state.bucket(input.Bucket);
        state.store.setConfig(input.Bucket, 'notification', config);
      });
      if (!input.SkipDestinationValidation) testEvent(state, ctx, input.Bucket, config);
    },
    getBucketNotificationConfiguration(_ctx, input) {
      state.bucket(input.Bucket);
      return state.store.config<T.NotificationConfiguration>(input.Bucket, 'notification') ?? {};
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
