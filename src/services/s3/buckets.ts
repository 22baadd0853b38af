/**
 * Buckets: create (name rules, LocationConstraint rules, the global namespace), head, list,
 * delete, location.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
import { errorType } from '../../errors/aws-error.js';
import model from '../../generated/s3/model.js';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { checkBucketTags, creationAcl, objectOwnerships, ownedBucket } from './bucket-configs.js';
import {
  bucketAlreadyExists,
  bucketAlreadyOwnedByYou,
  bucketNotEmpty,
  invalidArgument,
  invalidBucketName,
  s3Error,
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

/** The LocationConstraint values S3 knows (the model's enum); `EU` is eu-west-1's old name. */
const locationConstraints: ReadonlySet<string> = new Set(
  (model as { shapes: Record<string, { enum?: string[] }> }).shapes.BucketLocationConstraint?.enum ?? [],
);
const regions: ReadonlySet<string> = new Set([...locationConstraints, 'us-east-1'].filter((name) => name !== 'EU'));

const IllegalLocationConstraint = errorType('IllegalLocationConstraintException', 400);

const invalidLocationConstraint = (constraint: string) =>
  s3Error('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid', {
    LocationConstraint: constraint,
  });

const regionOfConstraint = (constraint: string) => (constraint === 'EU' ? 'eu-west-1' : constraint);

/**
 * The region a CreateBucket puts the bucket in, by AWS's LocationConstraint rules
 * (test_s3 test_different_location_constraint, test_create_bucket_with_invalid_location_constraint):
 * a regional endpoint takes only its own region; the us-east-1 endpoint takes none, or any
 * valid constraint but its own ("the request goes to the us-east-1 Region ... even if the
 * location constraint in the request specifies another Region", API_CreateBucket.html).
 */
function bucketRegion(requestRegion: string, constraint: string | undefined): string {
  if (constraint === undefined || constraint === '') {
    if (requestRegion === 'us-east-1') return requestRegion;
    throw new IllegalLocationConstraint(
      'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    );
  }
  if (requestRegion === 'us-east-1') {
    if (!locationConstraints.has(constraint)) throw invalidLocationConstraint(constraint);
    return regionOfConstraint(constraint);
  }
  if (regionOfConstraint(constraint) !== requestRegion) {
    throw new IllegalLocationConstraint(
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  return requestRegion;
}

export function bucketArn(ctx: RequestContext, name: string): string {
  return `arn:${ctx.partition}:s3:::${name}`;
}

/**
 * The Location of a bucket made outside us-east-1: AWS names its global virtual host
 * (`http://{bucket}.s3.amazonaws.com/`, test_s3 test_create_bucket_head_bucket); here the local
 * virtual host on the port the request came to.
 */
function virtualHostLocation(ctx: RequestContext, bucket: string): string {
  const port = /:(\d+)$/.exec(ctx.endpoint)?.[1];
  return `http://${bucket}.s3.localhost${port ? `:${port}` : ''}/`;
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
      if (input.ObjectOwnership !== undefined && !objectOwnerships.has(input.ObjectOwnership)) {
        throw invalidArgument(
          `Invalid x-amz-object-ownership header: ${input.ObjectOwnership}`,
          'x-amz-object-ownership',
          input.ObjectOwnership,
        );
      }
      const config = input.CreateBucketConfiguration;
      const constraint = config?.LocationConstraint as string | undefined;
      const region = bucketRegion(ctx.region, constraint);
      const tags = config?.Tags ? checkBucketTags(config.Tags, 'create') : [];
      const acl = creationAcl(input, ctx.account);
      const out: T.CreateBucketOutput = {
        Location: region === 'us-east-1' ? `/${input.Bucket}` : virtualHostLocation(ctx, input.Bucket),
        BucketArn: bucketArn(ctx, input.Bucket),
      };
      const existing = state.store.bucket(input.Bucket);
      if (existing) {
        if (existing.account !== ctx.account) throw bucketAlreadyExists(input.Bucket);
        // In us-east-1, creating a bucket you already own succeeds and changes nothing, unless
        // it brings tags (test_s3_api test_create_bucket_with_tags_us_east_1_idempotency).
        if (existing.region === 'us-east-1' && region === 'us-east-1' && tags.length === 0) return out;
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
      // GetBucketLocation answers the constraint as given: `EU` stays `EU` (test_s3
      // test_create_bucket_with_eu_location_constraint).
      if (constraint === 'EU') state.store.setConfig(input.Bucket, 'location-constraint', constraint);
      if (tags.length > 0) state.store.setConfig(input.Bucket, 'tagging', { TagSet: tags });
      if (acl) state.store.setConfig(input.Bucket, 'acl', acl);
      if (input.ObjectOwnership) {
        state.store.setConfig(input.Bucket, 'ownership', { Rules: [{ ObjectOwnership: input.ObjectOwnership }] });
      }
      return out;
    },

    headBucket(ctx, input) {
      const bucket = ownedBucket(state, input.Bucket, input.ExpectedBucketOwner);
      return { BucketArn: bucketArn(ctx, bucket.name), BucketRegion: bucket.region, AccessPointAlias: false };
    },

    deleteBucket(_ctx, input) {
      const bucket = ownedBucket(state, input.Bucket, input.ExpectedBucketOwner);
      if (state.store.hasObjects(input.Bucket)) {
        // A bucket that ever had versioning also counts its versions and delete markers
        // (test_s3_api test_delete_versioned_bucket_with_objects).
        if (bucket.versioning === null) throw bucketNotEmpty(input.Bucket);
        throw s3Error(
          'BucketNotEmpty',
          409,
          'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
          { BucketName: input.Bucket },
        );
      }
      state.store.deleteBucket(input.Bucket);
    },

    getBucketLocation(_ctx, input) {
      const bucket = ownedBucket(state, input.Bucket, input.ExpectedBucketOwner);
      // us-east-1's LocationConstraint is null (an empty element on the wire).
      if (bucket.region === 'us-east-1') return {};
      const constraint = state.store.config<string>(bucket.name, 'location-constraint') ?? bucket.region;
      return { LocationConstraint: constraint as T.BucketLocationConstraint };
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
      // test_s3_list_operations test_list_buckets_region_validation: no ArgumentValue.
      if (input.BucketRegion !== undefined && !regions.has(input.BucketRegion)) {
        const error = invalidArgument(`Argument value ${input.BucketRegion} is not a valid AWS Region`);
        error.members.ArgumentName = 'bucket-region';
        throw error;
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
          BucketArn: bucketArn(ctx, row.name),
        })),
        Owner: ownerOf(ctx.account),
      };
      if (input.Prefix !== undefined) out.Prefix = input.Prefix;
      if (rows.length > limit) out.ContinuationToken = encodeToken(page[page.length - 1]?.name ?? '');
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
