/** Writes an HttpResponse, buffered or streamed, with the CORS headers a browser needs. */
import type { Readable } from 'node:stream';
import type { HttpResponse } from '../protocol/types.js';
import { isChunkSource } from '../state/file-range-stream.js';
import { BufferedResponse, type EdgeRequest, type EdgeResponse, hasHeader } from './http1.js';
import { sendPooled } from './pooled-send.js';

/** Headers a browser page may read from our responses (the SDKs in a browser need these). */
const exposedHeaders = [
  'x-amz-request-id',
  'x-amzn-requestid',
  'x-amzn-errortype',
  'x-amz-id-2',
  'x-amz-version-id',
  'x-amz-delete-marker',
  'x-amz-server-side-encryption',
  'etag',
  'date',
].join(', ');

export function corsHeaders(request: EdgeRequest): Record<string, string> | undefined {
  const origin = request.headers.origin;
  if (!origin) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': exposedHeaders,
    vary: 'Origin',
  };
}

/** The answer to a CORS preflight: anything a local page asks for is allowed. */
export function preflight(request: EdgeRequest): HttpResponse {
  return {
    status: 200,
    headers: {
      ...corsHeaders(request),
      'access-control-allow-methods': 'GET, PUT, POST, DELETE, HEAD, PATCH, OPTIONS',
      'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
      'access-control-max-age': '86400',
      'content-length': '0',
    },
  };
}

export function writeResponse(request: EdgeRequest, res: EdgeResponse, response: HttpResponse): void {
  const cors = response.corsDecided ? undefined : corsHeaders(request);
  const headers = cors ? { ...response.headers, ...cors } : response.headers;
  const body = response.body;
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
    // A string goes to node:http as it is: it writes the head and a string body in one piece,
    // where a Buffer would cost a copy and a second chunk.
    const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
    // A 204 or 304 has no body and so no Content-Length (RFC 9110 8.6; S3 sends none on a 204:
    // test_s3 `test_delete_has_empty_content_length_header`).
    if (response.status === 204 || response.status === 304) {
      delete headers['content-length'];
      delete headers['Content-Length'];
    } else if (!('content-length' in headers) && !('Content-Length' in headers)) {
      headers['content-length'] = String(length);
    }
    if (res instanceof BufferedResponse) {
      res.send(response.status, headers, request.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(response.status, headers);
    res.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const stream = body as Readable;
  if (request.method === 'HEAD') {
    stream.destroy();
    if (res instanceof BufferedResponse) res.send(response.status, headers, undefined);
    else res.writeHead(response.status, headers).end();
    return;
  }
  if (res instanceof BufferedResponse) {
    res.stream(response.status, headers, stream);
    return;
  }
  try {
    res.writeHead(response.status, headers);
  } catch (error) {
    stream.destroy(); // an S3 file stream holds a descriptor
    throw error;
  }
  // A file of known length is sent from recycled buffers (edge/pooled-send.ts).
  if (isChunkSource(stream) && hasHeader(headers, 'content-length')) {
    sendPooled(res, '', stream, () => {
      if (res.writable) res.end();
    });
    return;
  }
  stream.on('error', () => res.destroy());
  // A client that hangs up mid-answer ends the source too (pipe leaves it open): an S3 file
  // stream closes its descriptor, an event stream stops reading its provider.
  res.on('close', () => {
    if (!res.writableFinished) stream.destroy();
  });
  stream.pipe(res);
}

/** The answer to a request that failed outside the pipeline: 500, or a dropped connection once answering began. */
export function answerFailure(res: EdgeResponse): void {
  if (res instanceof BufferedResponse) {
    res.fail();
    return;
  }
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
  res.end('Internal error');
}

/** `listener` runs if the client goes away before the answer is written; returns how to stop it. */
export function onClientGone(res: EdgeResponse, listener: () => void): () => void {
  if (res instanceof BufferedResponse) return res.onClientGone(listener);
  // node:http's `res` closes when the answer is written or the connection drops; only the latter counts.
  const onClose = (): void => {
    if (!res.writableFinished) listener();
  };
  res.once('close', onClose);
  return () => res.off('close', onClose);
}
