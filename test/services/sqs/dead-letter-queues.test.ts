import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const traceHeader = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

describe('Dead-letter queues', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const arnOf = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return Attributes?.QueueArn as string;
  };
  /** A source queue whose messages move to a new dead-letter queue after `maxReceiveCount` receives. */
  const pair = async (maxReceiveCount: number, options: { fifo?: boolean; source?: Record<string, string> } = {}) => {
    const suffix = options.fifo ? '.fifo' : '';
    const fifo: Record<string, string> = options.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
    const dlqUrl = await createQueue(sqs, `dlq${suffix}`, fifo);
    const dlqArn = await arnOf(dlqUrl);
    const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount });
    const sourceUrl = await createQueue(sqs, `source${suffix}`, {
      ...fifo,
      VisibilityTimeout: '0',
      RedrivePolicy,
      ...options.source,
    });
    return { sourceUrl, dlqUrl, sourceArn: await arnOf(sourceUrl) };
  };
  const receive = async (QueueUrl: string, input: Partial<ReceiveMessageCommandInput> = {}): Promise<Message[]> => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, ...input }));
    return Messages ?? [];
  };

  test('moves a message received maxReceiveCount times on the next receive', async () => {
    const { sourceUrl, dlqUrl } = await pair(1);
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'poison' }));
    assert.equal((await receive(sourceUrl)).length, 1);
    assert.equal((await receive(sourceUrl)).length, 0);
    const moved = await receive(dlqUrl);
    assert.equal(moved[0]?.Body, 'poison');
  });

  test('returns the message maxReceiveCount times before moving it', async () => {
    const { sourceUrl, dlqUrl } = await pair(2);
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'twice' }));
    assert.equal((await receive(sourceUrl)).length, 1);
    assert.equal((await receive(sourceUrl)).length, 1);
    assert.equal((await receive(sourceUrl)).length, 0);
    assert.equal((await receive(dlqUrl))[0]?.Body, 'twice');
  });

  test('keeps the id, body, attributes, their MD5 and the trace header, adds the source ARN and keeps counting receives', async () => {
    const { sourceUrl, dlqUrl, sourceArn } = await pair(1);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: sourceUrl,
        MessageBody: 'message-1',
        MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'message-2' }));
    const everything: Partial<ReceiveMessageCommandInput> = {
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    };
    const before = await receive(sourceUrl, { ...everything, MaxNumberOfMessages: 10, VisibilityTimeout: 5 });
    assert.equal(before.length, 2);
    cloud.clock.advance(6);
    assert.equal((await receive(sourceUrl, { MaxNumberOfMessages: 10 })).length, 0);
    const moved = await receive(dlqUrl, { ...everything, MaxNumberOfMessages: 10 });
    assert.equal(moved.length, 2);
    const byBody = (messages: Message[], body: string) => messages.find((message) => message.Body === body) as Message;

    const [first, firstMoved] = [byBody(before, 'message-1'), byBody(moved, 'message-1')];
    assert.equal(first.Attributes?.ApproximateReceiveCount, '1');
    assert.equal(firstMoved.MessageId, first.MessageId);
    assert.equal(firstMoved.MD5OfBody, '3d6b824fd8c1520e9a047d21fee6fb1f');
    assert.equal(firstMoved.MD5OfMessageAttributes, 'adb59cd4678ea5a855436b949cd07ab6');
    assert.deepEqual(firstMoved.MessageAttributes, { MyAttribute: { DataType: 'String', StringValue: 'foobar' } });
    assert.notEqual(firstMoved.ReceiptHandle, first.ReceiptHandle);
    assert.deepEqual(Object.keys(firstMoved.Attributes ?? {}).sort(), [
      'AWSTraceHeader',
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'DeadLetterQueueSourceArn',
      'SenderId',
      'SentTimestamp',
    ]);
    assert.equal(firstMoved.Attributes?.ApproximateReceiveCount, '2');
    assert.equal(firstMoved.Attributes?.AWSTraceHeader, traceHeader);
    assert.equal(firstMoved.Attributes?.DeadLetterQueueSourceArn, sourceArn);

    const [second, secondMoved] = [byBody(before, 'message-2'), byBody(moved, 'message-2')];
    assert.equal(secondMoved.MessageId, second.MessageId);
    assert.equal(secondMoved.MD5OfBody, '95ef155b66299d14edf7ed57c468c13b');
    assert.equal(secondMoved.MessageAttributes, undefined);
    assert.equal(secondMoved.Attributes?.AWSTraceHeader, undefined);
    assert.equal(secondMoved.Attributes?.ApproximateReceiveCount, '2');
    assert.equal(secondMoved.Attributes?.DeadLetterQueueSourceArn, sourceArn);
  });

  test('moves FIFO messages to a FIFO dead-letter queue with content-based deduplication', async () => {
    const { sourceUrl, dlqUrl } = await pair(2, { fifo: true });
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'fifo poison', MessageGroupId: 'g' }));
    assert.equal((await receive(sourceUrl)).length, 1);
    assert.equal((await receive(sourceUrl)).length, 1);
    assert.equal((await receive(sourceUrl)).length, 0);
    const moved = await receive(dlqUrl, { MessageSystemAttributeNames: ['MessageGroupId'] });
    assert.equal(moved[0]?.Body, 'fifo poison');
    assert.equal(moved[0]?.Attributes?.MessageGroupId, 'g');
  });

  test('expires a standard message in the dead-letter queue by its original enqueue time', async () => {
    // "For standard queues, the expiration of a message is always based on its original enqueue timestamp"
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
    const { sourceUrl, dlqUrl } = await pair(1, { source: { MessageRetentionPeriod: '1209600' } });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlqUrl, Attributes: { MessageRetentionPeriod: '120' } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'old' }));
    cloud.clock.advance(60);
    await receive(sourceUrl);
    await receive(sourceUrl);
    assert.equal((await receive(dlqUrl, { VisibilityTimeout: 0 })).length, 1);
    cloud.clock.advance(61);
    assert.equal((await receive(dlqUrl)).length, 0);
  });

  test('restarts the retention of a FIFO message when it moves to the dead-letter queue', async () => {
    // "For FIFO queues, the enqueue timestamp resets when the message is moved to a dead-letter queue."
    const { sourceUrl, dlqUrl } = await pair(1, { fifo: true, source: { MessageRetentionPeriod: '120' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'young', MessageGroupId: 'g' }));
    cloud.clock.advance(100);
    await receive(sourceUrl);
    await receive(sourceUrl);
    cloud.clock.advance(60);
    assert.equal((await receive(dlqUrl))[0]?.Body, 'young');
  });

  describe('RedrivePolicy checks', () => {
    const invalid = (policy: string, reason: string) => ({
      name: 'InvalidParameterValue',
      queryCode: 'InvalidParameterValue',
      status: 400,
      message: `Value ${policy} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
    });

    test('returns InvalidParameterValue for a target that is not an ARN, echoing the policy as sent', async () => {
      const policy = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}';
      await assertSqsError(
        sqs.send(new CreateQueueCommand({ QueueName: 'source', Attributes: { RedrivePolicy: policy } })),
        invalid(policy, 'Invalid value for deadLetterTargetArn.'),
      );
    });

    test('returns InvalidParameterValue for a target queue that does not exist', async () => {
      const policy = '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:111111111111:missing", "maxReceiveCount": 3}';
      await assertSqsError(
        sqs.send(new CreateQueueCommand({ QueueName: 'source', Attributes: { RedrivePolicy: policy } })),
        invalid(policy, 'Dead letter target does not exist.'),
      );
    });

    test('accepts maxReceiveCount as a string', async () => {
      const dlqArn = await arnOf(await createQueue(sqs, 'dlq'));
      const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '42' });
      const QueueUrl = await createQueue(sqs, 'source', { RedrivePolicy });
      assert.ok(QueueUrl.endsWith('/source'));
    });

    test('returns InvalidParameterValue for a maxReceiveCount out of range, missing or not a number', async () => {
      const dlqArn = await arnOf(await createQueue(sqs, 'dlq'));
      const policies = [
        { deadLetterTargetArn: dlqArn, maxReceiveCount: 0 },
        { deadLetterTargetArn: dlqArn, maxReceiveCount: 1001 },
        { deadLetterTargetArn: dlqArn },
        { deadLetterTargetArn: dlqArn, maxReceiveCount: 'many' },
        { maxReceiveCount: 3 },
      ];
      for (const policy of policies) {
        const sent = sqs.send(
          new CreateQueueCommand({ QueueName: 'source', Attributes: { RedrivePolicy: JSON.stringify(policy) } }),
        );
        const error = await sent.then(
          () => assert.fail(`accepted ${JSON.stringify(policy)}`),
          (e: { name: string; Code?: string; $metadata: { httpStatusCode?: number } }) => e,
        );
        assert.equal(error.name, 'InvalidParameterValue');
        assert.equal(error.Code, 'InvalidParameterValue');
        assert.equal(error.$metadata.httpStatusCode, 400);
      }
    });
  });

  describe('RedriveAllowPolicy', () => {
    test('lets a listed source use the dead-letter queue and refuses another', async () => {
      const dlqUrl = await createQueue(sqs, 'guarded-dlq');
      const dlqArn = await arnOf(dlqUrl);
      const allowedArn = dlqArn.replace('guarded-dlq', 'allowed');
      await sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: dlqUrl,
          Attributes: {
            RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [allowedArn] }),
          },
        }),
      );
      const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
      await createQueue(sqs, 'allowed', { RedrivePolicy });
      const refused = await sqs
        .send(new CreateQueueCommand({ QueueName: 'refused', Attributes: { RedrivePolicy } }))
        .then(
          () => assert.fail('expected CreateQueue to fail'),
          (caught: Error & { Code?: string; $metadata: { httpStatusCode?: number } }) => caught,
        );
      assert.equal(refused.Code, 'InvalidParameterValue');
      assert.equal(refused.$metadata.httpStatusCode, 400);
    });
  });
});
