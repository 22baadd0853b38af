/**
 * Kinesis Data Streams and Firehose through the real AWS CLI v2 (2.9, Debian), which speaks
 * HTTP/1.1 and JSON to both. Each CLI call costs ~0.7 s: the suite keeps to a handful.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../helpers/cloud.js';
import { awsCliJson, skipAwsCli } from './tools.js';

describe('AWS CLI: Kinesis and Firehose', { skip: skipAwsCli }, () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  const cli = (...args: string[]) => awsCliJson(cloud.endpoint, args);

  test('kinesis create-stream, put-record and get-records replay the record from the shard', async () => {
    assert.equal(
      (await cli('kinesis', 'create-stream', '--stream-name', 'cli-stream', '--shard-count', '1')).status,
      0,
    );
    const put = await cli(
      'kinesis',
      'put-record',
      '--stream-name',
      'cli-stream',
      '--partition-key',
      'p',
      '--data',
      'aGVsbG8=',
    );
    assert.equal(put.status, 0, put.stderr);
    assert.match(put.json.SequenceNumber, /^\d{56}$/);
    const iterator = await cli(
      'kinesis',
      'get-shard-iterator',
      '--stream-name',
      'cli-stream',
      '--shard-id',
      put.json.ShardId,
      '--shard-iterator-type',
      'TRIM_HORIZON',
    );
    assert.equal(iterator.status, 0, iterator.stderr);
    const records = await cli('kinesis', 'get-records', '--shard-iterator', iterator.json.ShardIterator);
    assert.equal(records.status, 0, records.stderr);
    assert.equal(records.json.Records[0].Data, 'aGVsbG8=');
    assert.equal(records.json.Records[0].SequenceNumber, put.json.SequenceNumber);
    const missing = await cli('kinesis', 'describe-stream-summary', '--stream-name', 'nothing');
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /\(ResourceNotFoundException\)/);
  });

  test('firehose put-record lands in S3 once the buffering interval passes on the Nimbus clock', async () => {
    const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-landing' }));
    const created = await cli(
      'firehose',
      'create-delivery-stream',
      '--delivery-stream-name',
      'cli-firehose',
      '--extended-s3-destination-configuration',
      'BucketARN=arn:aws:s3:::cli-landing,RoleARN=arn:aws:iam::000000000000:role/any,BufferingHints={IntervalInSeconds=60,SizeInMBs=1}',
    );
    assert.equal(created.status, 0, created.stderr);
    const put = await cli(
      'firehose',
      'put-record',
      '--delivery-stream-name',
      'cli-firehose',
      '--record',
      '{"Data":"eyJrIjoxfQ=="}',
    );
    assert.equal(put.status, 0, put.stderr);
    assert.ok(put.json.RecordId);
    cloud.clock.advance(61);
    let keys: string[] = [];
    for (let i = 0; i < 50 && keys.length === 0; i++) {
      const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: 'cli-landing' }));
      keys = (Contents ?? []).map((object) => object.Key as string);
      if (keys.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(keys.length, 1);
    assert.match(
      keys[0] as string,
      /^\d{4}\/\d\d\/\d\d\/\d\d\/cli-firehose-1-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9a-f-]{36}$/,
    );
  });
});
