import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const attrs = { k: { DataType: 'String', StringValue: 'x' } };

describe('SendMessageBatch', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const sendBatch = (QueueUrl: string, Entries: SendMessageBatchRequestEntry[]) =>
    sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
  const receiveAll = async (QueueUrl: string) => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    return (Messages ?? []).map((message) => message.Body).sort();
  };

  test('returns one Successful entry per message, with MD5OfMessageAttributes only where attributes were sent', async () => {
    // Entry 1 is exactly MaximumMessageSize: 2040 body bytes and 8 attribute bytes.
    const QueueUrl = await createQueue(sqs, 'q', { MaximumMessageSize: '2048' });
    const out = await sendBatch(QueueUrl, [
      { Id: '1', MessageBody: 'a'.repeat(2040), MessageAttributes: attrs },
      { Id: '2', MessageBody: 'a' },
    ]);
    assert.deepEqual(out.Failed ?? [], []);
    assert.deepEqual(
      out.Successful?.map(({ MessageId, ...rest }) => {
        assert.ok(MessageId);
        return rest;
      }),
      [
        {
          Id: '1',
          MD5OfMessageAttributes: 'a45daa70926828a2f0a1db3418e6feb4',
          MD5OfMessageBody: 'f44facf5a7ee0af446ecf3e0f854441e',
        },
        { Id: '2', MD5OfMessageBody: '0cc175b9c0f1b6a831c399e269772661' },
      ],
    );
    assert.deepEqual(await receiveAll(QueueUrl), ['a', 'a'.repeat(2040)]);
  });

  test('fails only the entry over MaximumMessageSize, saying it cannot be validated', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { MaximumMessageSize: '1024' });
    const out = await sendBatch(QueueUrl, [
      { Id: 'big', MessageBody: 'a'.repeat(1025) },
      { Id: 'small', MessageBody: 'small' },
    ]);
    assert.deepEqual(out.Failed, [
      {
        Id: 'big',
        Code: 'InvalidParameterValue',
        Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
        SenderFault: true,
      },
    ]);
    assert.deepEqual(
      out.Successful?.map((entry) => entry.Id),
      ['small'],
    );
    assert.deepEqual(await receiveAll(QueueUrl), ['small']);
  });

  test('accepts an entry of exactly MaximumMessageSize', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { MaximumMessageSize: '2048' });
    const out = await sendBatch(QueueUrl, [{ Id: 'exact', MessageBody: 'a'.repeat(2048) }]);
    assert.deepEqual(out.Failed ?? [], []);
    assert.equal(out.Successful?.length, 1);
  });

  test('fails the entry whose body has a character that is not allowed and delivers the others', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `message ${i}` }));
    Entries[3] = { Id: 'm3', MessageBody: 'bad \u0000 body' };
    const out = await sendBatch(QueueUrl, Entries);
    assert.equal(out.Successful?.length, 9);
    assert.equal(out.Failed?.length, 1);
    assert.equal(out.Failed?.[0]?.Id, 'm3');
    assert.equal(out.Failed?.[0]?.Code, 'InvalidMessageContents');
    assert.equal(out.Failed?.[0]?.SenderFault, true);
    const first = await receiveAll(QueueUrl);
    assert.ok(!first.includes('bad \u0000 body'));
  });

  test('returns BatchRequestTooLong when the entries together pass 1 MiB', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await assertSqsError(
      sendBatch(QueueUrl, [
        { Id: '1', MessageBody: 'a'.repeat(1_048_576 - 8), MessageAttributes: attrs },
        { Id: '2', MessageBody: 'a' },
      ]),
      {
        name: 'BatchRequestTooLong',
        queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong',
        status: 400,
        message: 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.',
      },
    );
    assert.deepEqual(await receiveAll(QueueUrl), []);
  });

  test('returns TooManyEntriesInBatchRequest for 20 entries', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const Entries = Array.from({ length: 20 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    await assertSqsError(sendBatch(QueueUrl, Entries), {
      name: 'TooManyEntriesInBatchRequest',
      queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      status: 400,
      message: 'Maximum number of entries per request are 10. You have sent 20.',
    });
  });

  test('returns EmptyBatchRequest for no entries', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await assertSqsError(sendBatch(QueueUrl, []), {
      name: 'EmptyBatchRequest',
      queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest',
      status: 400,
      message: 'There should be at least one SendMessageBatchRequestEntry in the request.',
    });
  });

  test('returns InvalidBatchEntryId for an empty, overlong or colon-bearing id, and sends nothing', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    for (const Id of ['', 'testLongId'.repeat(10), 'invalid:id']) {
      await assertSqsError(
        sendBatch(QueueUrl, [
          { Id: 'fine', MessageBody: 'x' },
          { Id, MessageBody: 'y' },
        ]),
        {
          name: 'InvalidBatchEntryId',
          queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId',
          status: 400,
          message:
            'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        },
      );
    }
    assert.deepEqual(await receiveAll(QueueUrl), []);
  });

  test('accepts an id of exactly 80 characters', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const Id = 'a-_'.repeat(26) + 'zz';
    const out = await sendBatch(QueueUrl, [{ Id, MessageBody: 'x' }]);
    assert.equal(out.Successful?.[0]?.Id, Id);
  });

  test('returns BatchEntryIdsNotDistinct for a repeated id, and sends nothing', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await assertSqsError(
      sendBatch(QueueUrl, [
        { Id: 'same', MessageBody: 'x' },
        { Id: 'same', MessageBody: 'y' },
      ]),
      {
        name: 'BatchEntryIdsNotDistinct',
        queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        status: 400,
        message: 'Id same repeated.',
      },
    );
    assert.deepEqual(await receiveAll(QueueUrl), []);
  });

  test('fails the whole request with InvalidParameterValue when a FIFO entry has no MessageGroupId', async () => {
    const QueueUrl = await createQueue(sqs, 'q.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await assertSqsError(
      sendBatch(QueueUrl, [
        { Id: '1', MessageBody: 'x', MessageGroupId: 'g' },
        { Id: '2', MessageBody: 'y' },
      ]),
      {
        name: 'InvalidParameterValue',
        queryCode: 'InvalidParameterValue',
        status: 400,
        message: 'The request must contain the parameter MessageGroupId.',
      },
    );
    assert.deepEqual(await receiveAll(QueueUrl), []);
  });

  test('fails the whole request when a FIFO entry has no deduplication id and the queue no content-based deduplication', async () => {
    const QueueUrl = await createQueue(sqs, 'q.fifo', { FifoQueue: 'true' });
    await assertSqsError(
      sendBatch(QueueUrl, [
        { Id: '1', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' },
        { Id: '2', MessageBody: 'y', MessageGroupId: 'g' },
      ]),
      {
        name: 'InvalidParameterValue',
        queryCode: 'InvalidParameterValue',
        status: 400,
        message:
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      },
    );
    assert.deepEqual(await receiveAll(QueueUrl), []);
  });

  test('gives each FIFO entry a growing SequenceNumber and keeps the batch order within a group', async () => {
    const QueueUrl = await createQueue(sqs, 'q.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const out = await sendBatch(
      QueueUrl,
      ['first', 'second', 'third'].map((body) => ({ Id: body, MessageBody: body, MessageGroupId: 'g' })),
    );
    const numbers = out.Successful?.map((entry) => BigInt(entry.SequenceNumber ?? '0')) ?? [];
    assert.equal(numbers.length, 3);
    assert.ok((numbers[0] as bigint) > 0n && (numbers[0] as bigint) < (numbers[1] as bigint));
    assert.ok((numbers[1] as bigint) < (numbers[2] as bigint));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      Messages?.map((message) => message.Body),
      ['first', 'second', 'third'],
    );
  });

  test('delays only the entry that asks for it on a standard queue', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await sendBatch(QueueUrl, [
      { Id: 'now', MessageBody: 'now' },
      { Id: 'later', MessageBody: 'later', DelaySeconds: 60 },
    ]);
    assert.deepEqual(await receiveAll(QueueUrl), ['now']);
    cloud.clock.advance(61);
    assert.deepEqual(await receiveAll(QueueUrl), ['later']);
  });
});
