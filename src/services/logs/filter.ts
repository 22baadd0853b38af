/**
 * FilterLogEvents: a group's events in time order (interleaved across its streams, as AWS has
 * always done since the interleaved flag was retired in June 2019), from startTime to endTime
 * inclusive, optionally only some streams (logStreamNames, or logStreamNamePrefix), matched
 * against a filter pattern (filter-pattern.ts).
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
 *
 * A page holds at most `limit` events (10,000) and 1 MB. Each call reads at most 100,000 events,
 * so a pattern that rarely matches costs a bounded read per page, and, as AWS documents, a page
 * may then be short or empty while its nextToken goes on. A few named streams (up to 100, which
 * logStreamNames allows) are read from the stream index and merged; a whole group, or a prefix
 * that names many streams, from the group index. searchedLogStreams is always empty: "As of May
 * 15, 2020, this parameter is no longer supported. This parameter returns an empty list."
 */
import type { LogsOperations } from '../../generated/logs/operations.js';
import type { FilteredLogEvent, FilterLogEventsResponse } from '../../generated/logs/types.js';
import type { RequestContext } from '../service-types.js';
import { namesAndPrefix } from './errors.js';
import { eventOverhead, maxPageBytes } from './events.js';
import { compileFilterPattern } from './filter-pattern.js';
import type { LogsState } from './state.js';
import type { EventRow, LogsStore, Position } from './store.js';
import { isRecord, opaqueToken, parseOpaqueToken, positionDigits } from './tokens.js';

const defaultLimit = 10_000;
const readBudget = 100_000;
const chunk = 1000;
const mergedStreams = 100;

/** Reads events in time order from one index range, a chunk at a time. */
class RangeReader {
  #rows: EventRow[] = [];
  #index = 0;
  #from: Position;
  #exhausted = false;
  constructor(
    readonly read: (from: Position, limit: number) => EventRow[],
    from: Position,
  ) {
    this.#from = from;
  }

  peek(): EventRow | undefined {
    if (this.#index >= this.#rows.length) {
      if (this.#exhausted) return undefined;
      this.#rows = this.read(this.#from, chunk);
      this.#index = 0;
      if (this.#rows.length < chunk) this.#exhausted = true;
      const last = this.#rows.at(-1);
      if (last) this.#from = { timestamp: last.timestamp, seq: last.seq };
    }
    return this.#rows[this.#index];
  }

  advance(): void {
    this.#index++;
  }
}

function before(a: EventRow, b: EventRow): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

/** Several streams' readers merged into one time order. */
class MergedReader {
  constructor(readonly readers: RangeReader[]) {}

  #head(): RangeReader | undefined {
    let best: RangeReader | undefined;
    let bestRow: EventRow | undefined;
    for (const reader of this.readers) {
      const row = reader.peek();
      if (row && (!bestRow || before(row, bestRow))) {
        best = reader;
        bestRow = row;
      }
    }
    return best;
  }

  peek(): EventRow | undefined {
    return this.#head()?.peek();
  }

  advance(): void {
    this.#head()?.advance();
  }
}

function isPositionToken(value: unknown): value is { t: number; s: number } {
  return isRecord(value) && Number.isSafeInteger(value.t) && Number.isSafeInteger(value.s);
}

/** Stream names by id, read once per request. */
function streamNamer(store: LogsStore, groupId: number, known: Map<number, string>): (id: number) => string {
  return (id) => {
    let name = known.get(id);
    if (name === undefined) {
      name = store.streamNames(groupId, [id]).get(id) ?? '';
      known.set(id, name);
    }
    return name;
  };
}

export function filterOperations(state: LogsState) {
  return {
    filterLogEvents(ctx, input) {
      const group = state.groupByNameOrIdentifier(ctx, input.logGroupName, input.logGroupIdentifier);
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) throw namesAndPrefix();
      const matches = compileFilterPattern(input.filterPattern);
      const limit = input.limit ?? defaultLimit;
      const start = Math.max(input.startTime ?? 0, state.retainedFrom(group));
      const end = input.endTime === undefined ? Number.MAX_SAFE_INTEGER : input.endTime + 1;
      let from: Position = { timestamp: start, seq: 0 };
      if (input.nextToken !== undefined) {
        const token = parseOpaqueToken(input.nextToken, isPositionToken);
        if (token.t > start || (token.t === start && token.s > 0)) from = { timestamp: token.t, seq: token.s };
      }

      // Which streams: all of them, or those named or prefixed (by id).
      let chosen: Map<number, string> | undefined;
      if (input.logStreamNames !== undefined) {
        chosen = new Map();
        for (const name of input.logStreamNames) {
          const row = state.store.stream(group.id, name);
          if (row) chosen.set(row.id, row.name);
        }
      } else if (input.logStreamNamePrefix !== undefined) {
        const rows = state.store.streamIdsByPrefix(group.id, input.logStreamNamePrefix, mergedStreams + 1);
        chosen = new Map(rows.map((row) => [row.id, row.name]));
        if (rows.length > mergedStreams) {
          // Many streams: read the group's range and keep theirs (ids of every prefixed stream).
          chosen = new Map(
            state.store.streamIdsByPrefix(group.id, input.logStreamNamePrefix, -1).map((row) => [row.id, row.name]),
          );
        }
      }
      const reader =
        chosen && chosen.size <= mergedStreams
          ? new MergedReader(
              [...chosen.keys()].map(
                (id) =>
                  new RangeReader(
                    (position, count) => state.store.streamIdEventsAfter(group.id, id, position, end, count),
                    from,
                  ),
              ),
            )
          : new RangeReader((position, count) => state.store.groupEventsAfter(group.id, position, end, count), from);
      const nameOf = streamNamer(state.store, group.id, chosen ?? new Map());

      const events: FilteredLogEvent[] = [];
      let bytes = 0;
      let read = 0;
      let last: Position | undefined;
      let more = false;
      for (;;) {
        const row = reader.peek();
        if (!row) break;
        if (read >= readBudget) {
          more = true;
          break;
        }
        if ((!chosen || chosen.has(row.stream_id)) && matches(row.message)) {
          const size = Buffer.byteLength(row.message, 'utf8') + eventOverhead;
          if (events.length >= limit || (events.length > 0 && bytes + size > maxPageBytes)) {
            more = true;
            break;
          }
          bytes += size;
          events.push({
            logStreamName: nameOf(row.stream_id),
            timestamp: row.timestamp,
            message: row.message,
            ingestionTime: row.ingested_at,
            eventId: positionDigits(row),
          });
        }
        reader.advance();
        read++;
        last = { timestamp: row.timestamp, seq: row.seq };
      }
      const output: FilterLogEventsResponse = { events, searchedLogStreams: [] };
      if (more && last) output.nextToken = opaqueToken({ t: last.timestamp, s: last.seq });
      return output;
    },
  } satisfies Partial<LogsOperations<RequestContext>>;
}
