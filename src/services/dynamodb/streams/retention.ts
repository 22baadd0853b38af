/**
 * Stream retention: records older than 24 hours of Nimbus time are trimmed, and a stream disabled
 * (or whose table was deleted) more than 24 hours ago goes with its records. Reads already treat
 * such records as gone (feed.ts `trimPoint`); the sweep, every minute of Nimbus time, frees
 * their rows. Each step commits on its own and deletes a bounded number of rows.
 */
import type { ClockTimer } from '../../../core/clock.js';
import type { DynamodbState } from '../state.js';
import { retentionMs } from './feed.js';

const sweepEveryMs = 60_000;
const step = 5_000;

/** One step of trimming; returns whether more is left. */
export function trimStreams(state: DynamodbState): boolean {
  const cutoff = state.now() - retentionMs;
  let more = state.streams.trimRecords(cutoff, step) >= step;
  const retired = state.streams.retiredStreams(cutoff, 10);
  if (retired.length === 10) more = true;
  for (const stream of retired) {
    if (!state.streams.deleteStream(stream, step)) more = true;
  }
  return more;
}

export class StreamTrimmer {
  readonly #state: DynamodbState;
  #timer: ClockTimer | undefined;
  #more: NodeJS.Immediate | undefined;
  #disposed = false;

  constructor(state: DynamodbState) {
    this.#state = state;
    this.#arm();
  }

  #arm(): void {
    if (this.#disposed) return;
    this.#timer = this.#state.clock.schedule(this.#state.now() + sweepEveryMs, () => this.#run());
  }

  #run(): void {
    this.#timer = undefined;
    this.#more = undefined;
    if (this.#disposed) return;
    let more = false;
    try {
      more = this.#state.db.transaction(() => trimStreams(this.#state));
    } catch (error) {
      this.#state.logger.warn(`dynamodb: trimming stream records failed: ${error}`);
    }
    if (more) this.#more = setImmediate(() => this.#run());
    else this.#arm();
  }

  dispose(): void {
    this.#disposed = true;
    this.#timer?.cancel();
    if (this.#more) clearImmediate(this.#more);
  }
}
