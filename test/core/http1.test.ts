/**
 * HTTP/1.1 on the wire: the requests our own reader answers (edge/http1.ts) and the ones it
 * gives to node:http, written byte by byte on a raw socket as clients send them.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../helpers/cloud.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const auth = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc';
const identityForm = 'Action=GetCallerIdentity&Version=2011-06-15';

/** A whole GetCallerIdentity request, Content-Length framed. */
function identityRequest(extraHeaders = ''): string {
  return (
    'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
    `Authorization: ${auth}\r\n${extraHeaders}Content-Length: ${identityForm.length}\r\n\r\n${identityForm}`
  );
}

/** Reads answers off a connection: as many as asked, or what came before the server closed it. */
class Wire {
  readonly socket: Socket;
  #data = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      this.#data = Buffer.concat([this.#data, chunk]);
      this.#wake?.();
    });
    this.socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
    this.socket.on('error', () => {});
  }

  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The next answer, or undefined once the server closed the connection; fails after 5 s. */
  async next(): Promise<Answer | undefined> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const answer = this.#take();
      if (answer) return answer;
      if (this.#closed) return undefined;
      if (Date.now() > deadline) throw new Error(`no answer within 5 s; got ${JSON.stringify(this.#data.toString())}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  #take(): Answer | undefined {
    const end = this.#data.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = this.#data.toString('latin1', 0, end).split('\r\n');
    const status = Number((lines[0] as string).split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    let at = end + 4;
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = this.#data.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = Number.parseInt(this.#data.toString('latin1', at, lineEnd), 16);
        if (this.#data.length < lineEnd + 2 + size + 2) return undefined;
        parts.push(this.#data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = status === 100 ? 0 : Number(headers['content-length'] ?? 0);
      if (this.#data.length < at + length) return undefined;
      body = this.#data.subarray(at, at + length);
      at += length;
    }
    this.#data = this.#data.subarray(at);
    return { status, headers, body: body.toString('utf8') };
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('HTTP/1.1 on the wire', () => {
  let cloud: NimbusCloud;
  let port: number;
  before(async () => {
    cloud = await startCloud();
    port = Number(new URL(cloud.endpoint).port);
  });
  after(() => cloud.stop());

  test('answers requests pipelined in one write in order, each whole, with Date and keep-alive', async () => {
    const wire = new Wire(port);
    const listQueues =
      'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n' +
      `X-Amz-Target: AmazonSQS.ListQueues\r\nAuthorization: ${auth.replace('/sts/', '/sqs/')}\r\nContent-Length: 2\r\n\r\n{}`;
    wire.send(identityRequest() + listQueues + identityRequest());
    const first = await wire.next();
    const second = await wire.next();
    const third = await wire.next();
    wire.close();
    assert.equal(first?.status, 200);
    assert.match(first?.body ?? '', /<Account>000000000000<\/Account>/);
    assert.equal(second?.status, 200);
    assert.deepEqual(JSON.parse(second?.body ?? ''), {});
    assert.equal(third?.status, 200);
    assert.match(third?.body ?? '', /<GetCallerIdentityResponse/);
    assert.equal(first?.headers.connection, 'keep-alive');
    assert.equal(first?.headers['keep-alive'], 'timeout=65');
    assert.ok(!Number.isNaN(Date.parse(first?.headers.date ?? '')));
  });

  test('reads a body that arrives in many pieces', async () => {
    const wire = new Wire(port);
    const request = Buffer.from(identityRequest());
    for (let i = 0; i < request.length; i += 7) {
      wire.send(request.subarray(i, i + 7));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const answer = await wire.next();
    wire.close();
    assert.equal(answer?.status, 200);
    assert.match(answer?.body ?? '', /<Account>000000000000<\/Account>/);
  });

  test('a chunked body goes to node:http, which answers it and the requests after it', async () => {
    const wire = new Wire(port);
    const chunked =
      'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      `Authorization: ${auth}\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${(20).toString(16)}\r\n${identityForm.slice(0, 20)}\r\n` +
      `${(identityForm.length - 20).toString(16)}\r\n${identityForm.slice(20)}\r\n0\r\n\r\n`;
    wire.send(identityRequest() + chunked + identityRequest());
    const answers = [await wire.next(), await wire.next(), await wire.next()];
    wire.close();
    assert.deepEqual(
      answers.map((answer) => answer?.status),
      [200, 200, 200],
    );
    for (const answer of answers) assert.match(answer?.body ?? '', /<Account>000000000000<\/Account>/);
  });

  test('Expect: 100-continue gets 100 Continue, then the answer', async () => {
    const wire = new Wire(port);
    const head = identityRequest('Expect: 100-continue\r\n');
    wire.send(head.slice(0, head.length - identityForm.length));
    const interim = await wire.next();
    wire.send(identityForm);
    const answer = await wire.next();
    wire.close();
    assert.equal(interim?.status, 100);
    assert.equal(answer?.status, 200);
    assert.match(answer?.body ?? '', /<Account>000000000000<\/Account>/);
  });

  test('a request after an answered one on the same connection is still answered after a hand-off', async () => {
    const wire = new Wire(port);
    wire.send(identityRequest());
    const first = await wire.next();
    wire.send(identityRequest('Connection: close\r\n'));
    const second = await wire.next();
    const after = await wire.next();
    assert.equal(first?.status, 200);
    assert.equal(second?.status, 200);
    assert.equal(second?.headers.connection, 'close');
    assert.equal(after, undefined);
  });

  test('lines ended by a bare LF answer 400 at once instead of waiting', async () => {
    const wire = new Wire(port);
    wire.send('GET / HTTP/1.1\nHost: localhost\n\n');
    const answer = await wire.next();
    wire.close();
    assert.equal(answer?.status, 400);
  });

  test('bytes that are no HTTP request answer 400', async () => {
    const wire = new Wire(port);
    wire.send('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not a request\r\n\r\n');
    const answer = await wire.next();
    wire.close();
    assert.equal(answer?.status, 400);
  });

  test('header names in any case are read as their lower-case names', async () => {
    const wire = new Wire(port);
    const request = identityRequest()
      .replace('Host:', 'HOST:')
      .replace('Content-Type:', 'content-TYPE:')
      .replace('Authorization:', 'AUTHORIZATION:')
      .replace('Content-Length:', 'CONTENT-length:');
    wire.send(request);
    const answer = await wire.next();
    wire.close();
    assert.equal(answer?.status, 200);
    assert.match(answer?.body ?? '', /<Account>000000000000<\/Account>/);
  });

  for (const [what, bytes] of [
    ['a control character in a header value', 'X-Bad: a\x01b\r\n'],
    ['a lone CR in a header value', 'X-Bad: a\rb\r\n'],
    ['a space before the colon of a header name', 'X-Bad : b\r\n'],
    ['a header line with no colon', 'X-Bad\r\n'],
    ['a folded header line', 'X-Bad: a\r\n b\r\n'],
  ] as const) {
    test(`${what} answers 400 as node:http answers it`, async () => {
      const wire = new Wire(port);
      wire.send(identityRequest(bytes));
      const answer = await wire.next();
      wire.close();
      assert.equal(answer?.status, 400);
    });
  }

  test('a head longer than 64 KB answers 431', async () => {
    const wire = new Wire(port);
    wire.send(`GET / HTTP/1.1\r\nHost: localhost\r\nX-Long: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    const answer = await wire.next();
    wire.close();
    assert.equal(answer?.status, 431);
  });

  test('a header repeated in the request reaches the service joined, as node:http joins it', async () => {
    const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'wire-headers' }));
    await s3.send(new PutObjectCommand({ Bucket: 'wire-headers', Key: 'k', Body: 'x' }));
    const wire = new Wire(port);
    wire.send(
      'GET /wire-headers/k HTTP/1.1\r\nHost: localhost\r\n' +
        `Authorization: ${auth.replace('/sts/', '/s3/')}\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n` +
        // The object's ETag only in the second: kept alone, the first would answer 412.
        'If-Match: "nope"\r\nIf-Match: "9dd4e461268c8034f5c8564e155c67a6"\r\n\r\n',
    );
    const answer = await wire.next();
    wire.close();
    s3.destroy();
    assert.equal(answer?.status, 200);
    assert.equal(answer?.body, 'x');
  });

  test('a header value with a line break in an answer is never written: 500 and no injected header', async () => {
    const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'wire-inject' }));
    // A small object is answered from memory; one past 64 KiB streams from its file.
    await s3.send(new PutObjectCommand({ Bucket: 'wire-inject', Key: 'small', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: 'wire-inject', Key: 'large', Body: Buffer.alloc(100 * 1024, 1) }));
    s3.destroy();
    for (const key of ['small', 'large']) {
      const wire = new Wire(port);
      wire.send(
        `GET /wire-inject/${key}?response-content-disposition=a%0D%0AX-Injected%3A%20yes HTTP/1.1\r\nHost: localhost\r\n` +
          `Authorization: ${auth.replace('/sts/', '/s3/')}\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n\r\n`,
      );
      const answer = await wire.next();
      wire.close();
      assert.equal(answer?.headers['x-injected'], undefined, key);
      assert.equal(answer?.status, 500, key);
    }
  });
});
