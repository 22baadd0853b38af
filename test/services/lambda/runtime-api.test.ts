/**
 * The Runtime API's Unix socket (runtime-local.ts) as our Node.js runtime uses it: raw HTTP/1.1
 * on one connection, the answer and the next long poll pipelined in one write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type NextReply, RuntimeApiServer } from '../../../src/services/lambda/runtime-api.js';

const prefix = '/2018-06-01/runtime';

interface Calls {
  polls: NextReply[];
  responses: Array<[string, string]>;
  errors: Array<[string, string, string | undefined]>;
}

/** Reads what the server writes until `count` whole answers (Content-Length bodies) have come. */
function answers(socket: Socket, count: number): Promise<Array<{ status: number; body: string }>> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const out: Array<{ status: number; body: string }> = [];
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buffer.toString('latin1', 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) break;
        out.push({
          status: Number(head.split(' ')[1]),
          body: buffer.toString('utf8', end + 4, end + 4 + length),
        });
        buffer = buffer.subarray(end + 4 + length);
      }
      if (out.length >= count) {
        socket.off('data', onData);
        resolve(out);
      }
    };
    socket.on('data', onData);
  });
}

function post(path: string, body: string, headers = ''): string {
  return `POST ${prefix}${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;
}

const next = `GET ${prefix}/invocation/next HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`;

describe('Lambda Runtime API on its Unix socket', () => {
  let dir: string;
  let server: RuntimeApiServer;
  const calls: Calls = { polls: [], responses: [], errors: [] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nimbus-runtime-api-'));
    server = await RuntimeApiServer.start(
      {
        next: (reply) => calls.polls.push(reply),
        response: (id, body) => {
          calls.responses.push([id, body.toString()]);
          return id !== 'unknown';
        },
        error: (id, body, type) => {
          calls.errors.push([id, body.toString(), type]);
          return true;
        },
        tooLarge: () => true,
        initError: () => {},
      },
      join(dir, 'api.sock'),
    );
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(): Socket {
    return connect(server.socketPath as string);
  }

  it('answers a long poll with the event, and holds the 202 of a pipelined answer for the next one', async () => {
    const socket = open();
    const first = answers(socket, 1);
    socket.write(next);
    await new Promise((resolve) => setTimeout(resolve, 20));
    calls.polls.shift()?.send({ 'Lambda-Runtime-Aws-Request-Id': 'r1' }, Buffer.from('{"a":1}'));
    assert.deepEqual(await first, [{ status: 200, body: '{"a":1}' }]);

    // The answer and the next long poll in one write, the body split from its head.
    const both = answers(socket, 2);
    const request = post('/invocation/r1/response', '"done"') + next;
    socket.write(request.slice(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 10));
    socket.write(request.slice(40));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(calls.responses, [['r1', '"done"']]);
    assert.equal(calls.polls.length, 1);
    calls.polls.shift()?.send({ 'Lambda-Runtime-Aws-Request-Id': 'r2' }, Buffer.from('{"b":2}'));
    assert.deepEqual(await both, [
      { status: 202, body: '{"status":"OK"}' },
      { status: 200, body: '{"b":2}' },
    ]);
    socket.destroy();
  });

  it('answers an error post with its type, an unknown request id 400 and other paths 404 and 405 at once', async () => {
    const socket = open();
    const got = answers(socket, 4);
    socket.write(
      post('/invocation/r3/error', '{"errorType":"E"}', 'Lambda-Runtime-Function-Error-Type: Handled\r\n') +
        post('/invocation/unknown/response', 'null') +
        post('/nowhere', '') +
        `DELETE ${prefix}/invocation/next HTTP/1.1\r\nContent-Length: 0\r\n\r\n`,
    );
    assert.deepEqual(await got, [
      { status: 202, body: '{"status":"OK"}' },
      { status: 400, body: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}' },
      { status: 404, body: '{"errorMessage":"Unknown path","errorType":"InvalidRequest"}' },
      { status: 405, body: '{"errorMessage":"Method not allowed","errorType":"MethodNotAllowed"}' },
    ]);
    assert.deepEqual(calls.errors.at(-1), ['r3', '{"errorType":"E"}', 'Handled']);
    socket.destroy();
  });
});
