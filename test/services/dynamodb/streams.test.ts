import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { NimbusCloud } from 'nimbus-aws';
import { dynamodb as dynamodbService } from '../../../src/services/dynamodb/index.js';
import type { StreamFeed } from '../../../src/services/dynamodb/streams/feed.js';
import { startCloud } from '../../helpers/cloud.js';
import { killHard, spawnNimbus } from '../../helpers/process.js';
import { assertDynamoError, createTable, dynamoFor } from './dynamodb-helpers.js';

const account = '111111111111';

function streamsFor(endpoint: string, region = 'us-east-1'): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    endpoint,
    region,
    credentials: { accessKeyId: account, secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

async function withStream(
  dynamo: DynamoDBClient,
  name: string,
  view: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' = 'NEW_AND_OLD_IMAGES',
): Promise<string> {
  await createTable(
    dynamo,
    name,
    { hash: ['id', 'S'] },
    { StreamSpecification: { StreamEnabled: true, StreamViewType: view } },
  );
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
  assert.ok(Table?.LatestStreamArn);
  return Table.LatestStreamArn;
}

async function iterator(
  streams: DynamoDBStreamsClient,
  StreamArn: string,
  type: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' = 'TRIM_HORIZON',
  SequenceNumber?: string,
): Promise<string> {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  const ShardId = StreamDescription?.Shards?.[0]?.ShardId;
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: type, SequenceNumber }),
  );
  assert.ok(ShardIterator);
  return ShardIterator;
}

async function readAll(streams: DynamoDBStreamsClient, StreamArn: string): Promise<StreamRecord[]> {
  const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(streams, StreamArn) }));
  return Records ?? [];
}

type Summarised = { eventName?: string; dynamodb?: { Keys?: Record<string, { S?: string }> } };
const summary = (records: readonly Summarised[]) => records.map((r) => `${r.eventName} ${r.dynamodb?.Keys?.id?.S}`);

describe('DynamoDB Streams', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud, account);
    streams = streamsFor(cloud.endpoint);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  test('a table created with a stream describes it, and DescribeStream shows one open shard', async () => {
    const arn = await withStream(dynamo, 'orders');
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'orders' }));
    assert.deepEqual(Table?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    assert.match(Table?.LatestStreamLabel ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    assert.equal(arn, `arn:aws:dynamodb:us-east-1:${account}:table/orders/stream/${Table?.LatestStreamLabel}`);
    const { StreamDescription: d } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    assert.equal(d?.StreamArn, arn);
    assert.equal(d?.StreamLabel, Table?.LatestStreamLabel);
    assert.equal(d?.StreamStatus, 'ENABLED');
    assert.equal(d?.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal(d?.TableName, 'orders');
    assert.deepEqual(d?.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
    assert.ok(d?.CreationRequestDateTime instanceof Date);
    assert.equal(d?.Shards?.length, 1);
    assert.match(d?.Shards?.[0]?.ShardId ?? '', /^shardId-\d{20}-[0-9a-f]{8}$/);
    assert.match(d?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber ?? '', /^\d{21}$/);
    assert.equal(d?.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber, undefined);
    const after = await streams.send(
      new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: d?.Shards?.[0]?.ShardId }),
    );
    assert.deepEqual(after.StreamDescription?.Shards, []);
  });

  test('records come in write order with AWS fields; an identical overwrite writes none', async () => {
    const arn = await withStream(dynamo, 'orders');
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'Fred' } } }));
    // test_batch_write_items_streaming: overwriting with the same value gives no record.
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'Fred' } } }));
    await dynamo.send(
      new UpdateItemCommand({
        TableName: 'orders',
        Key: { id: { S: 'Fred' } },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: 'Fred' } },
      }),
    );
    await dynamo.send(new DeleteItemCommand({ TableName: 'orders', Key: { id: { S: 'Fred' } } }));
    await dynamo.send(new DeleteItemCommand({ TableName: 'orders', Key: { id: { S: 'nobody' } } }));
    const records = await readAll(streams, arn);
    assert.deepEqual(summary(records), ['INSERT Fred', 'MODIFY Fred', 'REMOVE Fred']);
    const [insert, modify, remove] = records as [StreamRecord, StreamRecord, StreamRecord];
    assert.equal(insert.eventVersion, '1.1');
    assert.equal(insert.eventSource, 'aws:dynamodb');
    assert.equal(insert.awsRegion, 'us-east-1');
    assert.match(insert.eventID ?? '', /^[0-9a-f]{32}$/);
    assert.equal(insert.userIdentity, undefined);
    assert.deepEqual(insert.dynamodb?.Keys, { id: { S: 'Fred' } });
    assert.deepEqual(insert.dynamodb?.NewImage, { id: { S: 'Fred' } });
    assert.equal(insert.dynamodb?.OldImage, undefined);
    assert.equal(insert.dynamodb?.SizeBytes, 12);
    assert.equal(insert.dynamodb?.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal((insert.dynamodb?.ApproximateCreationDateTime?.getTime() ?? 1) % 1000, 0);
    assert.deepEqual(modify.dynamodb?.NewImage, { id: { S: 'Fred' }, name: { S: 'Fred' } });
    assert.deepEqual(modify.dynamodb?.OldImage, { id: { S: 'Fred' } });
    assert.equal(modify.dynamodb?.SizeBytes, 26);
    assert.deepEqual(remove.dynamodb?.OldImage, { id: { S: 'Fred' }, name: { S: 'Fred' } });
    assert.equal(remove.dynamodb?.NewImage, undefined);
    const seqs = records.map((r) => r.dynamodb?.SequenceNumber ?? '');
    for (const seq of seqs) assert.match(seq, /^\d{21}$/);
    assert.deepEqual([...seqs].sort(), seqs);
    assert.equal(new Set(seqs).size, 3);
  });

  test('each view type keeps the images it names, and SizeBytes counts only those', async () => {
    const expected = {
      KEYS_ONLY: { images: [], sizes: [10, 10, 10] },
      NEW_IMAGE: { images: ['NewImage'], sizes: [22, 30, 10] },
      OLD_IMAGE: { images: ['OldImage'], sizes: [10, 22, 30] },
    } as const;
    for (const [view, { images, sizes }] of Object.entries(expected)) {
      const table = `t-${view.toLowerCase().replace('_', '-')}`;
      const arn = await withStream(dynamo, table, view as keyof typeof expected);
      // Keys {id: "Username"} count 2 + 8 = 10 bytes, the first image 12, the second 20.
      await dynamo.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'Username' }, a: { S: 'x' } } }));
      await dynamo.send(
        new PutItemCommand({ TableName: table, Item: { id: { S: 'Username' }, a: { S: 'x' }, bb: { S: 'yyyyyy' } } }),
      );
      await dynamo.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: 'Username' } } }));
      const records = await readAll(streams, arn);
      assert.deepEqual(
        records.map((r) => r.eventName),
        ['INSERT', 'MODIFY', 'REMOVE'],
      );
      for (const record of records) {
        assert.equal(record.dynamodb?.StreamViewType, view);
        const present = (['NewImage', 'OldImage'] as const).filter((k) => record.dynamodb?.[k] !== undefined);
        for (const name of present) assert.ok((images as readonly string[]).includes(name), `${view} kept ${name}`);
      }
      assert.deepEqual(
        records.map((r) => r.dynamodb?.SizeBytes),
        [...sizes],
        view,
      );
    }
  });

  test('BatchWriteItem and TransactWriteItems write one record per item change, in order', async () => {
    const arn = await withStream(dynamo, 'orders');
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'Fred' } } }));
    await dynamo.send(
      new BatchWriteItemCommand({
        RequestItems: {
          orders: [{ PutRequest: { Item: { id: { S: 'Fred' } } } }, { PutRequest: { Item: { id: { S: 'NewKey' } } } }],
        },
      }),
    );
    await dynamo.send(
      new BatchWriteItemCommand({
        RequestItems: {
          orders: [
            { DeleteRequest: { Key: { id: { S: 'NewKey' } } } },
            { PutRequest: { Item: { id: { S: 'Fred' }, name: { S: 'Fred' } } } },
          ],
        },
      }),
    );
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'orders', Item: { id: { S: 'Tx' } } } },
          { Delete: { TableName: 'orders', Key: { id: { S: 'Fred' } } } },
        ],
      }),
    );
    assert.deepEqual(summary(await readAll(streams, arn)), [
      'INSERT Fred',
      'INSERT NewKey',
      'REMOVE NewKey',
      'MODIFY Fred',
      'INSERT Tx',
      'REMOVE Fred',
    ]);
  });

  test('a failed conditional write and a cancelled transaction write no record', async () => {
    const arn = await withStream(dynamo, 'orders');
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'a' } } }));
    await assertDynamoError(
      dynamo.send(
        new PutItemCommand({
          TableName: 'orders',
          Item: { id: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    await assert.rejects(
      dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'orders', Item: { id: { S: 'b' } } } },
            { Put: { TableName: 'orders', Item: { id: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(id)' } },
          ],
        }),
      ),
      (error: Error) => error.name === 'TransactionCanceledException',
    );
    assert.deepEqual(summary(await readAll(streams, arn)), ['INSERT a']);
  });

  test('iterators: LATEST skips what is there, AT and AFTER a sequence number start there, next iterators continue', async () => {
    const arn = await withStream(dynamo, 'orders');
    for (const id of ['1', '2', '3']) {
      await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: id } } }));
    }
    const latest = await iterator(streams, arn, 'LATEST');
    const first = await readAll(streams, arn);
    const second = first[1]?.dynamodb?.SequenceNumber;
    const at = await streams.send(
      new GetRecordsCommand({ ShardIterator: await iterator(streams, arn, 'AT_SEQUENCE_NUMBER', second) }),
    );
    assert.deepEqual(summary(at.Records ?? []), ['INSERT 2', 'INSERT 3']);
    const afterSeq = await streams.send(
      new GetRecordsCommand({ ShardIterator: await iterator(streams, arn, 'AFTER_SEQUENCE_NUMBER', second) }),
    );
    assert.deepEqual(summary(afterSeq.Records ?? []), ['INSERT 3']);

    const empty = await streams.send(new GetRecordsCommand({ ShardIterator: latest }));
    assert.deepEqual(empty.Records, []);
    assert.match(
      empty.NextShardIterator ?? '',
      new RegExp(`^${arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\|\\d\\|.+$`),
    );
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: '4' } } }));
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: '5' } } }));
    const page1 = await streams.send(new GetRecordsCommand({ ShardIterator: empty.NextShardIterator, Limit: 1 }));
    assert.deepEqual(summary(page1.Records ?? []), ['INSERT 4']);
    const page2 = await streams.send(new GetRecordsCommand({ ShardIterator: page1.NextShardIterator }));
    assert.deepEqual(summary(page2.Records ?? []), ['INSERT 5']);
    assert.ok(page2.NextShardIterator, 'an open shard always gives a next iterator');
  });

  test('an iterator expires after 15 minutes of Nimbus time', async () => {
    const arn = await withStream(dynamo, 'orders');
    const shardIterator = await iterator(streams, arn);
    cloud.clock.advance(14 * 60);
    const fresh = await streams.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
    assert.deepEqual(fresh.Records, []);
    cloud.clock.advance(61);
    await assertDynamoError(
      streams.send(new GetRecordsCommand({ ShardIterator: shardIterator })),
      'ExpiredIteratorException',
      'Iterator expired. Shard iterators are valid for 15 minutes',
    );
    // The next iterator of the fresh read is new: it still works.
    const again = await streams.send(new GetRecordsCommand({ ShardIterator: fresh.NextShardIterator }));
    assert.deepEqual(again.Records, []);
  });

  test('records older than 24 hours are trimmed; an iterator at them meets TrimmedDataAccessException', async () => {
    const arn = await withStream(dynamo, 'orders');
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'old' } } }));
    const [old] = await readAll(streams, arn);
    cloud.clock.advance(23 * 3600);
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'new' } } }));
    assert.deepEqual(summary(await readAll(streams, arn)), ['INSERT old', 'INSERT new']);
    const early = await iterator(streams, arn);
    cloud.clock.advance(3600 + 60);
    assert.deepEqual(summary(await readAll(streams, arn)), ['INSERT new']);
    await assertDynamoError(
      iterator(streams, arn, 'AT_SEQUENCE_NUMBER', old?.dynamodb?.SequenceNumber),
      'TrimmedDataAccessException',
      'The data you are trying to access has been trimmed',
    );
    // The iterator taken before the trim is 61 minutes old: it has expired before it can meet the trim.
    await assertDynamoError(
      streams.send(new GetRecordsCommand({ ShardIterator: early })),
      'ExpiredIteratorException',
      'Iterator expired. Shard iterators are valid for 15 minutes',
    );
  });

  test('a disabled stream stays readable for 24 hours, closed; a new enable gets a new ARN and label', async () => {
    const arn = await withStream(dynamo, 'orders');
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'a' } } }));
    const open = await iterator(streams, arn);
    await dynamo.send(new UpdateTableCommand({ TableName: 'orders', StreamSpecification: { StreamEnabled: false } }));
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'b' } } }));
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'orders' }));
    assert.equal(Table?.StreamSpecification, undefined);
    assert.equal(Table?.LatestStreamArn, arn);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    assert.equal(StreamDescription?.StreamStatus, 'DISABLED');
    const range = StreamDescription?.Shards?.[0]?.SequenceNumberRange;
    assert.match(range?.EndingSequenceNumber ?? '', /^\d{21}$/);
    const read = await streams.send(new GetRecordsCommand({ ShardIterator: open }));
    assert.deepEqual(summary(read.Records ?? []), ['INSERT a']);
    assert.equal(read.NextShardIterator, undefined, 'a closed shard read to its end has no next iterator');
    assert.equal(read.Records?.[0]?.dynamodb?.SequenceNumber, range?.EndingSequenceNumber);

    cloud.clock.advance(1);
    const enabled = await dynamo.send(
      new UpdateTableCommand({
        TableName: 'orders',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    );
    const second = enabled.TableDescription?.LatestStreamArn;
    assert.ok(second && second !== arn);
    assert.notEqual(enabled.TableDescription?.LatestStreamLabel, Table?.LatestStreamLabel);
    const listed = await streams.send(new ListStreamsCommand({ TableName: 'orders' }));
    assert.deepEqual(
      listed.Streams?.map((s) => s.StreamArn),
      [arn, second],
    );
    cloud.clock.advance(24 * 3600 + 60);
    const later = await streams.send(new ListStreamsCommand({}));
    assert.deepEqual(
      later.Streams?.map((s) => s.StreamArn),
      [second],
    );
    await assertDynamoError(
      streams.send(new DescribeStreamCommand({ StreamArn: arn })),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${arn} not found`,
    );
  });

  test('DeleteTable disables the stream, whose records stay readable', async () => {
    const arn = await withStream(dynamo, 'orders');
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'a' } } }));
    await dynamo.send(new DeleteTableCommand({ TableName: 'orders' }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    assert.equal(StreamDescription?.StreamStatus, 'DISABLED');
    assert.equal(StreamDescription?.TableName, 'orders');
    assert.deepEqual(summary(await readAll(streams, arn)), ['INSERT a']);
  });

  test('ListStreams filters by table and pages with Limit and ExclusiveStartStreamArn', async () => {
    const a = await withStream(dynamo, 'alpha');
    const b = await withStream(dynamo, 'beta');
    await createTable(dynamo, 'plain', { hash: ['id', 'S'] });
    const all = await streams.send(new ListStreamsCommand({}));
    assert.deepEqual(all.Streams, [
      { StreamArn: a, TableName: 'alpha', StreamLabel: a.split('/stream/')[1] },
      { StreamArn: b, TableName: 'beta', StreamLabel: b.split('/stream/')[1] },
    ]);
    assert.equal(all.LastEvaluatedStreamArn, undefined);
    const first = await streams.send(new ListStreamsCommand({ Limit: 1 }));
    assert.deepEqual(
      first.Streams?.map((s) => s.StreamArn),
      [a],
    );
    assert.equal(first.LastEvaluatedStreamArn, a);
    const rest = await streams.send(new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn: a }));
    assert.deepEqual(
      rest.Streams?.map((s) => s.StreamArn),
      [b],
    );
    assert.equal(rest.LastEvaluatedStreamArn, undefined);
    const beta = await streams.send(new ListStreamsCommand({ TableName: 'beta' }));
    assert.deepEqual(
      beta.Streams?.map((s) => s.StreamArn),
      [b],
    );
    const none = await streams.send(new ListStreamsCommand({ TableName: 'plain' }));
    assert.deepEqual(none.Streams, []);
    const elsewhere = await streamsFor(cloud.endpoint, 'eu-west-1').send(new ListStreamsCommand({}));
    assert.deepEqual(elsewhere.Streams, []);
  });

  test('errors: unknown stream (AWS text), unknown shard, bad iterator, Limit over 1000', async () => {
    const arn = await withStream(dynamo, 'orders');
    const missing = `arn:aws:dynamodb:us-east-1:${account}:table/orders/stream/2024-11-18T14:36:44.149`;
    await assertDynamoError(
      streams.send(new DescribeStreamCommand({ StreamArn: missing })),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${missing} not found`,
    );
    const shard = 'shardId-00000000000000000000-00000000';
    await assertDynamoError(
      streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'LATEST' })),
      'ResourceNotFoundException',
      `Requested resource not found: Shard: ${shard} in Stream: ${arn} not found`,
    );
    await assertDynamoError(
      streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })),
      'ValidationException',
      'Invalid ShardIterator',
    );
    await assertDynamoError(
      streams.send(new GetRecordsCommand({ ShardIterator: await iterator(streams, arn), Limit: 1001 })),
      'ValidationException',
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  test('the in-process feed reads a stream by position and wakes its listener after the commit', async () => {
    const arn = await withStream(dynamo, 'orders');
    const loaded = await cloud.server.nimbus.service(dynamodbService);
    const feed = (loaded.provider as { streamFeed: StreamFeed }).streamFeed;
    assert.equal(feed.latestStream(`arn:aws:dynamodb:us-east-1:${account}:table/orders`), arn);
    let woken = 0;
    const stop = feed.onRecords(arn, () => {
      woken++;
    });
    const wake = new Promise<void>((resolve) => {
      const off = feed.onRecords(arn, () => {
        off();
        resolve();
      });
    });
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'a' } } }));
    await wake;
    assert.equal(woken, 1);
    await dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'b' } } }));
    stop();
    const first = feed.readStream(arn, undefined, 1);
    assert.ok(first);
    assert.deepEqual(summary(first.records), ['INSERT a']);
    assert.equal(first.ended, false);
    const next = feed.readStream(arn, first.position, 10);
    assert.deepEqual(summary(next?.records ?? []), ['INSERT b']);
    assert.equal(feed.readStream(`${arn}x`, undefined, 1), undefined);
  });
});

describe('DynamoDB Streams durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-ddb-streams-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];

  test('the record of an answered write survives kill -9', async () => {
    const first = await spawnNimbus(args);
    const dynamo = dynamoFor({ endpoint: first.endpoint } as NimbusCloud, account);
    const arn = await withStream(dynamo, 'orders');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: `item-${i}` } } })),
      ),
    );
    await killHard(first.child);
    const second = await spawnNimbus(args);
    try {
      const records = await readAll(streamsFor(second.endpoint), arn);
      assert.equal(records.length, 20);
      assert.deepEqual(
        new Set(records.map((r) => r.dynamodb?.Keys?.id?.S)),
        new Set(Array.from({ length: 20 }, (_, i) => `item-${i}`)),
      );
    } finally {
      await killHard(second.child);
    }
  });
});
