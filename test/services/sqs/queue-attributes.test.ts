import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GetQueueAttributesCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, rejection, sqsFor } from './sqs-helpers.js';

const standardDefaults = {
  ApproximateNumberOfMessages: '0',
  ApproximateNumberOfMessagesDelayed: '0',
  ApproximateNumberOfMessagesNotVisible: '0',
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
  VisibilityTimeout: '30',
};

const fifoDefaults = {
  ...standardDefaults,
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoQueue: 'true',
  FifoThroughputLimit: 'perQueue',
};

function nameError(message: string) {
  return { name: 'InvalidAttributeName', queryCode: 'InvalidAttributeName', status: 400, message };
}

function valueError(message: string) {
  return { name: 'InvalidAttributeValue', queryCode: 'InvalidAttributeValue', status: 400, message };
}

/** SDK v3 names an error that the JSON model lacks by its x-amzn-query-error code. */
function parameterError(message: string) {
  return { name: 'InvalidParameterValue', queryCode: 'InvalidParameterValue', status: 400, message };
}

describe('SQS queue attributes', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function attributes(url: string, names: string[] = ['All']): Promise<Record<string, string> | undefined> {
    const command = new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as QueueAttributeName[] });
    return (await sqs.send(command)).Attributes;
  }

  /** The attributes without the three that vary per queue and time. */
  function stable(all: Record<string, string> | undefined): Record<string, string> {
    const { CreatedTimestamp, LastModifiedTimestamp, QueueArn, ...rest } = all ?? {};
    assert.match(CreatedTimestamp ?? '', /^\d+$/);
    assert.match(LastModifiedTimestamp ?? '', /^\d+$/);
    assert.match(QueueArn ?? '', /^arn:aws:sqs:/);
    return rest;
  }

  function set(url: string, values: Record<string, string>) {
    return sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: values }));
  }

  describe('GetQueueAttributes', () => {
    test('returns the twelve attributes of a new standard queue for All', async () => {
      const url = await createQueue(sqs, 'orders');
      const all = await attributes(url);
      assert.equal(Object.keys(all ?? {}).length, 12);
      assert.deepEqual(stable(all), standardDefaults);
      assert.equal(all?.QueueArn, 'arn:aws:sqs:us-east-1:111111111111:orders');
    });

    test('returns the sixteen attributes of a new FIFO queue for All', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      const all = await attributes(url);
      assert.equal(Object.keys(all ?? {}).length, 16);
      assert.deepEqual(stable(all), fifoDefaults);
      assert.equal(all?.QueueArn, 'arn:aws:sqs:us-east-1:111111111111:orders.fifo');
    });

    test('returns only the attributes asked for', async () => {
      const url = await createQueue(sqs, 'orders');
      const some = await attributes(url, ['QueueArn', 'CreatedTimestamp', 'VisibilityTimeout']);
      assert.deepEqual(Object.keys(some ?? {}).sort(), ['CreatedTimestamp', 'QueueArn', 'VisibilityTimeout']);
      assert.equal(some?.VisibilityTimeout, '30');
    });

    test('omits asked attributes that are not set', async () => {
      const url = await createQueue(sqs, 'orders');
      await set(url, { SqsManagedSseEnabled: 'true' });
      const some = await attributes(url, ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);
      assert.deepEqual(some, { SqsManagedSseEnabled: 'true' });
    });

    test('reports the attributes given at creation', async () => {
      const given = { MessageRetentionPeriod: '604800', ReceiveMessageWaitTimeSeconds: '10', VisibilityTimeout: '20' };
      const url = await createQueue(sqs, 'orders', given);
      assert.deepEqual(stable(await attributes(url)), { ...standardDefaults, ...given });
    });

    test('gives CreatedTimestamp in epoch seconds of the Nimbus clock', async () => {
      cloud.clock.advance(86_400);
      const url = await createQueue(sqs, 'orders');
      const some = await attributes(url, ['CreatedTimestamp', 'LastModifiedTimestamp']);
      const now = cloud.clock.now() / 1000;
      assert.ok(Math.abs(Number(some?.CreatedTimestamp) - now) < 5);
      assert.equal(some?.LastModifiedTimestamp, some?.CreatedTimestamp);
    });

    test('counts visible, in-flight and delayed messages', async () => {
      const url = await createQueue(sqs, 'orders');
      for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
      const names = [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ];
      assert.deepEqual(await attributes(url, names), {
        ApproximateNumberOfMessages: '2',
        ApproximateNumberOfMessagesDelayed: '1',
        ApproximateNumberOfMessagesNotVisible: '1',
      });
    });

    test('returns InvalidAttributeName for an attribute that does not exist', async () => {
      const url = await createQueue(sqs, 'orders');
      const command = new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['Foobar' as QueueAttributeName],
      });
      await assertSqsError(sqs.send(command), nameError('Unknown Attribute Foobar.'));
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      const command = new GetQueueAttributesCommand({
        QueueUrl: `${cloud.endpoint}/111111111111/nobody`,
        AttributeNames: ['All'],
      });
      await assertSqsError(sqs.send(command), {
        name: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        message: 'The specified queue does not exist.',
      });
    });
  });

  describe('SetQueueAttributes', () => {
    test('answers an empty 200 and the new values show at once', async () => {
      const url = await createQueue(sqs, 'orders', { MessageRetentionPeriod: '604800' });
      const output = await set(url, { MaximumMessageSize: '2048', VisibilityTimeout: '69', DelaySeconds: '420' });
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(stable(await attributes(url)), {
        ...standardDefaults,
        DelaySeconds: '420',
        MaximumMessageSize: '2048',
        MessageRetentionPeriod: '604800',
        VisibilityTimeout: '69',
      });
    });

    test('moves LastModifiedTimestamp to the Nimbus clock and keeps CreatedTimestamp', async () => {
      const url = await createQueue(sqs, 'orders');
      const before = await attributes(url, ['CreatedTimestamp', 'LastModifiedTimestamp']);
      cloud.clock.advance(3_600);
      await set(url, { VisibilityTimeout: '60' });
      const after = await attributes(url, ['CreatedTimestamp', 'LastModifiedTimestamp']);
      assert.equal(after?.CreatedTimestamp, before?.CreatedTimestamp);
      assert.ok(Number(after?.LastModifiedTimestamp) - Number(before?.LastModifiedTimestamp) >= 3_599);
    });

    test('returns InvalidAttributeName for FifoQueue on a standard queue', async () => {
      const url = await createQueue(sqs, 'orders');
      for (const value of ['true', 'false']) {
        await assertSqsError(set(url, { FifoQueue: value }), nameError('Unknown Attribute FifoQueue.'));
      }
    });

    test('accepts FifoQueue=true on a FIFO queue as a no-op', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await set(url, { FifoQueue: 'true' });
      assert.equal((await attributes(url, ['FifoQueue']))?.FifoQueue, 'true');
    });

    test('returns InvalidAttributeValue for FifoQueue=false on a FIFO queue', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await assertSqsError(
        set(url, { FifoQueue: 'false' }),
        valueError('Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.'),
      );
    });

    test('changes ContentBasedDeduplication of a FIFO queue', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
      assert.deepEqual(stable(await attributes(url)), { ...fifoDefaults, ContentBasedDeduplication: 'true' });
      await set(url, { ContentBasedDeduplication: 'false' });
      assert.deepEqual(stable(await attributes(url)), fifoDefaults);
    });

    test('switches a FIFO queue to high throughput and back', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await set(url, { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
      assert.deepEqual(stable(await attributes(url)), {
        ...fifoDefaults,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      await set(url, { DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' });
      assert.deepEqual(stable(await attributes(url)), fifoDefaults);
    });

    test('stores a Policy and removes it when set to an empty string', async () => {
      const url = await createQueue(sqs, 'orders');
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: '*' }],
      };
      await set(url, { Policy: JSON.stringify(policy) });
      const stored = JSON.parse((await attributes(url, ['Policy']))?.Policy ?? '{}');
      assert.equal(stored.Statement[0].Action, 'sqs:SendMessage');
      await set(url, { Policy: '' });
      assert.equal((await attributes(url))?.Policy, undefined);
      assert.equal(Object.keys((await attributes(url)) ?? {}).length, 12);
    });

    test('accepts SSE-KMS with any key id and turns SQS-managed SSE off', async () => {
      const url = await createQueue(sqs, 'orders');
      await set(url, {
        KmsMasterKeyId: 'testKeyId',
        KmsDataKeyReusePeriodSeconds: '6000',
        SqsManagedSseEnabled: 'false',
      });
      const sse = await attributes(url, ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);
      assert.deepEqual(sse, {
        KmsDataKeyReusePeriodSeconds: '6000',
        KmsMasterKeyId: 'testKeyId',
        SqsManagedSseEnabled: 'false',
      });
      assert.deepEqual(stable(await attributes(url)), {
        ...standardDefaults,
        KmsDataKeyReusePeriodSeconds: '6000',
        KmsMasterKeyId: 'testKeyId',
        SqsManagedSseEnabled: 'false',
      });
    });

    test('returns InvalidAttributeName for KMS and SQS-managed SSE together', async () => {
      const url = await createQueue(sqs, 'orders');
      await assertSqsError(
        set(url, { KmsMasterKeyId: 'testKeyId', SqsManagedSseEnabled: 'true' }),
        nameError(
          'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
        ),
      );
    });

    test('returns InvalidAttributeValue for a VisibilityTimeout out of range', async () => {
      const url = await createQueue(sqs, 'orders');
      await assertSqsError(
        set(url, { VisibilityTimeout: '43201' }),
        valueError('Invalid value for the parameter VisibilityTimeout.'),
      );
      assert.equal((await attributes(url, ['VisibilityTimeout']))?.VisibilityTimeout, '30');
    });

    test('accepts the bounds of each numeric attribute', async () => {
      const url = await createQueue(sqs, 'orders');
      const bounds: [string, string, string][] = [
        ['DelaySeconds', '0', '900'],
        ['MaximumMessageSize', '1024', '1048576'],
        ['MessageRetentionPeriod', '60', '1209600'],
        ['ReceiveMessageWaitTimeSeconds', '0', '20'],
        ['VisibilityTimeout', '0', '43200'],
      ];
      for (const [name, low, high] of bounds) {
        for (const value of [low, high]) {
          await set(url, { [name]: value });
          assert.equal((await attributes(url, [name]))?.[name], value, name);
        }
      }
    });

    test('returns InvalidAttributeValue for numeric attributes outside their range', async () => {
      const url = await createQueue(sqs, 'orders');
      const outside: [string, string][] = [
        ['DelaySeconds', '901'],
        ['MaximumMessageSize', '1023'],
        ['MaximumMessageSize', '1048577'],
        ['MessageRetentionPeriod', '59'],
        ['MessageRetentionPeriod', '1209601'],
        ['ReceiveMessageWaitTimeSeconds', '21'],
        ['VisibilityTimeout', '-1'],
      ];
      for (const [name, value] of outside) {
        const error = await rejection(set(url, { [name]: value }));
        assert.equal(error.name, 'InvalidAttributeValue', `${name}=${value}`);
        assert.equal(error.Code, 'InvalidAttributeValue');
        assert.equal(error.$metadata.httpStatusCode, 400);
      }
    });

    test('returns InvalidAttributeName for an attribute that does not exist', async () => {
      const url = await createQueue(sqs, 'orders');
      await assertSqsError(set(url, { Foobar: '1' }), nameError('Unknown Attribute Foobar.'));
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      await assertSqsError(set(`${cloud.endpoint}/111111111111/nobody`, { VisibilityTimeout: '10' }), {
        name: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        message: 'The specified queue does not exist.',
      });
    });
  });

  describe('SetQueueAttributes RedrivePolicy', () => {
    test('accepts a policy whose maxReceiveCount is a string', async () => {
      await createQueue(sqs, 'orders-dlq');
      const url = await createQueue(sqs, 'orders');
      const policy = JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:111111111111:orders-dlq',
        maxReceiveCount: '42',
      });
      const output = await set(url, { RedrivePolicy: policy });
      assert.equal(output.$metadata.httpStatusCode, 200);
      const stored = JSON.parse((await attributes(url, ['RedrivePolicy']))?.RedrivePolicy ?? '{}');
      assert.equal(stored.deadLetterTargetArn, 'arn:aws:sqs:us-east-1:111111111111:orders-dlq');
    });

    test('accepts an empty RedrivePolicy', async () => {
      const url = await createQueue(sqs, 'orders');
      const output = await set(url, { RedrivePolicy: '' });
      assert.equal(output.$metadata.httpStatusCode, 200);
    });

    test('returns InvalidParameterValue echoing a policy whose target queue does not exist', async () => {
      const url = await createQueue(sqs, 'orders');
      const policy = '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:111111111111:missing", "maxReceiveCount": 5}';
      await assertSqsError(
        set(url, { RedrivePolicy: policy }),
        parameterError(
          `Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
        ),
      );
    });

    test('returns InvalidParameterValue for a policy without target or with a count that is not a number', async () => {
      await createQueue(sqs, 'orders-dlq');
      const url = await createQueue(sqs, 'orders');
      const target = 'arn:aws:sqs:us-east-1:111111111111:orders-dlq';
      for (const policy of [
        { maxReceiveCount: '42' },
        { deadLetterTargetArn: target },
        { deadLetterTargetArn: target, maxReceiveCount: 'invalid' },
      ]) {
        const error = await rejection(set(url, { RedrivePolicy: JSON.stringify(policy) }));
        assert.equal(error.name, 'InvalidParameterValue', JSON.stringify(policy));
        assert.equal(error.Code, 'InvalidParameterValue');
        assert.equal(error.$metadata.httpStatusCode, 400);
      }
    });
  });
});
