/**
 * The one clock. Every time-based behaviour (credential expiry, visibility timeouts, delays,
 * TTLs, retention, schedules) reads `now()` here and waits with `schedule()`, so that a test
 * can move time forward with `advance()` instead of sleeping.
 *
 * Timers wait on a single real setTimeout for the earliest deadline, re-armed when time is
 * advanced; nothing polls.
 */

export interface ClockTimer {
  readonly at: number;
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** The longest delay setTimeout accepts. */
const maxDelay = 2 ** 31 - 1;

export class Clock {
  #offsetMs = 0;
  #heap: Entry[] = [];
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  #onOffsetChange: ((offsetMs: number) => void) | undefined;

  /** Milliseconds since the epoch, as Nimbus sees them. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  nowDate(): Date {
    return new Date(this.now());
  }

  /** The machine's time, unmoved by advance(): only for comparing with file times, which follow it. */
  machineNow(): number {
    return Date.now();
  }

  /** How far Nimbus time is ahead of the machine's, in milliseconds. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Called with the new offset whenever it changes, so that the state can keep it. */
  onOffsetChange(listener: (offsetMs: number) => void): void {
    this.#onOffsetChange = listener;
  }

  /** Moves time forward; timers that fall due run now, in deadline order. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('the clock only moves forward');
    this.setOffset(this.#offsetMs + Math.round(seconds * 1000));
  }

  setOffset(offsetMs: number): void {
    this.#offsetMs = offsetMs;
    this.#onOffsetChange?.(offsetMs);
    this.#runDue();
  }

  /** Runs `run` once Nimbus time reaches `at` (ms since the epoch). */
  schedule(at: number, run: () => void): ClockTimer {
    const entry: Entry = { at, seq: this.#seq++, run, cancelled: false };
    this.#push(entry);
    if (at < this.#armedFor) this.#arm();
    return {
      at,
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Stops the real timer; pending timers stay but no longer fire. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#heap = [];
  }

  #runDue(): void {
    const now = this.now();
    while (this.#heap.length > 0 && (this.#heap[0] as Entry).at <= now) {
      const entry = this.#pop() as Entry;
      if (entry.cancelled) continue;
      try {
        entry.run();
      } catch (error) {
        // A timer's failure is its owner's bug; it must not stop the others.
        process.emitWarning(`nimbus clock timer failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
    this.#arm();
  }

  #arm(): void {
    while (this.#heap.length > 0 && (this.#heap[0] as Entry).cancelled) this.#pop();
    const next = this.#heap[0];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    if (!next) return;
    this.#armedFor = next.at;
    const delay = Math.min(Math.max(next.at - this.now(), 0), maxDelay);
    this.#timer = setTimeout(() => this.#runDue(), delay);
    this.#timer.unref();
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent] as Entry)) break;
      heap[index] = heap[parent] as Entry;
      index = parent;
    }
    heap[index] = entry;
  }

  #pop(): Entry | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right] as Entry, heap[left] as Entry) ? right : left;
        if (!before(heap[child] as Entry, last)) break;
        heap[index] = heap[child] as Entry;
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
