import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchRequestEntry,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, rejection, sqsFor } from './sqs-helpers.js';

describe('ChangeMessageVisibility and ChangeMessageVisibilityBatch', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  /** A queue holding `bodies`, each received once and in flight for the queue's visibility timeout (30 s). */
  const received = async (bodies: string[]) => {
    const QueueUrl = await createQueue(sqs, 'q');
    for (const MessageBody of bodies) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(Messages?.length, bodies.length);
    return { QueueUrl, messages: Messages as Message[] };
  };
  /**
   * The bodies visible now; `VisibilityTimeout: 0` only looks (AWS may then return one message
   * more than once in a response: aws/aws-sdk-java#705, boto/boto3#1566).
   */
  const visible = async (QueueUrl: string, VisibilityTimeout?: number) => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout }),
    );
    return [...new Set((Messages ?? []).map((message) => message.Body))].sort();
  };
  const change = (QueueUrl: string, ReceiptHandle: string | undefined, VisibilityTimeout: number) =>
    sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));

  describe('ChangeMessageVisibility', () => {
    test('makes the message receivable at once with 0, and the next receive hides it for the usual timeout', async () => {
      const { QueueUrl, messages } = await received(['m']);
      await change(QueueUrl, messages[0]?.ReceiptHandle, 0);
      assert.deepEqual(await visible(QueueUrl), ['m']);
      assert.deepEqual(await visible(QueueUrl), []);
      cloud.clock.advance(29);
      assert.deepEqual(await visible(QueueUrl), []);
      cloud.clock.advance(2);
      assert.deepEqual(await visible(QueueUrl), ['m']);
    });

    test('extends the time a message stays hidden, counted from the change', async () => {
      const { QueueUrl, messages } = await received(['m']);
      cloud.clock.advance(20);
      await change(QueueUrl, messages[0]?.ReceiptHandle, 60);
      cloud.clock.advance(30);
      assert.deepEqual(await visible(QueueUrl), []);
      cloud.clock.advance(31);
      assert.deepEqual(await visible(QueueUrl), ['m']);
    });

    test('shortens the time a message stays hidden', async () => {
      const { QueueUrl, messages } = await received(['m']);
      await change(QueueUrl, messages[0]?.ReceiptHandle, 5);
      cloud.clock.advance(6);
      assert.deepEqual(await visible(QueueUrl), ['m']);
    });

    test('hides a standard message again with a handle whose timeout has passed, before anyone receives it', async () => {
      const { QueueUrl, messages } = await received(['m']);
      cloud.clock.advance(31);
      const out = await change(QueueUrl, messages[0]?.ReceiptHandle, 60);
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.deepEqual(await visible(QueueUrl), []);
    });

    test('leaves the message deletable with the same handle after the change', async () => {
      const { QueueUrl, messages } = await received(['m']);
      await change(QueueUrl, messages[0]?.ReceiptHandle, 0);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: messages[0]?.ReceiptHandle }));
      assert.deepEqual(await visible(QueueUrl), []);
    });

    test('returns InvalidParameterValue for a message that was deleted', async () => {
      const { QueueUrl, messages } = await received(['m']);
      const handle = messages[0]?.ReceiptHandle as string;
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: handle }));
      await assertSqsError(change(QueueUrl, handle, 10), {
        name: 'InvalidParameterValue',
        queryCode: 'InvalidParameterValue',
        status: 400,
        message: `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      });
    });

    test('returns ReceiptHandleIsInvalid for a handle that is not one', async () => {
      const QueueUrl = await createQueue(sqs, 'q');
      const error = await rejection(change(QueueUrl, 'INVALID', 10));
      assert.equal(error.name, 'ReceiptHandleIsInvalid');
      assert.equal(error.Code, 'ReceiptHandleIsInvalid');
      assert.equal(error.Type, 'Sender');
    });

    test('returns InvalidParameterValue when the visibility since the receive would pass 12 hours', async () => {
      const { QueueUrl, messages } = await received(['m']);
      cloud.clock.advance(10);
      await assertSqsError(change(QueueUrl, messages[0]?.ReceiptHandle, 43_199), {
        name: 'InvalidParameterValue',
        queryCode: 'InvalidParameterValue',
        status: 400,
        message:
          'Value 43199 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].',
      });
    });

    test('refuses a total past 12 hours with InvalidParameterValue and leaves the message hidden as it was', async () => {
      const { QueueUrl, messages } = await received(['m']);
      cloud.clock.advance(10);
      const error = await rejection(change(QueueUrl, messages[0]?.ReceiptHandle, 43_199));
      assert.equal(error.name, 'InvalidParameterValue');
      assert.equal(error.Code, 'InvalidParameterValue');
      assert.equal(error.$metadata.httpStatusCode, 400);
      cloud.clock.advance(21);
      assert.deepEqual(await visible(QueueUrl), ['m']);
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      const { QueueUrl, messages } = await received(['m']);
      await assertSqsError(change(`${QueueUrl}-gone`, messages[0]?.ReceiptHandle, 0), {
        name: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        message: 'The specified queue does not exist.',
      });
    });
  });

  describe('ChangeMessageVisibilityBatch', () => {
    const changeBatch = (QueueUrl: string, Entries: ChangeMessageVisibilityBatchRequestEntry[]) =>
      sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries }));

    test('changes each entry and lists each Id as Successful', async () => {
      const { QueueUrl, messages } = await received(['a', 'b']);
      const byBody = new Map(messages.map((message) => [message.Body, message.ReceiptHandle]));
      const out = await changeBatch(QueueUrl, [
        { Id: 'a', ReceiptHandle: byBody.get('a'), VisibilityTimeout: 0 },
        { Id: 'b', ReceiptHandle: byBody.get('b'), VisibilityTimeout: 120 },
      ]);
      assert.deepEqual(out.Successful?.map((entry) => entry.Id).sort(), ['a', 'b']);
      assert.deepEqual(out.Failed ?? [], []);
      assert.deepEqual(await visible(QueueUrl, 0), ['a']);
      cloud.clock.advance(119);
      assert.deepEqual(await visible(QueueUrl, 0), ['a']);
      cloud.clock.advance(2);
      assert.deepEqual(await visible(QueueUrl, 0), ['a', 'b']);
    });

    test('returns TooManyEntriesInBatchRequest for 20 entries', async () => {
      const { QueueUrl, messages } = await received(['a']);
      const Entries = Array.from({ length: 20 }, (_, i) => ({
        Id: `m${i}`,
        ReceiptHandle: messages[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }));
      await assertSqsError(changeBatch(QueueUrl, Entries), {
        name: 'TooManyEntriesInBatchRequest',
        queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        status: 400,
        message: 'Maximum number of entries per request are 10. You have sent 20.',
      });
      assert.deepEqual(await visible(QueueUrl), []);
    });

    test('returns InvalidBatchEntryId for a malformed id', async () => {
      const { QueueUrl, messages } = await received(['a']);
      for (const Id of ['', 'x'.repeat(81), 'invalid:id']) {
        await assertSqsError(changeBatch(QueueUrl, [{ Id, ReceiptHandle: messages[0]?.ReceiptHandle }]), {
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
      const error = await rejection(changeBatch(QueueUrl, []));
      assert.equal(error.name, 'EmptyBatchRequest');
      assert.equal(error.Code, 'AWS.SimpleQueueService.EmptyBatchRequest');
      assert.equal(error.$metadata.httpStatusCode, 400);
    });

    test('returns BatchEntryIdsNotDistinct for a repeated id and changes nothing', async () => {
      const { QueueUrl, messages } = await received(['a', 'b']);
      await assertSqsError(
        changeBatch(QueueUrl, [
          { Id: 'dup', ReceiptHandle: messages[0]?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'dup', ReceiptHandle: messages[1]?.ReceiptHandle, VisibilityTimeout: 0 },
        ]),
        {
          name: 'BatchEntryIdsNotDistinct',
          queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
          status: 400,
          message: 'Id dup repeated.',
        },
      );
      assert.deepEqual(await visible(QueueUrl), []);
    });
  });
});
