import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type AttributeValue,
  BatchExecuteStatementCommand,
  type DynamoDBClient,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand as DocumentExecuteStatement } from '@aws-sdk/lib-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, documentClient, dynamoFor, rejection } from './dynamodb-helpers.js';

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const WELL_FORMED = "Statement wasn't well formed, can't be processed: ";
const INCOMPLETE_KEY = 'Where clause does not contain a mandatory equality on all key attributes';

describe('PartiQL', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createTable(dynamo, 'users', { hash: ['id', 'S'] });
    await createTable(
      dynamo,
      'events',
      { hash: ['pk', 'S'], range: ['n', 'N'] },
      {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'n', AttributeType: 'N' },
          { AttributeName: 'kind', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-kind',
            KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    );
  });

  const run = (Statement: string, extra: Partial<ExecuteStatementCommandInput> = {}) =>
    dynamo.send(new ExecuteStatementCommand({ Statement, ...extra }));
  const get = async (TableName: string, Key: Record<string, AttributeValue>) =>
    (await dynamo.send(new GetItemCommand({ TableName, Key }))).Item;
  const seedEvents = async () => {
    for (const pk of ['a', 'b']) {
      for (let n = 1; n <= 5; n++) {
        await dynamo.send(
          new PutItemCommand({
            TableName: 'events',
            Item: { pk: S(pk), n: N(n), kind: S(n % 2 ? 'odd' : 'even'), tag: S(`t${n}`) },
          }),
        );
      }
    }
  };
  /** Every item of a SELECT, page by page; the pages' sizes alongside. */
  const all = async (Statement: string, extra: Partial<ExecuteStatementCommandInput> = {}) => {
    const items: Record<string, AttributeValue>[] = [];
    const pages: number[] = [];
    let NextToken: string | undefined;
    do {
      const page = await run(Statement, { ...extra, ...(NextToken ? { NextToken } : {}) });
      items.push(...(page.Items ?? []));
      pages.push(page.Items?.length ?? 0);
      NextToken = page.NextToken;
    } while (NextToken);
    return { items, pages };
  };

  describe('ExecuteStatement: validation', () => {
    test('a statement that is not DML is not well formed', async () => {
      await assertDynamoError(
        run('SLECT * FROM "users"'),
        'ValidationException',
        `${WELL_FORMED}Expected data manipulation`,
      );
    });

    test('tokens after a complete statement are not well formed', async () => {
      await assertDynamoError(
        run(`UPDATE "users" SET a = 1 WHERE id = 'x' garbage`),
        'ValidationException',
        `${WELL_FORMED}Unexpected token after expression`,
      );
    });

    test('a parameter count that differs from the statement is refused', async () => {
      await assertDynamoError(
        run('SELECT * FROM "users" WHERE id = ?', { Parameters: [S('a'), S('b')] }),
        'ValidationException',
        "Number of parameters in request and statement don't match.",
      );
      await assertDynamoError(
        run('SELECT * FROM "users" WHERE id = ?'),
        'ValidationException',
        "Number of parameters in request and statement don't match.",
      );
    });

    test('an empty Parameters list fails the length constraint (recorded)', async () => {
      // test_dynamodb_execute_statement_empy_parameter
      await assertDynamoError(
        run('SELECT * FROM "users"', { Parameters: [] }),
        'ValidationException',
        "1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    });

    test('UPDATE and DELETE without the whole key are refused', async () => {
      await assertDynamoError(run(`UPDATE "users" SET a = 1 WHERE a = 2`), 'ValidationException', INCOMPLETE_KEY);
      await assertDynamoError(run(`DELETE FROM "events" WHERE pk = 'a'`), 'ValidationException', INCOMPLETE_KEY);
      await assertDynamoError(run(`DELETE FROM "users"`), 'ValidationException', INCOMPLETE_KEY);
    });

    test('DELETE accepts only RETURNING ALL OLD *, INSERT no RETURNING', async () => {
      await assertDynamoError(
        run(`DELETE FROM "users" WHERE id = 'x' RETURNING MODIFIED OLD *`),
        'ValidationException',
        'Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.',
      );
      await assertDynamoError(
        run(`INSERT INTO "users" VALUE {'id': 'x'} RETURNING ALL OLD *`),
        'ValidationException',
        'RETURNING is not supported in INSERT',
      );
    });

    test('EXISTS is for ExecuteTransaction only', async () => {
      await assertDynamoError(
        run(`EXISTS(SELECT * FROM "users" WHERE id = 'x')`),
        'ValidationException',
        'EXISTS can only be used in ExecuteTransaction write requests.',
      );
    });

    test('INSERT checks the key attributes of its item', async () => {
      await assertDynamoError(
        run(`INSERT INTO "users" VALUE {'name': 'x'}`),
        'ValidationException',
        'Key attribute should be present in the item: Key id',
      );
      await assertDynamoError(
        run(`INSERT INTO "users" VALUE {'id': 5}`),
        'ValidationException',
        "Key attribute's data type should match its data type in table's schema: Key id",
      );
    });

    test('a missing table is ResourceNotFoundException', async () => {
      await assertDynamoError(run('SELECT * FROM "nope"'), 'ResourceNotFoundException', 'Requested resource not found');
    });

    test('a NextToken of another statement, or one that does not decode, is refused', async () => {
      await seedEvents();
      const page = await run(`SELECT * FROM "events" WHERE pk = 'a'`, { Limit: 1 });
      assert.ok(page.NextToken);
      await assertDynamoError(
        run(`SELECT * FROM "events" WHERE pk = 'b'`, { Limit: 1, NextToken: page.NextToken }),
        'ValidationException',
        'NextToken does not match request',
      );
      await assertDynamoError(
        run(`SELECT * FROM "events"`, { NextToken: 'not-a-token' }),
        'ValidationException',
        'Invalid NextToken',
      );
    });

    test('writes to an index and strongly consistent reads of a GSI are refused', async () => {
      await assertDynamoError(
        run(`DELETE FROM "events"."by-kind" WHERE pk = 'a' AND n = 1`),
        'ValidationException',
        'This operation is not supported on an index',
      );
      await assertDynamoError(
        run(`SELECT * FROM "events"."by-kind" WHERE kind = 'odd'`, { ConsistentRead: true }),
        'ValidationException',
        'Strongly consistent read is not supported on Global Secondary Indexes',
      );
    });

    test('ORDER BY needs a WHERE clause on the partition key and key attributes only', async () => {
      await assertDynamoError(
        run(`SELECT * FROM "events" ORDER BY n`),
        'ValidationException',
        'Must have WHERE clause in the statement when using ORDER BY clause.',
      );
      await assertDynamoError(
        run(`SELECT * FROM "events" WHERE pk = 'a' ORDER BY tag`),
        'ValidationException',
        'Variable reference tag in ORDER BY clause must be part of the primary key',
      );
      await assertDynamoError(
        run(`SELECT * FROM "events" WHERE n > 1 ORDER BY n`),
        'ValidationException',
        'Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.',
      );
    });
  });

  describe('ExecuteStatement: writes', () => {
    test('INSERT writes an item with parameters bound, and answers no items', async () => {
      const out = await run(
        `INSERT INTO "users" VALUE {'id': ?, 'age': ?, 'tags': <<'a', 'b'>>, 'm': {'x': [1, TRUE, NULL]}}`,
        {
          Parameters: [S('u1'), N(30)],
        },
      );
      assert.deepEqual(out.Items, []);
      assert.deepEqual(await get('users', { id: S('u1') }), {
        id: S('u1'),
        age: N(30),
        tags: { SS: ['a', 'b'] },
        m: { M: { x: { L: [N(1), { BOOL: true }, { NULL: true }] } } },
      });
    });

    test('INSERT of an existing key is DuplicateItemException and changes nothing', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'v': 1}`);
      await assertDynamoError(
        run(`INSERT INTO "users" VALUE {'id': 'u1', 'v': 2}`),
        'DuplicateItemException',
        'Duplicate primary key exists in table',
      );
      assert.deepEqual(await get('users', { id: S('u1') }), { id: S('u1'), v: N(1) });
    });

    test('UPDATE sets, removes, adds to sets, appends to lists and does arithmetic', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'n': 1, 'gone': 'x', 's': <<'a'>>, 'l': [1]}`);
      const out = await run(
        `UPDATE "users" SET n = n + 2, name = 'Ann' SET s = set_add(s, <<'b'>>) SET l = list_append(l, [2]) REMOVE gone WHERE id = 'u1' RETURNING ALL NEW *`,
      );
      const expected = { id: S('u1'), n: N(3), name: S('Ann'), s: { SS: ['a', 'b'] }, l: { L: [N(1), N(2)] } };
      assert.deepEqual(out.Items, [expected]);
      assert.deepEqual(await get('users', { id: S('u1') }), expected);
    });

    test('UPDATE RETURNING MODIFIED OLD * answers the updated paths as they were, or no item', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'p': {'sub': 'old', 'sib': 'keep'}}`);
      const out = await run(`UPDATE "users" SET p.sub = 'new' WHERE id = 'u1' RETURNING MODIFIED OLD *`);
      assert.deepEqual(out.Items, [{ p: { M: { sub: S('old') } } }]);
      const none = await run(`UPDATE "users" SET fresh = 1 WHERE id = 'u1' RETURNING MODIFIED OLD *`);
      assert.deepEqual(none.Items, []);
    });

    test('UPDATE of an item that does not exist fails its condition and creates nothing', async () => {
      await assertDynamoError(
        run(`UPDATE "users" SET a = 1 WHERE id = 'ghost'`),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      assert.equal(await get('users', { id: S('ghost') }), undefined);
    });

    test('UPDATE and DELETE treat the other WHERE terms as a condition, with ALL_OLD on failure', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'name': 'alpha'}`);
      const error = await assertDynamoError(
        run(`UPDATE "users" SET v = 9 WHERE id = 'u1' AND name = 'beta'`, {
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      assert.deepEqual(error.Item, { id: S('u1'), name: S('alpha') });
      await assertDynamoError(
        run(`DELETE FROM "users" WHERE id = 'u1' AND NOT begins_with(name, 'al')`),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      assert.ok(await get('users', { id: S('u1') }));
      const deleted = await run(`DELETE FROM "users" WHERE id = 'u1' AND name = 'alpha' RETURNING ALL OLD *`);
      assert.deepEqual(deleted.Items, [{ id: S('u1'), name: S('alpha') }]);
      assert.equal(await get('users', { id: S('u1') }), undefined);
    });

    test('DELETE of an item that does not exist succeeds and answers no items', async () => {
      const out = await run(`DELETE FROM "users" WHERE id = 'ghost' AND name = 'x' RETURNING ALL OLD *`);
      assert.deepEqual(out.Items, []);
    });

    test('UPDATE may not change a key attribute', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1'}`);
      await assertDynamoError(
        run(`UPDATE "users" SET id = 'u2' WHERE id = 'u1'`),
        'ValidationException',
        'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key',
      );
    });

    test('writes keep secondary indexes current', async () => {
      await run(`INSERT INTO "events" VALUE {'pk': 'a', 'n': 1, 'kind': 'odd'}`);
      await run(`UPDATE "events" SET kind = 'even' WHERE pk = 'a' AND n = 1`);
      const even = await dynamo.send(
        new QueryCommand({
          TableName: 'events',
          IndexName: 'by-kind',
          KeyConditionExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': S('even') },
        }),
      );
      assert.deepEqual(even.Items, [{ pk: S('a'), n: N(1), kind: S('even') }]);
    });

    test('a write reports its consumed capacity when asked', async () => {
      const out = await run(`INSERT INTO "users" VALUE {'id': 'u1'}`, { ReturnConsumedCapacity: 'TOTAL' });
      assert.deepEqual(out.ConsumedCapacity, { TableName: 'users', CapacityUnits: 1, WriteCapacityUnits: 1 });
    });
  });

  describe('ExecuteStatement: SELECT', () => {
    test('an equality on the partition key reads only that partition (a Query)', async () => {
      await seedEvents();
      // With Limit 1 a Scan would read one item of either partition; a Query reads partition b.
      const out = await run(`SELECT * FROM "events" WHERE pk = 'b'`, { Limit: 1, ReturnConsumedCapacity: 'TOTAL' });
      assert.deepEqual(out.Items, [{ pk: S('b'), n: N(1), kind: S('odd'), tag: S('t1') }]);
      assert.ok(out.NextToken);
      assert.deepEqual(out.LastEvaluatedKey, { pk: S('b'), n: N(1) });
      assert.equal(out.ConsumedCapacity?.CapacityUnits, 0.5);
    });

    test('sort key conditions bound the range, ORDER BY DESC reverses it', async () => {
      await seedEvents();
      const ns = async (statement: string) => (await all(statement)).items.map((i) => Number(i.n?.N));
      assert.deepEqual(await ns(`SELECT n FROM "events" WHERE pk = 'a' AND n BETWEEN 2 AND 4`), [2, 3, 4]);
      assert.deepEqual(await ns(`SELECT n FROM "events" WHERE pk = 'a' AND n > 3`), [4, 5]);
      assert.deepEqual(await ns(`SELECT n FROM "events" WHERE pk = 'a' AND 3 >= n ORDER BY n DESC`), [3, 2, 1]);
    });

    test('IN on the partition key reads each partition, ordered by ORDER BY', async () => {
      await seedEvents();
      const { items } = await all(
        `SELECT pk, n FROM "events" WHERE pk IN ['b', 'a', 'zz'] AND n <= 2 ORDER BY pk DESC`,
      );
      assert.deepEqual(
        items.map((i) => `${i.pk?.S}${i.n?.N}`),
        ['b1', 'b2', 'a1', 'a2'],
      );
      await assertDynamoError(
        run(`SELECT * FROM "events" WHERE pk IN ['a', 'b'] ORDER BY n`),
        'ValidationException',
        'Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.',
      );
    });

    test('Limit pages through a partition and through partitions, each item once', async () => {
      await seedEvents();
      const query = await all(`SELECT * FROM "events" WHERE pk IN ['a', 'b']`, { Limit: 3 });
      assert.equal(query.items.length, 10);
      assert.deepEqual(query.pages, [3, 3, 3, 1]);
      const scan = await all(`SELECT * FROM "events" WHERE tag = 't2'`, { Limit: 4 });
      assert.deepEqual(scan.items.map((i) => i.pk?.S).sort(), ['a', 'b']);
      assert.equal(scan.pages.length, 3);
    });

    test('a WHERE clause off the key is a filtered Scan', async () => {
      await seedEvents();
      const { items } = await all(
        `SELECT pk, n FROM "events" WHERE kind = 'even' AND (n = 2 OR size(tag) > 5) AND contains(tag, '2')`,
      );
      assert.deepEqual(items.map((i) => i.pk?.S).sort(), ['a', 'b']);
    });

    test('IS MISSING and IS NOT MISSING test for the attribute (recorded)', async () => {
      // test_dynamodb_partiql_missing: only the item with FirstName is answered.
      await run(`INSERT INTO "users" VALUE {'id': 'Alice123', 'FirstName': 'Alice'}`);
      await run(`INSERT INTO "users" VALUE {'id': 'Bob456'}`);
      const present = await run(`SELECT * FROM "users" WHERE FirstName IS NOT MISSING`);
      assert.deepEqual(present.Items, [{ id: S('Alice123'), FirstName: S('Alice') }]);
      const absent = await run(`SELECT id FROM "users" WHERE "FirstName" IS MISSING`);
      assert.deepEqual(absent.Items, [{ id: S('Bob456') }]);
      const typed = await run(`SELECT id FROM "users" WHERE attribute_type(FirstName, 'S')`);
      assert.deepEqual(typed.Items, [{ id: S('Alice123') }]);
    });

    test('a projected path is answered under its last name', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'm': {'nested': 'deep'}, 'l': ['x', 'y'], 'extra': 1}`);
      const out = await run(`SELECT id, m.nested, l[1] FROM "users" WHERE id = 'u1'`);
      assert.deepEqual(out.Items, [{ id: S('u1'), nested: S('deep'), _3: S('y') }]);
    });

    test('a SELECT on an index reads the index', async () => {
      await seedEvents();
      const { items } = await all(`SELECT pk, n FROM "events"."by-kind" WHERE kind = 'even'`);
      assert.deepEqual(items.map((i) => `${i.pk?.S}${i.n?.N}`).sort(), ['a2', 'a4', 'b2', 'b4']);
    });

    test('the document client binds JavaScript values as parameters', async () => {
      const doc = documentClient(dynamo);
      await doc.send(
        new DocumentExecuteStatement({
          Statement: `INSERT INTO "users" VALUE {'id': ?, 'n': ?}`,
          Parameters: ['d1', 7],
        }),
      );
      const out = await doc.send(
        new DocumentExecuteStatement({ Statement: 'SELECT * FROM users WHERE id = ?', Parameters: ['d1'] }),
      );
      assert.deepEqual(out.Items, [{ id: 'd1', n: 7 }]);
    });

    test('comparison, NOT, IN and BETWEEN forms filter as PartiQL defines them', async () => {
      await seedEvents();
      const cases: [string, string[]][] = [
        [`pk = 'a' AND tag <> 't1'`, ['a2', 'a3', 'a4', 'a5']],
        [`pk = 'a' AND tag != 't1' AND n < 3`, ['a2']],
        [`pk = 'a' AND n NOT IN [1, 2, 3]`, ['a4', 'a5']],
        [`pk = 'a' AND NOT n BETWEEN 2 AND 4`, ['a1', 'a5']],
        [`pk = 'a' AND n NOT BETWEEN 2 AND 4`, ['a1', 'a5']],
        [`pk = 'b' AND n IN (1, 5)`, ['b1', 'b5']],
        [`pk = 'b' AND n = 5e0`, ['b5']],
        [`pk = 'b' AND n > -1 AND n < 2`, ['b1']],
        [`(pk = 'a' OR pk = 'b') AND n = 3`, ['a3', 'b3']],
        [`n = 4 AND begins_with(tag, 't')`, ['a4', 'b4']],
        [`"pk" = 'a' AND "n" >= 5`, ['a5']],
      ];
      for (const [where, expected] of cases) {
        const { items } = await all(`SELECT pk, n FROM "events" WHERE ${where}`);
        assert.deepEqual(items.map((i) => `${i.pk?.S}${i.n?.N}`).sort(), expected, where);
      }
      await assertDynamoError(
        run(`SELECT * FROM "events" WHERE pk = 'a' AND n = 1 + 1`),
        'ValidationException',
        'Unsupported operator in Condition Expression. Operator: +',
      );
    });

    test('quotes inside strings and names are doubled', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'it''s', 'say "hi"': 'yes'}`);
      const out = await run(`SELECT "say ""hi""" FROM "users" WHERE id = 'it''s'`);
      assert.deepEqual(out.Items, [{ 'say "hi"': S('yes') }]);
    });

    test('keywords are case-insensitive; comments and a final semicolon are allowed', async () => {
      await run(`insert into users value {'id': 'u1'}`);
      const out = await run(`select * /* all */ from "users" -- the table\n where id = 'u1';`);
      assert.deepEqual(out.Items, [{ id: S('u1') }]);
    });
  });

  describe('BatchExecuteStatement', () => {
    const batch = (Statements: { Statement: string; Parameters?: AttributeValue[] }[]) =>
      dynamo.send(new BatchExecuteStatementCommand({ Statements }));

    test('writes answer their table for each statement (recorded)', async () => {
      // test_dynamodb_batch_execute_statement
      await run(`INSERT INTO "users" VALUE {'id': 'user02'}`);
      const out = await batch([
        { Statement: `INSERT INTO "users" VALUE {'id': ?}`, Parameters: [S('user01')] },
        { Statement: `UPDATE "users" SET Age = 20 WHERE id = 'user02'` },
      ]);
      assert.deepEqual(out.Responses, [{ TableName: 'users' }, { TableName: 'users' }]);
      assert.deepEqual(await get('users', { id: S('user02') }), { id: S('user02'), Age: N(20) });
      assert.ok(await get('users', { id: S('user01') }));
    });

    test('a failing statement answers an Error in its place and the others still run', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'dup'}`);
      const out = await batch([
        { Statement: `SLECT * FROM "users"` },
        { Statement: `INSERT INTO "users" VALUE {'id': 'dup'}` },
        { Statement: `UPDATE "users" SET a = 1 WHERE id = 'ghost'` },
        { Statement: `INSERT INTO "nope" VALUE {'id': 'x'}` },
        { Statement: `INSERT INTO "users" VALUE {'id': 'ok'}` },
      ]);
      assert.deepEqual(out.Responses, [
        { Error: { Code: 'ValidationError', Message: `${WELL_FORMED}Expected data manipulation` } },
        { Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } },
        { Error: { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } },
        { Error: { Code: 'ResourceNotFound', Message: 'Requested resource not found' } },
        { TableName: 'users' },
      ]);
      assert.ok(await get('users', { id: S('ok') }));
    });

    test('reads answer each item by its key, and refuse a read of more than one item', async () => {
      await seedEvents();
      const out = await batch([
        { Statement: `SELECT tag FROM "events" WHERE pk = 'a' AND n = 2` },
        { Statement: `SELECT * FROM "events" WHERE pk = 'a' AND n = 9` },
        { Statement: `SELECT * FROM "events" WHERE pk = 'a'` },
      ]);
      assert.deepEqual(out.Responses, [
        { TableName: 'events', Item: { tag: S('t2') } },
        { TableName: 'events' },
        { Error: { Code: 'ValidationError', Message: 'Only single item select is supported' } },
      ]);
    });

    test('reads and writes may not share a batch', async () => {
      await assertDynamoError(
        batch([
          { Statement: `SELECT * FROM "users" WHERE id = 'a'` },
          { Statement: `DELETE FROM "users" WHERE id = 'a'` },
        ]),
        'ValidationException',
        'Read and write requests together in the same batch is not supported.',
      );
    });
  });

  describe('ExecuteTransaction', () => {
    const transact = (statements: string[], extra: { ClientRequestToken?: string } = {}) =>
      dynamo.send(
        new ExecuteTransactionCommand({ TransactStatements: statements.map((Statement) => ({ Statement })), ...extra }),
      );

    test('writes apply together and answer no responses (recorded)', async () => {
      // test_dynamodb_execute_transaction
      const out = await transact([
        `INSERT INTO "users" VALUE {'id': 'user01'}`,
        `INSERT INTO "users" VALUE {'id': 'user02'}`,
      ]);
      assert.deepEqual(out.Responses, []);
      assert.ok(await get('users', { id: S('user01') }));
      assert.ok(await get('users', { id: S('user02') }));
    });

    test('a failed statement cancels all, with a reason for each statement', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'dup', 'v': 1}`);
      const error = (await assertDynamoError(
        transact([
          `INSERT INTO "users" VALUE {'id': 'new'}`,
          `INSERT INTO "users" VALUE {'id': 'dup'}`,
          `UPDATE "users" SET v = 2 WHERE id = 'ghost'`,
        ]),
        'TransactionCanceledException',
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, DuplicateItem, ConditionalCheckFailed]',
      )) as unknown as TransactionCanceledException;
      assert.deepEqual(error.CancellationReasons, [
        { Code: 'None' },
        { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      ]);
      assert.equal(await get('users', { id: S('new') }), undefined);
    });

    test('EXISTS checks an item without writing it, and cancels when false', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'state': 'open'}`);
      await transact([
        `EXISTS(SELECT * FROM "users" WHERE id = 'u1' AND state = 'open')`,
        `INSERT INTO "users" VALUE {'id': 'u2'}`,
      ]);
      assert.ok(await get('users', { id: S('u2') }));
      const error = await rejection(
        transact([
          `EXISTS(SELECT * FROM "users" WHERE id = 'u1' AND state IS MISSING)`,
          `INSERT INTO "users" VALUE {'id': 'u3'}`,
        ]),
      );
      assert.equal(error.name, 'TransactionCanceledException');
      assert.equal(await get('users', { id: S('u3') }), undefined);
      await assertDynamoError(
        transact([`EXISTS(SELECT * FROM "users" WHERE state = 'open')`]),
        'ValidationException',
        'EXISTS() must contain a single item read with additional condition',
      );
    });

    test('reads answer one response per statement, empty for a missing item', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'u1', 'v': 1}`);
      const out = await transact([`SELECT * FROM "users" WHERE id = 'u1'`, `SELECT * FROM "users" WHERE id = 'ghost'`]);
      assert.deepEqual(out.Responses, [{ Item: { id: S('u1'), v: N(1) } }, {}]);
      await assertDynamoError(
        transact([`SELECT * FROM "users" WHERE v = 1`]),
        'ValidationException',
        'Select statements within ExecuteTransaction must specify the primary key in the where clause.',
      );
    });

    test('refuses reads mixed with writes, RETURNING, and two statements on one item', async () => {
      await assertDynamoError(
        transact([`SELECT * FROM "users" WHERE id = 'a'`, `INSERT INTO "users" VALUE {'id': 'b'}`]),
        'ValidationException',
        'ExecuteTransaction API does not support both read and write operations in the same request.',
      );
      await assertDynamoError(
        transact([`DELETE FROM "users" WHERE id = 'a' RETURNING ALL OLD *`]),
        'ValidationException',
        'RETURNING clause is not supported in ExecuteTransaction',
      );
      await assertDynamoError(
        transact([`INSERT INTO "users" VALUE {'id': 'a'}`, `DELETE FROM "users" WHERE id = 'a'`]),
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
    });

    test('a ClientRequestToken replay does not apply twice; other statements under it are refused', async () => {
      await run(`INSERT INTO "users" VALUE {'id': 'c', 'n': 0}`);
      const statements = [`UPDATE "users" SET n = n + 1 WHERE id = 'c'`];
      await transact(statements, { ClientRequestToken: 'token-1' });
      const replay = await transact(statements, { ClientRequestToken: 'token-1' });
      assert.deepEqual(replay.Responses, []);
      assert.deepEqual(await get('users', { id: S('c') }), { id: S('c'), n: N(1) });
      const error = await rejection(
        transact([`UPDATE "users" SET n = 5 WHERE id = 'c'`], { ClientRequestToken: 'token-1' }),
      );
      assert.equal(error.name, 'IdempotentParameterMismatchException');
    });
  });
});
