import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateBackupCommand,
  DeleteBackupCommand,
  DeleteItemCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  PutItemCommand,
  QueryCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, dynamoFor } from './dynamodb-helpers.js';

const account = '111111111111';

/** The Nimbus clock runs on between two readings: a time it gave lies between them. */
function assertWithin(value: Date | undefined, low: number, high: number): void {
  const at = value?.getTime() ?? Number.NaN;
  assert.ok(at >= low && at <= high, `${value?.toISOString()} is not within [${low}, ${high}]`);
}

describe('DynamoDB backups and point-in-time recovery', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud, account);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const put = (table: string, id: string, extra: Record<string, { S: string } | { N: string }> = {}) =>
    dynamo.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, ...extra } }));
  const ids = async (table: string) => {
    const out = await dynamo.send(new ScanCommand({ TableName: table }));
    return (out.Items ?? []).map((item) => item.id?.S).sort();
  };
  const enablePitr = (table: string, days?: number) =>
    dynamo.send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: days },
      }),
    );
  /** A table keyed by id, with a GSI on `group`. */
  const ordersTable = (name: string) =>
    createTable(
      dynamo,
      name,
      { hash: ['id', 'S'] },
      {
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'group', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-group',
            KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    );

  describe('DescribeContinuousBackups', () => {
    test('says continuous backups are enabled and point-in-time recovery disabled for a new table', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const out = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: 'orders' }));
      assert.deepEqual(out.ContinuousBackupsDescription, {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      });
    });

    test('returns TableNotFoundException naming a missing table', async () => {
      await assertDynamoError(
        dynamo.send(new DescribeContinuousBackupsCommand({ TableName: 'missing' })),
        'TableNotFoundException',
        'Table not found: missing',
      );
    });
  });

  describe('UpdateContinuousBackups', () => {
    test('enables recovery for 35 days by default, restorable from now to now (test_continuous_backup_update)', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const before = cloud.clock.now();
      const out = await enablePitr('orders');
      const after = cloud.clock.now();
      const pitr = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
      assert.equal(out.ContinuousBackupsDescription?.ContinuousBackupsStatus, 'ENABLED');
      assert.equal(pitr?.PointInTimeRecoveryStatus, 'ENABLED');
      assert.equal(pitr?.RecoveryPeriodInDays, 35);
      assertWithin(pitr?.EarliestRestorableDateTime, before, after);
      assert.equal(pitr?.LatestRestorableDateTime?.getTime(), pitr?.EarliestRestorableDateTime?.getTime());
    });

    test('keeps the earliest restorable time and moves the latest with the clock', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const enabled = await enablePitr('orders', 7);
      const enabledAt =
        enabled.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.EarliestRestorableDateTime;
      cloud.clock.advance(3600);
      const before = cloud.clock.now();
      const out = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: 'orders' }));
      const pitr = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
      assert.equal(pitr?.RecoveryPeriodInDays, 7);
      assert.equal(pitr?.EarliestRestorableDateTime?.getTime(), enabledAt?.getTime());
      assertWithin(pitr?.LatestRestorableDateTime, before, cloud.clock.now());
    });

    test('limits the window to the recovery period once it has passed', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await enablePitr('orders', 1);
      cloud.clock.advance(2 * 86_400);
      const before = cloud.clock.now();
      const out = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: 'orders' }));
      const pitr = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
      assertWithin(pitr?.EarliestRestorableDateTime, before - 86_400_000, cloud.clock.now() - 86_400_000);
    });

    test('disables recovery again', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await enablePitr('orders');
      const out = await dynamo.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'orders',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        }),
      );
      assert.equal(
        out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
        'DISABLED',
      );
    });

    test('refuses a recovery period over 35 days with a ValidationException', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await assertDynamoError(
        enablePitr('orders', 36),
        'ValidationException',
        "1 validation error detected: Value '36' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 35",
      );
    });

    test('returns TableNotFoundException naming a missing table', async () => {
      await assertDynamoError(enablePitr('missing'), 'TableNotFoundException', 'Table not found: missing');
    });
  });

  describe('CreateBackup, DescribeBackup, ListBackups, DeleteBackup', () => {
    test('answers CREATING, then describes the backup as AVAILABLE with its source table', async () => {
      await ordersTable('orders');
      await put('orders', 'a', { group: { S: 'g1' } });
      await put('orders', 'b', { group: { S: 'g2' } });
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      const details = created.BackupDetails;
      assert.equal(details?.BackupStatus, 'CREATING');
      assert.equal(details?.BackupType, 'USER');
      assert.equal(details?.BackupName, 'nightly');
      assert.match(
        details?.BackupArn ?? '',
        /^arn:aws:dynamodb:us-east-1:111111111111:table\/orders\/backup\/\d{14}-[0-9a-f]{8}$/,
      );
      const described = await dynamo.send(new DescribeBackupCommand({ BackupArn: details?.BackupArn }));
      const description = described.BackupDescription;
      assert.equal(description?.BackupDetails?.BackupStatus, 'AVAILABLE');
      assert.equal(description?.SourceTableDetails?.TableName, 'orders');
      assert.equal(description?.SourceTableDetails?.ItemCount, 2);
      assert.equal(description?.SourceTableDetails?.BillingMode, 'PAY_PER_REQUEST');
      assert.deepEqual(
        description?.SourceTableFeatureDetails?.GlobalSecondaryIndexes?.map((index) => index.IndexName),
        ['by-group'],
      );
      assert.deepEqual(description?.SourceTableFeatureDetails?.TimeToLiveDescription, { TimeToLiveStatus: 'DISABLED' });
    });

    test('returns TableNotFoundException for a backup of a missing table', async () => {
      await assertDynamoError(
        dynamo.send(new CreateBackupCommand({ TableName: 'missing', BackupName: 'nightly' })),
        'TableNotFoundException',
        'Table not found: missing',
      );
    });

    test('lists backups in creation order, by table, by time range and a page at a time', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await createTable(dynamo, 'users', { hash: ['id', 'S'] });
      const first = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'one' }));
      cloud.clock.advance(60);
      const middle = cloud.clock.now();
      await dynamo.send(new CreateBackupCommand({ TableName: 'users', BackupName: 'two' }));
      cloud.clock.advance(60);
      await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'three' }));
      const all = await dynamo.send(new ListBackupsCommand({}));
      assert.deepEqual(
        all.BackupSummaries?.map((b) => b.BackupName),
        ['one', 'two', 'three'],
      );
      assert.equal(all.LastEvaluatedBackupArn, undefined);
      const orders = await dynamo.send(new ListBackupsCommand({ TableName: 'orders' }));
      assert.deepEqual(
        orders.BackupSummaries?.map((b) => b.BackupName),
        ['one', 'three'],
      );
      const later = await dynamo.send(new ListBackupsCommand({ TimeRangeLowerBound: new Date(middle) }));
      assert.deepEqual(
        later.BackupSummaries?.map((b) => b.BackupName),
        ['two', 'three'],
      );
      const system = await dynamo.send(new ListBackupsCommand({ BackupType: 'SYSTEM' }));
      assert.deepEqual(system.BackupSummaries, []);
      const page = await dynamo.send(new ListBackupsCommand({ Limit: 1 }));
      assert.equal(page.LastEvaluatedBackupArn, first.BackupDetails?.BackupArn);
      const next = await dynamo.send(
        new ListBackupsCommand({ Limit: 2, ExclusiveStartBackupArn: page.LastEvaluatedBackupArn }),
      );
      assert.deepEqual(
        next.BackupSummaries?.map((b) => b.BackupName),
        ['two', 'three'],
      );
      assert.equal(next.LastEvaluatedBackupArn, undefined);
    });

    test('deletes a backup, answering DELETED, after which it is not found', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      const arn = created.BackupDetails?.BackupArn as string;
      const deleted = await dynamo.send(new DeleteBackupCommand({ BackupArn: arn }));
      assert.equal(deleted.BackupDescription?.BackupDetails?.BackupStatus, 'DELETED');
      await assertDynamoError(
        dynamo.send(new DescribeBackupCommand({ BackupArn: arn })),
        'BackupNotFoundException',
        `Backup not found: ${arn}`,
      );
      await assertDynamoError(
        dynamo.send(new DeleteBackupCommand({ BackupArn: arn })),
        'BackupNotFoundException',
        `Backup not found: ${arn}`,
      );
    });

    test("does not find another account's backup", async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      const arn = created.BackupDetails?.BackupArn as string;
      await assertDynamoError(
        dynamoFor(cloud, '222222222222').send(new DescribeBackupCommand({ BackupArn: arn })),
        'BackupNotFoundException',
        `Backup not found: ${arn}`,
      );
    });
  });

  describe('RestoreTableFromBackup', () => {
    test('makes a new table with the items of the moment of the backup, its index and counts', async () => {
      await ordersTable('orders');
      await put('orders', 'a', { group: { S: 'g1' } });
      await put('orders', 'b', { group: { S: 'g1' } });
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      await put('orders', 'c', { group: { S: 'g1' } });
      await dynamo.send(new DeleteItemCommand({ TableName: 'orders', Key: { id: { S: 'a' } } }));
      const restored = await dynamo.send(
        new RestoreTableFromBackupCommand({
          TargetTableName: 'orders-copy',
          BackupArn: created.BackupDetails?.BackupArn,
        }),
      );
      assert.equal(restored.TableDescription?.TableName, 'orders-copy');
      assert.equal(restored.TableDescription?.TableStatus, 'CREATING');
      assert.equal(restored.TableDescription?.RestoreSummary?.SourceBackupArn, created.BackupDetails?.BackupArn);
      assert.equal(
        restored.TableDescription?.RestoreSummary?.SourceTableArn,
        'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
      );
      assert.equal(restored.TableDescription?.RestoreSummary?.RestoreInProgress, true);
      assert.deepEqual(await ids('orders-copy'), ['a', 'b']);
      const byGroup = await dynamo.send(
        new QueryCommand({
          TableName: 'orders-copy',
          IndexName: 'by-group',
          KeyConditionExpression: '#g = :g',
          ExpressionAttributeNames: { '#g': 'group' },
          ExpressionAttributeValues: { ':g': { S: 'g1' } },
        }),
      );
      assert.equal(byGroup.Count, 2);
      const table = await dynamo.send(new DescribeTableCommand({ TableName: 'orders-copy' }));
      assert.equal(table.Table?.ItemCount, 2);
      assert.equal(table.Table?.RestoreSummary?.SourceBackupArn, created.BackupDetails?.BackupArn);
      assert.equal(table.Table?.RestoreSummary?.RestoreInProgress, false);
      assert.equal(table.Table?.GlobalSecondaryIndexes?.[0]?.ItemCount, 2);
    });

    test('builds an overridden index from the items and takes the billing override', async () => {
      await ordersTable('orders');
      await put('orders', 'a', { group: { S: 'g1' } });
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      await dynamo.send(
        new RestoreTableFromBackupCommand({
          TargetTableName: 'orders-copy',
          BackupArn: created.BackupDetails?.BackupArn,
          BillingModeOverride: 'PROVISIONED',
          ProvisionedThroughputOverride: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          GlobalSecondaryIndexOverride: [
            {
              IndexName: 'by-group-keys',
              KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
              ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
            },
          ],
        }),
      );
      const table = await dynamo.send(new DescribeTableCommand({ TableName: 'orders-copy' }));
      assert.equal(table.Table?.ProvisionedThroughput?.ReadCapacityUnits, 5);
      assert.deepEqual(
        table.Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.ItemCount]),
        [['by-group-keys', 1]],
      );
      const item = await dynamo.send(new GetItemCommand({ TableName: 'orders-copy', Key: { id: { S: 'a' } } }));
      assert.equal(item.Item?.group?.S, 'g1');
    });

    test('returns TableAlreadyExistsException when the target table exists', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      await assertDynamoError(
        dynamo.send(
          new RestoreTableFromBackupCommand({ TargetTableName: 'orders', BackupArn: created.BackupDetails?.BackupArn }),
        ),
        'TableAlreadyExistsException',
        'Table already exists: orders',
      );
    });

    test('returns BackupNotFoundException for a backup that does not exist', async () => {
      const arn = 'arn:aws:dynamodb:us-east-1:111111111111:table/orders/backup/01700000000000-0badc0de';
      await assertDynamoError(
        dynamo.send(new RestoreTableFromBackupCommand({ TargetTableName: 'copy', BackupArn: arn })),
        'BackupNotFoundException',
        `Backup not found: ${arn}`,
      );
    });

    test('restores from a backup of a table since deleted', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await put('orders', 'a');
      const created = await dynamo.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'nightly' }));
      const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
      await dynamo.send(new DeleteTableCommand({ TableName: 'orders' }));
      await dynamo.send(
        new RestoreTableFromBackupCommand({ TargetTableName: 'orders', BackupArn: created.BackupDetails?.BackupArn }),
      );
      assert.deepEqual(await ids('orders'), ['a']);
    });
  });

  describe('RestoreTableToPointInTime', () => {
    test('restores the latest restorable time as a copy of the current items', async () => {
      await ordersTable('orders');
      await enablePitr('orders');
      await put('orders', 'a', { group: { S: 'g1' } });
      await put('orders', 'b', { group: { S: 'g1' } });
      const before = cloud.clock.now();
      const out = await dynamo.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: 'orders',
          TargetTableName: 'orders-now',
          UseLatestRestorableTime: true,
        }),
      );
      assert.equal(
        out.TableDescription?.RestoreSummary?.SourceTableArn,
        'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
      );
      assertWithin(out.TableDescription?.RestoreSummary?.RestoreDateTime, before, cloud.clock.now());
      assert.deepEqual(await ids('orders-now'), ['a', 'b']);
      const table = await dynamo.send(new DescribeTableCommand({ TableName: 'orders-now' }));
      assert.equal(table.Table?.GlobalSecondaryIndexes?.[0]?.ItemCount, 2);
    });

    test('restores an earlier time from the history kept while recovery is on', async () => {
      await ordersTable('orders');
      await put('orders', 'kept', { group: { S: 'g1' }, v: { N: '1' } });
      await enablePitr('orders');
      await put('orders', 'a', { group: { S: 'g1' } });
      cloud.clock.advance(60);
      const then = cloud.clock.now();
      cloud.clock.advance(60);
      await put('orders', 'kept', { group: { S: 'g2' }, v: { N: '2' } });
      await put('orders', 'kept', { group: { S: 'g2' }, v: { N: '3' } });
      await put('orders', 'b', { group: { S: 'g1' } });
      await dynamo.send(new DeleteItemCommand({ TableName: 'orders', Key: { id: { S: 'a' } } }));
      await dynamo.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
          TargetTableName: 'orders-then',
          RestoreDateTime: new Date(then),
        }),
      );
      assert.deepEqual(await ids('orders-then'), ['a', 'kept']);
      const kept = await dynamo.send(new GetItemCommand({ TableName: 'orders-then', Key: { id: { S: 'kept' } } }));
      assert.equal(kept.Item?.v?.N, '1');
      const byGroup = await dynamo.send(
        new QueryCommand({
          TableName: 'orders-then',
          IndexName: 'by-group',
          KeyConditionExpression: '#g = :g',
          ExpressionAttributeNames: { '#g': 'group' },
          ExpressionAttributeValues: { ':g': { S: 'g1' } },
        }),
      );
      assert.equal(byGroup.Count, 2);
      assert.deepEqual(await ids('orders'), ['b', 'kept']);
    });

    test('returns InvalidRestoreTimeException for a time before recovery was enabled', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      const before = cloud.clock.now();
      cloud.clock.advance(60);
      await enablePitr('orders');
      await assertDynamoError(
        dynamo.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'orders',
            TargetTableName: 'copy',
            RestoreDateTime: new Date(before),
          }),
        ),
        'InvalidRestoreTimeException',
        'RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime',
      );
    });

    test('returns PointInTimeRecoveryUnavailableException when recovery is off', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await assertDynamoError(
        dynamo.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'orders',
            TargetTableName: 'copy',
            UseLatestRestorableTime: true,
          }),
        ),
        'PointInTimeRecoveryUnavailableException',
        "Point in time recovery is not enabled for table 'orders'",
      );
    });

    test('returns TableNotFoundException for a missing source and TableAlreadyExistsException for a taken target', async () => {
      await assertDynamoError(
        dynamo.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'missing',
            TargetTableName: 'copy',
            UseLatestRestorableTime: true,
          }),
        ),
        'TableNotFoundException',
        'Table not found: missing',
      );
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await enablePitr('orders');
      await assertDynamoError(
        dynamo.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'orders',
            TargetTableName: 'orders',
            UseLatestRestorableTime: true,
          }),
        ),
        'TableAlreadyExistsException',
        'Table already exists: orders',
      );
    });

    test('forgets the history when recovery is disabled', async () => {
      await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
      await enablePitr('orders');
      await put('orders', 'a');
      await dynamo.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'orders',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        }),
      );
      cloud.clock.advance(60);
      const reenabled = cloud.clock.now();
      await enablePitr('orders');
      const out = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: 'orders' }));
      assertWithin(
        out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.EarliestRestorableDateTime,
        reenabled,
        cloud.clock.now(),
      );
    });
  });
});
