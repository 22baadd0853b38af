/**
 * SubscribeToShard through SDK v3's own client (HTTP/2 by default): the event stream, each
 * starting position, a closed shard's ChildShards, the 5-minute end on the Nimbus clock, and what
 * the server lets go of when a client is done. Errors are in subscribe-to-shard-errors.test.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { PutRecordCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { kinesisOverHttp1 } from './kinesis-helpers.js';
import {
  nextEvent,
  nextMessage,
  openSubscriptions,
  put,
  readRecords,
  type Setup,
  setUp,
  shard0,
  subscribe,
  subscriptionCounter,
  tearDown,
  untilOpen,
} from './subscribe-to-shard-helpers.js';

describe('SubscribeToShard', () => {
  let setup: Setup | undefined;
  afterEach(async () => {
    if (setup) await tearDown(setup);
    setup = undefined;
  });

  describe('behaviour', () => {
    test('pushes the records put before and during the subscription, in order', async () => {
      setup = await setUp();
      const sequences = [await put(setup.kinesis, 'a'), await put(setup.kinesis, 'b')];
      const subscribed = await subscribe(setup, { Type: 'TRIM_HORIZON' });
      const first = await nextEvent(subscribed);
      assert.deepEqual(
        first.Records?.map((record) => [Buffer.from(record.Data ?? []).toString(), record.PartitionKey]),
        [
          ['a', 'k'],
          ['b', 'k'],
        ],
      );
      assert.deepEqual(
        first.Records?.map((record) => record.SequenceNumber),
        sequences,
      );
      assert.ok(first.Records?.[0]?.ApproximateArrivalTimestamp instanceof Date);
      assert.equal(first.ContinuationSequenceNumber, sequences[1]);
      assert.equal(first.MillisBehindLatest, 0);
      assert.equal(first.ChildShards, undefined);
      sequences.push(await put(setup.kinesis, 'c'), await put(setup.kinesis, 'd'));
      assert.deepEqual(await readRecords(subscribed, 2), ['c', 'd']);
      subscribed.abort();
    });

    test('pushes a record put during the subscription without waiting for an idle period', async () => {
      setup = await setUp();
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      assert.deepEqual((await nextEvent(subscribed)).Records, []);
      const started = Date.now();
      await put(setup.kinesis, 'now');
      assert.deepEqual(await readRecords(subscribed, 1), ['now']);
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      subscribed.abort();
    });

    test('LATEST starts after the records already in the shard', async () => {
      setup = await setUp();
      await put(setup.kinesis, 'old');
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      await put(setup.kinesis, 'new');
      assert.deepEqual(await readRecords(subscribed, 1), ['new']);
      subscribed.abort();
    });

    test('AT_SEQUENCE_NUMBER starts at that record', async () => {
      setup = await setUp();
      await put(setup.kinesis, 'a');
      const b = await put(setup.kinesis, 'b');
      await put(setup.kinesis, 'c');
      const subscribed = await subscribe(setup, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: b });
      assert.deepEqual(await readRecords(subscribed, 2), ['b', 'c']);
      subscribed.abort();
    });

    test('AFTER_SEQUENCE_NUMBER starts after that record', async () => {
      setup = await setUp();
      await put(setup.kinesis, 'a');
      const b = await put(setup.kinesis, 'b');
      await put(setup.kinesis, 'c');
      const subscribed = await subscribe(setup, { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: b });
      assert.deepEqual(await readRecords(subscribed, 1), ['c']);
      subscribed.abort();
    });

    test('AT_TIMESTAMP starts at the first record that arrived at or after the time', async () => {
      setup = await setUp();
      await put(setup.kinesis, 'early');
      setup.cloud.clock.advance(60);
      const from = new Date(setup.cloud.clock.now());
      await put(setup.kinesis, 'late');
      const subscribed = await subscribe(setup, { Type: 'AT_TIMESTAMP', Timestamp: from });
      assert.deepEqual(await readRecords(subscribed, 1), ['late']);
      subscribed.abort();
    });

    test('ContinuationSequenceNumber resumes a later subscription with AFTER_SEQUENCE_NUMBER', async () => {
      setup = await setUp();
      await put(setup.kinesis, 'a');
      const first = await subscribe(setup, { Type: 'TRIM_HORIZON' });
      const { ContinuationSequenceNumber } = await nextEvent(first);
      first.abort();
      await put(setup.kinesis, 'b');
      setup.cloud.clock.advance(5);
      const second = await subscribe(setup, {
        Type: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: ContinuationSequenceNumber,
      });
      assert.deepEqual(await readRecords(second, 1), ['b']);
      second.abort();
    });

    test('an idle subscription sends an event without records every 5 seconds, still resumable', async () => {
      setup = await setUp();
      const a = await put(setup.kinesis, 'a');
      const subscribed = await subscribe(setup, { Type: 'TRIM_HORIZON' });
      await nextEvent(subscribed);
      setup.cloud.clock.advance(5);
      const idle = await nextEvent(subscribed);
      assert.deepEqual(idle.Records, []);
      assert.equal(idle.ContinuationSequenceNumber, a);
      assert.equal(idle.MillisBehindLatest, 0);
      subscribed.abort();
    });

    test("a closed shard's last event carries its ChildShards and no ContinuationSequenceNumber, then the stream ends", async () => {
      setup = await setUp();
      await put(setup.kinesis, 'before the split');
      const half = '170141183460469231731687303715884105728';
      await setup.kinesis.send(
        new SplitShardCommand({ StreamName: 's', ShardToSplit: shard0, NewStartingHashKey: half }),
      );
      const subscribed = await subscribe(setup, { Type: 'TRIM_HORIZON' });
      const last = await nextEvent(subscribed);
      assert.deepEqual(
        last.Records?.map((record) => Buffer.from(record.Data ?? []).toString()),
        ['before the split'],
      );
      assert.equal(last.ContinuationSequenceNumber, undefined);
      assert.deepEqual(last.ChildShards, [
        {
          ShardId: 'shardId-000000000001',
          ParentShards: [shard0],
          HashKeyRange: { StartingHashKey: '0', EndingHashKey: (BigInt(half) - 1n).toString() },
        },
        {
          ShardId: 'shardId-000000000002',
          ParentShards: [shard0],
          HashKeyRange: { StartingHashKey: half, EndingHashKey: ((1n << 128n) - 1n).toString() },
        },
      ]);
      assert.equal((await nextMessage(subscribed)).done, true);
      await untilOpen(setup.cloud, 0);
    });

    test('reads a child shard after its parent', async () => {
      setup = await setUp();
      const half = '170141183460469231731687303715884105728';
      await setup.kinesis.send(
        new SplitShardCommand({ StreamName: 's', ShardToSplit: shard0, NewStartingHashKey: half }),
      );
      const { ShardId } = await setup.kinesis.send(
        new PutRecordCommand({ StreamName: 's', Data: Buffer.from('child'), PartitionKey: 'k' }),
      );
      assert.notEqual(ShardId, shard0);
      const subscribed = await subscribe(setup, { Type: 'TRIM_HORIZON' }, ShardId);
      assert.deepEqual(await readRecords(subscribed, 1), ['child']);
      subscribed.abort();
    });

    test('ends the stream after 5 minutes of Nimbus time', async () => {
      setup = await setUp();
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      await nextEvent(subscribed);
      setup.cloud.clock.advance(299);
      assert.equal((await nextMessage(subscribed)).done, false);
      setup.cloud.clock.advance(1);
      let result = await nextMessage(subscribed);
      while (!result.done) result = await nextMessage(subscribed);
      assert.equal(await openSubscriptions(setup.cloud), 0);
    });

    test('answers over HTTP/1.1 too', async () => {
      setup = await setUp(1, kinesisOverHttp1);
      await put(setup.kinesis, 'one');
      const subscribed = await subscribe(setup, { Type: 'TRIM_HORIZON' });
      assert.deepEqual(await readRecords(subscribed, 1), ['one']);
      await put(setup.kinesis, 'two');
      assert.deepEqual(await readRecords(subscribed, 1), ['two']);
      subscribed.abort();
      await untilOpen(setup.cloud, 0);
    });
  });

  describe('ending', () => {
    test('a client that aborts its subscription frees it on the server at once', async () => {
      setup = await setUp();
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      for await (const _event of { [Symbol.asyncIterator]: () => subscribed.events }) break;
      assert.equal(await openSubscriptions(setup.cloud), 1);
      subscribed.abort();
      await untilOpen(setup.cloud, 0);
    });

    test('a subscription whose client only broke out of its loop ends at the 5 minutes', async () => {
      // SDK v3 does not reset the HTTP/2 stream on `break` (its event stream iterator does not pass
      // return() on to the body), so the server learns nothing until the subscription's end.
      setup = await setUp();
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      for await (const _event of { [Symbol.asyncIterator]: () => subscribed.events }) break;
      await put(setup.kinesis, 'unread');
      setup.cloud.clock.advance(300);
      await untilOpen(setup.cloud, 0);
    });

    test('stop() ends open subscriptions and returns promptly', async () => {
      const local = await setUp();
      const open = await subscriptionCounter(local.cloud);
      const subscribed = await subscribe(local, { Type: 'LATEST' });
      await nextEvent(subscribed);
      const reading = nextMessage(subscribed).then(
        (result) => (result.done ? 'ended' : 'event'),
        (error: Error) => error.name,
      );
      const started = Date.now();
      await local.cloud.stop();
      assert.ok(Date.now() - started < 1000, `stop took ${Date.now() - started} ms`);
      assert.equal(open(), 0);
      assert.notEqual(await reading, 'event');
      local.kinesis.destroy();
    });

    test('stop() returns promptly while a client holds an unread subscription', async () => {
      const local = await setUp();
      const open = await subscriptionCounter(local.cloud);
      const subscribed = await subscribe(local, { Type: 'LATEST' });
      for await (const _event of { [Symbol.asyncIterator]: () => subscribed.events }) break;
      await put(local.kinesis, 'unread');
      const started = Date.now();
      await local.cloud.stop();
      assert.ok(Date.now() - started < 1000, `stop took ${Date.now() - started} ms`);
      assert.equal(open(), 0);
      local.kinesis.destroy();
    });

    test('other requests are answered while subscriptions stay open', async () => {
      setup = await setUp(2);
      const one = await subscribe(setup, { Type: 'LATEST' });
      const two = await subscribe(setup, { Type: 'LATEST' }, 'shardId-000000000001');
      await Promise.all([nextEvent(one), nextEvent(two)]);
      const started = Date.now();
      for (let i = 0; i < 20; i++) await put(setup.kinesis, `r${i}`);
      assert.ok(Date.now() - started < 2000, `20 puts took ${Date.now() - started} ms`);
      assert.equal(await openSubscriptions(setup.cloud), 2);
      one.abort();
      two.abort();
      await untilOpen(setup.cloud, 0);
    });
  });
});
