import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertLogsError, createGroupWithStreams, eventsAt, logsFor } from './logs-helpers.js';

const day = 86_400_000;
const hour = 3_600_000;

describe('PutLogEvents', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createGroupWithStreams(logs, 'app', ['s']);
  });

  function put(logEvents: InputLogEvent[], sequenceToken?: string) {
    return logs.send(new PutLogEventsCommand({ logGroupName: 'app', logStreamName: 's', logEvents, sequenceToken }));
  }

  async function messages(): Promise<string[]> {
    const { events } = await logs.send(
      new GetLogEventsCommand({ logGroupName: 'app', logStreamName: 's', startFromHead: true }),
    );
    return (events ?? []).map((event) => event.message as string);
  }

  describe('behaviour', () => {
    test('stores the events and answers a next sequence token', async () => {
      const output = await put(eventsAt(cloud.clock.now(), ['one', 'two']));
      assert.match(output.nextSequenceToken ?? '', /^\d{56}$/);
      assert.equal(output.rejectedLogEventsInfo, undefined);
      assert.deepEqual(await messages(), ['one', 'two']);
    });

    test('accepts and ignores any sequence token, as AWS now does', async () => {
      const now = cloud.clock.now();
      await put(eventsAt(now, ['a']), 'made-up-token');
      await put(eventsAt(now + 1, ['b']), '1');
      assert.deepEqual(await messages(), ['a', 'b']);
    });

    test('counts the message bytes into the group storedBytes', async () => {
      await put(eventsAt(cloud.clock.now(), ['héllo', 'x']));
      const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
      assert.equal(logGroups?.[0]?.storedBytes, 7);
    });

    test('keeps events of equal timestamp in the order they were put', async () => {
      const now = cloud.clock.now();
      await put([
        { timestamp: now, message: 'first' },
        { timestamp: now, message: 'second' },
      ]);
      await put([{ timestamp: now, message: 'third' }]);
      assert.deepEqual(await messages(), ['first', 'second', 'third']);
    });

    test('leaves out events over 14 days old and reports the last one as tooOldLogEventEndIndex', async () => {
      const now = cloud.clock.now();
      const output = await put([
        { timestamp: now - 15 * day, message: 'ancient' },
        { timestamp: now - 14 * day - 1, message: 'just too old' },
        { timestamp: now, message: 'fresh' },
      ]);
      assert.deepEqual(output.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
      assert.ok(output.nextSequenceToken);
      assert.deepEqual(await messages(), ['fresh']);
    });

    test('leaves out events over 2 hours ahead and reports the first as tooNewLogEventStartIndex', async () => {
      const now = cloud.clock.now();
      const output = await put([
        { timestamp: now, message: 'fresh' },
        { timestamp: now + 2 * hour + 5000, message: 'early' },
        { timestamp: now + 3 * hour, message: 'earlier' },
      ]);
      assert.deepEqual(output.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
      assert.deepEqual(await messages(), ['fresh']);
    });

    test('answers a sequence token even when every event is left out', async () => {
      const output = await put([{ timestamp: cloud.clock.now() - 20 * day, message: 'ancient' }]);
      assert.deepEqual(output.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0 });
      assert.ok(output.nextSequenceToken);
      assert.deepEqual(await messages(), []);
    });

    test('takes a batch of exactly 1,048,576 bytes counting 26 per event', async () => {
      const now = cloud.clock.now();
      const message = 'x'.repeat(1_048_576 / 4 - 26);
      await put([0, 1, 2, 3].map((index) => ({ timestamp: now + index, message })));
      assert.equal((await messages()).length, 4);
    });
  });

  describe('errors', () => {
    test('returns InvalidParameterException for events out of chronological order, as AWS recorded', async () => {
      const now = cloud.clock.now();
      await assertLogsError(
        put([
          { timestamp: now, message: 'later' },
          { timestamp: now - 1, message: 'earlier' },
        ]),
        'InvalidParameterException',
        'Log events in a single PutLogEvents request must be in chronological order.',
      );
      assert.deepEqual(await messages(), []);
    });

    test('returns InvalidParameterException for kept events spanning more than 24 hours', async () => {
      const now = cloud.clock.now();
      await assertLogsError(
        put([
          { timestamp: now - 25 * hour, message: 'yesterday' },
          { timestamp: now, message: 'today' },
        ]),
        'InvalidParameterException',
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    });

    test('measures the 24 hours over kept events only', async () => {
      const now = cloud.clock.now();
      const output = await put([
        { timestamp: now - 20 * day, message: 'too old, not counted' },
        { timestamp: now, message: 'today' },
      ]);
      assert.deepEqual(output.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0 });
    });

    test('returns InvalidParameterException for a batch over 1,048,576 bytes', async () => {
      const now = cloud.clock.now();
      const message = 'x'.repeat(1_048_576 / 4 - 25);
      await assertLogsError(
        put([0, 1, 2, 3].map((index) => ({ timestamp: now + index, message }))),
        'InvalidParameterException',
        'Upload too large: 1048580 bytes exceeds limit of 1048576',
      );
    });

    test('returns InvalidParameterException for one event over 1 MB', async () => {
      await assertLogsError(
        put([{ timestamp: cloud.clock.now(), message: 'x'.repeat(1_048_576) }]),
        'InvalidParameterException',
        'Log event too large: 1048602 bytes exceeds limit of 1048576',
      );
    });

    test('returns ResourceNotFoundException for a stream that does not exist, as AWS recorded', async () => {
      await assertLogsError(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: 'app',
            logStreamName: 'missing',
            logEvents: eventsAt(cloud.clock.now(), ['x']),
          }),
        ),
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
    });

    test('returns ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: 'missing',
            logStreamName: 's',
            logEvents: eventsAt(cloud.clock.now(), ['x']),
          }),
        ),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });
  });
});
