/**
 * The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), as
 * one execution environment sees it: a node:http server of its own on 127.0.0.1 and a port the
 * system picks, never the AWS endpoint. One server per environment, because the API names no
 * environment: every runtime client builds its URLs from AWS_LAMBDA_RUNTIME_API alone, and some
 * (Rust's lambda_runtime) read it as host:port only, so a path prefix would not do.
 *
 *   GET  /2018-06-01/runtime/invocation/next              long poll: the next event
 *   POST /2018-06-01/runtime/invocation/{id}/response      the result
 *   POST /2018-06-01/runtime/invocation/{id}/error         a failure (Lambda-Runtime-Function-Error-Type)
 *   POST /2018-06-01/runtime/init/error                    a failure before the first event
 *
 * The same API also answers on a Unix socket when given one, for our own Node.js runtime
 * (node-bootstrap.cts; runtime-local.ts): a round trip there costs about half what loopback TCP
 * does on the bench machine, and an invocation makes two.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { localServer } from './runtime-local.js';

/** AWS's limit on a synchronous response (test_lambda_too_large_response). */
export const maxResponseBytes = 6291556;

/** Where the answer to one long poll for the next event goes. */
export interface NextReply {
  /** Answers 200 with the event. */
  send(headers: Record<string, string | number>, body: Buffer): void;
  /** Drops the poll unanswered (the environment stops). */
  abort(): void;
}

export interface RuntimeApiHandlers {
  /** The runtime asks for the next event; answer `reply` now or when one comes. */
  next(reply: NextReply): void;
  /** A result or failure for `requestId`; false when no such invocation is running. */
  response(requestId: string, body: Buffer): boolean;
  error(requestId: string, body: Buffer, errorType: string | undefined): boolean;
  /** The response was larger than AWS allows. */
  tooLarge(requestId: string): boolean;
  initError(body: Buffer, errorType: string | undefined): void;
}

const prefix = '/2018-06-01/runtime';
const invocationPath = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** What the API answers to a request other than the long poll. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * Answers a request other than `GET .../invocation/next` (both listeners share this). `body`
 * is undefined when it was longer than AWS allows; `read` is false for a path that takes none.
 */
export function answerRequest(
  handlers: RuntimeApiHandlers,
  method: string | undefined,
  path: string,
  errorType: string | undefined,
  body: Buffer | undefined,
): ApiAnswer {
  if (method !== 'POST')
    return { status: 405, body: { errorMessage: 'Method not allowed', errorType: 'MethodNotAllowed' } };
  if (path === `${prefix}/init/error`) {
    handlers.initError(body ?? Buffer.from('{}'), errorType);
    return { status: 202, body: { status: 'OK' } };
  }
  const match = invocationPath.exec(path);
  if (!match) return { status: 404, body: { errorMessage: 'Unknown path', errorType: 'InvalidRequest' } };
  const requestId = decodeURIComponent(match[1] as string);
  let known: boolean;
  if (body === undefined) {
    known = handlers.tooLarge(requestId);
    if (known) {
      return {
        status: 413,
        body: {
          errorMessage: 'Response payload size exceeded maximum allowed payload size',
          errorType: 'RequestEntityTooLarge',
        },
      };
    }
  } else if (match[2] === 'response') known = handlers.response(requestId, body);
  else known = handlers.error(requestId, body, errorType);
  if (!known) return { status: 400, body: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' } };
  return { status: 202, body: { status: 'OK' } };
}

/** Whether a path is the long poll for the next event. */
export function isNextPath(method: string | undefined, path: string): boolean {
  return method === 'GET' && path === `${prefix}/invocation/next`;
}

/** Whether a request to this path carries a body to read (what `answerRequest` takes). */
export function readsBody(method: string | undefined, path: string): boolean {
  return method === 'POST' && (path === `${prefix}/init/error` || invocationPath.test(path));
}

/** Reads a body up to `limit` bytes; undefined when it is longer (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Listens on a port of 127.0.0.1 (`at` 0: one the system picks) or on a Unix socket's path. */
function listen(server: Server, at: number | string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const listening = (): void => {
      server.off('error', reject);
      resolve();
    };
    server.once('error', reject);
    if (typeof at === 'number') server.listen(at, '127.0.0.1', listening);
    else server.listen(at, listening);
  });
}

export class RuntimeApiServer {
  readonly #server: HttpServer;
  #local: { server: Server; close(): void } | undefined;
  #socketPath: string | undefined;
  readonly #handlers: RuntimeApiHandlers;

  private constructor(handlers: RuntimeApiHandlers) {
    this.#handlers = handlers;
    this.#server = this.#create();
  }

  #create(): HttpServer {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) reply(res, 500, { errorMessage: 'internal error', errorType: 'InternalError' });
      });
    });
    // A long poll may wait for as long as the environment lives.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 0;
    return server;
  }

  /** Listens on 127.0.0.1, and on `socketPath` too when given (a Unix socket; none if it cannot be made). */
  static async start(handlers: RuntimeApiHandlers, socketPath?: string): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(handlers);
    const local = socketPath === undefined ? undefined : localServer(handlers);
    await Promise.all([
      listen(api.#server, 0),
      local &&
        listen(local.server, socketPath as string).then(
          () => {
            api.#local = local;
            api.#socketPath = socketPath;
            local.server.unref();
          },
          () => undefined,
        ),
    ]);
    api.#server.unref();
    return api;
  }

  /** The Unix socket it also answers on, if any. */
  get socketPath(): string | undefined {
    return this.#socketPath;
  }

  /** `127.0.0.1:<port>`, what AWS_LAMBDA_RUNTIME_API holds. */
  get address(): string {
    const address = this.#server.address() as AddressInfo;
    return `127.0.0.1:${address.port}`;
  }

  close(): void {
    this.#server.close();
    this.#server.closeAllConnections();
    if (this.#local) {
      this.#local.close();
      rmSync(this.#socketPath as string, { force: true });
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] as string;
    if (isNextPath(req.method, path)) {
      this.#handlers.next({
        send: (headers, body) => {
          res.writeHead(200, headers);
          res.end(body);
        },
        abort: () => {
          if (!res.headersSent) res.destroy();
        },
      });
      return;
    }
    const errorType = req.headers['lambda-runtime-function-error-type'];
    const type = Array.isArray(errorType) ? errorType[0] : errorType;
    const body = readsBody(req.method, path) ? await readBody(req, maxResponseBytes) : Buffer.alloc(0);
    const answer = answerRequest(this.#handlers, req.method, path, type, body);
    reply(res, answer.status, answer.body);
  }
}
