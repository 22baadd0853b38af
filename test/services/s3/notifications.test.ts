import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, sqsFor } from '../sqs/sqs-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const account = '111111111111';

interface S3Record {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  s3: {
    configurationId: string;
    bucket: { name: string; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

describe('Event notifications to SQS', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let sqs: SQSClient;
  let queueUrl: string;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud, { account });
    sqs = sqsFor(cloud, account);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'events');
    queueUrl = await createQueue(sqs, 'bucket-events');
  });

  /** Every message body that arrives within a short wait, parsed. */
  const drain = async (): Promise<Array<Record<string, unknown>>> => {
    const out: Array<Record<string, unknown>> = [];
    for (;;) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: out.length ? 0 : 1 }),
      );
      if (!Messages?.length) return out;
      for (const message of Messages) out.push(JSON.parse(message.Body as string) as Record<string, unknown>);
    }
  };
  const records = async (): Promise<S3Record[]> =>
    (await drain()).filter((body) => body.Event !== 's3:TestEvent').flatMap((body) => body.Records as S3Record[]);

  const subscribe = (Events: string[], rules: Array<{ Name: 'prefix' | 'suffix'; Value: string }> = []) =>
    s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'events',
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'to-queue',
              QueueArn: `arn:aws:sqs:us-east-1:${account}:bucket-events`,
              Events: Events as never,
              ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}),
            },
          ],
        },
      }),
    );

  test('configuring a queue sends it the s3:TestEvent in AWS key order', async () => {
    await subscribe(['s3:ObjectCreated:*']);
    const [message] = await drain();
    assert.deepEqual(Object.keys(message ?? {}), ['Service', 'Event', 'Time', 'Bucket', 'RequestId', 'HostId']);
    assert.equal(message?.Service, 'Amazon S3');
    assert.equal(message?.Event, 's3:TestEvent');
    assert.equal(message?.Bucket, 'events');
  });

  test('a PutObject sends ObjectCreated:Put with the URL-encoded key, size, unquoted eTag and bucket ARN', async () => {
    await subscribe(['s3:ObjectCreated:*']);
    await drain();
    await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'red flower@2x.jpg', Body: 'petals' }));
    const [record, ...rest] = await records();
    assert.equal(rest.length, 0);
    assert.equal(record?.eventVersion, '2.1');
    assert.equal(record?.eventSource, 'aws:s3');
    assert.equal(record?.awsRegion, 'us-east-1');
    assert.equal(record?.eventName, 'ObjectCreated:Put');
    assert.equal(record?.s3.configurationId, 'to-queue');
    assert.deepEqual(record?.s3.bucket.name, 'events');
    assert.equal(record?.s3.bucket.arn, 'arn:aws:s3:::events');
    assert.equal(record?.s3.object.key, 'red+flower%402x.jpg');
    assert.equal(record?.s3.object.size, 6);
    assert.equal(record?.s3.object.eTag, createHash('md5').update('petals').digest('hex'));
    assert.equal(record?.s3.object.versionId, undefined);
    assert.match(record?.s3.object.sequencer ?? '', /^[0-9A-F]+$/);
    assert.equal(record?.eventTime, new Date(Date.parse(record?.eventTime ?? '')).toISOString());
  });

  test('prefix and suffix filters pass only the keys that match both', async () => {
    await subscribe(
      ['s3:ObjectCreated:Put'],
      [
        { Name: 'prefix', Value: 'uploads/' },
        { Name: 'suffix', Value: '.txt' },
      ],
    );
    await drain();
    for (const Key of ['uploads/a.txt', 'uploads/b.png', 'other/c.txt', '/uploads/d.txt', 'uploads/dir/e.txt']) {
      await s3.send(new PutObjectCommand({ Bucket: 'events', Key, Body: 'x' }));
    }
    assert.deepEqual(
      (await records()).map((record) => record.s3.object.key),
      ['uploads/a.txt', 'uploads/dir/e.txt'],
    );
  });

  test('copy, multipart completion and deletes send their own event names', async () => {
    await subscribe(['s3:ObjectCreated:*', 's3:ObjectRemoved:*']);
    await drain();
    await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'source', Body: 'bytes' }));
    await s3.send(new CopyObjectCommand({ Bucket: 'events', Key: 'copy', CopySource: 'events/source' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'events', Key: 'multi' }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: 'events', Key: 'multi', UploadId, PartNumber: 1, Body: 'only part' }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'events',
        Key: 'multi',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: 'events', Key: 'copy' }));
    await s3.send(
      new DeleteObjectsCommand({ Bucket: 'events', Delete: { Objects: [{ Key: 'source' }, { Key: 'never' }] } }),
    );
    const seen = (await records()).map((record) => [record.eventName, record.s3.object.key]);
    assert.deepEqual(seen, [
      ['ObjectCreated:Put', 'source'],
      ['ObjectCreated:Copy', 'copy'],
      ['ObjectCreated:CompleteMultipartUpload', 'multi'],
      ['ObjectRemoved:Delete', 'copy'],
      ['ObjectRemoved:Delete', 'source'],
      ['ObjectRemoved:Delete', 'never'],
    ]);
  });

  test('in a versioned bucket a delete creates a marker event with the empty MD5 and a version id', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'events', VersioningConfiguration: { Status: 'Enabled' } }));
    await subscribe(['s3:ObjectCreated:*', 's3:ObjectRemoved:*']);
    await drain();
    const put = await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'v', Body: 'one' }));
    const removed = await s3.send(new DeleteObjectCommand({ Bucket: 'events', Key: 'v' }));
    const [created, marker] = await records();
    assert.equal(created?.s3.object.versionId, put.VersionId);
    assert.equal(marker?.eventName, 'ObjectRemoved:DeleteMarkerCreated');
    assert.equal(marker?.s3.object.versionId, removed.VersionId);
    assert.equal(marker?.s3.object.eTag, 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(marker?.s3.object.size, undefined);
  });

  test('a configuration naming a queue that does not exist is InvalidArgument listing the destination', async () => {
    const error = await assertS3Error(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'events',
          NotificationConfiguration: {
            QueueConfigurations: [
              { QueueArn: `arn:aws:sqs:us-east-1:${account}:no-such-queue`, Events: ['s3:ObjectCreated:*'] },
            ],
          },
        }),
      ),
      { code: 'InvalidArgument', status: 400, message: 'Unable to validate the following destination configurations' },
    );
    assert.equal(error.ArgumentName1, `arn:aws:sqs:us-east-1:${account}:no-such-queue`);
    assert.equal(error.ArgumentValue1, 'The destination queue does not exist');
  });
});
