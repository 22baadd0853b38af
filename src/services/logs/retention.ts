/**
 * Retention: a group's events older than its retention policy are deleted when the Nimbus clock
 * passes them (one timer on the clock, at the earliest moment an event of any group expires,
 * moved earlier when a put brings an earlier one). Reads also leave out events past retention
 * on their own, so nothing expired is returned between sweeps. AWS deletes within 72 hours of
 * expiry (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention);
 * here it happens at once, which is what a test that moves the clock wants.
 */
import type { ClockTimer } from '../../core/clock.js';
import { dayMs, type LogsState } from './state.js';

export class Retention {
  readonly #state: LogsState;
  #timer: ClockTimer | undefined;
  #at = Number.POSITIVE_INFINITY;

  constructor(state: LogsState) {
    this.#state = state;
    this.changed();
  }

  /** An event now expires at `at`: sweep no later than that. */
  expect(at: number): void {
    if (at < this.#at) this.#arm(at);
  }

  /** A policy was set or removed: find the next expiry again. */
  changed(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const next = this.#nextExpiry();
    if (next !== undefined) this.#arm(next);
  }

  #nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const group of this.#state.store.groupsWithRetention()) {
      if (group.oldest === null) continue;
      const at = group.oldest + group.retention_days * dayMs;
      if (next === undefined || at < next) next = at;
    }
    return next;
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
      for (const group of store.groupsWithRetention()) {
        if (group.oldest !== null && group.oldest < now - group.retention_days * dayMs) {
          store.deleteEventsBefore(group.id, now - group.retention_days * dayMs);
        }
      }
    });
    // At most one sweep a second: events put a moment apart expire a moment apart.
    const next = this.#nextExpiry();
    if (next !== undefined) this.#arm(Math.max(next, now + 1000));
  }

  dispose(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
