/**
 * Stream retention: records older than 24 hours of Nimbus time are trimmed, and a stream disabled
 * (or whose table was deleted) more than 24 hours ago goes with its records. Reads already treat
 * such records as gone (feed.ts `trimPoint`); the sweep, every minute of Nimbus time, frees
 * their rows. Each step commits on its own and deletes a bounded number of rows.
 */
import { PeriodicSweep } from '../../../core/periodic-sweep.js';
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

/** Trims every minute of Nimbus time, a step per turn while a backlog lasts. */
export class StreamTrimmer extends PeriodicSweep {
  constructor(state: DynamodbState) {
    super(
      state.clock,
      sweepEveryMs,
      () => state.db.transaction(() => trimStreams(state)),
      (error) => state.logger.warn(`dynamodb: trimming stream records failed: ${error}`),
    );
  }
}
