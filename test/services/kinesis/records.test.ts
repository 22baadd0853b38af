import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertKinesisError, bytes, createStream, iterator, kinesisFor, readAll } from './kinesis-helpers.js';

describe('Kinesis records', () => {
  let cloud: NimbusCloud;
  let kinesis: KinesisClient;
  before(async () => {
    cloud = await startCloud();
    kinesis = kinesisFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function put(stream: string, data: string, key = 'k') {
    return kinesis.send(new PutRecordCommand({ StreamName: stream, Data: bytes(data), PartitionKey: key }));
  }

  describe('PutRecord', () => {
    test('answers 56-digit sequence numbers that grow within a shard', async () => {
      await createStream(kinesis, 's');
      const numbers: string[] = [];
      for (let i = 0; i < 5; i++) numbers.push((await put('s', `r${i}`)).SequenceNumber as string);
      for (const number of numbers) assert.match(number, /^\d{56}$/);
      const asBig = numbers.map(BigInt);
      for (let i = 1; i < asBig.length; i++) assert.ok((asBig[i] as bigint) > (asBig[i - 1] as bigint));
    });

    test('sends a partition key to the shard whose range holds its MD5', async () => {
      await createStream(kinesis, 'spread', 4);
      const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: 'spread' }));
      for (const key of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']) {
        const hash = BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
        const expected = StreamDescription?.Shards?.find(
          (shard) =>
            BigInt(shard.HashKeyRange?.StartingHashKey ?? '0') <= hash &&
            hash <= BigInt(shard.HashKeyRange?.EndingHashKey ?? '0'),
        );
        assert.equal((await put('spread', key, key)).ShardId, expected?.ShardId);
      }
    });

    test('ExplicitHashKey picks the shard instead of the partition key', async () => {
      await createStream(kinesis, 'explicit', 2);
      const output = await kinesis.send(
        new PutRecordCommand({
          StreamName: 'explicit',
          Data: bytes('x'),
          PartitionKey: 'any',
          ExplicitHashKey: '340282366920938463463374607431768211455',
        }),
      );
      assert.equal(output.ShardId, 'shardId-000000000001');
    });

    test('refuses an ExplicitHashKey above 2^128-1', async () => {
      await createStream(kinesis, 'explicit');
      await assertKinesisError(
        kinesis.send(
          new PutRecordCommand({
            StreamName: 'explicit',
            Data: bytes('x'),
            PartitionKey: 'any',
            ExplicitHashKey: '340282366920938463463374607431768211456',
          }),
        ),
        'InvalidArgumentException',
        'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456',
      );
    });

    test('refuses a record over 1 MiB and takes one of exactly 1 MiB', async () => {
      await createStream(kinesis, 'big');
      await put('big', 'x'.repeat(1024 * 1024));
      await assertKinesisError(
        put('big', 'x'.repeat(1024 * 1024 + 1)),
        'ValidationException',
        "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      );
    });

    test('returns ResourceNotFoundException for a missing stream', async () => {
      await assertKinesisError(
        put('nowhere', 'x'),
        'ResourceNotFoundException',
        `Stream nowhere under account ${account} not found.`,
      );
    });
  });

  describe('PutRecords', () => {
    test('answers one entry per record in order, each with its shard and sequence number', async () => {
      await createStream(kinesis, 'batch', 2);
      const records = Array.from({ length: 500 }, (_, i) => ({ Data: bytes(`m${i}`), PartitionKey: `key-${i}` }));
      const output = await kinesis.send(new PutRecordsCommand({ StreamName: 'batch', Records: records }));
      assert.equal(output.FailedRecordCount, 0);
      assert.equal(output.Records?.length, 500);
      const got = [
        ...(await readAll(kinesis, 'batch')),
        ...(await readAll(kinesis, 'batch', 'TRIM_HORIZON', { shard: 'shardId-000000000001' })),
      ];
      assert.equal(got.length, 500);
      for (const entry of output.Records ?? []) {
        assert.match(entry.SequenceNumber ?? '', /^\d{56}$/);
        assert.match(entry.ShardId ?? '', /^shardId-00000000000[01]$/);
      }
    });

    test('refuses more than 500 records in the front end', async () => {
      await createStream(kinesis, 'batch');
      const records = Array.from({ length: 501 }, () => ({ Data: bytes('x'), PartitionKey: 'k' }));
      await assert.rejects(kinesis.send(new PutRecordsCommand({ StreamName: 'batch', Records: records })), {
        name: 'ValidationException',
      });
    });

    test('refuses a request over 5 MiB', async () => {
      await createStream(kinesis, 'batch');
      const mib = 'x'.repeat(1024 * 1024);
      const records = Array.from({ length: 6 }, () => ({ Data: bytes(mib), PartitionKey: 'k' }));
      await assertKinesisError(
        kinesis.send(new PutRecordsCommand({ StreamName: 'batch', Records: records })),
        'InvalidArgumentException',
        'Records size exceeds 5 MB limit',
      );
    });

    test('names the entry over 1 MiB', async () => {
      await createStream(kinesis, 'batch');
      const records = [
        { Data: bytes('ok'), PartitionKey: 'k' },
        { Data: bytes('x'.repeat(1024 * 1024 + 1)), PartitionKey: 'k' },
      ];
      await assertKinesisError(
        kinesis.send(new PutRecordsCommand({ StreamName: 'batch', Records: records })),
        'ValidationException',
        "1 validation error detected: Value at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      );
    });
  });

  describe('GetShardIterator and GetRecords', () => {
    test('reads a shard in order with its data, partition keys and arrival times', async () => {
      await createStream(kinesis, 's');
      const sent = ['', 'test', 'ünicode', 'a'.repeat(1000)];
      for (const data of sent) await put('s', data, '1');
      const { Records, NextShardIterator, MillisBehindLatest } = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: await iterator(kinesis, 's', 'TRIM_HORIZON') }),
      );
      assert.deepEqual(
        Records?.map((r) => Buffer.from(r.Data ?? []).toString()),
        sent,
      );
      assert.deepEqual(
        Records?.map((r) => r.PartitionKey),
        ['1', '1', '1', '1'],
      );
      for (const record of Records ?? []) {
        assert.ok(record.ApproximateArrivalTimestamp instanceof Date);
        assert.ok(Math.abs((record.ApproximateArrivalTimestamp?.getTime() ?? 0) - cloud.clock.now()) < 60_000);
      }
      assert.ok(NextShardIterator);
      assert.equal(MillisBehindLatest, 0);
    });

    test('one GetRecords of 10,000 records answers them all in sequence order with their data', async () => {
      await createStream(kinesis, 's');
      for (let sent = 0; sent < 10_000; sent += 500) {
        const entries = Array.from({ length: 500 }, (_, i) => ({
          Data: bytes(`r${sent + i}`),
          PartitionKey: `k${(sent + i) % 7}`,
        }));
        const out = await kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: entries }));
        assert.deepEqual(
          out.Records?.filter((r) => r.ErrorCode),
          [],
        );
      }
      const page = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: await iterator(kinesis, 's', 'TRIM_HORIZON'), Limit: 10_000 }),
      );
      const records = page.Records ?? [];
      assert.equal(records.length, 10_000);
      records.forEach((record, i) => {
        assert.equal(Buffer.from(record.Data ?? []).toString(), `r${i}`);
        assert.equal(record.PartitionKey, `k${i % 7}`);
      });
      for (let i = 1; i < records.length; i++) {
        assert.ok(BigInt(records[i]?.SequenceNumber ?? 0) > BigInt(records[i - 1]?.SequenceNumber ?? 0));
      }
      const next = await kinesis.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
      assert.deepEqual(next.Records, []);
      assert.equal(next.MillisBehindLatest, 0);
    });

    test('a page stops before 10 MiB of data and the next page goes on from there', async () => {
      await createStream(kinesis, 's');
      const mib = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 12; i++) {
        await kinesis.send(
          new PutRecordCommand({
            StreamName: 's',
            Data: Buffer.concat([Buffer.from(`${i}:`), mib.subarray(`${i}:`.length)]),
            PartitionKey: 'k',
          }),
        );
      }
      const first = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: await iterator(kinesis, 's', 'TRIM_HORIZON') }),
      );
      assert.equal(first.Records?.length, 10);
      assert.deepEqual(
        first.Records?.map((r) =>
          Buffer.from(r.Data ?? [])
            .subarray(0, 2)
            .toString(),
        ),
        ['0:', '1:', '2:', '3:', '4:', '5:', '6:', '7:', '8:', '9:'],
      );
      assert.ok((first.Records ?? []).every((r) => r.Data?.length === 1024 * 1024));
      const second = await kinesis.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }));
      assert.deepEqual(
        second.Records?.map((r) =>
          Buffer.from(r.Data ?? [])
            .subarray(0, 3)
            .toString(),
        ),
        ['10:', '11:'],
      );
    });

    test('LATEST starts after the last record; NextShardIterator picks up what comes later', async () => {
      await createStream(kinesis, 's');
      await put('s', 'before');
      const latest = await iterator(kinesis, 's', 'LATEST');
      let page = await kinesis.send(new GetRecordsCommand({ ShardIterator: latest }));
      assert.deepEqual(page.Records, []);
      await put('s', 'after');
      page = await kinesis.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
      assert.deepEqual(
        page.Records?.map((r) => Buffer.from(r.Data ?? []).toString()),
        ['after'],
      );
    });

    test('AT_ and AFTER_SEQUENCE_NUMBER replay from any retained record', async () => {
      await createStream(kinesis, 's');
      const numbers: string[] = [];
      for (const data of ['a', 'b', 'c']) numbers.push((await put('s', data)).SequenceNumber as string);
      assert.deepEqual(await readAll(kinesis, 's', 'AT_SEQUENCE_NUMBER', { sequence: numbers[1] }), ['b', 'c']);
      assert.deepEqual(await readAll(kinesis, 's', 'AFTER_SEQUENCE_NUMBER', { sequence: numbers[1] }), ['c']);
    });

    test('AT_TIMESTAMP starts at the first record that arrived at or after the time', async () => {
      await createStream(kinesis, 's');
      await put('s', 'old');
      cloud.clock.advance(60);
      const cut = new Date(cloud.clock.now());
      await put('s', 'new');
      assert.deepEqual(await readAll(kinesis, 's', 'AT_TIMESTAMP', { timestamp: cut }), ['new']);
    });

    test('Limit pages the shard and MillisBehindLatest tells how far behind the page is', async () => {
      await createStream(kinesis, 's');
      for (const data of ['1', '2', '3']) await put('s', data);
      cloud.clock.advance(10);
      const first = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: await iterator(kinesis, 's', 'TRIM_HORIZON'), Limit: 2 }),
      );
      assert.deepEqual(
        first.Records?.map((r) => Buffer.from(r.Data ?? []).toString()),
        ['1', '2'],
      );
      assert.ok((first.MillisBehindLatest ?? 0) >= 10_000);
      const second = await kinesis.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 2 }));
      assert.deepEqual(
        second.Records?.map((r) => Buffer.from(r.Data ?? []).toString()),
        ['3'],
      );
      assert.equal(second.MillisBehindLatest, 0);
    });

    test('an iterator expires after 5 minutes of Nimbus time', async () => {
      await createStream(kinesis, 's');
      const shardIterator = await iterator(kinesis, 's', 'TRIM_HORIZON');
      cloud.clock.advance(301);
      await assert.rejects(kinesis.send(new GetRecordsCommand({ ShardIterator: shardIterator })), (error: Error) => {
        assert.equal(error.name, 'ExpiredIteratorException');
        assert.match(
          error.message,
          /^Iterator expired\. The iterator was created at time \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4} while right now it is .* which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
        );
        return true;
      });
    });

    test('records past the retention period are no longer read', async () => {
      await createStream(kinesis, 's');
      await put('s', 'day one');
      cloud.clock.advance(23 * 3600);
      await put('s', 'day two');
      cloud.clock.advance(3600 + 1);
      assert.deepEqual(await readAll(kinesis, 's'), ['day two']);
    });

    test('the sweep deletes the rows of records past retention within a minute of Nimbus time', async () => {
      await createStream(kinesis, 's');
      for (const data of ['1', '2', '3']) await put('s', data);
      const db = cloud.server.nimbus.deps().db;
      const rows = () => (db.prepare('SELECT count(*) AS n FROM kinesis_records').get() as { n: number }).n;
      assert.equal(rows(), 3);
      cloud.clock.advance(24 * 3600 + 60);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(rows(), 0);
    });

    test('a longer retention keeps records longer', async () => {
      await createStream(kinesis, 's');
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 's', RetentionPeriodHours: 48 }));
      await put('s', 'kept');
      cloud.clock.advance(30 * 3600);
      assert.deepEqual(await readAll(kinesis, 's'), ['kept']);
    });

    test('refuses a sequence number with TRIM_HORIZON and none with AT_SEQUENCE_NUMBER', async () => {
      await createStream(kinesis, 's');
      const { SequenceNumber } = await put('s', 'x');
      await assertKinesisError(
        iterator(kinesis, 's', 'TRIM_HORIZON', { sequence: SequenceNumber }),
        'InvalidArgumentException',
        'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified TRIM_HORIZON and also a StartingSequenceNumber.',
      );
      await assertKinesisError(
        iterator(kinesis, 's', 'AT_SEQUENCE_NUMBER'),
        'InvalidArgumentException',
        'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.',
      );
    });

    test('refuses a sequence number of another shard and one we never made', async () => {
      await createStream(kinesis, 's', 2);
      const output = await kinesis.send(
        new PutRecordCommand({ StreamName: 's', Data: bytes('x'), PartitionKey: 'k', ExplicitHashKey: '0' }),
      );
      await assertKinesisError(
        iterator(kinesis, 's', 'AT_SEQUENCE_NUMBER', {
          sequence: output.SequenceNumber,
          shard: 'shardId-000000000001',
        }),
        'InvalidArgumentException',
        'Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001',
      );
      await assertKinesisError(
        iterator(kinesis, 's', 'AT_SEQUENCE_NUMBER', { sequence: '12345' }),
        'InvalidArgumentException',
        `StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream s under account ${account} is invalid.`,
      );
    });

    test('returns ResourceNotFoundException for a shard the stream does not have', async () => {
      await createStream(kinesis, 's');
      await assertKinesisError(
        iterator(kinesis, 's', 'TRIM_HORIZON', { shard: 'shardId-000000000007' }),
        'ResourceNotFoundException',
        `Shard shardId-000000000007 in stream s under account ${account} does not exist`,
      );
    });

    test('refuses an iterator it did not make', async () => {
      await assertKinesisError(
        kinesis.send(new GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAGmadeup' })),
        'InvalidArgumentException',
        'Invalid ShardIterator.',
      );
    });
  });
});
