/**
 * Objects: put, get, head, delete (one or many), under every versioning state.
 *
 * Versioning (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html): a bucket
 * that never enabled it keeps one version per key, the `null` version, replaced by each put;
 * an enabled bucket keeps every version and a delete without a version id adds a delete
 * marker; a suspended bucket writes and deletes the `null` version again but keeps the others.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { type ByteRange, checkReadConditions, checkWriteConditions, etagMatches, parseRange } from './conditions.js';
import {
  entityTooLarge,
  headerNotImplemented,
  invalidArgument,
  invalidObjectState,
  invalidPartNumber,
  invalidRange,
  invalidRequest,
  invalidStorageClass,
  invalidVersionId,
  malformedXml,
  methodNotAllowed,
  noSuchKey,
  noSuchVersion,
  preconditionFailed,
} from './errors.js';
import { checkUploadIntegrity, objectChecksumAlgorithm } from './integrity.js';
import { objectEvent } from './notifications.js';
import { requestedAcl } from './object-extras.js';
import { headersOf, metadataOf, objectHeadersOutput, type StoredHeaders } from './object-headers.js';
import { inlineBody, readBlobs, writeBlob } from './object-io.js';
import { addLockOutput, checkDeletable, newVersionLock, requestedLock } from './object-lock.js';
import { httpDate, type S3State } from './state.js';
import type { BucketRow, NewObject, ObjectRow } from './store.js';
import { parseTagging } from './tagging.js';

/** The largest single PUT: 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html). */
const maxSinglePut = 5 * 1024 ** 3;

/**
 * Version ids as S3 hands them out: 32 characters of [A-Za-z0-9._] (test_object_version_id_format).
 * S3 tells an id it could have issued from a made-up one: an id with its last four characters
 * changed is InvalidArgument, not NoSuchVersion (test_delete_object_versioned
 * delete-with-bad-version). Ours end in four characters derived from the rest, so the same holds.
 * The first eight bytes are a sequence that only grows (milliseconds, then a counter), so that
 * the order of two versions can be told from their ids alone, even once one is deleted.
 */
const versionIdForm = /^[A-Za-z0-9._]{32}$/;
let lastSequence = 0n;

function versionCheck(body: string): string {
  return createHash('sha256').update(`nimbus-s3-version:${body}`).digest('base64url').replaceAll('-', '.').slice(0, 4);
}

export function newObjectVersionId(nowMs: number): string {
  const now = BigInt(Math.floor(nowMs)) << 12n;
  lastSequence = now > lastSequence ? now : lastSequence + 1n;
  const bytes = Buffer.alloc(21);
  bytes.writeBigUInt64BE(lastSequence, 0);
  randomBytes(13).copy(bytes, 8);
  const body = bytes.toString('base64url').replaceAll('-', '.');
  return body + versionCheck(body);
}

/** Whether S3 could have issued `versionId` (for a bucket that ever had versioning). */
export function isVersionId(versionId: string): boolean {
  return (
    versionId === 'null' ||
    (versionIdForm.test(versionId) && versionCheck(versionId.slice(0, 28)) === versionId.slice(28))
  );
}

/**
 * Where a version id stands in time: larger is newer. Undefined for `null` and for ids Nimbus did
 * not issue. Lets a listing resume after a VersionIdMarker whose version is gone.
 */
export function versionIdOrder(versionId: string): bigint | undefined {
  if (versionId === 'null' || !isVersionId(versionId)) return undefined;
  return Buffer.from(versionId.slice(0, 28).replaceAll('.', '-'), 'base64url').readBigUInt64BE(0);
}

/** The version a write creates, and the version it replaces, by the bucket's versioning state. */
export function versionFor(bucket: BucketRow, nowMs: number): { versionId: string; replaces: string | undefined } {
  if (bucket.versioning === 'Enabled') return { versionId: newObjectVersionId(nowMs), replaces: undefined };
  return { versionId: 'null', replaces: 'null' };
}

/** Storage classes that take a restore before a read (https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html). */
const archivedClasses = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * The storage classes a general purpose bucket holds
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html); any other
 * value, OUTPOSTS included, is InvalidStorageClass (test_put_object_storage_class_outposts).
 */
const storageClasses: ReadonlySet<string> = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
]);

/** The storage class a write asks for. */
export function storageClassOf(requested: string | undefined): string {
  if (requested === undefined) return 'STANDARD';
  if (!storageClasses.has(requested)) throw invalidStorageClass(requested);
  return requested;
}

/** Refuses to read the bytes of an archived object: 403 InvalidObjectState, naming the class in a header too. */
export function checkReadable(row: ObjectRow): void {
  if (!archivedClasses.has(row.storage_class)) return;
  const error = invalidObjectState(row.storage_class);
  error.headers = { 'x-amz-storage-class': row.storage_class };
  throw error;
}

/** The version id a response names: none for a bucket that never enabled versioning. */
export function versionOutput(bucket: BucketRow, versionId: string): string | undefined {
  return bucket.versioning === null ? undefined : versionId;
}

/**
 * Finds the object version a request names (current, or by version id), honouring delete
 * markers: one named by id is 405 MethodNotAllowed; the current one is NoSuchKey for reads, but
 * 405 too (`currentMarker: 'method'`) for tagging and PutObjectAcl (test_object_tagging_versioned,
 * test_put_object_acl_on_delete_marker).
 */
export function findObject(
  state: S3State,
  bucket: BucketRow,
  key: string,
  versionId: string | undefined,
  method: string,
  currentMarker: 'missing' | 'method' = 'missing',
): ObjectRow {
  const row =
    versionId === undefined ? state.store.current(bucket.name, key) : state.store.version(bucket.name, key, versionId);
  if (!row) {
    if (versionId === undefined) throw noSuchKey(key);
    // A bucket that never had versioning holds only null versions: any other id is malformed there.
    if (versionId !== 'null' && (bucket.versioning === null || !isVersionId(versionId))) {
      throw invalidVersionId(versionId);
    }
    throw noSuchVersion(key, versionId);
  }
  if (row.delete_marker === 1) {
    if (versionId === undefined && currentMarker === 'missing') {
      const error = noSuchKey(key);
      error.headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': row.version_id };
      throw error;
    }
    const error = methodNotAllowed(method, 'DeleteMarker');
    error.headers = {
      'x-amz-delete-marker': 'true',
      'x-amz-version-id': row.version_id,
      'Last-Modified': httpDate(row.last_modified).toUTCString(),
      Allow: 'DELETE',
    };
    throw error;
  }
  return row;
}

/** `[[blobId, size]]` as JSON.stringify writes it; blob ids are hex, so nothing needs escaping. */
function blobList(blobId: string, size: number): string {
  return /^[0-9a-f]+$/.test(blobId) ? `[["${blobId}",${size}]]` : JSON.stringify([[blobId, size]]);
}

/**
 * A stored checksum as JSON.stringify writes it, keys in the same order; the algorithm and the
 * type are names and the value base64, none with a quote or a backslash (else JSON.stringify).
 */
function checksumJson(checksum: { algorithm: string; value: string; type: string }): string {
  const { algorithm, value, type } = checksum;
  if (!plainJson.test(algorithm) || !plainJson.test(value) || !plainJson.test(type)) return JSON.stringify(checksum);
  return `{"algorithm":"${algorithm}","value":"${value}","type":"${type}"}`;
}

const plainJson = /^[A-Za-z0-9+/=_-]*$/;

/**
 * The blobs of a row, parsed once per row object (rows never change: see parsedColumns). Callers
 * must not change what they get.
 */
export function blobsOf(row: ObjectRow): Array<[string, number]> {
  if (!row.blobs) return [];
  let blobs = parsedBlobs.get(row);
  if (!blobs) {
    blobs = JSON.parse(row.blobs) as Array<[string, number]>;
    parsedBlobs.set(row, blobs);
  }
  return blobs;
}

const parsedBlobs = new WeakMap<ObjectRow, Array<[string, number]>>();

/** The bytes of an object version, or the byte range [start, end] of them: inline, or its blobs. */
export function objectBody(state: S3State, row: ObjectRow, range?: ByteRange): Readable | Buffer {
  if (row.blobs === null && row.delete_marker === 0) {
    const bytes = row.body ?? state.store.body(row.id) ?? Buffer.alloc(0);
    return range ? bytes.subarray(range.start, range.end + 1) : bytes;
  }
  return readBlobs(state.blobs, blobsOf(row), range);
}

/** Stores a new version of a key and drops the bytes of the version it replaced. */
export function storeVersion(state: S3State, bucket: BucketRow, object: Omit<NewObject, 'version_id'>): string {
  const { versionId, replaces } = versionFor(bucket, state.now());
  const removed = state.store.putVersion(object, versionId, replaces, bucket.versioning === null);
  state.dropBlobs(removed);
  return versionId;
}

interface StoredChecksumJson {
  algorithm: string;
  value: string;
  type?: string;
}

/**
 * The whole-object checksum a read may name, with ChecksumMode ENABLED: only when the bytes sent
 * are the whole object (a range that covers it all included). A part of a multipart object has
 * its own checksum, which the object does not keep; a part read of such an object names none
 * unless the object is one part with a FULL_OBJECT checksum (test_get_object_range
 * get-0-8-checksum, test_get_object_part_checksum, test_complete_multipart_parts_checksum_*).
 */
function checksumOfRead(row: ObjectRow, range: ByteRange | undefined, partRead: boolean) {
  if (!row.checksum) return undefined;
  const checksum = JSON.parse(row.checksum) as StoredChecksumJson;
  const type = checksum.type ?? 'FULL_OBJECT';
  if (range && (range.start > 0 || range.end < row.size - 1)) return undefined;
  if (partRead && row.parts && type !== 'FULL_OBJECT') return undefined;
  return { ...checksum, type };
}

const parsed = new WeakMap<ObjectRow, { headers: StoredHeaders; metadata: Record<string, string> }>();

/**
 * A row's stored headers and metadata, parsed once per row object: the store keeps the rows of
 * keys read often (S3Store.current), and a row never changes (a write makes a new one). Readers
 * must not change what they get.
 */
function parsedColumns(row: ObjectRow): { headers: StoredHeaders; metadata: Record<string, string> } {
  let columns = parsed.get(row);
  if (!columns) {
    columns = {
      headers: row.headers ? (JSON.parse(row.headers) as StoredHeaders) : {},
      metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : {},
    };
    parsed.set(row, columns);
  }
  return columns;
}

function readOutput(
  bucket: BucketRow,
  row: ObjectRow,
  input: T.GetObjectRequest | T.HeadObjectRequest,
  range: ByteRange | undefined,
) {
  const { headers, metadata } = parsedColumns(row);
  // Added to the fresh object objectHeadersOutput makes, not spread into a literal beside them:
  // on this V8 a spread followed by more members cost 6-8 µs, most of a GET's own work.
  const out: T.GetObjectOutput = objectHeadersOutput(headers, input);
  out.ETag = row.etag ?? undefined;
  out.LastModified = httpDate(row.last_modified);
  out.ContentLength = row.size;
  out.AcceptRanges = 'bytes';
  out.Metadata = metadata;
  out.ServerSideEncryption = 'AES256';
  const version = versionOutput(bucket, row.version_id);
  if (version) out.VersionId = version;
  if (row.storage_class !== 'STANDARD') out.StorageClass = row.storage_class as T.StorageClass;
  if (row.tags) {
    const count = (JSON.parse(row.tags) as T.Tag[]).length;
    if (count > 0) out.TagCount = count;
  }
  // Only a part read names the part count (recorded: test_s3 `test_get_object_part` has it, `head-object-with-checksum` not).
  if (row.parts && input.PartNumber !== undefined) out.PartsCount = (JSON.parse(row.parts) as number[]).length;
  if (row.lock) addLockOutput(row, out);
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${row.size}`;
  }
  if (input.ChecksumMode?.toUpperCase() === 'ENABLED') {
    const checksum = checksumOfRead(row, range, input.PartNumber !== undefined);
    if (checksum) {
      (out as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
      out.ChecksumType = checksum.type as T.ChecksumType;
    }
  }
  return out;
}

/**
 * The byte range of a read: from Range, or from PartNumber (a single-PUT object is one part).
 * Evidence: test_get_object_range, test_get_object_part.
 */
function rangeOf(row: ObjectRow, input: T.GetObjectRequest | T.HeadObjectRequest): ByteRange | undefined {
  if (input.PartNumber !== undefined) {
    if (input.Range !== undefined)
      throw invalidRequest('Cannot specify both Range header and partNumber query parameter');
    const parts = row.parts ? (JSON.parse(row.parts) as number[]) : [row.size];
    if (input.PartNumber < 1 || input.PartNumber > parts.length)
      throw invalidPartNumber(input.PartNumber, parts.length);
    const start = parts.slice(0, input.PartNumber - 1).reduce((sum, size) => sum + size, 0);
    const size = parts[input.PartNumber - 1] as number;
    // An empty single-PUT object is one empty part: there is no byte range to name.
    if (size === 0) return undefined;
    return { start, end: start + size - 1 };
  }
  const range = parseRange(input.Range, row.size);
  if (range === 'unsatisfiable') throw invalidRange(input.Range ?? '', row.size);
  return range;
}

function read(state: S3State, input: T.GetObjectRequest | T.HeadObjectRequest, method: 'GET' | 'HEAD') {
  const bucket = state.bucket(input.Bucket);
  const row = findObject(state, bucket, input.Key, input.VersionId, method);
  try {
    checkReadConditions(input, row.etag ?? '', row.last_modified, state.now());
  } catch (error) {
    // A 304 still names the representation it stands for (RFC 9110 section 15.4.5).
    if ((error as { status?: number }).status === 304) {
      (error as { headers?: Record<string, string> }).headers = {
        ETag: row.etag ?? '',
        'Last-Modified': httpDate(row.last_modified).toUTCString(),
      };
    }
    throw error;
  }
  if (method === 'GET') checkReadable(row);
  const range = rangeOf(row, input);
  const out = readOutput(bucket, row, input, range);
  return { bucket, row, out, range };
}

/** The current version of a key unless it is a delete marker. */
export function liveObject(state: S3State, bucket: string, key: string): ObjectRow | undefined {
  const current = state.store.current(bucket, key);
  return current && current.delete_marker === 0 ? current : undefined;
}

/** A flexible checksum as output members: `ChecksumCRC32: '...'`, `ChecksumType`. */
const checksumMemberNames = new Map<string, string>();

/** `ChecksumCRC64NVME` for `CRC64NVME`, made once per algorithm. */
function checksumMemberOf(algorithm: string): string {
  let name = checksumMemberNames.get(algorithm);
  if (name === undefined) {
    name = `Checksum${algorithm}`;
    checksumMemberNames.set(algorithm, name);
  }
  return name;
}

export function checksumMembers(checksum: { algorithm: string; value: string; type?: string }): Record<string, string> {
  return { [`Checksum${checksum.algorithm}`]: checksum.value, ChecksumType: checksum.type ?? 'FULL_OBJECT' };
}

export function objectOperations(state: S3State) {
  return {
    async putObject(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      checkWriteConditions(input, () => liveObject(state, bucket.name, input.Key)?.etag ?? undefined, input.Key);
      const storageClass = storageClassOf(input.StorageClass);
      if (input.ContentLength !== undefined && input.ContentLength > maxSinglePut) {
        throw entityTooLarge(input.ContentLength, maxSinglePut);
      }
      const headers = headersOf(input);
      const acl = requestedAcl(state, bucket, ctx.account, input, false);
      if (acl) headers.Acl = acl;
      const tags = input.Tagging !== undefined ? parseTagging(input.Tagging) : undefined;
      const lock = requestedLock(state, bucket, input);
      // With no checksum from the client S3 computes a CRC64NVME of its own (test_put_object in
      // TestS3PresignedUrl, test_cors_match_methods put-op).
      const algorithm = objectChecksumAlgorithm(input);
      const body = input.Body as Readable | undefined;
      const written =
        inlineBody(body, algorithm, input.ContentLength) ??
        (await writeBlob(state.blobs, body, algorithm, input.ContentLength));
      const checksum = checkUploadIntegrity(state, input, written, algorithm, { expectedMd5: 'hex' });
      if (written.size > maxSinglePut) {
        state.dropBlobIds([written.blobId]);
        throw entityTooLarge(written.size, maxSinglePut);
      }
      const etag = `"${written.md5Hex}"`;
      const store = () => {
        const current = state.bucket(bucket.name);
        // Checked again inside the transaction: another write may have landed while the bytes streamed.
        checkWriteConditions(input, () => liveObject(state, bucket.name, input.Key)?.etag ?? undefined, input.Key);
        const id = storeVersion(state, current, {
          bucket: bucket.name,
          key: input.Key,
          delete_marker: 0,
          size: written.size,
          etag,
          blobs: written.blobId === undefined ? null : blobList(written.blobId, written.size),
          body: written.blobId === undefined ? written.bytes : null,
          last_modified: state.now(),
          owner: ctx.account,
          metadata: metadataOf(input.Metadata),
          headers: JSON.stringify(headers),
          storage_class: storageClass,
          checksum: checksum ? checksumJson(checksum) : null,
          tags: tags && tags.length > 0 ? JSON.stringify(tags) : null,
          parts: null,
          lock: newVersionLock(state, current, lock),
        });
        objectEvent(state, ctx, current, 'ObjectCreated:Put', {
          key: input.Key,
          size: written.size,
          etag,
          versionId: id,
        });
        return { id, versioning: current.versioning };
      };
      let result: ReturnType<typeof store>;
      try {
        result = state.store.transaction(store);
      } catch (error) {
        state.dropBlobIds([written.blobId]);
        throw error;
      }
      const out: T.PutObjectOutput = { ETag: etag, ServerSideEncryption: 'AES256' };
      // Only an enabled bucket names the version a put made; a suspended one writes `null` silently
      // (test_put_object_on_suspended_bucket put-object-suspended).
      if (result.versioning === 'Enabled') out.VersionId = result.id;
      if (checksum) {
        // Set directly: a computed member in a literal, then Object.assign, cost 3 µs a PUT.
        (out as Record<string, unknown>)[checksumMemberOf(checksum.algorithm)] = checksum.value;
        out.ChecksumType = (checksum.type ?? 'FULL_OBJECT') as T.ChecksumType;
      }
      return out;
    },

    getObject(_ctx, input) {
      const { row, out, range } = read(state, input, 'GET');
      out.Body = objectBody(state, row, range) as unknown as T.GetObjectOutput['Body'];
      return out;
    },

    headObject(_ctx, input) {
      return read(state, input, 'HEAD').out as T.HeadObjectOutput;
    },

    deleteObject(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      checkDeleteHeaders(bucket, input);
      if (input.IfMatch !== undefined) {
        // A missing object passes: there is nothing the condition could protect (API_DeleteObject).
        const current = liveObject(state, bucket.name, input.Key);
        if (current && !etagMatches(input.IfMatch, current.etag ?? '')) throw preconditionFailed('If-Match');
      }
      return state.store.transaction(() =>
        deleteOne(state, ctx, bucket, input.Key, input.VersionId, input.BypassGovernanceRetention === true),
      );
    },

    deleteObjects(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      checkDeleteHeaders(bucket, input);
      const objects = input.Delete?.Objects ?? [];
      if (objects.length === 0 || objects.length > 1000) throw malformedXml();
      const out: T.DeleteObjectsOutput = {};
      const deleted: T.DeletedObject[] = [];
      const errors: T.Error[] = [];
      for (const object of objects) {
        try {
          // Unlike DeleteObject, a version that is not there is an error per key, whatever the id
          // looks like and whether or not the bucket was ever versioned (test_delete_objects).
          if (
            object.VersionId !== undefined &&
            object.VersionId !== 'null' &&
            !state.store.version(bucket.name, object.Key, object.VersionId)
          ) {
            throw noSuchVersion(object.Key, object.VersionId);
          }
          // A locked version is an AccessDenied entry of its own (test_delete_locked_object).
          const result = state.store.transaction(() =>
            deleteOne(state, ctx, bucket, object.Key, object.VersionId, input.BypassGovernanceRetention === true),
          );
          const entry: T.DeletedObject = { Key: object.Key };
          if (object.VersionId !== undefined) entry.VersionId = object.VersionId;
          if (result.DeleteMarker) {
            entry.DeleteMarker = true;
            if (result.VersionId) entry.DeleteMarkerVersionId = result.VersionId;
          }
          deleted.push(entry);
        } catch (error) {
          const failure = error as { code?: string; message?: string };
          const entry: T.Error = { Key: object.Key };
          if (object.VersionId !== undefined) entry.VersionId = object.VersionId;
          entry.Code = failure.code ?? 'InternalError';
          entry.Message = failure.message;
          errors.push(entry);
        }
      }
      if (!input.Delete?.Quiet && deleted.length > 0) out.Deleted = deleted;
      if (errors.length > 0) out.Errors = errors;
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}

/**
 * What DeleteObject(s) refuse before looking at any key: governance bypass on a bucket without
 * object lock (test_delete_object_with_no_locking), and the conditional-delete headers only
 * directory buckets serve (TestS3DeletePrecondition: the first one present is named).
 */
function checkDeleteHeaders(
  bucket: BucketRow,
  input: { BypassGovernanceRetention?: boolean; IfMatchLastModifiedTime?: Date; IfMatchSize?: number },
): void {
  if (input.BypassGovernanceRetention !== undefined && bucket.object_lock === 0) {
    throw invalidArgument(
      'x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.',
      'x-amz-bypass-governance-retention',
    );
  }
  if (input.IfMatchLastModifiedTime !== undefined) throw headerNotImplemented('x-amz-if-match-last-modified-time');
  if (input.IfMatchSize !== undefined) throw headerNotImplemented('x-amz-if-match-size');
}

/**
 * DeleteObject's work, shared with DeleteObjects. Only deleting a version by id meets Object
 * Lock: a delete marker goes on top of a locked version (test_s3_object_retention_compliance_mode).
 */
export function deleteOne(
  state: S3State,
  ctx: RequestContext,
  bucket: BucketRow,
  key: string,
  versionId: string | undefined,
  bypassGovernance = false,
): T.DeleteObjectOutput {
  if (versionId !== undefined) {
    const row = state.store.version(bucket.name, key, versionId);
    if (!row) {
      if (versionId !== 'null' && (bucket.versioning === null || !isVersionId(versionId))) {
        throw invalidVersionId(versionId);
      }
      // A version that could exist but does not: nothing to delete (test_delete_object_versioned).
      return { VersionId: versionId };
    }
    if (row.lock) checkDeletable(row, state.now(), bypassGovernance);
    state.store.deleteVersion(row);
    state.dropBlobs([row]);
    const out: T.DeleteObjectOutput = { VersionId: versionId };
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
