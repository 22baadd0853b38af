/**
 * The embedded API for test suites:
 *
 *   import { startNimbus } from 'nimbus-aws';
 *   const cloud = await startNimbus({ port: 0 });      // ephemeral unless told otherwise
 *   new STSClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: ... });
 *   cloud.clock.advance(3600);                          // every time-based behaviour follows
 *   await cloud.reset();                                // empty all state
 *   await cloud.stop();
 */
import { type RunningServer, type ServerOptions, startServer } from './server.js';

export interface StartOptions extends ServerOptions {}

export interface NimbusCloud {
  /** `http://127.0.0.1:<port>`: give it to the SDK clients as `endpoint`. */
  endpoint: string;
  port: number;
  clock: {
    /** Milliseconds since the epoch, as Nimbus sees them. */
    now(): number;
    /** Moves Nimbus time forward; timers that fall due fire now. */
    advance(seconds: number): void;
  };
  /** Empties all state, or one service's (`reset('iam')`). */
  reset(service?: string): Promise<void>;
  stop(): Promise<void>;
  /** The running server, for tests that need more. */
  readonly server: RunningServer;
}

export async function startNimbus(options: StartOptions = {}): Promise<NimbusCloud> {
  const running = await startServer({ ephemeral: true, logLevel: 'warn', port: 0, ...options });
  const { nimbus } = running;
  return {
    endpoint: running.endpoint,
    port: running.port,
    clock: {
      now: () => nimbus.clock.now(),
      advance: (seconds) => nimbus.clock.advance(seconds),
    },
    async reset(service) {
      await nimbus.reset(service);
    },
    stop: () => running.stop(),
    server: running,
  };
}

export type { NimbusConfig } from './nimbus.js';
export type { ServerOptions } from './server.js';
