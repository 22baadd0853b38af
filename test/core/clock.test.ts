import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Clock } from '../../src/core/clock.js';

describe('Clock', () => {
  test('advance moves now() forward by the seconds given', () => {
    const clock = new Clock();
    const before = clock.now();
    clock.advance(3600);
    assert.ok(clock.now() - before >= 3_600_000);
    assert.ok(clock.now() - before < 3_601_000);
    clock.stop();
  });

  test('advance runs the timers that fall due, in deadline order, and no others', () => {
    const clock = new Clock();
    const fired: string[] = [];
    const now = clock.now();
    clock.schedule(now + 20_000, () => fired.push('twenty'));
    clock.schedule(now + 10_000, () => fired.push('ten'));
    clock.schedule(now + 99_000, () => fired.push('ninety-nine'));
    clock.advance(30);
    assert.deepEqual(fired, ['ten', 'twenty']);
    clock.stop();
  });

  test('a cancelled timer never runs', () => {
    const clock = new Clock();
    let ran = false;
    const timer = clock.schedule(clock.now() + 1000, () => {
      ran = true;
    });
    timer.cancel();
    clock.advance(5);
    assert.equal(ran, false);
    clock.stop();
  });

  test('a timer fires on its own in real time without an advance', async () => {
    const clock = new Clock();
    // The clock's own timer is unref'd (it must never keep a server alive); the fallback is not,
    // so that the event loop stays up while the test waits.
    let fallback: NodeJS.Timeout | undefined;
    const fired = await new Promise<boolean>((resolve) => {
      clock.schedule(clock.now() + 20, () => resolve(true));
      fallback = setTimeout(() => resolve(false), 2000);
    });
    clearTimeout(fallback);
    assert.equal(fired, true);
    clock.stop();
  });

  test('refuses to move backwards', () => {
    const clock = new Clock();
    assert.throws(() => clock.advance(-1), /only moves forward/);
    clock.stop();
  });
});
