/**
 * The in-process feed of Kinesis records for other services (Lambda event source mappings): list
 * a stream's shards, read a shard from a position without shard iterators (and so without their
 * 5-minute expiry), and be woken when new records are committed. The Kinesis provider exposes it
 * as `provider.kinesisFeed`; a caller gets it with
 * `(await deps.provider('kinesis')) as { kinesisFeed: KinesisFeed }`.
 *
 * Positions are sequence numbers: `startPosition` turns TRIM_HORIZON, LATEST or AT_TIMESTAMP into
 * one, and each read returns the one to pass next. Records are those GetRecords answers.
 */
import type { ChildShard, Record as KinesisRecord } from '../../generated/kinesis/types.js';
import { childShards, findShard, readShard } from './records.js';
import { formatSequence, parseSequence } from './sequence-numbers.js';
import { type KinesisState, parseStreamArn } from './state.js';
import type { StreamRow } from './store.js';

export interface FeedShard {
  shardId: string;
  parentShardIds: string[];
  /** Closed by a reshard: it ends, and its children carry on. */
  closed: boolean;
}

export interface FeedRead {
  records: KinesisRecord[];
  /** The sequence number to read after next time (unchanged when nothing was read). */
  position: string;
  /** The shard is closed and everything in it has been read: read `childShards` next. */
  ended: boolean;
  childShards: ChildShard[];
  millisBehindLatest: number;
}

export interface KinesisFeed {
  /** The stream's shards still readable, parents before children; undefined if there is no such stream. */
  shards(streamArn: string): FeedShard[] | undefined;
  /** Where a reader starting at TRIM_HORIZON, LATEST or AT_TIMESTAMP (`timestamp`, epoch ms) starts. */
  startPosition(
    streamArn: string,
    shardId: string,
    type: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP',
    timestamp?: number,
  ): string | undefined;
  /** Up to `limit` (at most 10,000) records after `position`; undefined if the stream or shard is gone. */
  readShard(streamArn: string, shardId: string, position: string, limit: number): FeedRead | undefined;
  /** Calls `listener` after records are committed to the stream; returns a function that stops it. */
  onRecords(streamArn: string, listener: () => void): () => void;
}

export class Feed implements KinesisFeed {
  readonly #state: KinesisState;
  readonly #listeners = new Map<number, Set<() => void>>();
  readonly #pending = new Set<number>();
  #scheduled = false;

  constructor(state: KinesisState) {
    this.#state = state;
  }

  #stream(streamArn: string): StreamRow | undefined {
    const parts = parseStreamArn(streamArn);
    return parts ? this.#state.store.stream(parts.account, parts.region, parts.name) : undefined;
  }

  shards(streamArn: string): FeedShard[] | undefined {
    const stream = this.#stream(streamArn);
    if (!stream) return undefined;
    return this.#state.visibleShards(stream).map((shard) => ({
      shardId: shard.id,
      parentShardIds: [shard.parent, shard.adjacent_parent]
        .filter((p): p is number => p !== null)
        .map((p) => `shardId-${String(p).padStart(12, '0')}`),
      closed: shard.end_seq !== null,
    }));
  }

  startPosition(
    streamArn: string,
    shardId: string,
    type: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP',
    timestamp?: number,
  ): string | undefined {
    const stream = this.#stream(streamArn);
    const shard = stream && findShard(this.#state, stream, shardId);
    if (!stream || !shard) return undefined;
    const latest = Math.min(this.#state.store.takeSeqs(stream.id, 0) - 1, shard.end_seq ?? Number.MAX_SAFE_INTEGER);
    let after = shard.start_seq - 1;
    if (type === 'LATEST') after = latest;
    if (type === 'AT_TIMESTAMP') {
      const first = this.#state.store.firstSeqSince(stream.id, shard.shard_index, after, timestamp ?? 0);
      after = first === undefined ? latest : first - 1;
    }
    return formatSequence(stream.id, Math.max(0, after), shard.shard_index, 0);
  }

  readShard(streamArn: string, shardId: string, position: string, limit: number): FeedRead | undefined {
    const state = this.#state;
    const stream = this.#stream(streamArn);
    const shard = stream && findShard(state, stream, shardId);
    const parsed = parseSequence(position);
    if (!stream || !shard || !parsed || parsed.streamId !== stream.id) return undefined;
    const read = readShard(state, stream, shard, parsed.seq, 0, Math.max(1, Math.min(limit, 10_000)));
    return {
      records: read.records,
      position: formatSequence(stream.id, read.afterSeq, shard.shard_index, 0),
      ended: read.ended,
      childShards: read.ended ? childShards(state, stream, shard) : [],
      millisBehindLatest: read.millisBehindLatest,
    };
  }

  onRecords(streamArn: string, listener: () => void): () => void {
    const stream = this.#stream(streamArn);
    if (!stream) return () => {};
    const id = stream.id;
    let set = this.#listeners.get(id);
    if (!set) {
      set = new Set();
      this.#listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(id);
    };
  }

  /**
   * Records were written to the stream in the current transaction: listeners are told once it
   * commits (a rolled-back write wakes them for nothing, which a reader must bear anyway).
   */
  touched(streamId: number): void {
    if (!this.#listeners.has(streamId)) return;
    this.#pending.add(streamId);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const settled = this.#state.db.settled();
    const fire = () => {
      this.#scheduled = false;
      const ids = [...this.#pending];
      this.#pending.clear();
      for (const id of ids) {
        for (const listener of this.#listeners.get(id) ?? []) {
          try {
            listener();
          } catch (error) {
            this.#state.logger.warn(`kinesis: a record listener failed: ${error}`);
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
