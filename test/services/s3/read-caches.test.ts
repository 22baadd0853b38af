/**
 * The S3 store keeps bucket rows, configurations, the latest rows of keys read often and the
 * bytes of small blobs in memory (store.ts, state/tiered-blob-store.ts). Every write, a failed
 * write, a reset and a restart must show through them at once.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const body = async (s3: S3Client, Key = 'k') =>
  (await (await s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key }))).Body?.transformToString()) ?? '';

describe('S3 read caches', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;

  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });

  after(async () => {
    await cloud?.stop();
  });

  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'cache-bucket');
  });

  const put = (Body: string, Key = 'k', extra: Record<string, unknown> = {}) =>
    s3.send(new PutObjectCommand({ Bucket: 'cache-bucket', Key, Body, ...extra }));

  test('a GET after an overwrite returns the new bytes, ETag and metadata', async () => {
    await put('first', 'k', { Metadata: { color: 'red' } });
    assert.equal(await body(s3), 'first');
    const second = await put('second', 'k', { Metadata: { color: 'blue' } });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }));
    assert.equal(await got.Body?.transformToString(), 'second');
    assert.equal(got.ETag, second.ETag);
    assert.deepEqual(got.Metadata, { color: 'blue' });
  });

  test('a GET after a delete answers NoSuchKey', async () => {
    await put('here');
    assert.equal(await body(s3), 'here');
    await s3.send(new DeleteObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }));
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key: 'k' })), {
      code: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
  });

  test('tagging shows in the next HEAD and GET', async () => {
    await put('tagged');
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }))).TagCount, undefined);
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: 'cache-bucket',
        Key: 'k',
        Tagging: {
          TagSet: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
          ],
        },
      }),
    );
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }))).TagCount, 2);
    assert.equal((await s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }))).TagCount, 2);
  });

  test('a refused conditional write leaves the object as it was', async () => {
    const first = await put('kept');
    assert.equal(await body(s3), 'kept');
    await assertS3Error(put('lost', 'k', { IfMatch: '"0123456789abcdef0123456789abcdef"' }), {
      code: 'PreconditionFailed',
      status: 412,
      message: 'At least one of the pre-conditions you specified did not hold',
    });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }));
    assert.equal(await got.Body?.transformToString(), 'kept');
    assert.equal(got.ETag, first.ETag);
  });

  test('a copy onto a key read before returns the copied bytes', async () => {
    await put('source', 'src');
    await put('target', 'dst');
    assert.equal(await body(s3, 'dst'), 'target');
    await s3.send(new CopyObjectCommand({ Bucket: 'cache-bucket', Key: 'dst', CopySource: 'cache-bucket/src' }));
    assert.equal(await body(s3, 'dst'), 'source');
  });

  test('enabling versioning shows in the next write, which then names its version', async () => {
    await put('plain');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'cache-bucket', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const versioned = await put('versioned');
    assert.match(versioned.VersionId ?? '', /^.{32}$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key: 'k' }));
    assert.equal(got.VersionId, versioned.VersionId);
    assert.equal(await got.Body?.transformToString(), 'versioned');
  });

  test('after a reset the bucket and its objects are gone', async () => {
    await put('before reset');
    assert.equal(await body(s3), 'before reset');
    await cloud.reset();
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'cache-bucket', Key: 'k' })), {
      code: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
  });
});
