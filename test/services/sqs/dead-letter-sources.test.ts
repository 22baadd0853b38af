import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteQueueCommand,
  ListDeadLetterSourceQueuesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

function redrive(target: string, maxReceiveCount = 50): Record<string, string> {
  return { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount }) };
}

describe('SQS ListDeadLetterSourceQueues', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const dlqArn = 'arn:aws:sqs:us-east-1:111111111111:orders-dlq';

  function sources(queueUrl: string, more: { MaxResults?: number; NextToken?: string } = {}) {
    return sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: queueUrl, ...more }));
  }

  describe('ListDeadLetterSourceQueues', () => {
    test('lists the queues whose RedrivePolicy targets the queue, in lowercase queueUrls', async () => {
      const dlq = await createQueue(sqs, 'orders-dlq');
      const first = await createQueue(sqs, 'orders-a', redrive(dlqArn));
      const second = await createQueue(sqs, 'orders-b', redrive(dlqArn));
      const output = await sources(dlq);
      assert.deepEqual([...(output.queueUrls ?? [])].sort(), [first, second]);
      assert.equal(output.NextToken, undefined);
      assert.deepEqual(Object.keys(output).sort(), ['$metadata', 'queueUrls']);
    });

    test('lists a source whose RedrivePolicy was set after creation', async () => {
      const dlq = await createQueue(sqs, 'orders-dlq');
      const source = await createQueue(sqs, 'orders');
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: source, Attributes: redrive(dlqArn, 3) }));
      assert.deepEqual((await sources(dlq)).queueUrls, [source]);
    });

    test('leaves out queues that target another dead-letter queue or none', async () => {
      const dlq = await createQueue(sqs, 'orders-dlq');
      await createQueue(sqs, 'billing-dlq');
      const mine = await createQueue(sqs, 'orders', redrive(dlqArn));
      await createQueue(sqs, 'billing', redrive('arn:aws:sqs:us-east-1:111111111111:billing-dlq'));
      await createQueue(sqs, 'plain');
      assert.deepEqual((await sources(dlq)).queueUrls, [mine]);
    });

    test('lists no source URL for a queue that no queue targets', async () => {
      const lonely = await createQueue(sqs, 'lonely');
      const output = await sources(lonely);
      assert.deepEqual(output.queueUrls ?? [], []);
      assert.equal(output.NextToken, undefined);
    });

    test('lists FIFO sources of a FIFO dead-letter queue', async () => {
      const dlq = await createQueue(sqs, 'orders-dlq.fifo', { FifoQueue: 'true' });
      const source = await createQueue(sqs, 'orders.fifo', {
        FifoQueue: 'true',
        ...redrive('arn:aws:sqs:us-east-1:111111111111:orders-dlq.fifo'),
      });
      assert.deepEqual((await sources(dlq)).queueUrls, [source]);
    });

    test('stops listing a source once it is deleted', async () => {
      const dlq = await createQueue(sqs, 'orders-dlq');
      const doomed = await createQueue(sqs, 'doomed', redrive(dlqArn));
      const kept = await createQueue(sqs, 'kept', redrive(dlqArn));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: doomed }));
      assert.deepEqual((await sources(dlq)).queueUrls, [kept]);
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      await assertSqsError(sources(`${cloud.endpoint}/111111111111/nobody`), {
        name: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        message: 'The specified queue does not exist.',
      });
    });
  });

  describe('ListDeadLetterSourceQueues pagination', () => {
    test('returns MaxResults URLs and a NextToken, then the rest without one', async () => {
      const dlq = await createQueue(sqs, 'orders-dlq');
      const urls: string[] = [];
      for (const name of ['source-1', 'source-2', 'source-3']) urls.push(await createQueue(sqs, name, redrive(dlqArn)));
      const first = await sources(dlq, { MaxResults: 2 });
      assert.equal(first.queueUrls?.length, 2);
      assert.equal(typeof first.NextToken, 'string');
      const rest = await sources(dlq, { MaxResults: 2, NextToken: first.NextToken });
      assert.equal(rest.queueUrls?.length, 1);
      assert.equal(rest.NextToken, undefined);
      assert.deepEqual([...(first.queueUrls ?? []), ...(rest.queueUrls ?? [])].sort(), urls);
    });
  });
});
