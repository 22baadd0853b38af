import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, definitions, dynamoFor, keySchema } from './dynamodb-helpers.js';

describe('Query and Scan', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createTable(
      dynamo,
      'events',
      { hash: ['pk', 'S'], range: ['sk', 'N'] },
      {
        AttributeDefinitions: definitions({ pk: 'S', sk: 'N', kind: 'S', at: 'S' }),
        GlobalSecondaryIndexes: [
          { IndexName: 'by-kind', KeySchema: keySchema('kind', 'at'), Projection: { ProjectionType: 'KEYS_ONLY' } },
        ],
        LocalSecondaryIndexes: [
          { IndexName: 'by-at', KeySchema: keySchema('pk', 'at'), Projection: { ProjectionType: 'KEYS_ONLY' } },
        ],
      },
    );
    const numbers = ['-10', '-2.5', '0', '3', '10', '100', '1e3'];
    for (const [i, n] of numbers.entries()) {
      await dynamo.send(
        new PutItemCommand({
          TableName: 'events',
          Item: {
            pk: { S: 'p' },
            sk: { N: n },
            kind: { S: i % 2 === 0 ? 'even' : 'odd' },
            at: { S: `t${i}` },
            big: { S: 'x'.repeat(10) },
          },
        }),
      );
    }
    await dynamo.send(new PutItemCommand({ TableName: 'events', Item: { pk: { S: 'q' }, sk: { N: '1' } } }));
  });

  const query = (input: Partial<QueryCommandInput>) =>
    dynamo.send(
      new QueryCommand({
        TableName: 'events',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'p' } },
        ...input,
      }),
    );
  const sortKeys = (items: Array<Record<string, { N?: string }>> | undefined) => (items ?? []).map((i) => i.sk?.N);

  describe('stored items answered as they are', () => {
    // Query, Scan and GetItem write an unfiltered, unprojected item's stored text straight into
    // the answer; every attribute type must come back as the SDK put it, numbers normalized.
    const item = {
      pk: { S: 'typed' },
      sk: { N: '01.50' },
      s: { S: 'line\u2028sep "quoted" \\ é' },
      b: { B: new Uint8Array([0, 255, 10]) },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      ns: { NS: ['3', '1.0'] },
      ss: { SS: ['a', 'b'] },
      bool: { BOOL: false },
      nil: { NULL: true },
      m: { M: { inner: { L: [{ B: new Uint8Array([7]) }, { N: '-0.0' }, { M: {} }] } } },
      empty: { S: '' },
    };
    const expected = {
      ...item,
      sk: { N: '1.5' },
      ns: { NS: ['3', '1'] },
      m: { M: { inner: { L: [{ B: new Uint8Array([7]) }, { N: '0' }, { M: {} }] } } },
    };
    const sorted = (value: Record<string, unknown> | undefined) =>
      JSON.stringify(value, (_key, v) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('hex') : Array.isArray(v) ? [...v].sort() : v,
      );

    test('Query, Scan and GetItem return every attribute type exactly as put', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'events', Item: item }));
      const queried = await query({ ExpressionAttributeValues: { ':p': { S: 'typed' } } });
      assert.equal(queried.Count, 1);
      assert.equal(sorted(queried.Items?.[0]), sorted(expected));
      const scanned = await dynamo.send(
        new ScanCommand({
          TableName: 'events',
          FilterExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'typed' } },
        }),
      );
      assert.equal(sorted(scanned.Items?.[0]), sorted(expected));
      const all = await dynamo.send(new ScanCommand({ TableName: 'events' }));
      assert.equal(sorted(all.Items?.find((i) => i.pk?.S === 'typed')), sorted(expected));
      const got = await dynamo.send(
        new GetItemCommand({ TableName: 'events', Key: { pk: { S: 'typed' }, sk: { N: '1.5' } } }),
      );
      assert.equal(sorted(got.Item), sorted(expected));
    });

    test('pages of a 300-item partition by Limit 100 and by the 1 MB page cut each item once, in order', async () => {
      const big = 'b'.repeat(10_000);
      for (let start = 0; start < 300; start += 25) {
        const writes = Array.from({ length: 25 }, (_, i) => ({
          PutRequest: { Item: { pk: { S: 'wide' }, sk: { N: String(start + i) }, v: { S: big } } },
        }));
        await dynamo.send(new BatchWriteItemCommand({ RequestItems: { events: writes } }));
      }
      const read = async (limit?: number) => {
        const pages: number[][] = [];
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await query({
            ExpressionAttributeValues: { ':p': { S: 'wide' } },
            ...(limit ? { Limit: limit } : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          });
          assert.equal(page.Count, page.Items?.length);
          pages.push((page.Items ?? []).map((item) => Number(item.sk?.N)));
          start = page.LastEvaluatedKey;
        } while (start);
        return pages;
      };
      const byLimit = await read(100);
      assert.deepEqual(
        byLimit.map((page) => page.length),
        [100, 100, 100, 0],
      );
      assert.deepEqual(
        byLimit.flat(),
        Array.from({ length: 300 }, (_, i) => i),
      );
      // Each item is about 10 KB: a page stops at the item that reaches 1 MB.
      const bySize = await read();
      assert.ok(bySize.length >= 3);
      assert.ok((bySize[0]?.length ?? 0) > 90 && (bySize[0]?.length ?? 0) < 110);
      assert.deepEqual(
        bySize.flat(),
        Array.from({ length: 300 }, (_, i) => i),
      );
    });

    test('a page cut by Limit still names its LastEvaluatedKey', async () => {
      const page = await query({ Limit: 2 });
      assert.deepEqual(page.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '-2.5' } });
      const counted = await query({ Select: 'COUNT', Limit: 3 });
      assert.equal(counted.Count, 3);
      assert.equal(counted.Items, undefined);
      assert.deepEqual(counted.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '0' } });
    });
  });

  describe('Query', () => {
    test('returns one partition in numeric sort key order, and reversed', async () => {
      const forward = await query({});
      assert.deepEqual(sortKeys(forward.Items), ['-10', '-2.5', '0', '3', '10', '100', '1000']);
      assert.equal(forward.Count, 7);
      assert.equal(forward.ScannedCount, 7);
      assert.equal(forward.LastEvaluatedKey, undefined);
      const backward = await query({ ScanIndexForward: false });
      assert.deepEqual(sortKeys(backward.Items), ['1000', '100', '10', '3', '0', '-2.5', '-10']);
    });

    test('ranges the sort key with every operator', async () => {
      const range = async (condition: string, values: Record<string, { N: string }>) =>
        sortKeys(
          (
            await query({
              KeyConditionExpression: `pk = :p AND ${condition}`,
              ExpressionAttributeValues: { ':p': { S: 'p' }, ...values },
            })
          ).Items,
        );
      assert.deepEqual(await range('sk < :v', { ':v': { N: '0' } }), ['-10', '-2.5']);
      assert.deepEqual(await range('sk <= :v', { ':v': { N: '0' } }), ['-10', '-2.5', '0']);
      assert.deepEqual(await range('sk > :v', { ':v': { N: '10' } }), ['100', '1000']);
      assert.deepEqual(await range('sk >= :v', { ':v': { N: '10' } }), ['10', '100', '1000']);
      assert.deepEqual(await range('sk = :v', { ':v': { N: '3.0' } }), ['3']);
      assert.deepEqual(await range('sk BETWEEN :a AND :b', { ':a': { N: '-3' }, ':b': { N: '3' } }), [
        '-2.5',
        '0',
        '3',
      ]);
    });

    test('pages with Limit and ExclusiveStartKey, both ways', async () => {
      const first = await query({ Limit: 3 });
      assert.deepEqual(sortKeys(first.Items), ['-10', '-2.5', '0']);
      assert.deepEqual(first.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '0' } });
      const second = await query({ Limit: 3, ExclusiveStartKey: first.LastEvaluatedKey });
      assert.deepEqual(sortKeys(second.Items), ['3', '10', '100']);
      const third = await query({ Limit: 3, ExclusiveStartKey: second.LastEvaluatedKey });
      assert.deepEqual(sortKeys(third.Items), ['1000']);
      assert.equal(third.LastEvaluatedKey, undefined);
      const back = await query({
        ScanIndexForward: false,
        Limit: 2,
        ExclusiveStartKey: { pk: { S: 'p' }, sk: { N: '10' } },
      });
      assert.deepEqual(sortKeys(back.Items), ['3', '0']);
    });

    test('filters after reading: Count counts the matches, ScannedCount what was read', async () => {
      const result = await query({
        FilterExpression: 'kind = :k',
        ExpressionAttributeValues: { ':p': { S: 'p' }, ':k': { S: 'odd' } },
        Limit: 4,
      });
      assert.equal(result.ScannedCount, 4);
      assert.equal(result.Count, 2);
      assert.deepEqual(sortKeys(result.Items), ['-2.5', '3']);
    });

    test('answers only the Count with Select COUNT', async () => {
      const result = await query({ Select: 'COUNT' });
      assert.equal(result.Count, 7);
      assert.equal(result.Items, undefined);
    });

    test('queries a GSI with its projection, and an LSI fetching from the table', async () => {
      const gsi = await query({
        IndexName: 'by-kind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': { S: 'even' } },
      });
      assert.deepEqual(
        gsi.Items?.map((i) => Object.keys(i).sort()),
        Array(4).fill(['at', 'kind', 'pk', 'sk']),
      );
      assert.deepEqual(
        gsi.Items?.map((i) => i.at?.S),
        ['t0', 't2', 't4', 't6'],
      );
      const lsi = await query({
        IndexName: 'by-at',
        KeyConditionExpression: 'pk = :p AND begins_with(#at, :t)',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':p': { S: 'p' }, ':t': { S: 't' } },
        Select: 'ALL_ATTRIBUTES',
        Limit: 2,
      });
      assert.deepEqual(lsi.Items?.[0]?.big, { S: 'xxxxxxxxxx' });
      assert.deepEqual(lsi.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '-2.5' }, at: { S: 't1' } });
      const next = await query({
        IndexName: 'by-at',
        KeyConditionExpression: 'pk = :p',
        ExclusiveStartKey: lsi.LastEvaluatedKey,
      });
      assert.deepEqual(
        next.Items?.map((i) => i.at?.S),
        ['t2', 't3', 't4', 't5', 't6'],
      );
    });

    test('refuses ALL_ATTRIBUTES on a GSI that does not project all, and a missing index', async () => {
      await assertDynamoError(
        query({
          IndexName: 'by-kind',
          KeyConditionExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': { S: 'even' } },
          Select: 'ALL_ATTRIBUTES',
        }),
        'ValidationException',
        'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index by-kind because its projection type is not ALL',
      );
      await assertDynamoError(
        query({ IndexName: 'nope' }),
        'ValidationException',
        'The table does not have the specified index: nope',
      );
      await assertDynamoError(
        query({
          IndexName: 'by-kind',
          KeyConditionExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': { S: 'even' } },
          ConsistentRead: true,
        }),
        'ValidationException',
        'Consistent reads are not supported on global secondary indexes',
      );
    });

    test('refuses a key value of another type and a start key outside the partition', async () => {
      await assertDynamoError(
        query({ ExpressionAttributeValues: { ':p': { N: '1' } } }),
        'ValidationException',
        'One or more parameter values were invalid: Condition parameter type does not match schema type',
      );
      await assertDynamoError(
        query({ ExclusiveStartKey: { pk: { S: 'q' }, sk: { N: '1' } } }),
        'ValidationException',
        'The provided starting key is outside query boundaries based on provided conditions',
      );
      await assertDynamoError(
        query({ ExclusiveStartKey: { pk: { S: 'p' } } }),
        'ValidationException',
        'The provided starting key is invalid: The provided key element does not match the schema',
      );
    });

    test('stops a page at 1 MB and says where', async () => {
      await createTable(dynamo, 'heavy', { hash: ['pk', 'S'], range: ['sk', 'N'] });
      const big = 'y'.repeat(300_000);
      for (let i = 0; i < 5; i++) {
        await dynamo.send(
          new PutItemCommand({ TableName: 'heavy', Item: { pk: { S: 'h' }, sk: { N: String(i) }, big: { S: big } } }),
        );
      }
      const page = await dynamo.send(
        new QueryCommand({
          TableName: 'heavy',
          KeyConditionExpression: 'pk = :h',
          ExpressionAttributeValues: { ':h': { S: 'h' } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      assert.equal(page.Count, 4);
      assert.deepEqual(page.LastEvaluatedKey, { pk: { S: 'h' }, sk: { N: '3' } });
      assert.equal(page.ConsumedCapacity?.CapacityUnits, Math.ceil((4 * 300_015) / 4096) / 2);
    });
  });

  describe('Scan', () => {
    test('reads every item once across pages', async () => {
      const seen: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({ TableName: 'events', Limit: 3, ExclusiveStartKey: start as never }),
        );
        for (const item of page.Items ?? []) seen.push(`${item.pk?.S}:${item.sk?.N}`);
        start = page.LastEvaluatedKey;
      } while (start);
      assert.equal(seen.length, 8);
      assert.equal(new Set(seen).size, 8);
    });

    test('splits a table into disjoint parallel segments', async () => {
      await createTable(dynamo, 'many', { hash: ['id', 'S'] });
      for (let batch = 0; batch < 4; batch++) {
        await dynamo.send(
          new BatchWriteItemCommand({
            RequestItems: {
              many: Array.from({ length: 25 }, (_, i) => ({
                PutRequest: { Item: { id: { S: `item-${batch * 25 + i}` } } },
              })),
            },
          }),
        );
      }
      const segments = await Promise.all(
        [0, 1, 2, 3].map((Segment) => dynamo.send(new ScanCommand({ TableName: 'many', Segment, TotalSegments: 4 }))),
      );
      const ids = segments.flatMap((s) => (s.Items ?? []).map((i) => i.id?.S));
      assert.equal(ids.length, 100);
      assert.equal(new Set(ids).size, 100);
      assert.ok(
        segments.every((s) => (s.Count ?? 0) > 5),
        'every segment holds part of the table',
      );
    });

    test('filters and scans an index', async () => {
      const filtered = await dynamo.send(
        new ScanCommand({
          TableName: 'events',
          FilterExpression: 'sk > :z',
          ExpressionAttributeValues: { ':z': { N: '0' } },
        }),
      );
      assert.equal(filtered.ScannedCount, 8);
      assert.equal(filtered.Count, 5);
      const index = await dynamo.send(new ScanCommand({ TableName: 'events', IndexName: 'by-kind' }));
      assert.equal(index.Count, 7);
    });

    test('checks Segment against TotalSegments', async () => {
      await assertDynamoError(
        dynamo.send(new ScanCommand({ TableName: 'events', Segment: 4, TotalSegments: 4 })),
        'ValidationException',
        'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4',
      );
      await assertDynamoError(
        dynamo.send(new ScanCommand({ TableName: 'events', Segment: 1 })),
        'ValidationException',
        'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
      );
    });
  });
});
