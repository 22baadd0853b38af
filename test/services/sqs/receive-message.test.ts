import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type Message,
  type MessageSystemAttributeName,
  type QueueAttributeName,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const standardAll = ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'];

function invalidValue(message: string) {
  return { name: 'InvalidParameterValue', queryCode: 'InvalidParameterValue', status: 400, message };
}

describe('ReceiveMessage', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const receive = (input: ReceiveMessageCommandInput) => sqs.send(new ReceiveMessageCommand(input));
  /** Receives the one message of a queue and makes it visible again at once. */
  const peek = async (input: ReceiveMessageCommandInput): Promise<Message> => {
    const { Messages } = await receive({ VisibilityTimeout: 0, ...input });
    assert.equal(Messages?.length, 1);
    return Messages?.[0] as Message;
  };
  const queueWith = async (
    bodies: string[],
    MessageAttributes?: Record<string, { DataType: string; StringValue: string }>,
  ) => {
    const QueueUrl = await createQueue(sqs, 'q');
    for (const MessageBody of bodies)
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageAttributes }));
    return QueueUrl;
  };

  test('answers an empty queue without a Messages key', async () => {
    const QueueUrl = await queueWith([]);
    const out = await receive({ QueueUrl });
    assert.equal(out.Messages, undefined);
    assert.equal((await receive({ QueueUrl, WaitTimeSeconds: 0 })).Messages, undefined);
  });

  test('gives each message once per receive even with a visibility timeout of 0', async () => {
    const QueueUrl = await queueWith(['a', 'b']);
    const out = await receive({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    assert.deepEqual(out.Messages?.map((m) => m.Body).sort(), ['a', 'b']);
    const again = await receive({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    assert.deepEqual(again.Messages?.map((m) => m.Body).sort(), ['a', 'b']);
  });

  test('returns one message by default and up to MaxNumberOfMessages without waiting for more', async () => {
    const QueueUrl = await queueWith(['a', 'b', 'c']);
    const one = await receive({ QueueUrl });
    assert.equal(one.Messages?.length, 1);
    const started = Date.now();
    const rest = await receive({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
    assert.equal(rest.Messages?.length, 2);
    assert.ok(Date.now() - started < 5_000);
  });

  test('returns the id, receipt handle, MD5 and body of a message, and hides it', async () => {
    const QueueUrl = await queueWith(['message']);
    const { Messages } = await receive({ QueueUrl });
    const message = Messages?.[0];
    assert.match(message?.MessageId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok((message?.ReceiptHandle?.length ?? 0) > 0);
    assert.equal(message?.MD5OfBody, '78e731027d8fd50ed642340b7c9a63b3');
    assert.equal(message?.Body, 'message');
    assert.equal(message?.Attributes, undefined);
    assert.equal(message?.MessageAttributes, undefined);
    assert.equal((await receive({ QueueUrl })).Messages, undefined);
  });

  test('returns InvalidParameterValue for MaxNumberOfMessages 11', async () => {
    const QueueUrl = await queueWith([]);
    await assertSqsError(
      receive({ QueueUrl, MaxNumberOfMessages: 11 }),
      invalidValue(
        'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
      ),
    );
  });

  test('returns InvalidParameterValue for WaitTimeSeconds 21 and -1', async () => {
    const QueueUrl = await queueWith([]);
    for (const WaitTimeSeconds of [21, -1]) {
      await assertSqsError(
        receive({ QueueUrl, WaitTimeSeconds }),
        invalidValue(
          `Value ${WaitTimeSeconds} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
        ),
      );
    }
  });

  test('returns QueueDoesNotExist for a queue that does not exist', async () => {
    const QueueUrl = await queueWith([]);
    await assertSqsError(receive({ QueueUrl: `${QueueUrl}-gone` }), {
      name: 'QueueDoesNotExist',
      queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
      status: 400,
      message: 'The specified queue does not exist.',
    });
  });

  test('leaves the message receivable with VisibilityTimeout 0 and gives a new receipt handle each time', async () => {
    const QueueUrl = await queueWith(['m']);
    const first = await peek({ QueueUrl });
    const second = await peek({ QueueUrl });
    assert.equal(first.MessageId, second.MessageId);
    assert.notEqual(first.ReceiptHandle, second.ReceiptHandle);
  });

  test('returns the standard system attributes for All, in AttributeNames or MessageSystemAttributeNames', async () => {
    const QueueUrl = await queueWith(['msg']);
    const viaAttributeNames = await peek({ QueueUrl, AttributeNames: ['All'] });
    assert.deepEqual(Object.keys(viaAttributeNames.Attributes ?? {}).sort(), standardAll);
    assert.equal(viaAttributeNames.Attributes?.ApproximateReceiveCount, '1');
    const viaSystemNames = await peek({ QueueUrl, MessageSystemAttributeNames: ['All'] });
    assert.deepEqual(Object.keys(viaSystemNames.Attributes ?? {}).sort(), standardAll);
    assert.equal(viaSystemNames.Attributes?.ApproximateReceiveCount, '2');
    const both = await peek({ QueueUrl, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] });
    assert.deepEqual(Object.keys(both.Attributes ?? {}).sort(), standardAll);
  });

  test('returns only the system attributes asked for, leaving out those a standard queue does not have', async () => {
    const QueueUrl = await queueWith(['msg']);
    for (const names of [['SenderId'], ['SenderId', 'SequenceNumber']] as MessageSystemAttributeName[][]) {
      const viaAttributeNames = await peek({ QueueUrl, AttributeNames: names as QueueAttributeName[] });
      assert.deepEqual(Object.keys(viaAttributeNames.Attributes ?? {}), ['SenderId']);
      const viaSystemNames = await peek({ QueueUrl, MessageSystemAttributeNames: names });
      assert.deepEqual(Object.keys(viaSystemNames.Attributes ?? {}), ['SenderId']);
    }
  });

  test('gives SentTimestamp and ApproximateFirstReceiveTimestamp as epoch milliseconds', async () => {
    const QueueUrl = await queueWith(['msg']);
    const message = await peek({ QueueUrl, AttributeNames: ['All'] });
    const sent = message.Attributes?.SentTimestamp ?? '';
    const firstReceive = message.Attributes?.ApproximateFirstReceiveTimestamp ?? '';
    assert.match(sent, /^\d{13}$/);
    assert.match(firstReceive, /^\d{13}$/);
    assert.ok(Math.abs(Number(sent) - cloud.clock.now()) < 5_000);
    assert.ok(Number(firstReceive) >= Number(sent) && Number(firstReceive) - Number(sent) < 5_000);
  });

  describe('MessageAttributeNames', () => {
    const attributes = {
      'Help.Me': { DataType: 'String', StringValue: 'Me' },
      Hello: { DataType: 'String', StringValue: 'There' },
      General: { DataType: 'String', StringValue: 'Kenobi' },
    };
    const received = async (QueueUrl: string, MessageAttributeNames: string[]) => {
      const message = await peek({ QueueUrl, MessageAttributeNames });
      return {
        names: Object.keys(message.MessageAttributes ?? {}).sort(),
        md5: message.MD5OfMessageAttributes,
        present: message.MessageAttributes !== undefined,
      };
    };

    test('returns no attributes and no MD5 when none are asked for', async () => {
      const QueueUrl = await queueWith(['msg'], attributes);
      const message = await peek({ QueueUrl });
      assert.equal(message.MessageAttributes, undefined);
      assert.equal(message.MD5OfMessageAttributes, undefined);
      assert.deepEqual(await received(QueueUrl, []), { names: [], md5: undefined, present: false });
    });

    test('returns every attribute for All and .*', async () => {
      const QueueUrl = await queueWith(['msg'], attributes);
      for (const name of ['All', '.*']) {
        assert.deepEqual(await received(QueueUrl, [name]), {
          names: ['General', 'Hello', 'Help.Me'],
          md5: '4c360f3fdafd970e05fae2f149d997f5',
          present: true,
        });
      }
    });

    test('returns every attribute for *', async () => {
      const QueueUrl = await queueWith(['msg'], attributes);
      assert.deepEqual(await received(QueueUrl, ['*']), {
        names: ['General', 'Hello', 'Help.Me'],
        md5: '4c360f3fdafd970e05fae2f149d997f5',
        present: true,
      });
    });

    test('matches names exactly, with the MD5 of the attributes returned', async () => {
      const QueueUrl = await queueWith(['msg'], attributes);
      assert.deepEqual(await received(QueueUrl, ['Foo', 'Help']), { names: [], md5: undefined, present: false });
      assert.deepEqual(await received(QueueUrl, ['Hello', 'General']), {
        names: ['General', 'Hello'],
        md5: 'fca026605781cb4126a1e9044df24232',
        present: true,
      });
      assert.deepEqual(await received(QueueUrl, ['Foo', 'Hello']), {
        names: ['Hello'],
        md5: 'a311262e065454b75da111d535b8dacd',
        present: true,
      });
    });

    test('treats a name ending in .* as a prefix of the attribute names', async () => {
      const QueueUrl = await queueWith(['msg'], attributes);
      assert.deepEqual(await received(QueueUrl, ['Hel.*']), {
        names: ['Hello', 'Help.Me'],
        md5: '83fee93c1bcd8b9a5a923ffacdc636c7',
        present: true,
      });
    });

    test('ignores illegal names and still returns the message', async () => {
      const QueueUrl = await queueWith(['msg'], attributes);
      for (const name of ['AWS.', '..foo']) {
        assert.deepEqual(await received(QueueUrl, [name]), { names: [], md5: undefined, present: false });
      }
    });

    test('returns system and message attributes together', async () => {
      const QueueUrl = await queueWith(['msg'], { Foo: { DataType: 'String', StringValue: 'Bar' } });
      const message = await peek({ QueueUrl, AttributeNames: ['All'], MessageAttributeNames: ['All'] });
      assert.deepEqual(Object.keys(message.Attributes ?? {}).sort(), standardAll);
      assert.deepEqual(message.MessageAttributes, { Foo: { DataType: 'String', StringValue: 'Bar' } });
      assert.equal(message.MD5OfMessageAttributes, 'ae7155c6026991b6d54b11589678bf9c');
    });
  });
});
