/**
 * Function logs, as AWS writes them (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
 * the group `/aws/lambda/<function>`, one stream per execution environment named
 * `YYYY/MM/DD/[$LATEST]<32 hex>`, and around each invocation's own lines
 *
 *   START RequestId: <id> Version: $LATEST
 *   END RequestId: <id>
 *   REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t
 *
 * (`Init Duration` on an environment's first invocation; each message ends with a newline, as
 * the recorded log events of test_invocation_type_event_error show). Events go to CloudWatch
 * Logs in-process (its provider's `putLogEventsFromService`), in batches per stream, a turn of
 * the event loop at a time; while no Logs service answers, they are only kept for LogType Tail.
 */
import type { Logger } from '../../core/logger.js';
import type { Provider } from '../service-types.js';

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** What the CloudWatch Logs provider offers other services. */
export interface LogsFromServices {
  putLogEventsFromService(account: string, region: string, group: string, stream: string, events: LogEvent[]): unknown;
}

export function logGroupOf(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export function logStreamName(now: number, environmentId: string, version = '$LATEST'): string {
  const date = new Date(now);
  const day = `${date.getUTCFullYear()}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${String(date.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[${version}]${environmentId}`;
}

interface Pending {
  account: string;
  region: string;
  group: string;
  stream: string;
  events: LogEvent[];
}

export class LogShipper {
  readonly #provider: (name: string) => Promise<Provider>;
  readonly #logger: Logger;
  readonly #pending = new Map<string, Pending>();
  #scheduled = false;
  #flushing: Promise<void> = Promise.resolve();

  constructor(provider: (name: string) => Promise<Provider>, logger: Logger) {
    this.#provider = provider;
    this.#logger = logger;
  }

  push(account: string, region: string, group: string, stream: string, event: LogEvent): void {
    const key = `${account}\n${region}\n${group}\n${stream}`;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = { account, region, group, stream, events: [] };
      this.#pending.set(key, pending);
    }
    pending.events.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#flushing = this.#flushing.then(() => this.#flush());
      });
    }
  }

  /** Resolves once every event pushed so far has been handed to CloudWatch Logs. */
  async settled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.#flushing;
  }

  async #flush(): Promise<void> {
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    let logs: Partial<LogsFromServices> | undefined;
    try {
      logs = (await this.#provider('logs')) as Partial<LogsFromServices>;
    } catch {
      return; // No CloudWatch Logs in this Nimbus: the tail is all there is.
    }
    if (typeof logs.putLogEventsFromService !== 'function') return;
    for (const batch of batches) {
      try {
        await logs.putLogEventsFromService(batch.account, batch.region, batch.group, batch.stream, batch.events);
      } catch (error) {
        this.#logger.warn(`lambda: could not write logs to ${batch.group}: ${(error as Error).message}`);
      }
    }
  }
}
