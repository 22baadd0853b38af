/**
 * Deletes the items and index entries of deleted tables and indexes in the background, a step at a
 * time between requests, so that DeleteTable on a table of a million items answers at once (AWS
 * too answers DELETING and removes the data afterwards). Each step commits on its own; a crash
 * leaves the rest listed in dynamodb_dropped, and the next start goes on.
 */
import type { DynamodbState } from './state.js';

export class Purger {
  readonly #state: DynamodbState;
  #scheduled: NodeJS.Immediate | undefined;
  #disposed = false;

  constructor(state: DynamodbState) {
    this.#state = state;
  }

  /** Starts purging if anything is left to purge (at start-up, after a delete). */
  wake(): void {
    if (this.#scheduled || this.#disposed) return;
    this.#scheduled = setImmediate(() => this.#step());
  }

  #step(): void {
    this.#scheduled = undefined;
    if (this.#disposed) return;
    try {
      const more = this.#state.db.transaction(() => this.#state.store.purgeDropped());
      if (more) this.wake();
    } catch (error) {
      this.#state.logger.warn(`dynamodb: purging deleted tables failed: ${error}`);
    }
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
  }
}
