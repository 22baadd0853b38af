/**
 * What Streams and TTL add to the DynamoDB provider: the change listeners (stream records, the
 * expiry index), the background sweeps (TTL deletions, stream retention), the Streams
 * operations and the in-process feed (feed.ts).
 */
import type { DynamodbState } from '../state.js';
import { indexExpiries, TtlSweeper } from '../ttl.js';
import { Feed, type StreamFeed } from './feed.js';
import { streamOperations } from './operations.js';
import { recordChanges } from './records.js';
import { StreamTrimmer } from './retention.js';

export type { StreamFeed } from './feed.js';
export { streamsMigrations } from './store.js';

export function attachStreams(state: DynamodbState) {
  const feed = new Feed(state);
  state.changeListeners.push(indexExpiries(state), recordChanges(state, feed));
  const sweeper = new TtlSweeper(state);
  const trimmer = new StreamTrimmer(state);
  return {
    operations: streamOperations(state),
    feed: feed as StreamFeed,
    dispose(): void {
      sweeper.dispose();
      trimmer.dispose();
      feed.dispose();
    },
  };
}
