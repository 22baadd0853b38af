/**
 * Event source mappings and asynchronous invocation configs, put together for the provider:
 * their operations, the Event queue's hooks (destinations, dead-letter queues) and the pollers,
 * which start with the provider and stop when it is disposed.
 */
import type { Database } from '../../../state/database.js';
import { Destinations, eventOutcomes, invokeConfigOperations } from '../destinations.js';
import type { EventQueue } from '../invoke.js';
import type { LambdaState } from '../state.js';
import { mappingOperations } from './mappings.js';
import { Pollers } from './pollers.js';
import { EventSourceStore } from './store.js';

export class EventSources {
  readonly store: EventSourceStore;
  readonly pollers: Pollers;
  readonly #state: LambdaState;

  constructor(state: LambdaState, events: EventQueue) {
    this.#state = state;
    this.store = new EventSourceStore(state.deps.db);
    const destinations = new Destinations(state, events);
    events.outcomes = eventOutcomes(state, this.store, destinations);
    this.pollers = new Pollers(state, this.store, destinations);
    this.pollers.startAll();
  }

  operations() {
    return {
      ...mappingOperations(this.#state, this.store, this.pollers, this.pollers.checks()),
      ...invokeConfigOperations(this.#state, this.store),
    };
  }

  dispose(): void {
    this.pollers.stopAll();
  }

  /** Whether Nimbus should start Lambda at boot: some mapping has a poller to run. */
  static needed(db: Database): boolean {
    return EventSourceStore.any(db);
  }
}
