/**
 * What an upload must prove about its bytes: Content-MD5 (BadDigest, InvalidDigest) and the
 * flexible checksum the client sent in a header or an aws-chunked trailer (CRC32, CRC32C,
 * CRC64NVME, SHA1, SHA256: BadDigest when it does not match what arrived). A refused upload's
 * blob is dropped; nothing of it is ever visible.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { type ChecksumAlgorithm, checksumAlgorithms, isChecksumValue, parseChecksumAlgorithm } from './checksums.js';
import { badDigest, checksumMismatch, invalidDigest, invalidRequest } from './errors.js';
import type { InlineBody, WrittenBlob } from './object-io.js';
import type { S3State } from './state.js';

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

type ChecksumInput = {
  ChecksumAlgorithm?: string;
  ContentMD5?: string;
  Body?: unknown;
} & { [K in `Checksum${ChecksumAlgorithm}`]?: string };

/** The body's trailers, once it has been read whole (aws-chunked bodies carry them). */
function trailersOf(body: unknown): ReadonlyMap<string, string> | undefined {
  const trailers = (body as { trailers?: unknown } | undefined)?.trailers;
  return trailers instanceof Map ? (trailers as ReadonlyMap<string, string>) : undefined;
}

/** The algorithm to compute while the bytes stream in: the one asked for, or the one whose value came. */
export function checksumAlgorithmOf(input: ChecksumInput): ChecksumAlgorithm | undefined {
  const asked = parseChecksumAlgorithm(input.ChecksumAlgorithm);
  if (asked) return asked;
  return checksumAlgorithms.find((algorithm) => input[checksumMember[algorithm]] !== undefined);
}

/** `ChecksumCRC32`, ...: each algorithm's input member, named once rather than on every request. */
const checksumMember = Object.fromEntries(checksumAlgorithms.map((name) => [name, `Checksum${name}` as const])) as {
  [A in ChecksumAlgorithm]: `Checksum${A}`;
};

/**
 * The checksum a single PUT keeps: the algorithm whose value came in a header, else the one an
 * aws-chunked trailer is to carry, else CRC64NVME, which S3 computes for every object whose client
 * sent none; `x-amz-sdk-checksum-algorithm` alone names no checksum
 * (test_s3_checksum_no_automatic_sdk_calculation head-obj-only-checksum-algo, -diff-checksum-algo).
 */
export function objectChecksumAlgorithm(input: ChecksumInput): ChecksumAlgorithm {
  const sent = checksumAlgorithms.find((algorithm) => input[checksumMember[algorithm]] !== undefined);
  if (sent) return sent;
  const trailed = trailersOf(input.Body) !== undefined ? parseChecksumAlgorithm(input.ChecksumAlgorithm) : undefined;
  return trailed ?? 'CRC64NVME';
}

/**
 * Checks what arrived against the Content-MD5 and checksum the client sent. BadDigest reports
 * the expected MD5 in hex for PutObject (`expectedMd5: 'hex'`) and in base64 for UploadPart
 * (test_s3_invalid_content_md5 md5-error-bad-digest, upload-part-md5-bad-digest).
 */
export function checkUploadIntegrity(
  state: S3State,
  input: ChecksumInput,
  written: WrittenBlob | InlineBody,
  algorithm: ChecksumAlgorithm | undefined,
  options: { expectedMd5?: 'hex' | 'base64' } = {},
): StoredChecksum | undefined {
  const refuse = (error: Error): never => {
    state.dropBlobIds([written.blobId]);
    throw error;
  };
  const sent = checksumAlgorithms.filter((name) => input[checksumMember[name]] !== undefined);
  if (sent.length > 1) {
    refuse(invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.'));
  }
  if (input.ContentMD5 !== undefined) {
    const expected = Buffer.from(input.ContentMD5, 'base64');
    if (expected.length !== 16 || expected.toString('base64') !== input.ContentMD5) {
      refuse(invalidDigest(input.ContentMD5));
    }
    const calculated = Buffer.from(written.md5Hex, 'hex').toString('base64');
    if (calculated !== input.ContentMD5) {
      refuse(badDigest(options.expectedMd5 === 'hex' ? expected.toString('hex') : input.ContentMD5, calculated));
    }
  }
  if (!algorithm || written.checksum === undefined) return undefined;
  const header = `x-amz-checksum-${algorithm.toLowerCase()}`;
  const expected = input[`Checksum${algorithm}`] ?? trailersOf(input.Body)?.get(header);
  if (expected !== undefined) {
    if (!isChecksumValue(algorithm, expected)) refuse(invalidRequest(`Value for ${header} header is invalid.`));
    if (expected !== written.checksum) refuse(checksumMismatch(algorithm));
  }
  return { algorithm, value: written.checksum, type: 'FULL_OBJECT' };
}
