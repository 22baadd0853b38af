import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  PurgeQueueCommand,
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

describe('FIFO queues', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const fifoQueue = (attributes: Record<string, string> = {}) =>
    createQueue(sqs, 'q.fifo', { FifoQueue: 'true', ...attributes });
  const send = (
    QueueUrl: string,
    MessageBody: string,
    MessageGroupId: string,
    extra: Partial<SendMessageCommandInput> = {},
  ) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId, ...extra }));
  const receive = async (QueueUrl: string, input: Partial<ReceiveMessageCommandInput> = {}): Promise<Message[]> => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...input }));
    return Messages ?? [];
  };
  const bodies = (messages: Message[]) => messages.map((message) => message.Body);

  describe('ordering and group locking', () => {
    test('returns the messages grouped, each group in send order', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      for (const [group, body] of [
        ['g1', 'g1-m1'],
        ['g2', 'g2-m1'],
        ['g1', 'g1-m2'],
        ['g1', 'g1-m3'],
      ]) {
        await send(QueueUrl, body as string, group as string);
      }
      assert.deepEqual(bodies(await receive(QueueUrl)), ['g1-m1', 'g1-m2', 'g1-m3', 'g2-m1']);
    });

    test('holds back a group while a message of it is in flight, and serves the other groups', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      for (const body of ['g1-m1', 'g1-m2', 'g1-m3']) await send(QueueUrl, body, 'g1');
      await send(QueueUrl, 'g2-m1', 'g2');
      assert.deepEqual(bodies(await receive(QueueUrl, { MaxNumberOfMessages: 2 })), ['g1-m1', 'g1-m2']);
      assert.deepEqual(bodies(await receive(QueueUrl)), ['g2-m1']);
      assert.deepEqual(bodies(await receive(QueueUrl)), []);
    });

    test('opens the group as soon as one of its messages is visible again, returning only the visible ones', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      for (const body of ['foo', 'bar', 'baz']) await send(QueueUrl, body, 'g');
      const all = await receive(QueueUrl);
      assert.deepEqual(bodies(all), ['foo', 'bar', 'baz']);
      assert.deepEqual(bodies(await receive(QueueUrl)), []);
      for (const message of all.slice(0, 2)) {
        const ReceiptHandle = message.ReceiptHandle;
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }));
      }
      assert.deepEqual(bodies(await receive(QueueUrl)), ['foo', 'bar']);
    });

    test('returns the group again in order once its visibility timeout has passed', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true', VisibilityTimeout: '10' });
      for (const body of ['1', '2']) await send(QueueUrl, body, 'g');
      assert.deepEqual(bodies(await receive(QueueUrl)), ['1', '2']);
      cloud.clock.advance(11);
      assert.deepEqual(bodies(await receive(QueueUrl)), ['1', '2']);
    });

    test('keeps the group locked after a partial delete and opens it when all in flight are deleted', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      for (const body of ['1', '2', '3']) await send(QueueUrl, body, 'g');
      const inFlight = await receive(QueueUrl, { MaxNumberOfMessages: 2 });
      const remove = (message: Message | undefined) =>
        sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
      await remove(inFlight[0]);
      assert.deepEqual(bodies(await receive(QueueUrl)), []);
      await remove(inFlight[1]);
      assert.deepEqual(bodies(await receive(QueueUrl)), ['3']);
    });

    test('leaves the group receivable after a receive with VisibilityTimeout 0', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      await send(QueueUrl, 'only', 'g');
      assert.deepEqual(bodies(await receive(QueueUrl, { MaxNumberOfMessages: 1, VisibilityTimeout: 0 })), ['only']);
      assert.deepEqual(bodies(await receive(QueueUrl, { MaxNumberOfMessages: 1 })), ['only']);
    });

    test('receives a new message of a group that was emptied', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      await send(QueueUrl, 'Message 1', 'g');
      const [first] = await receive(QueueUrl);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first?.ReceiptHandle }));
      assert.deepEqual(bodies(await receive(QueueUrl)), []);
      await send(QueueUrl, 'Message 2', 'g');
      assert.deepEqual(bodies(await receive(QueueUrl)), ['Message 2']);
    });

    test('returns the FIFO system attributes, keeping the sequence number across receives', async () => {
      const QueueUrl = await fifoQueue({ VisibilityTimeout: '0' });
      const sent = await send(QueueUrl, 'message-body-1', 'group-1', { MessageDeduplicationId: 'dedup-1' });
      const [first] = await receive(QueueUrl, { MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] });
      const [second] = await receive(QueueUrl, { MaxNumberOfMessages: 1, AttributeNames: ['All'] });
      assert.deepEqual(Object.keys(first?.Attributes ?? {}).sort(), [
        'ApproximateFirstReceiveTimestamp',
        'ApproximateReceiveCount',
        'MessageDeduplicationId',
        'MessageGroupId',
        'SenderId',
        'SentTimestamp',
        'SequenceNumber',
      ]);
      assert.equal(first?.Attributes?.MessageDeduplicationId, 'dedup-1');
      assert.equal(first?.Attributes?.MessageGroupId, 'group-1');
      assert.equal(first?.Attributes?.SequenceNumber, sent.SequenceNumber);
      assert.equal(first?.Attributes?.ApproximateReceiveCount, '1');
      assert.equal(second?.Attributes?.ApproximateReceiveCount, '2');
      assert.equal(second?.Attributes?.SequenceNumber, sent.SequenceNumber);
      assert.equal(second?.Attributes?.SenderId, first?.Attributes?.SenderId);
    });
  });

  describe('deduplication', () => {
    for (const contentBased of [true, false]) {
      test(`accepts but does not deliver a duplicate sent after the original was deleted (content-based ${contentBased})`, async () => {
        const QueueUrl = await fifoQueue({ ContentBasedDeduplication: String(contentBased) });
        const extra = contentBased ? {} : { MessageDeduplicationId: 'dedup' };
        const original = await send(QueueUrl, '{"foo": "bar"}', 'g', extra);
        const [message] = await receive(QueueUrl);
        assert.equal(message?.MessageId, original.MessageId);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
        const duplicate = await send(QueueUrl, '{"foo": "bar"}', 'g', extra);
        assert.equal(duplicate.$metadata.httpStatusCode, 200);
        assert.ok(duplicate.MessageId);
        assert.deepEqual(await receive(QueueUrl), []);
      });
    }

    test('delivers an identical body once with content-based deduplication', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      await send(QueueUrl, 'same', 'g');
      await send(QueueUrl, 'same', 'g');
      await send(QueueUrl, 'different', 'g');
      assert.deepEqual(bodies(await receive(QueueUrl)), ['same', 'different']);
    });

    test('uses an explicit MessageDeduplicationId over the content', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      await send(QueueUrl, 'same', 'g', { MessageDeduplicationId: 'one' });
      await send(QueueUrl, 'same', 'g', { MessageDeduplicationId: 'two' });
      await send(QueueUrl, 'other', 'g', { MessageDeduplicationId: 'one' });
      assert.deepEqual(bodies(await receive(QueueUrl)), ['same', 'same']);
    });

    test('delivers the same deduplication id again once the 5-minute window has passed', async () => {
      const QueueUrl = await fifoQueue();
      await send(QueueUrl, 'first d1', 'g', { MessageDeduplicationId: 'd1' });
      await send(QueueUrl, 'first d2', 'g', { MessageDeduplicationId: 'd2' });
      cloud.clock.advance(299);
      await send(QueueUrl, 'within d1', 'g', { MessageDeduplicationId: 'd1' });
      cloud.clock.advance(2);
      await send(QueueUrl, 'after d2', 'g', { MessageDeduplicationId: 'd2' });
      assert.deepEqual(bodies(await receive(QueueUrl)), ['first d1', 'first d2', 'after d2']);
    });

    test('treats the same deduplication id in another group as a duplicate with DeduplicationScope queue', async () => {
      const QueueUrl = await fifoQueue();
      await send(QueueUrl, 'Test', 'group-1', { MessageDeduplicationId: 'dedup' });
      await send(QueueUrl, 'Test', 'group-2', { MessageDeduplicationId: 'dedup' });
      assert.deepEqual(bodies(await receive(QueueUrl)), ['Test']);
    });

    for (const throughput of [{}, { FifoThroughputLimit: 'perMessageGroupId' }] as Record<string, string>[]) {
      test(`delivers the same deduplication id in two groups with DeduplicationScope messageGroup ${JSON.stringify(throughput)}`, async () => {
        const QueueUrl = await fifoQueue({ DeduplicationScope: 'messageGroup', ...throughput });
        await send(QueueUrl, 'Test1', 'group-1', { MessageDeduplicationId: 'dedup' });
        await send(QueueUrl, 'Test2', 'group-2', { MessageDeduplicationId: 'dedup' });
        await send(QueueUrl, 'Test3', 'group-2', { MessageDeduplicationId: 'dedup' });
        assert.deepEqual(bodies(await receive(QueueUrl)).sort(), ['Test1', 'Test2']);
      });
    }

    const setScope = (QueueUrl: string, scope: 'queue' | 'messageGroup') =>
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl,
          Attributes: {
            DeduplicationScope: scope,
            FifoThroughputLimit: scope === 'queue' ? 'perQueue' : 'perMessageGroupId',
          },
        }),
      );
    const drain = async (QueueUrl: string) => {
      const messages = await receive(QueueUrl);
      for (const message of messages) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      return bodies(messages);
    };

    test('keeps suppressing a used deduplication id in another group after switching to messageGroup scope', async () => {
      const QueueUrl = await fifoQueue();
      await send(QueueUrl, 'Test1', 'group-1', { MessageDeduplicationId: 'dedup-1' });
      assert.deepEqual(await drain(QueueUrl), ['Test1']);
      await send(QueueUrl, 'Test2', 'group-2', { MessageDeduplicationId: 'dedup-1' });
      assert.deepEqual(await drain(QueueUrl), []);
      await setScope(QueueUrl, 'messageGroup');
      await send(QueueUrl, 'Test3', 'group-2', { MessageDeduplicationId: 'dedup-1' });
      assert.deepEqual(await drain(QueueUrl), []);
      await send(QueueUrl, 'Test4', 'group-2', { MessageDeduplicationId: 'dedup-2' });
      assert.deepEqual(await drain(QueueUrl), ['Test4']);
    });

    test('delivers a deduplication id used in another group after switching back to queue scope', async () => {
      const QueueUrl = await fifoQueue({
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      await send(QueueUrl, 'Test1', 'group-1', { MessageDeduplicationId: 'dedup-1' });
      assert.deepEqual(await drain(QueueUrl), ['Test1']);
      await send(QueueUrl, 'Test2', 'group-2', { MessageDeduplicationId: 'dedup-1' });
      assert.deepEqual(await drain(QueueUrl), ['Test2']);
      await setScope(QueueUrl, 'queue');
      await send(QueueUrl, 'Test3', 'group-3', { MessageDeduplicationId: 'dedup-1' });
      assert.deepEqual(await drain(QueueUrl), ['Test3']);
    });

    test('forgets the deduplication ids when the queue is purged', async () => {
      const QueueUrl = await fifoQueue();
      await send(QueueUrl, 'before', 'g', { MessageDeduplicationId: 'd' });
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      await send(QueueUrl, 'after', 'g', { MessageDeduplicationId: 'd' });
      assert.deepEqual(bodies(await receive(QueueUrl)), ['after']);
    });
  });

  describe('ReceiveRequestAttemptId', () => {
    test('answers a retried attempt with the same messages and receipt handles', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      await send(QueueUrl, 'one', 'g');
      await send(QueueUrl, 'two', 'g');
      const first = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-1', MaxNumberOfMessages: 1 });
      const retried = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-1', MaxNumberOfMessages: 1 });
      assert.deepEqual(bodies(retried), ['one']);
      assert.equal(retried[0]?.ReceiptHandle, first[0]?.ReceiptHandle);
    });

    test('refuses a retry once a message of the attempt was deleted', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
      await send(QueueUrl, 'one', 'g');
      const [message] = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-2' });
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
      const error = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-2' }).then(
        () => assert.fail('expected the retry to fail'),
        (caught: Error & { Code?: string }) => caught,
      );
      assert.equal(error.Code, 'InvalidParameterValue');
      assert.equal(
        error.message,
        'Value attempt-2 for parameter ReceiveRequestAttemptId is invalid. Reason: The receiveRequestAttemptId is not valid anymore since the receive call is not retryable.',
      );
    });

    test('starts a new receive for an attempt id older than five minutes', async () => {
      const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true', VisibilityTimeout: '600' });
      await send(QueueUrl, 'one', 'g');
      await send(QueueUrl, 'two', 'h');
      await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-3', MaxNumberOfMessages: 1 });
      cloud.clock.advance(301);
      assert.deepEqual(bodies(await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-3' })), ['two']);
    });
  });
});
