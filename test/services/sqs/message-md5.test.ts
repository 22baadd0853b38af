import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, sqsFor } from './sqs-helpers.js';

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

/**
 * The documented digest of message attributes: by name, each as length-prefixed name, length-prefixed
 * type, a transport byte (1 String/Number, 2 Binary) and the length-prefixed value.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
function attributesMd5(attributes: Record<string, MessageAttributeValue>): string {
  const parts: Buffer[] = [];
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  const names = Object.keys(attributes).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const attribute = attributes[name] as MessageAttributeValue;
    prefixed(Buffer.from(name));
    prefixed(Buffer.from(attribute.DataType ?? ''));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      prefixed(Buffer.from(attribute.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      prefixed(Buffer.from(attribute.StringValue ?? ''));
    }
  }
  return md5(Buffer.concat(parts));
}

const string = (StringValue: string, DataType = 'String') => ({ DataType, StringValue });
const traceHeader = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

describe('Message MD5 digests', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const sendAndReceive = async (QueueUrl: string, MessageAttributes: Record<string, MessageAttributeValue>) => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'msg', MessageAttributes }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
    return { sent: sent.MD5OfMessageAttributes, received: Messages?.[0]?.MD5OfMessageAttributes };
  };

  test('gives MD5OfMessageBody as the MD5 of the UTF-8 body, on send and on receive', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const cases: Array<[string, string]> = [
      ['message', '78e731027d8fd50ed642340b7c9a63b3'],
      ['test', '098f6bcd4621d373cade4e832627b4f6'],
      ['message-1', '3d6b824fd8c1520e9a047d21fee6fb1f'],
      ['ünïcødé ✓ 😀 \r\n', md5(Buffer.from('ünïcødé ✓ 😀 \r\n', 'utf8'))],
    ];
    for (const [MessageBody, digest] of cases) {
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody }));
      assert.equal(sent.MD5OfMessageBody, digest, MessageBody);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal(Messages?.[0]?.MD5OfBody, digest, MessageBody);
    }
  });

  test('matches the known vectors for String and Number attributes', async () => {
    const vectors: Array<[Record<string, MessageAttributeValue>, string]> = [
      [{ Foo: string('Bar') }, 'ae7155c6026991b6d54b11589678bf9c'],
      [{ k: string('x') }, 'a45daa70926828a2f0a1db3418e6feb4'],
      [{ MyAttribute: string('foobar') }, 'adb59cd4678ea5a855436b949cd07ab6'],
      [{ timestamp: string('1493147359900', 'Number') }, '235c5c510d26fb653d073faed50ae77c'],
      [
        { General: string('Kenobi'), Hello: string('There'), 'Help.Me': string('Me') },
        '4c360f3fdafd970e05fae2f149d997f5',
      ],
    ];
    for (const [index, [attributes, digest]] of vectors.entries()) {
      const QueueUrl = await createQueue(sqs, `q${index}`);
      const { sent, received } = await sendAndReceive(QueueUrl, attributes);
      assert.equal(sent, digest, JSON.stringify(attributes));
      assert.equal(received, digest, JSON.stringify(attributes));
    }
  });

  test('matches the known vector for a Binary attribute', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const BinaryValue = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
    const { sent, received } = await sendAndReceive(QueueUrl, { attr1: { DataType: 'Binary', BinaryValue } });
    assert.equal(sent, '8cbe4db156db8a94db8b801b7addb984');
    assert.equal(received, '8cbe4db156db8a94db8b801b7addb984');
  });

  test('sorts attribute names by their bytes and hashes custom types under their full name', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const attributes: Record<string, MessageAttributeValue> = {
      b: string('lower'),
      B: string('upper'),
      'a.custom': string('7', 'Number.int'),
      Z_bin: { DataType: 'Binary.gzip', BinaryValue: new Uint8Array([0, 255, 16]) },
      u: string('ünïcødé ✓', 'String.utf8'),
    };
    const { sent, received } = await sendAndReceive(QueueUrl, attributes);
    assert.equal(sent, attributesMd5(attributes));
    assert.equal(received, attributesMd5(attributes));
  });

  test('hashes only the attributes a receive returns', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { VisibilityTimeout: '0' });
    const attributes = { General: string('Kenobi'), Hello: string('There'), 'Help.Me': string('Me') };
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'msg', MessageAttributes: attributes }));
    const digestFor = async (MessageAttributeNames: string[]) => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames }));
      return Messages?.[0]?.MD5OfMessageAttributes;
    };
    assert.equal(await digestFor(['Hello', 'General']), 'fca026605781cb4126a1e9044df24232');
    assert.equal(await digestFor(['Hello']), 'a311262e065454b75da111d535b8dacd');
    assert.equal(await digestFor(['Hello', 'Help.Me']), '83fee93c1bcd8b9a5a923ffacdc636c7');
  });

  test('answers MD5OfMessageSystemAttributes for AWSTraceHeader without changing MD5OfMessageAttributes', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const MessageAttributes = { timestamp: string('1493147359900', 'Number') };
    const plain = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'test', MessageAttributes }));
    assert.equal(plain.MD5OfMessageSystemAttributes, undefined);
    const traced = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'test',
        MessageAttributes,
        MessageSystemAttributes: { AWSTraceHeader: string(traceHeader) },
      }),
    );
    assert.equal(traced.MD5OfMessageSystemAttributes, '5ae4d5d7636402d80f4eb6d213245a88');
    assert.equal(traced.MD5OfMessageAttributes, '235c5c510d26fb653d073faed50ae77c');
    assert.equal(traced.MD5OfMessageAttributes, plain.MD5OfMessageAttributes);
  });

  test('returns AWSTraceHeader as a system attribute on receive', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const header = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1';
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'test',
        MessageSystemAttributes: { AWSTraceHeader: string(header) },
      }),
    );
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['AWSTraceHeader', 'SentTimestamp'] }),
    );
    assert.deepEqual(Object.keys(Messages?.[0]?.Attributes ?? {}).sort(), ['AWSTraceHeader', 'SentTimestamp']);
    assert.equal(Messages?.[0]?.Attributes?.AWSTraceHeader, header);
    assert.equal(Messages?.[0]?.MD5OfMessageAttributes, undefined);
  });

  test('gives each batch entry the digests of its own attributes and system attributes', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'plain', MessageBody: 'a' },
          { Id: 'attrs', MessageBody: 'msg', MessageAttributes: { Foo: string('Bar') } },
          {
            Id: 'traced',
            MessageBody: 'test',
            MessageSystemAttributes: { AWSTraceHeader: string(traceHeader) },
          },
        ],
      }),
    );
    const byId = new Map(out.Successful?.map((entry) => [entry.Id, entry]));
    assert.equal(byId.get('plain')?.MD5OfMessageBody, '0cc175b9c0f1b6a831c399e269772661');
    assert.equal(byId.get('plain')?.MD5OfMessageAttributes, undefined);
    assert.equal(byId.get('plain')?.MD5OfMessageSystemAttributes, undefined);
    assert.equal(byId.get('attrs')?.MD5OfMessageAttributes, 'ae7155c6026991b6d54b11589678bf9c');
    assert.equal(byId.get('attrs')?.MD5OfMessageSystemAttributes, undefined);
    assert.equal(byId.get('traced')?.MD5OfMessageSystemAttributes, '5ae4d5d7636402d80f4eb6d213245a88');
    assert.equal(byId.get('traced')?.MD5OfMessageAttributes, undefined);
  });
});
