import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { kinesisFor } from '../kinesis/kinesis-helpers.js';
import { loggedEvents, loggingFunction, recordsOf } from './esm-helpers.js';
import { createFunction, functionName, lambdaClient, role } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

function dataOf(record: Record<string, unknown>): string {
  return Buffer.from((record.kinesis as { data: string }).data, 'base64').toString('utf8');
}

describe('Event source mappings: Kinesis', () => {
  let cloud: NimbusCloud;
  let lambda: LambdaClient;
  let kinesis: KinesisClient;
  before(async () => {
    cloud = await startCloud();
    lambda = lambdaClient(cloud);
    kinesis = kinesisFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function stream(name: string, shards = 1): Promise<string> {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return out.StreamDescriptionSummary?.StreamARN as string;
  }

  function put(name: string, data: string, key = 'key') {
    return kinesis.send(
      new PutRecordCommand({ StreamName: name, Data: new TextEncoder().encode(data), PartitionKey: key }),
    );
  }

  test('answers the stream defaults and InvalidParameterValueException for a stream that does not exist', async () => {
    const fn = await createFunction(lambda, {});
    const arn = await stream('esm-kinesis-defaults');
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.FunctionName,
        EventSourceArn: arn,
        StartingPosition: 'LATEST',
      }),
    );
    assert.equal(created.State, 'Creating');
    assert.equal(created.BatchSize, 100);
    assert.equal(created.MaximumRetryAttempts, -1);
    assert.equal(created.StartingPosition, 'LATEST');
    assert.deepEqual(created.DestinationConfig, { OnFailure: {} });
    const missing = 'arn:aws:kinesis:us-east-1:000000000000:stream/test-foobar';
    await rejects(
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: fn.FunctionName,
          EventSourceArn: missing,
          StartingPosition: 'LATEST',
        }),
      ),
      'InvalidParameterValueException',
      `Stream not found: ${missing}`,
    );
  });

  test('invokes the function with AWS’s Kinesis event, each shard in order', async () => {
    const name = functionName('kinesis-event');
    await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
    const arn = await stream('esm-kinesis-event', 2);
    for (let i = 0; i < 3; i++) await put('esm-kinesis-event', `a${i}`, 'a');
    for (let i = 0; i < 3; i++) await put('esm-kinesis-event', `b${i}`, 'b');
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: arn,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    // Keys `a` and `b` hash to different shards (MD5 0cc1... and 92eb...): one invocation each, or more.
    let events = await loggedEvents(cloud, name, 1);
    while (recordsOf(events).length < 6) events = await loggedEvents(cloud, name, events.length + 1);
    const all = recordsOf(events);
    const data = all.map(dataOf);
    assert.deepEqual(
      data.filter((each) => each.startsWith('a')),
      ['a0', 'a1', 'a2'],
    );
    assert.deepEqual(
      data.filter((each) => each.startsWith('b')),
      ['b0', 'b1', 'b2'],
    );
    const first = all[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), [
      'kinesis',
      'eventSource',
      'eventVersion',
      'eventID',
      'eventName',
      'invokeIdentityArn',
      'awsRegion',
      'eventSourceARN',
    ]);
    const payload = first.kinesis as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload), [
      'kinesisSchemaVersion',
      'partitionKey',
      'sequenceNumber',
      'data',
      'approximateArrivalTimestamp',
    ]);
    assert.equal(payload.kinesisSchemaVersion, '1.0');
    assert.equal(typeof payload.approximateArrivalTimestamp, 'number');
    assert.match(first.eventID as string, /^shardId-\d{12}:\d+$/);
    assert.equal(first.eventID, `${(first.eventID as string).split(':')[0]}:${payload.sequenceNumber}`);
    assert.equal(first.eventName, 'aws:kinesis:record');
    assert.equal(first.eventSource, 'aws:kinesis');
    assert.equal(first.invokeIdentityArn, role);
    assert.equal(first.eventSourceARN, arn);
  });

  test('LATEST skips what the stream held; a failure record goes to OnFailure as KinesisBatchInfo', async () => {
    const name = functionName('kinesis-failure');
    const fail = "Buffer.from(event.Records[0].kinesis.data, 'base64').toString() === 'bad'";
    await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ fail }) } });
    const arn = await stream('esm-kinesis-failure');
    await put('esm-kinesis-failure', 'before');
    const sqs = new SQSClient(clientConfig(cloud));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'esm-kinesis-failures' }));
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: arn,
        StartingPosition: 'LATEST',
        BatchSize: 1,
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:esm-kinesis-failures' } },
      }),
    );
    await put('esm-kinesis-failure', 'bad');
    await put('esm-kinesis-failure', 'good');
    const events = await loggedEvents(cloud, name, 3);
    assert.deepEqual(recordsOf(events).map(dataOf), ['bad', 'bad', 'good']);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    const failure = JSON.parse(received.Messages?.[0]?.Body ?? '{}');
    assert.equal(failure.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(failure.requestContext.approximateInvokeCount, 2);
    assert.equal(failure.KinesisBatchInfo.shardId, 'shardId-000000000000');
    assert.equal(failure.KinesisBatchInfo.batchSize, 1);
    assert.equal(failure.KinesisBatchInfo.streamArn, arn);
    assert.match(failure.KinesisBatchInfo.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
