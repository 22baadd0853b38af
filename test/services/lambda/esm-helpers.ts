/** Shared by the event source mapping and destination tests: what a function logged, read back from CloudWatch Logs. */
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';
import { zip } from './lambda-helpers.js';

/**
 * A Node.js function that logs each event it gets as one line, `EVENT <json>`, then answers what
 * `answer(event)` in `body` computes (a JavaScript expression over `event`), or throws when
 * `fail(event)` is true.
 */
export function loggingFunction(options: { answer?: string; fail?: string } = {}): Uint8Array {
  return zip({
    'index.js': `exports.handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  if (${options.fail ?? 'false'}) throw new Error('intentional failure');
  return ${options.answer ?? 'undefined'};
};`,
  });
}

/** The events a function logged, waiting up to `seconds` for at least `count` of them, in log order. */
export async function loggedEvents(
  cloud: NimbusCloud,
  name: string,
  count: number,
  seconds = 15,
): Promise<Array<Record<string, unknown>>> {
  const logs = new CloudWatchLogsClient(clientConfig(cloud));
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    let events: Array<Record<string, unknown>> = [];
    try {
      const out = await logs.send(
        new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: 'EVENT' }),
      );
      events = (out.events ?? [])
        .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
        .map((event) => {
          const text = event.message as string;
          return JSON.parse(text.slice(text.indexOf('EVENT ') + 6));
        });
    } catch {
      events = []; // the log group appears with the first invocation
    }
    if (events.length >= count) return events;
    if (Date.now() > deadline) assert.fail(`expected ${count} logged events of ${name}, got ${events.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits (real time, up to `seconds`) until `check` returns true. */
export async function eventually(check: () => Promise<boolean>, what: string, seconds = 15): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The records of every logged event, in order. */
export function recordsOf(events: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return events.flatMap((event) => (event.Records as Array<Record<string, unknown>>) ?? []);
}
