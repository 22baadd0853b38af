/**
 * What hangs off an object version besides its bytes: its tag set, its ACL (kept and answered,
 * enforced nowhere; with the bucket default BucketOwnerEnforced only the owner's full control
 * can be set), its attributes, and the CORS preflight for its key.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { type AclRequest, groupGrant, groups, isPublic, requestedGrants, userGrant } from './acl.js';
import { bucketNotFoundForPreflight, type CorsRequest, preflightAnswer } from './cors.js';
import { accessDenied, invalidArgument, noSuchKey, s3Error } from './errors.js';
import type { StoredHeaders } from './object-headers.js';
import { checksumMembers, findObject, versionOutput } from './objects.js';
import { httpDate, ownerOf, type S3State } from './state.js';
import type { BucketRow, ObjectRow } from './store.js';
import { checkTagSet } from './tagging.js';

// ACL

const cannedAcls: ReadonlySet<string> = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);

/** The grants of a canned ACL on an object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl). */
function cannedGrants(acl: string, ownerId: string, bucketOwnerId: string): T.Grant[] {
  // An empty Message is what S3 sends for an unknown canned ACL (test_s3_object_acl_exceptions).
  if (!cannedAcls.has(acl)) throw invalidArgument('', 'x-amz-acl', acl);
  const grants = [userGrant(ownerId, 'FULL_CONTROL')];
  if (acl === 'public-read' || acl === 'public-read-write') grants.push(groupGrant(groups.AllUsers, 'READ'));
  if (acl === 'public-read-write') grants.push(groupGrant(groups.AllUsers, 'WRITE'));
  if (acl === 'authenticated-read') grants.push(groupGrant(groups.AuthenticatedUsers, 'READ'));
  if (bucketOwnerId !== ownerId && acl === 'bucket-owner-read') grants.push(userGrant(bucketOwnerId, 'READ'));
  if (bucketOwnerId !== ownerId && acl === 'bucket-owner-full-control') {
    grants.push(userGrant(bucketOwnerId, 'FULL_CONTROL'));
  }
  return grants;
}

type AclInput = Partial<Pick<T.PutObjectAclRequest, 'ACL' | 'AccessControlPolicy'>> & AclRequest;

/**
 * The grants a request asks for, by exactly one of a canned ACL, grant headers or a document;
 * undefined when it names none (`required`: PutObjectAcl, where that is MissingSecurityHeader).
 * Then refused where the bucket would refuse them: BucketOwnerEnforced takes only the owner's full
 * control, and BlockPublicAcls (the default) no public grant.
 */
export function requestedAcl(
  state: S3State,
  bucket: BucketRow,
  account: string,
  input: AclInput,
  required: boolean,
): T.Grant[] | undefined {
  const ownerId = ownerOf(account).ID;
  const bucketOwnerId = ownerOf(bucket.account).ID;
  const grants = requestedGrants(input, (acl) => cannedGrants(acl, ownerId, bucketOwnerId), required);
  if (!grants) return undefined;
  const ownership = state.store.config<T.OwnershipControls | null>(bucket.name, 'ownership');
  const enforced =
    (ownership === undefined ? 'BucketOwnerEnforced' : ownership?.Rules[0]?.ObjectOwnership) === 'BucketOwnerEnforced';
  const ownerOnly = grants.every((grant) => grant.Permission === 'FULL_CONTROL' && grant.Grantee?.ID === bucketOwnerId);
  if (enforced && !ownerOnly) throw s3Error('AccessControlListNotSupported', 400, 'The bucket does not allow ACLs');
  const block = state.store.config<T.PublicAccessBlockConfiguration | null>(bucket.name, 'public-access-block');
  const blocksPublic = block === undefined ? true : Boolean(block?.BlockPublicAcls);
  if (blocksPublic && grants.some(isPublic)) throw accessDenied();
  return grants;
}

function aclOf(row: ObjectRow): T.Grant[] {
  const headers = row.headers ? (JSON.parse(row.headers) as StoredHeaders) : {};
  return headers.Acl ?? [userGrant(ownerOf(row.owner).ID, 'FULL_CONTROL')];
}

/**
 * A CORS preflight of a key or of the bucket URL: a missing Origin is 400 even for a missing
 * bucket, and a missing bucket is 403 `Bucket not found` (test_s3_cors
 * test_cors_http_options_non_existent_bucket, test_cors_match_origins opt-no-origin).
 */
function preflight(
  state: S3State,
  input: { Bucket: string; Origin?: string; AccessControlRequestMethod?: string; AccessControlRequestHeaders?: string },
  resourceType: 'BUCKET' | 'OBJECT',
): T.OptionsObjectOutput {
  const request: CorsRequest = {
    origin: input.Origin,
    method: input.AccessControlRequestMethod,
    headers: input.AccessControlRequestHeaders,
    resourceType,
  };
  if (!state.store.bucket(input.Bucket)) bucketNotFoundForPreflight(request);
  return preflightAnswer(state.store.config<T.CORSConfiguration>(input.Bucket, 'cors'), request);
}

export function objectExtraOperations(state: S3State) {
  return {
    getObjectTagging(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      let row: ObjectRow;
      try {
        row = findObject(state, bucket, input.Key, input.VersionId, 'GET', 'method');
      } catch (error) {
        // GetObjectTagging alone names the bucket too (test_object_tagging_exc get-no-key-tags).
        if ((error as { code?: string }).code === 'NoSuchKey') throw noSuchKey(`${bucket.name}/${input.Key}`);
        throw error;
      }
      const out: T.GetObjectTaggingOutput = { TagSet: row.tags ? (JSON.parse(row.tags) as T.Tag[]) : [] };
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      return out;
    },

    putObjectTagging(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'PUT', 'method');
      const tags = checkTagSet(input.Tagging?.TagSet ?? [], 10, 'object');
      state.store.setTags(row, tags.length > 0 ? JSON.stringify(tags) : null);
      const out: T.PutObjectTaggingOutput = {};
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      return out;
    },

    deleteObjectTagging(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'DELETE', 'method');
      state.store.setTags(row, null);
      const out: T.DeleteObjectTaggingOutput = {};
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      return out;
    },

    getObjectAcl(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'GET');
      const out: T.GetObjectAclOutput = { Owner: ownerOf(row.owner), Grants: aclOf(row) };
      return out;
    },

    putObjectAcl(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'PUT', 'method');
      const grants = requestedAcl(state, bucket, row.owner, input, true) ?? [];
      const headers = row.headers ? (JSON.parse(row.headers) as StoredHeaders) : {};
      headers.Acl = grants;
      state.store.setHeaders(row, JSON.stringify(headers));
      const out: T.PutObjectAclOutput = {};
      return out;
    },

    getObjectAttributes(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'GET');
      // `x-amz-object-attributes: ETag, Checksum` (spaces after commas) is accepted
      // (test_get_object_attributes_with_space).
      const wanted = new Set(
        input.ObjectAttributes.flatMap((name) => String(name).split(',')).map((name) => name.trim()),
      );
      const out: T.GetObjectAttributesOutput = { LastModified: httpDate(row.last_modified) };
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      if (wanted.has('ETag') && row.etag) out.ETag = row.etag.replace(/"/g, '');
      if (wanted.has('ObjectSize')) out.ObjectSize = row.size;
      if (wanted.has('StorageClass')) out.StorageClass = row.storage_class as T.StorageClass;
      if (wanted.has('Checksum') && row.checksum) {
        const checksum = JSON.parse(row.checksum) as { algorithm: string; value: string; type?: string };
        // A composite checksum has no -N part count here, though GET and HEAD show one
        // (test_complete_multipart_parts_checksum_composite get-object-attrs).
        out.Checksum = checksumMembers({ ...checksum, value: checksum.value.replace(/-\d+$/, '') }) as T.Checksum;
      }
      if (wanted.has('ObjectParts') && row.parts) {
        const parts = JSON.parse(row.parts) as number[];
        out.ObjectParts = { TotalPartsCount: parts.length };
      }
      return out;
    },

    optionsObject(_ctx, input) {
      return preflight(state, input, 'OBJECT');
    },

    optionsBucket(_ctx, input) {
      return preflight(state, input, 'BUCKET');
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
