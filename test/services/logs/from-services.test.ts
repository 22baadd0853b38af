import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutMetricFilterCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import type { LogsFromServices } from '../../../src/services/logs/from-services.js';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertLogsError, createGroupWithStreams, logsFor } from './logs-helpers.js';

describe('LogsFromServices.putLogEventsFromService', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  let fromServices: LogsFromServices;
  const group = '/aws/lambda/orders';
  const stream = '2024/05/01/[$LATEST]0123456789abcdef';
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    fromServices = (await cloud.server.nimbus.deps().provider('logs')) as unknown as LogsFromServices;
  });

  async function messages(): Promise<string[]> {
    const { events } = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
    );
    return (events ?? []).map((event) => event.message as string);
  }

  test('creates the group and the stream and stores the events in time order', async () => {
    const now = cloud.clock.now();
    fromServices.putLogEventsFromService(account, 'us-east-1', group, stream, [
      { timestamp: now + 2, message: 'END RequestId: 1' },
      { timestamp: now, message: 'START RequestId: 1' },
      { timestamp: now + 1, message: 'hello' },
    ]);
    assert.deepEqual(await messages(), ['START RequestId: 1', 'hello', 'END RequestId: 1']);
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    assert.equal(logStreams?.[0]?.logStreamName, stream);
    assert.equal(logStreams?.[0]?.lastEventTimestamp, now + 2);
  });

  test('appends to a group and stream that exist', async () => {
    await createGroupWithStreams(logs, group, [stream]);
    const now = cloud.clock.now();
    fromServices.putLogEventsFromService(account, 'us-east-1', group, stream, [{ timestamp: now, message: 'one' }]);
    fromServices.putLogEventsFromService(account, 'us-east-1', group, stream, [{ timestamp: now, message: 'two' }]);
    assert.deepEqual(await messages(), ['one', 'two']);
  });

  test('writes to the account and region it is given', async () => {
    fromServices.putLogEventsFromService('222222222222', 'eu-west-1', group, stream, [
      { timestamp: cloud.clock.now(), message: 'elsewhere' },
    ]);
    await assertLogsError(
      logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream })),
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    );
    const { events } = await logsFor(cloud, 'eu-west-1', '222222222222').send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream }),
    );
    assert.deepEqual(
      events?.map((event) => event.message),
      ['elsewhere'],
    );
  });

  test('leaves out empty messages and events the group retention has passed', async () => {
    await createGroupWithStreams(logs, group, [stream]);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 1 }));
    const now = cloud.clock.now();
    fromServices.putLogEventsFromService(account, 'us-east-1', group, stream, [
      { timestamp: now - 3 * 86_400_000, message: 'expired' },
      { timestamp: now, message: '' },
      { timestamp: now, message: 'kept' },
    ]);
    assert.deepEqual(await messages(), ['kept']);
  });
});

describe('Operations Nimbus does not implement', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('PutMetricFilter answers 501 naming the operation', async () => {
    await assertLogsError(
      logsFor(cloud).send(
        new PutMetricFilterCommand({
          logGroupName: 'app',
          filterName: 'errors',
          filterPattern: 'ERROR',
          metricTransformations: [{ metricName: 'Errors', metricNamespace: 'App', metricValue: '1' }],
        }),
      ),
      'NotImplemented',
      'Nimbus does not implement logs.PutMetricFilter yet; see docs/coverage.md',
      501,
    );
  });
});
