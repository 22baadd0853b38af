import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const queueDoesNotExist = {
  name: 'QueueDoesNotExist',
  queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
  status: 400,
  message: 'The specified queue does not exist.',
};

const deletedRecently = {
  name: 'QueueDeletedRecently',
  queryCode: 'AWS.SimpleQueueService.QueueDeletedRecently',
  status: 400,
  message: 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
};

describe('SQS DeleteQueue', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('DeleteQueue', () => {
    test('answers an empty 200 and the queue is gone', async () => {
      const url = await createQueue(sqs, 'orders');
      const output = await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(Object.keys(output), ['$metadata']);
      await assertSqsError(sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' })), queueDoesNotExist);
    });

    test('returns QueueDoesNotExist for later calls on the deleted URL', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'pending' }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      await assertSqsError(
        sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
        queueDoesNotExist,
      );
      await assertSqsError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), queueDoesNotExist);
      await assertSqsError(sqs.send(new ReceiveMessageCommand({ QueueUrl: url })), queueDoesNotExist);
    });

    test('returns QueueDoesNotExist when deleting the same queue twice', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      await assertSqsError(sqs.send(new DeleteQueueCommand({ QueueUrl: url })), queueDoesNotExist);
    });

    test('returns QueueDoesNotExist for a queue that was never created', async () => {
      const url = `${cloud.endpoint}/111111111111/nobody`;
      await assertSqsError(sqs.send(new DeleteQueueCommand({ QueueUrl: url })), queueDoesNotExist);
    });

    test('removes the queue from ListQueues and leaves the other queues alone', async () => {
      const doomed = await createQueue(sqs, 'doomed');
      const kept = await createQueue(sqs, 'kept');
      await sqs.send(new SendMessageCommand({ QueueUrl: kept, MessageBody: 'still here' }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: doomed }));
      const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
      assert.deepEqual(QueueUrls, [kept]);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: kept }));
      assert.equal(Messages?.[0]?.Body, 'still here');
    });

    test('deletes only the queue of the region the client names', async () => {
      const central = sqsFor(cloud, '111111111111', 'eu-central-1');
      const eastUrl = await createQueue(sqs, 'orders');
      const centralUrl = await createQueue(central, 'orders');
      await central.send(new DeleteQueueCommand({ QueueUrl: centralUrl }));
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
      assert.equal(QueueUrl, eastUrl);
      await assertSqsError(central.send(new GetQueueUrlCommand({ QueueName: 'orders' })), queueDoesNotExist);
    });
  });

  describe('DeleteQueue and the name afterwards', () => {
    test('returns QueueDeletedRecently for the name until 60 seconds have passed', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      await assertSqsError(sqs.send(new CreateQueueCommand({ QueueName: 'orders' })), deletedRecently);
      cloud.clock.advance(30);
      await assertSqsError(sqs.send(new CreateQueueCommand({ QueueName: 'orders' })), deletedRecently);
    });

    test('blocks the FIFO name too, whatever attributes the new request gives', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      const command = new CreateQueueCommand({
        QueueName: 'orders.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      });
      await assertSqsError(sqs.send(command), deletedRecently);
    });

    test('frees the name after 60 seconds for a new, empty queue with default attributes', async () => {
      const url = await createQueue(sqs, 'orders', { VisibilityTimeout: '69' });
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      cloud.clock.advance(61);
      assert.equal(await createQueue(sqs, 'orders'), url);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['VisibilityTimeout', 'ApproximateNumberOfMessages'],
        }),
      );
      assert.deepEqual(Attributes, { ApproximateNumberOfMessages: '0', VisibilityTimeout: '30' });
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
      assert.equal(Messages, undefined);
    });

    test('does not block the name in another account', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      const other = await createQueue(sqsFor(cloud, '222222222222'), 'orders');
      assert.equal(other, `${cloud.endpoint}/222222222222/orders`);
    });
  });
});
