import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type LifecycleRule,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const day = 86_400;

describe('Lifecycle rules on the Nimbus clock', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'aging');
  });

  const rules = (Rules: LifecycleRule[]) =>
    s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'aging', LifecycleConfiguration: { Rules } }));
  const put = (Key: string, Body = 'x') => s3.send(new PutObjectCommand({ Bucket: 'aging', Key, Body }));
  const exists = async (Key: string) => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: 'aging', Key }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'NotFound') return false;
      throw error;
    }
  };
  /** Seconds from now until the midnight UTC on or after `days` days from now (AWS rounds up to it). */
  const untilDue = (days: number) => {
    const now = cloud.clock.now();
    const due = Math.ceil((now + days * day * 1000) / (day * 1000)) * day * 1000;
    return (due - now) / 1000;
  };

  test('an expiration rule deletes objects under its prefix at the midnight after their age, not before', async () => {
    await rules([{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 1 } }]);
    await put('logs/old.txt');
    await put('data/keep.txt');
    const due = untilDue(1);
    cloud.clock.advance(due - 120);
    assert.equal(await exists('logs/old.txt'), true);
    cloud.clock.advance(180);
    assert.equal(await exists('logs/old.txt'), false);
    assert.equal(await exists('data/keep.txt'), true);
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'aging', Key: 'logs/old.txt' })), {
      code: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
  });

  test('a disabled rule does nothing', async () => {
    await rules([{ ID: 'off', Status: 'Disabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }]);
    await put('stays');
    cloud.clock.advance(3 * day);
    assert.equal(await exists('stays'), true);
  });

  test('a tag filter expires only the objects that carry the tag', async () => {
    await rules([
      { ID: 'temp', Status: 'Enabled', Filter: { Tag: { Key: 'temp', Value: 'yes' } }, Expiration: { Days: 1 } },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: 'aging', Key: 'tagged', Body: 'x', Tagging: 'temp=yes' }));
    await put('untagged');
    cloud.clock.advance(2 * day + 60);
    assert.equal(await exists('tagged'), false);
    assert.equal(await exists('untagged'), true);
  });

  test('in a versioned bucket expiration adds a delete marker and noncurrent versions expire after their days', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'aging', VersioningConfiguration: { Status: 'Enabled' } }));
    await rules([
      {
        ID: 'versions',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { Days: 1 },
        NoncurrentVersionExpiration: { NoncurrentDays: 2 },
      },
    ]);
    const first = await put('doc', 'v1');
    cloud.clock.advance(2 * day + 60);
    // The current version expired: a delete marker now hides it, the version is noncurrent.
    assert.equal(await exists('doc'), false);
    const afterExpiry = await s3.send(new ListObjectVersionsCommand({ Bucket: 'aging' }));
    assert.deepEqual(
      afterExpiry.Versions?.map((version) => version.VersionId),
      [first.VersionId],
    );
    assert.equal(afterExpiry.DeleteMarkers?.length, 1);
    assert.equal(afterExpiry.DeleteMarkers?.[0]?.IsLatest, true);
    cloud.clock.advance(3 * day);
    const later = await s3.send(new ListObjectVersionsCommand({ Bucket: 'aging' }));
    assert.equal(later.Versions, undefined);
  });

  test('ExpiredObjectDeleteMarker removes a delete marker that no longer hides any version', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'aging', VersioningConfiguration: { Status: 'Enabled' } }));
    await rules([
      {
        ID: 'markers',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { ExpiredObjectDeleteMarker: true },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
    ]);
    await put('gone', 'v1');
    await s3.send(new DeleteObjectCommand({ Bucket: 'aging', Key: 'gone' }));
    cloud.clock.advance(2 * day + 60);
    cloud.clock.advance(120);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'aging' }));
    assert.equal(listed.Versions, undefined);
    assert.equal(listed.DeleteMarkers, undefined);
  });

  test('AbortIncompleteMultipartUpload aborts uploads older than its days and their parts go with them', async () => {
    await rules([
      {
        ID: 'abort',
        Status: 'Enabled',
        Filter: { Prefix: 'uploads/' },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'aging', Key: 'uploads/big' }));
    const kept = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'aging', Key: 'other/big' }));
    await s3.send(new UploadPartCommand({ Bucket: 'aging', Key: 'uploads/big', UploadId, PartNumber: 1, Body: 'p' }));
    cloud.clock.advance(untilDue(7) - 120);
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'aging' }))).Uploads?.length, 2);
    cloud.clock.advance(180);
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'aging' }));
    assert.deepEqual(
      listed.Uploads?.map((upload) => upload.UploadId),
      [kept.UploadId],
    );
    await assertS3Error(
      s3.send(new UploadPartCommand({ Bucket: 'aging', Key: 'uploads/big', UploadId, PartNumber: 2, Body: 'p' })),
      {
        code: 'NoSuchUpload',
        status: 404,
        message:
          'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      },
    );
  });
});
