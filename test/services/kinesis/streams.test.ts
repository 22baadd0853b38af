import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ListStreamsCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertKinesisError, createStream, kinesisFor } from './kinesis-helpers.js';

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:${account}:stream/${name}`;

describe('Kinesis streams', () => {
  let cloud: NimbusCloud;
  let kinesis: KinesisClient;
  before(async () => {
    cloud = await startCloud();
    kinesis = kinesisFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateStream', () => {
    test('splits the hash key space evenly over ShardCount shards, as AWS does', async () => {
      await createStream(kinesis, 'three', 3);
      const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: 'three' }));
      assert.deepEqual(
        StreamDescription?.Shards?.map((shard) => [
          shard.ShardId,
          shard.HashKeyRange?.StartingHashKey,
          shard.HashKeyRange?.EndingHashKey,
        ]),
        [
          ['shardId-000000000000', '0', '113427455640312821154458202477256070484'],
          [
            'shardId-000000000001',
            '113427455640312821154458202477256070485',
            '226854911280625642308916404954512140969',
          ],
          [
            'shardId-000000000002',
            '226854911280625642308916404954512140970',
            '340282366920938463463374607431768211455',
          ],
        ],
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        assert.match(shard.SequenceNumberRange?.StartingSequenceNumber ?? '', /^\d{56}$/);
        assert.equal(shard.SequenceNumberRange?.EndingSequenceNumber, undefined);
      }
    });

    test('makes an ON_DEMAND stream of 4 shards, and 4 shards without a ShardCount', async () => {
      await kinesis.send(new CreateStreamCommand({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
      await kinesis.send(new CreateStreamCommand({ StreamName: 'bare' }));
      for (const name of ['od', 'bare']) {
        const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        assert.equal(StreamDescriptionSummary?.OpenShardCount, 4);
        assert.equal(StreamDescriptionSummary?.StreamModeDetails?.StreamMode, 'ON_DEMAND');
      }
    });

    test('answers ACTIVE at once, so the SDK waiter returns on its first poll', async () => {
      await createStream(kinesis, 'waited');
      const started = Date.now();
      const result = await waitUntilStreamExists({ client: kinesis, maxWaitTime: 20 }, { StreamName: 'waited' });
      assert.equal(result.state, 'SUCCESS');
      assert.ok(Date.now() - started < 5000);
    });

    test('returns ResourceInUseException for a name in use', async () => {
      await createStream(kinesis, 'twice');
      await assertKinesisError(
        createStream(kinesis, 'twice'),
        'ResourceInUseException',
        `Stream twice under account ${account} already exists.`,
      );
    });

    test('returns LimitExceededException past the account shard quota', async () => {
      await assertKinesisError(
        createStream(kinesis, 'huge', 501),
        'LimitExceededException',
        `This request would exceed the shard limit for the account ${account} in us-east-1. Current shard count for the account: 0. Limit: 500. Number of additional shards that would have resulted from this request: 501. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
      );
    });

    test('refuses a name the model does not allow, in the front end', async () => {
      await assertKinesisError(
        createStream(kinesis, 'bad name'),
        'ValidationException',
        "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      );
    });
  });

  describe('DescribeStream and DescribeStreamSummary', () => {
    test('describe by StreamARN as by StreamName', async () => {
      await createStream(kinesis, 'by-arn', 2);
      const { StreamDescriptionSummary } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamARN: arnOf('by-arn') }),
      );
      assert.equal(StreamDescriptionSummary?.StreamName, 'by-arn');
      assert.equal(StreamDescriptionSummary?.StreamARN, arnOf('by-arn'));
      assert.equal(StreamDescriptionSummary?.StreamStatus, 'ACTIVE');
      assert.equal(StreamDescriptionSummary?.RetentionPeriodHours, 24);
      assert.equal(StreamDescriptionSummary?.OpenShardCount, 2);
      assert.equal(StreamDescriptionSummary?.EncryptionType, 'NONE');
      assert.equal(StreamDescriptionSummary?.ConsumerCount, 0);
    });

    test('pages shards with Limit and ExclusiveStartShardId', async () => {
      await createStream(kinesis, 'paged', 3);
      const first = await kinesis.send(new DescribeStreamCommand({ StreamName: 'paged', Limit: 2 }));
      assert.deepEqual(
        first.StreamDescription?.Shards?.map((s) => s.ShardId),
        ['shardId-000000000000', 'shardId-000000000001'],
      );
      assert.equal(first.StreamDescription?.HasMoreShards, true);
      const second = await kinesis.send(
        new DescribeStreamCommand({ StreamName: 'paged', ExclusiveStartShardId: 'shardId-000000000001' }),
      );
      assert.deepEqual(
        second.StreamDescription?.Shards?.map((s) => s.ShardId),
        ['shardId-000000000002'],
      );
      assert.equal(second.StreamDescription?.HasMoreShards, false);
    });

    test('returns ResourceNotFoundException in AWS words for a missing stream', async () => {
      await assertKinesisError(
        kinesis.send(new DescribeStreamCommand({ StreamName: 'missing' })),
        'ResourceNotFoundException',
        `Stream missing under account ${account} not found.`,
      );
    });

    test('does not find a stream of another region by its ARN', async () => {
      await createStream(kinesis, 'here');
      await assertKinesisError(
        kinesis.send(
          new DescribeStreamSummaryCommand({ StreamARN: `arn:aws:kinesis:eu-west-1:${account}:stream/here` }),
        ),
        'ResourceNotFoundException',
        `Stream here under account ${account} not found.`,
      );
    });
  });

  describe('ListStreams', () => {
    test('lists names and summaries in name order, paged by NextToken and ExclusiveStartStreamName', async () => {
      for (const name of ['c', 'a', 'b']) await createStream(kinesis, name);
      const first = await kinesis.send(new ListStreamsCommand({ Limit: 2 }));
      assert.deepEqual(first.StreamNames, ['a', 'b']);
      assert.equal(first.HasMoreStreams, true);
      assert.deepEqual(
        first.StreamSummaries?.map((s) => [s.StreamName, s.StreamARN, s.StreamStatus]),
        [
          ['a', arnOf('a'), 'ACTIVE'],
          ['b', arnOf('b'), 'ACTIVE'],
        ],
      );
      assert.ok(first.NextToken);
      const second = await kinesis.send(new ListStreamsCommand({ NextToken: first.NextToken }));
      assert.deepEqual(second.StreamNames, ['c']);
      assert.equal(second.HasMoreStreams, false);
      const fromName = await kinesis.send(new ListStreamsCommand({ ExclusiveStartStreamName: 'a' }));
      assert.deepEqual(fromName.StreamNames, ['b', 'c']);
    });

    test('lists only the caller region streams', async () => {
      await createStream(kinesis, 'east');
      const west = kinesisFor(cloud, 'us-west-2');
      assert.deepEqual((await west.send(new ListStreamsCommand({}))).StreamNames, []);
    });
  });

  describe('DeleteStream', () => {
    test('deletes the stream and its name can be used again', async () => {
      await createStream(kinesis, 'gone', 2);
      await kinesis.send(new DeleteStreamCommand({ StreamARN: arnOf('gone') }));
      await assertKinesisError(
        kinesis.send(new DescribeStreamCommand({ StreamName: 'gone' })),
        'ResourceNotFoundException',
        `Stream gone under account ${account} not found.`,
      );
      await createStream(kinesis, 'gone');
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'gone' }));
      assert.equal(StreamDescriptionSummary?.OpenShardCount, 1);
    });

    test('returns ResourceNotFoundException for a missing stream', async () => {
      await assertKinesisError(
        kinesis.send(new DeleteStreamCommand({ StreamName: 'never' })),
        'ResourceNotFoundException',
        `Stream never under account ${account} not found.`,
      );
    });
  });

  describe('Increase/DecreaseStreamRetentionPeriod', () => {
    test('raises to 8760 hours and lowers back to 24; the same value is accepted', async () => {
      await createStream(kinesis, 'kept');
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 8760 }));
      const summary = async () =>
        (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'kept' }))).StreamDescriptionSummary
          ?.RetentionPeriodHours;
      assert.equal(await summary(), 8760);
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 8760 }));
      await kinesis.send(
        new DecreaseStreamRetentionPeriodCommand({ StreamARN: arnOf('kept'), RetentionPeriodHours: 24 }),
      );
      assert.equal(await summary(), 24);
    });

    test('refuses periods outside 24..8760 hours and the wrong direction, in AWS words', async () => {
      await createStream(kinesis, 'kept');
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 48 }));
      await assertKinesisError(
        kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 8761 })),
        'InvalidArgumentException',
        'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.',
      );
      await assertKinesisError(
        kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 23 })),
        'InvalidArgumentException',
        'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.',
      );
      await assertKinesisError(
        kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 25 })),
        'InvalidArgumentException',
        'Requested retention period (25 hours) for stream kept can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.',
      );
      await assertKinesisError(
        kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 72 })),
        'InvalidArgumentException',
        'Requested retention period (72 hours) for stream kept can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.',
      );
    });
  });

  describe('Start/StopStreamEncryption and enhanced monitoring', () => {
    test('keeps the encryption type and key, and StopStreamEncryption clears them', async () => {
      await createStream(kinesis, 'secret');
      await kinesis.send(
        new StartStreamEncryptionCommand({ StreamName: 'secret', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
      );
      let summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'secret' })))
        .StreamDescriptionSummary;
      assert.equal(summary?.EncryptionType, 'KMS');
      assert.equal(summary?.KeyId, 'alias/aws/kinesis');
      await kinesis.send(
        new StopStreamEncryptionCommand({ StreamName: 'secret', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
      );
      summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'secret' })))
        .StreamDescriptionSummary;
      assert.equal(summary?.EncryptionType, 'NONE');
      assert.equal(summary?.KeyId, undefined);
    });

    test('EnableEnhancedMonitoring answers the metrics before and after', async () => {
      await createStream(kinesis, 'watched');
      const output = await kinesis.send(
        new EnableEnhancedMonitoringCommand({ StreamName: 'watched', ShardLevelMetrics: ['IncomingBytes'] }),
      );
      assert.deepEqual(output.CurrentShardLevelMetrics, []);
      assert.deepEqual(output.DesiredShardLevelMetrics, ['IncomingBytes']);
    });
  });

  describe('DescribeLimits', () => {
    test('reports the shard quota and the open shards', async () => {
      await createStream(kinesis, 'counted', 3);
      const limits = await kinesis.send(new DescribeLimitsCommand({}));
      assert.equal(limits.ShardLimit, 500);
      assert.equal(limits.OpenShardCount, 3);
      assert.equal(limits.OnDemandStreamCountLimit, 50);
    });
  });
});
