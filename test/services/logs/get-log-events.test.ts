import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  type GetLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertLogsError, createGroupWithStreams, eventsAt, logsFor, putEvents } from './logs-helpers.js';

describe('GetLogEvents', () => {
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
    await createGroupWithStreams(logs, 'app', ['s', 'empty']);
    first = cloud.clock.now() - 60_000;
    // e0 .. e9, one millisecond apart.
    await putEvents(
      logs,
      'app',
      's',
      eventsAt(
        first,
        Array.from({ length: 10 }, (_, index) => `e${index}`),
      ),
    );
  });

  function get(input: Partial<GetLogEventsCommandInput> = {}): Promise<GetLogEventsCommandOutput> {
    return logs.send(new GetLogEventsCommand({ logGroupName: 'app', logStreamName: 's', ...input }));
  }

  function messagesOf(output: GetLogEventsCommandOutput): string[] {
    return (output.events ?? []).map((event) => event.message as string);
  }

  describe('behaviour', () => {
    test('returns the newest events first by default, each page in time order', async () => {
      const output = await get({ limit: 3 });
      assert.deepEqual(messagesOf(output), ['e7', 'e8', 'e9']);
      assert.equal(output.events?.[0]?.timestamp, first + 7);
      assert.equal(typeof output.events?.[0]?.ingestionTime, 'number');
    });

    test('returns the oldest events first with startFromHead', async () => {
      assert.deepEqual(messagesOf(await get({ limit: 3, startFromHead: true })), ['e0', 'e1', 'e2']);
    });

    test('hands out f/ and b/ tokens of 56 digits', async () => {
      const output = await get({ limit: 3 });
      assert.match(output.nextForwardToken ?? '', /^f\/\d{56}$/);
      assert.match(output.nextBackwardToken ?? '', /^b\/\d{56}$/);
    });

    test('pages forwards to the end, then hands back the token it was given', async () => {
      let output = await get({ limit: 4, startFromHead: true });
      const seen = messagesOf(output);
      for (;;) {
        const token = output.nextForwardToken;
        output = await get({ limit: 4, startFromHead: true, nextToken: token });
        if (output.nextForwardToken === token) {
          assert.deepEqual(output.events, []);
          break;
        }
        seen.push(...messagesOf(output));
      }
      assert.deepEqual(seen, ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    });

    test('pages backwards to the start, then hands back the token it was given', async () => {
      let output = await get({ limit: 4 });
      const pages = [messagesOf(output)];
      for (;;) {
        const token = output.nextBackwardToken;
        output = await get({ limit: 4, nextToken: token });
        if (output.nextBackwardToken === token) break;
        pages.push(messagesOf(output));
      }
      assert.deepEqual(pages, [
        ['e6', 'e7', 'e8', 'e9'],
        ['e2', 'e3', 'e4', 'e5'],
        ['e0', 'e1'],
      ]);
    });

    test('finds new events with the forward token of a page that reached the end', async () => {
      const output = await get();
      assert.deepEqual(messagesOf(output).length, 10);
      await putEvents(logs, 'app', 's', eventsAt(first + 100, ['new']));
      const next = await get({ nextToken: output.nextForwardToken, startFromHead: true });
      assert.deepEqual(messagesOf(next), ['new']);
    });

    test('finds new events with the forward token of an empty stream', async () => {
      const output = await logs.send(new GetLogEventsCommand({ logGroupName: 'app', logStreamName: 'empty' }));
      assert.deepEqual(output.events, []);
      assert.ok(output.nextForwardToken && output.nextBackwardToken);
      await putEvents(logs, 'app', 'empty', eventsAt(first, ['late']));
      const next = await logs.send(
        new GetLogEventsCommand({
          logGroupName: 'app',
          logStreamName: 'empty',
          nextToken: output.nextForwardToken,
          startFromHead: true,
        }),
      );
      assert.deepEqual(messagesOf(next), ['late']);
    });

    test('includes startTime and excludes endTime', async () => {
      const output = await get({ startTime: first + 2, endTime: first + 5, startFromHead: true });
      assert.deepEqual(messagesOf(output), ['e2', 'e3', 'e4']);
    });

    test('keeps the time range while paging with a token', async () => {
      const page = await get({ startTime: first + 2, endTime: first + 5, startFromHead: true, limit: 2 });
      const next = await get({
        startTime: first + 2,
        endTime: first + 5,
        startFromHead: true,
        limit: 2,
        nextToken: page.nextForwardToken,
      });
      assert.deepEqual(messagesOf(next), ['e4']);
    });

    test('finds the group by logGroupIdentifier', async () => {
      const output = await logs.send(
        new GetLogEventsCommand({
          logGroupIdentifier: `arn:aws:logs:us-east-1:${account}:log-group:app`,
          logStreamName: 's',
          limit: 1,
        }),
      );
      assert.deepEqual(messagesOf(output), ['e9']);
    });

    test('cuts a page at 1 MB', async () => {
      await createGroupWithStreams(logs, 'big', ['s']);
      const message = 'y'.repeat(200_000);
      const now = cloud.clock.now();
      for (let batch = 0; batch < 2; batch++) {
        await putEvents(
          logs,
          'big',
          's',
          [0, 1, 2, 3].map((index) => ({ timestamp: now + batch * 4 + index, message })),
        );
      }
      const output = await logs.send(
        new GetLogEventsCommand({ logGroupName: 'big', logStreamName: 's', startFromHead: true }),
      );
      assert.equal(output.events?.length, 5);
    });
  });

  describe('errors', () => {
    test('returns InvalidParameterException for a token it did not hand out, as AWS recorded', async () => {
      await assertLogsError(
        get({ nextToken: 'garbage' }),
        'InvalidParameterException',
        'The specified nextToken is invalid.',
      );
    });

    test('returns ResourceNotFoundException for a stream or a group that does not exist, as AWS recorded', async () => {
      await assertLogsError(
        get({ logStreamName: 'missing' }),
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
      await assertLogsError(
        get({ logGroupName: 'missing' }),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });

    test('refuses a limit over 10,000 in AWS words, as AWS recorded', async () => {
      await assertLogsError(
        get({ limit: 10_001 }),
        'InvalidParameterException',
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
      );
    });

    test('returns ValidationException for both a name and an identifier', async () => {
      await assertLogsError(
        get({ logGroupIdentifier: 'app' }),
        'ValidationException',
        'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
      );
    });
  });
});
