import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, rejection, type SqsError, sqsFor } from './sqs-helpers.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function invalidValue(message: string) {
  return { name: 'InvalidParameterValue', queryCode: 'InvalidParameterValue', status: 400, message };
}

describe('SendMessage', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const send = (input: SendMessageCommandInput) => sqs.send(new SendMessageCommand(input));
  const fifoQueue = (name = 'q.fifo', attributes: Record<string, string> = {}) =>
    createQueue(sqs, name, { FifoQueue: 'true', ...attributes });

  test('returns a UUID MessageId and the MD5 of the body, and nothing else for a plain message', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const out = await send({ QueueUrl, MessageBody: 'message' });
    assert.match(out.MessageId ?? '', uuid);
    assert.equal(out.MD5OfMessageBody, '78e731027d8fd50ed642340b7c9a63b3');
    assert.equal(out.MD5OfMessageAttributes, undefined);
    assert.equal(out.MD5OfMessageSystemAttributes, undefined);
    assert.equal(out.SequenceNumber, undefined);
  });

  test('delivers XML metacharacters, quotes and carriage returns unchanged', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const body = "\"&quot;&quot;\r <tag attr='x'>&amp;</tag>\r\n\t ünïcødé 😀";
    await send({ QueueUrl, MessageBody: body });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(Messages?.[0]?.Body, body);
  });

  test('accepts the bare queue name as QueueUrl', async () => {
    const QueueUrl = await createQueue(sqs, 'by-name');
    await send({ QueueUrl: 'by-name', MessageBody: 'hello' });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(Messages?.[0]?.Body, 'hello');
  });

  test('returns QueueDoesNotExist for a queue that does not exist', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await assertSqsError(send({ QueueUrl: `${QueueUrl}-missing`, MessageBody: 'x' }), {
      name: 'QueueDoesNotExist',
      queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
      status: 400,
      message: 'The specified queue does not exist.',
    });
  });

  test('returns MissingParameter for an empty body', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await assertSqsError(send({ QueueUrl, MessageBody: '' }), {
      name: 'MissingParameter',
      queryCode: 'MissingParameter',
      status: 400,
      message: 'The request must contain the parameter MessageBody.',
    });
  });

  test('returns InvalidMessageContents naming the character that is not allowed', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await assertSqsError(send({ QueueUrl, MessageBody: 'bell \u0007 here' }), {
      name: 'InvalidMessageContents',
      queryCode: 'InvalidMessageContents',
      status: 400,
      message:
        "Invalid binary character '#x7' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].",
    });
  });

  test('returns InvalidMessageContents for NUL, backspace, DC3 and U+FFFF', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    for (const char of ['\u0000', '\u0008', '\u0013', '\uffff']) {
      const error = await rejection(send({ QueueUrl, MessageBody: `a${char}b` }));
      assert.equal(error.name, 'InvalidMessageContents', `for U+${char.charCodeAt(0).toString(16)}`);
      assert.equal(error.Code, 'InvalidMessageContents');
      assert.equal(error.$metadata.httpStatusCode, 400);
    }
  });

  test('accepts a message of exactly MaximumMessageSize and rejects one byte more', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { MaximumMessageSize: '1024' });
    await send({ QueueUrl, MessageBody: 'a'.repeat(1024) });
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'a'.repeat(1025) }),
      invalidValue('One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.'),
    );
  });

  test('counts attribute names, types and values towards the size', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { MaximumMessageSize: '1024' });
    const MessageAttributes = { k: { DataType: 'String', StringValue: 'x' } };
    await send({ QueueUrl, MessageBody: 'a'.repeat(1016), MessageAttributes });
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'a'.repeat(1017), MessageAttributes }),
      invalidValue('One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.'),
    );
  });

  test('rejects a message over the default 1 MiB limit', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { k: { DataType: 'String', StringValue: 'x' } };
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'a'.repeat(1_048_576 - 7), MessageAttributes }),
      invalidValue('One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.'),
    );
  });

  test('returns InvalidParameterValue for an attribute with an empty string value', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { ErrorDetails: { DataType: 'String', StringValue: '' } };
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'x', MessageAttributes }),
      invalidValue("Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."),
    );
  });

  test('returns InvalidParameterValue for an attribute type without a supported prefix', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { 'my-attribute': { DataType: 'string', StringValue: 'v' } };
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'x', MessageAttributes }),
      invalidValue(
        "The type of message (user) attribute 'my-attribute' is invalid. You must use only the following supported type prefixes: Binary, Number, String.",
      ),
    );
  });

  test('returns InvalidParameterValue for an attribute with an empty name', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { '': { DataType: 'String', StringValue: 'v' } };
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'x', MessageAttributes }),
      invalidValue('The request must contain non-empty message attribute name.'),
    );
  });

  test('returns InvalidParameterValue for more than 10 attributes', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes: Record<string, MessageAttributeValue> = {};
    for (let i = 0; i < 11; i++) MessageAttributes[`a${i}`] = { DataType: 'String', StringValue: 'v' };
    const error = await rejection(send({ QueueUrl, MessageBody: 'x', MessageAttributes }));
    assert.equal(error.name, 'InvalidParameterValue');
    assert.equal(error.Code, 'InvalidParameterValue');
    assert.match(error.message, /message attributes \[11\] exceeds the allowed maximum/);
  });

  test('returns InvalidParameterValue for reserved, malformed or overlong attribute names and types', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const string = (StringValue: string, DataType = 'String') => ({ DataType, StringValue });
    const cases: Record<string, MessageAttributeValue>[] = [
      { 'aWs.trace': string('v') },
      { 'AMAZON.x': string('v') },
      { '.start': string('v') },
      { 'end.': string('v') },
      { 'bang!': string('v') },
      { 'q?': string('v') },
      { ['n'.repeat(257)]: string('v') },
      { k: string('v', 'Invalid') },
      { k: string('back\u0008space') },
      { k: string('vertical\u000btab') },
    ];
    const outcomes = await Promise.all(
      cases.map((MessageAttributes) =>
        send({ QueueUrl, MessageBody: 'x', MessageAttributes }).then(
          () => `accepted ${JSON.stringify(MessageAttributes).slice(0, 40)}`,
          (error: SqsError) => `${error.name} ${error.Code} ${error.$metadata.httpStatusCode}`,
        ),
      ),
    );
    assert.deepEqual(outcomes, Array(cases.length).fill('InvalidParameterValue InvalidParameterValue 400'));
  });

  test('returns InvalidParameterValue for a data type longer than 256 characters', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { k: { DataType: `Number.${'x'.repeat(256)}`, StringValue: '1' } };
    const error = await rejection(send({ QueueUrl, MessageBody: 'x', MessageAttributes }));
    assert.equal(error.name, 'InvalidParameterValue');
    assert.equal(error.Code, 'InvalidParameterValue');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  test('accepts non-ASCII letters in an attribute name', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { 'attr.1øßä': { DataType: 'String', StringValue: 'v' } };
    const out = await send({ QueueUrl, MessageBody: 'x', MessageAttributes });
    assert.match(out.MD5OfMessageAttributes ?? '', /^[0-9a-f]{32}$/);
  });

  test('delivers Number and Binary attribute values exactly as sent', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const bytes = new Uint8Array([0, 1, 2, 255, 0x1e]);
    const MessageAttributes = {
      n: { DataType: 'Number', StringValue: '1493147359900.000' },
      b: { DataType: 'Binary', BinaryValue: bytes },
      c: { DataType: 'String.custom', StringValue: 'typed' },
    };
    await send({ QueueUrl, MessageBody: 'x', MessageAttributes });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
    const got = Messages?.[0]?.MessageAttributes;
    assert.deepEqual(got?.n, { DataType: 'Number', StringValue: '1493147359900.000' });
    assert.equal(got?.b?.DataType, 'Binary');
    assert.deepEqual(Buffer.from(got?.b?.BinaryValue ?? []), Buffer.from(bytes));
    assert.deepEqual(got?.c, { DataType: 'String.custom', StringValue: 'typed' });
  });

  test('accepts a MessageGroupId on a standard queue and returns it on receive without a SequenceNumber', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const out = await send({ QueueUrl, MessageBody: 'message', MessageGroupId: 'test' });
    assert.equal(out.SequenceNumber, undefined);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }));
    assert.deepEqual(Object.keys(Messages?.[0]?.Attributes ?? {}).sort(), [
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'MessageGroupId',
      'SenderId',
      'SentTimestamp',
    ]);
    assert.equal(Messages?.[0]?.Attributes?.MessageGroupId, 'test');
  });

  test('returns InvalidParameterValue for an empty, overlong or spaced MessageGroupId', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    for (const MessageGroupId of ['', 'a'.repeat(129), 'group 123']) {
      await assertSqsError(
        send({ QueueUrl, MessageBody: 'x', MessageGroupId }),
        invalidValue(
          `Value ${MessageGroupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
        ),
      );
    }
  });

  test('returns InvalidParameterValue for an empty, overlong or spaced MessageDeduplicationId', async () => {
    const QueueUrl = await fifoQueue();
    for (const MessageDeduplicationId of ['', 'a'.repeat(129), 'group 123']) {
      await assertSqsError(
        send({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId }),
        invalidValue(
          `Value ${MessageDeduplicationId} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
        ),
      );
    }
  });

  test('accepts every punctuation character in group and deduplication ids', async () => {
    const QueueUrl = await fifoQueue();
    const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    const out = await send({
      QueueUrl,
      MessageBody: 'x',
      MessageGroupId: punctuation,
      MessageDeduplicationId: punctuation,
    });
    assert.ok(out.SequenceNumber);
  });

  test('returns MissingParameter when a FIFO message has no MessageGroupId', async () => {
    const QueueUrl = await fifoQueue('q.fifo', { ContentBasedDeduplication: 'true' });
    await assertSqsError(send({ QueueUrl, MessageBody: 'x' }), {
      name: 'MissingParameter',
      queryCode: 'MissingParameter',
      status: 400,
      message: 'The request must contain the parameter MessageGroupId.',
    });
  });

  test('returns InvalidParameterValue when a FIFO message has no deduplication id and the queue no content-based deduplication', async () => {
    const QueueUrl = await fifoQueue();
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g' }),
      invalidValue(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      ),
    );
  });

  test('returns InvalidParameterValue for a per-message DelaySeconds on a FIFO queue, and accepts 0', async () => {
    const QueueUrl = await fifoQueue('q.fifo', { ContentBasedDeduplication: 'true' });
    await assertSqsError(
      send({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g', DelaySeconds: 2 }),
      invalidValue(
        'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
      ),
    );
    const out = await send({ QueueUrl, MessageBody: 'y', MessageGroupId: 'g', DelaySeconds: 0 });
    assert.ok(out.MessageId);
  });

  test('returns a SequenceNumber on a FIFO queue that grows with each message of a group', async () => {
    const QueueUrl = await fifoQueue('q.fifo', { ContentBasedDeduplication: 'true' });
    const numbers: bigint[] = [];
    for (const body of ['a', 'b', 'c']) {
      const out = await send({ QueueUrl, MessageBody: body, MessageGroupId: 'g' });
      assert.match(out.SequenceNumber ?? '', /^\d+$/);
      numbers.push(BigInt(out.SequenceNumber as string));
    }
    assert.ok((numbers[0] as bigint) < (numbers[1] as bigint) && (numbers[1] as bigint) < (numbers[2] as bigint));
  });
});
