/**
 * Objects: put, get, head, delete (one or many), under every versioning state.
 *
 * Versioning (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html): a bucket
 * that never enabled it keeps one version per key, the `null` version, replaced by each put;
 * an enabled bucket keeps every version and a delete without a version id adds a delete
 * marker; a suspended bucket writes and deletes the `null` version again but keeps the others.
 */
import type { Readable } from 'node:stream';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { checkReadConditions, parseRange } from './conditions.js';
import {
  invalidArgument,
  invalidRange,
  invalidVersionId,
  malformedXml,
  methodNotAllowed,
  noSuchKey,
  noSuchVersion,
  preconditionFailed,
} from './errors.js';
import { checksumAlgorithmOf, checkUploadIntegrity } from './integrity.js';
import { objectEvent } from './notifications.js';
import { headersOf, metadataOf, objectHeadersOutput, type StoredHeaders } from './object-headers.js';
import { readBlobs, writeBlob } from './object-io.js';
import { httpDate, newVersionId, type S3State } from './state.js';
import type { BucketRow, NewObject, ObjectRow } from './store.js';
import { parseTagging } from './tagging.js';

/** The largest single PUT: 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html). */
const maxSinglePut = 5 * 1024 ** 3;
const versionIdPattern = /^[A-Za-z0-9._-]{1,1024}$/;

/** The version a write creates, and the version it replaces, by the bucket's versioning state. */
export function versionFor(bucket: BucketRow): { versionId: string; replaces: string | undefined } {
  if (bucket.versioning === 'Enabled') return { versionId: newVersionId(), replaces: undefined };
  return { versionId: 'null', replaces: 'null' };
}

/** The version id a response names: none for a bucket that never enabled versioning. */
export function versionOutput(bucket: BucketRow, versionId: string): string | undefined {
  return bucket.versioning === null ? undefined : versionId;
}

/** Finds the object version a read asks for (current, or by version id), honouring delete markers. */
export function findObject(
  state: S3State,
  bucket: BucketRow,
  key: string,
  versionId: string | undefined,
  method: string,
): ObjectRow {
  if (versionId !== undefined && versionId !== 'null' && !versionIdPattern.test(versionId)) {
    throw invalidVersionId(versionId);
  }
  const row =
    versionId === undefined ? state.store.current(bucket.name, key) : state.store.version(bucket.name, key, versionId);
  if (!row) throw versionId === undefined ? noSuchKey(key) : noSuchVersion(key, versionId);
  if (row.delete_marker === 1) {
    if (versionId === undefined) {
      const error = noSuchKey(key);
      error.headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': row.version_id };
      throw error;
    }
    const error = methodNotAllowed(method, 'DeleteMarker');
    error.headers = {
      'x-amz-delete-marker': 'true',
      'x-amz-version-id': row.version_id,
      'Last-Modified': httpDate(row.last_modified).toUTCString(),
    };
    throw error;
  }
  return row;
}

export function blobsOf(row: ObjectRow): Array<[string, number]> {
  return row.blobs ? (JSON.parse(row.blobs) as Array<[string, number]>) : [];
}

/** Stores a new version of a key and drops the bytes of the version it replaced. */
export function storeVersion(state: S3State, bucket: BucketRow, object: Omit<NewObject, 'version_id'>): string {
  const { versionId, replaces } = versionFor(bucket);
  const removed = state.store.putVersion({ ...object, version_id: versionId }, replaces);
  state.dropBlobs(removed);
  return versionId;
}

function readOutput(bucket: BucketRow, row: ObjectRow, input: T.GetObjectRequest | T.HeadObjectRequest) {
  const headers = row.headers ? (JSON.parse(row.headers) as StoredHeaders) : {};
  const out: T.GetObjectOutput = {
    ...objectHeadersOutput(headers, input),
    ETag: row.etag ?? undefined,
    LastModified: httpDate(row.last_modified),
    ContentLength: row.size,
    AcceptRanges: 'bytes',
    Metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : {},
    ServerSideEncryption: 'AES256',
  };
  const version = versionOutput(bucket, row.version_id);
  if (version) out.VersionId = version;
  if (row.storage_class !== 'STANDARD') out.StorageClass = row.storage_class as T.StorageClass;
  if (row.tags) {
    const count = (JSON.parse(row.tags) as T.Tag[]).length;
    if (count > 0) out.TagCount = count;
  }
  if (row.parts) out.PartsCount = (JSON.parse(row.parts) as number[]).length;
  if (input.ChecksumMode === 'ENABLED' && row.checksum) {
    const checksum = JSON.parse(row.checksum) as { algorithm: string; value: string; type?: string };
    (out as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
    out.ChecksumType = (checksum.type ?? 'FULL_OBJECT') as T.ChecksumType;
  }
  return out;
}

/** The byte range of a read: from Range, or from PartNumber for a multipart object. */
function rangeOf(row: ObjectRow, input: T.GetObjectRequest | T.HeadObjectRequest) {
  if (input.PartNumber !== undefined) {
    const parts = row.parts ? (JSON.parse(row.parts) as number[]) : [row.size];
    if (input.PartNumber < 1 || input.PartNumber > parts.length) {
      throw invalidRange(`part ${input.PartNumber}`, row.size);
    }
    const start = parts.slice(0, input.PartNumber - 1).reduce((sum, size) => sum + size, 0);
    return { start, end: start + (parts[input.PartNumber - 1] as number) - 1, partsCount: parts.length };
  }
  const range = parseRange(input.Range, row.size);
  if (range === 'unsatisfiable') throw invalidRange(input.Range ?? '', row.size);
  return range;
}

function read(state: S3State, input: T.GetObjectRequest | T.HeadObjectRequest, method: 'GET' | 'HEAD') {
  const bucket = state.bucket(input.Bucket);
  const row = findObject(state, bucket, input.Key, input.VersionId, method);
  checkReadConditions(input, row.etag ?? '', row.last_modified);
  const out = readOutput(bucket, row, input);
  const range = rangeOf(row, input);
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${row.size}`;
  }
  return { bucket, row, out, range };
}

export function objectOperations(state: S3State) {
  return {
    async putObject(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const current = state.store.current(bucket.name, input.Key);
      const existing = current && current.delete_marker === 0 ? current : undefined;
      if (input.IfNoneMatch !== undefined && existing) throw preconditionFailed('If-None-Match');
      if (input.IfMatch !== undefined) {
        if (!existing) throw noSuchKey(input.Key);
        if (existing.etag?.replace(/"/g, '') !== input.IfMatch.replace(/"/g, '')) throw preconditionFailed('If-Match');
      }
      const headers = headersOf(input);
      const tags = input.Tagging !== undefined ? parseTagging(input.Tagging) : undefined;
      const algorithm = checksumAlgorithmOf(input);
      const written = await writeBlob(state.blobs, input.Body as Readable | undefined, algorithm, input.ContentLength);
      const checksum = await checkUploadIntegrity(state, input, written, algorithm);
      if (written.size > maxSinglePut) {
        state.dropBlobIds([written.blobId]);
        throw invalidArgument('Your proposed upload exceeds the maximum allowed size');
      }
      const etag = `"${written.md5Hex}"`;
      const versionId = state.store.transaction(() => {
        const id = storeVersion(state, state.bucket(bucket.name), {
          bucket: bucket.name,
          key: input.Key,
          delete_marker: 0,
          size: written.size,
          etag,
          blobs: JSON.stringify([[written.blobId, written.size]]),
          last_modified: state.now(),
          owner: ctx.account,
          metadata: metadataOf(input.Metadata),
          headers: JSON.stringify(headers),
          storage_class: input.StorageClass ?? 'STANDARD',
          checksum: checksum ? JSON.stringify(checksum) : null,
          tags: tags ? JSON.stringify(tags) : null,
          parts: null,
        });
        objectEvent(state, ctx, bucket, 'ObjectCreated:Put', {
          key: input.Key,
          size: written.size,
          etag,
          versionId: id,
        });
        return id;
      });
      const out: T.PutObjectOutput = { ETag: etag, ServerSideEncryption: 'AES256' };
      const version = versionOutput(state.bucket(bucket.name), versionId);
      if (version) out.VersionId = version;
      if (checksum) {
        (out as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
        out.ChecksumType = 'FULL_OBJECT';
      }
      return out;
    },

    getObject(_ctx, input) {
      const { row, out, range } = read(state, input, 'GET');
      out.Body = readBlobs(state.blobs, blobsOf(row), range) as unknown as T.GetObjectOutput['Body'];
      return out;
    },

    headObject(_ctx, input) {
      return read(state, input, 'HEAD').out as T.HeadObjectOutput;
    },

    deleteObject(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      return deleteOne(state, ctx, bucket, input.Key, input.VersionId);
    },

    deleteObjects(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const objects = input.Delete?.Objects ?? [];
      if (objects.length === 0 || objects.length > 1000) throw malformedXml();
      const out: T.DeleteObjectsOutput = {};
      const deleted: T.DeletedObject[] = [];
      const errors: T.Error[] = [];
      for (const object of objects) {
        try {
          const result = deleteOne(state, ctx, bucket, object.Key, object.VersionId);
          const entry: T.DeletedObject = { Key: object.Key };
          if (object.VersionId !== undefined) entry.VersionId = object.VersionId;
          if (result.DeleteMarker) {
            entry.DeleteMarker = true;
            if (result.VersionId) entry.DeleteMarkerVersionId = result.VersionId;
          }
          deleted.push(entry);
        } catch (error) {
          const failure = error as { code?: string; message?: string };
          errors.push({ Key: object.Key, VersionId: object.VersionId, Code: failure.code, Message: failure.message });
        }
      }
      if (!input.Delete?.Quiet && deleted.length > 0) out.Deleted = deleted;
      if (errors.length > 0) out.Errors = errors;
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}

/** DeleteObject's work, shared with DeleteObjects. */
export function deleteOne(
  state: S3State,
  ctx: RequestContext,
  bucket: BucketRow,
  key: string,
  versionId: string | undefined,
): T.DeleteObjectOutput {
  if (versionId !== undefined) {
    if (versionId !== 'null' && !versionIdPattern.test(versionId)) throw invalidVersionId(versionId);
    const row = state.store.version(bucket.name, key, versionId);
    const out: T.DeleteObjectOutput = { VersionId: versionId };
    if (!row) return out;
    state.store.deleteVersion(row);
    state.dropBlobs([row]);
    if (row.delete_marker === 1) out.DeleteMarker = true;
    objectEvent(state, ctx, bucket, 'ObjectRemoved:Delete', { key, versionId });
    return out;
  }
  if (bucket.versioning === null) {
    const row = state.store.current(bucket.name, key);
    if (row) {
      state.store.deleteVersion(row);
      state.dropBlobs([row]);
    }
    objectEvent(state, ctx, bucket, 'ObjectRemoved:Delete', { key });
    return {};
  }
  // Enabled or suspended: the delete is a new delete marker (the null version, when suspended).
  const markerVersion = storeVersion(state, bucket, {
    bucket: bucket.name,
    key,
    delete_marker: 1,
    size: 0,
    etag: null,
    blobs: null,
    last_modified: state.now(),
    owner: ctx.account,
    metadata: null,
    headers: null,
    storage_class: 'STANDARD',
    checksum: null,
    tags: null,
    parts: null,
  });
  objectEvent(state, ctx, bucket, 'ObjectRemoved:DeleteMarkerCreated', { key, versionId: markerVersion });
  return { DeleteMarker: true, VersionId: markerVersion };
}
