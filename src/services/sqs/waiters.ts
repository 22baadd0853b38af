/**
 * Long polling without spinning. A ReceiveMessage that found nothing waits here until one of:
 * a signal for its queue (a send, a message made visible, a message moved in), the clock
 * reaching the next time a message of the queue becomes visible or the wait's end, or its
 * client going away. Waiters wake in the order they came, so the longest waiting consumer is
 * the first to try again.
 */
import type { Clock } from '../../core/clock.js';

export type WakeReason = 'signal' | 'time' | 'gone' | 'stopped';

type Wake = (reason: WakeReason) => void;

export class Waiters {
  readonly #byQueue = new Map<number, Set<Wake>>();

  /** Waits for the queue to be signalled, for the clock to reach `until`, or for `onGone`. */
  wait(
    queueId: number,
    until: number,
    clock: Clock,
    onGone: (listener: () => void) => () => void,
  ): Promise<WakeReason> {
    return new Promise((resolve) => {
      let waiting = this.#byQueue.get(queueId);
      if (!waiting) {
        waiting = new Set();
        this.#byQueue.set(queueId, waiting);
      }
      const set = waiting;
      let done = false;
      const wake: Wake = (reason) => {
        if (done) return;
        done = true;
        set.delete(wake);
        if (set.size === 0 && this.#byQueue.get(queueId) === set) this.#byQueue.delete(queueId);
        timer.cancel();
        stopListening();
        resolve(reason);
      };
      set.add(wake);
      const timer = clock.schedule(until, () => wake('time'));
      const stopListening = onGone(() => wake('gone'));
    });
  }

  /** Wakes every waiter of a queue (they retry in the order they came). */
  signal(queueId: number): void {
    const waiting = this.#byQueue.get(queueId);
    if (!waiting) return;
    for (const wake of [...waiting]) wake('signal');
  }

  /** Whether anyone waits on the queue (so that a time-based wake-up is worth a timer). */
  has(queueId: number): boolean {
    return this.#byQueue.has(queueId);
  }

  /** Wakes everyone, for good (the provider is stopping). */
  stopAll(): void {
    for (const waiting of [...this.#byQueue.values()]) for (const wake of [...waiting]) wake('stopped');
  }
}
