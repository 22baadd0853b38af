import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateDeliveryStreamCommand, FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { killHard, spawnNimbus } from '../../helpers/process.js';
import { account, delivered, objectText, role, utf8 } from './firehose-helpers.js';

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: account, secretAccessKey: 'test' },
  maxAttempts: 1,
});

describe('Firehose durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-firehose-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];

  test('records answered before kill -9 are delivered after the restart, once their interval passes', async () => {
    const first = await spawnNimbus(args);
    const firehose = new FirehoseClient(config(first.endpoint));
    await new S3Client({ ...config(first.endpoint), forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: 'crash-sink' }),
    );
    await firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'crash',
        ExtendedS3DestinationConfiguration: {
          RoleARN: role,
          BucketARN: 'arn:aws:s3:::crash-sink',
          BufferingHints: { IntervalInSeconds: 300 },
        },
      }),
    );
    const sent: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const texts = [`${i}-a;`, `${i}-b;`];
        await firehose.send(
          new PutRecordBatchCommand({ DeliveryStreamName: 'crash', Records: texts.map((t) => ({ Data: utf8(t) })) }),
        );
        sent.push(...texts);
      }),
    );
    await killHard(first.child);

    const second = await spawnNimbus(args);
    try {
      const s3 = new S3Client({ ...config(second.endpoint), forcePathStyle: true });
      const moved = await fetch(`${second.endpoint}/_nimbus/clock?advance=300`, { method: 'POST' });
      assert.equal(moved.status, 200);
      const [key] = await delivered(s3, 'crash-sink', 1);
      assert.ok(key, 'an object was delivered');
      const body = await objectText(s3, 'crash-sink', key);
      assert.deepEqual(
        body
          .split(';')
          .filter(Boolean)
          .map((t) => `${t};`)
          .sort(),
        sent.sort(),
      );
    } finally {
      await killHard(second.child);
    }
  });
});
