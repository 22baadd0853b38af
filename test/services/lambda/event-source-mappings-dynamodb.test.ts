import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type NimbusCloud, startNimbus } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { eventually, loggedEvents, loggingFunction, recordsOf } from './esm-helpers.js';
import { createFunction, functionName, lambdaClient } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

async function tableWithStream(dynamo: DynamoDBClient, name: string): Promise<string> {
  const { TableDescription } = await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  assert.ok(TableDescription?.LatestStreamArn);
  return TableDescription.LatestStreamArn;
}

function put(dynamo: DynamoDBClient, table: string, id: string, extra: Record<string, unknown> = {}) {
  return dynamo.send(
    new PutItemCommand({ TableName: table, Item: { id: { S: id }, ...(extra as Record<string, { S: string }>) } }),
  );
}

describe('Event source mappings: DynamoDB Streams', () => {
  let cloud: NimbusCloud;
  let lambda: LambdaClient;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    lambda = lambdaClient(cloud);
    dynamo = new DynamoDBClient(clientConfig(cloud));
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateEventSourceMapping', () => {
    test('answers Creating with the stream defaults, and GetEventSourceMapping answers Enabled', async () => {
      const fn = await createFunction(lambda, {});
      const stream = await tableWithStream(dynamo, 'esm-ddb-defaults');
      const created = await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: fn.FunctionName,
          EventSourceArn: stream,
          StartingPosition: 'TRIM_HORIZON',
        }),
      );
      assert.equal(created.State, 'Creating');
      assert.equal(created.BatchSize, 100);
      assert.equal(created.BisectBatchOnFunctionError, false);
      assert.deepEqual(created.DestinationConfig, { OnFailure: {} });
      assert.equal(created.LastProcessingResult, 'No records processed');
      assert.equal(created.MaximumBatchingWindowInSeconds, 0);
      assert.equal(created.MaximumRecordAgeInSeconds, -1);
      assert.equal(created.MaximumRetryAttempts, -1);
      assert.equal(created.ParallelizationFactor, 1);
      assert.equal(created.StartingPosition, 'TRIM_HORIZON');
      assert.equal(created.StateTransitionReason, 'User action');
      assert.equal(created.TumblingWindowInSeconds, 0);
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
      assert.equal(got.State, 'Enabled');
    });

    test('answers InvalidParameterValueException without a StartingPosition', async () => {
      const fn = await createFunction(lambda, {});
      const stream = await tableWithStream(dynamo, 'esm-ddb-no-position');
      await rejects(
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName, EventSourceArn: stream })),
        'InvalidParameterValueException',
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
      );
    });

    test('answers InvalidParameterValueException for AT_TIMESTAMP on a DynamoDB stream', async () => {
      const fn = await createFunction(lambda, {});
      const stream = await tableWithStream(dynamo, 'esm-ddb-timestamp');
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn.FunctionName,
            EventSourceArn: stream,
            StartingPosition: 'AT_TIMESTAMP',
            StartingPositionTimestamp: new Date(),
          }),
        ),
        'InvalidParameterValueException',
        `Unsupported starting position for arn type: ${stream}`,
      );
    });

    test('answers InvalidParameterValueException for a stream that does not exist', async () => {
      const fn = await createFunction(lambda, {});
      const stream = 'arn:aws:dynamodb:us-east-1:000000000000:table/missing/stream/2025-02-22T03:03:25.490';
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn.FunctionName,
            EventSourceArn: stream,
            StartingPosition: 'LATEST',
          }),
        ),
        'InvalidParameterValueException',
        `Stream not found: ${stream}`,
      );
    });

    test('answers ResourceConflictException for a second mapping of the same stream and function', async () => {
      const fn = await createFunction(lambda, {});
      const stream = await tableWithStream(dynamo, 'esm-ddb-duplicate');
      const input = { FunctionName: fn.FunctionName, EventSourceArn: stream, StartingPosition: 'LATEST' as const };
      const first = await lambda.send(new CreateEventSourceMappingCommand(input));
      await rejects(
        lambda.send(new CreateEventSourceMappingCommand(input)),
        'ResourceConflictException',
        `The event source arn (" ${stream} ") and function (" ${fn.FunctionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${first.UUID}`,
      );
    });
  });

  describe('polling', () => {
    test('invokes the function with AWS’s DynamoDB event, in order, and reports OK', async () => {
      const name = functionName('ddb-event');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const table = 'esm-ddb-event';
      const stream = await tableWithStream(dynamo, table);
      await dynamo.send(
        new PutItemCommand({ TableName: table, Item: { id: { S: 'a' }, blob: { B: Buffer.from('foobar') } } }),
      );
      const { UUID } = await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: stream,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
        }),
      );
      await dynamo.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: 'a' } },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': { N: '1' } },
        }),
      );
      await dynamo.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: 'a' } } }));
      const records = recordsOf(await loggedEvents(cloud, name, 3));
      assert.deepEqual(
        records.map((record) => record.eventName),
        ['INSERT', 'MODIFY', 'REMOVE'],
      );
      const first = records[0] as Record<string, unknown>;
      assert.deepEqual(Object.keys(first), [
        'eventID',
        'eventName',
        'eventVersion',
        'eventSource',
        'awsRegion',
        'dynamodb',
        'eventSourceARN',
      ]);
      assert.equal(first.eventVersion, '1.1');
      assert.equal(first.eventSource, 'aws:dynamodb');
      assert.equal(first.awsRegion, 'us-east-1');
      assert.equal(first.eventSourceARN, stream);
      const change = first.dynamodb as Record<string, unknown>;
      assert.equal(typeof change.ApproximateCreationDateTime, 'number');
      assert.deepEqual(change.Keys, { id: { S: 'a' } });
      assert.deepEqual(change.NewImage, { id: { S: 'a' }, blob: { B: 'Zm9vYmFy' } });
      assert.equal(change.StreamViewType, 'NEW_IMAGE');
      assert.ok(typeof change.SequenceNumber === 'string' && typeof change.SizeBytes === 'number');
      await eventually(
        async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID }))).LastProcessingResult === 'OK',
        'LastProcessingResult OK',
      );
    });

    test('LATEST starts after the records the stream already holds', async () => {
      const name = functionName('ddb-latest');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const table = 'esm-ddb-latest';
      const stream = await tableWithStream(dynamo, table);
      await put(dynamo, table, 'before');
      await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: stream, StartingPosition: 'LATEST' }),
      );
      await put(dynamo, table, 'after');
      const records = recordsOf(await loggedEvents(cloud, name, 1));
      assert.deepEqual(
        records.map((record) => (record.dynamodb as { Keys: { id: { S: string } } }).Keys.id.S),
        ['after'],
      );
    });

    test('sends AWS’s failure record to OnFailure once the retries are used, then goes on', async () => {
      const name = functionName('ddb-failure');
      const fail = "event.Records[0].dynamodb.Keys.id.S === 'bad'";
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ fail }) } });
      const table = 'esm-ddb-failure';
      const stream = await tableWithStream(dynamo, table);
      const sqs = new SQSClient(clientConfig(cloud));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'esm-ddb-failures' }));
      const created = await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: stream,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
          MaximumRetryAttempts: 1,
          DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:esm-ddb-failures' } },
        }),
      );
      assert.deepEqual(created.DestinationConfig, {
        OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:esm-ddb-failures' },
      });
      await put(dynamo, table, 'bad');
      await put(dynamo, table, 'good');
      const events = await loggedEvents(cloud, name, 3);
      assert.deepEqual(
        recordsOf(events).map((record) => (record.dynamodb as { Keys: { id: { S: string } } }).Keys.id.S),
        ['bad', 'bad', 'good'],
      );
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
      const failure = JSON.parse(received.Messages?.[0]?.Body ?? '{}');
      assert.deepEqual(failure.requestContext.condition, 'RetryAttemptsExhausted');
      assert.equal(failure.requestContext.approximateInvokeCount, 2);
      assert.equal(failure.requestContext.functionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
      assert.deepEqual(failure.responseContext, {
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: 'Unhandled',
      });
      assert.equal(failure.version, '1.0');
      assert.equal(failure.DDBStreamBatchInfo.batchSize, 1);
      assert.equal(failure.DDBStreamBatchInfo.streamArn, stream);
      assert.equal(failure.DDBStreamBatchInfo.startSequenceNumber, failure.DDBStreamBatchInfo.endSequenceNumber);
    });

    test('with ReportBatchItemFailures retries from the first record the function names', async () => {
      const name = functionName('ddb-partial');
      const answer =
        "({ batchItemFailures: event.Records.filter((r) => r.dynamodb.Keys.id.S === 'b' && !globalThis.seen).map((r) => { globalThis.seen = true; return { itemIdentifier: r.dynamodb.SequenceNumber }; }) })";
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ answer }) } });
      const table = 'esm-ddb-partial';
      const stream = await tableWithStream(dynamo, table);
      for (const id of ['a', 'b', 'c']) await put(dynamo, table, id);
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: stream,
          StartingPosition: 'TRIM_HORIZON',
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        }),
      );
      const events = await loggedEvents(cloud, name, 2);
      const keys = events.map((event) =>
        recordsOf([event]).map((record) => (record.dynamodb as { Keys: { id: { S: string } } }).Keys.id.S),
      );
      assert.deepEqual(keys, [
        ['a', 'b', 'c'],
        ['b', 'c'],
      ]);
    });
  });
});

describe('Event source mappings: DynamoDB Streams across a restart', () => {
  test('a restart resumes after the last record handled, without sending it again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-esm-ddb-'));
    try {
      let cloud = await startNimbus({ port: 0, ephemeral: false, dataDir });
      const name = functionName('ddb-restart');
      const table = 'esm-ddb-restart';
      try {
        const lambda = lambdaClient(cloud);
        await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
        const dynamo = new DynamoDBClient(clientConfig(cloud));
        const stream = await tableWithStream(dynamo, table);
        await lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: name,
            EventSourceArn: stream,
            StartingPosition: 'TRIM_HORIZON',
          }),
        );
        await put(dynamo, table, 'first');
        await loggedEvents(cloud, name, 1);
        // The position is written once the batch is done, just after the function's log.
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        await cloud.stop();
      }
      cloud = await startNimbus({ port: 0, ephemeral: false, dataDir });
      try {
        await put(new DynamoDBClient(clientConfig(cloud)), table, 'second');
        const events = await loggedEvents(cloud, name, 2);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const again = await loggedEvents(cloud, name, 2);
        assert.deepEqual(
          recordsOf(again).map((record) => (record.dynamodb as { Keys: { id: { S: string } } }).Keys.id.S),
          ['first', 'second'],
        );
        assert.equal(events.length, 2);
      } finally {
        await cloud.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
