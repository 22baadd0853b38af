import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  type TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, dynamoFor } from './dynamodb-helpers.js';

describe('Batches and transactions', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createTable(dynamo, 'alpha', { hash: ['id', 'S'] });
    await createTable(dynamo, 'beta', { hash: ['id', 'S'], range: ['n', 'N'] });
  });

  const exists = async (TableName: string, Key: Record<string, AttributeValue>) =>
    (await dynamo.send(new GetItemCommand({ TableName, Key }))).Item !== undefined;

  describe('BatchWriteItem', () => {
    test('puts and deletes across tables and leaves nothing unprocessed', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'alpha', Item: { id: { S: 'gone' } } }));
      const result = await dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            alpha: [{ PutRequest: { Item: { id: { S: 'x' } } } }, { DeleteRequest: { Key: { id: { S: 'gone' } } } }],
            beta: [{ PutRequest: { Item: { id: { S: 'y' }, n: { N: '1' } } } }],
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      assert.deepEqual(result.UnprocessedItems, {});
      assert.deepEqual(
        result.ConsumedCapacity?.map((c) => [c.TableName, c.CapacityUnits]),
        [
          ['alpha', 2],
          ['beta', 1],
        ],
      );
      assert.ok(await exists('alpha', { id: { S: 'x' } }));
      assert.ok(!(await exists('alpha', { id: { S: 'gone' } })));
      assert.ok(await exists('beta', { id: { S: 'y' }, n: { N: '1' } }));
    });

    test('refuses more than 25 requests, duplicate keys and keys off the schema, writing nothing', async () => {
      const puts = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { id: { S: `k${i}` } } } }));
      await assertDynamoError(
        dynamo.send(
          new BatchWriteItemCommand({
            RequestItems: {
              alpha: puts(20),
              beta: [
                { DeleteRequest: { Key: { id: { S: 'z' }, n: { N: '1' } } } },
                ...puts(5).map((p) => ({ DeleteRequest: { Key: { id: p.PutRequest.Item.id, n: { N: '1' } } } })),
              ],
            },
          }),
        ),
        'ValidationException',
        'Too many items requested for the BatchWriteItem call',
      );
      await assertDynamoError(
        dynamo.send(
          new BatchWriteItemCommand({
            RequestItems: { alpha: [...puts(2), { DeleteRequest: { Key: { id: { S: 'k0' } } } }] },
          }),
        ),
        'ValidationException',
        'Provided list of item keys contains duplicates',
      );
      await assertDynamoError(
        dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { beta: [{ PutRequest: { Item: { id: { S: 'q' } } } }] } }),
        ),
        'ValidationException',
        'The provided key element does not match the schema',
      );
      assert.ok(!(await exists('alpha', { id: { S: 'k0' } })));
    });

    test('answers "Requested resource not found" for a missing table', async () => {
      await assertDynamoError(
        dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { nope: [{ PutRequest: { Item: { id: { S: 'x' } } } }] } }),
        ),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });
  });

  describe('BatchGetItem', () => {
    test('returns the items found per table, with projections, and no unprocessed keys', async () => {
      await dynamo.send(
        new PutItemCommand({ TableName: 'alpha', Item: { id: { S: '1' }, v: { S: 'one' }, w: { S: 'w' } } }),
      );
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetItemCommand({
          RequestItems: {
            alpha: { Keys: [{ id: { S: '1' } }, { id: { S: 'missing' } }], ProjectionExpression: 'v' },
            beta: { Keys: [{ id: { S: '1' }, n: { N: '1' } }] },
          },
        }),
      );
      assert.deepEqual(Responses, { alpha: [{ v: { S: 'one' } }], beta: [] });
      assert.deepEqual(UnprocessedKeys, {});
    });

    test('refuses more than 100 keys and duplicate keys', async () => {
      const keys = Array.from({ length: 101 }, (_, i) => ({ id: { S: `k${i}` } }));
      await assertDynamoError(
        dynamo.send(
          new BatchGetItemCommand({
            RequestItems: {
              alpha: { Keys: keys.slice(0, 60) },
              beta: { Keys: keys.slice(60).map((k) => ({ ...k, n: { N: '1' } })) },
            },
          }),
        ),
        'ValidationException',
        'Too many items requested for the BatchGetItem call',
      );
      await assertDynamoError(
        dynamo.send(
          new BatchGetItemCommand({ RequestItems: { alpha: { Keys: [{ id: { S: 'x' } }, { id: { S: 'x' } }] } } }),
        ),
        'ValidationException',
        'Provided list of item keys contains duplicates',
      );
    });
  });

  describe('TransactWriteItems', () => {
    const put = (id: string): TransactWriteItem => ({ Put: { TableName: 'alpha', Item: { id: { S: id } } } });

    test('writes every action or none, with the reasons in order', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'alpha', Item: { id: { S: 'taken' } } }));
      const error = (await assertDynamoError(
        dynamo.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: 'alpha',
                  Item: { id: { S: 'taken' } },
                  ConditionExpression: 'attribute_not_exists(id)',
                },
              },
              put('fresh'),
            ],
          }),
        ),
        'TransactionCanceledException',
        'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
      )) as unknown as TransactionCanceledException;
      assert.deepEqual(error.CancellationReasons, [
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'None' },
      ]);
      assert.ok(!(await exists('alpha', { id: { S: 'fresh' } })));
    });

    test('applies puts, updates, deletes and checks together', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'alpha', Item: { id: { S: 'old' } } }));
      await dynamo.send(new PutItemCommand({ TableName: 'alpha', Item: { id: { S: 'guard' }, ok: { BOOL: true } } }));
      await dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            put('new'),
            { Delete: { TableName: 'alpha', Key: { id: { S: 'old' } } } },
            {
              Update: {
                TableName: 'beta',
                Key: { id: { S: 'u' }, n: { N: '1' } },
                UpdateExpression: 'SET v = :v',
                ExpressionAttributeValues: { ':v': { S: 'set' } },
              },
            },
            {
              ConditionCheck: {
                TableName: 'alpha',
                Key: { id: { S: 'guard' } },
                ConditionExpression: 'ok = :t',
                ExpressionAttributeValues: { ':t': { BOOL: true } },
              },
            },
          ],
        }),
      );
      assert.ok(await exists('alpha', { id: { S: 'new' } }));
      assert.ok(!(await exists('alpha', { id: { S: 'old' } })));
      assert.ok(await exists('beta', { id: { S: 'u' }, n: { N: '1' } }));
    });

    test('refuses two actions on one item', async () => {
      await assertDynamoError(
        dynamo.send(new TransactWriteItemsCommand({ TransactItems: [put('x'), put('x')] })),
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
    });

    test('replays a ClientRequestToken without writing again for 10 minutes, and refuses other actions under it', async () => {
      const token = 'token-1';
      const increment: TransactWriteItem = {
        Update: {
          TableName: 'alpha',
          Key: { id: { S: 'counter' } },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        },
      };
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [increment], ClientRequestToken: token }));
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [increment], ClientRequestToken: token }));
      const count = async () =>
        (await dynamo.send(new GetItemCommand({ TableName: 'alpha', Key: { id: { S: 'counter' } } }))).Item?.n?.N;
      assert.equal(await count(), '1');
      const mismatch = await dynamo
        .send(new TransactWriteItemsCommand({ TransactItems: [put('other')], ClientRequestToken: token }))
        .catch((error: Error) => error);
      assert.equal((mismatch as Error).name, 'IdempotentParameterMismatchException');
      cloud.clock.advance(601);
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [increment], ClientRequestToken: token }));
      assert.equal(await count(), '2');
    });
  });

  describe('TransactGetItems', () => {
    test('returns one response per Get, in order, empty for a missing item', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'alpha', Item: { id: { S: 'x' }, v: { S: '1' } } }));
      const { Responses } = await dynamo.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: 'alpha', Key: { id: { S: 'missing' } } } },
            {
              Get: {
                TableName: 'arn:aws:dynamodb:us-east-1:111111111111:table/alpha',
                Key: { id: { S: 'x' } },
                ProjectionExpression: 'v',
              },
            },
          ],
        }),
      );
      assert.deepEqual(Responses, [{}, { Item: { v: { S: '1' } } }]);
    });
  });
});
