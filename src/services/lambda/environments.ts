/**
 * One execution environment: a child process running a function's runtime, its own Runtime API
 * server (runtime-api.ts), and its log stream. It runs one invocation at a time, as AWS's do
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html), and stays warm
 * for the next until the pool retires it.
 *
 * How an invocation ends, in AWS's words (shared/aws-reference/recorded-responses/services/
 * lambda_/test_lambda.snapshot.json, TestLambdaErrors and TestLambdaBehavior):
 * - the runtime posts a response or an error (the error's JSON is the payload, Unhandled);
 * - the function's timeout passes: the process is killed, and the payload is
 *   `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after N.00 seconds"}`
 *   (test_lambda_invoke_with_timeout);
 * - the process exits: `Runtime.ExitError`, "Runtime exited without providing a reason" for
 *   status 0, "Runtime exited with error: exit status N" otherwise (test_lambda_runtime_exit,
 *   test_lambda_runtime_wrapper_not_found);
 * - the runtime reports an init error: its JSON is the payload, and the environment is done;
 * - a response over 6 MB: `Function.ResponseSizeTooLarge` (test_lambda_too_large_response).
 * Timeouts are real time: they bound a real process, which the Nimbus clock cannot speed up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Clock } from '../../core/clock.js';
import { type LaunchFailure, type LaunchSpec, logRecordFd } from './launch.js';
import type { LogEvent } from './logs.js';
import { maxResponseBytes, type NextReply, RuntimeApiServer } from './runtime-api.js';

export interface Invocation {
  requestId: string;
  payload: Buffer;
  invokedArn: string;
  /** ClientContext as JSON text (the API takes it base64-encoded). */
  clientContext?: string;
}

export interface InvocationResult {
  payload: Buffer;
  functionError?: 'Unhandled';
  /** This invocation's log, START to REPORT. */
  log: string;
}

export interface EnvironmentOptions {
  clock: Clock;
  timeoutSeconds: number;
  memorySize: number;
  generation: number;
  /** The version the environment runs (`$LATEST` or a number), as its START lines name it. */
  version?: string;
  /** Receives every log event of the environment, in order. */
  log: (event: LogEvent) => void;
  /** Called once when the environment can run no more invocations. */
  onDead: () => void;
}

interface Running {
  invocation: Invocation;
  resolve: (result: InvocationResult) => void;
  lines: string[];
  delivered: boolean;
  deliveredAt: number;
  timer: NodeJS.Timeout | undefined;
  finished: boolean;
}

/** How long a runtime may take to ask for its first event, beyond the function's timeout (AWS's init limit). */
const initLimitMs = 10_000;

/** The most lines of what a process wrote before its first invocation that are kept for that invocation's log. */
const maxInitLines = 1000;

function errorPayload(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

/** Room for /proc/<pid>/status (about 1.5 KB on Linux), shared: it is read synchronously. */
const statusBuffer = Buffer.alloc(8192);

/**
 * Peak resident memory of a process in MB (Linux's VmHWM), or undefined where unknown. Read
 * synchronously from a descriptor the environment keeps open: about 10 µs, where an
 * asynchronous readFile (open, stat, read, close on the thread pool) took about 0.85 ms of
 * every invocation's answer on the bench machine.
 */
function peakMemoryMb(fd: number | undefined): number | undefined {
  if (fd === undefined) return undefined;
  try {
    const length = readSync(fd, statusBuffer, 0, statusBuffer.length, 0);
    const match = /VmHWM:\s+(\d+) kB/.exec(statusBuffer.toString('latin1', 0, length));
    return match ? Math.ceil(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Random bytes for trace ids, drawn 64 invocations at a time (a draw costs more than its bytes). */
let randomPool = Buffer.alloc(0);
let randomAt = 0;

/** The X-Ray trace header AWS gives each invocation: 24 random bytes for its three ids. */
function traceHeader(): string {
  if (randomAt + 24 > randomPool.length) {
    randomPool = randomBytes(24 * 64);
    randomAt = 0;
  }
  const random = randomPool.toString('hex', randomAt, randomAt + 24);
  randomAt += 24;
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${random.slice(0, 24)};Parent=${random.slice(24, 40)};Sampled=0;Lineage=1:${random.slice(40, 48)}:0`;
}

export class ExecutionEnvironment {
  readonly id = randomBytes(16).toString('hex');
  readonly generation: number;
  readonly #options: EnvironmentOptions;
  #server: RuntimeApiServer | undefined;
  #child: ChildProcess | undefined;
  #waiting: NextReply | undefined;
  #running: Running | undefined;
  #dead = false;
  #startedAt = performance.now();
  #initDurationMs: number | undefined;
  /** The runtime reported an init error: its body answered the invocation already. */
  #initErrored = false;
  #initDurationLogged = false;
  #failure: LaunchFailure | undefined;
  #stdoutRest = '';
  #stderrRest = '';
  #recordRest = '';
  /** /proc/<pid>/status of the process, opened on its first report (Linux only). */
  #statusFd: number | undefined;
  #statusTried = false;
  /** What the process wrote before its first invocation: that invocation's log begins with it. */
  #initLines: string[] | undefined = [];
  /** Why the process ended before an invocation was given to it: the next one answers that. */
  #endedEarly: { payload?: Buffer; failure?: LaunchFailure } | undefined;
  #settleReady: () => void = () => {};
  /**
   * Settles once the runtime asks for its first event, or can never do so (it failed, exited or
   * reported an init error), or when AWS's init limit has passed. The pool counts an
   * environment as starting until then: a process that is spawned but still loading its
   * runtime cannot take an invocation any sooner than a busy warm one.
   */
  readonly ready: Promise<void> = new Promise((resolve) => {
    this.#settleReady = resolve;
  });

  constructor(options: EnvironmentOptions) {
    this.#options = options;
    this.generation = options.generation;
  }

  get dead(): boolean {
    return this.#dead;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Starts the Runtime API server and returns its address, for AWS_LAMBDA_RUNTIME_API; with
   * `socketPath`, it answers on that Unix socket too (see `socketPath`).
   */
  async listen(socketPath?: string): Promise<string> {
    this.#server = await RuntimeApiServer.start(
      {
        next: (res) => this.#next(res),
        response: (id, body) => this.#answered(id, body, undefined),
        error: (id, body) => this.#answered(id, body, 'Unhandled'),
        tooLarge: (id) =>
          this.#answered(
            id,
            errorPayload(
              'Function.ResponseSizeTooLarge',
              `Response payload size exceeded maximum allowed payload size (${maxResponseBytes} bytes).`,
            ),
            'Unhandled',
          ),
        initError: (body) => this.#initError(body),
      },
      socketPath,
    );
    return this.#server.address;
  }

  /** The Unix socket the Runtime API answers on as well, when it could make one. */
  get socketPath(): string | undefined {
    return this.#server?.socketPath;
  }

  /** Starts the process (or remembers why it cannot start: each invocation will answer that). */
  spawn(spec: LaunchSpec | LaunchFailure): void {
    this.#startedAt = performance.now();
    if ('errorType' in spec) {
      this.#failure = spec;
      this.#settleReady();
      return;
    }
    setTimeout(() => this.#settleReady(), initLimitMs).unref();
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: false,
    });
    this.#child = child;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => (this.#stdoutRest = this.#lines(this.#stdoutRest + text)));
    child.stderr?.on('data', (text: string) => (this.#stderrRest = this.#lines(this.#stderrRest + text)));
    const records = child.stdio[logRecordFd] as Readable | undefined;
    records?.setEncoding('utf8');
    records?.on('data', (text: string) => (this.#recordRest = this.#records(this.#recordRest + text)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      // The executable could not be started at all (a custom runtime without its bootstrap).
      this.#failure =
        error.code === 'ENOENT'
          ? {
              errorType: 'Runtime.InvalidEntrypoint',
              errorMessage: "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
            }
          : { errorType: 'Runtime.InvalidEntrypoint', errorMessage: `fork/exec ${spec.command}: ${error.message}` };
      this.#exited(undefined);
    });
    child.on('exit', (code, signal) => this.#exited(code === null ? signal : code));
  }

  /** Runs one invocation; the environment must be idle. */
  invoke(invocation: Invocation): Promise<InvocationResult> {
    return new Promise((resolve) => {
      const running: Running = {
        invocation,
        resolve,
        lines: [],
        delivered: false,
        deliveredAt: 0,
        timer: undefined,
        finished: false,
      };
      this.#running = running;
      if (this.#initLines) {
        running.lines = this.#initLines;
        this.#initLines = undefined;
      }
      if (this.#failure || this.#dead) {
        this.#log(`START RequestId: ${invocation.requestId} Version: ${this.#version}`);
        const early = this.#endedEarly;
        if (early?.payload) this.#finish(early.payload, 'Unhandled');
        else {
          const failure = this.#failure ??
            early?.failure ?? {
              errorType: 'Runtime.ExitError',
              errorMessage: 'Runtime exited without providing a reason',
            };
          this.#finish(
            errorPayload(failure.errorType, `RequestId: ${invocation.requestId} Error: ${failure.errorMessage}`),
            'Unhandled',
          );
        }
        this.#markDead();
        return;
      }
      if (this.#waiting) {
        const res = this.#waiting;
        this.#waiting = undefined;
        this.#deliver(res);
        return;
      }
      // A runtime that never asks for its event is stopped as a timed-out one would be, its init
      // limit counted from its start.
      const initLeft = Math.max(0, this.#startedAt + initLimitMs - performance.now());
      running.timer = setTimeout(() => this.#timedOut(), this.#options.timeoutSeconds * 1000 + initLeft);
      running.timer.unref();
    });
  }

  kill(): void {
    this.#child?.kill('SIGKILL');
    this.#waiting?.abort();
    this.#waiting = undefined;
    this.#markDead();
  }

  #markDead(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#settleReady();
    this.#server?.close();
    if (this.#statusFd !== undefined) closeSync(this.#statusFd);
    this.#statusFd = undefined;
    this.#options.onDead();
  }

  #next(res: NextReply): void {
    if (this.#initDurationMs === undefined) this.#initDurationMs = performance.now() - this.#startedAt;
    this.#settleReady();
    const running = this.#running;
    if (running && !running.delivered && !running.finished) this.#deliver(res);
    else this.#waiting = res;
  }

  #deliver(res: NextReply): void {
    const running = this.#running as Running;
    const { invocation } = running;
    const timeoutMs = this.#options.timeoutSeconds * 1000;
    // Machine time: the runtime compares it with its own clock (getRemainingTimeInMillis).
    const deadline = Date.now() + timeoutMs;
    running.delivered = true;
    running.deliveredAt = performance.now();
    this.#log(`START RequestId: ${invocation.requestId} Version: ${this.#version}`);
    if (running.timer) clearTimeout(running.timer);
    running.timer = setTimeout(() => this.#timedOut(), timeoutMs);
    running.timer.unref();
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': invocation.payload.length,
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': deadline,
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedArn,
      'Lambda-Runtime-Trace-Id': traceHeader(),
    };
    if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
    res.send(headers, invocation.payload);
  }

  #answered(requestId: string, body: Buffer, functionError: 'Unhandled' | undefined): boolean {
    const running = this.#running;
    if (!running || running.finished || running.invocation.requestId !== requestId) return false;
    this.#finish(body, functionError);
    return true;
  }

  #initError(body: Buffer): void {
    this.#initErrored = true;
    const running = this.#running;
    if (running && !running.finished) {
      if (!running.delivered) this.#log(`START RequestId: ${running.invocation.requestId} Version: ${this.#version}`);
      this.#finish(body, 'Unhandled');
    } else if (!running) this.#endedEarly = { payload: body };
    this.kill();
  }

  #timedOut(): void {
    const running = this.#running;
    if (!running || running.finished) return;
    const seconds = this.#options.timeoutSeconds.toFixed(2);
    const id = running.invocation.requestId;
    if (!running.delivered) this.#log(`START RequestId: ${id} Version: ${this.#version}`);
    this.#log(`${new Date(this.#options.clock.now()).toISOString()} ${id} Task timed out after ${seconds} seconds`);
    this.kill();
    this.#finish(
      errorPayload('Sandbox.Timedout', `RequestId: ${id} Error: Task timed out after ${seconds} seconds`),
      'Unhandled',
    );
  }

  #exited(status: number | string | null | undefined): void {
    const running = this.#running;
    const failure =
      this.#failure ??
      (status === 0 || status === undefined || status === null
        ? { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited without providing a reason' }
        : {
            errorType: 'Runtime.ExitError',
            errorMessage:
              typeof status === 'number'
                ? `Runtime exited with error: exit status ${status}`
                : `Runtime exited with error: signal: ${status === 'SIGKILL' ? 'killed' : status}`,
          });
    if (running && !running.finished && !this.#initErrored) {
      const id = running.invocation.requestId;
      if (!running.delivered) this.#log(`START RequestId: ${id} Version: ${this.#version}`);
      this.#finish(errorPayload(failure.errorType, `RequestId: ${id} Error: ${failure.errorMessage}`), 'Unhandled');
    } else if (!running && !this.#initErrored) this.#endedEarly ??= { failure };
    this.#markDead();
  }

  /**
   * Ends the running invocation. The END and REPORT lines wait two turns of the event loop, so
   * that what the function wrote just before its answer (another pipe than the answer's socket)
   * is read first and lands in this invocation's log.
   */
  #finish(payload: Buffer, functionError: 'Unhandled' | undefined): void {
    const running = this.#running;
    if (!running || running.finished) return;
    running.finished = true;
    if (running.timer) clearTimeout(running.timer);
    const durationMs = running.delivered ? performance.now() - running.deliveredAt : 0;
    const firstInit = this.#initDurationMs;
    setImmediate(() =>
      setImmediate(() => {
        const id = running.invocation.requestId;
        this.#log(`END RequestId: ${id}`);
        const used = peakMemoryMb(this.#statusDescriptor()) ?? Math.min(64, this.#options.memorySize);
        let report =
          `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms` +
          `\tMemory Size: ${this.#options.memorySize} MB\tMax Memory Used: ${Math.min(used, this.#options.memorySize)} MB\t`;
        if (firstInit !== undefined && !this.#initDurationLogged) {
          report += `Init Duration: ${firstInit.toFixed(2)} ms\t`;
          this.#initDurationLogged = true;
        }
        this.#log(report);
        const log = running.lines.join('');
        if (this.#running === running) this.#running = undefined;
        running.resolve(functionError ? { payload, functionError, log } : { payload, log });
      }),
    );
  }

  #statusDescriptor(): number | undefined {
    if (this.#dead) return undefined;
    const pid = this.#child?.pid;
    if (!this.#statusTried && pid !== undefined && process.platform === 'linux') {
      this.#statusTried = true;
      try {
        this.#statusFd = openSync(`/proc/${pid}/status`, 'r');
      } catch {
        // No /proc: the report names the default.
      }
    }
    return this.#statusFd;
  }

  #lines(text: string): string {
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.#log(text.slice(start, end));
      start = end + 1;
    }
    return text.slice(start);
  }

  #records(text: string): string {
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      start = end + 1;
      try {
        this.#log(String(JSON.parse(line)));
      } catch {
        this.#log(line);
      }
    }
    return text.slice(start);
  }

  get #version(): string {
    return this.#options.version ?? '$LATEST';
  }

  #log(message: string): void {
    const text = `${message}\n`;
    if (this.#running) this.#running.lines.push(text);
    else if (this.#initLines && this.#initLines.push(text) > maxInitLines) this.#initLines.shift();
    this.#options.log({ timestamp: this.#options.clock.now(), message: text });
  }
}
