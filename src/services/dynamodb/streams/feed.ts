/**
 * The in-process feed of stream records for other services (Lambda event source mappings): read
 * a stream from a position without shard iterators, and be woken when new records are
 * committed. The DynamoDB provider exposes it as `provider.streamFeed`; a caller gets it with
 * `(await deps.provider('dynamodb')) as { streamFeed: StreamFeed }`.
 *
 * Records are those GetRecords answers (the API's Record shape: `userIdentity` has `Type` and
 * `PrincipalId`; a Lambda event writes them `type` and `principalId`), in sequence order.
 */
import type * as S from '../../../generated/dynamodbstreams/types.js';
import type { DynamodbState } from '../state.js';
import { formatSeq, parseSeq } from './iterators.js';
import { recordOut } from './records.js';
import type { StreamRow } from './store.js';

/** Records stay readable this long (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html). */
export const retentionMs = 24 * 60 * 60 * 1000;

export interface StreamRead {
  records: S.Record[];
  /** The sequence number to pass as `afterSequence` next time (unchanged when nothing was read). */
  position: string;
  /** The stream is disabled and everything in it has been read: nothing more will come. */
  ended: boolean;
  /** Records between `afterSequence` and the first one returned had passed retention and are gone. */
  trimmed: boolean;
}

export interface StreamFeed {
  /**
   * Up to `limit` records of the stream after `afterSequence` (a SequenceNumber; undefined:
   * from the oldest record still kept), or undefined if the stream does not exist (any more).
   */
  readStream(streamArn: string, afterSequence: string | undefined, limit: number): StreamRead | undefined;
  /** Calls `listener` after records are committed to the stream; returns a function that stops it. */
  onRecords(streamArn: string, listener: () => void): () => void;
  /** The ARN of the table's current stream (enabled), if it has one. */
  latestStream(tableArn: string): string | undefined;
}

/** Whether a stream can still be read: enabled, or disabled less than a day ago. */
export function readable(stream: StreamRow | undefined, now: number): stream is StreamRow {
  return stream !== undefined && (stream.disabled_at === null || stream.disabled_at > now - retentionMs);
}

/**
 * The last row number of the stream that is gone or going: trimmed, or written more than a day
 * ago and not yet trimmed (records are written in clock order, so those are the ones before the
 * first recent one). An iterator before it points at trimmed data.
 */
export function trimPoint(state: DynamodbState, stream: StreamRow): number {
  const first = state.streams.firstSince(stream, state.now() - retentionMs);
  const expired = state.streams.lastSeqBetween(stream.id, stream.trimmed_seq, first);
  return Math.max(stream.trimmed_seq, expired ?? 0);
}

/** Where TRIM_HORIZON starts: after this row number. */
export function horizon(state: DynamodbState, stream: StreamRow): number {
  return Math.max(trimPoint(state, stream), stream.start_seq - 1);
}

export class Feed implements StreamFeed {
  readonly #state: DynamodbState;
  readonly #listeners = new Map<string, Set<() => void>>();
  readonly #pending = new Set<string>();
  #scheduled = false;

  constructor(state: DynamodbState) {
    this.#state = state;
  }

  readStream(streamArn: string, afterSequence: string | undefined, limit: number): StreamRead | undefined {
    const state = this.#state;
    const stream = state.streams.stream(streamArn);
    if (!readable(stream, state.now())) return undefined;
    const start = horizon(state, stream);
    let after = afterSequence === undefined ? start : (parseSeq(afterSequence) ?? start);
    const trimmed = after < trimPoint(state, stream);
    if (trimmed) after = start;
    const rows = state.streams.records(stream.id, after, Math.max(1, Math.min(limit, 10_000)));
    const last = rows[rows.length - 1];
    const position = last ? last.seq : after;
    const ended = stream.end_seq !== null && position >= stream.end_seq;
    return { records: rows.map((row) => recordOut(stream, row)), position: formatSeq(position), ended, trimmed };
  }

  onRecords(streamArn: string, listener: () => void): () => void {
    let set = this.#listeners.get(streamArn);
    if (!set) {
      set = new Set();
      this.#listeners.set(streamArn, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(streamArn);
    };
  }

  latestStream(tableArn: string): string | undefined {
    const match = /^arn:aws[\w-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)$/.exec(tableArn);
    if (!match) return undefined;
    const row = this.#state.store.table(match[2] as string, match[1] as string, match[3] as string);
    if (!row) return undefined;
    const definition = JSON.parse(row.definition) as {
      StreamSpecification?: { StreamEnabled?: boolean };
      LatestStreamLabel?: string;
    };
    if (!definition.StreamSpecification?.StreamEnabled || !definition.LatestStreamLabel) return undefined;
    return `${tableArn}/stream/${definition.LatestStreamLabel}`;
  }

  /**
   * A record was written to the stream in the current transaction: listeners are told once it
   * commits (after the batch settles; a rolled-back write wakes them for nothing, which a reader
   * must bear anyway).
   */
  touched(streamArn: string): void {
    if (!this.#listeners.has(streamArn)) return;
    this.#pending.add(streamArn);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const settled = this.#state.db.settled();
    const fire = () => {
      this.#scheduled = false;
      const arns = [...this.#pending];
      this.#pending.clear();
      for (const arn of arns) {
        for (const listener of this.#listeners.get(arn) ?? []) {
          try {
            listener();
          } catch (error) {
            this.#state.logger.warn(`dynamodb: a stream listener failed: ${error}`);
          }
        }
      }
    };
    if (settled) settled.then(fire, fire);
    else setImmediate(fire);
  }

  dispose(): void {
    this.#listeners.clear();
    this.#pending.clear();
  }
}
