/**
 * Streams: create, describe, list, delete, retention, encryption, stream mode, enhanced
 * monitoring, limits. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html
 *
 * A stream is created at once: CreateStream answers before it is usable in AWS (CREATING), and
 * Describe answers ACTIVE from then on, so SDK waiters (`waitUntilStreamExists`) return on the
 * first poll. Resharding is instant too, so a stream is never UPDATING.
 */
import type { KinesisOperations } from '../../generated/kinesis/operations.js';
import type {
  EnhancedMonitoringOutput,
  MetricsName,
  Shard as ShardShape,
  StreamDescriptionSummary,
  StreamModeDetails,
} from '../../generated/kinesis/types.js';
import type { RequestContext } from '../service-types.js';
import {
  hasConsumers,
  retentionNotLonger,
  retentionNotShorter,
  retentionTooLong,
  retentionTooShort,
  shardCountRequired,
  shardCountWithOnDemand,
  shardLimit,
  streamExists,
} from './errors.js';
import { formatSequence } from './sequence-numbers.js';
import { createShards } from './shards.js';
import { hourMs, type KinesisState, type Scope, type Shard, streamArnOf } from './state.js';
import type { StreamRow } from './store.js';

/** On-demand streams start with 4 shards (https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html). */
export const onDemandShards = 4;
const defaultRetentionHours = 24;
const maxRetentionHours = 8760;

/**
 * The default shard quota: 500 in us-east-1, us-west-2 and eu-west-1, 200 elsewhere
 * (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html).
 */
export function shardQuota(region: string): number {
  return ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region) ? 500 : 200;
}

/** Throws LimitExceededException if `more` open shards would pass the account's quota. */
export function checkShardQuota(state: KinesisState, scope: Scope, more: number): void {
  const current = state.store.openShardCount(scope.account, scope.region);
  const limit = shardQuota(scope.region);
  if (current + more > limit) throw shardLimit(scope.account, scope.region, current, limit, more);
}

export function shardOut(stream: StreamRow, shard: Shard): ShardShape {
  const out: ShardShape = {
    ShardId: shard.id,
    HashKeyRange: { StartingHashKey: shard.start_hash, EndingHashKey: shard.end_hash },
    SequenceNumberRange: {
      StartingSequenceNumber: formatSequence(stream.id, shard.start_seq, shard.shard_index, shard.created_at),
    },
  };
  if (shard.parent !== null) out.ParentShardId = `shardId-${String(shard.parent).padStart(12, '0')}`;
  if (shard.adjacent_parent !== null) {
    out.AdjacentParentShardId = `shardId-${String(shard.adjacent_parent).padStart(12, '0')}`;
  }
  if (shard.end_seq !== null) {
    out.SequenceNumberRange.EndingSequenceNumber = formatSequence(
      stream.id,
      shard.end_seq,
      shard.shard_index,
      shard.closed_at ?? shard.created_at,
    );
  }
  return out;
}

function modeOf(stream: StreamRow): StreamModeDetails {
  return { StreamMode: stream.mode as StreamModeDetails['StreamMode'] };
}

function monitoringOf(stream: StreamRow): MetricsName[] {
  return JSON.parse(stream.monitoring) as MetricsName[];
}

export function summaryOf(state: KinesisState, scope: Scope, stream: StreamRow): StreamDescriptionSummary {
  const summary: StreamDescriptionSummary = {
    StreamName: stream.name,
    StreamARN: streamArnOf(scope, stream.name),
    StreamStatus: 'ACTIVE',
    StreamModeDetails: modeOf(stream),
    RetentionPeriodHours: stream.retention_hours,
    StreamCreationTimestamp: new Date(stream.created_at),
    EnhancedMonitoring: [{ ShardLevelMetrics: monitoringOf(stream) }],
    EncryptionType: stream.encryption as 'NONE' | 'KMS',
    OpenShardCount: state.openShards(stream).length,
    ConsumerCount: state.store.consumers(stream.id).length,
    MaxRecordSizeInKiB: stream.max_record_kib,
  };
  if (stream.key_id !== null) summary.KeyId = stream.key_id;
  return summary;
}

const allMetrics: MetricsName[] = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

export function streamOperations(state: KinesisState) {
  function setMonitoring(
    ctx: RequestContext,
    input: { StreamName?: string; StreamARN?: string; ShardLevelMetrics: MetricsName[] },
    enable: boolean,
  ): EnhancedMonitoringOutput {
    const stream = state.stream(ctx, input);
    const current = monitoringOf(stream);
    const named = input.ShardLevelMetrics.includes('ALL') ? allMetrics : input.ShardLevelMetrics;
    const desired = enable
      ? allMetrics.filter((metric) => current.includes(metric) || named.includes(metric))
      : current.filter((metric) => !named.includes(metric));
    state.store.setStreamField(stream.id, 'monitoring', JSON.stringify(desired));
    return {
      StreamName: stream.name,
      StreamARN: streamArnOf(ctx, stream.name),
      CurrentShardLevelMetrics: current,
      DesiredShardLevelMetrics: desired,
    };
  }

  return {
    createStream(ctx, input) {
      // Without StreamModeDetails or ShardCount the stream is on-demand, of 4 shards (recorded:
      // test_create_stream_without_shard_count shows four; that the mode is ON_DEMAND is our reading).
      const mode =
        input.StreamModeDetails?.StreamMode ?? (input.ShardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
      if (mode === 'ON_DEMAND' && input.ShardCount !== undefined) throw shardCountWithOnDemand();
      if (mode === 'PROVISIONED' && input.ShardCount === undefined) throw shardCountRequired();
      const count = input.ShardCount ?? onDemandShards;
      if (state.store.stream(ctx.account, ctx.region, input.StreamName)) {
        throw streamExists(input.StreamName, ctx.account);
      }
      checkShardQuota(state, ctx, count);
      const now = state.now();
      const stream = state.store.insertStream({
        account: ctx.account,
        region: ctx.region,
        name: input.StreamName,
        created_at: now,
        retention_hours: defaultRetentionHours,
        mode,
        tags: JSON.stringify(input.Tags ?? {}),
      });
      if (input.MaxRecordSizeInKiB !== undefined) {
        state.store.setStreamField(stream.id, 'max_record_kib', input.MaxRecordSizeInKiB);
      }
      createShards(state, stream, count);
    },

    describeStream(ctx, input) {
      const stream = state.stream(ctx, input);
      const shards = state.visibleShards(stream);
      const limit = input.Limit ?? 100;
      const after = input.ExclusiveStartShardId;
      const from = after === undefined ? shards : shards.filter((shard) => shard.id > after);
      const page = from.slice(0, limit);
      const summary = summaryOf(state, ctx, stream);
      const description = {
        StreamName: summary.StreamName,
        StreamARN: summary.StreamARN,
        StreamStatus: summary.StreamStatus,
        StreamModeDetails: summary.StreamModeDetails,
        Shards: page.map((shard) => shardOut(stream, shard)),
        HasMoreShards: from.length > page.length,
        RetentionPeriodHours: summary.RetentionPeriodHours,
        StreamCreationTimestamp: summary.StreamCreationTimestamp,
        EnhancedMonitoring: summary.EnhancedMonitoring,
        EncryptionType: summary.EncryptionType,
        ...(summary.KeyId === undefined ? {} : { KeyId: summary.KeyId }),
      };
      return { StreamDescription: description };
    },

    describeStreamSummary(ctx, input) {
      return { StreamDescriptionSummary: summaryOf(state, ctx, state.stream(ctx, input)) };
    },

    listStreams(ctx, input) {
      const limit = input.Limit ?? 100;
      const after = input.NextToken ?? input.ExclusiveStartStreamName ?? '';
      const rows = state.store.streamsAfter(ctx.account, ctx.region, after, limit + 1);
      const page = rows.slice(0, limit);
      const more = rows.length > limit;
      const output: ReturnType<NonNullable<KinesisOperations<RequestContext>['listStreams']>> = {
        StreamNames: page.map((row) => row.name),
        HasMoreStreams: more,
        StreamSummaries: page.map((row) => ({
          StreamName: row.name,
          StreamARN: streamArnOf(ctx, row.name),
          StreamStatus: 'ACTIVE',
          StreamModeDetails: modeOf(row),
          StreamCreationTimestamp: new Date(row.created_at),
        })),
      };
      // The token is the last name shown: AWS's tokens are opaque, and ExclusiveStartStreamName
      // takes the same name, so a name is what resumes either.
      if (more) (output as { NextToken?: string }).NextToken = page[page.length - 1]?.name;
      return output;
    },

    deleteStream(ctx, input) {
      const stream = state.stream(ctx, input);
      if (!input.EnforceConsumerDeletion && state.store.consumers(stream.id).length > 0) {
        throw hasConsumers(stream.name, ctx.account);
      }
      state.store.deleteStream(stream.id);
      state.forgetShards(stream.id);
    },

    increaseStreamRetentionPeriod(ctx, input) {
      const stream = state.stream(ctx, input);
      const hours = input.RetentionPeriodHours;
      if (hours < defaultRetentionHours) throw retentionTooShort(hours);
      if (hours > maxRetentionHours) throw retentionTooLong(hours);
      // The same value is accepted and changes nothing (Terraform relies on it; floci-io/floci PR #352).
      if (hours < stream.retention_hours) throw retentionNotLonger(hours, stream.name, stream.retention_hours);
      state.store.setStreamField(stream.id, 'retention_hours', hours);
    },

    decreaseStreamRetentionPeriod(ctx, input) {
      const stream = state.stream(ctx, input);
      const hours = input.RetentionPeriodHours;
      if (hours < defaultRetentionHours) throw retentionTooShort(hours);
      if (hours > maxRetentionHours) throw retentionTooLong(hours);
      if (hours > stream.retention_hours) throw retentionNotShorter(hours, stream.name, stream.retention_hours);
      state.store.setStreamField(stream.id, 'retention_hours', hours);
    },

    startStreamEncryption(ctx, input) {
      const stream = state.stream(ctx, input);
      state.store.setStreamField(stream.id, 'encryption', input.EncryptionType);
      state.store.setStreamField(stream.id, 'key_id', input.KeyId);
    },

    stopStreamEncryption(ctx, input) {
      const stream = state.stream(ctx, input);
      state.store.setStreamField(stream.id, 'encryption', 'NONE');
      state.store.setStreamField(stream.id, 'key_id', null);
    },

    updateStreamMode(ctx, input) {
      const stream = state.stream(ctx, { StreamARN: input.StreamARN });
      state.store.setStreamField(stream.id, 'mode', input.StreamModeDetails.StreamMode);
    },

    updateMaxRecordSize(ctx, input) {
      const stream = state.stream(ctx, { StreamARN: input.StreamARN });
      state.store.setStreamField(stream.id, 'max_record_kib', input.MaxRecordSizeInKiB);
    },

    enableEnhancedMonitoring(ctx, input) {
      return setMonitoring(ctx, input, true);
    },

    disableEnhancedMonitoring(ctx, input) {
      return setMonitoring(ctx, input, false);
    },

    describeLimits(ctx) {
      const streams = state.store.streamsAfter(ctx.account, ctx.region, '', Number.MAX_SAFE_INTEGER);
      return {
        ShardLimit: shardQuota(ctx.region),
        OpenShardCount: state.store.openShardCount(ctx.account, ctx.region),
        OnDemandStreamCount: streams.filter((row) => row.mode === 'ON_DEMAND').length,
        OnDemandStreamCountLimit: 50,
      };
    },
  } satisfies Partial<KinesisOperations<RequestContext>>;
}

/** Records older than this are gone from the stream (reads skip them before the sweep deletes them). */
export function retentionStart(stream: StreamRow, now: number): number {
  return now - stream.retention_hours * hourMs;
}
