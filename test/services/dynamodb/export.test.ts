import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  DescribeExportCommand,
  type DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ListExportsCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { assertDynamoError, createTable, dynamoFor } from './dynamodb-helpers.js';

const account = '111111111111';
const tableArn = `arn:aws:dynamodb:us-east-1:${account}:table/orders`;

describe('DynamoDB exports to S3', () => {
  let cloud: NimbusCloud;
  let dynamo: DynamoDBClient;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    dynamo = dynamoFor(cloud, account);
    s3 = new S3Client({ ...clientConfig(cloud, { accessKeyId: account }), forcePathStyle: true });
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const put = (id: string, extra: Record<string, { S: string } | { N: string } | { B: Uint8Array }> = {}) =>
    dynamo.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: id }, ...extra } }));
  const setUp = async (pitr = true) => {
    await createTable(dynamo, 'orders', { hash: ['id', 'S'] });
    if (pitr) {
      await dynamo.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'orders',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'exports' }));
  };
  const read = async (key: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: 'exports', Key: key }));
    return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  };
  const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');
  /** The items of every data file a manifest-files.json lists, checked against its counts and checksums. */
  const exportedItems = async (manifestFilesKey: string) => {
    const items: unknown[] = [];
    for (const line of (await read(manifestFilesKey)).toString().trim().split('\n')) {
      const entry = JSON.parse(line) as { itemCount: number; md5Checksum: string; etag: string; dataFileS3Key: string };
      const gz = await read(entry.dataFileS3Key);
      assert.equal(entry.md5Checksum, md5(gz));
      assert.match(entry.etag, /^[0-9a-f]{32}$/);
      const lines = gunzipSync(gz).toString().split('\n').filter(Boolean);
      assert.equal(lines.length, entry.itemCount);
      items.push(...lines.map((text) => JSON.parse(text)));
    }
    return items;
  };

  describe('ExportTableToPointInTime', () => {
    test('writes the manifests and the items in DynamoDB JSON under AWSDynamoDB/<exportId>/', async () => {
      await setUp();
      await put('a', { n: { N: '1' } });
      await put('b', { bin: { B: Buffer.from('hi') } });
      const out = await dynamo.send(
        new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports', S3Prefix: 'dumps/2026' }),
      );
      const description = out.ExportDescription;
      assert.equal(description?.ExportStatus, 'IN_PROGRESS');
      assert.equal(description?.TableArn, tableArn);
      assert.equal(description?.S3Bucket, 'exports');
      assert.equal(description?.S3Prefix, 'dumps/2026');
      assert.equal(description?.ExportFormat, 'DYNAMODB_JSON');
      assert.equal(description?.ExportType, undefined);
      assert.ok(description?.ClientToken);
      const arn = description?.ExportArn as string;
      assert.match(arn, /^arn:aws:dynamodb:us-east-1:111111111111:table\/orders\/export\/\d{14}-[0-9a-f]{8}$/);
      const exportId = arn.slice(arn.lastIndexOf('/') + 1);
      const base = `dumps/2026/AWSDynamoDB/${exportId}`;

      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'exports' }));
      const keys = (listed.Contents ?? []).map((object) => object.Key as string).sort();
      assert.deepEqual(
        keys.filter((key) => !key.includes('/data/')),
        ['_started', 'manifest-files.json', 'manifest-files.md5', 'manifest-summary.json', 'manifest-summary.md5'].map(
          (name) => `${base}/${name}`,
        ),
      );
      assert.ok(keys.some((key) => /\/data\/[a-z2-7]{26}\.json\.gz$/.test(key)));

      const summaryBytes = await read(`${base}/manifest-summary.json`);
      assert.equal((await read(`${base}/manifest-summary.md5`)).toString(), md5(summaryBytes));
      const summary = JSON.parse(summaryBytes.toString());
      assert.equal(summary.version, '2020-06-30');
      assert.equal(summary.exportArn, arn);
      assert.equal(summary.tableArn, tableArn);
      assert.equal(summary.s3Bucket, 'exports');
      assert.equal(summary.s3Prefix, 'dumps/2026');
      assert.equal(summary.itemCount, 2);
      assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
      assert.equal(summary.manifestFilesS3Key, `${base}/manifest-files.json`);
      const manifestFiles = await read(summary.manifestFilesS3Key);
      assert.equal((await read(`${base}/manifest-files.md5`)).toString(), md5(manifestFiles));

      const items = await exportedItems(summary.manifestFilesS3Key);
      const byId = (item: unknown) => (item as { Item: { id: { S: string } } }).Item.id.S;
      assert.deepEqual(
        items.sort((x, y) => byId(x).localeCompare(byId(y))),
        [
          { Item: { id: { S: 'a' }, n: { N: '1' } } },
          { Item: { id: { S: 'b' }, bin: { B: Buffer.from('hi').toString('base64') } } },
        ],
      );

      const described = await dynamo.send(new DescribeExportCommand({ ExportArn: arn }));
      assert.equal(described.ExportDescription?.ExportStatus, 'COMPLETED');
      assert.equal(described.ExportDescription?.ItemCount, 2);
      assert.equal(described.ExportDescription?.ExportManifest, `${base}/manifest-summary.json`);
      assert.ok(described.ExportDescription?.EndTime);
    });

    test('exports the table as it was at an earlier ExportTime', async () => {
      await setUp();
      await put('a', { v: { N: '1' } });
      cloud.clock.advance(60);
      const then = cloud.clock.now();
      cloud.clock.advance(60);
      await put('a', { v: { N: '2' } });
      await put('b');
      const out = await dynamo.send(
        new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports', ExportTime: new Date(then) }),
      );
      const arn = out.ExportDescription?.ExportArn as string;
      const base = `AWSDynamoDB/${arn.slice(arn.lastIndexOf('/') + 1)}`;
      assert.deepEqual(await exportedItems(`${base}/manifest-files.json`), [
        { Item: { id: { S: 'a' }, v: { N: '1' } } },
      ]);
    });

    test('fails the export with S3NoSuchBucket when the bucket does not exist (test_export_nonexistent_bucket)', async () => {
      await setUp();
      const out = await dynamo.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'nowhere' }));
      const described = await dynamo.send(new DescribeExportCommand({ ExportArn: out.ExportDescription?.ExportArn }));
      assert.equal(described.ExportDescription?.ExportStatus, 'FAILED');
      assert.equal(described.ExportDescription?.FailureCode, 'S3NoSuchBucket');
      assert.equal(described.ExportDescription?.FailureMessage, 'The specified bucket does not exist');
    });

    test('answers the same export for the same ClientToken and ExportConflictException for other parameters', async () => {
      await setUp();
      const first = await dynamo.send(
        new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports', ClientToken: 'token-1' }),
      );
      const again = await dynamo.send(
        new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports', ClientToken: 'token-1' }),
      );
      assert.equal(again.ExportDescription?.ExportArn, first.ExportDescription?.ExportArn);
      assert.equal(again.ExportDescription?.ClientToken, 'token-1');
      await assertDynamoError(
        dynamo.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn,
            S3Bucket: 'exports',
            S3Prefix: 'other',
            ClientToken: 'token-1',
          }),
        ),
        'ExportConflictException',
        'Duplicate request detected with different parameters for ClientToken token-1',
      );
    });

    test('returns PointInTimeRecoveryUnavailableException when recovery is off', async () => {
      await setUp(false);
      await assertDynamoError(
        dynamo.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports' })),
        'PointInTimeRecoveryUnavailableException',
        "Point in time recovery is not enabled for table 'orders'",
      );
    });

    test('returns TableNotFoundException for a missing table', async () => {
      await assertDynamoError(
        dynamo.send(
          new ExportTableToPointInTimeCommand({
            TableArn: `arn:aws:dynamodb:us-east-1:${account}:table/missing`,
            S3Bucket: 'exports',
          }),
        ),
        'TableNotFoundException',
        'Table not found: missing',
      );
    });

    test('refuses ION and incremental exports with a ValidationException', async () => {
      await setUp();
      await assertDynamoError(
        dynamo.send(
          new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports', ExportFormat: 'ION' }),
        ),
        'ValidationException',
        'ExportFormat ION is not supported by Nimbus; use DYNAMODB_JSON',
      );
      await assertDynamoError(
        dynamo.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn,
            S3Bucket: 'exports',
            ExportType: 'INCREMENTAL_EXPORT',
          }),
        ),
        'ValidationException',
        'ExportType INCREMENTAL_EXPORT is not supported by Nimbus; use FULL_EXPORT',
      );
    });

    test('returns InvalidExportTimeException for a time outside the recovery window', async () => {
      await setUp();
      await assertDynamoError(
        dynamo.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn,
            S3Bucket: 'exports',
            ExportTime: new Date(cloud.clock.now() + 3_600_000),
          }),
        ),
        'InvalidExportTimeException',
        'ExportTime must be within the point in time recovery window',
      );
    });
  });

  describe('DescribeExport', () => {
    test('returns ValidationException for an ARN that names no export (test_describe_export_nonexistent)', async () => {
      await assertDynamoError(
        dynamo.send(new DescribeExportCommand({ ExportArn: `${tableArn}-that-is-not-an-export` })),
        'ValidationException',
        'Invalid Export ARN',
      );
    });

    test('returns ExportNotFoundException for an export that does not exist', async () => {
      const arn = `${tableArn}/export/01700000000000-0badc0de`;
      await assertDynamoError(
        dynamo.send(new DescribeExportCommand({ ExportArn: arn })),
        'ExportNotFoundException',
        `Export not found: ${arn}`,
      );
    });
  });

  describe('ListExports', () => {
    test('lists exports newest first, by table, a page at a time', async () => {
      await setUp();
      const arns: string[] = [];
      for (let i = 0; i < 3; i++) {
        const out = await dynamo.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports' }));
        arns.push(out.ExportDescription?.ExportArn as string);
      }
      const first = await dynamo.send(new ListExportsCommand({ TableArn: tableArn, MaxResults: 2 }));
      assert.deepEqual(first.ExportSummaries, [
        { ExportArn: arns[2], ExportStatus: 'COMPLETED', ExportType: 'FULL_EXPORT' },
        { ExportArn: arns[1], ExportStatus: 'COMPLETED', ExportType: 'FULL_EXPORT' },
      ]);
      assert.ok(first.NextToken);
      const rest = await dynamo.send(
        new ListExportsCommand({ TableArn: tableArn, MaxResults: 2, NextToken: first.NextToken }),
      );
      assert.deepEqual(
        rest.ExportSummaries?.map((summary) => summary.ExportArn),
        [arns[0]],
      );
      assert.equal(rest.NextToken, undefined);
      const other = await dynamo.send(
        new ListExportsCommand({ TableArn: `arn:aws:dynamodb:us-east-1:${account}:table/other` }),
      );
      assert.deepEqual(other.ExportSummaries, []);
    });
  });
});
