import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, definitions, dynamoFor, keySchema } from './dynamodb-helpers.js';

const invalid = 'One or more parameter values were invalid: ';

describe('CreateTable', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const create = (input: Partial<CreateTableCommandInput>) =>
    dynamo.send(
      new CreateTableCommand({
        TableName: 'things',
        KeySchema: keySchema('id'),
        AttributeDefinitions: definitions({ id: 'S' }),
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        ...input,
      }),
    );

  describe('behaviour', () => {
    test('answers CREATING with the description AWS gives, and DescribeTable answers ACTIVE', async () => {
      const { TableDescription } = await create({});
      assert.equal(TableDescription?.TableStatus, 'CREATING');
      assert.equal(TableDescription?.TableName, 'things');
      assert.equal(TableDescription?.TableArn, 'arn:aws:dynamodb:us-east-1:111111111111:table/things');
      assert.match(TableDescription?.TableId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(TableDescription?.ItemCount, 0);
      assert.equal(TableDescription?.TableSizeBytes, 0);
      assert.equal(TableDescription?.DeletionProtectionEnabled, false);
      assert.deepEqual(TableDescription?.ProvisionedThroughput, {
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 5,
        WriteCapacityUnits: 5,
      });
      assert.equal(TableDescription?.WarmThroughput, undefined);
      assert.ok(TableDescription?.CreationDateTime instanceof Date);
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(Table?.TableStatus, 'ACTIVE');
      assert.deepEqual(Table?.WarmThroughput, { ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 5, Status: 'ACTIVE' });
    });

    test('lets the SDK waiter return at once', async () => {
      await create({});
      const result = await waitUntilTableExists({ client: dynamo, maxWaitTime: 60 }, { TableName: 'things' });
      assert.equal(result.state, 'SUCCESS');
    });

    test('keeps PAY_PER_REQUEST with zero throughput and a billing summary', async () => {
      const { TableDescription } = await create({ BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: undefined });
      assert.deepEqual(TableDescription?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST' });
      assert.equal(TableDescription?.ProvisionedThroughput?.ReadCapacityUnits, 0);
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(Table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
      assert.ok(Table?.BillingModeSummary?.LastUpdateToPayPerRequestDateTime instanceof Date);
      assert.deepEqual(Table?.WarmThroughput, {
        ReadUnitsPerSecond: 12000,
        WriteUnitsPerSecond: 4000,
        Status: 'ACTIVE',
      });
    });

    test('describes GSIs and LSIs with their projections, ARNs and counts', async () => {
      const { TableDescription } = await create({
        KeySchema: keySchema('pk', 'sk'),
        AttributeDefinitions: definitions({ pk: 'S', sk: 'S', g: 'N', l: 'S' }),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-g',
            KeySchema: keySchema('g'),
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 },
          },
        ],
        LocalSecondaryIndexes: [
          { IndexName: 'by-l', KeySchema: keySchema('pk', 'l'), Projection: { ProjectionType: 'KEYS_ONLY' } },
        ],
      });
      const gsi = TableDescription?.GlobalSecondaryIndexes?.[0];
      assert.equal(gsi?.IndexStatus, 'CREATING');
      assert.equal(gsi?.IndexArn, 'arn:aws:dynamodb:us-east-1:111111111111:table/things/index/by-g');
      assert.deepEqual(gsi?.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] });
      assert.equal(gsi?.ProvisionedThroughput?.WriteCapacityUnits, 2);
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'ACTIVE');
      assert.equal(Table?.GlobalSecondaryIndexes?.[0]?.ItemCount, 0);
      assert.deepEqual(Table?.LocalSecondaryIndexes, [
        {
          IndexName: 'by-l',
          KeySchema: keySchema('pk', 'l'),
          Projection: { ProjectionType: 'KEYS_ONLY' },
          IndexSizeBytes: 0,
          ItemCount: 0,
          IndexArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/things/index/by-l',
        },
      ]);
    });

    test('keeps a stream specification and names the stream', async () => {
      const { TableDescription } = await create({
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
      assert.deepEqual(TableDescription?.StreamSpecification, {
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
      assert.match(TableDescription?.LatestStreamLabel ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
      assert.equal(
        TableDescription?.LatestStreamArn,
        `arn:aws:dynamodb:us-east-1:111111111111:table/things/stream/${TableDescription?.LatestStreamLabel}`,
      );
    });

    test('keeps tables of other accounts and regions apart', async () => {
      await create({});
      const other = dynamoFor(cloud, '222222222222');
      const elsewhere = dynamoFor(cloud, '111111111111', 'eu-west-1');
      await other.send(
        new CreateTableCommand({
          TableName: 'things',
          KeySchema: keySchema('id'),
          AttributeDefinitions: definitions({ id: 'S' }),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await assertDynamoError(
        elsewhere.send(new DescribeTableCommand({ TableName: 'things' })),
        'ResourceNotFoundException',
        'Requested resource not found: Table: things not found',
      );
    });
  });

  describe('errors', () => {
    test('answers ResourceInUseException for an existing table', async () => {
      await create({});
      await assertDynamoError(create({}), 'ResourceInUseException', 'Table already exists: things');
    });

    test('refuses throughput with PAY_PER_REQUEST', async () => {
      await assertDynamoError(
        create({ BillingMode: 'PAY_PER_REQUEST' }),
        'ValidationException',
        `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
      );
    });

    test('requires throughput when PROVISIONED', async () => {
      await assertDynamoError(
        create({ ProvisionedThroughput: undefined }),
        'ValidationException',
        `${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`,
      );
    });

    test('refuses key attributes that are not defined', async () => {
      await assertDynamoError(
        create({ KeySchema: keySchema('pk'), AttributeDefinitions: definitions({ id: 'S' }) }),
        'ValidationException',
        `${invalid}Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [id]`,
      );
    });

    test('refuses definitions the keys do not use', async () => {
      await assertDynamoError(
        create({ AttributeDefinitions: definitions({ id: 'S', extra: 'S' }) }),
        'ValidationException',
        `${invalid}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
      );
      await assertDynamoError(
        create({
          AttributeDefinitions: definitions({ id: 'S', g: 'S', extra: 'N' }),
          GlobalSecondaryIndexes: [
            {
              IndexName: 'by-g',
              KeySchema: keySchema('g'),
              Projection: { ProjectionType: 'ALL' },
              ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
            },
          ],
        }),
        'ValidationException',
        `${invalid}Some AttributeDefinitions are not used. AttributeDefinitions: [id, g, extra], keys used: [id, g]`,
      );
    });

    test('refuses a RANGE key first and two keys of one name', async () => {
      await assertDynamoError(
        create({
          KeySchema: [{ AttributeName: 'id', KeyType: 'RANGE' }],
        }),
        'ValidationException',
        'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
      );
      await assertDynamoError(
        create({ KeySchema: keySchema('id', 'id'), AttributeDefinitions: definitions({ id: 'S', x: 'S' }) }),
        'ValidationException',
        'Both the Hash Key and the Range Key element in the KeySchema have the same name',
      );
    });

    test('refuses an LSI on a table without a range key, or with another hash key', async () => {
      await assertDynamoError(
        create({
          AttributeDefinitions: definitions({ id: 'S', l: 'S' }),
          LocalSecondaryIndexes: [
            { IndexName: 'by-l', KeySchema: keySchema('id', 'l'), Projection: { ProjectionType: 'ALL' } },
          ],
        }),
        'ValidationException',
        `${invalid}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
      );
      await assertDynamoError(
        create({
          KeySchema: keySchema('id', 'sk'),
          AttributeDefinitions: definitions({ id: 'S', sk: 'S', l: 'S' }),
          LocalSecondaryIndexes: [
            { IndexName: 'by-l', KeySchema: keySchema('l', 'sk'), Projection: { ProjectionType: 'ALL' } },
          ],
        }),
        'ValidationException',
        `${invalid}Index KeySchema does not have the same leading hash key as table KeySchema for index: by-l. index hash key: l, table hash key: id`,
      );
    });

    test('refuses NonKeyAttributes outside INCLUDE and a GSI without throughput on a provisioned table', async () => {
      const gsi = (extra: object) => ({
        AttributeDefinitions: definitions({ id: 'S', g: 'S' }),
        GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: keySchema('g'), ...extra }],
      });
      await assertDynamoError(
        create(
          gsi({
            Projection: { ProjectionType: 'ALL', NonKeyAttributes: ['x'] },
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          }) as Partial<CreateTableCommandInput>,
        ),
        'ValidationException',
        `${invalid}ProjectionType is ALL, but NonKeyAttributes is specified`,
      );
      await assertDynamoError(
        create(gsi({ Projection: { ProjectionType: 'ALL' } }) as Partial<CreateTableCommandInput>),
        'ValidationException',
        `${invalid}ProvisionedThroughput must be specified for index: by-g`,
      );
    });

    test('validates the table name against the model', async () => {
      await assertDynamoError(
        create({ TableName: 'a' }),
        'ValidationException',
        "1 validation error detected: Value 'a' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      );
    });
  });
});
