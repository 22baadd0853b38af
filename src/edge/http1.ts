/**
 * HTTP/1.1 for the plain requests that make up nearly all of the traffic, read and answered on
 * the socket without node:http: a request whose head is well formed and ordinary (below) and
 * whose body has a Content-Length of at most `bufferedBodyBytes` is read whole into a
 * `BufferedRequest`, handed to the edge, and answered by a `BufferedResponse` in one write.
 * On the bench machine node:http's parser, request and response objects and stream machinery
 * cost about 22 µs of the 58 µs a bare node:http server spends per small request (a bare
 * net.Socket server answering the same requests: 36 µs): a sixth of an SQS SendMessage.
 *
 * Anything else goes to node:http, which then owns the connection for good: the bytes not yet
 * answered are put back on the socket and node:http's own connection handler takes it, exactly
 * as when it accepts a connection. So chunked request bodies, `Expect: 100-continue`, upgrades,
 * `Connection: close`, HTTP/1.0, repeated headers, large bodies (S3 parts, 1 GB puts streamed to
 * disk) and every malformed or oversized head are node:http's, with its answers (400, 431) and
 * its limits; this reader only ever says "not mine".
 *
 * Requests on one connection are answered in order, one at a time, as node:http does: bytes a
 * client pipelines wait in the buffer (the socket pauses once that holds a request's worth) until
 * the answer before them is written.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { isChunkSource } from '../state/file-range-stream.js';
import { sendPooled } from './pooled-send.js';

/** A request as the edge reads it: node:http's (or HTTP/2's, in its shape), or read here. */
export type EdgeRequest = IncomingMessage | BufferedRequest;
/** Where its answer goes. */
export type EdgeResponse = ServerResponse | BufferedResponse;

/** The largest body read whole here; a larger one is node:http's, streamed. */
export const bufferedBodyBytes = 1024 * 1024 + 64 * 1024;

/** The longest head looked for; past it node:http answers 431 as it does for its own limit. */
const maxHeadBytes = 64 * 1024;

/** node:http's keep-alive timeout, which server.ts sets: an idle connection closes after it. */
const idleMs = 65_000;

/** A request read whole: what the edge reads of node:http's IncomingMessage, and the body. */
export class BufferedRequest {
  readonly method: string;
  readonly url: string;
  /** Names in lower case, as node:http gives them (a repeated header is node:http's). */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly socket: Socket;

  constructor(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer, socket: Socket) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.body = body;
    this.socket = socket;
  }

  /** True once the client is gone. */
  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  /** The body as a stream, for an operation that takes its payload as one. */
  bodyStream(): Readable {
    return Readable.from([this.body], { objectMode: false });
  }
}

type Headers = Record<string, string | string[] | number>;

/** RFC 9110 5.6.2 token: what node:http accepts as a header name. */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * What node:http refuses in a header value it writes (ERR_INVALID_CHAR), and in a head it reads
 * (read as latin1, a head has no character past \xff): control characters other than tab.
 */
const invalidValue = /[^\t\x20-\x7e\x80-\xff]/;
/** Anything but tab and visible ASCII: a value with none needs no closer look. */
const notPlainAscii = /[^\t\x20-\x7e]/;
const digits = /^\d{1,10}$/;

let dateSecond = 0;
let dateText = '';

/** The Date header as node:http writes it, from the wall clock (not the Nimbus clock), kept a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** Response header names already found to be tokens: the same few dozen names, again and again. */
const tokenNames = new Set<string>();
/** Whether the last head `responseHead` made has bytes past ASCII (it must then go as latin1). */
let lastHeadLatin1 = false;

/**
 * The head of an answer, with the Date and keep-alive headers node:http adds. Throws, as
 * node:http's writeHead does, on a header name or value it would refuse, before a byte is written.
 */
function responseHead(status: number, headers: Headers, extra: string): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  let dated = false;
  lastHeadLatin1 = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!tokenNames.has(name)) {
      if (!token.test(name)) throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
      if (tokenNames.size < 1024) tokenNames.add(name);
    }
    if (name.length === 4 && name.toLowerCase() === 'date') dated = true;
    if (Array.isArray(value)) {
      for (const one of value) head += headerLine(name, one);
    } else head += headerLine(name, value);
  }
  if (!dated) head += `Date: ${httpDate()}\r\n`;
  return `${head}${extra}Connection: keep-alive\r\nKeep-Alive: timeout=${idleMs / 1000}\r\n\r\n`;
}

function headerLine(name: string, value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (notPlainAscii.test(text)) {
    if (invalidValue.test(text)) throw new TypeError(`Invalid character in header content ["${name}"]`);
    lastHeadLatin1 = true;
  }
  return `${name}: ${text}\r\n`;
}

/** Whether a header of the answer is there, in any case (`lower` is the name in lower case). */
export function hasHeader(headers: Headers, lower: string): boolean {
  if (lower in headers) return true;
  for (const name in headers) if (name.length === lower.length && name.toLowerCase() === lower) return true;
  return false;
}

/** The answer to one BufferedRequest, written on its connection. */
export class BufferedResponse {
  readonly #connection: Http1Connection;
  #headersSent = false;
  #finished = false;
  #gone: Array<() => void> | undefined;

  constructor(connection: Http1Connection) {
    this.#connection = connection;
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  /** Answers with a whole body (none on a HEAD: `body` is then undefined). */
  send(status: number, headers: Headers, body: string | Buffer | undefined): void {
    const head = responseHead(status, headers, '');
    this.#headersSent = true;
    const socket = this.#connection.socket;
    if (socket.writable) {
      const latin1 = lastHeadLatin1;
      if (body === undefined || body.length === 0) socket.write(head, 'latin1');
      else if (typeof body === 'string' && !latin1) socket.write(head + body);
      else if (Buffer.isBuffer(body) && body.length <= 16 * 1024)
        socket.write(head + body.toString('latin1'), 'latin1');
      else {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      }
    }
    this.#finish();
  }

  /**
   * Answers with a body read from `body`: as it comes when the headers give its length,
   * else in chunks (RFC 9112 7.1). Pauses `body` while the socket is full; a client that
   * hangs up ends it.
   */
  stream(status: number, headers: Headers, body: Readable): void {
    const chunked = !hasHeader(headers, 'content-length');
    let head: string;
    try {
      head = responseHead(status, headers, chunked ? 'Transfer-Encoding: chunked\r\n' : '');
    } catch (error) {
      body.destroy(); // an S3 file stream holds a descriptor
      throw error;
    }
    this.#headersSent = true;
    const socket = this.#connection.socket;
    if (!socket.writable) {
      body.destroy();
      this.#finish();
      return;
    }
    if (!chunked && isChunkSource(body)) {
      sendPooled(socket, head, body, () => this.#finish());
      return;
    }
    // The head goes out with the first chunk, in one write, as node:http sends it.
    let headPending = true;
    const onDrain = (): void => {
      body.resume();
    };
    const onClose = (): void => {
      body.destroy();
    };
    socket.on('drain', onDrain);
    socket.once('close', onClose);
    const done = (): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
    };
    body.on('data', (chunk: Buffer | string) => {
      const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      // An empty chunk would end a chunked body.
      if (length === 0 || !socket.writable) return;
      let flowing: boolean;
      socket.cork();
      if (headPending) {
        headPending = false;
        socket.write(head, 'latin1');
      }
      if (chunked) {
        socket.write(`${length.toString(16)}\r\n`, 'latin1');
        socket.write(chunk);
        flowing = socket.write('\r\n', 'latin1');
      } else flowing = socket.write(chunk);
      socket.uncork();
      if (!flowing) body.pause();
    });
    body.once('end', () => {
      done();
      if (socket.writable) {
        const tail = chunked ? '0\r\n\r\n' : '';
        if (headPending || tail) socket.write(headPending ? head + tail : tail, 'latin1');
      }
      this.#finish();
    });
    body.once('error', () => {
      done();
      socket.destroy();
    });
  }

  /** Answers 500 if nothing was written yet, else drops the connection (node:http's fallback). */
  fail(): void {
    if (this.#finished) return;
    if (!this.#headersSent) this.send(500, { 'content-type': 'text/plain', 'content-length': 14 }, 'Internal error');
    else this.#connection.socket.destroy();
  }

  /** Calls `listener` if the client goes away before the answer is written; returns how to stop. */
  onClientGone(listener: () => void): () => void {
    if (this.#finished) return () => {};
    (this.#gone ??= []).push(listener);
    return () => {
      const index = this.#gone?.indexOf(listener) ?? -1;
      if (index >= 0) this.#gone?.splice(index, 1);
    };
  }

  /** The connection closed: tells whoever waits for the client, unless the answer went out. */
  closed(): void {
    if (this.#finished) return;
    this.#finished = true;
    const gone = this.#gone;
    this.#gone = undefined;
    if (gone) for (const listener of gone) listener();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#gone = undefined;
    this.#connection.answered();
  }
}

/** A parsed head; `length` is the body's. */
interface Head {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  length: number;
}

/** Bytes of a header name (an RFC 9110 token), and of a value: tab, visible ASCII, \x80-\xff. */
const tokenBytes = new Uint8Array(256);
const valueBytes = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const c = String.fromCharCode(b);
  tokenBytes[b] = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(c) ? 1 : 0;
  valueBytes[b] = b === 9 || (b >= 0x20 && b <= 0x7e) || b >= 0x80 ? 1 : 0;
}

/**
 * The header names the SDKs, the CLI and browsers send, by length: matched in the bytes, in any
 * case, they cost no string to lower-case and look up, which cost a quarter of a request's head.
 */
const knownNames = new Map<number, string[]>();
for (const name of [
  'host',
  'accept',
  'accept-encoding',
  'authorization',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'connection',
  'content-length',
  'content-md5',
  'content-type',
  'user-agent',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-target',
  'x-amz-user-agent',
  'x-amz-checksum-crc32',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-decoded-content-length',
  'x-amz-query-mode',
  'x-amzn-query-mode',
  'x-amz-trailer',
  'content-encoding',
  'origin',
  'referer',
]) {
  const key = (name.length << 8) | name.charCodeAt(0);
  knownNames.set(key, [...(knownNames.get(key) ?? []), name]);
}

/** The lower-case name of the header in `buf` from `start` to `end` (token bytes). */
function headerName(buf: Buffer, start: number, end: number): string {
  const length = end - start;
  const candidates = knownNames.get((length << 8) | (buf[start] as number) | 0x20);
  if (candidates) {
    // A token byte that ORed with 0x20 gives one of a-z, 0-9 or '-' is that byte or its capital.
    next: for (const name of candidates) {
      for (let k = 1; k < length; k++) if (((buf[start + k] as number) | 0x20) !== name.charCodeAt(k)) continue next;
      return name;
    }
  }
  return buf.toString('latin1', start, end).toLowerCase();
}

const httpVersion = Buffer.from(' HTTP/1.1');

/**
 * Reads the head in `buf` before `end` (where its CRLF CRLF starts) if this reader takes it, or
 * undefined when node:http should have the request: anything but `METHOD /target HTTP/1.1` with
 * distinct, well-formed headers, a plain Content-Length, and none of Transfer-Encoding, Expect,
 * Upgrade or a Connection other than keep-alive. One pass over the bytes: a control character
 * other than tab, or a CR or LF that is not a CRLF line end, sends it to node:http, which refuses
 * the same.
 */
function parseHead(buf: Buffer, end: number): Head | undefined {
  let i = 0;
  while (i < end && (buf[i] as number) >= 0x41 && (buf[i] as number) <= 0x5a) i++;
  if (i === 0 || buf[i] !== 0x20 || buf[i + 1] !== 0x2f) return undefined;
  const verb = buf.toString('latin1', 0, i);
  const urlStart = ++i;
  while (i < end && (buf[i] as number) >= 0x21 && (buf[i] as number) <= 0x7e) i++;
  const urlEnd = i;
  if (i + 9 > end || buf.compare(httpVersion, 0, 9, i, i + 9) !== 0) return undefined;
  i += 9;
  const url = buf.toString('latin1', urlStart, urlEnd);
  const headers: IncomingHttpHeaders = {};
  let length = 0;
  while (i < end) {
    if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) return undefined;
    i += 2;
    const nameStart = i;
    while (i < end && tokenBytes[buf[i] as number] === 1) i++;
    if (i === nameStart || i >= end || buf[i] !== 0x3a) return undefined;
    const name = headerName(buf, nameStart, i);
    // Also turns away names of Object.prototype (`__proto__`, `constructor`).
    if (headers[name] !== undefined) return undefined;
    i++;
    while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    const valueStart = i;
    while (i < end && valueBytes[buf[i] as number] === 1) i++;
    let valueEnd = i;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === 0x20 || buf[valueEnd - 1] === 0x09)) valueEnd--;
    const value = valueEnd === valueStart ? '' : buf.toString('latin1', valueStart, valueEnd);
    switch (name) {
      case 'content-length':
        if (!digits.test(value)) return undefined;
        length = Number(value);
        if (length > bufferedBodyBytes) return undefined;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return undefined;
      case 'connection':
        if (value.toLowerCase() !== 'keep-alive') return undefined;
        break;
    }
    headers[name] = value;
  }
  return { method: verb, url, headers, length };
}

const emptyBuffer = Buffer.alloc(0);
const headEnd = Buffer.from('\r\n\r\n');
const lfLf = Buffer.from('\n\n');

/**
 * One client connection while this reader has it. `handle` gets each request; `handOff` gives
 * the socket to node:http (with what it has not answered put back on it).
 */
export class Http1Connection {
  readonly socket: Socket;
  readonly #handle: (request: BufferedRequest, response: BufferedResponse) => void;
  readonly #handOff: (socket: Socket) => void;
  #buffer: Buffer;
  /** The head of the request whose body is still arriving. */
  #head: Head | undefined;
  #bodyStart = 0;
  /** The answer being made; the next request waits for it. */
  #response: BufferedResponse | undefined;
  /** The client ended its side. */
  #ended = false;
  #paused = false;
  /** node:http has the socket now. */
  #given = false;
  /** Chunks of a body still arriving, joined once it is all here (a 1 MiB body comes in 16 or more). */
  #parts: Buffer[] = [];
  #partsLength = 0;
  /** How many bytes the buffer lacks for the request in it to be whole. */
  #lacking = 0;
  readonly #onData = (chunk: Buffer): void => {
    if (this.#lacking > 0) {
      this.#parts.push(chunk);
      this.#partsLength += chunk.length;
      if (this.#partsLength < this.#lacking) return;
      this.#buffer = Buffer.concat([this.#buffer, ...this.#parts]);
      this.#parts = [];
      this.#partsLength = 0;
      this.#lacking = 0;
    } else this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    this.#parse();
  };
  /**
   * A client that ends its side is gone, as node:http takes it (without httpAllowHalfOpen): the
   * answer in hand is dropped and its waiters told, and the connection ends.
   */
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#onClose();
    if (this.socket.writable) this.socket.end();
  };
  readonly #onClose = (): void => {
    this.#response?.closed();
    this.#response = undefined;
  };
  readonly #onTimeout = (): void => {
    // A long answer (a long poll, a 15-minute invocation) is no idle connection; the socket's
    // timer starts again with its next write.
    if (!this.#response) this.socket.destroy();
  };
  readonly #onError = (): void => {
    this.socket.destroy();
  };

  constructor(
    socket: Socket,
    first: Buffer,
    handle: (request: BufferedRequest, response: BufferedResponse) => void,
    handOff: (socket: Socket) => void,
  ) {
    this.socket = socket;
    this.#handle = handle;
    this.#handOff = handOff;
    this.#buffer = first;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('timeout', this.#onTimeout);
    socket.on('error', this.#onError);
    socket.setTimeout(idleMs);
    this.#parse();
    if (!this.#paused && !this.#given) socket.resume();
  }

  /** The answer in hand is written: the next request may go. */
  answered(): void {
    this.#response = undefined;
    if (this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
    // Not from within the answer's own call stack: what was pipelined behind it goes next.
    if (this.#buffer.length > 0) queueMicrotask(() => this.#parse());
  }

  #parse(): void {
    while (!this.#response && this.#buffer.length > 0 && !this.#ended && !this.socket.destroyed) {
      const buffer = this.#buffer;
      let head = this.#head;
      if (!head) {
        const end = buffer.indexOf(headEnd);
        if (end < 0) {
          // Too long, not a request line, or lines ended by a bare LF: node:http's to refuse,
          // at once (waiting for a CRLF CRLF that never comes would hang the client).
          const first = buffer[0] as number;
          if (buffer.length > maxHeadBytes || first < 0x41 || first > 0x5a || buffer.indexOf(lfLf) >= 0) {
            this.#giveAway();
          }
          return;
        }
        head = end > maxHeadBytes ? undefined : parseHead(buffer, end);
        if (!head) {
          this.#giveAway();
          return;
        }
        this.#head = head;
        this.#bodyStart = end + 4;
      }
      const total = this.#bodyStart + head.length;
      if (buffer.length < total) {
        this.#lacking = total - buffer.length;
        return;
      }
      const body = head.length === 0 ? emptyBuffer : buffer.subarray(this.#bodyStart, total);
      this.#buffer = total === buffer.length ? emptyBuffer : buffer.subarray(total);
      this.#head = undefined;
      const response = new BufferedResponse(this);
      this.#response = response;
      this.#handle(new BufferedRequest(head.method, head.url, head.headers, body, this.socket), response);
    }
    // A client pipelining while an answer is made: hold a request's worth, no more.
    if (this.#response && this.#buffer.length > bufferedBodyBytes + maxHeadBytes && !this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  /** node:http takes the connection, from the first byte not yet answered. */
  #giveAway(): void {
    const socket = this.socket;
    this.#given = true;
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('close', this.#onClose);
    socket.off('timeout', this.#onTimeout);
    socket.off('error', this.#onError);
    socket.setTimeout(0);
    socket.pause();
    if (this.#buffer.length > 0) socket.unshift(this.#buffer);
    this.#buffer = emptyBuffer;
    this.#handOff(socket);
    socket.resume();
  }
}
