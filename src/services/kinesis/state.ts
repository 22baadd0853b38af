/**
 * What every Kinesis operation works with: the store, the clock, the stream a request names (by
 * StreamName or StreamARN, within the caller's account and region) and its shards.
 *
 * A stream's shards are read once and kept until a reshard, a delete, a rollback or a state
 * import forgets them (`Database.onReplaced`), so that a put reads no shard row.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Database } from '../../state/database.js';
import type { ServiceDeps } from '../service-types.js';
import { identifiersDisagree, noStreamIdentifier, streamNotFound } from './errors.js';
import { recordJson } from './records.js';
import { formatSequence, shardIdOf } from './sequence-numbers.js';
import { KinesisStore, type ShardRow, type StreamRow } from './store.js';

export const hourMs = 3_600_000;

export interface Scope {
  account: string;
  region: string;
}

/** A shard with its hash key range as numbers. */
export interface Shard extends ShardRow {
  id: string;
  start: bigint;
  end: bigint;
}

export function streamArnOf(scope: Scope, name: string): string {
  return `arn:aws:kinesis:${scope.region}:${scope.account}:stream/${name}`;
}

/** `arn:aws:kinesis:region:account:stream/name` -> its parts. */
export function parseStreamArn(arn: string): { region: string; account: string; name: string } | undefined {
  const match = /^arn:aws[\w-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)$/.exec(arn);
  return match ? { region: match[1] as string, account: match[2] as string, name: match[3] as string } : undefined;
}

export interface StreamIdentifier {
  StreamName?: string;
  StreamARN?: string;
}

export class KinesisState {
  readonly store: KinesisStore;
  readonly clock: Clock;
  readonly db: Database;
  readonly logger: Logger;
  readonly #shards = new Map<number, Shard[]>();

  constructor(deps: ServiceDeps) {
    this.store = new KinesisStore(deps.db);
    // Records kept by schema 1 as bytes become their JSON (store.ts); encrypted as their stream is now.
    this.store.upgradeRecords((row) =>
      recordJson(
        formatSequence(row.stream_id, row.seq, row.shard_index, row.arrival),
        row.arrival,
        row.data,
        row.partition_key,
        (this.store.streamById(row.stream_id)?.encryption ?? 'NONE') !== 'NONE',
      ),
    );
    this.clock = deps.clock;
    this.db = deps.db;
    this.logger = deps.logger;
    deps.db.onReplaced(() => this.#shards.clear());
  }

  now(): number {
    return this.clock.now();
  }

  /** The stream a request names by StreamName or StreamARN; ResourceNotFoundException if none. */
  stream(ctx: Scope, input: StreamIdentifier): StreamRow {
    const name = this.streamName(ctx, input);
    const row = this.store.stream(ctx.account, ctx.region, name);
    if (!row) throw streamNotFound(name, ctx.account);
    return row;
  }

  /** The name a StreamName or StreamARN gives (an ARN of another account or region names no stream here). */
  streamName(ctx: Scope, input: StreamIdentifier): string {
    const { StreamName: name, StreamARN: arn } = input;
    if (arn === undefined) {
      if (name === undefined) throw noStreamIdentifier();
      return name;
    }
    const parts = parseStreamArn(arn);
    if (!parts) throw streamNotFound(arn, ctx.account);
    if (name !== undefined && name !== parts.name) throw identifiersDisagree();
    if (parts.account !== ctx.account || parts.region !== ctx.region) throw streamNotFound(parts.name, ctx.account);
    return parts.name;
  }

  /** Every shard of the stream, closed ones included, in index order. */
  shards(stream: StreamRow): Shard[] {
    let shards = this.#shards.get(stream.id);
    if (!shards) {
      shards = this.store.shards(stream.id).map((row) => ({
        ...row,
        id: shardIdOf(row.shard_index),
        start: BigInt(row.start_hash),
        end: BigInt(row.end_hash),
      }));
      this.#shards.set(stream.id, shards);
    }
    return shards;
  }

  openShards(stream: StreamRow): Shard[] {
    return this.shards(stream).filter((shard) => shard.end_seq === null);
  }

  /** Shards still shown: open, or closed within the retention period. */
  visibleShards(stream: StreamRow, now = this.now()): Shard[] {
    const horizon = now - stream.retention_hours * hourMs;
    return this.shards(stream).filter((shard) => shard.closed_at === null || shard.closed_at >= horizon);
  }

  /** The shards changed: read them again next time. */
  forgetShards(streamId: number): void {
    this.#shards.delete(streamId);
  }
}
