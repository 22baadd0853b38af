/**
 * The Node.js runtime of Nimbus's Lambda: run by the machine's Node.js in a child process of its
 * own, with the task root as its working directory. It speaks the Lambda Runtime API
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) to the server
 * AWS_LAMBDA_RUNTIME_API names, as AWS's own Node.js runtime does:
 *
 * - `_HANDLER` is `path/module.function`: the module is `path/module` with `.js`, `.mjs` or
 *   `.cjs`, ES module when `.mjs` or `.js` under a package.json with `"type": "module"`, else
 *   CommonJS; the function may be a nested export (`module.a.b`). Loading fails as AWS's does:
 *   Runtime.MalformedHandlerName, Runtime.ImportModuleError, Runtime.HandlerNotFound,
 *   Runtime.UserCodeSyntaxError, reported to `/init/error`.
 * - Handlers may be async (a promise) or take a callback (three parameters); the result goes to
 *   `/response` as JSON (`undefined` as `null`), a failure to `/error` as
 *   `{errorType, errorMessage, trace}` (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html).
 * - `console.*` writes `<ISO time>\t<request id>\t<LEVEL>\t<message>` as AWS's runtime does
 *   (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html), one record per call on
 *   the log descriptor NIMBUS_LOG_FD (so that a multi-line message stays one log event).
 *
 * This file runs outside Nimbus: it imports nothing but Node's own modules. It is CommonJS
 * (`.cts`, compiled to `.cjs`) and speaks HTTP with a client of its own over one kept-alive
 * connection, because every environment pays its start-up: an ES module entry costs Node about
 * 10 ms more CPU to start than a CommonJS one on the bench machine, and loading node:http
 * another 3 to 5 ms, of about 45 ms in all. The client is enough for the one server it talks
 * to (Nimbus's Runtime API: sequential requests, answers with Content-Length), and cheaper per
 * request than node:http's. When NIMBUS_RUNTIME_API_SOCKET names a Unix socket of that server,
 * it connects there instead of to AWS_LAMBDA_RUNTIME_API: the same API, half the cost of a
 * loopback TCP round trip.
 */
import fs = require('node:fs');
import nodeModule = require('node:module');
import net = require('node:net');
import path = require('node:path');
import util = require('node:util');

const { existsSync, readFileSync, writeSync } = fs;
const { dirname, join, resolve } = path;

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
const [apiHost, apiPort] = api.split(':') as [string, string];
const socketPath = process.env.NIMBUS_RUNTIME_API_SOCKET;
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const logFd = process.env.NIMBUS_LOG_FD ? Number(process.env.NIMBUS_LOG_FD) : undefined;
let currentRequestId: string | undefined;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One HTTP/1.1 connection to the Runtime API. Requests may be pipelined: answers come in the
 * order of the requests (RFC 9112 section 9.3.2), and requests made in one tick go out in one write.
 */
class RuntimeConnection {
  #socket: net.Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending: Array<{ done: (answer: Answer) => void; fail: (error: Error) => void }> = [];
  #head: { status: number; headers: Record<string, string>; length: number } | undefined;
  #corked = false;

  request(method: string, route: string, body = '', headers: Record<string, string> = {}): Promise<Answer> {
    const socket = this.#connect();
    let head = `${method} /2018-06-01/runtime${route} HTTP/1.1\r\nHost: ${api}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    return new Promise((done, fail) => {
      this.#pending.push({ done, fail });
      socket.write(`${head}\r\n${body}`);
    });
  }

  #connect(): net.Socket {
    if (this.#socket) return this.#socket;
    const socket = socketPath ? net.connect(socketPath) : net.connect(Number(apiPort), apiHost);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    const lost = (error?: Error): void => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#buffer = Buffer.alloc(0);
      this.#head = undefined;
      for (const pending of this.#pending.splice(0)) {
        pending.fail(error ?? new Error('the Runtime API closed the connection'));
      }
    };
    socket.on('error', lost);
    socket.on('close', () => lost());
    this.#socket = socket;
    return socket;
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (!this.#head) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = this.#buffer.toString('latin1', 0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      // The header block is latin1 on the wire; the request id and ARN headers are ASCII.
      const status = Number((lines[0] ?? '').split(' ')[1]);
      this.#head = { status, headers, length: Number(headers['content-length'] ?? 0) };
      this.#buffer = this.#buffer.subarray(end + 4);
    }
    const head = this.#head;
    if (this.#buffer.length < head.length) return;
    const body = this.#buffer.subarray(0, head.length);
    this.#buffer = this.#buffer.subarray(head.length);
    this.#head = undefined;
    this.#pending.shift()?.done({ status: head.status, headers: head.headers, body });
    // Pipelined answers may share a chunk.
    if (this.#buffer.length > 0) this.#read(Buffer.alloc(0));
  }
}

const connection = new RuntimeConnection();

function call(method: string, route: string, body?: string, headers?: Record<string, string>): Promise<Answer> {
  return connection.request(method, route, body, headers);
}

function writeLog(stream: 'stdout' | 'stderr', text: string): void {
  if (logFd !== undefined) {
    writeSync(logFd, `${JSON.stringify(text)}\n`);
    return;
  }
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${text.replace(/\n/g, '\r')}\n`);
}

function patchConsole(): void {
  const levels: Array<[keyof Console, string, 'stdout' | 'stderr']> = [
    ['log', 'INFO', 'stdout'],
    ['info', 'INFO', 'stdout'],
    ['debug', 'DEBUG', 'stdout'],
    ['warn', 'WARN', 'stderr'],
    ['error', 'ERROR', 'stderr'],
    ['trace', 'TRACE', 'stderr'],
  ];
  for (const [method, level, stream] of levels) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      const requestId = currentRequestId ?? 'undefined';
      writeLog(stream, `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}`);
    };
  }
}

interface ErrorBody {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

class LoadError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

function errorBody(error: unknown, type?: string): ErrorBody {
  if (error instanceof LoadError) {
    // The runtime's own frames say nothing about the function's code.
    return { errorType: error.errorType, errorMessage: error.message, trace: [`${error.errorType}: ${error.message}`] };
  }
  if (error instanceof Error) {
    return {
      errorType: type ?? error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: type ?? typeof error, errorMessage: String(error), trace: [] };
}

function isModulePackage(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === dirname(dir) || !resolve(dir).startsWith(resolve(taskRoot))) return false;
  }
}

async function loadHandler(spec: string): Promise<Handler> {
  const slash = spec.lastIndexOf('/');
  const base = spec.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) throw new LoadError('Runtime.MalformedHandlerName', 'Bad handler');
  const modulePath = resolve(taskRoot, spec.slice(0, slash + 1) + base.slice(0, dot));
  const functionPath = base.slice(dot + 1).split('.');
  const file = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext).find((candidate) => existsSync(candidate));
  if (!file) {
    throw new LoadError(
      'Runtime.ImportModuleError',
      `Error: Cannot find module '${spec.slice(0, slash + 1) + base.slice(0, dot)}'\nRequire stack:\n- ${taskRoot}`,
    );
  }
  let loaded: unknown;
  try {
    const esm = file.endsWith('.mjs') || (file.endsWith('.js') && isModulePackage(file));
    // node:url only for an ES module: a CommonJS handler's start does without it.
    loaded = esm ? await import(require('node:url').pathToFileURL(file).href) : nodeModule.createRequire(file)(file);
  } catch (error) {
    if (error instanceof SyntaxError) throw new LoadError('Runtime.UserCodeSyntaxError', String(error));
    if (
      (error as { code?: string }).code === 'MODULE_NOT_FOUND' ||
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND'
    ) {
      throw new LoadError('Runtime.ImportModuleError', String(error));
    }
    throw error;
  }
  let target: unknown = loaded;
  for (const part of functionPath) target = (target as Record<string, unknown> | undefined)?.[part];
  // An ES module's CommonJS-style default export (`export default { handler }`) as AWS finds it.
  if (typeof target !== 'function' && (loaded as { default?: unknown })?.default) {
    target = (loaded as { default: unknown }).default;
    for (const part of functionPath) target = (target as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof target !== 'function') {
    throw new LoadError('Runtime.HandlerNotFound', `${base} is undefined or not exported`);
  }
  return target as Handler;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  return headers[name];
}

function contextFor(headers: Record<string, string>): Record<string, unknown> {
  const deadline = Number(header(headers, 'lambda-runtime-deadline-ms') ?? 0);
  const clientContext = header(headers, 'lambda-runtime-client-context');
  const identity = header(headers, 'lambda-runtime-cognito-identity');
  const context: Record<string, unknown> = {
    callbackWaitsForEmptyEventLoop: true,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: clientContext ? JSON.parse(clientContext) : undefined,
    identity: identity ? JSON.parse(identity) : undefined,
    invokedFunctionArn: header(headers, 'lambda-runtime-invoked-function-arn'),
    awsRequestId: header(headers, 'lambda-runtime-aws-request-id'),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  return context;
}

function runHandler(handler: Handler, event: unknown, context: Record<string, unknown>): Promise<unknown> {
  return new Promise((done, fail) => {
    let settled = false;
    const callback = (error: unknown, result?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) fail(error);
      else done(result);
    };
    // The legacy context methods, as AWS's runtime still provides them.
    context.succeed = (result: unknown) => callback(null, result);
    context.fail = (error: unknown) => callback(error ?? 'handled');
    context.done = callback;
    try {
      const result = handler.length >= 3 ? handler(event, context, callback) : handler(event, context);
      if (handler.length < 3 || (result && typeof (result as Promise<unknown>).then === 'function')) {
        Promise.resolve(result).then(
          (value) => callback(null, value),
          (error: unknown) => callback(error ?? new Error('Promise rejected')),
        );
      }
    } catch (error) {
      callback(error);
    }
  });
}

async function main(): Promise<void> {
  patchConsole();
  let handler: Handler;
  try {
    handler = await loadHandler(process.env._HANDLER ?? '');
  } catch (error) {
    const body = errorBody(error, error instanceof LoadError ? error.errorType : undefined);
    writeLog('stderr', `${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(body)}`);
    await call('POST', '/init/error', JSON.stringify(body), {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Function-Error-Type': body.errorType,
    });
    process.exit(1);
  }
  let next = await call('GET', '/invocation/next');
  for (;;) {
    const requestId = header(next.headers, 'lambda-runtime-aws-request-id') ?? '';
    currentRequestId = requestId;
    const traceId = header(next.headers, 'lambda-runtime-trace-id');
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    let event: unknown;
    try {
      event = next.body.length > 0 ? JSON.parse(next.body.toString('utf8')) : {};
    } catch {
      event = next.body.toString('utf8');
    }
    let posted: Promise<Answer>;
    try {
      const result = await runHandler(handler, event, contextFor(next.headers));
      posted = call('POST', `/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result), {
        'Content-Type': 'application/json',
      });
    } catch (error) {
      const body = errorBody(error);
      writeLog('stderr', `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(body)}`);
      posted = call('POST', `/invocation/${requestId}/error`, JSON.stringify(body), {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Function-Error-Type': body.errorType,
      });
    }
    currentRequestId = undefined;
    // The next long poll goes out with the answer, in the same write (pipelined): the runtime
    // does not wake for the 202 before asking again.
    const following = call('GET', '/invocation/next');
    following.catch(() => {});
    await posted;
    next = await following;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`nimbus node runtime: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
