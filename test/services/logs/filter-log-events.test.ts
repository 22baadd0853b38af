import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertLogsError, createGroupWithStreams, eventsAt, logsFor, putEvents } from './logs-helpers.js';

describe('FilterLogEvents', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  let first: number;
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createGroupWithStreams(logs, 'app', ['web-1', 'web-2', 'worker']);
    first = cloud.clock.now() - 60_000;
    // Interleaved in time: web-1 at +0, +3, web-2 at +1, +4, worker at +2, +5.
    await putEvents(logs, 'app', 'web-1', [
      { timestamp: first, message: 'GET / 200' },
      { timestamp: first + 3, message: 'GET /admin 403' },
    ]);
    await putEvents(logs, 'app', 'web-2', [
      { timestamp: first + 1, message: 'GET /api 200' },
      { timestamp: first + 4, message: 'POST /api 500' },
    ]);
    await putEvents(logs, 'app', 'worker', [
      { timestamp: first + 2, message: 'job started' },
      { timestamp: first + 5, message: 'job failed' },
    ]);
  });

  function filter(input: Partial<FilterLogEventsCommandInput> = {}): Promise<FilterLogEventsCommandOutput> {
    return logs.send(new FilterLogEventsCommand({ logGroupName: 'app', ...input }));
  }

  function messagesOf(output: FilterLogEventsCommandOutput): string[] {
    return (output.events ?? []).map((event) => event.message as string);
  }

  describe('behaviour', () => {
    test('interleaves the streams of the group in time order', async () => {
      const output = await filter();
      assert.deepEqual(messagesOf(output), [
        'GET / 200',
        'GET /api 200',
        'job started',
        'GET /admin 403',
        'POST /api 500',
        'job failed',
      ]);
      assert.deepEqual(
        output.events?.map((event) => event.logStreamName),
        ['web-1', 'web-2', 'worker', 'web-1', 'web-2', 'worker'],
      );
    });

    test('answers each event with its stream, times and a 56-digit event id', async () => {
      const output = await filter({ limit: 1 });
      const event = output.events?.[0];
      assert.equal(event?.timestamp, first);
      assert.equal(typeof event?.ingestionTime, 'number');
      assert.match(event?.eventId ?? '', /^\d{56}$/);
    });

    test('always answers an empty searchedLogStreams, as AWS has since May 2020', async () => {
      assert.deepEqual((await filter()).searchedLogStreams, []);
    });

    test('keeps only the named streams', async () => {
      assert.deepEqual(messagesOf(await filter({ logStreamNames: ['worker', 'web-1', 'absent'] })), [
        'GET / 200',
        'job started',
        'GET /admin 403',
        'job failed',
      ]);
    });

    test('keeps only the streams with the prefix', async () => {
      assert.deepEqual(messagesOf(await filter({ logStreamNamePrefix: 'web-' })), [
        'GET / 200',
        'GET /api 200',
        'GET /admin 403',
        'POST /api 500',
      ]);
    });

    test('includes both startTime and endTime', async () => {
      assert.deepEqual(messagesOf(await filter({ startTime: first + 1, endTime: first + 3 })), [
        'GET /api 200',
        'job started',
        'GET /admin 403',
      ]);
    });

    test('applies the filter pattern', async () => {
      assert.deepEqual(messagesOf(await filter({ filterPattern: 'job' })), ['job started', 'job failed']);
    });

    test('pages with limit and nextToken, and gives no token on the last page', async () => {
      const firstPage = await filter({ limit: 4 });
      assert.equal(firstPage.events?.length, 4);
      assert.ok(firstPage.nextToken);
      const secondPage = await filter({ limit: 4, nextToken: firstPage.nextToken });
      assert.deepEqual(messagesOf(secondPage), ['POST /api 500', 'job failed']);
      assert.equal(secondPage.nextToken, undefined);
    });

    test('gives no token when the page holds exactly what is left', async () => {
      const output = await filter({ limit: 4, logStreamNamePrefix: 'web-' });
      assert.equal(output.events?.length, 4);
      assert.equal(output.nextToken, undefined);
    });

    test('pages a pattern through the group with the same token', async () => {
      const page = await filter({ filterPattern: 'GET', limit: 2 });
      assert.deepEqual(messagesOf(page), ['GET / 200', 'GET /api 200']);
      const rest = await filter({ filterPattern: 'GET', limit: 2, nextToken: page.nextToken });
      assert.deepEqual(messagesOf(rest), ['GET /admin 403']);
      assert.equal(rest.nextToken, undefined);
    });

    test('merges more than a few streams read through a prefix', async () => {
      await createGroupWithStreams(logs, 'many');
      const names = Array.from({ length: 120 }, (_, index) => `s-${String(index).padStart(3, '0')}`);
      for (const [index, name] of names.entries()) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: 'many', logStreamName: name }));
        if (index % 40 === 0) await putEvents(logs, 'many', name, eventsAt(first + index, [name]));
      }
      const output = await logs.send(new FilterLogEventsCommand({ logGroupName: 'many', logStreamNamePrefix: 's-' }));
      assert.deepEqual(messagesOf(output), ['s-000', 's-040', 's-080']);
    });
  });

  describe('errors', () => {
    test('returns InvalidParameterException for a token it did not hand out, as AWS recorded', async () => {
      await assertLogsError(
        filter({ nextToken: 'unknown-token' }),
        'InvalidParameterException',
        'The specified nextToken is invalid.',
      );
    });

    test('returns InvalidParameterException for both stream names and a prefix', async () => {
      await assertLogsError(
        filter({ logStreamNames: ['web-1'], logStreamNamePrefix: 'web' }),
        'InvalidParameterException',
        'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.',
      );
    });

    test('returns ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        filter({ logGroupName: 'missing' }),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });

    test('refuses a limit over 10,000 in AWS words', async () => {
      await assertLogsError(
        filter({ limit: 10_001 }),
        'InvalidParameterException',
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
      );
    });
  });
});
