/**
 * Object bytes in and out, streamed, never held whole: an upload flows through one pass that
 * counts it, takes its MD5 (the ETag) and the checksum the client asked for, into a blob that is
 * fsynced and renamed before the answer; a download streams the blob, or the parts of a
 * multipart object one after another, within an optional byte range.
 */
import * as crypto from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream';
import { errorType } from '../../errors/aws-error.js';
import { type BlobStore, streamBufferBytes } from '../../state/blob-store.js';
import { type ChecksumAlgorithm, crc64nvmeDigest, createChecksum } from './checksums.js';
import { type Digests, type OffloadedDigest, offloadedDigest } from './digest-offload.js';
import { incompleteBody, invalidRequest } from './errors.js';

export interface WrittenBlob {
  blobId: string;
  size: number;
  md5Hex: string;
  /** The checksum of the bytes in `algorithm`, when one was asked for. */
  checksum: string | undefined;
}

/** A small body kept in its object's row instead of a blob (store.ts). */
export interface InlineBody {
  blobId?: undefined;
  bytes: Buffer;
  size: number;
  md5Hex: string;
  checksum: string | undefined;
}

/**
 * The largest single PUT kept in its row. Small enough that the 4,096 latest rows S3Store
 * caches stay within 16 MiB; a 1 KB PUT then writes one row instead of an object row, a blob row
 * and the blob id index, and replacing it deletes no blob.
 */
export const inlineBytes = 4096;

/**
 * A body the edge already holds whole (edge/body.ts), of at most `inlineBytes`, digested;
 * undefined for a stream or a larger body, which go to a blob (writeBlob).
 */
export function inlineBody(
  body: Readable | Buffer | Uint8Array | string | undefined,
  algorithm: ChecksumAlgorithm | undefined,
  expectedLength: number | undefined,
): InlineBody | undefined {
  if (typeof (body as Readable | undefined)?.pipe === 'function') return undefined;
  const bytes = heldBytes(body as Buffer | Uint8Array | string | undefined);
  if (bytes.length > inlineBytes) return undefined;
  if (expectedLength !== undefined && Number.isFinite(expectedLength) && bytes.length < expectedLength) {
    throw incompleteBody();
  }
  return { bytes, size: bytes.length, md5Hex: md5Hex(bytes), checksum: heldChecksum(algorithm, bytes) };
}

function heldBytes(body: Buffer | Uint8Array | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Counts and digests what passes through. */
class Digest extends Transform {
  size = 0;
  readonly md5: Hash = createHash('md5');
  readonly checksum: ReturnType<typeof createChecksum> | undefined;

  constructor(algorithm: ChecksumAlgorithm | undefined) {
    super({ highWaterMark: streamBufferBytes });
    this.checksum = algorithm ? createChecksum(algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.checksum?.update(chunk);
    done(null, chunk);
  }

  digests(): Promise<Digests> {
    return Promise.resolve({ md5Hex: this.md5.digest('hex'), checksum: this.checksum?.digest() });
  }
}

/**
 * From this size (or when the size is unknown) an upload is digested on the worker thread
 * (digest-offload.ts); below it the round trip to the worker costs more than the digest.
 */
const offloadBytes = 4 * 1024 * 1024;

function digestFor(
  algorithm: ChecksumAlgorithm | undefined,
  expectedLength: number | undefined,
): Digest | OffloadedDigest {
  const large = expectedLength === undefined || !Number.isFinite(expectedLength) || expectedLength >= offloadBytes;
  return (large ? offloadedDigest(algorithm) : undefined) ?? new Digest(algorithm);
}

/**
 * Writes a body to a new blob. `expectedLength` (Content-Length, or the decoded length of an
 * aws-chunked body) must match what arrives: fewer bytes is IncompleteBody, and a blob is only
 * ever acknowledged whole.
 */
export async function writeBlob(
  blobs: BlobStore,
  body: Readable | Buffer | Uint8Array | string | undefined,
  algorithm: ChecksumAlgorithm | undefined,
  expectedLength?: number,
): Promise<WrittenBlob> {
  if (typeof (body as Readable | undefined)?.pipe !== 'function') {
    return writeHeldBody(blobs, body as Buffer | Uint8Array | string | undefined, algorithm, expectedLength);
  }
  const digest = digestFor(algorithm, expectedLength);
  const source = body as Readable;
  const blobId = blobs.newId();
  const piped = source.pipe(digest);
  source.on('error', (error) => piped.destroy(error));
  try {
    await blobs.put(blobId, piped);
  } catch (error) {
    await blobs.delete(blobId).catch(() => {});
    throw framingError(error);
  }
  if (expectedLength !== undefined && Number.isFinite(expectedLength) && digest.size < expectedLength) {
    await blobs.delete(blobId);
    throw incompleteBody();
  }
  let digests: Digests;
  try {
    digests = await digest.digests();
  } catch (error) {
    await blobs.delete(blobId).catch(() => {});
    throw error;
  }
  return { blobId, size: digest.size, ...digests };
}

/**
 * A body already in memory (the edge reads a small fixed-length body whole, edge/body.ts):
 * digested in one pass and stored without a stream, which for a 1 KB object is most of the cost.
 */
async function writeHeldBody(
  blobs: BlobStore,
  body: Buffer | Uint8Array | string | undefined,
  algorithm: ChecksumAlgorithm | undefined,
  expectedLength: number | undefined,
): Promise<WrittenBlob> {
  const bytes = heldBytes(body);
  if (expectedLength !== undefined && Number.isFinite(expectedLength) && bytes.length < expectedLength) {
    throw incompleteBody();
  }
  const checksum = heldChecksum(algorithm, bytes);
  const blobId = blobs.newId();
  await blobs.put(blobId, bytes);
  return { blobId, size: bytes.length, md5Hex: md5Hex(bytes), checksum };
}

/** The checksum of bytes held whole; CRC64NVME, S3's default, in one call. */
function heldChecksum(algorithm: ChecksumAlgorithm | undefined, bytes: Buffer): string | undefined {
  if (algorithm === undefined) return undefined;
  if (algorithm === 'CRC64NVME') return crc64nvmeDigest(bytes);
  const checksum = createChecksum(algorithm);
  checksum.update(bytes);
  return checksum.digest();
}

/**
 * The MD5 of bytes held whole: node:crypto's one-shot `hash` (Node >= 20.12) costs a third of a
 * Hash object's create, update and digest for a 1 KB body.
 */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;

function md5Hex(bytes: Buffer): string {
  return oneShotHash ? oneShotHash('md5', bytes, 'hex') : createHash('md5').update(bytes).digest('hex');
}

/** The bytes of an object, or the byte range [start, end] of them, across its blobs in order. */
export function readBlobs(
  blobs: BlobStore,
  pieces: ReadonlyArray<readonly [string, number]>,
  range?: { start: number; end: number },
): Readable | Buffer {
  if (pieces.length === 0) return Buffer.alloc(0);
  if (pieces.length === 1 && pieces[0]) return blobs.held?.(pieces[0][0], range) ?? blobs.stream(pieces[0][0], range);
  const out = new PassThrough();
  const start = range?.start ?? 0;
  const end = range?.end ?? Number.POSITIVE_INFINITY;
  (async () => {
    let offset = 0;
    for (const [id, size] of pieces) {
      const pieceStart = offset;
      const pieceEnd = offset + size - 1;
      offset += size;
      if (size === 0 || pieceEnd < start || pieceStart > end) continue;
      const from = Math.max(start, pieceStart) - pieceStart;
      const to = Math.min(end, pieceEnd) - pieceStart;
      for await (const chunk of blobs.stream(id, { start: from, end: to })) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      }
    }
    out.end();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/** The ETag of a single upload: its MD5, quoted. */
export function etagOf(md5Hex: string): string {
  return `"${md5Hex}"`;
}

/** The ETag of a multipart object: the MD5 of the parts' binary MD5s, then `-N`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag.replace(/"/g, ''), 'hex'));
  return `"${md5.digest('hex')}-${partEtags.length}"`;
}

const InvalidChunkSizeError = errorType('InvalidChunkSizeError', 403);

/** An aws-chunked body that did not decode, in S3's words; anything else as it is. */
function framingError(error: unknown): unknown {
  const failure = error as { name?: string; reason?: string; message?: string; details?: Record<string, number> };
  if (failure?.name !== 'AwsChunkedError') return error;
  switch (failure.reason) {
    case 'IncompleteBody':
    case 'DecodedLengthMismatch':
      return incompleteBody();
    case 'ChunkTooSmall':
      return new InvalidChunkSizeError('Only the last chunk is allowed to have a size less than 8192 bytes', {
        Chunk: failure.details?.chunk,
        BadChunkSize: failure.details?.badChunkSize,
      });
    default:
      return invalidRequest(failure.message ?? 'The aws-chunked body could not be decoded.');
  }
}
