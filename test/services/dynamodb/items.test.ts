import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type AttributeValue,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, documentClient, dynamoFor } from './dynamodb-helpers.js';

const invalid = 'One or more parameter values were invalid: ';

describe('PutItem, GetItem, UpdateItem and DeleteItem', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createTable(dynamo, 'items', { hash: ['id', 'S'] });
    await createTable(dynamo, 'ranged', { hash: ['pk', 'S'], range: ['sk', 'N'] });
  });

  const get = async (Key: Record<string, AttributeValue>, TableName = 'items') =>
    (await dynamo.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;

  describe('PutItem', () => {
    test('stores an item that GetItem returns with its numbers in canonical form', async () => {
      await dynamo.send(
        new PutItemCommand({
          TableName: 'items',
          Item: { id: { S: 'a' }, n: { N: '01.50' }, b: { B: new Uint8Array([0, 255]) }, l: { L: [{ NULL: true }] } },
        }),
      );
      const item = await get({ id: { S: 'a' } });
      assert.deepEqual(item?.n, { N: '1.5' });
      assert.deepEqual(Buffer.from(item?.b?.B ?? []), Buffer.from([0, 255]));
      assert.deepEqual(item?.l, { L: [{ NULL: true }] });
    });

    test('returns the old item with ALL_OLD and nothing with NONE', async () => {
      const first = await dynamo.send(
        new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { S: '1' } }, ReturnValues: 'ALL_OLD' }),
      );
      assert.equal(first.Attributes, undefined);
      const second = await dynamo.send(
        new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { S: '2' } }, ReturnValues: 'ALL_OLD' }),
      );
      assert.deepEqual(second.Attributes, { id: { S: 'a' }, v: { S: '1' } });
    });

    test('refuses ReturnValues other than ALL_OLD and NONE', async () => {
      await assertDynamoError(
        dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } }, ReturnValues: 'ALL_NEW' })),
        'ValidationException',
        'ReturnValues can only be ALL_OLD or NONE',
      );
    });

    test('answers ConditionalCheckFailedException with the item when asked', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { N: '1' } } }));
      const error = await assertDynamoError(
        dynamo.send(
          new PutItemCommand({
            TableName: 'items',
            Item: { id: { S: 'a' } },
            ConditionExpression: 'attribute_not_exists(id)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      assert.deepEqual(error.Item, { id: { S: 'a' }, v: { N: '1' } });
      assert.deepEqual(await get({ id: { S: 'a' } }), { id: { S: 'a' }, v: { N: '1' } });
    });

    test('refuses an item without its key or with a key of the wrong type', async () => {
      await assertDynamoError(
        dynamo.send(new PutItemCommand({ TableName: 'items', Item: { other: { S: 'a' } } })),
        'ValidationException',
        `${invalid}Missing the key id in the item`,
      );
      await assertDynamoError(
        dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { N: '1' } } })),
        'ValidationException',
        `${invalid}Type mismatch for key id expected: S actual: N`,
      );
      await assertDynamoError(
        dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: '' } } })),
        'ValidationException',
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id',
      );
    });

    test('refuses an item over 400 KB', async () => {
      await assertDynamoError(
        dynamo.send(
          new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, big: { S: 'x'.repeat(410_000) } } }),
        ),
        'ValidationException',
        'Item size has exceeded the maximum allowed size',
      );
    });

    test('answers "Requested resource not found" for a missing table', async () => {
      await assertDynamoError(
        dynamo.send(new PutItemCommand({ TableName: 'nothing', Item: { id: { S: 'a' } } })),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });

    test('reports consumed capacity: 1 WCU a KB, with the indexes when asked', async () => {
      const small = await dynamo.send(
        new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      assert.equal(small.ConsumedCapacity?.TableName, 'items');
      assert.equal(small.ConsumedCapacity?.CapacityUnits, 1);
      const large = await dynamo.send(
        new PutItemCommand({
          TableName: 'items',
          Item: { id: { S: 'b' }, data: { S: 'x'.repeat(2500) } },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      assert.equal(large.ConsumedCapacity?.CapacityUnits, 3);
      assert.deepEqual(large.ConsumedCapacity?.Table, { CapacityUnits: 3 });
    });

    test('keeps ItemCount and TableSizeBytes as items come and go', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { S: 'abc' } } }));
      await dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'b' } } }));
      let { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'items' }));
      assert.equal(Table?.ItemCount, 2);
      assert.equal(Table?.TableSizeBytes, 3 + 4 + 3);
      await dynamo.send(new DeleteItemCommand({ TableName: 'items', Key: { id: { S: 'a' } } }));
      ({ Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'items' })));
      assert.equal(Table?.ItemCount, 1);
      assert.equal(Table?.TableSizeBytes, 3);
    });
  });

  describe('GetItem', () => {
    test('projects the attributes a ProjectionExpression names', async () => {
      await dynamo.send(
        new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, x: { S: '1' }, y: { S: '2' } } }),
      );
      const { Item } = await dynamo.send(
        new GetItemCommand({
          TableName: 'items',
          Key: { id: { S: 'a' } },
          ProjectionExpression: '#x',
          ExpressionAttributeNames: { '#x': 'x' },
        }),
      );
      assert.deepEqual(Item, { x: { S: '1' } });
    });

    test('answers no Item for a missing key, and 0.5 RCU eventually consistent, 1 consistent', async () => {
      const eventual = await dynamo.send(
        new GetItemCommand({ TableName: 'items', Key: { id: { S: 'zz' } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      assert.equal(eventual.Item, undefined);
      assert.equal(eventual.ConsumedCapacity?.CapacityUnits, 0.5);
      const consistent = await dynamo.send(
        new GetItemCommand({
          TableName: 'items',
          Key: { id: { S: 'zz' } },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      assert.equal(consistent.ConsumedCapacity?.CapacityUnits, 1);
    });

    test('refuses a key that does not match the schema', async () => {
      for (const Key of [{ id: { N: '1' } }, { id: { S: 'a' }, other: { S: 'b' } }, { other: { S: 'a' } }] as Array<
        Record<string, AttributeValue>
      >) {
        await assertDynamoError(
          dynamo.send(new GetItemCommand({ TableName: 'items', Key })),
          'ValidationException',
          'The provided key element does not match the schema',
        );
      }
      await assertDynamoError(
        dynamo.send(new GetItemCommand({ TableName: 'ranged', Key: { pk: { S: 'a' } } })),
        'ValidationException',
        'The provided key element does not match the schema',
      );
    });

    test('treats equal numbers as one key', async () => {
      await dynamo.send(
        new PutItemCommand({ TableName: 'ranged', Item: { pk: { S: 'a' }, sk: { N: '1.0' }, v: { S: 'x' } } }),
      );
      assert.deepEqual((await get({ pk: { S: 'a' }, sk: { N: '1' } }, 'ranged'))?.v, { S: 'x' });
      assert.deepEqual((await get({ pk: { S: 'a' }, sk: { N: '1e0' } }, 'ranged'))?.sk, { N: '1' });
    });
  });

  describe('UpdateItem', () => {
    test('creates the item from its key and returns every kind of ReturnValues', async () => {
      const created = await dynamo.send(
        new UpdateItemCommand({
          TableName: 'items',
          Key: { id: { S: 'a' } },
          UpdateExpression: 'SET n = :one, s = :s',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':s': { S: 'x' } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      assert.deepEqual(created.Attributes, { id: { S: 'a' }, n: { N: '1' }, s: { S: 'x' } });
      const update = (ReturnValues: 'UPDATED_OLD' | 'UPDATED_NEW' | 'ALL_OLD' | 'NONE') =>
        dynamo.send(
          new UpdateItemCommand({
            TableName: 'items',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
            ReturnValues,
          }),
        );
      assert.deepEqual((await update('UPDATED_OLD')).Attributes, { n: { N: '1' } });
      assert.deepEqual((await update('UPDATED_NEW')).Attributes, { n: { N: '3' } });
      assert.deepEqual((await update('ALL_OLD')).Attributes, { id: { S: 'a' }, n: { N: '3' }, s: { S: 'x' } });
      assert.equal((await update('NONE')).Attributes, undefined);
    });

    test('refuses to update a key attribute', async () => {
      await assertDynamoError(
        dynamo.send(
          new UpdateItemCommand({
            TableName: 'items',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET id = :v',
            ExpressionAttributeValues: { ':v': { S: 'b' } },
          }),
        ),
        'ValidationException',
        `${invalid}Cannot update attribute id. This attribute is part of the key`,
      );
    });

    test('applies nothing when its condition fails', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { N: '5' } } }));
      await assertDynamoError(
        dynamo.send(
          new UpdateItemCommand({
            TableName: 'items',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET v = :new',
            ConditionExpression: 'v > :limit',
            ExpressionAttributeValues: { ':new': { N: '6' }, ':limit': { N: '10' } },
          }),
        ),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      assert.deepEqual((await get({ id: { S: 'a' } }))?.v, { N: '5' });
    });
  });

  describe('DeleteItem', () => {
    test('deletes and returns the old item with ALL_OLD; deleting nothing succeeds', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { S: '1' } } }));
      const { Attributes } = await dynamo.send(
        new DeleteItemCommand({ TableName: 'items', Key: { id: { S: 'a' } }, ReturnValues: 'ALL_OLD' }),
      );
      assert.deepEqual(Attributes, { id: { S: 'a' }, v: { S: '1' } });
      assert.equal(await get({ id: { S: 'a' } }), undefined);
      const again = await dynamo.send(
        new DeleteItemCommand({ TableName: 'items', Key: { id: { S: 'a' } }, ReturnValues: 'ALL_OLD' }),
      );
      assert.equal(again.Attributes, undefined);
    });

    test('keeps the item when its condition fails', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } } }));
      await assertDynamoError(
        dynamo.send(
          new DeleteItemCommand({
            TableName: 'items',
            Key: { id: { S: 'a' } },
            ConditionExpression: 'attribute_exists(nope)',
          }),
        ),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      assert.ok(await get({ id: { S: 'a' } }));
    });
  });

  describe('through lib-dynamodb', () => {
    test('round-trips plain JavaScript values', async () => {
      const doc = documentClient(dynamo);
      await doc.send(
        new PutCommand({
          TableName: 'items',
          Item: { id: 'doc', n: 42, tags: new Set(['a', 'b']), m: { deep: [1, 'x'] } },
        }),
      );
      await doc.send(
        new UpdateCommand({
          TableName: 'items',
          Key: { id: 'doc' },
          UpdateExpression: 'SET m.deep[1] = :y',
          ExpressionAttributeValues: { ':y': 'y' },
        }),
      );
      const { Item } = await doc.send(new GetCommand({ TableName: 'items', Key: { id: 'doc' } }));
      assert.deepEqual(Item, { id: 'doc', n: 42, tags: new Set(['a', 'b']), m: { deep: [1, 'y'] } });
    });
  });
});
