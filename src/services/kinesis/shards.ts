/**
 * Shards: the hash key ranges of a new stream, ListShards, and resharding (SplitShard,
 * MergeShards, UpdateShardCount). https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-resharding.html
 *
 * Resharding is instant: the parents are closed (their EndingSequenceNumber is the last number
 * the stream had handed out, so a parent is read to its end and then says so) and the children
 * open with the next number, all in the request's transaction.
 */
import type { KinesisOperations } from '../../generated/kinesis/operations.js';
import type { ListShardsInput } from '../../generated/kinesis/types.js';
import type { RequestContext } from '../service-types.js';
import {
  badSplitKey,
  couldNotFindShard,
  invalidNextToken,
  nextTokenWithStream,
  notAdjacent,
  onDemandStream,
  scalingBeyondBounds,
  shardClosed,
  shardFilterIncomplete,
} from './errors.js';
import { evenRanges, shardIndexOf } from './sequence-numbers.js';
import type { KinesisState, Scope, Shard } from './state.js';
import type { StreamRow } from './store.js';
import { checkShardQuota, shardOut } from './streams.js';

interface NewShard {
  start: bigint;
  end: bigint;
  parent: number | null;
  adjacentParent: number | null;
}

/** Opens shards in the stream (evenly over the whole key space, or as given). */
export function createShards(state: KinesisState, stream: StreamRow, shards: number | NewShard[]): void {
  const made: NewShard[] =
    typeof shards === 'number'
      ? evenRanges(shards).map((range) => ({ ...range, parent: null, adjacentParent: null }))
      : shards;
  const first = state.store.takeShardIndexes(stream.id, made.length);
  // Children start after every number handed out so far: their records follow their parents'.
  const startSeq = state.store.takeSeqs(stream.id, 0);
  const now = state.now();
  made.forEach((shard, i) => {
    state.store.insertShard({
      stream_id: stream.id,
      shard_index: first + i,
      parent: shard.parent,
      adjacent_parent: shard.adjacentParent,
      start_hash: shard.start.toString(),
      end_hash: shard.end.toString(),
      start_seq: startSeq,
      created_at: now,
    });
  });
  state.forgetShards(stream.id);
}

function closeShards(state: KinesisState, stream: StreamRow, shards: readonly Shard[]): void {
  // A number no record takes ends the parents, so that each ends at or after its start.
  const lastSeq = state.store.takeSeqs(stream.id, 1);
  const now = state.now();
  for (const shard of shards) state.store.closeShard(stream.id, shard.shard_index, lastSeq, now);
  state.forgetShards(stream.id);
}

/** The shard a split or merge names, which must exist and be open. */
function shardToReshard(state: KinesisState, scope: Scope, stream: StreamRow, shardId: string): Shard {
  const index = shardIndexOf(shardId);
  const shard = state.shards(stream).find((candidate) => candidate.shard_index === index);
  if (!shard) throw couldNotFindShard(shardId, stream.name, scope.account);
  if (shard.end_seq !== null) throw shardClosed(shard.id, stream.name, scope.account);
  return shard;
}

interface ListToken {
  stream: string;
  after: string;
  filter?: ListShardsInput['ShardFilter'];
}

function encodeToken(token: ListToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeToken(text: string): ListToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as ListToken;
    if (typeof token.stream === 'string' && typeof token.after === 'string') return token;
  } catch {
    // falls through
  }
  throw invalidNextToken();
}

/** The shards a ShardFilter selects (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ShardFilter.html). */
function filterShards(state: KinesisState, stream: StreamRow, filter: ListShardsInput['ShardFilter']): Shard[] {
  const visible = state.visibleShards(stream);
  if (!filter) return visible;
  const at = filter.Timestamp?.getTime();
  switch (filter.Type) {
    case 'AFTER_SHARD_ID': {
      if (filter.ShardId === undefined) throw shardFilterIncomplete(filter.Type, 'ShardId');
      const index = shardIndexOf(filter.ShardId) ?? -1;
      return visible.filter((shard) => shard.shard_index > index);
    }
    case 'AT_TRIM_HORIZON': {
      // The oldest shards whose data is still kept: those without a parent still shown.
      const shown = new Set(visible.map((shard) => shard.shard_index));
      return visible.filter((shard) => shard.parent === null || !shown.has(shard.parent));
    }
    case 'FROM_TRIM_HORIZON':
      return visible;
    case 'AT_LATEST':
      return visible.filter((shard) => shard.end_seq === null);
    case 'AT_TIMESTAMP':
      if (at === undefined) throw shardFilterIncomplete(filter.Type, 'Timestamp');
      return visible.filter((shard) => shard.created_at <= at && (shard.closed_at === null || shard.closed_at > at));
    case 'FROM_TIMESTAMP':
      if (at === undefined) throw shardFilterIncomplete(filter.Type, 'Timestamp');
      return visible.filter((shard) => shard.closed_at === null || shard.closed_at >= at);
    default:
      return visible;
  }
}

export function shardOperations(state: KinesisState) {
  return {
    listShards(ctx, input) {
      let name: string | undefined;
      let after = input.ExclusiveStartShardId;
      let filter = input.ShardFilter;
      if (input.NextToken !== undefined) {
        if (input.StreamName !== undefined) throw nextTokenWithStream();
        const token = decodeToken(input.NextToken);
        name = token.stream;
        after = token.after;
        filter = token.filter;
      }
      const stream = name === undefined ? state.stream(ctx, input) : state.stream(ctx, { StreamName: name });
      const limit = input.MaxResults ?? 1000;
      const selected = filterShards(state, stream, filter);
      const from = after === undefined ? selected : selected.filter((shard) => shard.id > after);
      const page = from.slice(0, limit);
      const output: { Shards: ReturnType<typeof shardOut>[]; NextToken?: string } = {
        Shards: page.map((shard) => shardOut(stream, shard)),
      };
      const last = page[page.length - 1];
      if (from.length > page.length && last) {
        output.NextToken = encodeToken({ stream: stream.name, after: last.id, filter });
      }
      return output;
    },

    splitShard(ctx, input) {
      const stream = state.stream(ctx, input);
      if (stream.mode === 'ON_DEMAND') throw onDemandStream(stream.name, ctx.account);
      const shard = shardToReshard(state, ctx, stream, input.ShardToSplit);
      const key = BigInt(input.NewStartingHashKey);
      // AWS's bound, as its own text states it: more than one past the start, less than the end.
      if (key <= shard.start + 1n || key >= shard.end) {
        throw badSplitKey(
          input.NewStartingHashKey,
          shard.id,
          stream.name,
          ctx.account,
          shard.start_hash,
          shard.end_hash,
        );
      }
      checkShardQuota(state, ctx, 1);
      closeShards(state, stream, [shard]);
      createShards(state, stream, [
        { start: shard.start, end: key - 1n, parent: shard.shard_index, adjacentParent: null },
        { start: key, end: shard.end, parent: shard.shard_index, adjacentParent: null },
      ]);
    },

    mergeShards(ctx, input) {
      const stream = state.stream(ctx, input);
      if (stream.mode === 'ON_DEMAND') throw onDemandStream(stream.name, ctx.account);
      const shard = shardToReshard(state, ctx, stream, input.ShardToMerge);
      const adjacent = shardToReshard(state, ctx, stream, input.AdjacentShardToMerge);
      const [low, high] = shard.start < adjacent.start ? [shard, adjacent] : [adjacent, shard];
      if (low.end + 1n !== high.start) throw notAdjacent(shard.id, adjacent.id, stream.name, ctx.account);
      closeShards(state, stream, [shard, adjacent]);
      createShards(state, stream, [
        { start: low.start, end: high.end, parent: shard.shard_index, adjacentParent: adjacent.shard_index },
      ]);
    },

    updateShardCount(ctx, input) {
      const stream = state.stream(ctx, input);
      if (stream.mode === 'ON_DEMAND') throw onDemandStream(stream.name, ctx.account);
      const open = state.openShards(stream);
      const current = open.length;
      const target = input.TargetShardCount;
      // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateShardCount.html: at most
      // double, at least half the current count.
      if (target > current * 2 || target * 2 < current) {
        throw scalingBeyondBounds(stream.name, ctx.account, current, target);
      }
      if (target !== current) {
        checkShardQuota(state, ctx, Math.max(0, target - current));
        const sorted = [...open].sort((a, b) => (a.start < b.start ? -1 : 1));
        const holder = (key: bigint) => sorted.find((shard) => shard.start <= key && key <= shard.end);
        closeShards(state, stream, open);
        // Each new shard names the old shard holding its first key as parent, and the one holding
        // its last key, if another, as adjacent parent (AWS reaches the same ranges through
        // intermediate splits and merges; their lineage is not modelled).
        createShards(
          state,
          stream,
          evenRanges(target).map((range) => {
            const parent = holder(range.start);
            const last = holder(range.end);
            return {
              ...range,
              parent: parent?.shard_index ?? null,
              adjacentParent: last && last !== parent ? last.shard_index : null,
            };
          }),
        );
      }
      return {
        StreamName: stream.name,
        StreamARN: `arn:aws:kinesis:${ctx.region}:${ctx.account}:stream/${stream.name}`,
        CurrentShardCount: current,
        TargetShardCount: target,
      };
    },
  } satisfies Partial<KinesisOperations<RequestContext>>;
}
