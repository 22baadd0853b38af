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
 * Logs in-process (its provider's `putLogEventsFromService`), in batches per stream, gathered
 * for `flushDelayMs` and written in one transaction: off the invocation's path, and one commit
 * for many invocations instead of two for each (START, then END and REPORT, come in different
 * turns). AWS's own delivery to CloudWatch Logs takes longer than that. While no Logs service
 * answers, events are only kept for LogType Tail.
 */
import type { Logger } from '../../core/logger.js';
import type { Database } from '../../state/database.js';
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

/** How long events gather before they are written. */
export const flushDelayMs = 50;

export class LogShipper {
  readonly #provider: (name: string) => Promise<Provider>;
  readonly #logger: Logger;
  readonly #db: Database;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** The CloudWatch Logs provider the last flush found. */
  #logs: Partial<LogsFromServices> | undefined;
  #stopped = false;

  constructor(provider: (name: string) => Promise<Provider>, logger: Logger, db: Database) {
    this.#provider = provider;
    this.#logger = logger;
    this.#db = db;
  }

  push(account: string, region: string, group: string, stream: string, event: LogEvent): void {
    const key = `${account}\n${region}\n${group}\n${stream}`;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = { account, region, group, stream, events: [] };
      this.#pending.set(key, pending);
    }
    pending.events.push(event);
    // Armed only while events wait: an idle Nimbus has no timer here.
    this.#timer ??= setTimeout(() => this.flush(), flushDelayMs);
  }

  /** Hands what is pending to CloudWatch Logs now; resolves once it and earlier flushes are written. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#flush());
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    try {
      this.#logs = (await this.#provider('logs')) as Partial<LogsFromServices>;
    } catch {
      return; // No CloudWatch Logs in this Nimbus: the tail is all there is.
    }
    if (!this.#stopped) this.#write(batches);
  }

  /** Writes batches in one transaction; each put is a savepoint of it, undone alone when it fails. */
  #write(batches: Pending[]): void {
    const logs = this.#logs;
    const put = logs?.putLogEventsFromService?.bind(logs);
    if (!put || batches.length === 0) return;
    try {
      this.#db.transaction(() => {
        for (const batch of batches) {
          try {
            put(batch.account, batch.region, batch.group, batch.stream, batch.events);
          } catch (error) {
            this.#logger.warn(`lambda: could not write logs to ${batch.group}: ${(error as Error).message}`);
          }
        }
      });
    } catch (error) {
      this.#logger.warn(`lambda: could not write logs: ${(error as Error).message}`);
    }
  }

  /**
   * Nimbus stops (the database closes next): what is pending is written now, through the Logs
   * service a flush found before; with none found yet, there is nowhere to write it.
   */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    this.#write(batches);
  }
}
