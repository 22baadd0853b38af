/**
 * Retention: messages past MessageRetentionPeriod are deleted when the clock reaches the
 * earliest expiry (one timer on the Nimbus clock, moved earlier when a send expires sooner),
 * and expired deduplication entries with them. A receive also skips expired messages on its
 * own, so nothing expired is ever returned between sweeps.
 */
import type { ClockTimer } from '../../core/clock.js';
import type { SqsState } from './state.js';

export class Sweeper {
  readonly #state: SqsState;
  #timer: ClockTimer | undefined;
  #at = Number.POSITIVE_INFINITY;

  constructor(state: SqsState) {
    this.#state = state;
    const next = state.store.nextExpiry();
    if (next !== undefined) this.#arm(next);
  }

  /** A message now expires at `at`: sweep no later than that. */
  expect(at: number): void {
    if (at < this.#at) this.#arm(at);
  }

  #arm(at: number): void {
    this.#timer?.cancel();
    this.#at = at;
    this.#timer = this.#state.clock.schedule(at, () => this.#sweep());
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const now = this.#state.now();
    const store = this.#state.store;
    store.transaction(() => {
      store.deleteExpired(now);
      store.deleteExpiredDedup(now);
    });
    // At most one sweep a second: messages sent a moment apart expire a moment apart.
    const next = store.nextExpiry();
    if (next !== undefined) this.#arm(Math.max(next, now + 1000));
  }

  dispose(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
