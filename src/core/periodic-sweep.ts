/**
 * A sweep that runs every `everyMs` of Nimbus time (so a test that moves the clock runs it at
 * once), one step at a time: a step that reports more work is run again on the next turn of the
 * event loop, letting requests in between, until the backlog is done.
 */
import type { Clock, ClockTimer } from './clock.js';

export class PeriodicSweep {
  readonly #clock: Clock;
  readonly #everyMs: number;
  readonly #step: () => boolean;
  readonly #onError: (error: unknown) => void;
  #timer: ClockTimer | undefined;
  #more: NodeJS.Immediate | undefined;
  #disposed = false;

  /** `step` does one bounded piece of work (its own transaction) and says whether more is left. */
  constructor(clock: Clock, everyMs: number, step: () => boolean, onError: (error: unknown) => void) {
    this.#clock = clock;
    this.#everyMs = everyMs;
    this.#step = step;
    this.#onError = onError;
    this.#arm();
  }

  #arm(): void {
    if (this.#disposed) return;
    this.#timer = this.#clock.schedule(this.#clock.now() + this.#everyMs, () => this.#run());
  }

  #run(): void {
    this.#timer = undefined;
    this.#more = undefined;
    if (this.#disposed) return;
    let more = false;
    try {
      more = this.#step();
    } catch (error) {
      this.#onError(error);
    }
    if (more) this.#more = setImmediate(() => this.#run());
    else this.#arm();
  }

  dispose(): void {
    this.#disposed = true;
    this.#timer?.cancel();
    if (this.#more) clearImmediate(this.#more);
  }
}
