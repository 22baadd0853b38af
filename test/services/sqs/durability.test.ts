import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { killHard, spawnNimbus } from '../../helpers/process.js';
import { drainQueue } from '../../helpers/queues.js';

const client = (endpoint: string) =>
  new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

describe('SQS durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-sqs-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];

  test('every acknowledged send survives kill -9 and no acknowledged delete comes back', async () => {
    const first = await spawnNimbus(args);
    const sqs = client(first.endpoint);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'crash-queue' }));
    assert.ok(QueueUrl);
    // 32 sends in flight at a time, so that many share one commit.
    const sent: string[] = [];
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(
        Array.from({ length: 32 }, async (_, i) => {
          const body = `message-${wave}-${i}`;
          await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
          sent.push(body);
        }),
      );
    }
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const deleted = new Set<string>();
    for (const message of Messages ?? []) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      deleted.add(message.Body ?? '');
    }
    assert.equal(deleted.size, 10);
    await killHard(first.child);

    const second = await spawnNimbus(args);
    try {
      const again = client(second.endpoint);
      const url = QueueUrl.replace(first.endpoint, second.endpoint);
      const attributes = await again.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      assert.equal(attributes.Attributes?.ApproximateNumberOfMessages, String(sent.length - deleted.size));
      const bodies = await drainQueue(again, url);
      assert.deepEqual(bodies.sort(), sent.filter((body) => !deleted.has(body)).sort());
    } finally {
      await killHard(second.child);
    }
  });

  test('a send answered just before kill -9 is there after the restart', async () => {
    const first = await spawnNimbus(args);
    const sqs = client(first.endpoint);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'crash-mid-stream' }));
    assert.ok(QueueUrl);
    const acknowledged: string[] = [];
    let stop = false;
    const senders = Array.from({ length: 16 }, async (_, sender) => {
      for (let n = 0; !stop; n++) {
        const body = `stream-${sender}-${n}`;
        try {
          await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
          acknowledged.push(body);
        } catch {
          return; // the server is gone: this send was never acknowledged
        }
      }
    });
    while (acknowledged.length < 500) await new Promise((resolve) => setTimeout(resolve, 5));
    // Killed while sends are in flight: only the answered ones are promised.
    await killHard(first.child);
    stop = true;
    await Promise.all(senders);

    const second = await spawnNimbus(args);
    try {
      const url = QueueUrl.replace(first.endpoint, second.endpoint);
      const bodies = new Set(await drainQueue(client(second.endpoint), url));
      const missing = acknowledged.filter((body) => !bodies.has(body));
      assert.deepEqual(missing, [], 'acknowledged sends lost in the crash');
    } finally {
      await killHard(second.child);
    }
  });
});
