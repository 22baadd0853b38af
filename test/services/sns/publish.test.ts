import assert from 'node:assert/strict';
import { createVerify, X509Certificate } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PublishBatchCommand, PublishCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import {
  account,
  assertSnsError,
  createQueue,
  createTopic,
  invalidParameter,
  snsFor,
  sqsFor,
  subscribedQueue as subscribeQueue,
} from './sns-helpers.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Publish', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    topicArn = await createTopic(sns, 'orders');
  });

  function subscribedQueue(name: string, attributes: Record<string, string> = {}, topic = topicArn) {
    return subscribeQueue({ sns, sqs }, topic, name, name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}, attributes);
  }

  async function receive(url: string, max = 10): Promise<Message[]> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages ?? [];
  }

  test('delivers the SNS envelope to a queue, signed so that the served certificate verifies it', async () => {
    const queue = await subscribedQueue('envelope');
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'Test msg',
        Subject: 'Greeting',
        MessageAttributes: { attr1: { DataType: 'Number', StringValue: '100.12' } },
      }),
    );
    assert.match(MessageId as string, uuid);
    const [message] = await receive(queue.url);
    const body = JSON.parse(message?.Body as string);
    assert.deepEqual(Object.keys(body), [
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    assert.equal(body.Type, 'Notification');
    assert.equal(body.MessageId, MessageId);
    assert.equal(body.Message, 'Test msg');
    assert.equal(body.SignatureVersion, '1');
    assert.match(body.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(body.UnsubscribeURL, `${cloud.endpoint}/?Action=Unsubscribe&SubscriptionArn=${queue.subscriptionArn}`);
    assert.deepEqual(body.MessageAttributes, { attr1: { Type: 'Number', Value: '100.12' } });
    assert.equal(message?.Attributes?.SenderId, 'AIDAIT2UOQQY3AUEKVGXU');

    const pem = await (await fetch(body.SigningCertURL)).text();
    const certificate = new X509Certificate(pem);
    const signed = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      .map((field) => `${field}\n${body[field]}\n`)
      .join('');
    const verifier = createVerify('RSA-SHA1');
    verifier.update(signed, 'utf8');
    assert.ok(verifier.verify(certificate.publicKey, body.Signature, 'base64'));
  });

  test('signs with SHA256 when the topic asks for SignatureVersion 2', async () => {
    const arn = await createTopic(sns, 'v2', { SignatureVersion: '2' });
    const queue = await subscribedQueue('v2-queue', {}, arn);
    await sns.send(new PublishCommand({ TopicArn: arn, Message: 'hello' }));
    const body = JSON.parse((await receive(queue.url))[0]?.Body as string);
    assert.equal(body.SignatureVersion, '2');
    const pem = await (await fetch(body.SigningCertURL)).text();
    const signed = ['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Type'].map((f) => `${f}\n${body[f]}\n`).join('');
    const verifier = createVerify('RSA-SHA256');
    verifier.update(signed, 'utf8');
    assert.ok(verifier.verify(new X509Certificate(pem).publicKey, body.Signature, 'base64'));
  });

  test('delivers the bare message and its attributes with raw delivery', async () => {
    const queue = await subscribedQueue('raw', { RawMessageDelivery: 'true' });
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'Test msg',
        MessageAttributes: {
          attr1: { DataType: 'Number', StringValue: '99.12' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('bytes') },
        },
      }),
    );
    const [message] = await receive(queue.url);
    assert.equal(message?.Body, 'Test msg');
    assert.deepEqual(message?.MessageAttributes?.attr1, { DataType: 'Number', StringValue: '99.12' });
    assert.equal(Buffer.from(message?.MessageAttributes?.blob?.BinaryValue as Uint8Array).toString(), 'bytes');
  });

  test('fans one message out to every subscribed queue', async () => {
    const queues = [];
    for (let i = 0; i < 3; i++) queues.push(await subscribedQueue(`fan-${i}`));
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'to all' }));
    for (const queue of queues) {
      const [message] = await receive(queue.url);
      assert.equal(JSON.parse(message?.Body as string).MessageId, MessageId);
    }
  });

  test('gives each queue of a fan-out the same envelope but for its own UnsubscribeURL', async () => {
    const queues = [];
    for (let i = 0; i < 3; i++) queues.push(await subscribedQueue(`same-${i}`));
    // Quotes, backslashes, non-ASCII and a look-alike of the ARN's place must all survive verbatim.
    const text = 'say "hi" \\ to ~arn-x~ and ünïcode ✓';
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: text,
        MessageAttributes: { note: { DataType: 'String', StringValue: '~arn-' } },
      }),
    );
    const bodies = [];
    for (const queue of queues) {
      // The SDK checks MD5OfBody against the body it received.
      const [message] = await receive(queue.url);
      const body = JSON.parse(message?.Body as string);
      assert.equal(body.Message, text);
      assert.equal(
        body.UnsubscribeURL,
        `${cloud.endpoint}/?Action=Unsubscribe&SubscriptionArn=${queue.subscriptionArn}`,
      );
      assert.deepEqual(body.MessageAttributes, { note: { Type: 'String', Value: '~arn-' } });
      bodies.push({ ...body, UnsubscribeURL: undefined });
    }
    assert.deepEqual(bodies[1], bodies[0]);
    assert.deepEqual(bodies[2], bodies[0]);
  });

  test('sends each protocol its own text with MessageStructure json', async () => {
    const queue = await subscribedQueue('structured');
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'default field', sqs: '{"field": "value"}' }),
      }),
    );
    const body = JSON.parse((await receive(queue.url))[0]?.Body as string);
    assert.equal(body.Message, '{"field": "value"}');
  });

  test('sends a message to the dead-letter queue when its queue is gone', async () => {
    const dlq = await createQueue(sqs, 'dead-letters');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:us-east-1:${account}:never-created`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'lost' }));
    const [message] = await receive(dlq.url);
    assert.equal(JSON.parse(message?.Body as string).Message, 'lost');
  });

  test('sends a Lambda subscription’s message to its dead-letter queue, as the envelope, when the function does not exist', async () => {
    const dlq = await createQueue(sqs, 'lambda-dead-letters');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'lambda',
        Endpoint: `arn:aws:lambda:us-east-1:${account}:function:never-created`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'test_redrive_policy',
        MessageAttributes: { attr1: { DataType: 'Number', StringValue: '1' } },
      }),
    );
    let messages: Message[] = [];
    for (let i = 0; i < 50 && messages.length === 0; i++) {
      messages = await receive(dlq.url);
      if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const body = JSON.parse(messages[0]?.Body as string);
    assert.equal(body.Type, 'Notification');
    assert.equal(body.Message, 'test_redrive_policy');
    assert.deepEqual(body.MessageAttributes, { attr1: { Type: 'Number', Value: '1' } });
    assert.ok(body.SigningCertURL);
  });

  describe('FIFO topics', () => {
    test('carry the group, a sequence number and content-based deduplication to a FIFO queue', async () => {
      const arn = await createTopic(sns, 'orders.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
      const queue = await subscribedQueue('orders-queue.fifo', {}, arn);
      const first = await sns.send(new PublishCommand({ TopicArn: arn, Message: 'Test', MessageGroupId: 'g1' }));
      const duplicate = await sns.send(new PublishCommand({ TopicArn: arn, Message: 'Test', MessageGroupId: 'g1' }));
      assert.equal(duplicate.MessageId, first.MessageId);
      assert.equal(duplicate.SequenceNumber, first.SequenceNumber);
      assert.match(first.SequenceNumber as string, /^\d{20}$/);
      const messages = await receive(queue.url);
      assert.equal(messages.length, 1);
      const body = JSON.parse(messages[0]?.Body as string);
      assert.deepEqual(Object.keys(body), [
        'Type',
        'MessageId',
        'SequenceNumber',
        'TopicArn',
        'Message',
        'Timestamp',
        'UnsubscribeURL',
      ]);
      assert.equal(messages[0]?.Attributes?.MessageGroupId, 'g1');
      assert.match(messages[0]?.Attributes?.MessageDeduplicationId as string, /^[0-9a-f]{64}$/);
    });

    test('keep the order of a group', async () => {
      const arn = await createTopic(sns, 'ordered.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
      const queue = await subscribedQueue('ordered-queue.fifo', { RawMessageDelivery: 'true' }, arn);
      for (let i = 0; i < 5; i++)
        await sns.send(new PublishCommand({ TopicArn: arn, Message: `m${i}`, MessageGroupId: 'g' }));
      const messages = await receive(queue.url);
      assert.deepEqual(
        messages.map((m) => m.Body),
        ['m0', 'm1', 'm2', 'm3', 'm4'],
      );
    });

    test('require MessageGroupId', async () => {
      const arn = await createTopic(sns, 'strict.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: arn, Message: 'x' })),
        invalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics'),
      );
    });

    test('require a deduplication id without content-based deduplication', async () => {
      const arn = await createTopic(sns, 'nodedup.fifo', { FifoTopic: 'true' });
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: arn, Message: 'x', MessageGroupId: 'g' })),
        invalidParameter(
          'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        ),
      );
    });
  });

  describe('errors', () => {
    test('refuses an empty message', async () => {
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: topicArn, Message: '' })),
        invalidParameter('Invalid parameter: Empty message'),
      );
    });

    test('refuses a message over 256 KiB', async () => {
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x'.repeat(262_145) })),
        invalidParameter('Invalid parameter: Message too long'),
      );
    });

    test('refuses an empty subject', async () => {
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', Subject: '' })),
        invalidParameter('Invalid parameter: Subject'),
      );
    });

    test('refuses a json structure without a default', async () => {
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: '{"sqs": "x"}' })),
        invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body'),
      );
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: '{not json' })),
        invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse'),
      );
    });

    test('refuses a MessageDeduplicationId on a standard topic', async () => {
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageDeduplicationId: 'd' })),
        invalidParameter(
          'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
        ),
      );
    });

    test('answers NotFound for an unknown topic and InvalidParameter for a malformed ARN', async () => {
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${account}:none`, Message: 'x' })),
        {
          code: 'NotFound',
          status: 404,
          message: 'Topic does not exist',
        },
      );
      await assertSnsError(
        sns.send(new PublishCommand({ TopicArn: 'a:b', Message: 'x' })),
        invalidParameter('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 2'),
      );
    });

    for (const [label, attribute, message] of [
      [
        'an empty String',
        { DataType: 'String', StringValue: '' },
        "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'.",
      ],
      [
        'a String with a binary value',
        { DataType: 'String', BinaryValue: Buffer.from('x') },
        "The message attribute 'attr1' with type 'String' must use field 'String'.",
      ],
      [
        'a Binary with a string value',
        { DataType: 'Binary', StringValue: 'x' },
        "The message attribute 'attr1' with type 'Binary' must use field 'Binary'.",
      ],
      [
        'an unknown type',
        { DataType: 'Integer', StringValue: '1' },
        "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
      ],
    ] as const) {
      test(`refuses ${label} attribute as ParameterValueInvalid`, async () => {
        await assertSnsError(
          sns.send(
            new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageAttributes: { attr1: attribute as never } }),
          ),
          { code: 'ParameterValueInvalid', status: 400, message },
        );
      });
    }

    test('refuses an attribute name with a character outside AWS’s set', async () => {
      await assertSnsError(
        sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: 'x',
            MessageAttributes: { 'a^b': { DataType: 'String', StringValue: 'v' } },
          }),
        ),
        {
          code: 'ParameterValueInvalid',
          status: 400,
          message:
            "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
        },
      );
    });
  });

  describe('PublishBatch', () => {
    test('publishes every entry and answers each with its MessageId', async () => {
      const queue = await subscribedQueue('batch', { RawMessageDelivery: 'true' });
      const out = await sns.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: [1, 2, 3].map((i) => ({ Id: String(i), Message: `message ${i}` })),
        }),
      );
      assert.deepEqual(
        out.Successful?.map((entry) => entry.Id),
        ['1', '2', '3'],
      );
      assert.deepEqual(out.Failed ?? [], []);
      const bodies = (await receive(queue.url)).map((m) => m.Body).sort();
      assert.deepEqual(bodies, ['message 1', 'message 2', 'message 3']);
    });

    test('refuses more than ten entries, repeated ids and bad ids', async () => {
      const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, Message: 'x' }));
      await assertSnsError(
        sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries(11) })),
        {
          code: 'TooManyEntriesInBatchRequest',
          status: 400,
          message: 'The batch request contains more entries than permissible.',
        },
      );
      await assertSnsError(
        sns.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: [
              { Id: 'a', Message: 'x' },
              { Id: 'a', Message: 'y' },
            ],
          }),
        ),
        {
          code: 'BatchEntryIdsNotDistinct',
          status: 400,
          message: 'Two or more batch entries in the request have the same Id.',
        },
      );
      await assertSnsError(
        sns.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: [{ Id: 'message.id', Message: 'x' }],
          }),
        ),
        {
          code: 'InvalidBatchEntryId',
          status: 400,
          message: 'The Id of a batch entry in the batch request contains an impermissible character: message.id',
        },
      );
    });

    test('refuses a batch longer than 256 KiB in all', async () => {
      await assertSnsError(
        sns.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: [
              { Id: 'a', Message: 'x'.repeat(150_000) },
              { Id: 'b', Message: 'y'.repeat(150_000) },
            ],
          }),
        ),
        {
          code: 'BatchRequestTooLong',
          status: 400,
          message: 'The length of all the messages put together is more than the limit.',
        },
      );
    });
  });
});
