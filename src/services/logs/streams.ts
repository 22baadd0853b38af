/**
 * Log streams: create, delete, describe.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
 *
 * DescribeLogStreams pages by name (the default) or by last event time, either way round; a
 * stream's storedBytes is always 0, as AWS has reported it since June 2019 (the LogStream
 * shape's documentation), and its lastEventTimestamp moves at once (AWS: "eventual consistency
 * ... typically less than an hour").
 */
import type { LogsOperations } from '../../generated/logs/operations.js';
import type { DescribeLogStreamsResponse, LogStream } from '../../generated/logs/types.js';
import type { RequestContext } from '../service-types.js';
import { checkNameLength, orderByWithPrefix, streamExists } from './errors.js';
import { type LogsState, logGroupArn, type Scope } from './state.js';
import type { GroupRow, StreamRow } from './store.js';
import { isRecord, opaqueToken, parseOpaqueToken } from './tokens.js';

const describeLimit = 50;

/**
 * A stream's upload sequence token: AWS's are 56 digits, and though PutLogEvents now ignores
 * them it still hands them out (recorded: test_logs_events `test_put_log_events_too_old`).
 */
export function sequenceToken(stream: StreamRow): string {
  return `49${(BigInt(stream.id) * 10n ** 24n + BigInt(stream.uploads)).toString().padStart(54, '0')}`;
}

export function describeStream(scope: Scope, group: GroupRow, row: StreamRow): LogStream {
  const stream: LogStream = { logStreamName: row.name, creationTime: row.created_at };
  if (row.first_event_at !== null) stream.firstEventTimestamp = row.first_event_at;
  if (row.last_event_at !== null) stream.lastEventTimestamp = row.last_event_at;
  if (row.last_ingestion_at !== null) stream.lastIngestionTime = row.last_ingestion_at;
  if (row.uploads > 0) stream.uploadSequenceToken = sequenceToken(row);
  stream.arn = `${logGroupArn(scope, group.name)}:log-stream:${row.name}`;
  stream.storedBytes = 0;
  return stream;
}

/** Creates a stream (CreateLogStream, and the streams other services write to). */
export function createStream(state: LogsState, group: GroupRow, name: string): StreamRow {
  checkNameLength(name);
  if (state.store.stream(group.id, name)) throw streamExists();
  return state.store.insertStream(group.id, name, state.now());
}

function isNameToken(value: unknown): value is { after: string } {
  return isRecord(value) && typeof value.after === 'string';
}

function isTimeToken(value: unknown): value is { at: number; after: string } {
  return isRecord(value) && typeof value.at === 'number' && typeof value.after === 'string';
}

export function streamOperations(state: LogsState) {
  return {
    createLogStream(ctx, input) {
      createStream(state, state.group(ctx, input.logGroupName), input.logStreamName);
    },

    deleteLogStream(ctx, input) {
      const group = state.group(ctx, input.logGroupName);
      state.store.deleteStream(state.stream(group, input.logStreamName));
    },

    describeLogStreams(ctx, input) {
      const group = state.groupByNameOrIdentifier(ctx, input.logGroupName, input.logGroupIdentifier);
      const limit = input.limit ?? describeLimit;
      const descending = input.descending === true;
      let rows: StreamRow[];
      if (input.orderBy === 'LastEventTime') {
        if (input.logStreamNamePrefix !== undefined) throw orderByWithPrefix();
        const from = input.nextToken === undefined ? undefined : parseOpaqueToken(input.nextToken, isTimeToken);
        rows = state.store.streamsByLastEvent(
          group.id,
          from && { at: from.at, name: from.after },
          descending,
          limit + 1,
        );
      } else {
        const from = input.nextToken === undefined ? undefined : parseOpaqueToken(input.nextToken, isNameToken).after;
        rows = state.store.streamsByName(group.id, input.logStreamNamePrefix ?? '', from, descending, limit + 1);
      }
      const page = rows.slice(0, limit);
      const output: DescribeLogStreamsResponse = { logStreams: page.map((row) => describeStream(ctx, group, row)) };
      const last = page.at(-1);
      if (rows.length > limit && last) {
        output.nextToken =
          input.orderBy === 'LastEventTime'
            ? opaqueToken({ at: last.last_event_at ?? -1, after: last.name })
            : opaqueToken({ after: last.name });
      }
      return output;
    },
  } satisfies Partial<LogsOperations<RequestContext>>;
}
