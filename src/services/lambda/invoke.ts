/**
 * Invoke (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
 * - RequestResponse runs the function now and answers its result: 200, the payload,
 *   `X-Amz-Executed-Version`, `X-Amz-Function-Error: Unhandled` when it failed, and with
 *   LogType Tail the last 4 KB of its log, base64, in `X-Amz-Log-Result`;
 * - Event stores the invocation (so that an accepted one survives a restart) and answers 202;
 *   it runs in the background, and a failure is retried twice, one and then two minutes later
 *   by the Nimbus clock, as AWS retries asynchronous invocations
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html);
 * - DryRun checks the request and answers 204.
 * The invocation's request id is the Invoke request's own (x-amzn-RequestId), as AWS's is.
 */
import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../../core/clock.js';
import { JsonLocatedError } from '../../core/filter-policy/json-reader.js';
import { readTree } from '../../core/filter-policy/json-tree.js';
import { InvalidRequestContentException } from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import type { InvocationResult } from './environments.js';
import { functionNotFound, payloadTooLarge } from './errors.js';
import { functionArn } from './names.js';
import type { LambdaState } from './state.js';
import type { EventRow, StoredFunction } from './store.js';
import { resolveTarget, versionRunnable } from './versions.js';

/** https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
const maxSyncPayload = 6291456;
const maxAsyncPayload = 1048576;
const tailBytes = 4096;
/** An event being run: its row waits with this due time, so that no scan picks it again. */
const inFlight = Number.MAX_SAFE_INTEGER;
/** AWS's default for asynchronous invocations: two retries, after one and then two minutes. */
export const retryDelaysMs = [60_000, 120_000];

/**
 * Lambda parses the payload as JSON with Jackson and quotes its error
 * (test_lambda_invoke_payload_encoding_error).
 */
function checkJson(payload: Buffer): void {
  if (payload.length === 0) return;
  const text = payload.toString('utf8');
  // What JSON.parse takes, Jackson takes, but for its limits (nesting depth and number length of
  // 1000, json-reader.ts), which no text shorter than that reaches: the native parser decides
  // those, the reader the rest (and words the errors).
  if (payload.length < 1000) {
    try {
      JSON.parse(text);
      return;
    } catch {
      // The reader says why, as Jackson would.
    }
  }
  try {
    readTree(text);
  } catch (error) {
    if (!(error instanceof JsonLocatedError)) throw error;
    const message = `Could not parse request body into json: Could not parse payload into json: ${error.reason}${error.location}`;
    throw new InvalidRequestContentException(message, { Type: 'User' });
  }
}

function decodeClientContext(clientContext: string | undefined): string | undefined {
  if (clientContext === undefined) return undefined;
  return Buffer.from(clientContext, 'base64').toString('utf8');
}

/** The last 4 KB of a log, base64, cut at a character boundary. */
function tail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= tailBytes) return bytes.toString('base64');
  let start = bytes.length - tailBytes;
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('base64');
}

/**
 * What decides an asynchronous invocation's retries and where its outcome goes (destinations.ts:
 * the function's event invoke config, destinations and dead-letter queue).
 */
export interface EventOutcomes {
  /** The due time of the next attempt of an event that failed, or why there is none. */
  retry(fn: StoredFunction, row: EventRow, attempts: number): number | 'RetriesExhausted' | 'EventAgeExceeded';
  /** Prepares where a finished event goes; what it returns runs in the transaction that deletes the event. */
  finish(
    fn: StoredFunction,
    row: EventRow,
    result: InvocationResult | undefined,
    condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded',
    attempts: number,
  ): Promise<(() => void) | undefined>;
}

export class EventQueue {
  readonly #state: LambdaState;
  /** Set by the provider once destinations are loaded; without it, AWS's default retries and nowhere to report. */
  outcomes: EventOutcomes | undefined;
  #timer: ClockTimer | undefined;
  #draining = false;
  #stopped = false;

  constructor(state: LambdaState) {
    this.#state = state;
    // What was running when the last run stopped runs again (at least once, as AWS's queue).
    state.store.transaction(() => state.store.resumeInFlight(inFlight, state.now()));
    this.kick();
  }

  /** Stores an Event invocation, in the caller's transaction, and wakes the worker. */
  enqueue(fn: StoredFunction, id: string, payload: Buffer): void {
    const now = this.#state.now();
    this.#state.store.enqueueEvent({
      id,
      account: fn.account,
      region: fn.region,
      name: fn.name,
      payload,
      due_at: now,
      enqueued_at: now,
      version: fn.version ?? null,
    });
    this.kick();
  }

  kick(): void {
    if (this.#stopped) return;
    setImmediate(() => this.#drain());
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  #drain(): void {
    if (this.#draining || this.#stopped) return;
    this.#draining = true;
    try {
      const store = this.#state.store;
      for (;;) {
        const due = store.dueEvents(this.#state.now(), 100);
        if (due.length === 0) break;
        store.transaction(() => {
          for (const row of due) store.retryEvent(row.id, row.attempts, inFlight);
        });
        for (const row of due) void this.#run(row);
      }
      this.#arm();
    } finally {
      this.#draining = false;
    }
  }

  #arm(): void {
    const next = this.#state.store.nextEventDue(inFlight);
    if (next === undefined) return;
    if (this.#timer && this.#timer.at <= next) return;
    this.#timer?.cancel();
    this.#timer = this.#state.deps.clock.schedule(next, () => {
      this.#timer = undefined;
      this.kick();
    });
  }

  async #run(row: EventRow): Promise<void> {
    const state = this.#state;
    const fn = state.store.get(row.account, row.region, row.name);
    let failed = true;
    let result: InvocationResult | undefined;
    if (fn) {
      try {
        result = await runInvocation(state, runnableOf(state, fn, row), row.id, row.payload, undefined, false);
        failed = result.functionError !== undefined;
      } catch (error) {
        state.deps.logger.warn(`lambda: event ${row.id} for ${row.name} could not run: ${(error as Error).message}`);
      }
    }
    if (this.#stopped) return;
    const attempts = row.attempts + 1;
    const delay = retryDelaysMs[attempts - 1];
    const outcomes = this.outcomes;
    let next: number | 'RetriesExhausted' | 'EventAgeExceeded' | undefined;
    if (fn && failed) {
      if (outcomes) next = outcomes.retry(fn, row, attempts);
      else next = delay !== undefined ? state.now() + delay : 'RetriesExhausted';
    }
    const deliver =
      fn && outcomes && typeof next !== 'number'
        ? await outcomes.finish(fn, row, result, next ?? 'Success', attempts).catch((error: unknown) => {
            state.deps.logger.warn(`lambda: event ${row.id} for ${row.name}: no destination: ${error}`);
            return undefined;
          })
        : undefined;
    if (this.#stopped) return;
    state.store.transaction(() => {
      if (typeof next === 'number') state.store.retryEvent(row.id, attempts, next);
      else {
        state.store.deleteEvent(row.id);
        deliver?.();
      }
    });
    this.#arm();
  }
}

/** What a queued event runs: the version it named (versions.ts), else the function's $LATEST. */
function runnableOf(state: LambdaState, fn: StoredFunction, row: EventRow): StoredFunction {
  if (!row.version) return fn;
  const version = state.published.version(fn.account, fn.region, fn.name, Number(row.version));
  // The version went (DeleteFunction with its qualifier) while the event waited.
  if (!version) throw functionNotFound(functionArn(fn.account, fn.region, fn.name, row.version));
  return versionRunnable(fn, version);
}

export function runInvocation(
  state: LambdaState,
  fn: StoredFunction,
  requestId: string,
  payload: Buffer,
  clientContext: string | undefined,
  throttle: boolean,
  invokedArn: string = functionArn(fn.account, fn.region, fn.name),
): Promise<InvocationResult> {
  const invocation = {
    requestId,
    payload,
    invokedArn,
    ...(clientContext !== undefined ? { clientContext } : {}),
  };
  return state.pool.run(fn, invocation, throttle);
}

export function invokeOperations(state: LambdaState, events: EventQueue) {
  return {
    async invoke(ctx, input) {
      state.noteEndpoint(ctx.endpoint);
      // An alias picks its version by weight here (versions.ts); `found` is what runs.
      const target = resolveTarget(state, ctx, input.FunctionName, input.Qualifier, true);
      const found = target.runnable;
      const payload = input.Payload ? Buffer.from(input.Payload) : Buffer.alloc(0);
      const type = input.InvocationType ?? 'RequestResponse';
      if (payload.length > (type === 'Event' ? maxAsyncPayload : maxSyncPayload)) {
        throw payloadTooLarge(type === 'Event' ? maxAsyncPayload : maxSyncPayload);
      }
      checkJson(payload);
      if (type === 'DryRun') return { StatusCode: 204 };
      if (type === 'Event') {
        events.enqueue(found, ctx.requestId, payload);
        return { StatusCode: 202 };
      }
      const result = await runInvocation(
        state,
        found,
        ctx.requestId,
        payload,
        decodeClientContext(input.ClientContext),
        true,
        target.arn,
      );
      const out: T.InvocationResponse = { StatusCode: 200, Payload: result.payload, ExecutedVersion: target.version };
      if (result.functionError) out.FunctionError = result.functionError;
      if (input.LogType === 'Tail') out.LogResult = tail(result.log);
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}

/** A fresh id for an invocation that no API request carries (other services' events). */
export function newInvocationId(): string {
  return randomUUID();
}
