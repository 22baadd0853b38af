import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  type LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
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

describe('Event source mappings: SQS', () => {
  let cloud: NimbusCloud;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    lambda = lambdaClient(cloud);
    sqs = new SQSClient(clientConfig(cloud));
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function queue(name: string, attributes: Record<string, string> = {}) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl as string, arn: out.Attributes?.QueueArn as string };
  }

  async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
    };
  }

  async function emptied(url: string): Promise<void> {
    await eventually(async () => {
      const { visible, inFlight } = await counts(url);
      return visible === 0 && inFlight === 0;
    }, 'the queue to be empty');
  }

  describe('CreateEventSourceMapping', () => {
    test('answers Creating with the SQS defaults, and GetEventSourceMapping answers Enabled', async () => {
      const fn = await createFunction(lambda, { Code: { ZipFile: loggingFunction() } });
      const source = await queue('esm-defaults');
      const created = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName, EventSourceArn: source.arn }),
      );
      assert.equal(created.$metadata.httpStatusCode, 202);
      assert.equal(created.State, 'Creating');
      assert.equal(created.BatchSize, 10);
      assert.equal(created.MaximumBatchingWindowInSeconds, 0);
      assert.deepEqual(created.FunctionResponseTypes, []);
      assert.equal(created.StateTransitionReason, 'USER_INITIATED');
      assert.equal(created.FunctionArn, fn.FunctionArn);
      assert.equal(created.EventSourceArn, source.arn);
      assert.match(created.UUID ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(
        created.EventSourceMappingArn,
        `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`,
      );
      assert.ok(created.LastModified instanceof Date);
      assert.equal(created.StartingPosition, undefined);
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
      assert.equal(got.State, 'Enabled');
    });

    test('answers InvalidParameterValueException for a batch over 10 without a batching window', async () => {
      const fn = await createFunction(lambda, {});
      const source = await queue('esm-big-batch');
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn.FunctionName,
            EventSourceArn: source.arn,
            BatchSize: 11,
          }),
        ),
        'InvalidParameterValueException',
        'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
      );
    });

    test('answers InvalidParameterValueException for a queue that does not exist', async () => {
      const fn = await createFunction(lambda, {});
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn.FunctionName,
            EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue',
          }),
        ),
        'InvalidParameterValueException',
        'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.',
      );
    });

    test('answers InvalidParameterValueException for a function that does not exist', async () => {
      const source = await queue('esm-no-function');
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({ FunctionName: 'no-such-function', EventSourceArn: source.arn }),
        ),
        'InvalidParameterValueException',
        'Function does not exist',
      );
    });

    test('answers Unrecognized event source without an EventSourceArn', async () => {
      const fn = await createFunction(lambda, {});
      await rejects(
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName })),
        'InvalidParameterValueException',
        'Unrecognized event source.',
      );
    });

    test('refuses a DestinationConfig for an SQS source', async () => {
      const fn = await createFunction(lambda, {});
      const source = await queue('esm-destination');
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn.FunctionName,
            EventSourceArn: source.arn,
            DestinationConfig: { OnFailure: { Destination: source.arn } },
          }),
        ),
        'InvalidParameterValueException',
        'Unsupported DestinationConfig parameter for given event source mapping type.',
      );
    });

    test('refuses a filter that is not a pattern', async () => {
      const fn = await createFunction(lambda, {});
      const source = await queue('esm-bad-filter');
      await rejects(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn.FunctionName,
            EventSourceArn: source.arn,
            FilterCriteria: { Filters: [{ Pattern: 'simple string' }] },
          }),
        ),
        'InvalidParameterValueException',
        'Invalid filter pattern definition.',
      );
    });

    test('answers ResourceConflictException for a second mapping of the same queue and function', async () => {
      const fn = await createFunction(lambda, {});
      const source = await queue('esm-duplicate');
      const first = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName, EventSourceArn: source.arn }),
      );
      await rejects(
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName, EventSourceArn: source.arn })),
        'ResourceConflictException',
        `An event source mapping with SQS arn (" ${source.arn} ") and function (" ${fn.FunctionName} ") already exists. Please update or delete the existing mapping with UUID ${first.UUID}`,
      );
    });
  });

  describe('Get, Update, Delete and ListEventSourceMappings', () => {
    test('answers ResourceNotFoundException for an unknown UUID', async () => {
      const UUID = '00000000-0000-0000-0000-000000000000';
      const message = 'The resource you requested does not exist.';
      await rejects(lambda.send(new GetEventSourceMappingCommand({ UUID })), 'ResourceNotFoundException', message);
      await rejects(lambda.send(new DeleteEventSourceMappingCommand({ UUID })), 'ResourceNotFoundException', message);
      await rejects(
        lambda.send(new UpdateEventSourceMappingCommand({ UUID, BatchSize: 5 })),
        'ResourceNotFoundException',
        message,
      );
    });

    test('answers Disabling then Disabled, Enabling then Enabled, Updating for other changes', async () => {
      const fn = await createFunction(lambda, {});
      const source = await queue('esm-states');
      const { UUID } = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName, EventSourceArn: source.arn }),
      );
      const disabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false }));
      assert.equal(disabling.State, 'Disabling');
      assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State, 'Disabled');
      const enabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true }));
      assert.equal(enabling.State, 'Enabling');
      assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State, 'Enabled');
      const updating = await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID, BatchSize: 20, MaximumBatchingWindowInSeconds: 1 }),
      );
      assert.equal(updating.State, 'Updating');
      assert.equal(updating.BatchSize, 20);
      await rejects(
        lambda.send(new UpdateEventSourceMappingCommand({ UUID, MaximumBatchingWindowInSeconds: 0 })),
        'InvalidParameterValueException',
        'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
      );
    });

    test('DeleteEventSourceMapping answers Deleting and the mapping is gone', async () => {
      const fn = await createFunction(lambda, {});
      const source = await queue('esm-delete');
      const { UUID } = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: fn.FunctionName, EventSourceArn: source.arn }),
      );
      const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID }));
      assert.equal(deleted.$metadata.httpStatusCode, 202);
      assert.equal(deleted.State, 'Deleting');
      await rejects(
        lambda.send(new GetEventSourceMappingCommand({ UUID })),
        'ResourceNotFoundException',
        'The resource you requested does not exist.',
      );
    });

    test('ListEventSourceMappings filters by function and by source, and pages with a marker', async () => {
      const one = await createFunction(lambda, {});
      const two = await createFunction(lambda, {});
      const first = await queue('esm-list-1');
      const second = await queue('esm-list-2');
      const a = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: one.FunctionName, EventSourceArn: first.arn }),
      );
      const b = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: two.FunctionName, EventSourceArn: first.arn }),
      );
      const c = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: one.FunctionName, EventSourceArn: second.arn }),
      );
      const byFunction = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: one.FunctionName }));
      assert.deepEqual(
        byFunction.EventSourceMappings?.map((m) => m.UUID),
        [a.UUID, c.UUID],
      );
      const bySource = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: first.arn }));
      assert.deepEqual(
        bySource.EventSourceMappings?.map((m) => m.UUID),
        [a.UUID, b.UUID],
      );
      const page = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 2 }));
      assert.equal(page.EventSourceMappings?.length, 2);
      assert.equal(page.EventSourceMappings?.[0]?.State, 'Enabled');
      const rest = await lambda.send(new ListEventSourceMappingsCommand({ Marker: page.NextMarker }));
      assert.deepEqual(
        rest.EventSourceMappings?.map((m) => m.UUID),
        [c.UUID],
      );
      assert.equal(rest.NextMarker, undefined);
    });
  });

  describe('polling', () => {
    test('invokes the function with AWS’s SQS event and deletes the batch', async () => {
      const name = functionName('sqs-event');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const source = await queue('esm-event');
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: source.arn }));
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: source.url,
          MessageBody: '{"hello":"world"}',
          MessageAttributes: {
            Author: { DataType: 'String', StringValue: 'John Grisham' },
            Cover: { DataType: 'Binary', BinaryValue: Buffer.from('png') },
          },
        }),
      );
      const [event] = await loggedEvents(cloud, name, 1);
      const record = recordsOf([event as Record<string, unknown>])[0] as Record<string, unknown>;
      assert.deepEqual(Object.keys(record), [
        'messageId',
        'receiptHandle',
        'body',
        'attributes',
        'messageAttributes',
        'md5OfMessageAttributes',
        'md5OfBody',
        'eventSource',
        'eventSourceARN',
        'awsRegion',
      ]);
      assert.equal(record.messageId, sent.MessageId);
      assert.equal(record.body, '{"hello":"world"}');
      assert.equal(record.md5OfBody, sent.MD5OfMessageBody);
      assert.equal(record.md5OfMessageAttributes, sent.MD5OfMessageAttributes);
      assert.equal(record.eventSource, 'aws:sqs');
      assert.equal(record.eventSourceARN, source.arn);
      assert.equal(record.awsRegion, 'us-east-1');
      const attributes = record.attributes as Record<string, string>;
      assert.equal(attributes.ApproximateReceiveCount, '1');
      assert.ok(attributes.SentTimestamp && attributes.SenderId && attributes.ApproximateFirstReceiveTimestamp);
      assert.deepEqual(record.messageAttributes, {
        Author: { stringValue: 'John Grisham', stringListValues: [], binaryListValues: [], dataType: 'String' },
        Cover: {
          binaryValue: Buffer.from('png').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
          dataType: 'Binary',
        },
      });
      await emptied(source.url);
    });

    test('leaves a failed batch for the visibility timeout, then gets it again with a higher receive count', async () => {
      const name = functionName('sqs-retry');
      const code = loggingFunction({ fail: "event.Records[0].attributes.ApproximateReceiveCount === '1'" });
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: code } });
      const source = await queue('esm-retry', { VisibilityTimeout: '30' });
      await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: source.arn, BatchSize: 1 }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'again' }));
      await loggedEvents(cloud, name, 1);
      await eventually(async () => (await counts(source.url)).inFlight === 1, 'the failed message to stay in flight');
      cloud.clock.advance(31);
      const events = await loggedEvents(cloud, name, 2);
      const counts2 = recordsOf(events).map(
        (record) => (record.attributes as Record<string, string>).ApproximateReceiveCount,
      );
      assert.deepEqual(counts2, ['1', '2']);
      await emptied(source.url);
    });

    test('a message that keeps failing moves to the dead-letter queue by the queue’s redrive policy', async () => {
      const name = functionName('sqs-dlq');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ fail: 'true' }) } });
      const dlq = await queue('esm-redrive-dlq');
      const source = await queue('esm-redrive', {
        VisibilityTimeout: '10',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
      });
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: source.arn }));
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));
      await loggedEvents(cloud, name, 1);
      await eventually(async () => (await counts(source.url)).inFlight === 1, 'the failed message to stay in flight');
      cloud.clock.advance(11);
      await eventually(async () => (await counts(dlq.url)).visible === 1, 'the message in the dead-letter queue');
      const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
      assert.equal(moved.Messages?.[0]?.Body, 'poison');
    });

    test('with ReportBatchItemFailures deletes all but the messages the function names', async () => {
      const name = functionName('sqs-partial');
      const answer =
        "({ batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({ itemIdentifier: r.messageId })) })";
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ answer }) } });
      const source = await queue('esm-partial', { VisibilityTimeout: '60' });
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: source.url,
          Entries: [
            { Id: 'a', MessageBody: 'ok 1' },
            { Id: 'b', MessageBody: 'fail 2' },
            { Id: 'c', MessageBody: 'ok 3' },
          ],
        }),
      );
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: source.arn,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        }),
      );
      await loggedEvents(cloud, name, 1);
      await eventually(async () => {
        const { visible, inFlight } = await counts(source.url);
        return visible === 0 && inFlight === 1;
      }, 'only the failed message left in flight');
      cloud.clock.advance(61);
      const events = await loggedEvents(cloud, name, 2);
      const retried = recordsOf(events.slice(1)).map((record) => record.body);
      assert.ok(retried.every((body) => body === 'fail 2'));
    });

    test('with ReportBatchItemFailures an identifier not in the batch fails the whole batch', async () => {
      const name = functionName('sqs-invalid-partial');
      const answer = "({ batchItemFailures: [{ foo: 'notvalid' }] })";
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ answer }) } });
      const source = await queue('esm-invalid-partial', { VisibilityTimeout: '60' });
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: source.arn,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        }),
      );
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: source.url,
          Entries: [
            { Id: 'a', MessageBody: 'one' },
            { Id: 'b', MessageBody: 'two' },
          ],
        }),
      );
      await loggedEvents(cloud, name, 1);
      await eventually(async () => (await counts(source.url)).inFlight === 2, 'both messages left in flight');
    });

    test('gathers a batch larger than ten receives within the batching window', async () => {
      const name = functionName('sqs-large-batch');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const source = await queue('esm-large-batch');
      for (let round = 0; round < 2; round++) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: source.url,
            Entries: Array.from({ length: round === 0 ? 10 : 5 }, (_, i) => ({
              Id: `m${i}`,
              MessageBody: `${round}-${i}`,
            })),
          }),
        );
      }
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: source.arn,
          BatchSize: 15,
          MaximumBatchingWindowInSeconds: 1,
        }),
      );
      const [event] = await loggedEvents(cloud, name, 1);
      assert.equal(recordsOf([event as Record<string, unknown>]).length, 15);
      await emptied(source.url);
    });

    test('delivers a FIFO queue’s messages of one group in order', async () => {
      const name = functionName('sqs-fifo');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const source = await queue('esm-order.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
      await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: source.arn, BatchSize: 1 }),
      );
      for (let i = 0; i < 5; i++) {
        await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: `m${i}`, MessageGroupId: 'g' }));
      }
      const events = await loggedEvents(cloud, name, 5);
      assert.deepEqual(
        recordsOf(events).map((record) => record.body),
        ['m0', 'm1', 'm2', 'm3', 'm4'],
      );
      const attributes = recordsOf(events)[0]?.attributes as Record<string, string>;
      assert.equal(attributes.MessageGroupId, 'g');
      assert.ok(attributes.SequenceNumber);
    });

    test('deletes the messages no filter matches without invoking the function for them', async () => {
      const name = functionName('sqs-filter');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const source = await queue('esm-filter');
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: source.arn,
          BatchSize: 1,
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['wanted'] } }) }] },
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: '{"kind":"unwanted"}' }));
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: '{"kind":"wanted"}' }));
      const events = await loggedEvents(cloud, name, 1);
      await emptied(source.url);
      assert.deepEqual(
        recordsOf(events).map((record) => record.body),
        ['{"kind":"wanted"}'],
      );
    });

    test('a disabled mapping invokes nothing; enabled again it takes what waited', async () => {
      const name = functionName('sqs-disabled');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      const source = await queue('esm-disabled');
      const created = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: source.arn, Enabled: false }),
      );
      assert.equal(created.State, 'Disabled');
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'waiting' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(await counts(source.url), { visible: 1, inFlight: 0 });
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: true }));
      const events = await loggedEvents(cloud, name, 1);
      assert.equal(recordsOf(events)[0]?.body, 'waiting');
    });
  });
});

describe('Event source mappings: SQS across a restart', () => {
  test('a mapping polls again after Nimbus restarts, before any Lambda request', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-esm-'));
    try {
      let cloud = await startNimbus({ port: 0, ephemeral: false, dataDir });
      const name = functionName('sqs-restart');
      let lambda = lambdaClient(cloud);
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction() } });
      let sqs = new SQSClient(clientConfig(cloud));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'esm-restart' }));
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:esm-restart',
        }),
      );
      await cloud.stop();
      cloud = await startNimbus({ port: 0, ephemeral: false, dataDir });
      try {
        sqs = new SQSClient(clientConfig(cloud));
        await sqs.send(
          new SendMessageCommand({ QueueUrl: `${cloud.endpoint}/000000000000/esm-restart`, MessageBody: 'after' }),
        );
        const events = await loggedEvents(cloud, name, 1);
        assert.equal(recordsOf(events)[0]?.body, 'after');
        assert.ok(QueueUrl);
        lambda = lambdaClient(cloud);
        const list = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
        assert.equal(list.EventSourceMappings?.[0]?.State, 'Enabled');
      } finally {
        await cloud.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
