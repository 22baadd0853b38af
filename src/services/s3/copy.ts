/**
 * CopyObject and UploadPartCopy: the source named by `x-amz-copy-source` (`bucket/key`,
 * URL-encoded, optionally `?versionId=`), its conditions (`x-amz-copy-source-if-*`, all 412),
 * the destination's conditions (If-Match / If-None-Match, as PutObject), and the directives:
 * metadata COPY keeps the source's user metadata and representation headers, REPLACE takes the
 * request's; tagging COPY keeps the source's tags, REPLACE the request's. The storage class is
 * never copied, and the checksum is the source's algorithm over the copied bytes unless the
 * request names another. Copying an object onto itself changes nothing and is refused unless
 * something (metadata, storage class, website redirect, encryption, checksum) is replaced.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { type ChecksumAlgorithm, parseChecksumAlgorithm } from './checksums.js';
import { type ByteRange, checkReadConditions, checkWriteConditions } from './conditions.js';
import { invalidArgument, invalidRequest, noSuchUpload } from './errors.js';
import { objectEvent } from './notifications.js';
import { requestedAcl } from './object-extras.js';
import { headersOf, metadataOf, type StoredHeaders } from './object-headers.js';
import { writeBlob } from './object-io.js';
import { newVersionLock, requestedLock } from './object-lock.js';
import {
  checkReadable,
  checksumMembers,
  findObject,
  liveObject,
  objectBody,
  storageClassOf,
  storeVersion,
  versionOutput,
} from './objects.js';
import { httpDate, type S3State } from './state.js';
import type { ObjectRow } from './store.js';
import { parseTagging } from './tagging.js';

/** The largest object CopyObject copies in one request (https://docs.aws.amazon.com/AmazonS3/latest/userguide/copy-object.html). */
const maxCopySize = 5 * 1024 ** 3;

interface CopySource {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

/**
 * `bucket/key[?versionId=id]`, URL-encoded, a leading `/` allowed; `+` stands for a space, as
 * in a form (test_copy_object_special_character_plus_for_space). S3 names the header, not its
 * value, in the error of a source it cannot parse (test_s3_copy_object_wrong_format).
 */
export function parseCopySource(header: string): CopySource {
  const question = header.indexOf('?');
  const path = question < 0 ? header : header.slice(0, question);
  const query = question < 0 ? '' : header.slice(question + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, '').replace(/\+/g, ' '));
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', 'x-amz-copy-source');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument('Invalid copy source object key', 'x-amz-copy-source', 'x-amz-copy-source');
  }
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

interface SourceConditions {
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date;
  CopySourceIfUnmodifiedSince?: Date;
}

/**
 * The source version a copy reads. A delete marker named by version id is InvalidRequest; as the
 * current version it is NoSuchKey (test_s3_copy_object_src_not_exists).
 */
function sourceOf(
  state: S3State,
  header: string,
  conditions: SourceConditions,
): { source: CopySource; row: ObjectRow } {
  const source = parseCopySource(header);
  const bucket = state.bucket(source.bucket);
  if (source.versionId !== undefined) {
    const marker = state.store.version(bucket.name, source.key, source.versionId);
    if (marker?.delete_marker === 1) {
      throw invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.');
    }
  }
  const row = findObject(state, bucket, source.key, source.versionId, 'GET');
  checkReadConditions(
    {
      IfMatch: conditions.CopySourceIfMatch,
      IfNoneMatch: conditions.CopySourceIfNoneMatch,
      IfModifiedSince: conditions.CopySourceIfModifiedSince,
      IfUnmodifiedSince: conditions.CopySourceIfUnmodifiedSince,
    },
    row.etag ?? '',
    row.last_modified,
    state.now(),
    'copy',
  );
  checkReadable(row);
  return { source, row };
}

/**
 * Whether a copy onto its own source changes anything S3 counts: REPLACE, a storage class, a
 * website redirect, encryption or a checksum algorithm, even with the values the object already
 * has; or a bucket whose default encryption was configured explicitly (test_s3_copy_object_in_place*,
 * test_copy_in_place_with_bucket_encryption). Metadata without REPLACE, or an ACL, does not count.
 */
function changesSomething(state: S3State, input: T.CopyObjectRequest): boolean {
  return (
    input.MetadataDirective === 'REPLACE' ||
    input.StorageClass !== undefined ||
    input.WebsiteRedirectLocation !== undefined ||
    input.ServerSideEncryption !== undefined ||
    input.SSEKMSKeyId !== undefined ||
    input.ChecksumAlgorithm !== undefined ||
    Boolean(state.store.config(input.Bucket, 'encryption'))
  );
}

/**
 * The representation headers of the copy: the source's (COPY) or the request's (REPLACE). The
 * source's ACL is never copied; the request's applies (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
 */
function copiedHeaders(
  row: ObjectRow,
  input: T.CopyObjectRequest,
  replace: boolean,
  acl: T.Grant[] | undefined,
): string {
  const headers: StoredHeaders = replace
    ? headersOf(input)
    : row.headers
      ? (JSON.parse(row.headers) as StoredHeaders)
      : {};
  // A redirect given with the copy applies whatever the directive (test_s3_copy_object_in_place_website_redirect_location).
  if (input.WebsiteRedirectLocation !== undefined) headers.WebsiteRedirectLocation = input.WebsiteRedirectLocation;
  delete headers.Acl;
  if (acl) headers.Acl = acl;
  return JSON.stringify(headers);
}

function copiedTags(row: ObjectRow, input: T.CopyObjectRequest): string | null {
  if (input.TaggingDirective !== 'REPLACE') return row.tags;
  const tags = input.Tagging !== undefined ? parseTagging(input.Tagging) : [];
  return tags.length > 0 ? JSON.stringify(tags) : null;
}

/** The algorithm of the copy's checksum: the one asked for, else the source's, else S3's default. */
function copyAlgorithm(row: ObjectRow, input: T.CopyObjectRequest): ChecksumAlgorithm {
  const asked = parseChecksumAlgorithm(input.ChecksumAlgorithm);
  if (asked) return asked;
  const stored = row.checksum
    ? parseChecksumAlgorithm((JSON.parse(row.checksum) as { algorithm: string }).algorithm)
    : undefined;
  return stored ?? 'CRC64NVME';
}

/**
 * The byte range of `x-amz-copy-source-range`: only `bytes=first-last`, inside the source
 * (test_s3_api test_upload_part_copy_range).
 */
function copySourceRange(header: string, size: number): ByteRange {
  const match = /^bytes=(\d+)-(\d+)$/.exec(header);
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start) {
    throw invalidArgument(
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      'x-amz-copy-source-range',
      header,
    );
  }
  if (start >= size) throw invalidRequest('The specified copy range is invalid for the source object size');
  if (end >= size) {
    throw invalidArgument(
      `Range specified is not valid for source object of size: ${size}`,
      'x-amz-copy-source-range',
      header,
    );
  }
  return { start, end };
}

export function copyOperations(state: S3State) {
  return {
    async copyObject(ctx, input) {
      const target = state.bucket(input.Bucket);
      const { source, row } = sourceOf(state, input.CopySource, input);
      checkWriteConditions(input, () => liveObject(state, target.name, input.Key)?.etag ?? undefined, input.Key);
      const sameObject =
        source.bucket === input.Bucket &&
        source.key === input.Key &&
        (source.versionId === undefined ||
          source.versionId === state.store.current(input.Bucket, input.Key)?.version_id);
      if (sameObject && !changesSomething(state, input)) {
        throw invalidRequest(
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        );
      }
      if (row.size > maxCopySize) {
        throw invalidRequest(
          `The specified copy source is larger than the maximum allowable size for a copy source: ${maxCopySize}`,
        );
      }
      const storageClass = storageClassOf(input.StorageClass);
      const replace = input.MetadataDirective === 'REPLACE';
      const headers = copiedHeaders(row, input, replace, requestedAcl(state, target, ctx.account, input, false));
      const tags = copiedTags(row, input);
      // The source's lock is not copied; the copy's own headers and the bucket default apply
      // (test_s3_copy_object_retention_lock, test_s3_copy_object_legal_hold).
      const lock = requestedLock(state, target, input);
      const algorithm = copyAlgorithm(row, input);
      // The copy is new bytes: a multipart source becomes one plain object, with a plain MD5 ETag
      // and a whole-object checksum (test_multipart_copy_object_etag).
      const written = await writeBlob(state.blobs, objectBody(state, row), algorithm);
      const etag = `"${written.md5Hex}"`;
      const checksum = { algorithm, value: written.checksum ?? '', type: 'FULL_OBJECT' };
      const now = state.now();
      const store = () => {
        const bucket = state.bucket(target.name);
        checkWriteConditions(input, () => liveObject(state, bucket.name, input.Key)?.etag ?? undefined, input.Key);
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
          headers,
          storage_class: storageClass,
          checksum: JSON.stringify(checksum),
          tags,
          parts: null,
          lock: newVersionLock(state, bucket, lock),
        });
        objectEvent(state, ctx, bucket, 'ObjectCreated:Copy', {
          key: input.Key,
          size: written.size,
          etag,
          versionId: id,
        });
        return { id, bucket };
      };
      let stored: ReturnType<typeof store>;
      try {
        stored = state.store.transaction(store);
      } catch (error) {
        state.dropBlobIds([written.blobId]);
        throw error;
      }
      const out: T.CopyObjectOutput = {
        CopyObjectResult: {
          ETag: etag,
          LastModified: httpDate(now),
          ...(checksumMembers(checksum) as Partial<T.CopyObjectResult>),
        },
        ServerSideEncryption: 'AES256',
      };
      const version = versionOutput(stored.bucket, stored.id);
      if (version) out.VersionId = version;
      if (row.version_id !== 'null') out.CopySourceVersionId = row.version_id;
      return out;
    },

    async uploadPartCopy(_ctx, input) {
      state.bucket(input.Bucket);
      const upload = state.store.upload(input.UploadId);
      if (!upload || upload.bucket !== input.Bucket || upload.key !== input.Key) throw noSuchUpload(input.UploadId);
      const { row } = sourceOf(state, input.CopySource, input);
      const range = input.CopySourceRange !== undefined ? copySourceRange(input.CopySourceRange, row.size) : undefined;
      const uploadAlgorithm = parseChecksumAlgorithm(upload.checksum_algorithm ?? undefined);
      // A part keeps its checksum in the upload's algorithm, or the CRC64NVME that an upload
      // without one completes with (the record UploadPart keeps, multipart.ts).
      const algorithm = uploadAlgorithm ?? 'CRC64NVME';
      const written = await writeBlob(state.blobs, objectBody(state, row, range), algorithm);
      const etag = `"${written.md5Hex}"`;
      const now = state.now();
      const value = written.checksum ?? '';
      const record = uploadAlgorithm
        ? { algorithm, value, type: 'FULL_OBJECT' }
        : { algorithm, value, type: 'FULL_OBJECT', crc64nvme: value };
      const replaced = state.store.transaction(() => {
        const current = state.store.upload(input.UploadId);
        if (!current) throw noSuchUpload(input.UploadId);
        return state.store.putPart({
          upload_id: input.UploadId,
          part_number: input.PartNumber,
          size: written.size,
          etag,
          blob_id: written.blobId,
          checksum: JSON.stringify(record),
          last_modified: now,
        });
      });
      if (replaced) state.dropBlobIds([replaced.blob_id]);
      const result: T.CopyPartResult = { ETag: etag, LastModified: httpDate(now) };
      if (uploadAlgorithm) (result as Record<string, unknown>)[`Checksum${algorithm}`] = value;
      const out: T.UploadPartCopyOutput = { CopyPartResult: result, ServerSideEncryption: 'AES256' };
      if (row.version_id !== 'null') out.CopySourceVersionId = row.version_id;
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
