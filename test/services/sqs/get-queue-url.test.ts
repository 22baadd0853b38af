import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddPermissionCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
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

describe('SQS GetQueueUrl', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('GetQueueUrl', () => {
    test('returns the URL CreateQueue returned', async () => {
      const url = await createQueue(sqs, 'orders');
      const output = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
      assert.equal(output.QueueUrl, url);
      assert.equal(output.QueueUrl, `${cloud.endpoint}/111111111111/orders`);
    });

    test('returns the URL of a FIFO queue with its .fifo suffix', async () => {
      await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders.fifo' }));
      assert.equal(QueueUrl, `${cloud.endpoint}/111111111111/orders.fifo`);
    });

    test('returns QueueDoesNotExist for a name that was never created', async () => {
      await assertSqsError(sqs.send(new GetQueueUrlCommand({ QueueName: 'nobody' })), queueDoesNotExist);
    });

    test('returns QueueDoesNotExist for a deleted queue', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      await assertSqsError(sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' })), queueDoesNotExist);
    });

    test('returns QueueDoesNotExist for the name in another case', async () => {
      await createQueue(sqs, 'orders');
      await assertSqsError(sqs.send(new GetQueueUrlCommand({ QueueName: 'Orders' })), queueDoesNotExist);
    });

    test("returns QueueDoesNotExist for another account's queue without QueueOwnerAWSAccountId", async () => {
      await createQueue(sqsFor(cloud, '222222222222'), 'orders');
      await assertSqsError(sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' })), queueDoesNotExist);
    });

    test("returns another account's queue URL for QueueOwnerAWSAccountId", async () => {
      const owner = sqsFor(cloud, '222222222222');
      const url = await createQueue(owner, 'orders');
      await owner.send(
        new AddPermissionCommand({
          QueueUrl: url,
          Label: 'lookup',
          AWSAccountIds: ['111111111111'],
          Actions: ['GetQueueUrl'],
        }),
      );
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: 'orders', QueueOwnerAWSAccountId: '222222222222' }),
      );
      assert.equal(QueueUrl, `${cloud.endpoint}/222222222222/orders`);
    });

    test('returns QueueDoesNotExist for QueueOwnerAWSAccountId of an account without that queue', async () => {
      await createQueue(sqs, 'orders');
      const command = new GetQueueUrlCommand({ QueueName: 'orders', QueueOwnerAWSAccountId: '333333333333' });
      await assertSqsError(sqs.send(command), queueDoesNotExist);
    });

    test('finds in each region the queue of that region', async () => {
      const east = sqsFor(cloud, '111111111111', 'us-east-1');
      const central = sqsFor(cloud, '111111111111', 'eu-central-1');
      await createQueue(east, 'orders');
      await createQueue(central, 'orders');
      for (const [client, region] of [
        [east, 'us-east-1'],
        [central, 'eu-central-1'],
      ] as const) {
        const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
        const { Attributes } = await client.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        assert.equal(Attributes?.QueueArn, `arn:aws:sqs:${region}:111111111111:orders`);
      }
    });

    test('returns QueueDoesNotExist in a region where the name has no queue', async () => {
      await createQueue(sqs, 'orders');
      const west = sqsFor(cloud, '111111111111', 'us-west-2');
      await assertSqsError(west.send(new GetQueueUrlCommand({ QueueName: 'orders' })), queueDoesNotExist);
    });
  });
});
