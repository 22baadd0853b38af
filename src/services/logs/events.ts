/**
 * PutLogEvents and GetLogEvents.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
 *
 * A batch: at most 10,000 events (the model) and 1,048,576 bytes, counted as each message's UTF-8
 * bytes plus 26; each event at most 1 MB on the same count; in chronological order. Events more
 * than 2 hours ahead of the clock, more than 14 days behind it, or before the group's retention
 * are left out and reported in rejectedLogEventsInfo (tooNewLogEventStartIndex,
 * tooOldLogEventEndIndex, expiredLogEventEndIndex), the rest stored; the events kept may not span
 * more than 24 hours. Sequence tokens are accepted and ignored, as AWS now does.
 *
 * GetLogEvents reads one stream forwards (startFromHead, or an `f/` token) or backwards from the
 * newest (the default, or a `b/` token), a page of at most `limit` events (10,000) and 1 MB, each
 * page in time order. At the end it hands back the token it was given, which is how AWS says
 * "no more" (the GetLogEvents API reference).
 */
import type { LogsOperations } from '../../generated/logs/operations.js';
import type { GetLogEventsResponse, PutLogEventsResponse, RejectedLogEventsInfo } from '../../generated/logs/types.js';
import type { RequestContext } from '../service-types.js';
import { eventTooLarge, notChronological, spansMoreThanADay, uploadTooLarge } from './errors.js';
import type { Retention } from './retention.js';
import { dayMs, type LogsState } from './state.js';
import type { EventRow, GroupRow, Position, StreamRow } from './store.js';
import { sequenceToken } from './streams.js';
import { type Direction, parseStreamToken, streamToken } from './tokens.js';

export const maxBatchBytes = 1_048_576;
export const maxEventBytes = 1_048_576;
export const eventOverhead = 26;
export const maxPageBytes = 1_048_576;
const maxPageEvents = 10_000;
const hourMs = 3_600_000;

export interface CheckedEvent {
  timestamp: number;
  message: string;
  bytes: number;
}

/** Stores events already in time order and keeps the retention timer in step. */
export function storeEvents(
  state: LogsState,
  retention: Retention,
  group: GroupRow,
  stream: StreamRow,
  events: CheckedEvent[],
): StreamRow {
  const uploads = state.store.appendEvents(stream, events, state.now());
  const oldest = events[0];
  if (group.retention_days !== null && oldest) retention.expect(oldest.timestamp + group.retention_days * dayMs);
  return { ...stream, uploads };
}

function checkBatch(events: ReadonlyArray<{ timestamp: number; message: string }>): CheckedEvent[] {
  const checked: CheckedEvent[] = [];
  let total = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const bytes = Buffer.byteLength(event.message, 'utf8');
    if (bytes + eventOverhead > maxEventBytes) throw eventTooLarge(bytes + eventOverhead, maxEventBytes);
    total += bytes + eventOverhead;
    checked.push({ timestamp: event.timestamp, message: event.message, bytes });
  }
  if (total > maxBatchBytes) throw uploadTooLarge(total, maxBatchBytes);
  for (const event of checked) {
    if (event.timestamp < previous) throw notChronological();
    previous = event.timestamp;
  }
  return checked;
}

/** Which events are kept, and the indexes AWS reports for those it leaves out. */
function admit(
  events: CheckedEvent[],
  now: number,
  retainedFrom: number,
): { kept: CheckedEvent[]; rejected: RejectedLogEventsInfo | undefined } {
  const tooOldBefore = now - 14 * dayMs;
  const tooNewAfter = now + 2 * hourMs;
  const rejected: RejectedLogEventsInfo = {};
  const kept: CheckedEvent[] = [];
  events.forEach((event, index) => {
    if (event.timestamp < tooOldBefore) rejected.tooOldLogEventEndIndex = index;
    else if (event.timestamp < retainedFrom) rejected.expiredLogEventEndIndex = index;
    else if (event.timestamp > tooNewAfter) rejected.tooNewLogEventStartIndex ??= index;
    else kept.push(event);
  });
  const first = kept[0];
  const last = kept.at(-1);
  if (first && last && last.timestamp - first.timestamp > dayMs) throw spansMoreThanADay();
  return { kept, rejected: Object.keys(rejected).length > 0 ? rejected : undefined };
}

function later(a: Position, b: Position): Position {
  return a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.seq > b.seq) ? a : b;
}

function earlier(a: Position, b: Position): Position {
  return later(a, b) === a ? b : a;
}

function positionOf(row: EventRow): Position {
  return { timestamp: row.timestamp, seq: row.seq };
}

/** Keeps rows (in the order read) while the page stays within 1 MB. */
function withinPageBytes(rows: EventRow[]): EventRow[] {
  let total = 0;
  for (let index = 0; index < rows.length; index++) {
    total += Buffer.byteLength((rows[index] as EventRow).message, 'utf8') + eventOverhead;
    if (total > maxPageBytes) return rows.slice(0, Math.max(index, 1));
  }
  return rows;
}

export function eventOperations(state: LogsState, retention: Retention) {
  return {
    putLogEvents(ctx, input) {
      const group = state.group(ctx, input.logGroupName);
      const stream = state.stream(group, input.logStreamName);
      const checked = checkBatch(input.logEvents);
      const { kept, rejected } = admit(checked, state.now(), state.retainedFrom(group));
      const stored = storeEvents(state, retention, group, stream, kept);
      const output: PutLogEventsResponse = { nextSequenceToken: sequenceToken(stored) };
      if (rejected) output.rejectedLogEventsInfo = rejected;
      return output;
    },

    getLogEvents(ctx, input) {
      const group = state.groupByNameOrIdentifier(ctx, input.logGroupName, input.logGroupIdentifier);
      const stream = state.stream(group, input.logStreamName);
      const limit = input.limit ?? maxPageEvents;
      const start = Math.max(input.startTime ?? 0, state.retainedFrom(group));
      const end = input.endTime ?? Number.MAX_SAFE_INTEGER;
      // Positions are (timestamp, seq) and seq starts at 1, so (start, 0) is just before the range.
      const head: Position = { timestamp: start, seq: 0 };
      const tail: Position = { timestamp: end, seq: 0 };
      let direction: Direction = input.startFromHead === true ? 'forward' : 'backward';
      let from = direction === 'forward' ? head : tail;
      if (input.nextToken !== undefined) {
        const token = parseStreamToken(input.nextToken);
        direction = token.direction;
        from = direction === 'forward' ? later(token.position, head) : earlier(token.position, tail);
      }
      let rows: EventRow[];
      if (direction === 'forward') {
        rows = withinPageBytes(state.store.streamEventsAfter(stream, from, end, limit));
      } else {
        rows = withinPageBytes(state.store.streamEventsBefore(stream, from, start, limit)).reverse();
      }
      const first = rows[0];
      const last = rows.at(-1);
      const output: GetLogEventsResponse = {
        events: rows.map((row) => ({ timestamp: row.timestamp, message: row.message, ingestionTime: row.ingested_at })),
      };
      if (first && last) {
        output.nextForwardToken = streamToken('forward', positionOf(last));
        output.nextBackwardToken = streamToken('backward', positionOf(first));
      } else if (direction === 'forward') {
        output.nextForwardToken = input.nextToken ?? streamToken('forward', from);
        output.nextBackwardToken = streamToken('backward', from);
      } else {
        output.nextBackwardToken = input.nextToken ?? streamToken('backward', from);
        // Nothing before `from` in range: reading forwards from the head finds what comes later.
        output.nextForwardToken = streamToken('forward', head);
      }
      return output;
    },
  } satisfies Partial<LogsOperations<RequestContext>>;
}
