import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { recordExchanges } from './object-helpers.js';
import { assertS3Error, createBucket, noSuchBucket, s3For } from './s3-helpers.js';

describe('S3 buckets', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const regional = (region: string, account?: string) => s3For(cloud, { region, ...(account ? { account } : {}) });

  describe('HeadBucket', () => {
    test('answers the region, the ARN and x-amz-access-point-alias false', async () => {
      await createBucket(s3, 'photos');
      const exchanges = recordExchanges(s3);
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
      assert.equal(head.$metadata.httpStatusCode, 200);
      assert.equal(head.BucketRegion, 'us-east-1');
      assert.equal(head.BucketArn, 'arn:aws:s3:::photos');
      assert.equal(head.AccessPointAlias, false);
      const headers = exchanges.at(-1)?.headers ?? {};
      assert.equal(headers['x-amz-bucket-region'], 'us-east-1');
      assert.equal(headers['x-amz-access-point-alias'], 'false');
      assert.equal(headers['x-amz-bucket-arn'], 'arn:aws:s3:::photos');
      assert.equal(headers['content-type'], 'application/xml');
    });

    test("answers a bucket's own region to a client of another region", async () => {
      await createBucket(regional('ap-southeast-2'), 'photos', 'ap-southeast-2');
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
      assert.equal(head.BucketRegion, 'ap-southeast-2');
    });

    test('answers 404 with no body for a missing bucket', async () => {
      await assertS3Error(s3.send(new HeadBucketCommand({ Bucket: 'photos' })), { code: 'NotFound', status: 404 });
      const response = await fetch(`${cloud.endpoint}/photos`, { method: 'HEAD' });
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('content-type'), null);
      assert.equal(await response.text(), '');
    });

    test('answers 403 with no body when ExpectedBucketOwner names another account', async () => {
      await createBucket(s3, 'photos');
      await assertS3Error(s3.send(new HeadBucketCommand({ Bucket: 'photos', ExpectedBucketOwner: '222222222222' })), {
        code: 'Unknown',
        status: 403,
      });
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos', ExpectedBucketOwner: '111111111111' }));
      assert.equal(head.BucketRegion, 'us-east-1');
    });

    test("answers another account's bucket (Nimbus enforces no bucket policy by default)", async () => {
      await createBucket(s3, 'photos');
      const head = await s3For(cloud, { account: '222222222222' }).send(new HeadBucketCommand({ Bucket: 'photos' }));
      assert.equal(head.BucketRegion, 'us-east-1');
    });
  });

  describe('ListBuckets', () => {
    test("lists only the caller's buckets in name order with region, ARN, creation date and owner", async () => {
      const created = new Date(Math.floor(cloud.clock.now() / 1000) * 1000);
      await createBucket(s3, 'zebra');
      await createBucket(regional('eu-west-1'), 'alpha', 'eu-west-1');
      await createBucket(s3For(cloud, { account: '222222222222' }), 'middle');
      const list = await s3.send(new ListBucketsCommand({}));
      assert.deepEqual(
        list.Buckets?.map((bucket) => [bucket.Name, bucket.BucketRegion, bucket.BucketArn]),
        [
          ['alpha', 'eu-west-1', 'arn:aws:s3:::alpha'],
          ['zebra', 'us-east-1', 'arn:aws:s3:::zebra'],
        ],
      );
      for (const bucket of list.Buckets ?? []) {
        assert.ok(bucket.CreationDate instanceof Date);
        assert.ok(Math.abs((bucket.CreationDate?.getTime() ?? 0) - created.getTime()) < 2000);
      }
      assert.match(list.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
      assert.equal(list.ContinuationToken, undefined);
      assert.equal(list.Prefix, undefined);
      const other = await s3For(cloud, { account: '222222222222' }).send(new ListBucketsCommand({}));
      assert.deepEqual(
        other.Buckets?.map((bucket) => bucket.Name),
        ['middle'],
      );
      assert.notEqual(other.Owner?.ID, list.Owner?.ID);
    });

    test('answers an empty list and the owner for an account without buckets', async () => {
      const list = await s3.send(new ListBucketsCommand({}));
      assert.deepEqual(list.Buckets, []);
      assert.match(list.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
    });

    test('filters by Prefix case-sensitively and echoes it', async () => {
      await createBucket(s3, 'logs-app');
      await createBucket(s3, 'logs-web');
      await createBucket(s3, 'photos');
      const logs = await s3.send(new ListBucketsCommand({ Prefix: 'logs-' }));
      assert.deepEqual(
        logs.Buckets?.map((bucket) => bucket.Name),
        ['logs-app', 'logs-web'],
      );
      assert.equal(logs.Prefix, 'logs-');
      const upper = await s3.send(new ListBucketsCommand({ Prefix: 'LOGS' }));
      assert.deepEqual(upper.Buckets, []);
      assert.equal(upper.Prefix, 'LOGS');
    });

    test('filters by BucketRegion', async () => {
      await createBucket(s3, 'east');
      await createBucket(regional('eu-west-1'), 'west', 'eu-west-1');
      const west = await s3.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
      assert.deepEqual(
        west.Buckets?.map((bucket) => bucket.Name),
        ['west'],
      );
      const none = await s3.send(new ListBucketsCommand({ BucketRegion: 'ap-south-1' }));
      assert.deepEqual(none.Buckets, []);
    });

    test('refuses a BucketRegion that is not an AWS region with InvalidArgument', async () => {
      const error = await assertS3Error(s3.send(new ListBucketsCommand({ BucketRegion: 'eu-east-1' })), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Argument value eu-east-1 is not a valid AWS Region',
        fields: { ArgumentName: 'bucket-region' },
      });
      assert.equal(error.ArgumentValue, undefined);
    });

    test('pages by MaxBuckets with a ContinuationToken until the last page', async () => {
      for (const name of ['bucket-a', 'bucket-b', 'bucket-c']) await createBucket(s3, name);
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await s3.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: token }));
        names.push(...(page.Buckets ?? []).map((bucket) => bucket.Name ?? ''));
        token = page.ContinuationToken;
        pages++;
      } while (token);
      assert.deepEqual(names, ['bucket-a', 'bucket-b', 'bucket-c']);
      assert.equal(pages, 2);
    });

    test('answers one bucket and a token for MaxBuckets 1, and treats an empty token as none', async () => {
      await createBucket(s3, 'bucket-a');
      await createBucket(s3, 'bucket-b');
      const page = await s3.send(new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: '' }));
      assert.deepEqual(
        page.Buckets?.map((bucket) => bucket.Name),
        ['bucket-a'],
      );
      assert.equal(typeof page.ContinuationToken, 'string');
      const next = await s3.send(new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: page.ContinuationToken }));
      assert.deepEqual(
        next.Buckets?.map((bucket) => bucket.Name),
        ['bucket-b'],
      );
      assert.equal(next.ContinuationToken, undefined);
    });

    test('combines Prefix with paging', async () => {
      for (const name of ['logs-1', 'logs-2', 'logs-3', 'photos']) await createBucket(s3, name);
      const first = await s3.send(new ListBucketsCommand({ Prefix: 'logs', MaxBuckets: 2 }));
      const second = await s3.send(
        new ListBucketsCommand({ Prefix: 'logs', MaxBuckets: 2, ContinuationToken: first.ContinuationToken }),
      );
      assert.deepEqual(
        [...(first.Buckets ?? []), ...(second.Buckets ?? [])].map((bucket) => bucket.Name),
        ['logs-1', 'logs-2', 'logs-3'],
      );
      assert.equal(second.ContinuationToken, undefined);
    });
  });

  describe('DeleteBucket', () => {
    test('deletes an empty bucket with 204', async () => {
      await createBucket(s3, 'photos');
      const output = await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
      assert.equal(output.$metadata.httpStatusCode, 204);
      await assertS3Error(s3.send(new HeadBucketCommand({ Bucket: 'photos' })), { code: 'NotFound', status: 404 });
      assert.deepEqual((await s3.send(new ListBucketsCommand({}))).Buckets, []);
    });

    test('answers NoSuchBucket with the requested name for a missing bucket', async () => {
      await assertS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })), noSuchBucket('photos'));
    });

    test('answers BucketNotEmpty for a bucket that holds an object', async () => {
      await createBucket(s3, 'photos');
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', Body: 'meow' }));
      await assertS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })), {
        code: 'BucketNotEmpty',
        status: 409,
        message: 'The bucket you tried to delete is not empty',
        fields: { BucketName: 'photos' },
      });
      await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
      await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
    });

    test('asks for every version to go in a versioned bucket, delete markers included', async () => {
      const versionedMessage =
        'The bucket you tried to delete is not empty. You must delete all versions in the bucket.';
      await createBucket(s3, 'photos');
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'photos', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const put = await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', Body: 'meow' }));
      const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
      const expected = {
        code: 'BucketNotEmpty',
        status: 409,
        message: versionedMessage,
        fields: { BucketName: 'photos' },
      };
      await assertS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })), expected);
      await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', VersionId: put.VersionId }));
      await assertS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })), expected);
      await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', VersionId: marker.VersionId }));
      const output = await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
      assert.equal(output.$metadata.httpStatusCode, 204);
    });

    test('answers BucketNotEmpty while a multipart upload is in progress', async () => {
      await createBucket(s3, 'photos');
      await s3.send(new CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'big.bin' }));
      await assertS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })), {
        code: 'BucketNotEmpty',
        status: 409,
        message: 'The bucket you tried to delete is not empty',
        fields: { BucketName: 'photos' },
      });
    });

    test('drops the configurations with the bucket, and frees the name for any account', async () => {
      await createBucket(s3, 'photos');
      await s3.send(new PutBucketTaggingCommand({ Bucket: 'photos', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: 'photos',
          LifecycleConfiguration: {
            Rules: [{ ID: 'wholebucket', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 7 } }],
          },
        }),
      );
      await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
      const other = s3For(cloud, { account: '222222222222' });
      await createBucket(other, 'photos');
      await assertS3Error(other.send(new GetBucketTaggingCommand({ Bucket: 'photos' })), {
        code: 'NoSuchTagSet',
        status: 404,
        message: 'The TagSet does not exist',
        fields: { BucketName: 'photos' },
      });
      await assertS3Error(other.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' })), {
        code: 'NoSuchLifecycleConfiguration',
        status: 404,
        message: 'The lifecycle configuration does not exist',
        fields: { BucketName: 'photos' },
      });
    });
  });

  describe('GetBucketLocation', () => {
    test('answers an empty LocationConstraint for a us-east-1 bucket', async () => {
      await createBucket(s3, 'photos');
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'photos' }));
      assert.equal(location.LocationConstraint, undefined);
      const raw = await fetch(`${cloud.endpoint}/photos?location`);
      assert.equal(
        await raw.text(),
        '<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
      );
    });

    test("answers a bucket's region to a client of any region", async () => {
      await createBucket(regional('eu-central-1'), 'photos', 'eu-central-1');
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'photos' }));
      assert.equal(location.LocationConstraint, 'eu-central-1');
    });

    test('answers NoSuchBucket for a missing bucket', async () => {
      await assertS3Error(s3.send(new GetBucketLocationCommand({ Bucket: 'photos' })), noSuchBucket('photos'));
    });
  });

  describe('addressing', () => {
    test('creates, heads, lists and deletes a bucket through its virtual host', async () => {
      const virtual = s3For(cloud, { virtualHost: true });
      const exchanges = recordExchanges(virtual);
      const created = await virtual.send(new CreateBucketCommand({ Bucket: 'photos' }));
      assert.equal(created.Location, '/photos');
      assert.equal(exchanges.at(-1)?.requestHeaders.host, `photos.s3.localhost:${cloud.port}`);
      assert.equal((await virtual.send(new HeadBucketCommand({ Bucket: 'photos' }))).BucketRegion, 'us-east-1');
      await virtual.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', Body: 'meow' }));
      const objects = await virtual.send(new ListObjectsV2Command({ Bucket: 'photos' }));
      assert.deepEqual(
        objects.Contents?.map((object) => object.Key),
        ['cat.jpg'],
      );
      const buckets = await virtual.send(new ListBucketsCommand({}));
      assert.deepEqual(
        buckets.Buckets?.map((bucket) => bucket.Name),
        ['photos'],
      );
      // The same bucket, path style.
      await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
      await virtual.send(new DeleteBucketCommand({ Bucket: 'photos' }));
      await assertS3Error(s3.send(new HeadBucketCommand({ Bucket: 'photos' })), { code: 'NotFound', status: 404 });
    });

    test('creates a bucket in the region of a regional virtual host', async () => {
      const virtual = s3For(cloud, { virtualHost: true, regionalHost: true, region: 'eu-west-1' });
      const exchanges = recordExchanges(virtual);
      await createBucket(virtual, 'photos', 'eu-west-1');
      assert.equal(exchanges.at(-1)?.requestHeaders.host, `photos.s3.eu-west-1.localhost:${cloud.port}`);
      const location = await virtual.send(new GetBucketLocationCommand({ Bucket: 'photos' }));
      assert.equal(location.LocationConstraint, 'eu-west-1');
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
      assert.equal(head.BucketRegion, 'eu-west-1');
    });

    test('answers a virtual-host error naming the bucket of the host', async () => {
      const virtual = s3For(cloud, { virtualHost: true });
      await assertS3Error(virtual.send(new GetBucketLocationCommand({ Bucket: 'photos' })), noSuchBucket('photos'));
    });
  });
});
