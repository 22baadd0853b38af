import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, sqsFor } from './sqs-helpers.js';

/** A receive in flight: whether it has answered yet, and its answer. */
interface Pending {
  settled(): boolean;
  result: Promise<ReceiveMessageCommandOutput>;
}

describe('Long polling', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  let other: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
    other = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const poll = (input: ReceiveMessageCommandInput): Pending => {
    let done = false;
    const result = sqs.send(new ReceiveMessageCommand(input)).finally(() => {
      done = true;
    });
    return { settled: () => done, result };
  };
  /** Lets a just-started receive reach the server and start waiting. */
  const settle = () => sleep(100);
  const bodies = (out: ReceiveMessageCommandOutput) => (out.Messages ?? []).map((message) => message.Body);

  test('returns as soon as another client sends a message', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const started = Date.now();
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20 });
    await settle();
    assert.equal(pending.settled(), false);
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    assert.deepEqual(bodies(await pending.result), ['wake up']);
    assert.ok(Date.now() - started < 5_000);
  });

  test('does not wait when messages are already there, even if fewer than MaxNumberOfMessages', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    const started = Date.now();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }));
    assert.deepEqual(bodies(out), ['one']);
    assert.ok(Date.now() - started < 5_000);
  });

  test('returns no messages once the clock passes WaitTimeSeconds', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20 });
    await settle();
    cloud.clock.advance(19);
    await settle();
    assert.equal(pending.settled(), false);
    cloud.clock.advance(2);
    const out = await pending.result;
    assert.equal(out.Messages, undefined);
  });

  test('waits for the queue ReceiveMessageWaitTimeSeconds when the request gives none', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { ReceiveMessageWaitTimeSeconds: '20' });
    const pending = poll({ QueueUrl });
    await settle();
    assert.equal(pending.settled(), false);
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' }));
    assert.deepEqual(bodies(await pending.result), ['late']);
  });

  test('answers at once with WaitTimeSeconds 0 on a queue that long-polls by default', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { ReceiveMessageWaitTimeSeconds: '20' });
    const started = Date.now();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    assert.equal(out.Messages, undefined);
    assert.ok(Date.now() - started < 5_000);
  });

  test('returns a delayed message when its delay ends within the wait', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'delayed', DelaySeconds: 10 }));
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20 });
    await settle();
    assert.equal(pending.settled(), false);
    cloud.clock.advance(11);
    assert.deepEqual(bodies(await pending.result), ['delayed']);
  });

  test('returns a message whose visibility timeout ends within the wait', async () => {
    const QueueUrl = await createQueue(sqs, 'q', { VisibilityTimeout: '15' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    await settle();
    assert.equal(pending.settled(), false);
    cloud.clock.advance(16);
    const out = await pending.result;
    assert.deepEqual(bodies(out), ['again']);
    assert.equal(out.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
  });

  test('returns a message made visible by ChangeMessageVisibility 0', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'released' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20 });
    await settle();
    assert.equal(pending.settled(), false);
    const ReceiptHandle = Messages?.[0]?.ReceiptHandle;
    await other.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }));
    assert.deepEqual(bodies(await pending.result), ['released']);
  });

  test('gives one message to one of two waiting receives; the other keeps waiting', async () => {
    const QueueUrl = await createQueue(sqs, 'q');
    const first = poll({ QueueUrl, WaitTimeSeconds: 20 });
    const second = poll({ QueueUrl, WaitTimeSeconds: 20 });
    await settle();
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'only one' }));
    const winner = await Promise.race([first.result, second.result]);
    assert.deepEqual(bodies(winner), ['only one']);
    await settle();
    assert.equal(first.settled() && second.settled(), false);
    cloud.clock.advance(21);
    const both = await Promise.all([first.result, second.result]);
    assert.deepEqual(both.flatMap(bodies), ['only one']);
  });

  test('returns the next message of a FIFO group once the message in flight is deleted', async () => {
    const QueueUrl = await createQueue(sqs, 'q.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const MessageBody of ['first', 'second']) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId: 'g' }));
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.deepEqual(
      Messages?.map((message) => message.Body),
      ['first'],
    );
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20 });
    await settle();
    assert.equal(pending.settled(), false);
    await other.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }));
    assert.deepEqual(bodies(await pending.result), ['second']);
  });

  test('returns a FIFO message sent to another group while one group is locked', async () => {
    const QueueUrl = await createQueue(sqs, 'q.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a1', MessageGroupId: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a2', MessageGroupId: 'a' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const pending = poll({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 });
    await settle();
    assert.equal(pending.settled(), false);
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b1', MessageGroupId: 'b' }));
    assert.deepEqual(bodies(await pending.result), ['b1']);
  });

  test('frees the waiter of a client that hangs up, so a later message goes to a live receive', async () => {
    const QueueUrl = await createQueue(sqs, 'hang-up');
    const abort = new AbortController();
    const abandoned = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: abort.signal })
      .catch((error: Error) => error);
    await settle();
    abort.abort();
    assert.equal(((await abandoned) as Error).name, 'AbortError');
    await settle();
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'for the living' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.deepEqual(
      (Messages ?? []).map((message) => message.Body),
      ['for the living'],
    );
  });
});
