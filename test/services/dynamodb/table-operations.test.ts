import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteTableCommand,
  DescribeEndpointsCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, definitions, dynamoFor, keySchema } from './dynamodb-helpers.js';

const arn = (name: string) => `arn:aws:dynamodb:us-east-1:111111111111:table/${name}`;

describe('UpdateTable, DeleteTable, ListTables, tags and time to live', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createTable(dynamo, 'things', { hash: ['id', 'S'] });
  });

  describe('UpdateTable', () => {
    test('adds a GSI over the existing items, and deletes it', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: '1' }, colour: { S: 'red' } } }));
      await dynamo.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: '2' } } }));
      const { TableDescription } = await dynamo.send(
        new UpdateTableCommand({
          TableName: 'things',
          AttributeDefinitions: definitions({ colour: 'S' }),
          GlobalSecondaryIndexUpdates: [
            {
              Create: { IndexName: 'by-colour', KeySchema: keySchema('colour'), Projection: { ProjectionType: 'ALL' } },
            },
          ],
        }),
      );
      assert.equal(TableDescription?.TableStatus, 'UPDATING');
      assert.equal(TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'CREATING');
      const { Items } = await dynamo.send(
        new QueryCommand({
          TableName: 'things',
          IndexName: 'by-colour',
          KeyConditionExpression: 'colour = :c',
          ExpressionAttributeValues: { ':c': { S: 'red' } },
        }),
      );
      assert.deepEqual(Items, [{ id: { S: '1' }, colour: { S: 'red' } }]);
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(Table?.GlobalSecondaryIndexes?.[0]?.ItemCount, 1);
      assert.deepEqual(Table?.AttributeDefinitions, definitions({ id: 'S', colour: 'S' }));
      const deleted = await dynamo.send(
        new UpdateTableCommand({
          TableName: 'things',
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-colour' } }],
        }),
      );
      assert.equal(deleted.TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'DELETING');
      const after = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(after.Table?.GlobalSecondaryIndexes, undefined);
      assert.deepEqual(after.Table?.AttributeDefinitions, definitions({ id: 'S' }));
    });

    test('switches billing modes and keeps throughput and stream settings', async () => {
      await dynamo.send(
        new UpdateTableCommand({
          TableName: 'things',
          BillingMode: 'PROVISIONED',
          ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
        }),
      );
      let { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(Table?.BillingModeSummary, undefined);
      assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 4);
      await dynamo.send(
        new UpdateTableCommand({
          TableName: 'things',
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
          DeletionProtectionEnabled: true,
        }),
      );
      ({ Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' })));
      assert.deepEqual(Table?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
      assert.equal(Table?.DeletionProtectionEnabled, true);
      await assertDynamoError(
        dynamo.send(
          new UpdateTableCommand({
            TableName: 'things',
            ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
          }),
        ),
        'ValidationException',
        'The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 3. Requested ReadCapacityUnits: 3. Current WriteCapacityUnits provisioned for the table: 4. Requested WriteCapacityUnits: 4. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
      );
    });

    test('refuses an update that changes nothing, and a missing table', async () => {
      await assertDynamoError(
        dynamo.send(new UpdateTableCommand({ TableName: 'things' })),
        'ValidationException',
        'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
      );
      await assertDynamoError(
        dynamo.send(new UpdateTableCommand({ TableName: 'nope', DeletionProtectionEnabled: true })),
        'ResourceNotFoundException',
        'Requested resource not found: Table: nope not found',
      );
    });
  });

  describe('DeleteTable', () => {
    test('answers DELETING, forgets the table and its items', async () => {
      await dynamo.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: '1' } } }));
      const { TableDescription } = await dynamo.send(new DeleteTableCommand({ TableName: 'things' }));
      assert.equal(TableDescription?.TableStatus, 'DELETING');
      assert.equal(TableDescription?.ItemCount, 1);
      assert.equal(TableDescription?.KeySchema, undefined);
      await assertDynamoError(
        dynamo.send(new DescribeTableCommand({ TableName: 'things' })),
        'ResourceNotFoundException',
        'Requested resource not found: Table: things not found',
      );
      await createTable(dynamo, 'things', { hash: ['id', 'S'] });
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'things' }));
      assert.equal(Table?.ItemCount, 0);
    });

    test('refuses a table protected against deletion', async () => {
      await dynamo.send(new UpdateTableCommand({ TableName: 'things', DeletionProtectionEnabled: true }));
      await assertDynamoError(
        dynamo.send(new DeleteTableCommand({ TableName: 'things' })),
        'ValidationException',
        'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
      );
    });

    test('answers the table name for a missing table', async () => {
      await assertDynamoError(
        dynamo.send(new DeleteTableCommand({ TableName: 'non-existent' })),
        'ResourceNotFoundException',
        'Requested resource not found: Table: non-existent not found',
      );
    });
  });

  describe('ListTables', () => {
    test('pages names in order with Limit and ExclusiveStartTableName', async () => {
      for (const name of ['beta', 'alpha', 'gamma']) await createTable(dynamo, name, { hash: ['id', 'S'] });
      const first = await dynamo.send(new ListTablesCommand({ Limit: 2 }));
      assert.deepEqual(first.TableNames, ['alpha', 'beta']);
      assert.equal(first.LastEvaluatedTableName, 'beta');
      const rest = await dynamo.send(new ListTablesCommand({ ExclusiveStartTableName: 'beta' }));
      assert.deepEqual(rest.TableNames, ['gamma', 'things']);
      assert.equal(rest.LastEvaluatedTableName, undefined);
    });
  });

  describe('tags', () => {
    test('adds, replaces, lists and removes tags', async () => {
      await dynamo.send(
        new TagResourceCommand({
          ResourceArn: arn('things'),
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
          ],
        }),
      );
      await dynamo.send(new TagResourceCommand({ ResourceArn: arn('things'), Tags: [{ Key: 'a', Value: '3' }] }));
      await dynamo.send(new UntagResourceCommand({ ResourceArn: arn('things'), TagKeys: ['b'] }));
      const { Tags } = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn('things') }));
      assert.deepEqual(Tags, [{ Key: 'a', Value: '3' }]);
    });

    test('answers AWS texts for a bad ARN and a missing table', async () => {
      await assertDynamoError(
        dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:111111111111:things' })),
        'ValidationException',
        'Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:111111111111:things',
      );
      await assertDynamoError(
        dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn('nothing') })),
        'ResourceNotFoundException',
        `Requested resource not found: ResourcArn: ${arn('nothing')} not found`,
      );
    });
  });

  describe('time to live and limits', () => {
    test('keeps the TTL setting and refuses to enable it twice', async () => {
      assert.deepEqual(
        (await dynamo.send(new DescribeTimeToLiveCommand({ TableName: 'things' }))).TimeToLiveDescription,
        {
          TimeToLiveStatus: 'DISABLED',
        },
      );
      const spec = { Enabled: true, AttributeName: 'expires' };
      const { TimeToLiveSpecification } = await dynamo.send(
        new UpdateTimeToLiveCommand({ TableName: 'things', TimeToLiveSpecification: spec }),
      );
      assert.deepEqual(TimeToLiveSpecification, spec);
      assert.deepEqual(
        (await dynamo.send(new DescribeTimeToLiveCommand({ TableName: 'things' }))).TimeToLiveDescription,
        {
          TimeToLiveStatus: 'ENABLED',
          AttributeName: 'expires',
        },
      );
      await assertDynamoError(
        dynamo.send(new UpdateTimeToLiveCommand({ TableName: 'things', TimeToLiveSpecification: spec })),
        'ValidationException',
        'TimeToLive is already enabled',
      );
    });

    test('answers the default limits and an endpoint that leads back here', async () => {
      const limits = await dynamo.send(new DescribeLimitsCommand({}));
      assert.equal(limits.TableMaxReadCapacityUnits, 40000);
      assert.equal(limits.AccountMaxWriteCapacityUnits, 80000);
      const { Endpoints } = await dynamo.send(new DescribeEndpointsCommand({}));
      assert.equal(Endpoints?.[0]?.Address, new URL(cloud.endpoint).host);
      assert.equal(Endpoints?.[0]?.CachePeriodInMinutes, 1440);
    });
  });
});
