/**
 * Multipart uploads: parts streamed to their own blobs, and a completed upload becomes an object
 * whose bytes are those blobs in part order, so completing copies nothing. Rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): part numbers 1 to
 * 10,000; every part but the last at least 5 MiB (EntityTooSmall); the parts of a Complete must
 * exist with their ETags (InvalidPart) and come in ascending order (InvalidPartOrder).
 *
 * Checksums (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
 * an upload names an algorithm and a type on Create. COMPOSITE (the default but for CRC64NVME)
 * makes the object's checksum the checksum of the parts' binary checksums, then `-N`; FULL_OBJECT
 * (CRC algorithms only) is the checksum of the whole object, combined from the parts' CRCs. An
 * upload that names none still ends with a CRC64NVME FULL_OBJECT checksum, as AWS's does
 * (test_s3.snapshot.json, test_multipart_and_list_parts). The error texts are AWS's, from the
 * TestS3MultipartUploadChecksum recordings.
 */
import { randomBytes } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import {
  type ChecksumAlgorithm,
  type CrcAlgorithm,
  checksumAlgorithms,
  combineCrc,
  createChecksum,
  parseChecksumAlgorithm,
} from './checksums.js';
import { checkWriteConditions } from './conditions.js';
import {
  checksumMismatch,
  conditionalRequestConflict,
  entityTooSmall,
  invalidArgument,
  invalidPart,
  invalidPartOrder,
  invalidRequest,
  noSuchUpload,
  s3Error,
} from './errors.js';
import { checksumAlgorithmOf, checkUploadIntegrity } from './integrity.js';
import { objectEvent } from './notifications.js';
import { headersOf, metadataOf } from './object-headers.js';
import { multipartEtag, writeBlob } from './object-io.js';
import { lockJson, lockOf, newVersionLock, requestedLock } from './object-lock.js';
import { storeVersion, versionOutput } from './objects.js';
import { httpDate, ownerOf, type S3State } from './state.js';
import type { PartRow, UploadRow } from './store.js';
import { parseTagging } from './tagging.js';

const minPartSize = 5 * 1024 * 1024;
const maxParts = 10_000;
/** How long a completed upload answers a retried Complete with its result instead of NoSuchUpload. */
const completedMemoryMs = 60 * 60 * 1000;
const maxRemembered = 10_000;

/** A part's checksum: in the client's or the upload's algorithm, and the CRC64NVME an upload without one needs. */
interface PartChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: string;
  crc64nvme?: string;
}

interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'COMPOSITE' | 'FULL_OBJECT';
}

const crcAlgorithms = new Set<ChecksumAlgorithm>(['CRC32', 'CRC32C', 'CRC64NVME']);

function uploadOf(state: S3State, bucket: string, key: string, uploadId: string): UploadRow {
  const upload = state.store.upload(uploadId);
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(uploadId);
  return upload;
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > maxParts) {
    throw invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      String(partNumber),
    );
  }
}

const unquote = (etag: string) => etag.replace(/"/g, '');

/** The algorithm and type an upload is created with, refused as AWS refuses them. */
function uploadChecksumOf(input: T.CreateMultipartUploadRequest): {
  algorithm: ChecksumAlgorithm | null;
  type: 'COMPOSITE' | 'FULL_OBJECT' | null;
} {
  if (input.ChecksumAlgorithm === undefined) {
    if (input.ChecksumType !== undefined) {
      throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    }
    return { algorithm: null, type: null };
  }
  const algorithm = parseChecksumAlgorithm(input.ChecksumAlgorithm);
  if (!algorithm) {
    throw invalidRequest(
      `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${checksumAlgorithms.join(', ')}]`,
    );
  }
  const type = input.ChecksumType ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  }
  if (type === 'FULL_OBJECT' && !crcAlgorithms.has(algorithm)) {
    throw invalidRequest(
      `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    );
  }
  return { algorithm, type };
}

/** A part body passed through a second checksum on its way to the blob. */
function alsoChecksum(body: unknown, algorithm: ChecksumAlgorithm): { body: unknown; digest: () => string } {
  const checksum = createChecksum(algorithm);
  if (body === undefined || typeof (body as Readable).pipe !== 'function') {
    if (body !== undefined) checksum.update(typeof body === 'string' ? Buffer.from(body) : (body as Uint8Array));
    return { body, digest: () => checksum.digest() };
  }
  const source = body as Readable;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      checksum.update(chunk);
      done(null, chunk);
    },
  });
  source.on('error', (error) => tap.destroy(error));
  return { body: source.pipe(tap), digest: () => checksum.digest() };
}

/** The checksum each part of a Complete request names, by algorithm. */
function partChecksumsOf(part: T.CompletedPart): Array<[ChecksumAlgorithm, string]> {
  const named: Array<[ChecksumAlgorithm, string]> = [];
  for (const algorithm of checksumAlgorithms) {
    const value = (part as Record<string, unknown>)[`Checksum${algorithm}`];
    if (typeof value === 'string') named.push([algorithm, value]);
  }
  return named;
}

/** Checks one part of a Complete request against the stored part, in the order AWS's errors suggest. */
function checkCompletedPart(upload: UploadRow, asked: T.CompletedPart, stored: PartRow | undefined): PartRow {
  const number = asked.PartNumber ?? 0;
  const etag = unquote(asked.ETag ?? '');
  if (!stored || unquote(stored.etag) !== etag) throw invalidPart(upload.upload_id, number, etag);
  const algorithm = upload.checksum_algorithm as ChecksumAlgorithm | null;
  const storedChecksum = stored.checksum ? (JSON.parse(stored.checksum) as PartChecksum) : undefined;
  const named = partChecksumsOf(asked);
  for (const [namedAlgorithm, value] of named) {
    // An upload without an algorithm kept no part checksum a Complete could name.
    if (!algorithm) throw invalidPart(upload.upload_id, number, etag);
    if (namedAlgorithm !== algorithm) {
      throw s3Error(
        'BadDigest',
        400,
        `The ${namedAlgorithm.toLowerCase()} you specified for part ${number} did not match what we received.`,
      );
    }
    if (storedChecksum?.algorithm === algorithm && storedChecksum.value !== value) {
      throw invalidPart(upload.upload_id, number, etag);
    }
  }
  if (named.length === 0 && algorithm && upload.checksum_type === 'COMPOSITE') {
    throw invalidRequest(
      `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${number} in the request.`,
    );
  }
  return stored;
}

/**
 * The checksum of a completed upload: COMPOSITE, the checksum of the parts' binary checksums
 * then `-N`; FULL_OBJECT, the parts' CRCs combined; no algorithm, the parts' CRC64NVMEs
 * combined. Undefined when a part lacks what is needed (a part copied without a checksum).
 */
function objectChecksumOf(upload: UploadRow, parts: readonly PartRow[]): ObjectChecksum | undefined {
  const checksums = parts.map((part) => (part.checksum ? (JSON.parse(part.checksum) as PartChecksum) : undefined));
  const algorithm = (upload.checksum_algorithm as ChecksumAlgorithm | null) ?? 'CRC64NVME';
  const values = checksums.map((checksum) => {
    if (!checksum) return undefined;
    if (!upload.checksum_algorithm) return checksum.crc64nvme;
    return checksum.algorithm === algorithm ? checksum.value : undefined;
  });
  if (values.some((value) => value === undefined)) return undefined;
  const known = values as string[];
  if (upload.checksum_type === 'COMPOSITE') {
    const digest = createChecksum(algorithm);
    for (const value of known) digest.update(Buffer.from(value, 'base64'));
    return { algorithm, value: `${digest.digest()}-${known.length}`, type: 'COMPOSITE' };
  }
  let value = known[0] as string;
  for (let index = 1; index < known.length; index++) {
    value = combineCrc(algorithm as CrcAlgorithm, value, known[index] as string, (parts[index] as PartRow).size);
  }
  return { algorithm, value, type: 'FULL_OBJECT' };
}

/** The whole-object checksum a Complete request sends for a FULL_OBJECT upload, checked. */
function checkFullObjectChecksum(
  upload: UploadRow,
  input: T.CompleteMultipartUploadRequest,
  computed: ObjectChecksum | undefined,
): void {
  if (upload.checksum_type !== 'FULL_OBJECT' || !upload.checksum_algorithm) return;
  for (const algorithm of checksumAlgorithms) {
    const value = (input as unknown as Record<string, unknown>)[`Checksum${algorithm}`];
    if (typeof value !== 'string') continue;
    if (algorithm !== upload.checksum_algorithm || (computed && computed.value !== value)) {
      throw checksumMismatch(upload.checksum_algorithm.toLowerCase());
    }
  }
}

/**
 * If-Match / If-None-Match on a Complete (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 * as for PutObject, and a 409 when the key was written or deleted after the upload began
 * (test_s3_api TestS3ObjectWritePrecondition). A delete that left no delete marker leaves no
 * trace either, so it passes here.
 */
function checkCompleteConditions(state: S3State, upload: UploadRow, input: T.CompleteMultipartUploadRequest): void {
  const { IfMatch, IfNoneMatch } = input;
  if (IfMatch === undefined && IfNoneMatch === undefined) return;
  const current = state.store.current(upload.bucket, upload.key);
  const live = current && current.delete_marker === 0 ? current : undefined;
  const changedSince = current !== undefined && current.last_modified > upload.initiated_at;
  if (IfMatch === undefined && IfNoneMatch?.trim() === '*' && !live && changedSince) {
    throw conditionalRequestConflict('If-None-Match', upload.key);
  }
  if (IfNoneMatch === undefined && IfMatch !== undefined && IfMatch.trim() !== '*' && live && changedSince) {
    throw conditionalRequestConflict('If-Match', upload.key);
  }
  checkWriteConditions(input, live?.etag ?? undefined, upload.key);
}

/** Where a completed object is: the endpoint the client used, in its addressing style. */
function locationOf(endpoint: string, bucket: string, key: string): string {
  const base = endpoint.replace(/\/+$/, '');
  let virtualHost = false;
  try {
    virtualHost = new URL(base).hostname.startsWith(`${bucket}.`);
  } catch {
    // a relative or odd endpoint: path style
  }
  return virtualHost ? `${base}/${encodeURIComponent(key)}` : `${base}/${bucket}/${encodeURIComponent(key)}`;
}

interface CompletedUpload {
  bucket: string;
  key: string;
  parts: string;
  at: number;
  output: T.CompleteMultipartUploadOutput;
}

export function multipartOperations(state: S3State) {
  let lastStamp = 0;
  /**
   * Upload ids sort by creation: AWS lists a key's uploads in the order they were initiated
   * (test_list_multiparts_next_marker), and the store breaks ties in `initiated_at` by id.
   */
  const newUploadId = (): string => {
    lastStamp = Math.max(state.now() * 1000, lastStamp + 1);
    return lastStamp.toString(16).padStart(14, '0') + randomBytes(42).toString('base64url').replaceAll('-', '.');
  };
  /**
   * Completed uploads, for a while: AWS answers a retried Complete with the same parts with the
   * same result rather than NoSuchUpload (github.com/minio/minio/issues/13318,
   * github.com/adobe/S3Mock/issues/2586, both observed against S3).
   */
  const completed = new Map<string, CompletedUpload>();
  const forgetOld = () => {
    const now = state.now();
    for (const [id, entry] of completed) {
      // Oldest first (insertion order): stop at the first one still remembered.
      if (now - entry.at <= completedMemoryMs && completed.size <= maxRemembered) break;
      completed.delete(id);
    }
  };

  return {
    createMultipartUpload(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const { algorithm, type } = uploadChecksumOf(input);
      // Checked now, applied when the upload completes (test_s3_object_lock_mode_validation: "BAD-VALUE").
      const lock = lockJson(requestedLock(state, bucket, input));
      const uploadId = newUploadId();
      state.store.transaction(() =>
        state.store.insertUpload({
          upload_id: uploadId,
          bucket: input.Bucket,
          key: input.Key,
          owner: ctx.account,
          initiated_at: state.now(),
          metadata: metadataOf(input.Metadata),
          headers: JSON.stringify(headersOf(input)),
          storage_class: input.StorageClass ?? 'STANDARD',
          checksum_algorithm: algorithm,
          checksum_type: type,
          tags: input.Tagging !== undefined ? JSON.stringify(parseTagging(input.Tagging)) : null,
          lock,
        }),
      );
      const out: T.CreateMultipartUploadOutput = {
        Bucket: input.Bucket,
        Key: input.Key,
        UploadId: uploadId,
        ServerSideEncryption: 'AES256',
      };
      if (algorithm && type) {
        out.ChecksumAlgorithm = algorithm;
        out.ChecksumType = type;
      }
      return out;
    },

    async uploadPart(_ctx, input) {
      state.bucket(input.Bucket);
      checkPartNumber(input.PartNumber);
      const upload = uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const uploadAlgorithm = upload.checksum_algorithm as ChecksumAlgorithm | null;
      const sent = checksumAlgorithmOf(input);
      if (uploadAlgorithm && sent && sent !== uploadAlgorithm) {
        throw invalidRequest(
          `Checksum Type mismatch occurred, expected checksum Type: ${uploadAlgorithm.toLowerCase()}, actual checksum Type: ${sent.toLowerCase()}`,
        );
      }
      const algorithm = uploadAlgorithm ?? sent;
      // Without an algorithm of its own the upload still ends with a CRC64NVME of the whole object.
      const extra = !uploadAlgorithm && algorithm !== 'CRC64NVME' ? alsoChecksum(input.Body, 'CRC64NVME') : undefined;
      const body = (extra ? extra.body : input.Body) as Readable | undefined;
      const written = await writeBlob(state.blobs, body, algorithm, input.ContentLength);
      const checksum = await checkUploadIntegrity(state, input, written, algorithm);
      const stored: PartChecksum | undefined = checksum ? { ...checksum } : undefined;
      const crc64nvme = extra ? extra.digest() : checksum?.algorithm === 'CRC64NVME' ? checksum.value : undefined;
      const record: PartChecksum | null =
        stored ?? (crc64nvme ? { algorithm: 'CRC64NVME', value: crc64nvme, type: 'FULL_OBJECT' } : null);
      if (record && crc64nvme) record.crc64nvme = crc64nvme;
      const etag = `"${written.md5Hex}"`;
      const replaced = state.store.transaction(() => {
        // The upload may have been completed or aborted while the part streamed in.
        uploadOf(state, input.Bucket, input.Key, input.UploadId);
        return state.store.putPart({
          upload_id: input.UploadId,
          part_number: input.PartNumber,
          size: written.size,
          etag,
          blob_id: written.blobId,
          checksum: record ? JSON.stringify(record) : null,
          last_modified: state.now(),
        });
      });
      if (replaced) state.dropBlobIds([replaced.blob_id]);
      const out: T.UploadPartOutput = { ETag: etag, ServerSideEncryption: 'AES256' };
      if (checksum) (out as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
      return out;
    },

    completeMultipartUpload(ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const asked = input.MultipartUpload?.Parts ?? [];
      const signature = JSON.stringify(asked.map((part) => [part.PartNumber, unquote(part.ETag ?? '')]));
      forgetOld();
      const done = completed.get(input.UploadId);
      if (done && done.bucket === input.Bucket && done.key === input.Key && done.parts === signature) {
        return { ...done.output };
      }
      const upload = uploadOf(state, input.Bucket, input.Key, input.UploadId);
      if (asked.length === 0) throw invalidRequest('You must specify at least one part');
      checkCompleteConditions(state, upload, input);
      if (input.ChecksumType !== undefined && input.ChecksumType !== upload.checksum_type) {
        throw invalidRequest(
          `The upload was created using the ${upload.checksum_type ?? 'null'} checksum mode. The complete request must use the same checksum mode.`,
        );
      }
      const chosen: PartRow[] = [];
      let previous = 0;
      for (const part of asked) {
        const number = part.PartNumber ?? 0;
        if (number <= previous) throw invalidPartOrder(input.UploadId);
        previous = number;
        chosen.push(checkCompletedPart(upload, part, state.store.part(input.UploadId, number)));
      }
      chosen.forEach((part, index) => {
        if (index < chosen.length - 1 && part.size < minPartSize) {
          throw entityTooSmall(part.size, minPartSize, part.part_number, unquote(part.etag));
        }
      });
      const size = chosen.reduce((sum, part) => sum + part.size, 0);
      if (input.MpuObjectSize !== undefined && input.MpuObjectSize !== size) {
        throw invalidRequest(
          `The provided 'x-amz-mp-object-size' header value ${input.MpuObjectSize} does not match what was computed: ${size}`,
        );
      }
      const checksum = objectChecksumOf(upload, chosen);
      checkFullObjectChecksum(upload, input, checksum);
      const etag = multipartEtag(chosen.map((part) => part.etag));
      // One savepoint: the object, the end of the upload and its event commit together or not at all.
      const { versionId, dropped } = state.store.transaction(() => {
        const id = storeVersion(state, bucket, {
          bucket: bucket.name,
          key: upload.key,
          delete_marker: 0,
          size,
          etag,
          blobs: JSON.stringify(chosen.map((part) => [part.blob_id, part.size])),
          last_modified: state.now(),
          owner: upload.owner,
          metadata: upload.metadata,
          headers: upload.headers,
          storage_class: upload.storage_class,
          checksum: checksum ? JSON.stringify(checksum) : null,
          tags: upload.tags,
          parts: JSON.stringify(chosen.map((part) => part.size)),
          lock: newVersionLock(state, bucket, lockOf(upload)),
        });
        // Parts left out of the object are dropped with the upload.
        const used = new Set(chosen.map((part) => part.blob_id));
        const unused = state.store.deleteUpload(upload.upload_id).filter((part) => !used.has(part.blob_id));
        objectEvent(state, ctx, bucket, 'ObjectCreated:CompleteMultipartUpload', {
          key: upload.key,
          size,
          etag,
          versionId: id,
        });
        return { versionId: id, dropped: unused.map((part) => part.blob_id) };
      });
      state.dropBlobIds(dropped);
      const out: T.CompleteMultipartUploadOutput = {
        Location: locationOf(ctx.endpoint, bucket.name, upload.key),
        Bucket: bucket.name,
        Key: upload.key,
        ETag: etag,
        ServerSideEncryption: 'AES256',
      };
      const version = versionOutput(bucket, versionId);
      if (version) out.VersionId = version;
      if (checksum) {
        (out as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
        out.ChecksumType = checksum.type;
      }
      completed.set(upload.upload_id, {
        bucket: bucket.name,
        key: upload.key,
        parts: signature,
        at: state.now(),
        output: { ...out },
      });
      return out;
    },

    abortMultipartUpload(_ctx, input) {
      state.bucket(input.Bucket);
      uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const parts = state.store.transaction(() => state.store.deleteUpload(input.UploadId));
      state.dropBlobIds(parts.map((part) => part.blob_id));
      return {};
    },

    listParts(_ctx, input) {
      state.bucket(input.Bucket);
      const upload = uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const max = Math.min(input.MaxParts ?? 1000, 1000);
      // An empty or unreadable part-number-marker counts as none (test_list_parts_empty_part_number_marker).
      const marker = Number(input.PartNumberMarker ?? 0);
      const after = Number.isInteger(marker) && marker > 0 ? marker : 0;
      const rows = state.store.parts(input.UploadId, after, max + 1);
      const page = rows.slice(0, max);
      const out: T.ListPartsOutput = {
        Bucket: input.Bucket,
        Key: input.Key,
        UploadId: input.UploadId,
        PartNumberMarker: after,
        // The last part listed, or 0 when none is (test_list_parts_pagination).
        NextPartNumberMarker: page[page.length - 1]?.part_number ?? 0,
        MaxParts: max,
        IsTruncated: rows.length > max,
        Initiator: ownerOf(upload.owner),
        Owner: ownerOf(upload.owner),
        StorageClass: upload.storage_class as T.StorageClass,
      };
      if (page.length > 0) {
        out.Parts = page.map((part) => {
          const entry: T.Part = {
            PartNumber: part.part_number,
            LastModified: httpDate(part.last_modified),
            ETag: part.etag,
            Size: part.size,
          };
          // Part checksums show only for an upload that has an algorithm of its own.
          const checksum = part.checksum ? (JSON.parse(part.checksum) as PartChecksum) : undefined;
          if (upload.checksum_algorithm && checksum?.algorithm === upload.checksum_algorithm) {
            (entry as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
          }
          return entry;
        });
      }
      if (upload.checksum_algorithm) {
        out.ChecksumAlgorithm = upload.checksum_algorithm as T.ChecksumAlgorithm;
        out.ChecksumType = (upload.checksum_type ?? 'COMPOSITE') as T.ChecksumType;
      }
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
