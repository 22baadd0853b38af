import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type DeleteMessageBatchRequestEntry,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, rejection, sqsFor } from './sqs-helpers.js';

describe('DeleteMessage and DeleteMessageBatch', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'true' };
  /** A queue holding `bodies`, each received once (in flight for the queue's visibility timeout). */
  const received = async (name: string, bodies: string[], attributes: Record<string, string> = {}) => {
    const QueueUrl = await createQueue(sqs, name, attributes);
    for (const MessageBody of bodies) {
      const MessageGroupId = name.endsWith('.fifo') ? 'g' : undefined;
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId }));
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(Messages?.length, bodies.length);
    return { QueueUrl, messages: Messages as Message[] };
  };
  const count = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
  };
  const deleteOne = (QueueUrl: string, ReceiptHandle: string | undefined) =>
    sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));

  describe('DeleteMessage', () => {
    test('deletes a received message for good', async () => {
      const { QueueUrl, messages } = await received('q', ['bye']);
      await deleteOne(QueueUrl, messages[0]?.ReceiptHandle);
      assert.equal(await count(QueueUrl), 0);
      cloud.clock.advance(31);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal(Messages, undefined);
    });

    test('succeeds every time the same handle is deleted again', async () => {
      const { QueueUrl, messages } = await received('q', ['bye']);
      for (let i = 0; i < 3; i++) {
        const out = await deleteOne(QueueUrl, messages[0]?.ReceiptHandle);
        assert.equal(out.$metadata.httpStatusCode, 200);
      }
    });

    test('returns ReceiptHandleIsInvalid for a handle that is not one', async () => {
      const QueueUrl = await createQueue(sqs, 'q');
      const error = await rejection(deleteOne(QueueUrl, 'garbage'));
      assert.equal(error.name, 'ReceiptHandleIsInvalid');
      assert.equal(error.Code, 'ReceiptHandleIsInvalid');
      assert.equal(error.Type, 'Sender');
      assert.equal(error.message, 'The input receipt handle "garbage" is not a valid receipt handle.');
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      const { QueueUrl, messages } = await received('q', ['x']);
      await assertSqsError(deleteOne(`${QueueUrl}-gone`, messages[0]?.ReceiptHandle), {
        name: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        message: 'The specified queue does not exist.',
      });
    });

    test('deletes a standard message with a handle whose visibility timeout has passed', async () => {
      const { QueueUrl, messages } = await received('q', ['late'], { VisibilityTimeout: '5' });
      cloud.clock.advance(6);
      await deleteOne(QueueUrl, messages[0]?.ReceiptHandle);
      assert.equal(await count(QueueUrl), 0);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal(Messages, undefined);
    });

    test('returns InvalidParameterValue for a FIFO handle whose visibility timeout has passed', async () => {
      const { QueueUrl, messages } = await received('q.fifo', ['foobar'], { ...fifo, VisibilityTimeout: '5' });
      cloud.clock.advance(6);
      const handle = messages[0]?.ReceiptHandle as string;
      await assertSqsError(deleteOne(QueueUrl, handle), {
        name: 'InvalidParameterValue',
        queryCode: 'InvalidParameterValue',
        status: 400,
        message: `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
      });
      assert.equal(await count(QueueUrl), 1);
    });

    test('deletes a FIFO message whose visibility was extended past its first timeout', async () => {
      const { QueueUrl, messages } = await received('q.fifo', ['foobar'], { ...fifo, VisibilityTimeout: '5' });
      const ReceiptHandle = messages[0]?.ReceiptHandle;
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 60 }));
      cloud.clock.advance(6);
      await deleteOne(QueueUrl, ReceiptHandle);
      assert.equal(await count(QueueUrl), 0);
    });

    test('lets the next message of a FIFO group be received once the one in flight is deleted', async () => {
      const QueueUrl = await createQueue(sqs, 'q.fifo', fifo);
      for (const MessageBody of ['1', '2']) {
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId: 'g' }));
      }
      const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
      await deleteOne(QueueUrl, first.Messages?.[0]?.ReceiptHandle);
      const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal(next.Messages?.[0]?.Body, '2');
    });
  });

  describe('DeleteMessageBatch', () => {
    const deleteBatch = (QueueUrl: string, Entries: DeleteMessageBatchRequestEntry[]) =>
      sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries }));

    test('deletes every entry and lists each Id as Successful', async () => {
      const { QueueUrl, messages } = await received('q', ['a', 'b', 'c']);
      const out = await deleteBatch(
        QueueUrl,
        messages.map((message, i) => ({ Id: `m-${i}`, ReceiptHandle: message.ReceiptHandle })),
      );
      assert.deepEqual(out.Successful?.map((entry) => entry.Id).sort(), ['m-0', 'm-1', 'm-2']);
      assert.deepEqual(out.Failed ?? [], []);
      assert.equal(await count(QueueUrl), 0);
    });

    test('returns TooManyEntriesInBatchRequest for 20 entries', async () => {
      const { QueueUrl, messages } = await received('q', ['a']);
      const Entries = Array.from({ length: 20 }, (_, i) => ({
        Id: `m${i}`,
        ReceiptHandle: messages[0]?.ReceiptHandle,
      }));
      await assertSqsError(deleteBatch(QueueUrl, Entries), {
        name: 'TooManyEntriesInBatchRequest',
        queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        status: 400,
        message: 'Maximum number of entries per request are 10. You have sent 20.',
      });
      assert.equal(await count(QueueUrl), 1);
    });

    test('returns InvalidBatchEntryId for an empty, overlong or colon-bearing id, before looking at the handle', async () => {
      const QueueUrl = await createQueue(sqs, 'q');
      for (const Id of ['', 'testLongId'.repeat(10), 'invalid:id']) {
        await assertSqsError(deleteBatch(QueueUrl, [{ Id, ReceiptHandle: 'testLongReceiptHandle' }]), {
          name: 'InvalidBatchEntryId',
          queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId',
          status: 400,
          message:
            'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        });
      }
    });

    test('returns EmptyBatchRequest for no entries', async () => {
      const QueueUrl = await createQueue(sqs, 'q');
      await assertSqsError(deleteBatch(QueueUrl, []), {
        name: 'EmptyBatchRequest',
        queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest',
        status: 400,
        message: 'There should be at least one DeleteMessageBatchRequestEntry in the request.',
      });
    });

    test('returns BatchEntryIdsNotDistinct for a repeated id and deletes nothing', async () => {
      const { QueueUrl, messages } = await received('q', ['a', 'b']);
      await assertSqsError(
        deleteBatch(QueueUrl, [
          { Id: 'dup', ReceiptHandle: messages[0]?.ReceiptHandle },
          { Id: 'dup', ReceiptHandle: messages[1]?.ReceiptHandle },
        ]),
        {
          name: 'BatchEntryIdsNotDistinct',
          queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
          status: 400,
          message: 'Id dup repeated.',
        },
      );
      assert.equal(await count(QueueUrl), 2);
    });
  });
});
