/**
 * A standard topic's envelopes to its queues are stored once for all of them (SQS's shared bodies):
 * whatever one queue does with its copy (delete, purge, dead-letter, expiry), every other queue's
 * message stays whole, and nothing is kept once the last copy is gone.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  DeleteQueueCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, createTopic, snsFor, sqsFor, subscribedQueue as subscribeQueue } from './sns-helpers.js';

describe('SNS fan-out storage', () => {
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
    topicArn = await createTopic(sns, 'fanout');
  });

  function subscribedQueue(
    name: string,
    attributes: Record<string, string> = {},
    subscriptionAttributes: Record<string, string> = {},
  ) {
    return subscribeQueue({ sns, sqs }, topicArn, name, attributes, subscriptionAttributes);
  }

  async function receiveOne(url: string, visibilityTimeout?: number): Promise<Message | undefined> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: visibilityTimeout }),
    );
    return Messages?.[0];
  }

  /** The rows SQS keeps for shared bodies, from the state export. */
  async function sharedBodyRows(): Promise<number> {
    const state = (await (await fetch(`${cloud.endpoint}/_nimbus/state`)).json()) as {
      tables: Record<string, { rows: unknown[][] }>;
    };
    return state.tables.sqs_shared_bodies?.rows.length ?? 0;
  }

  function assertEnvelope(
    message: Message | undefined,
    messageId: string,
    subscriptionArn: string,
    text = 'kept whole ✓',
  ): void {
    // The SDK has checked MD5OfBody against the body already.
    const body = JSON.parse(message?.Body as string);
    assert.equal(body.MessageId, messageId);
    assert.equal(body.Message, text);
    assert.equal(body.UnsubscribeURL, `${cloud.endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`);
  }

  test('keeps every queue’s envelope whole while the others delete, purge and dead-letter theirs', async () => {
    const dlq = await createQueue(sqs, 'fanout-dlq');
    const deleting = await subscribedQueue('deleting');
    const purging = await subscribedQueue('purging');
    const redriving = await subscribedQueue('redriving', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    const keeping = await subscribedQueue('keeping');
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'kept whole ✓' }));
    assert.equal(await sharedBodyRows(), 1);

    const received = await receiveOne(deleting.url);
    assertEnvelope(received, MessageId as string, deleting.subscriptionArn);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: deleting.url, ReceiptHandle: received?.ReceiptHandle }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: purging.url }));
    // Received once (maxReceiveCount 1), the next receive moves it to the dead-letter queue.
    assertEnvelope(await receiveOne(redriving.url, 0), MessageId as string, redriving.subscriptionArn);
    assert.equal(await receiveOne(redriving.url), undefined);
    assertEnvelope(await receiveOne(dlq.url, 0), MessageId as string, redriving.subscriptionArn);

    const kept = await receiveOne(keeping.url);
    assertEnvelope(kept, MessageId as string, keeping.subscriptionArn);
    assert.equal(await sharedBodyRows(), 1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: keeping.url, ReceiptHandle: kept?.ReceiptHandle }));
    assert.equal(await sharedBodyRows(), 0);
  });

  test('lets go of the shared text when the last copy expires', async () => {
    const short = await subscribedQueue('short', { MessageRetentionPeriod: '60' });
    const long = await subscribedQueue('long', { MessageRetentionPeriod: '120' });
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'kept whole ✓' }));
    cloud.clock.advance(61);
    assert.equal(await receiveOne(short.url), undefined);
    assertEnvelope(await receiveOne(long.url, 0), MessageId as string, long.subscriptionArn);
    assert.equal(await sharedBodyRows(), 1);
    cloud.clock.advance(60);
    assert.equal(await receiveOne(long.url), undefined);
    // The sweep runs at the expiry on the Nimbus clock; give it its turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await sharedBodyRows(), 0);
  });

  test('stores a single subscriber’s envelope with its own row, nothing shared', async () => {
    const only = await subscribedQueue('only');
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'kept whole ✓' }));
    assertEnvelope(await receiveOne(only.url), MessageId as string, only.subscriptionArn);
    assert.equal(await sharedBodyRows(), 0);
  });

  test('sends a queue’s envelope to its subscription’s dead-letter queue when the queue refuses its size, the others as usual', async () => {
    const dlq = await createQueue(sqs, 'too-small-dlq');
    const first = await subscribedQueue('roomy-1');
    // 1,024 bytes is the smallest MaximumMessageSize; the envelope of a 1,000-character message is larger.
    const small = await subscribedQueue(
      'too-small',
      { MaximumMessageSize: '1024' },
      { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
    );
    const second = await subscribedQueue('roomy-2');
    const text = 'y'.repeat(1000);
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: text }));
    assert.equal(await receiveOne(small.url), undefined);
    assertEnvelope(await receiveOne(dlq.url), MessageId as string, small.subscriptionArn, text);
    assertEnvelope(await receiveOne(first.url), MessageId as string, first.subscriptionArn, text);
    assertEnvelope(await receiveOne(second.url), MessageId as string, second.subscriptionArn, text);
  });

  test('keeps the other queues’ envelopes when one queue of a fan-out is deleted, and nothing once all are', async () => {
    const deleted = await subscribedQueue('deleted');
    const kept = await subscribedQueue('kept');
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'kept whole ✓' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: deleted.url }));
    assertEnvelope(await receiveOne(kept.url, 0), MessageId as string, kept.subscriptionArn);
    assert.equal(await sharedBodyRows(), 1);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: kept.url }));
    assert.equal(await sharedBodyRows(), 0);
  });
});
