import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { killHard, spawnNimbus } from '../../helpers/process.js';
import { drainQueue } from '../../helpers/queues.js';

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: '123456789012', secretAccessKey: 'test' },
  maxAttempts: 1,
});

describe('SNS durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-sns-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];

  /**
   * Publishes from 16 clients until 300 are answered, kills the server hard, restarts it and
   * returns, per queue, the bodies it holds, with the answered messages and subscriptions.
   */
  async function publishThroughCrash(
    name: string,
    raw: boolean,
  ): Promise<{ acknowledged: string[]; held: Array<{ subscriptionArn: string; bodies: string[] }> }> {
    const first = await spawnNimbus(args);
    const sns = new SNSClient(config(first.endpoint));
    const sqs = new SQSClient(config(first.endpoint));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const queues: Array<{ url: string; subscriptionArn: string }> = [];
    for (let i = 0; i < 3; i++) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${i}` }));
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: `arn:aws:sqs:us-east-1:123456789012:${name}-${i}`,
          Attributes: { RawMessageDelivery: String(raw) },
        }),
      );
      queues.push({ url: QueueUrl as string, subscriptionArn: SubscriptionArn as string });
    }
    const acknowledged: string[] = [];
    let stop = false;
    const publishers = Array.from({ length: 16 }, async (_, publisher) => {
      for (let n = 0; !stop; n++) {
        const message = `publish-${publisher}-${n}`;
        try {
          await sns.send(new PublishCommand({ TopicArn, Message: message }));
          acknowledged.push(message);
        } catch {
          return; // the server is gone: this publish was never acknowledged
        }
      }
    });
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5));
    await killHard(first.child);
    stop = true;
    await Promise.all(publishers);

    const second = await spawnNimbus(args);
    try {
      const again = new SQSClient(config(second.endpoint));
      const held = [];
      for (const queue of queues) {
        const bodies = await drainQueue(again, queue.url.replace(first.endpoint, second.endpoint));
        held.push({ subscriptionArn: queue.subscriptionArn, bodies });
      }
      return { acknowledged, held };
    } finally {
      await killHard(second.child);
    }
  }

  test('a publish answered before kill -9 is in every subscribed queue after the restart', async () => {
    const { acknowledged, held } = await publishThroughCrash('crash-topic', true);
    for (const { subscriptionArn, bodies } of held) {
      const kept = new Set(bodies);
      const missing = acknowledged.filter((message) => !kept.has(message));
      assert.deepEqual(missing, [], `acknowledged publishes lost from ${subscriptionArn}`);
    }
  });

  test('an envelope answered before kill -9 is whole in every subscribed queue after the restart', async () => {
    // Envelopes share one stored text between the queues of a publish: each comes back whole,
    // with its own UnsubscribeURL (the SDK checks each MD5OfBody).
    const { acknowledged, held } = await publishThroughCrash('crash-envelopes', false);
    for (const { subscriptionArn, bodies } of held) {
      const kept = new Set<string>();
      for (const body of bodies) {
        const envelope = JSON.parse(body) as { Message: string; UnsubscribeURL: string };
        assert.ok(envelope.UnsubscribeURL.endsWith(`&SubscriptionArn=${subscriptionArn}`), envelope.UnsubscribeURL);
        kept.add(envelope.Message);
      }
      const missing = acknowledged.filter((message) => !kept.has(message));
      assert.deepEqual(missing, [], `acknowledged publishes lost from ${subscriptionArn}`);
    }
  });
});
