import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueueTagsCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, rejection, sqsFor } from './sqs-helpers.js';

const nameRule = 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';
const fifoNameRule =
  'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.';

function invalidName(message: string) {
  // SDK v3 names an error that the JSON model lacks by its x-amzn-query-error code.
  return { name: 'InvalidParameterValue', queryCode: 'InvalidParameterValue', status: 400, message };
}

function unknownAttribute(message: string) {
  return { name: 'InvalidAttributeName', queryCode: 'InvalidAttributeName', status: 400, message };
}

function alreadyExists(attribute: string) {
  return {
    name: 'QueueNameExists',
    queryCode: 'QueueAlreadyExists',
    status: 400,
    message: `A queue already exists with the same name and a different value for attribute ${attribute}`,
  };
}

describe('SQS CreateQueue', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateQueue', () => {
    test('returns the URL of a new standard queue under the caller account', async () => {
      const output = await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
      assert.equal(output.QueueUrl, `${cloud.endpoint}/111111111111/orders`);
      assert.equal(output.$metadata.httpStatusCode, 200);
    });

    test('creates the queue in the account a 12-digit access key id names', async () => {
      const other = sqsFor(cloud, '222222222222');
      const url = await createQueue(other, 'orders');
      assert.equal(url, `${cloud.endpoint}/222222222222/orders`);
      const { Attributes } = await other.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      assert.equal(Attributes?.QueueArn, 'arn:aws:sqs:us-east-1:222222222222:orders');
    });

    test('keeps the .fifo suffix in the URL of a FIFO queue', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      assert.equal(url, `${cloud.endpoint}/111111111111/orders.fifo`);
    });

    test('accepts names of 80 characters, the .fifo suffix counted', async () => {
      const standard = 'a'.repeat(80);
      const fifo = `${'b'.repeat(75)}.fifo`;
      assert.equal(await createQueue(sqs, standard), `${cloud.endpoint}/111111111111/${standard}`);
      assert.equal(await createQueue(sqs, fifo, { FifoQueue: 'true' }), `${cloud.endpoint}/111111111111/${fifo}`);
    });

    test('treats names as case-sensitive', async () => {
      const lower = await createQueue(sqs, 'orders');
      const upper = await createQueue(sqs, 'Orders');
      assert.notEqual(lower, upper);
      assert.equal(upper, `${cloud.endpoint}/111111111111/Orders`);
    });

    test('returns InvalidParameterValue for a standard queue named with a .fifo suffix', async () => {
      await assertSqsError(sqs.send(new CreateQueueCommand({ QueueName: 'messages.fifo' })), invalidName(nameRule));
    });

    test('returns InvalidParameterValue for a standard name longer than 80 characters', async () => {
      await assertSqsError(sqs.send(new CreateQueueCommand({ QueueName: 'a'.repeat(81) })), invalidName(nameRule));
    });

    test('returns InvalidParameterValue for a name with characters other than alphanumerics, - and _', async () => {
      await assertSqsError(sqs.send(new CreateQueueCommand({ QueueName: 'orders.eu' })), invalidName(nameRule));
    });

    test('returns InvalidParameterValue for a name with slashes', async () => {
      const error = await rejection(sqs.send(new CreateQueueCommand({ QueueName: 'queue/abc/' })));
      assert.equal(error.name, 'InvalidParameterValue');
      assert.equal(error.Code, 'InvalidParameterValue');
      assert.equal(error.$metadata.httpStatusCode, 400);
    });

    test('returns InvalidParameterValue for a FIFO queue whose name lacks the .fifo suffix', async () => {
      const command = new CreateQueueCommand({ QueueName: 'orders', Attributes: { FifoQueue: 'true' } });
      await assertSqsError(sqs.send(command), invalidName(fifoNameRule));
    });

    test('returns InvalidParameterValue for a FIFO name longer than 80 characters with its suffix', async () => {
      const command = new CreateQueueCommand({
        QueueName: `${'a'.repeat(76)}.fifo`,
        Attributes: { FifoQueue: 'true' },
      });
      await assertSqsError(sqs.send(command), invalidName(fifoNameRule));
    });

    test('stores the tags given at creation', async () => {
      const tags = { tag1: 'value1', tag2: 'value2' };
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'tagged', tags }))).QueueUrl;
      const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
      assert.deepEqual(Tags, tags);
    });

    test('returns QueueDeletedRecently for a name deleted less than 60 seconds ago', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      cloud.clock.advance(59);
      await assertSqsError(sqs.send(new CreateQueueCommand({ QueueName: 'orders' })), {
        name: 'QueueDeletedRecently',
        queryCode: 'AWS.SimpleQueueService.QueueDeletedRecently',
        status: 400,
        message: 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      });
    });
  });

  describe('CreateQueue attributes', () => {
    test('returns InvalidAttributeName for an attribute that does not exist', async () => {
      const command = new CreateQueueCommand({ QueueName: 'orders', Attributes: { Foobar: '1' } as never });
      await assertSqsError(sqs.send(command), unknownAttribute('Unknown Attribute Foobar.'));
    });

    test('returns InvalidAttributeName for FifoQueue=false on a standard name', async () => {
      const command = new CreateQueueCommand({ QueueName: 'orders', Attributes: { FifoQueue: 'false' } });
      await assertSqsError(sqs.send(command), unknownAttribute('Unknown Attribute FifoQueue.'));
    });

    test('returns InvalidAttributeName for ContentBasedDeduplication on a standard queue', async () => {
      const command = new CreateQueueCommand({
        QueueName: 'orders',
        Attributes: { ContentBasedDeduplication: 'true' },
      });
      await assertSqsError(sqs.send(command), unknownAttribute('Unknown Attribute ContentBasedDeduplication.'));
    });

    test('returns InvalidAttributeName for DeduplicationScope and FifoThroughputLimit on a standard queue', async () => {
      const scope = new CreateQueueCommand({ QueueName: 'orders', Attributes: { DeduplicationScope: 'messageGroup' } });
      await assertSqsError(
        sqs.send(scope),
        unknownAttribute('You can specify the DeduplicationScope only when FifoQueue is set to true.'),
      );
      const limit = new CreateQueueCommand({
        QueueName: 'orders',
        Attributes: { FifoThroughputLimit: 'perMessageGroupId' },
      });
      await assertSqsError(
        sqs.send(limit),
        unknownAttribute('You can specify the FifoThroughputLimit only when FifoQueue is set to true.'),
      );
    });

    test('returns InvalidAttributeValue for a VisibilityTimeout out of range', async () => {
      const command = new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '43201' } });
      await assertSqsError(sqs.send(command), {
        name: 'InvalidAttributeValue',
        queryCode: 'InvalidAttributeValue',
        status: 400,
        message: 'Invalid value for the parameter VisibilityTimeout.',
      });
    });

    test('returns InvalidParameterValue echoing a RedrivePolicy whose target is not an ARN', async () => {
      const policy = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}';
      const command = new CreateQueueCommand({ QueueName: 'orders', Attributes: { RedrivePolicy: policy } });
      await assertSqsError(
        sqs.send(command),
        invalidName(
          `Value ${policy} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`,
        ),
      );
    });
  });

  describe('CreateQueue on an existing name', () => {
    test('returns the same URL when called again without attributes', async () => {
      const url = await createQueue(sqs, 'orders', { VisibilityTimeout: '69', ReceiveMessageWaitTimeSeconds: '1' });
      assert.equal(await createQueue(sqs, 'orders'), url);
    });

    test('returns the same URL when called again with the same attributes', async () => {
      const url = await createQueue(sqs, 'orders', { VisibilityTimeout: '69' });
      assert.equal(await createQueue(sqs, 'orders', { VisibilityTimeout: '69' }), url);
      const fifo = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      assert.equal(await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' }), fifo);
    });

    test('returns the same URL for a subset of the attributes at equal values', async () => {
      const url = await createQueue(sqs, 'orders', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' });
      assert.equal(await createQueue(sqs, 'orders', { DelaySeconds: '1' }), url);
    });

    test('returns QueueNameExists naming the attribute whose value differs', async () => {
      await createQueue(sqs, 'orders', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' });
      const command = new CreateQueueCommand({
        QueueName: 'orders',
        Attributes: { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' },
      });
      await assertSqsError(sqs.send(command), alreadyExists('DelaySeconds'));
    });

    test('compares with the current attributes, not those given at creation', async () => {
      const url = await createQueue(sqs, 'orders', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' });
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '2' } }));
      assert.equal(await createQueue(sqs, 'orders', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' }), url);
      const original = new CreateQueueCommand({
        QueueName: 'orders',
        Attributes: { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' },
      });
      await assertSqsError(sqs.send(original), alreadyExists('DelaySeconds'));
    });

    test('returns QueueNameExists for a FIFO queue with another ContentBasedDeduplication', async () => {
      await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
      const command = new CreateQueueCommand({
        QueueName: 'orders.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
      });
      await assertSqsError(sqs.send(command), alreadyExists('ContentBasedDeduplication'));
    });

    test('is not affected by messages in the queue', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'foobar-1', DelaySeconds: 1 }));
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'foobar-2' }));
      assert.equal(await createQueue(sqs, 'orders'), url);
    });
  });
});
