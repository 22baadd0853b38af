/**
 * The Runtime API on an environment's Unix socket (runtime-api.ts), for our own runtimes only
 * (node-bootstrap.cts, python-bootstrap.ts), so HTTP/1.1 as those clients speak it: requests
 * with Content-Length bodies (none on a GET), one after another on one connection. Without
 * node:http around it a round trip costs less, and the Node.js runtime saves one write per
 * invocation: it sends its answer and its next long poll together (pipelined), so the 202 for
 * the answer waits and goes out with the next event, in the same write (the runtime needs it no
 * sooner); a 202 with nothing behind it (Python's client waits for it) goes out at once. Every write that wakes the other process
 * costs about 150 µs of CPU on the bench machine, a third of the server's time per invocation.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { answerRequest, isNextPath, maxResponseBytes, type RuntimeApiHandlers } from './runtime-api.js';

const statusText: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
};

function head(status: number, headers: Record<string, string | number>, length: number): string {
  let text = `HTTP/1.1 ${status} ${statusText[status] ?? 'OK'}\r\n`;
  for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
  return `${text}Content-Length: ${length}\r\n\r\n`;
}

function json(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  return head(status, { 'Content-Type': 'application/json' }, Buffer.byteLength(text)) + text;
}

interface Request {
  method: string;
  path: string;
  errorType: string | undefined;
  length: number;
}

class Connection {
  readonly #socket: Socket;
  readonly #handlers: RuntimeApiHandlers;
  #buffer: Buffer = Buffer.alloc(0);
  #request: Request | undefined;
  /** A long poll is waiting: what follows it on the connection waits too. */
  #polling = false;
  /** A 202 that waits to go out with the answer to the long poll behind it. */
  #held = '';
  #closed = false;

  constructor(socket: Socket, handlers: RuntimeApiHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#closed = true;
    });
  }

  #write(text: string | Buffer): void {
    if (!this.#closed) this.#socket.write(text);
  }

  #parse(): void {
    while (!this.#polling && !this.#closed) {
      if (!this.#request) {
        const end = this.#buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = this.#buffer.toString('latin1', 0, end).split('\r\n');
        const [method = '', target = ''] = (lines[0] ?? '').split(' ');
        let length = 0;
        let errorType: string | undefined;
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          if (name === 'content-length') length = Number(line.slice(colon + 1).trim());
          else if (name === 'lambda-runtime-function-error-type') errorType = line.slice(colon + 1).trim();
        }
        this.#buffer = this.#buffer.subarray(end + 4);
        this.#request = { method, path: target.split('?')[0] as string, errorType, length };
      }
      const request = this.#request;
      if (this.#buffer.length < request.length) return;
      const body = this.#buffer.subarray(0, request.length);
      this.#buffer = this.#buffer.subarray(request.length);
      this.#request = undefined;
      this.#answer(request, body);
    }
  }

  #answer(request: Request, body: Buffer): void {
    if (isNextPath(request.method, request.path)) {
      this.#polling = true;
      let answered = false;
      this.#handlers.next({
        send: (headers, payload) => {
          if (answered) return;
          answered = true;
          this.#write(Buffer.concat([Buffer.from(this.#held + head(200, headers, payload.length), 'latin1'), payload]));
          this.#held = '';
          this.#polling = false;
          // Not from inside `#parse` (send may be called within `next`): it goes on by itself.
          queueMicrotask(() => this.#parse());
        },
        abort: () => {
          answered = true;
          this.#socket.destroy();
        },
      });
      return;
    }
    const answer = answerRequest(
      this.#handlers,
      request.method,
      request.path,
      request.errorType,
      request.length > maxResponseBytes ? undefined : body,
    );
    const text = json(answer.status, answer.body);
    // When a long poll follows in the same write, this goes out with its answer (the next
    // event); anything else is answered now, after what was held.
    if (answer.status === 202 && this.#buffer.indexOf('GET ') === 0) {
      this.#held += text;
      return;
    }
    this.#write(this.#held + text);
    this.#held = '';
  }
}

/** A server for the Unix socket, answering with `handlers`; `close` ends its connections too. */
export function localServer(handlers: RuntimeApiHandlers): { server: Server; close(): void } {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, handlers);
  });
  return {
    server,
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}
