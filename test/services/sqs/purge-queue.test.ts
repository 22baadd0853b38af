import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

function purgeInProgress(name: string) {
  return {
    name: 'PurgeQueueInProgress',
    queryCode: 'AWS.SimpleQueueService.PurgeQueueInProgress',
    status: 403,
    message: `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
  };
}

describe('SQS PurgeQueue', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function send(url: string, body: string, delaySeconds?: number): Promise<void> {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, DelaySeconds: delaySeconds }));
  }

  async function bodies(url: string): Promise<string[]> {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    return (Messages ?? []).map((message) => message.Body ?? '').sort();
  }

  async function counts(url: string): Promise<Record<string, string> | undefined> {
    const names = [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ] as const;
    return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }))).Attributes;
  }

  const empty = {
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesDelayed: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
  };

  describe('PurgeQueue', () => {
    test('answers an empty 200 and deletes the visible messages', async () => {
      const url = await createQueue(sqs, 'orders');
      for (let i = 0; i < 3; i++) await send(url, `test-0-${i}`);
      const output = await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(await counts(url), empty);
      assert.deepEqual(await bodies(url), []);
    });

    test('delivers the messages sent after the purge', async () => {
      const url = await createQueue(sqs, 'orders');
      for (let i = 0; i < 3; i++) await send(url, `test-0-${i}`);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      for (let i = 0; i < 3; i++) await send(url, `test-1-${i}`);
      assert.deepEqual(await bodies(url), ['test-1-0', 'test-1-1', 'test-1-2']);
    });

    test('deletes in-flight messages, which do not come back when their visibility ends', async () => {
      const url = await createQueue(sqs, 'orders');
      for (let i = 0; i < 10; i++) await send(url, `message-${i}`);
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 5, VisibilityTimeout: 3 }),
      );
      assert.ok((received.Messages?.length ?? 0) > 0);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      cloud.clock.advance(4);
      assert.deepEqual(await bodies(url), []);
      assert.deepEqual(await counts(url), empty);
    });

    test('deletes delayed messages, which do not appear when their delay ends', async () => {
      const url = await createQueue(sqs, 'orders');
      for (let i = 0; i < 5; i++) await send(url, `message-${i}`, 2);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      cloud.clock.advance(3);
      assert.deepEqual(await bodies(url), []);
      assert.deepEqual(await counts(url), empty);
    });

    test('clears the deduplication history of a FIFO queue', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      const message = { QueueUrl: url, MessageGroupId: 'group', MessageDeduplicationId: 'dedup' };
      await sqs.send(new SendMessageCommand({ ...message, MessageBody: 'message-1' }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      await sqs.send(new SendMessageCommand({ ...message, MessageBody: 'message-2' }));
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      assert.deepEqual(
        (Messages ?? []).map((received) => received.Body),
        ['message-2'],
      );
    });

    test('leaves the messages of other queues alone', async () => {
      const purged = await createQueue(sqs, 'purged');
      const kept = await createQueue(sqs, 'kept');
      await send(purged, 'gone');
      await send(kept, 'stays');
      await sqs.send(new PurgeQueueCommand({ QueueUrl: purged }));
      assert.deepEqual(await bodies(kept), ['stays']);
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      await assertSqsError(sqs.send(new PurgeQueueCommand({ QueueUrl: `${cloud.endpoint}/111111111111/nobody` })), {
        name: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        message: 'The specified queue does not exist.',
      });
    });
  });

  describe('PurgeQueue every 60 seconds', () => {
    test('returns PurgeQueueInProgress, HTTP 403, for a second purge right away', async () => {
      const url = await createQueue(sqs, 'test-queue-1');
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      await assertSqsError(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), purgeInProgress('test-queue-1'));
    });

    test('names the FIFO queue with its suffix in PurgeQueueInProgress', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      await assertSqsError(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), purgeInProgress('orders.fifo'));
    });

    test('still refuses a purge 59 seconds after the first', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      cloud.clock.advance(59);
      await assertSqsError(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), purgeInProgress('orders'));
    });

    test('allows the next purge once 60 seconds have passed', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      cloud.clock.advance(61);
      await send(url, 'second batch');
      const output = await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(await bodies(url), []);
    });

    test('counts the 60 seconds per queue', async () => {
      const first = await createQueue(sqs, 'first');
      const second = await createQueue(sqs, 'second');
      await sqs.send(new PurgeQueueCommand({ QueueUrl: first }));
      const output = await sqs.send(new PurgeQueueCommand({ QueueUrl: second }));
      assert.equal(output.$metadata.httpStatusCode, 200);
    });
  });
});
