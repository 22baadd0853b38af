/** Data and set-up shared by the S3 listing and multipart tests. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

export const MiB = 1024 * 1024;

/** Deterministic bytes that repeat no short period: `seed` picks the stream. */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    // xorshift32: cheap, and every MiB differs from the next.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

export { md5Hex } from './object-helpers.js';

/** S3's multipart ETag: the MD5 of the parts' binary MD5s, then `-N`. */
export function multipartEtagOf(parts: readonly Uint8Array[]): string {
  const md5 = createHash('md5');
  for (const part of parts) md5.update(createHash('md5').update(part).digest());
  return `"${md5.digest('hex')}-${parts.length}"`;
}

/** The CommonPrefixes of a listing, in order. */
export const prefixesOf = (output: { CommonPrefixes?: Array<{ Prefix?: string }> }) =>
  (output.CommonPrefixes ?? []).map((entry) => entry.Prefix);

/** Puts every key (body: the key itself unless given), a few dozen requests at a time. */
export async function putKeys(s3: S3Client, bucket: string, keys: readonly string[], body?: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body ?? key }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(48, keys.length) }, worker));
}

/**
 * Puts many small objects fast, for a bucket a test only lists: plain PUTs with a SigV4-shaped
 * Authorization (Nimbus reads the account from it and checks no signature unless asked to).
 * Through the SDK, whose middleware costs more per request than the server does, 3,000 keys
 * took several seconds.
 */
export async function seedKeys(endpoint: string, bucket: string, keys: readonly string[], account = '111111111111') {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const authorization = `AWS4-HMAC-SHA256 Credential=${account}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00`;
  const put = (key: string) =>
    new Promise<void>((resolve, reject) => {
      const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      const headers = { authorization, 'content-length': '1', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
      const req = request(new URL(path, endpoint), { method: 'PUT', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${key}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end('x');
    });
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await put(keys[next++] as string);
  };
  try {
    await Promise.all(Array.from({ length: 32 }, worker));
  } finally {
    agent.destroy();
  }
}

/** Keys sorted as S3 lists them: by their UTF-8 bytes, not by UTF-16 code units. */
export function utf8Sorted(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

export async function bodyOf(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (output.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

/** Creates an upload, uploads `parts` as parts 1..N, and answers the upload id and the parts to complete. */
export async function uploadParts(
  s3: S3Client,
  bucket: string,
  key: string,
  parts: readonly Uint8Array[],
): Promise<{ uploadId: string; completed: CompletedPart[] }> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  assert.ok(UploadId);
  const completed: CompletedPart[] = [];
  for (const [index, part] of parts.entries()) {
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: index + 1, Body: part }),
    );
    completed.push({ PartNumber: index + 1, ETag });
  }
  return { uploadId: UploadId, completed };
}

export async function completeUpload(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  parts: CompletedPart[],
) {
  return s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
}
