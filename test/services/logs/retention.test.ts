import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertLogsError, createGroupWithStreams, logsFor, putEvents } from './logs-helpers.js';

const day = 86_400_000;
const allowed =
  '[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]';

describe('Retention', () => {
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

  async function group() {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
    return logGroups?.[0];
  }

  async function messages(): Promise<string[]> {
    const { events } = await logs.send(
      new GetLogEventsCommand({ logGroupName: 'app', logStreamName: 's', startFromHead: true }),
    );
    return (events ?? []).map((event) => event.message as string);
  }

  describe('PutRetentionPolicy', () => {
    test('sets retentionInDays, which DeleteRetentionPolicy removes', async () => {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'app', retentionInDays: 30 }));
      assert.equal((await group())?.retentionInDays, 30);
      await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'app' }));
      assert.equal((await group())?.retentionInDays, undefined);
    });

    test('refuses a number of days AWS does not offer', async () => {
      await assertLogsError(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: 'app', retentionInDays: 2 })),
        'InvalidParameterException',
        `1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: ${allowed}`,
      );
    });

    test('returns ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: 'missing', retentionInDays: 1 })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
      await assertLogsError(
        logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'missing' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });
  });

  describe('expiry on the Nimbus clock', () => {
    test('deletes events older than the policy when the clock passes them', async () => {
      const now = cloud.clock.now();
      await putEvents(logs, 'app', 's', [
        { timestamp: now - 2 * 3_600_000, message: 'older' },
        { timestamp: now - 3_600_000, message: 'newer' },
      ]);
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'app', retentionInDays: 1 }));
      cloud.clock.advance((day - 2 * 3_600_000) / 1000 + 60);
      assert.deepEqual(await messages(), ['newer']);
      assert.equal((await group())?.storedBytes, 5);
      cloud.clock.advance(3_600_000 / 1000);
      assert.deepEqual(await messages(), []);
      const { events } = await logs.send(new FilterLogEventsCommand({ logGroupName: 'app' }));
      assert.deepEqual(events, []);
      assert.equal((await group())?.storedBytes, 0);
    });

    test('keeps events once the policy is removed', async () => {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'app', retentionInDays: 1 }));
      await putEvents(logs, 'app', 's', [{ timestamp: cloud.clock.now(), message: 'kept' }]);
      await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'app' }));
      cloud.clock.advance((3 * day) / 1000);
      assert.deepEqual(await messages(), ['kept']);
    });

    test('reports events before the retention period as expiredLogEventEndIndex', async () => {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'app', retentionInDays: 1 }));
      const now = cloud.clock.now();
      const output = await logs.send(
        new PutLogEventsCommand({
          logGroupName: 'app',
          logStreamName: 's',
          logEvents: [
            { timestamp: now - 20 * day, message: 'too old' },
            { timestamp: now - 2 * day, message: 'expired' },
            { timestamp: now - 1000, message: 'kept' },
          ],
        }),
      );
      assert.deepEqual(output.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0, expiredLogEventEndIndex: 1 });
      assert.deepEqual(await messages(), ['kept']);
    });
  });
});
