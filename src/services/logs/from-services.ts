/**
 * Writes on behalf of other Nimbus services: Lambda sends each function's output here, in-process,
 * never over HTTP to ourselves. Like Lambda's service role, it creates the log group and stream
 * it writes to when they do not exist yet.
 */
import { eventOverhead, maxEventBytes, storeEvents } from './events.js';
import { createGroup } from './groups.js';
import type { Retention } from './retention.js';
import type { LogsState } from './state.js';
import { createStream } from './streams.js';

export interface LogsFromServices {
  /** Appends events, creating the group and stream if needed (Lambda's service role does). */
  putLogEventsFromService(
    account: string,
    region: string,
    group: string,
    stream: string,
    events: Array<{ timestamp: number; message: string }>,
  ): void;
}

export function fromServicesOperations(state: LogsState, retention: Retention): LogsFromServices {
  return {
    putLogEventsFromService(account, region, groupName, streamName, events) {
      const scope = { account, region };
      state.store.transaction(() => {
        const group = state.store.group(account, region, groupName) ?? createGroup(state, scope, groupName, {});
        const stream = state.store.stream(group.id, streamName) ?? createStream(state, group, streamName);
        const retainedFrom = state.retainedFrom(group);
        // A writer of our own is trusted to send sane events; they are still kept in time order,
        // without empty messages (AWS stores none) or what the group's retention has passed.
        const kept = events
          .filter((event) => event.message !== '' && event.timestamp >= retainedFrom)
          .map((event) => {
            const message = truncate(event.message);
            return { timestamp: event.timestamp, message, bytes: Buffer.byteLength(message, 'utf8') };
          })
          .sort((a, b) => a.timestamp - b.timestamp);
        if (kept.length > 0) storeEvents(state, retention, group, stream, kept);
      });
    },
  };
}

/** A message longer than one event may be is cut to fit, as a log agent would. */
function truncate(message: string): string {
  const limit = maxEventBytes - eventOverhead;
  if (message.length * 3 <= limit || Buffer.byteLength(message, 'utf8') <= limit) return message;
  return Buffer.from(message, 'utf8')
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
