/**
 * Warm execution environments, per function: an invocation takes an idle environment of the
 * function's current generation, else joins the function's queue of waiting invocations, which
 * takes environments in order as they come: a busy one that frees up or a new one started for
 * the queue (while the function has fewer than its concurrency limit). Reserved concurrency is that limit, and
 * a synchronous invocation beyond it is throttled as AWS throttles it (TooManyRequestsException,
 * test_lambda_concurrency_block); without one, `maxEnvironments` bounds the processes a function
 * may run at once on this machine, and invocations beyond it wait (AWS would scale further).
 * An environment of an older generation (the code or configuration changed) is retired once it
 * is idle; an idle one is stopped after `idleMs` of real time. One timer of the pool's, armed
 * for the oldest idle environment, does that: an invocation only notes when its environment
 * went idle, and nothing wakes up while environments wait.
 */

import { availableParallelism } from 'node:os';
import type { ExecutionEnvironment, Invocation, InvocationResult } from './environments.js';
import { functionNotFound, rateExceeded } from './errors.js';
import { functionArn, latest } from './names.js';
import type { StoredFunction } from './store.js';

export interface PoolOptions {
  /** Creates, listens and spawns an environment for the function. */
  start(fn: StoredFunction, onDead: (env: ExecutionEnvironment) => void): Promise<ExecutionEnvironment>;
  maxEnvironments: number;
  idleMs: number;
}

/** An invocation waiting for an environment. */
interface Waiter {
  fn: StoredFunction;
  resolve(env: ExecutionEnvironment): void;
  reject(error: unknown): void;
}

interface FunctionEnvironments {
  /** The function's key (functionKey), the same for each of its versions' groups. */
  fnKey: string;
  /** The newest generation an invocation asked for: environments of older ones are retired. */
  generation: number;
  all: Set<ExecutionEnvironment>;
  /** Idle environments, the most recently used last (taken first: it is the warmest). */
  idle: ExecutionEnvironment[];
  /** When each idle environment went idle (performance.now()). */
  idleSince: Map<ExecutionEnvironment, number>;
  /** Environments given to an invocation that has not ended yet. */
  busy: number;
  /** Invocations waiting for an environment, first come first served. */
  waiters: Waiter[];
  /** Environments being started, counted against the limit before they exist. */
  starting: number;
  /** The function was deleted: busy environments stop when their invocation ends. */
  closed: boolean;
}

export function functionKey(account: string, region: string, name: string): string {
  return `${account}\n${region}\n${name}`;
}

/** Each published version has environments of its own, beside `$LATEST`'s. */
function groupKey(fn: StoredFunction): string {
  const key = functionKey(fn.account, fn.region, fn.name);
  return fn.version === undefined ? key : `${key}\n${fn.version}`;
}

/**
 * At most this many environments of one function start at once, two per core; a start lasts
 * until the runtime asks for its first event (`ExecutionEnvironment.ready`). A Node.js start
 * costs about 30 ms of CPU and each spawn holds the event loop for a few ms, while a busy
 * environment serves the next waiting invocation as soon as it is free. Measured on a 2-core
 * machine with 100 concurrent 100 ms invocations of a new function (the load generator on the
 * same machine): 2 at once 1.09 s, 4 0.99 s, 6 1.24 s, 8 1.34 s, and 1.04-1.19 s with 4 for this
 * pool as it is (25-29 processes); counting a start as done once its process was spawned, so
 * that every waiting invocation started one, 1.77 s on 56 processes.
 */
const parallelStarts = Math.max(2, 2 * availableParallelism());

export class EnvironmentPool {
  readonly #options: PoolOptions;
  readonly #groups = new Map<string, FunctionEnvironments>();
  #sweep: NodeJS.Timeout | undefined;
  #sweepAt = Number.POSITIVE_INFINITY;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  /**
   * Runs one invocation. `throttle` (synchronous callers) throws TooManyRequestsException when
   * the reserved concurrency is used up; otherwise the invocation waits for a free environment.
   */
  async run(fn: StoredFunction, invocation: Invocation, throttle: boolean): Promise<InvocationResult> {
    const group = this.#group(fn);
    const env = await this.#acquire(group, fn, throttle);
    try {
      return await env.invoke(invocation);
    } finally {
      this.#release(group, env);
    }
  }

  #acquire(group: FunctionEnvironments, fn: StoredFunction, throttle: boolean): Promise<ExecutionEnvironment> {
    if (group.closed) throw functionNotFound(functionArn(fn.account, fn.region, fn.name, fn.version ?? latest));
    if (fn.generation > group.generation) group.generation = fn.generation;
    this.#retireStale(group);
    const reserved = fn.reservedConcurrency;
    // Reserved concurrency is the function's, shared by all its versions (as AWS counts it):
    // what runs or waits to run in any of them counts, a warm idle process does not.
    if (throttle && reserved !== undefined) {
      let used = 0;
      for (const each of this.#siblings(group)) used += each.busy + each.waiters.length;
      if (used >= reserved) throw rateExceeded();
    }
    const waiting = new Promise<ExecutionEnvironment>((resolve, reject) => group.waiters.push({ fn, resolve, reject }));
    this.#serve(group);
    return waiting;
  }

  /**
   * Gives idle environments to waiting invocations in order, then starts environments for the
   * invocations still waiting, one for each of them (concurrent invocations get environments of
   * their own, as on AWS) but at most `parallelStarts` at once and within the function's limit.
   * Whichever comes first, a started environment or a busy one set free, serves the first waiting
   * invocation; one that finds none waiting stays idle.
   */
  #serve(group: FunctionEnvironments): void {
    while (group.waiters.length > 0 && this.#mayRun(group)) {
      const env = group.idle.pop();
      if (!env) break;
      group.idleSince.delete(env);
      if (env.dead) continue;
      group.busy++;
      (group.waiters.shift() as Waiter).resolve(env);
    }
    while (
      group.waiters.length > group.starting &&
      group.starting < parallelStarts &&
      this.#live(group) < this.#limit(group)
    ) {
      this.#start(group, (group.waiters.at(-1) as Waiter).fn);
    }
  }

  #start(group: FunctionEnvironments, fn: StoredFunction): void {
    group.starting++;
    this.#options
      .start(fn, (dead) => this.#forget(group, dead))
      .then(
        (env) => {
          group.starting--;
          if (env.dead) {
            // It ended before asking for an event (an init error, a missing interpreter): the
            // first waiting invocation answers why, the next ones try again.
            const waiter = group.waiters.shift();
            if (waiter) {
              group.busy++;
              waiter.resolve(env);
            }
            this.#serve(group);
            return;
          }
          group.all.add(env);
          this.#offer(group, env);
        },
        (error: unknown) => {
          group.starting--;
          // The start failed (its code could not be extracted): the first waiting invocation
          // answers why, the next ones try again.
          group.waiters.shift()?.reject(error);
          this.#serve(group);
        },
      );
  }

  /** An environment that is free: the first waiting invocation takes it, else it waits idle. */
  #offer(group: FunctionEnvironments, env: ExecutionEnvironment): void {
    if (env.dead || env.generation < group.generation || group.closed) {
      env.kill();
      this.#forget(group, env);
      this.#serve(group);
      return;
    }
    group.idle.push(env);
    const now = performance.now();
    group.idleSince.set(env, now);
    this.#armSweep(now + this.#options.idleMs);
    this.#serve(group);
  }

  #release(group: FunctionEnvironments, env: ExecutionEnvironment): void {
    group.busy--;
    this.#offer(group, env);
    // A version sharing the function's reserved concurrency may run one more invocation now.
    for (const other of this.#siblings(group)) if (other !== group && other.waiters.length > 0) this.#serve(other);
  }

  /** Whether one more invocation of the group may run within its function's reserved concurrency. */
  #mayRun(group: FunctionEnvironments): boolean {
    const reserved = group.waiters[0]?.fn.reservedConcurrency;
    if (reserved === undefined) return true;
    let busy = 0;
    for (const each of this.#siblings(group)) busy += each.busy;
    return busy < reserved;
  }

  #limit(group: FunctionEnvironments): number {
    const fn = group.waiters.at(-1)?.fn;
    return fn?.reservedConcurrency ?? this.#options.maxEnvironments;
  }

  /** Stops every environment of a deleted function (busy ones once their invocation ends). */
  stopFunction(account: string, region: string, name: string, version?: string): void {
    const key = functionKey(account, region, name);
    for (const [each, group] of [...this.#groups]) {
      if (version === undefined ? each !== key && !each.startsWith(`${key}\n`) : each !== `${key}\n${version}`)
        continue;
      group.closed = true;
      this.#groups.delete(each);
      for (const env of [...group.idle]) env.kill();
      for (const waiter of group.waiters.splice(0)) {
        const { fn } = waiter;
        waiter.reject(functionNotFound(functionArn(fn.account, fn.region, fn.name, fn.version ?? latest)));
      }
    }
  }

  /** Stops a function's idle environments: its code or configuration changed. */
  retireIdle(account: string, region: string, name: string): void {
    const group = this.#groups.get(functionKey(account, region, name));
    for (const env of [...(group?.idle ?? [])]) env.kill();
  }

  /** How many environments a function has (warm or busy). */
  count(account: string, region: string, name: string): number {
    return this.#groups.get(functionKey(account, region, name))?.all.size ?? 0;
  }

  stopAll(): void {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
    for (const group of this.#groups.values()) {
      group.closed = true;
      for (const env of group.all) env.kill();
      for (const waiter of group.waiters.splice(0)) {
        const { fn } = waiter;
        waiter.reject(functionNotFound(functionArn(fn.account, fn.region, fn.name, fn.version ?? latest)));
      }
    }
    this.#groups.clear();
  }

  #group(fn: StoredFunction): FunctionEnvironments {
    const key = groupKey(fn);
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        fnKey: functionKey(fn.account, fn.region, fn.name),
        generation: fn.generation,
        all: new Set(),
        idle: [],
        idleSince: new Map(),
        busy: 0,
        waiters: [],
        starting: 0,
        closed: false,
      };
      this.#groups.set(key, group);
    }
    return group;
  }

  #retireStale(group: FunctionEnvironments): void {
    for (const env of [...group.idle]) if (env.generation < group.generation) env.kill();
  }

  /** Arms the pool's one idle timer for `at`, unless it fires sooner already. */
  #armSweep(at: number): void {
    if (this.#sweep && this.#sweepAt <= at) return;
    clearTimeout(this.#sweep);
    this.#sweepAt = at;
    this.#sweep = setTimeout(() => this.#stopIdle(), Math.max(0, at - performance.now()));
    this.#sweep.unref();
  }

  /** Stops the environments idle for `idleMs`, and arms the timer for the next to be. */
  #stopIdle(): void {
    this.#sweep = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const group of this.#groups.values()) {
      for (const [env, since] of [...group.idleSince]) {
        const due = since + this.#options.idleMs;
        if (due <= now) env.kill();
        else next = Math.min(next, due);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#armSweep(next);
  }

  /** Environments of the group's generation that count against its limit, the starting ones included. */
  #live(group: FunctionEnvironments): number {
    let count = group.starting;
    for (const env of group.all) if (!env.dead && env.generation >= group.generation) count++;
    return count;
  }

  /** The groups of every version of a group's function (its $LATEST's included). */
  #siblings(group: FunctionEnvironments): FunctionEnvironments[] {
    const found: FunctionEnvironments[] = [];
    for (const each of this.#groups.values()) if (each.fnKey === group.fnKey) found.push(each);
    return found;
  }

  #forget(group: FunctionEnvironments, env: ExecutionEnvironment): void {
    const index = group.idle.indexOf(env);
    if (index >= 0) group.idle.splice(index, 1);
    group.idleSince.delete(env);
    if (group.all.delete(env)) this.#serve(group);
  }
}
