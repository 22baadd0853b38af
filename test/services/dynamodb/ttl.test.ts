import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createTable, definitions, dynamoFor, keySchema } from './dynamodb-helpers.js';

const account = '111111111111';

describe('DynamoDB TTL expiry', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud, account);
    streams = new DynamoDBStreamsClient(clientConfig(cloud, { accessKeyId: account }));
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const seconds = () => Math.floor(cloud.clock.now() / 1000);
  const put = (id: string, extra: Record<string, { N: string } | { S: string } | { NS: string[] }> = {}) =>
    dynamo.send(new PutItemCommand({ TableName: 'sessions', Item: { id: { S: id }, ...extra } }));
  const exists = async (id: string) =>
    (await dynamo.send(new GetItemCommand({ TableName: 'sessions', Key: { id: { S: id } } }))).Item !== undefined;
  const enableTtl = () =>
    dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: 'sessions',
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' },
      }),
    );

  async function sessions(extra: Parameters<typeof createTable>[3] = {}): Promise<void> {
    await createTable(dynamo, 'sessions', { hash: ['id', 'S'] }, extra);
    await enableTtl();
  }

  test('an expired item still reads back until the sweep, which deletes it within a minute', async () => {
    await sessions();
    await put('gone', { expires: { N: String(seconds() + 30) } });
    await put('stays', { expires: { N: String(seconds() + 3600) } });
    await put('past', { expires: { N: String(seconds() - 5) } });
    assert.equal(await exists('past'), true, 'AWS too serves expired items until they are deleted');
    cloud.clock.advance(61);
    assert.equal(await exists('gone'), false);
    assert.equal(await exists('past'), false);
    assert.equal(await exists('stays'), true);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'sessions' }));
    assert.equal(Table?.ItemCount, 1);
  });

  test('the deletion shows in the stream as a REMOVE by the dynamodb.amazonaws.com service', async () => {
    await sessions({ StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } });
    const expires = String(seconds() + 10);
    await put('a', { expires: { N: expires } });
    cloud.clock.advance(60);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'sessions' }));
    const StreamArn = Table?.LatestStreamArn;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn,
        ShardId: StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    assert.deepEqual(
      Records?.map((r) => r.eventName),
      ['INSERT', 'REMOVE'],
    );
    assert.equal(Records?.[0]?.userIdentity, undefined);
    const remove = Records?.[1];
    assert.deepEqual(remove?.userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
    assert.deepEqual(remove?.dynamodb?.OldImage, { id: { S: 'a' }, expires: { N: expires } });
    assert.deepEqual(remove?.dynamodb?.Keys, { id: { S: 'a' } });
  });

  test('only a Number counts, and not one more than five years in the past', async () => {
    await sessions();
    await put('string', { expires: { S: String(seconds() - 10) } });
    await put('set', { expires: { NS: [String(seconds() - 10)] } });
    await put('ancient', { expires: { N: String(seconds() - 6 * 365 * 24 * 3600) } });
    await put('no-attribute');
    await put('other-attribute', { ttl: { N: String(seconds() - 10) } });
    cloud.clock.advance(120);
    for (const id of ['string', 'set', 'ancient', 'no-attribute', 'other-attribute']) {
      assert.equal(await exists(id), true, id);
    }
  });

  test('enabling TTL on a table with items indexes them; a table without TTL keeps its items', async () => {
    await createTable(dynamo, 'sessions', { hash: ['id', 'S'] });
    await put('early', { expires: { N: String(seconds() + 10) } });
    cloud.clock.advance(120);
    assert.equal(await exists('early'), true, 'TTL was not enabled yet');
    await enableTtl();
    cloud.clock.advance(60);
    assert.equal(await exists('early'), false);
  });

  test('moving or removing the expiry keeps the item; disabling TTL stops deletions', async () => {
    await sessions();
    await put('moved', { expires: { N: String(seconds() + 10) } });
    await put('cleared', { expires: { N: String(seconds() + 10) } });
    await put('kept', { expires: { N: String(seconds() + 200) } });
    await dynamo.send(
      new UpdateItemCommand({
        TableName: 'sessions',
        Key: { id: { S: 'moved' } },
        UpdateExpression: 'SET expires = :e',
        ExpressionAttributeValues: { ':e': { N: String(seconds() + 600) } },
      }),
    );
    await dynamo.send(
      new UpdateItemCommand({
        TableName: 'sessions',
        Key: { id: { S: 'cleared' } },
        UpdateExpression: 'REMOVE expires',
      }),
    );
    cloud.clock.advance(120);
    assert.equal(await exists('moved'), true);
    assert.equal(await exists('cleared'), true);
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: 'sessions',
        TimeToLiveSpecification: { Enabled: false, AttributeName: 'expires' },
      }),
    );
    cloud.clock.advance(3600);
    assert.equal(await exists('kept'), true, 'its expiry passed while TTL was off');
    assert.equal(await exists('moved'), true);
  });

  test('index entries go with the item', async () => {
    await sessions({
      AttributeDefinitions: definitions({ id: 'S', user: 'S' }),
      GlobalSecondaryIndexes: [
        { IndexName: 'by-user', KeySchema: keySchema('user'), Projection: { ProjectionType: 'ALL' } },
      ],
    });
    await put('a', { user: { S: 'ann' }, expires: { N: String(seconds() + 5) } });
    await put('b', { user: { S: 'ann' } });
    cloud.clock.advance(60);
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: 'sessions',
        IndexName: 'by-user',
        KeyConditionExpression: '#u = :u',
        ExpressionAttributeNames: { '#u': 'user' },
        ExpressionAttributeValues: { ':u': { S: 'ann' } },
      }),
    );
    assert.deepEqual(
      Items?.map((item) => item.id?.S),
      ['b'],
    );
    const { Count } = await dynamo.send(new ScanCommand({ TableName: 'sessions' }));
    assert.equal(Count, 1);
  });

  test('the sweep reads the expiry index, not the table: one entry per item with an expiry', async () => {
    await sessions();
    for (let i = 0; i < 5; i++) await put(`with-${i}`, { expires: { N: String(seconds() + 1000 + i) } });
    for (let i = 0; i < 5; i++) await put(`without-${i}`);
    const db = cloud.server.nimbus.db;
    const count = () => (db.prepare('SELECT count(*) AS n FROM dynamodb_ttl').get() as { n: number }).n;
    assert.equal(count(), 5);
    await put('with-0', { expires: { N: String(seconds() + 5000) } });
    assert.equal(count(), 5, 'a new expiry replaces the old entry');
    cloud.clock.advance(1010);
    assert.equal(count(), 1);
    assert.equal(await exists('with-0'), true);
    assert.equal(await exists('with-1'), false);
  });
});
