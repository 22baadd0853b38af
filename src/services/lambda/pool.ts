/**
 * Warm execution environments, per function: an invocation takes an idle environment of the
 * function's current generation, else starts another while the function has fewer than its
 * concurrency limit, else waits for one to come free. Reserved concurrency is that limit, and
 * a synchronous invocation beyond it is throttled as AWS throttles it (TooManyRequestsException,
 * test_lambda_concurrency_block); without one, `maxEnvironments` bounds the processes a function
 * may run at once on this machine, and invocations beyond it wait (AWS would scale further).
 * An environment of an older generation (the code or configuration changed) is retired once it
 * is idle; an idle one is stopped after `idleMs` of real time. One timer of the pool's, armed
 * for the oldest idle environment, does that: an invocation only notes when its environment
 * went idle, and nothing wakes up while environments wait.
 */

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

interface FunctionEnvironments {
  /** The function's key (functionKey), the same for each of its versions' groups. */
  fnKey: string;
  all: Set<ExecutionEnvironment>;
  /** Idle environments, the most recently used last (taken first: it is the warmest). */
  idle: ExecutionEnvironment[];
  /** When each idle environment went idle (performance.now()). */
  idleSince: Map<ExecutionEnvironment, number>;
  waiters: Array<() => void>;
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
 * At most this many environments of one function start at once. Each spawn holds the event loop
 * for a few ms and a Node.js start costs about 30 ms of CPU on this machine's 2 cores, while a
 * warm environment frees up as soon as its invocation ends: measured with 100 concurrent 100 ms
 * invocations of a new function, unbounded starts spawned 55 processes and took 1.55 s.
 */
const parallelStarts = 4;

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
    for (;;) {
      if (group.closed) throw functionNotFound(functionArn(fn.account, fn.region, fn.name, fn.version ?? latest));
      this.#retireStale(group, fn.generation);
      const reserved = fn.reservedConcurrency;
      // Reserved concurrency is the function's, shared by all its versions (as AWS counts it):
      // what runs or starts in any of them counts, a warm idle process does not.
      if (reserved !== undefined && this.#siblings(fn).reduce((sum, each) => sum + this.#busy(each), 0) >= reserved) {
        if (throttle) throw rateExceeded();
        await new Promise<void>((resolve) => group.waiters.push(resolve));
        continue;
      }
      let env = group.idle.pop();
      if (env) {
        group.idleSince.delete(env);
        if (env.dead) continue;
      } else {
        const limit = fn.reservedConcurrency ?? this.#options.maxEnvironments;
        const current = this.#running(group, fn.generation);
        if (current >= limit || limit === 0) {
          if (throttle && fn.reservedConcurrency !== undefined) throw rateExceeded();
          await new Promise<void>((resolve) => group.waiters.push(resolve));
          continue;
        }
        if (group.starting >= parallelStarts) {
          await new Promise<void>((resolve) => group.waiters.push(resolve));
          continue;
        }
        env = await this.#startOrReuse(group, fn);
        if (!env) continue;
      }
      try {
        return await env.invoke(invocation);
      } finally {
        this.#release(group, env, fn.generation);
      }
    }
  }

  /**
   * A new environment for an invocation that found none idle, unless one of the group's frees up
   * first: a Node.js start costs about 30 ms of CPU here and blocks the event loop while it
   * spawns, a warm invocation often less, so a burst past the warm environments is served by
   * whichever comes first. The one that comes second joins the idle environments. Undefined: an
   * environment was freed but another invocation took it first (the caller looks again).
   */
  async #startOrReuse(group: FunctionEnvironments, fn: StoredFunction): Promise<ExecutionEnvironment | undefined> {
    group.starting++;
    const starting = this.#options.start(fn, (dead) => this.#forget(group, dead));
    const settled = starting.then(
      (env) => ({ env }),
      (error: unknown) => ({ error }),
    );
    void settled.then(() => {
      group.starting--;
      // A start slot is free: while more invocations wait than there are environments to free
      // up for them, one of them starts the next environment.
      if (group.waiters.length > group.all.size) this.#wake(group);
    });
    let woken = false;
    let onWake: () => void = () => {};
    const waiter = () => {
      woken = true;
      onWake();
    };
    const freed = new Promise<'freed'>((resolve) => {
      onWake = () => resolve('freed');
    });
    group.waiters.push(waiter);
    const first = await Promise.race([settled, freed]);
    if (first !== 'freed') {
      const index = group.waiters.indexOf(waiter);
      if (index >= 0) group.waiters.splice(index, 1);
      // A wake-up meant for a waiter reached this one too late: pass it on.
      if (woken) this.#wake(group);
      if ('error' in first) throw first.error;
      group.all.add(first.env);
      return first.env;
    }
    void settled.then((result) => {
      if ('env' in result) {
        group.all.add(result.env);
        this.#release(group, result.env, fn.generation);
      }
    });
    const env = group.idle.pop();
    if (!env) return undefined;
    group.idleSince.delete(env);
    return env.dead ? undefined : env;
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
      for (const wake of group.waiters.splice(0)) wake();
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
      for (const env of group.all) env.kill();
      for (const wake of group.waiters.splice(0)) wake();
    }
    this.#groups.clear();
  }

  #group(fn: StoredFunction): FunctionEnvironments {
    const key = groupKey(fn);
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        fnKey: functionKey(fn.account, fn.region, fn.name),
        all: new Set(),
        idle: [],
        idleSince: new Map(),
        waiters: [],
        starting: 0,
        closed: false,
      };
      this.#groups.set(key, group);
    }
    return group;
  }

  #retireStale(group: FunctionEnvironments, generation: number): void {
    for (const env of [...group.idle]) if (env.generation !== generation) env.kill();
  }

  #release(group: FunctionEnvironments, env: ExecutionEnvironment, generation: number): void {
    if (env.dead || env.generation !== generation || group.closed) {
      env.kill();
      this.#forget(group, env);
      return;
    }
    group.idle.push(env);
    const now = performance.now();
    group.idleSince.set(env, now);
    this.#armSweep(now + this.#options.idleMs);
    this.#wake(group);
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

  /** Environments of a group's generation that count against its limit. */
  #running(group: FunctionEnvironments, generation: number): number {
    let count = group.starting;
    for (const env of group.all) if (!env.dead && env.generation === generation) count++;
    return count;
  }

  /** Environments of a group that run an invocation or are starting. */
  #busy(group: FunctionEnvironments): number {
    let count = group.starting;
    for (const env of group.all) if (!env.dead && env.busy) count++;
    return count;
  }

  /** The groups of every version of a function (its $LATEST's included). */
  #siblings(fn: StoredFunction): FunctionEnvironments[] {
    const key = functionKey(fn.account, fn.region, fn.name);
    return [...this.#groups.values()].filter((group) => group.fnKey === key);
  }

  /** Wakes a waiter of this group and, for versions sharing a reserved limit, one of each sibling's. */
  #wake(group: FunctionEnvironments): void {
    group.waiters.shift()?.();
    for (const other of this.#groups.values())
      if (other !== group && other.fnKey === group.fnKey) other.waiters.shift()?.();
  }

  #forget(group: FunctionEnvironments, env: ExecutionEnvironment): void {
    const index = group.idle.indexOf(env);
    if (index >= 0) group.idle.splice(index, 1);
    group.idleSince.delete(env);
    if (group.all.delete(env)) this.#wake(group);
  }
}
