import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageCommand,
  type SendMessageCommandInput,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, sqsFor } from './sqs-helpers.js';

describe('Message timing on the Nimbus clock', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const send = (QueueUrl: string, MessageBody: string, extra: Partial<SendMessageCommandInput> = {}) =>
    sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, ...extra }));
  const receive = async (QueueUrl: string, input: Partial<ReceiveMessageCommandInput> = {}): Promise<Message[]> => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...input }));
    return Messages ?? [];
  };
  const bodies = async (QueueUrl: string, input: Partial<ReceiveMessageCommandInput> = {}) =>
    (await receive(QueueUrl, input)).map((message) => message.Body).sort();
  const counts = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(Attributes?.ApproximateNumberOfMessages),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
      delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed),
    };
  };

  describe('visibility timeout', () => {
    test('returns the message again once its visibility timeout has passed', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { VisibilityTimeout: '30' });
      await send(QueueUrl, 'm');
      const [first] = await receive(QueueUrl, { AttributeNames: ['All'] });
      cloud.clock.advance(29);
      assert.deepEqual(await bodies(QueueUrl), []);
      assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 1, delayed: 0 });
      cloud.clock.advance(2);
      assert.deepEqual(await counts(QueueUrl), { visible: 1, inFlight: 0, delayed: 0 });
      const [again] = await receive(QueueUrl, { AttributeNames: ['All'] });
      assert.equal(again?.MessageId, first?.MessageId);
      assert.notEqual(again?.ReceiptHandle, first?.ReceiptHandle);
      assert.equal(again?.Attributes?.ApproximateReceiveCount, '2');
    });

    test('uses the VisibilityTimeout of the receive over the queue default', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { VisibilityTimeout: '300' });
      await send(QueueUrl, 'm');
      await receive(QueueUrl, { VisibilityTimeout: 5 });
      cloud.clock.advance(4);
      assert.deepEqual(await bodies(QueueUrl), []);
      cloud.clock.advance(2);
      assert.deepEqual(await bodies(QueueUrl), ['m']);
    });

    test('hides a message for the default 30 seconds when the queue sets nothing', async () => {
      const QueueUrl = await createQueue(sqs, 'q');
      await send(QueueUrl, 'm');
      await receive(QueueUrl);
      cloud.clock.advance(29);
      assert.deepEqual(await bodies(QueueUrl), []);
      cloud.clock.advance(2);
      assert.deepEqual(await bodies(QueueUrl), ['m']);
    });
  });

  describe('delays', () => {
    test('hides a message until its DelaySeconds has passed, counting it as delayed', async () => {
      const QueueUrl = await createQueue(sqs, 'q');
      await send(QueueUrl, 'later', { DelaySeconds: 10 });
      assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 0, delayed: 1 });
      cloud.clock.advance(9);
      assert.deepEqual(await bodies(QueueUrl), []);
      cloud.clock.advance(2);
      assert.deepEqual(await counts(QueueUrl), { visible: 1, inFlight: 0, delayed: 0 });
      assert.deepEqual(await bodies(QueueUrl), ['later']);
    });

    test('applies the queue DelaySeconds, and a message DelaySeconds over it', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { DelaySeconds: '60' });
      await send(QueueUrl, 'queue delay');
      await send(QueueUrl, 'no delay', { DelaySeconds: 0 });
      await send(QueueUrl, 'longer', { DelaySeconds: 120 });
      assert.deepEqual(await bodies(QueueUrl, { VisibilityTimeout: 600 }), ['no delay']);
      cloud.clock.advance(61);
      assert.deepEqual(await bodies(QueueUrl, { VisibilityTimeout: 600 }), ['queue delay']);
      cloud.clock.advance(60);
      assert.deepEqual(await bodies(QueueUrl, { VisibilityTimeout: 600 }), ['longer']);
    });

    test('applies the queue DelaySeconds to a FIFO message sent with DelaySeconds 0', async () => {
      const QueueUrl = await createQueue(sqs, 'q.fifo', {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
        DelaySeconds: '5',
      });
      await send(QueueUrl, 'message-1', { MessageGroupId: 'g', DelaySeconds: 0 });
      assert.deepEqual(await bodies(QueueUrl), []);
      cloud.clock.advance(6);
      assert.deepEqual(await bodies(QueueUrl), ['message-1']);
    });
  });

  describe('retention', () => {
    test('deletes a message once MessageRetentionPeriod has passed since it was sent', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { MessageRetentionPeriod: '60' });
      await send(QueueUrl, 'short-lived');
      cloud.clock.advance(59);
      assert.deepEqual(await counts(QueueUrl), { visible: 1, inFlight: 0, delayed: 0 });
      cloud.clock.advance(2);
      assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 0, delayed: 0 });
      assert.deepEqual(await bodies(QueueUrl), []);
    });

    test('deletes a message in flight when its retention ends', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { MessageRetentionPeriod: '60', VisibilityTimeout: '50' });
      await send(QueueUrl, 'in flight');
      cloud.clock.advance(30);
      assert.equal((await receive(QueueUrl)).length, 1);
      cloud.clock.advance(31);
      assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 0, delayed: 0 });
      cloud.clock.advance(30);
      assert.deepEqual(await bodies(QueueUrl), []);
    });

    test("expires each message at its own queue's retention when queues of different retention are sent to in turn", async () => {
      const short = await createQueue(sqs, 'short', { MessageRetentionPeriod: '60' });
      const long = await createQueue(sqs, 'long', { MessageRetentionPeriod: '300' });
      for (let i = 0; i < 3; i++) {
        await send(short, `s${i}`);
        await send(long, `l${i}`);
      }
      cloud.clock.advance(61);
      assert.deepEqual(await counts(short), { visible: 0, inFlight: 0, delayed: 0 });
      assert.deepEqual(await counts(long), { visible: 3, inFlight: 0, delayed: 0 });
      cloud.clock.advance(240);
      assert.deepEqual(await counts(long), { visible: 0, inFlight: 0, delayed: 0 });
    });

    test('expires a message stored where a deleted message was, at its own time', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { MessageRetentionPeriod: '600', VisibilityTimeout: '0' });
      const later = await createQueue(sqs, 'later', { MessageRetentionPeriod: '60' });
      await send(QueueUrl, 'kept');
      await send(QueueUrl, 'deleted');
      // The newest message goes, so the next send may take its place in the table.
      const received = await receive(QueueUrl);
      const last = received.find((m) => m.Body === 'deleted');
      assert.ok(last?.ReceiptHandle);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: last.ReceiptHandle }));
      await send(later, 'short-lived');
      cloud.clock.advance(61);
      assert.deepEqual(await counts(later), { visible: 0, inFlight: 0, delayed: 0 });
      assert.deepEqual(await counts(QueueUrl), { visible: 1, inFlight: 0, delayed: 0 });
      cloud.clock.advance(540);
      assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 0, delayed: 0 });
    });

    test('a retention change applies to messages sent after it', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { MessageRetentionPeriod: '600' });
      await send(QueueUrl, 'before');
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: '60' } }));
      await send(QueueUrl, 'after');
      cloud.clock.advance(61);
      assert.deepEqual(await bodies(QueueUrl), ['before']);
    });

    test('counts retention from the send, not from the last receive', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { MessageRetentionPeriod: '120', VisibilityTimeout: '0' });
      await send(QueueUrl, 'm');
      cloud.clock.advance(100);
      assert.deepEqual(await bodies(QueueUrl, { MaxNumberOfMessages: 1 }), ['m']);
      cloud.clock.advance(21);
      assert.deepEqual(await bodies(QueueUrl, { MaxNumberOfMessages: 1 }), []);
    });
  });

  describe('timestamps', () => {
    test('stamps SentTimestamp and ApproximateFirstReceiveTimestamp with the Nimbus clock', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { VisibilityTimeout: '10' });
      cloud.clock.advance(86_400);
      const sentAt = cloud.clock.now();
      await send(QueueUrl, 'm');
      cloud.clock.advance(1_000);
      const receivedAt = cloud.clock.now();
      const [first] = await receive(QueueUrl, { MessageSystemAttributeNames: ['All'] });
      const sent = Number(first?.Attributes?.SentTimestamp);
      const firstReceive = Number(first?.Attributes?.ApproximateFirstReceiveTimestamp);
      assert.ok(Math.abs(sent - sentAt) < 5_000, `SentTimestamp ${sent} vs ${sentAt}`);
      assert.ok(sent > Date.now() + 80_000_000);
      assert.ok(Math.abs(firstReceive - receivedAt) < 5_000, `first receive ${firstReceive} vs ${receivedAt}`);
      assert.ok(firstReceive - sent >= 1_000_000);
    });

    test('keeps ApproximateFirstReceiveTimestamp from the first receive on later receives', async () => {
      const QueueUrl = await createQueue(sqs, 'q', { VisibilityTimeout: '10' });
      await send(QueueUrl, 'm');
      const [first] = await receive(QueueUrl, { AttributeNames: ['All'] });
      cloud.clock.advance(3_600);
      const [second] = await receive(QueueUrl, { AttributeNames: ['All'] });
      assert.equal(second?.Attributes?.ApproximateReceiveCount, '2');
      assert.equal(
        second?.Attributes?.ApproximateFirstReceiveTimestamp,
        first?.Attributes?.ApproximateFirstReceiveTimestamp,
      );
      assert.equal(second?.Attributes?.SentTimestamp, first?.Attributes?.SentTimestamp);
    });
  });
});
