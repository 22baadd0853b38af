import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  type Shard,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertKinesisError, bytes, createStream, iterator, kinesisFor } from './kinesis-helpers.js';

const half = '170141183460469231731687303715884105728';
const max = '340282366920938463463374607431768211455';

describe('Kinesis resharding', () => {
  let cloud: NimbusCloud;
  let kinesis: KinesisClient;
  before(async () => {
    cloud = await startCloud();
    kinesis = kinesisFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function shards(stream: string): Promise<Shard[]> {
    return (await kinesis.send(new DescribeStreamCommand({ StreamName: stream }))).StreamDescription?.Shards ?? [];
  }

  async function put(stream: string, data: string, hashKey: string) {
    return kinesis.send(
      new PutRecordCommand({ StreamName: stream, Data: bytes(data), PartitionKey: 'k', ExplicitHashKey: hashKey }),
    );
  }

  describe('SplitShard', () => {
    test('closes the parent and opens two children with its halves', async () => {
      await createStream(kinesis, 's');
      await kinesis.send(
        new SplitShardCommand({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: half }),
      );
      const [parent, low, high] = await shards('s');
      assert.match(parent?.SequenceNumberRange?.EndingSequenceNumber ?? '', /^\d{56}$/);
      assert.deepEqual(
        [low, high].map((shard) => [
          shard?.ShardId,
          shard?.ParentShardId,
          shard?.HashKeyRange?.StartingHashKey,
          shard?.HashKeyRange?.EndingHashKey,
        ]),
        [
          ['shardId-000000000001', 'shardId-000000000000', '0', (BigInt(half) - 1n).toString()],
          ['shardId-000000000002', 'shardId-000000000000', half, max],
        ],
      );
      assert.ok(
        BigInt(low?.SequenceNumberRange?.StartingSequenceNumber ?? '0') >
          BigInt(parent?.SequenceNumberRange?.EndingSequenceNumber ?? '0'),
      );
    });

    test('a closed parent is read to its end: no NextShardIterator, and its ChildShards', async () => {
      await createStream(kinesis, 's');
      await put('s', 'before', '0');
      const parentIterator = await iterator(kinesis, 's', 'TRIM_HORIZON');
      await kinesis.send(
        new SplitShardCommand({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: half }),
      );
      const after = await put('s', 'after', '0');
      assert.equal(after.ShardId, 'shardId-000000000001');
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: parentIterator }));
      assert.deepEqual(
        page.Records?.map((r) => Buffer.from(r.Data ?? []).toString()),
        ['before'],
      );
      assert.equal(page.NextShardIterator, undefined);
      assert.deepEqual(
        page.ChildShards?.map((child) => [child.ShardId, child.ParentShards]),
        [
          ['shardId-000000000001', ['shardId-000000000000']],
          ['shardId-000000000002', ['shardId-000000000000']],
        ],
      );
    });

    test('refuses a NewStartingHashKey outside the shard, in AWS words', async () => {
      await createStream(kinesis, 's', 2);
      await assertKinesisError(
        kinesis.send(
          new SplitShardCommand({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: max }),
        ),
        'InvalidArgumentException',
        `NewStartingHashKey ${max} used in SplitShard() on shard shardId-000000000000 in stream s under account ${account} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 170141183460469231731687303715884105727.`,
      );
    });

    test('returns ResourceNotFoundException for a shard the stream does not have', async () => {
      await createStream(kinesis, 's');
      await assertKinesisError(
        kinesis.send(
          new SplitShardCommand({ StreamName: 's', ShardToSplit: 'shardId-000000000009', NewStartingHashKey: half }),
        ),
        'ResourceNotFoundException',
        `Could not find shard shardId-000000000009 in stream s under account ${account}.`,
      );
    });
  });

  describe('MergeShards', () => {
    test('closes both and opens one child over both ranges with both parents', async () => {
      await createStream(kinesis, 's', 2);
      await kinesis.send(
        new MergeShardsCommand({
          StreamName: 's',
          ShardToMerge: 'shardId-000000000000',
          AdjacentShardToMerge: 'shardId-000000000001',
        }),
      );
      const all = await shards('s');
      const child = all.find((shard) => shard.ShardId === 'shardId-000000000002');
      assert.equal(child?.ParentShardId, 'shardId-000000000000');
      assert.equal(child?.AdjacentParentShardId, 'shardId-000000000001');
      assert.deepEqual(child?.HashKeyRange, { StartingHashKey: '0', EndingHashKey: max });
      assert.equal(all.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber).length, 2);
    });

    test('refuses shards that are not adjacent', async () => {
      await createStream(kinesis, 's', 3);
      await assertKinesisError(
        kinesis.send(
          new MergeShardsCommand({
            StreamName: 's',
            ShardToMerge: 'shardId-000000000000',
            AdjacentShardToMerge: 'shardId-000000000002',
          }),
        ),
        'InvalidArgumentException',
        `Shards shardId-000000000000 and shardId-000000000002 in stream s under account ${account} are not an adjacent pair of shards eligible for merging`,
      );
    });
  });

  describe('UpdateShardCount', () => {
    test('doubles uniformly and answers the counts', async () => {
      await createStream(kinesis, 's', 2);
      const output = await kinesis.send(
        new UpdateShardCountCommand({ StreamName: 's', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
      );
      assert.equal(output.CurrentShardCount, 2);
      assert.equal(output.TargetShardCount, 4);
      const open = (await shards('s')).filter((shard) => !shard.SequenceNumberRange?.EndingSequenceNumber);
      assert.equal(open.length, 4);
      assert.deepEqual(
        open.map((shard) => shard.ParentShardId),
        ['shardId-000000000000', 'shardId-000000000000', 'shardId-000000000001', 'shardId-000000000001'],
      );
    });

    test('refuses more than double the open shards', async () => {
      await createStream(kinesis, 's', 2);
      await assert.rejects(
        kinesis.send(
          new UpdateShardCountCommand({ StreamName: 's', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }),
        ),
        { name: 'LimitExceededException' },
      );
    });

    test('refuses an on-demand stream', async () => {
      await kinesis.send(new CreateStreamCommand({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
      await assertKinesisError(
        kinesis.send(
          new UpdateShardCountCommand({ StreamName: 'od', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }),
        ),
        'ValidationException',
        `Request is invalid. Stream od under account ${account} is in On-Demand mode.`,
      );
    });
  });

  describe('ListShards', () => {
    test('ShardFilter AT_LATEST lists the open shards, FROM_TRIM_HORIZON all of them', async () => {
      await createStream(kinesis, 's');
      await kinesis.send(
        new SplitShardCommand({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: half }),
      );
      const latest = await kinesis.send(new ListShardsCommand({ StreamName: 's', ShardFilter: { Type: 'AT_LATEST' } }));
      assert.deepEqual(
        latest.Shards?.map((s) => s.ShardId),
        ['shardId-000000000001', 'shardId-000000000002'],
      );
      const all = await kinesis.send(
        new ListShardsCommand({ StreamName: 's', ShardFilter: { Type: 'FROM_TRIM_HORIZON' } }),
      );
      assert.equal(all.Shards?.length, 3);
      const horizon = await kinesis.send(
        new ListShardsCommand({ StreamName: 's', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }),
      );
      assert.deepEqual(
        horizon.Shards?.map((s) => s.ShardId),
        ['shardId-000000000000'],
      );
    });

    test('pages with MaxResults and a NextToken that goes alone', async () => {
      await createStream(kinesis, 's', 3);
      const first = await kinesis.send(new ListShardsCommand({ StreamName: 's', MaxResults: 2 }));
      assert.equal(first.Shards?.length, 2);
      assert.ok(first.NextToken);
      const second = await kinesis.send(new ListShardsCommand({ NextToken: first.NextToken }));
      assert.deepEqual(
        second.Shards?.map((s) => s.ShardId),
        ['shardId-000000000002'],
      );
      assert.equal(second.NextToken, undefined);
      const after = await kinesis.send(
        new ListShardsCommand({ StreamName: 's', ExclusiveStartShardId: 'shardId-000000000000' }),
      );
      assert.equal(after.Shards?.length, 2);
      await assertKinesisError(
        kinesis.send(new ListShardsCommand({ StreamName: 's', NextToken: first.NextToken })),
        'InvalidArgumentException',
        'NextToken and StreamName cannot be provided together.',
      );
    });

    test('a closed shard disappears once the retention period has passed', async () => {
      await createStream(kinesis, 's');
      await kinesis.send(
        new SplitShardCommand({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: half }),
      );
      cloud.clock.advance(24 * 3600 + 1);
      const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: 's' }));
      assert.deepEqual(
        Shards?.map((s) => s.ShardId),
        ['shardId-000000000001', 'shardId-000000000002'],
      );
    });
  });
});
