/**
 * Reads a request body into memory within a limit. A declared Content-Length past the limit is
 * refused before a byte is read; a gzip body (`Content-Encoding: gzip`, which the newest SDKs
 * send for CloudWatch PutMetricData) is inflated within the same limit.
 */
import type { Readable } from 'node:stream';
import { gunzip } from 'node:zlib';
import { RequestEntityTooLarge, SerializationException } from '../errors/framework.js';
import { BufferedRequest, type EdgeRequest } from './http1.js';

export const emptyBody = Buffer.alloc(0);

/**
 * The largest streaming payload (an S3 PutObject or UploadPart body) read whole before the
 * provider sees it, when its Content-Length says it is this small: a 1 KB object then costs no
 * stream, and the bytes are stored exactly as they came (never inflated).
 */
export const heldPayloadBytes = 64 * 1024;

/** Whether a streaming payload is small and of a declared length, so cheaper read whole. */
export function isSmallPayload(request: EdgeRequest): boolean {
  if (request instanceof BufferedRequest) return request.body.length <= heldPayloadBytes;
  const declared = request.headers['content-length'];
  if (declared === undefined || request.headers['transfer-encoding'] !== undefined) return false;
  const length = Number(declared);
  return Number.isInteger(length) && length >= 0 && length <= heldPayloadBytes;
}

/** A small payload whole, as sent (no gzip inflation: the bytes are the object). */
export function readPayload(request: EdgeRequest): Promise<Buffer> {
  return readBody(request, heldPayloadBytes, false);
}

/** A streaming payload still unread (or, read whole already, as a stream). */
export function payloadStream(request: EdgeRequest): Readable {
  return request instanceof BufferedRequest ? request.bodyStream() : request;
}

export function readBody(request: EdgeRequest, limit: number, inflateGzip = true): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.reject(new RequestEntityTooLarge(limit));
  if (declared === 0) return Promise.resolve(emptyBody);
  if (request instanceof BufferedRequest) {
    const body = request.body;
    if (body.length > limit) return Promise.reject(new RequestEntityTooLarge(limit));
    if (inflateGzip && request.headers['content-encoding']?.toLowerCase() === 'gzip') return inflate(body, limit);
    return Promise.resolve(body);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        request.pause();
        reject(new RequestEntityTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (failed) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      if (inflateGzip && request.headers['content-encoding']?.toLowerCase() === 'gzip') {
        inflate(body, limit).then(resolve, reject);
      } else resolve(body);
    });
    request.on('error', (error) => {
      if (!failed) reject(error);
      failed = true;
    });
  });
}

function inflate(body: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: limit }, (error, inflated) => {
      if (!error) resolve(inflated);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        reject(new RequestEntityTooLarge(limit));
      else reject(new SerializationException('The request body is not valid gzip'));
    });
  });
}
