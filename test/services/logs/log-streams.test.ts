import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  type DescribeLogStreamsCommandInput,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertLogsError, createGroupWithStreams, eventsAt, logsFor, putEvents } from './logs-helpers.js';

describe('Log streams', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function streamNames(input: DescribeLogStreamsCommandInput): Promise<string[]> {
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand(input));
    return (logStreams ?? []).map((stream) => stream.logStreamName as string);
  }

  describe('CreateLogStream', () => {
    test('creates a stream that DescribeLogStreams shows as AWS recorded it', async () => {
      await createGroupWithStreams(logs, 'app', ['2024/01/01/[$LATEST]abc']);
      const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'app' }));
      const stream = logStreams?.[0];
      assert.equal(typeof stream?.creationTime, 'number');
      assert.deepEqual(
        { ...stream, creationTime: 0 },
        {
          logStreamName: '2024/01/01/[$LATEST]abc',
          creationTime: 0,
          arn: `arn:aws:logs:us-east-1:${account}:log-group:app:log-stream:2024/01/01/[$LATEST]abc`,
          storedBytes: 0,
        },
      );
    });

    test('returns ResourceAlreadyExistsException for a name already taken in the group', async () => {
      await createGroupWithStreams(logs, 'app', ['one']);
      await assertLogsError(
        logs.send(new CreateLogStreamCommand({ logGroupName: 'app', logStreamName: 'one' })),
        'ResourceAlreadyExistsException',
        'The specified log stream already exists',
      );
    });

    test('returns ResourceNotFoundException when the group does not exist', async () => {
      await assertLogsError(
        logs.send(new CreateLogStreamCommand({ logGroupName: 'missing', logStreamName: 'one' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });
  });

  describe('DeleteLogStream', () => {
    test('deletes the stream and its events, and counts their bytes out of the group', async () => {
      await createGroupWithStreams(logs, 'app', ['keep', 'drop']);
      const now = cloud.clock.now();
      await putEvents(logs, 'app', 'keep', eventsAt(now, ['12345']));
      await putEvents(logs, 'app', 'drop', eventsAt(now, ['1234567890']));
      await logs.send(new DeleteLogStreamCommand({ logGroupName: 'app', logStreamName: 'drop' }));
      assert.deepEqual(await streamNames({ logGroupName: 'app' }), ['keep']);
      const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
      assert.equal(logGroups?.[0]?.storedBytes, 5);
      await logs.send(new CreateLogStreamCommand({ logGroupName: 'app', logStreamName: 'drop' }));
      const { events } = await logs.send(new GetLogEventsCommand({ logGroupName: 'app', logStreamName: 'drop' }));
      assert.deepEqual(events, []);
    });

    test('returns ResourceNotFoundException for a stream that does not exist', async () => {
      await createGroupWithStreams(logs, 'app');
      await assertLogsError(
        logs.send(new DeleteLogStreamCommand({ logGroupName: 'app', logStreamName: 'none' })),
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
    });
  });

  describe('DescribeLogStreams', () => {
    test('shows event times, ingestion time and an upload sequence token once events arrive', async () => {
      await createGroupWithStreams(logs, 'app', ['s']);
      const now = cloud.clock.now();
      await putEvents(logs, 'app', 's', eventsAt(now - 5000, ['a', 'b']));
      await putEvents(logs, 'app', 's', eventsAt(now - 1000, ['c']));
      const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'app' }));
      const stream = logStreams?.[0];
      assert.equal(stream?.firstEventTimestamp, now - 5000);
      assert.equal(stream?.lastEventTimestamp, now - 1000);
      assert.ok(stream?.lastIngestionTime && stream.lastIngestionTime >= now);
      assert.match(stream?.uploadSequenceToken ?? '', /^\d{56}$/);
      assert.equal(stream?.storedBytes, 0);
    });

    test('orders by name, either way, with a prefix', async () => {
      await createGroupWithStreams(logs, 'app', ['b-2', 'a-1', 'b-1', 'c-1']);
      assert.deepEqual(await streamNames({ logGroupName: 'app' }), ['a-1', 'b-1', 'b-2', 'c-1']);
      assert.deepEqual(await streamNames({ logGroupName: 'app', descending: true }), ['c-1', 'b-2', 'b-1', 'a-1']);
      assert.deepEqual(await streamNames({ logGroupName: 'app', logStreamNamePrefix: 'b-' }), ['b-1', 'b-2']);
    });

    test('orders by last event time, either way', async () => {
      await createGroupWithStreams(logs, 'app', ['old', 'new', 'empty', 'middle']);
      const now = cloud.clock.now();
      await putEvents(logs, 'app', 'new', eventsAt(now - 100, ['x']));
      await putEvents(logs, 'app', 'old', eventsAt(now - 300, ['x']));
      await putEvents(logs, 'app', 'middle', eventsAt(now - 200, ['x']));
      assert.deepEqual(await streamNames({ logGroupName: 'app', orderBy: 'LastEventTime' }), [
        'empty',
        'old',
        'middle',
        'new',
      ]);
      assert.deepEqual(await streamNames({ logGroupName: 'app', orderBy: 'LastEventTime', descending: true }), [
        'new',
        'middle',
        'old',
        'empty',
      ]);
    });

    test('pages with limit and nextToken in either order', async () => {
      await createGroupWithStreams(logs, 'app', ['s1', 's2', 's3']);
      for (const orderBy of ['LogStreamName', 'LastEventTime'] as const) {
        const first = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'app', orderBy, limit: 2 }));
        assert.equal(first.logStreams?.length, 2);
        assert.ok(first.nextToken);
        const second = await logs.send(
          new DescribeLogStreamsCommand({ logGroupName: 'app', orderBy, limit: 2, nextToken: first.nextToken }),
        );
        assert.deepEqual(
          [...(first.logStreams ?? []), ...(second.logStreams ?? [])].map((stream) => stream.logStreamName),
          ['s1', 's2', 's3'],
        );
        assert.equal(second.nextToken, undefined);
      }
    });

    test('finds the group by name or ARN in logGroupIdentifier', async () => {
      await createGroupWithStreams(logs, 'app', ['s']);
      assert.deepEqual(await streamNames({ logGroupIdentifier: 'app' }), ['s']);
      assert.deepEqual(await streamNames({ logGroupIdentifier: `arn:aws:logs:us-east-1:${account}:log-group:app` }), [
        's',
      ]);
    });

    test('returns ValidationException for both a name and an identifier, as AWS recorded', async () => {
      await createGroupWithStreams(logs, 'app');
      await assertLogsError(
        logs.send(new DescribeLogStreamsCommand({ logGroupName: 'app', logGroupIdentifier: 'app' })),
        'ValidationException',
        'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
      );
    });

    test('returns InvalidParameterException for LastEventTime order with a prefix', async () => {
      await createGroupWithStreams(logs, 'app');
      await assertLogsError(
        logs.send(
          new DescribeLogStreamsCommand({ logGroupName: 'app', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' }),
        ),
        'InvalidParameterException',
        'Cannot order by LastEventTime with a logStreamNamePrefix.',
      );
    });

    test('returns ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        logs.send(new DescribeLogStreamsCommand({ logGroupName: 'missing' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });

    test('returns InvalidParameterException for a token of the other order', async () => {
      await createGroupWithStreams(logs, 'app', ['s1', 's2']);
      const { nextToken } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'app', limit: 1 }));
      await assertLogsError(
        logs.send(new DescribeLogStreamsCommand({ logGroupName: 'app', orderBy: 'LastEventTime', nextToken })),
        'InvalidParameterException',
        'The specified nextToken is invalid.',
      );
    });
  });
});
