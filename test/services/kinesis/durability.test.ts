import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { killHard, spawnNimbus } from '../../helpers/process.js';

const client = (endpoint: string) =>
  new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });

/** Every record of every shard of the stream, as text, by shard. */
async function readStream(kinesis: KinesisClient, stream: string): Promise<string[]> {
  const data: string[] = [];
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of Shards ?? []) {
    let { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    for (;;) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      if (!page.Records || page.Records.length === 0) break;
      for (const record of page.Records) data.push(Buffer.from(record.Data ?? []).toString('utf8'));
      ShardIterator = page.NextShardIterator;
    }
  }
  return data;
}

describe('Kinesis durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-kinesis-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];

  test('every answered PutRecord and PutRecords survives kill -9, in order within its shard', async () => {
    const first = await spawnNimbus(args);
    const kinesis = client(first.endpoint);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'crash', ShardCount: 2 }));
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 16 }, async (_, writer) => {
      for (let n = 0; !stop; n++) {
        try {
          if (n % 2 === 0) {
            await kinesis.send(
              new PutRecordCommand({
                StreamName: 'crash',
                Data: Buffer.from(`w${writer}-${n}`),
                PartitionKey: `p${writer}`,
              }),
            );
            acknowledged.push(`w${writer}-${n}`);
          } else {
            const batch = [0, 1, 2].map((i) => `w${writer}-${n}.${i}`);
            await kinesis.send(
              new PutRecordsCommand({
                StreamName: 'crash',
                Records: batch.map((data) => ({ Data: Buffer.from(data), PartitionKey: `p${writer}` })),
              }),
            );
            acknowledged.push(...batch);
          }
        } catch {
          return; // the server is gone: this put was never answered
        }
      }
    });
    while (acknowledged.length < 600) await new Promise((resolve) => setTimeout(resolve, 5));
    await killHard(first.child);
    stop = true;
    await Promise.all(writers);

    const second = await spawnNimbus(args);
    try {
      const stored = await readStream(client(second.endpoint), 'crash');
      const present = new Set(stored);
      assert.deepEqual(
        acknowledged.filter((data) => !present.has(data)),
        [],
        'answered puts lost in the crash',
      );
      // One writer's records share a partition key, so a shard: they come back in the order sent.
      for (let writer = 0; writer < 16; writer++) {
        const mine = stored.filter((data) => data.startsWith(`w${writer}-`));
        const sent = acknowledged.filter((data) => data.startsWith(`w${writer}-`));
        assert.deepEqual(mine.slice(0, sent.length), sent);
      }
    } finally {
      await killHard(second.child);
    }
  });
});
