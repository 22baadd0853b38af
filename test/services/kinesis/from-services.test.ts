import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type KinesisClient, PutRecordCommand, PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import type { KinesisFeed } from '../../../src/services/kinesis/from-services.js';
import { startCloud } from '../../helpers/cloud.js';
import { account, bytes, createStream, kinesisFor } from './kinesis-helpers.js';

const arn = `arn:aws:kinesis:us-east-1:${account}:stream/fed`;
const text = (data: Uint8Array | undefined) => Buffer.from(data ?? []).toString('utf8');

describe('KinesisFeed (kinesisFeed on the provider)', () => {
  let cloud: NimbusCloud;
  let kinesis: KinesisClient;
  let feed: KinesisFeed;
  before(async () => {
    cloud = await startCloud();
    kinesis = kinesisFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    feed = ((await cloud.server.nimbus.deps().provider('kinesis')) as unknown as { kinesisFeed: KinesisFeed })
      .kinesisFeed;
    await createStream(kinesis, 'fed');
  });

  async function put(data: string) {
    return kinesis.send(new PutRecordCommand({ StreamName: 'fed', Data: bytes(data), PartitionKey: 'k' }));
  }

  test('reads a shard from TRIM_HORIZON in pages, each returning the position to read after', async () => {
    for (const data of ['a', 'b', 'c']) await put(data);
    const start = feed.startPosition(arn, 'shardId-000000000000', 'TRIM_HORIZON');
    assert.ok(start);
    const first = feed.readShard(arn, 'shardId-000000000000', start, 2);
    assert.deepEqual(
      first?.records.map((r) => text(r.Data)),
      ['a', 'b'],
    );
    const second = feed.readShard(arn, 'shardId-000000000000', first?.position ?? '', 2);
    assert.deepEqual(
      second?.records.map((r) => text(r.Data)),
      ['c'],
    );
    assert.equal(second?.ended, false);
    const third = feed.readShard(arn, 'shardId-000000000000', second?.position ?? '', 2);
    assert.deepEqual(third?.records, []);
    assert.equal(third?.position, second?.position);
  });

  test('LATEST starts after what is there; AT_TIMESTAMP at the first record since the time', async () => {
    await put('old');
    const latest = feed.startPosition(arn, 'shardId-000000000000', 'LATEST') ?? '';
    cloud.clock.advance(5);
    const since = cloud.clock.now();
    await put('new');
    assert.deepEqual(
      feed.readShard(arn, 'shardId-000000000000', latest, 10)?.records.map((r) => text(r.Data)),
      ['new'],
    );
    const at = feed.startPosition(arn, 'shardId-000000000000', 'AT_TIMESTAMP', since) ?? '';
    assert.deepEqual(
      feed.readShard(arn, 'shardId-000000000000', at, 10)?.records.map((r) => text(r.Data)),
      ['new'],
    );
  });

  test('wakes a listener once a put has committed, and not after it stops listening', async () => {
    let woken = 0;
    const stop = feed.onRecords(arn, () => woken++);
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'fed',
        Records: [
          { Data: bytes('1'), PartitionKey: 'k' },
          { Data: bytes('2'), PartitionKey: 'k' },
        ],
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(woken, 1);
    stop();
    await put('3');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(woken, 1);
  });

  test('lists shards with their parents and says when a closed shard has been read to its end', async () => {
    await put('before');
    const start = feed.startPosition(arn, 'shardId-000000000000', 'TRIM_HORIZON') ?? '';
    await kinesis.send(
      new SplitShardCommand({
        StreamName: 'fed',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: '170141183460469231731687303715884105728',
      }),
    );
    assert.deepEqual(feed.shards(arn), [
      { shardId: 'shardId-000000000000', parentShardIds: [], closed: true },
      { shardId: 'shardId-000000000001', parentShardIds: ['shardId-000000000000'], closed: false },
      { shardId: 'shardId-000000000002', parentShardIds: ['shardId-000000000000'], closed: false },
    ]);
    const read = feed.readShard(arn, 'shardId-000000000000', start, 100);
    assert.deepEqual(
      read?.records.map((r) => text(r.Data)),
      ['before'],
    );
    assert.equal(read?.ended, true);
    assert.deepEqual(
      read?.childShards.map((child) => child.ShardId),
      ['shardId-000000000001', 'shardId-000000000002'],
    );
  });

  test('answers undefined for a stream that does not exist', () => {
    assert.equal(feed.shards(`arn:aws:kinesis:us-east-1:${account}:stream/none`), undefined);
    assert.equal(
      feed.startPosition(`arn:aws:kinesis:us-east-1:${account}:stream/none`, 'shardId-000000000000', 'LATEST'),
      undefined,
    );
  });
});
