/**
 * CopyObject and UploadPartCopy: the source named by `x-amz-copy-source` (`bucket/key`,
 * URL-encoded, optionally `?versionId=`), its conditions (`x-amz-copy-source-if-*`, all 412),
 * and the metadata directive: COPY keeps the source's metadata and headers, REPLACE takes the
 * request's. Copying an object onto itself changes nothing and is refused unless something
 * (metadata, storage class, website redirect, encryption) is replaced.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { checkReadConditions, parseRange } from './conditions.js';
import { invalidArgument, invalidRange, invalidRequest, noSuchUpload } from './errors.js';
import { objectEvent } from './notifications.js';
import { headersOf, metadataOf } from './object-headers.js';
import { readBlobs, writeBlob } from './object-io.js';
import { blobsOf, findObject, storeVersion, versionOutput } from './objects.js';
import { httpDate, type S3State } from './state.js';
import type { ObjectRow } from './store.js';
import { parseTagging } from './tagging.js';

interface CopySource {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

export function parseCopySource(header: string): CopySource {
  const [path = '', query = ''] = header.split('?', 2);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', header);
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument('Invalid copy source object key', 'x-amz-copy-source', header);
  }
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

const copyConditionNames = { match: 'x-amz-copy-source-If-Match', unmodified: 'x-amz-copy-source-If-Unmodified-Since' };

function sourceOf(
  state: S3State,
  header: string,
  conditions: { IfMatch?: string; IfNoneMatch?: string; IfModifiedSince?: Date; IfUnmodifiedSince?: Date },
): { source: CopySource; row: ObjectRow } {
  const source = parseCopySource(header);
  const bucket = state.bucket(source.bucket);
  const row = findObject(state, bucket, source.key, source.versionId, 'GET');
  checkReadConditions(conditions, row.etag ?? '', row.last_modified, copyConditionNames, 'copy');
  return { source, row };
}

export function copyOperations(state: S3State) {
  return {
    async copyObject(ctx, input) {
      const target = state.bucket(input.Bucket);
      const { source, row } = sourceOf(state, input.CopySource, {
        IfMatch: input.CopySourceIfMatch,
        IfNoneMatch: input.CopySourceIfNoneMatch,
        IfModifiedSince: input.CopySourceIfModifiedSince,
        IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
      });
      const replace = input.MetadataDirective === 'REPLACE';
      const sameObject = source.bucket === input.Bucket && source.key === input.Key && source.versionId === undefined;
      if (
        sameObject &&
        !replace &&
        input.StorageClass === undefined &&
        input.WebsiteRedirectLocation === undefined &&
        input.ServerSideEncryption === undefined
      ) {
        throw invalidRequest(
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        );
      }
      const written = await writeBlob(state.blobs, readBlobs(state.blobs, blobsOf(row)), undefined);
      const tags =
        input.TaggingDirective === 'REPLACE'
          ? input.Tagging !== undefined
            ? JSON.stringify(parseTagging(input.Tagging))
            : null
          : row.tags;
      const etag = row.parts ? `"${written.md5Hex}"` : (row.etag ?? `"${written.md5Hex}"`);
      const now = state.now();
      const versionId = state.store.transaction(() => {
        const bucket = state.bucket(target.name);
        const id = storeVersion(state, bucket, {
          bucket: bucket.name,
          key: input.Key,
          delete_marker: 0,
          size: written.size,
          etag,
          blobs: JSON.stringify([[written.blobId, written.size]]),
          last_modified: now,
          owner: ctx.account,
          metadata: replace ? metadataOf(input.Metadata) : row.metadata,
          headers: replace ? JSON.stringify(headersOf(input)) : row.headers,
          storage_class: input.StorageClass ?? row.storage_class,
          checksum: row.parts ? null : row.checksum,
          tags,
          parts: null,
        });
        objectEvent(state, ctx, bucket, 'ObjectCreated:Copy', {
          key: input.Key,
          size: written.size,
          etag,
          versionId: id,
        });
        return id;
      });
      const out: T.CopyObjectOutput = {
        CopyObjectResult: { ETag: etag, LastModified: httpDate(now) },
        ServerSideEncryption: 'AES256',
      };
      const version = versionOutput(state.bucket(target.name), versionId);
      if (version) out.VersionId = version;
      const sourceBucket = state.bucket(source.bucket);
      if (sourceBucket.versioning !== null) out.CopySourceVersionId = row.version_id;
      return out;
    },

    async uploadPartCopy(_ctx, input) {
      state.bucket(input.Bucket);
      const upload = state.store.upload(input.UploadId);
      if (!upload || upload.bucket !== input.Bucket || upload.key !== input.Key) throw noSuchUpload(input.UploadId);
      const { row } = sourceOf(state, input.CopySource, {
        IfMatch: input.CopySourceIfMatch,
        IfNoneMatch: input.CopySourceIfNoneMatch,
        IfModifiedSince: input.CopySourceIfModifiedSince,
        IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
      });
      let range: { start: number; end: number } | undefined;
      if (input.CopySourceRange !== undefined) {
        const parsed = parseRange(input.CopySourceRange, row.size);
        if (parsed === 'unsatisfiable' || parsed === undefined) throw invalidRange(input.CopySourceRange, row.size);
        range = parsed;
      }
      const written = await writeBlob(state.blobs, readBlobs(state.blobs, blobsOf(row), range), undefined);
      const etag = `"${written.md5Hex}"`;
      const now = state.now();
      const replaced = state.store.transaction(() => {
        const current = state.store.upload(input.UploadId);
        if (!current) throw noSuchUpload(input.UploadId);
        return state.store.putPart({
          upload_id: input.UploadId,
          part_number: input.PartNumber,
          size: written.size,
          etag,
          blob_id: written.blobId,
          checksum: null,
          last_modified: now,
        });
      });
      if (replaced) state.dropBlobIds([replaced.blob_id]);
      return { CopyPartResult: { ETag: etag, LastModified: httpDate(now) }, ServerSideEncryption: 'AES256' };
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
