/**
 * Buckets: create (name rules, LocationConstraint rules, the global namespace), head, list,
 * delete, location.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
import { errorType } from '../../errors/aws-error.js';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import {
  bucketAlreadyExists,
  bucketAlreadyOwnedByYou,
  bucketNotEmpty,
  invalidArgument,
  invalidBucketName,
} from './errors.js';
import { ownerOf, type S3State } from './state.js';

const namePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ipAddress = /^\d+\.\d+\.\d+\.\d+$/;
const reservedPrefixes = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const reservedSuffixes = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export function checkBucketName(name: string): void {
  if (
    !namePattern.test(name) ||
    name.includes('..') ||
    name.includes('.-') ||
    name.includes('-.') ||
    ipAddress.test(name) ||
    reservedPrefixes.some((prefix) => name.startsWith(prefix)) ||
    reservedSuffixes.some((suffix) => name.endsWith(suffix))
  ) {
    throw invalidBucketName(name);
  }
}

const IllegalLocationConstraint = errorType('IllegalLocationConstraintException', 400);
const InvalidLocationConstraint = errorType('InvalidLocationConstraint', 400);

/** The region a CreateBucket puts the bucket in, by AWS's LocationConstraint rules. */
function bucketRegion(requestRegion: string, constraint: string | undefined): string {
  if (constraint === undefined || constraint === '') {
    if (requestRegion === 'us-east-1') return requestRegion;
    throw new IllegalLocationConstraint(
      'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    );
  }
  // us-east-1 has no LocationConstraint of its own: naming it is invalid.
  if (constraint === 'us-east-1') {
    throw new InvalidLocationConstraint('The specified location-constraint is not valid', {
      LocationConstraint: constraint,
    });
  }
  const region = constraint === 'EU' ? 'eu-west-1' : constraint;
  if (region !== requestRegion) {
    throw new IllegalLocationConstraint(
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  return region;
}

function encodeToken(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[a-z0-9.-]*$/.test(name)) throw invalidArgument('The continuation token provided is incorrect');
  return name;
}

export function bucketOperations(state: S3State) {
  return {
    createBucket(ctx, input) {
      checkBucketName(input.Bucket);
      const constraint = input.CreateBucketConfiguration?.LocationConstraint as string | undefined;
      const region = bucketRegion(ctx.region, constraint);
      const existing = state.store.bucket(input.Bucket);
      if (existing) {
        if (existing.account !== ctx.account) throw bucketAlreadyExists(input.Bucket);
        // In us-east-1, creating a bucket you already own succeeds and changes nothing.
        if (existing.region === 'us-east-1' && region === 'us-east-1') return { Location: `/${input.Bucket}` };
        throw bucketAlreadyOwnedByYou(input.Bucket);
      }
      state.store.insertBucket({
        name: input.Bucket,
        account: ctx.account,
        region,
        created_at: state.now(),
        versioning: input.ObjectLockEnabledForBucket ? 'Enabled' : null,
        object_lock: input.ObjectLockEnabledForBucket ? 1 : 0,
      });
      if (input.ObjectOwnership) {
        state.store.setConfig(input.Bucket, 'ownership', { Rules: [{ ObjectOwnership: input.ObjectOwnership }] });
      }
      return { Location: region === 'us-east-1' ? `/${input.Bucket}` : `http://${input.Bucket}.s3.localhost/` };
    },

    headBucket(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      return { BucketRegion: bucket.region, AccessPointAlias: false };
    },

    deleteBucket(_ctx, input) {
      state.bucket(input.Bucket);
      if (state.store.hasObjects(input.Bucket)) throw bucketNotEmpty(input.Bucket);
      state.store.deleteBucket(input.Bucket);
    },

    getBucketLocation(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      // us-east-1's LocationConstraint is null (an empty element on the wire).
      return bucket.region === 'us-east-1' ? {} : { LocationConstraint: bucket.region as T.BucketLocationConstraint };
    },

    listBuckets(ctx, input) {
      const max = input.MaxBuckets;
      if (max !== undefined && (max < 1 || max > 10000)) {
        throw invalidArgument(
          'Argument max-buckets must be an integer between 1 and 10000',
          'max-buckets',
          String(max),
        );
      }
      const after = input.ContinuationToken ? decodeToken(input.ContinuationToken) : '';
      const limit = max ?? 10000;
      const rows = state.store.bucketsOf(ctx.account, input.Prefix ?? '', after, limit + 1, input.BucketRegion);
      const page = rows.slice(0, limit);
      const out: T.ListBucketsOutput = {
        Buckets: page.map((row) => ({
          Name: row.name,
          CreationDate: new Date(row.created_at),
          BucketRegion: row.region,
        })),
        Owner: ownerOf(ctx.account),
      };
      if (input.Prefix !== undefined) out.Prefix = input.Prefix;
      if (rows.length > limit) out.ContinuationToken = encodeToken(page[page.length - 1]?.name ?? '');
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
