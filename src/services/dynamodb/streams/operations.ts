/**
 * DynamoDB Streams (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html):
 * ListStreams, DescribeStream, GetShardIterator, GetRecords. The DynamoDB provider answers the
 * `dynamodbstreams` model too (target prefix DynamoDBStreams_20120810); these methods are its
 * table.
 *
 * Each stream has one shard, open while the stream is enabled and closed (with an
 * EndingSequenceNumber) once it is disabled. Iterators carry their position and expire after 15
 * minutes of Nimbus time (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html).
 */
import { ValidationException } from '../../../errors/common.js';
import {
  ExpiredIteratorException,
  ResourceNotFoundException,
  TrimmedDataAccessException,
} from '../../../generated/dynamodbstreams/errors.js';
import type { DynamodbstreamsOperations } from '../../../generated/dynamodbstreams/operations.js';
import type * as S from '../../../generated/dynamodbstreams/types.js';
import type { RequestContext } from '../../service-types.js';
import type { DynamodbState } from '../state.js';
import { horizon, readable, trimPoint } from './feed.js';
import { decodeIterator, encodeIterator, formatSeq, type IteratorPosition, parseSeq } from './iterators.js';
import { recordOut } from './records.js';
import type { StreamRow } from './store.js';

const iteratorLifetimeMs = 15 * 60 * 1000;
/** GetRecords answers at most 1 MB (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html). */
const maxRecordBytes = 1024 * 1024;

/** test_non_existent_stream (recorded). */
function streamNotFound(arn: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Requested resource not found: Stream: ${arn} not found`);
}

/** The model allows any positive Limit; AWS's upper limits are in each operation's reference. */
function checkUpperLimit(value: number | undefined, max: number): void {
  if (value !== undefined && value > max) {
    throw new ValidationException(
      `1 validation error detected: Value '${value}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
}

function visibleStream(state: DynamodbState, ctx: RequestContext, arn: string): StreamRow {
  const stream = state.streams.stream(arn);
  if (!readable(stream, state.now()) || stream.account !== ctx.account || stream.region !== ctx.region) {
    throw streamNotFound(arn);
  }
  return stream;
}

function shardOut(stream: StreamRow): S.Shard {
  const range: S.SequenceNumberRange = { StartingSequenceNumber: formatSeq(stream.start_seq) };
  if (stream.end_seq !== null) range.EndingSequenceNumber = formatSeq(Math.max(stream.end_seq, stream.start_seq));
  return { ShardId: stream.shard_id, SequenceNumberRange: range };
}

function sequenceOf(input: S.GetShardIteratorInput): number {
  if (input.SequenceNumber === undefined) {
    throw new ValidationException(`A sequence number is required for ShardIteratorType ${input.ShardIteratorType}`);
  }
  const seq = parseSeq(input.SequenceNumber);
  if (seq === undefined) throw new ValidationException(`Invalid SequenceNumber: ${input.SequenceNumber}`);
  return seq;
}

/** The data you are trying to access has been trimmed (node-dynamodb-stream#13, AWS's text). */
function trimmed(): TrimmedDataAccessException {
  return new TrimmedDataAccessException('The data you are trying to access has been trimmed');
}

export function streamOperations(state: DynamodbState) {
  return {
    listStreams(ctx, input) {
      checkUpperLimit(input.Limit, 100);
      const limit = input.Limit ?? 100;
      let afterId = 0;
      if (input.ExclusiveStartStreamArn !== undefined) {
        const start = state.streams.stream(input.ExclusiveStartStreamArn);
        if (!start || start.account !== ctx.account || start.region !== ctx.region) {
          throw streamNotFound(input.ExclusiveStartStreamArn);
        }
        afterId = start.id;
      }
      const rows = state.streams.listStreams(
        ctx.account,
        ctx.region,
        input.TableName,
        afterId,
        state.now() - 24 * 60 * 60 * 1000,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const out: S.ListStreamsOutput = {
        Streams: page.map((row) => ({ StreamArn: row.arn, TableName: row.table_name, StreamLabel: row.label })),
      };
      if (rows.length > limit) out.LastEvaluatedStreamArn = page[page.length - 1]?.arn;
      return out;
    },

    describeStream(ctx, input) {
      checkUpperLimit(input.Limit, 100);
      const stream = visibleStream(state, ctx, input.StreamArn);
      let shards = [shardOut(stream)];
      // One shard, never split: it has no children, and nothing comes after it.
      if (input.ShardFilter?.Type === 'CHILD_SHARDS') shards = [];
      if (input.ExclusiveStartShardId !== undefined && input.ExclusiveStartShardId >= stream.shard_id) shards = [];
      return {
        StreamDescription: {
          StreamArn: stream.arn,
          StreamLabel: stream.label,
          StreamStatus: stream.disabled_at === null ? 'ENABLED' : 'DISABLED',
          StreamViewType: stream.view_type as S.StreamViewType,
          CreationRequestDateTime: new Date(stream.created_at),
          TableName: stream.table_name,
          KeySchema: JSON.parse(stream.key_schema) as S.KeySchemaElement[],
          Shards: shards,
        },
      };
    },

    getShardIterator(ctx, input) {
      const stream = visibleStream(state, ctx, input.StreamArn);
      if (input.ShardId !== stream.shard_id) {
        throw new ResourceNotFoundException(
          `Requested resource not found: Shard: ${input.ShardId} in Stream: ${stream.arn} not found`,
        );
      }
      const start = horizon(state, stream);
      let after: number;
      switch (input.ShardIteratorType) {
        case 'TRIM_HORIZON':
          after = start;
          break;
        case 'LATEST':
          after = Math.max(state.streams.lastSeq(stream.id) ?? 0, start);
          break;
        case 'AT_SEQUENCE_NUMBER':
          after = sequenceOf(input) - 1;
          break;
        default:
          after = sequenceOf(input);
      }
      if (after < trimPoint(state, stream)) throw trimmed();
      const position: IteratorPosition = {
        streamArn: stream.arn,
        shardId: stream.shard_id,
        after,
        createdAt: state.now(),
      };
      return { ShardIterator: encodeIterator(position) };
    },

    getRecords(ctx, input) {
      checkUpperLimit(input.Limit, 1000);
      const position = decodeIterator(input.ShardIterator);
      if (!position) throw new ValidationException('Invalid ShardIterator');
      const now = state.now();
      if (now - position.createdAt > iteratorLifetimeMs) {
        throw new ExpiredIteratorException('Iterator expired. Shard iterators are valid for 15 minutes');
      }
      const stream = visibleStream(state, ctx, position.streamArn);
      if (stream.shard_id !== position.shardId) {
        throw new ResourceNotFoundException('Invalid ShardId in ShardIterator');
      }
      if (position.after < trimPoint(state, stream)) throw trimmed();
      const rows = state.streams.records(stream.id, position.after, input.Limit ?? 1000);
      const records: S.Record[] = [];
      let bytes = 0;
      let after = position.after;
      for (const row of rows) {
        // A record alone may exceed the limit only if it is the first.
        if (records.length > 0 && bytes + row.size > maxRecordBytes) break;
        bytes += row.size;
        records.push(recordOut(stream, row));
        after = row.seq;
      }
      const out: S.GetRecordsOutput = { Records: records };
      // A closed shard read to its end has no next iterator: the reader is done with it.
      if (stream.end_seq === null || after < stream.end_seq) {
        out.NextShardIterator = encodeIterator({ ...position, after, createdAt: now });
      }
      return out;
    },
  } satisfies DynamodbstreamsOperations<RequestContext>;
}
