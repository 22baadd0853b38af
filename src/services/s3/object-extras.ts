/**
 * What hangs off an object version besides its bytes: its tag set, its ACL (the owner's full
 * control; Nimbus keeps a given ACL but enforces none), its attributes, and the CORS preflight
 * for its key.
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { preflightAnswer } from './cors.js';
import { findObject, versionOutput } from './objects.js';
import { httpDate, ownerOf, type S3State } from './state.js';
import { checkTagSet } from './tagging.js';

export function objectExtraOperations(state: S3State) {
  return {
    getObjectTagging(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'GET');
      const out: T.GetObjectTaggingOutput = { TagSet: row.tags ? (JSON.parse(row.tags) as T.Tag[]) : [] };
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      return out;
    },

    putObjectTagging(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'PUT');
      state.store.setTags(row, JSON.stringify(checkTagSet(input.Tagging?.TagSet ?? [], 10)));
      const out: T.PutObjectTaggingOutput = {};
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      return out;
    },

    deleteObjectTagging(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'DELETE');
      state.store.setTags(row, null);
      const out: T.DeleteObjectTaggingOutput = {};
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      return out;
    },

    getObjectAcl(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'GET');
      const owner = ownerOf(row.owner);
      return {
        Owner: owner,
        Grants: [{ Grantee: { ID: owner.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
      };
    },

    putObjectAcl(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      findObject(state, bucket, input.Key, input.VersionId, 'PUT');
      return {};
    },

    getObjectAttributes(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'GET');
      const wanted = new Set(input.ObjectAttributes);
      const out: T.GetObjectAttributesOutput = { LastModified: httpDate(row.last_modified) };
      const version = versionOutput(bucket, row.version_id);
      if (version) out.VersionId = version;
      if (wanted.has('ETag') && row.etag) out.ETag = row.etag.replace(/"/g, '');
      if (wanted.has('ObjectSize')) out.ObjectSize = row.size;
      if (wanted.has('StorageClass')) out.StorageClass = row.storage_class as T.StorageClass;
      if (wanted.has('Checksum') && row.checksum) {
        const checksum = JSON.parse(row.checksum) as { algorithm: string; value: string; type?: string };
        out.Checksum = {
          [`Checksum${checksum.algorithm}`]: checksum.value,
          ChecksumType: (checksum.type ?? 'FULL_OBJECT') as T.ChecksumType,
        };
      }
      if (wanted.has('ObjectParts') && row.parts) {
        const parts = JSON.parse(row.parts) as number[];
        out.ObjectParts = {
          TotalPartsCount: parts.length,
          PartNumberMarker: 0,
          NextPartNumberMarker: parts.length,
          MaxParts: 1000,
          IsTruncated: false,
          Parts: parts.map((size, index) => ({ PartNumber: index + 1, Size: size })),
        };
      }
      return out;
    },

    optionsObject(_ctx, input) {
      state.bucket(input.Bucket);
      return preflightAnswer(state.store.config<T.CORSConfiguration>(input.Bucket, 'cors'), {
        origin: input.Origin,
        method: input.AccessControlRequestMethod,
        headers: input.AccessControlRequestHeaders,
      });
    },

    optionsBucket(_ctx, input) {
      state.bucket(input.Bucket);
      return preflightAnswer(state.store.config<T.CORSConfiguration>(input.Bucket, 'cors'), {
        origin: input.Origin,
        method: input.AccessControlRequestMethod,
        headers: input.AccessControlRequestHeaders,
      });
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
