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

  test('a publish answered before kill -9 is in every subscribed queue after the restart', async () => {
    const first = await spawnNimbus(args);
    const sns = new SNSClient(config(first.endpoint));
    const sqs = new SQSClient(config(first.endpoint));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'crash-topic' }));
    const queues: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `crash-fanout-${i}` }));
      queues.push(QueueUrl as string);
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: `arn:aws:sqs:us-east-1:123456789012:crash-fanout-${i}`,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
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
      for (const queueUrl of queues) {
        const bodies = new Set(await drainQueue(again, queueUrl.replace(first.endpoint, second.endpoint)));
        const missing = acknowledged.filter((message) => !bodies.has(message));
        assert.deepEqual(missing, [], `acknowledged publishes lost from ${queueUrl}`);
      }
    } finally {
      await killHard(second.child);
    }
  });
});
