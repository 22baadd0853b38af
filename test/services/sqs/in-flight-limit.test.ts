import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

/** A FIFO queue may have 20,000 messages in flight (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html). */
const fifoLimit = 20_000;

/** Runs `count` calls of `work`, 16 at a time. */
async function inParallel<T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return out;
}

describe('the in-flight message limit', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());

  test('refuses a receive at 20,000 FIFO messages in flight, and serves again once one is deleted or they expire', async () => {
    const QueueUrl = await createQueue(sqs, 'limit.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    const sendGroup = (group: string, count: number) =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: count }, (_, i) => ({
            Id: `e${i}`,
            MessageBody: `${group}-${i}`,
            MessageGroupId: group,
          })),
        }),
      );
    await inParallel(fifoLimit / 10, (i) => sendGroup(`g${i}`, 10));
    await sendGroup('late', 2);
    const receive = () => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));

    // Every receive takes one group's ten, so 2,000 receives put 20,000 in flight.
    const taken = await inParallel(fifoLimit / 10, async () => (await receive()).Messages ?? []);
    assert.equal(taken.flat().length, fifoLimit);
    const overLimit = {
      name: 'OverLimit',
      queryCode: 'OverLimit',
      status: 403,
      message: 'Too many messages in flight. The maximum number of in-flight messages for a FIFO queue is 20000.',
    };
    await assertSqsError(receive(), overLimit);

    const first = taken.flat().find((message) => message.Body === 'g0-0') as Message;
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
    const late = await receive();
    assert.deepEqual(
      late.Messages?.map((message) => message.Body),
      ['late-0', 'late-1'],
    );
    await assertSqsError(receive(), overLimit);

    cloud.clock.advance(31);
    const again = await receive();
    assert.deepEqual(
      again.Messages?.map((message) => message.Body),
      [...Array.from({ length: 9 }, (_, i) => `g0-${i + 1}`), 'g1-0'],
    );
  });
});
