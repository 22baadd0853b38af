/**
 * Multipart uploads: parts streamed to their own blobs, and a completed upload becomes an object
 * whose bytes are those blobs in part order, so completing copies nothing. Rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): part numbers 1 to
 * 10,000; every part but the last at least 5 MiB (EntityTooSmall); the parts of a Complete must
 * exist with their ETags (InvalidPart) and come in ascending order (InvalidPartOrder).
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { type ChecksumAlgorithm, createChecksum } from './checksums.js';
import {
  entityTooSmall,
  invalidArgument,
  invalidPart,
  invalidPartOrder,
  malformedXml,
  noSuchUpload,
} from './errors.js';
import { checksumAlgorithmOf, checkUploadIntegrity } from './integrity.js';
import { objectEvent } from './notifications.js';
import { headersOf, metadataOf } from './object-headers.js';
import { multipartEtag, writeBlob } from './object-io.js';
import { storeVersion, versionOutput } from './objects.js';
import { ownerOf, type S3State } from './state.js';
import type { UploadRow } from './store.js';
import { parseTagging } from './tagging.js';

const minPartSize = 5 * 1024 * 1024;
const maxParts = 10_000;

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

export function multipartOperations(state: S3State) {
  return {
    createMultipartUpload(ctx, input) {
      state.bucket(input.Bucket);
      const uploadId = randomBytes(48).toString('base64url');
      const algorithm = input.ChecksumAlgorithm ?? null;
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
        checksum_type: algorithm ? (input.ChecksumType ?? 'COMPOSITE') : null,
        tags: input.Tagging !== undefined ? JSON.stringify(parseTagging(input.Tagging)) : null,
      });
      const out: T.CreateMultipartUploadOutput = {
        Bucket: input.Bucket,
        Key: input.Key,
        UploadId: uploadId,
        ServerSideEncryption: 'AES256',
      };
      if (algorithm) {
        out.ChecksumAlgorithm = algorithm;
        out.ChecksumType = (input.ChecksumType ?? 'COMPOSITE') as T.ChecksumType;
      }
      return out;
    },

    async uploadPart(_ctx, input) {
      state.bucket(input.Bucket);
      checkPartNumber(input.PartNumber);
      uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const algorithm = checksumAlgorithmOf(input);
      const written = await writeBlob(state.blobs, input.Body as Readable | undefined, algorithm, input.ContentLength);
      const checksum = await checkUploadIntegrity(state, input, written, algorithm);
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
          checksum: checksum ? JSON.stringify(checksum) : null,
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
      const upload = uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const asked = input.MultipartUpload?.Parts ?? [];
      if (asked.length === 0) throw malformedXml();
      const chosen = [];
      let previous = 0;
      for (const part of asked) {
        const number = part.PartNumber ?? 0;
        if (number <= previous) throw invalidPartOrder(input.UploadId);
        previous = number;
        const stored = state.store.part(input.UploadId, number);
        const etag = part.ETag ?? '';
        if (!stored || stored.etag.replace(/"/g, '') !== etag.replace(/"/g, '')) {
          throw invalidPart(input.UploadId, number, etag);
        }
        chosen.push(stored);
      }
      chosen.forEach((part, index) => {
        if (index < chosen.length - 1 && part.size < minPartSize) {
          throw entityTooSmall(part.size, minPartSize, part.part_number, part.etag);
        }
      });
      const etag = multipartEtag(chosen.map((part) => part.etag));
      const size = chosen.reduce((sum, part) => sum + part.size, 0);
      const checksum = compositeChecksum(upload, chosen);
      const versionId = storeVersion(state, bucket, {
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
      });
      // Parts left out of the object are dropped with the upload.
      const used = new Set(chosen.map((part) => part.blob_id));
      const parts = state.store.deleteUpload(upload.upload_id);
      state.dropBlobIds(parts.filter((part) => !used.has(part.blob_id)).map((part) => part.blob_id));
      objectEvent(state, ctx, bucket, 'ObjectCreated:CompleteMultipartUpload', {
        key: upload.key,
        size,
        etag,
        versionId,
      });
      const out: T.CompleteMultipartUploadOutput = {
        Location: `http://${bucket.name}.s3.localhost/${encodeURIComponent(upload.key)}`,
        Bucket: bucket.name,
        Key: upload.key,
        ETag: etag,
        ServerSideEncryption: 'AES256',
      };
      const version = versionOutput(bucket, versionId);
      if (version) out.VersionId = version;
      if (checksum) {
        (out as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
        out.ChecksumType = checksum.type as T.ChecksumType;
      }
      return out;
    },

    abortMultipartUpload(_ctx, input) {
      state.bucket(input.Bucket);
      uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const parts = state.store.deleteUpload(input.UploadId);
      state.dropBlobIds(parts.map((part) => part.blob_id));
      return {};
    },

    listParts(_ctx, input) {
      state.bucket(input.Bucket);
      const upload = uploadOf(state, input.Bucket, input.Key, input.UploadId);
      const max = Math.min(input.MaxParts ?? 1000, 1000);
      const after = Number(input.PartNumberMarker ?? 0);
      const rows = state.store.parts(input.UploadId, after, max + 1);
      const page = rows.slice(0, max);
      const out: T.ListPartsOutput = {
        Bucket: input.Bucket,
        Key: input.Key,
        UploadId: input.UploadId,
        PartNumberMarker: after,
        MaxParts: max,
        IsTruncated: rows.length > max,
        Parts: page.map((part) => {
          const entry: T.Part = {
            PartNumber: part.part_number,
            LastModified: new Date(part.last_modified),
            ETag: part.etag,
            Size: part.size,
          };
          if (part.checksum) {
            const checksum = JSON.parse(part.checksum) as { algorithm: string; value: string };
            (entry as Record<string, unknown>)[`Checksum${checksum.algorithm}`] = checksum.value;
          }
          return entry;
        }),
        Initiator: ownerOf(upload.owner),
        Owner: ownerOf(upload.owner),
        StorageClass: upload.storage_class as T.StorageClass,
      };
      if (rows.length > max) out.NextPartNumberMarker = page[page.length - 1]?.part_number ?? after;
      if (upload.checksum_algorithm) {
        out.ChecksumAlgorithm = upload.checksum_algorithm as T.ChecksumAlgorithm;
        out.ChecksumType = (upload.checksum_type ?? 'COMPOSITE') as T.ChecksumType;
      }
      return out;
    },

    listMultipartUploads(_ctx, input) {
      state.bucket(input.Bucket);
      const max = Math.min(input.MaxUploads ?? 1000, 1000);
      const prefix = input.Prefix ?? '';
      const rows = state.store.uploadsOf(
        input.Bucket,
        prefix,
        input.KeyMarker ?? '',
        input.UploadIdMarker ?? '',
        max + 1,
      );
      const page = rows.slice(0, max);
      const out: T.ListMultipartUploadsOutput = {
        Bucket: input.Bucket,
        KeyMarker: input.KeyMarker ?? '',
        UploadIdMarker: input.UploadIdMarker ?? '',
        Prefix: prefix,
        MaxUploads: max,
        IsTruncated: rows.length > max,
      };
      if (page.length > 0) {
        out.Uploads = page.map((upload) => ({
          UploadId: upload.upload_id,
          Key: upload.key,
          Initiated: new Date(upload.initiated_at),
          StorageClass: upload.storage_class as T.StorageClass,
          Owner: ownerOf(upload.owner),
          Initiator: ownerOf(upload.owner),
        }));
      }
      if (rows.length > max) {
        const last = page[page.length - 1];
        out.NextKeyMarker = last?.key;
        out.NextUploadIdMarker = last?.upload_id;
      }
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}

/**
 * The checksum of a completed upload: a composite (the checksum of the parts' checksums, then
 * `-N`) unless the upload asked for FULL_OBJECT, which Nimbus cannot combine without the bytes
 * and so leaves out.
 */
function compositeChecksum(
  upload: UploadRow,
  parts: ReadonlyArray<{ checksum: string | null }>,
): { algorithm: string; value: string; type: string } | undefined {
  if (!upload.checksum_algorithm || upload.checksum_type === 'FULL_OBJECT') return undefined;
  const values = parts.map((part) => (part.checksum ? (JSON.parse(part.checksum) as { value: string }).value : ''));
  if (values.some((value) => value === '')) return undefined;
  return {
    algorithm: upload.checksum_algorithm,
    value: `${combine(upload.checksum_algorithm, values)}-${values.length}`,
    type: 'COMPOSITE',
  };
}

function combine(algorithm: string, values: readonly string[]): string {
  // The composite is the checksum, in the same algorithm, of the concatenated binary part checksums.
  const digest = createChecksum(algorithm as ChecksumAlgorithm);
  for (const value of values) digest.update(Buffer.from(value, 'base64'));
  return digest.digest();
}
