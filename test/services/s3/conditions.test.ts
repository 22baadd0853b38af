import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { md5Hex, recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, rejection, s3For } from './s3-helpers.js';

const etag = `"${md5Hex('data')}"`;
const preconditionFailed = (condition: string) => ({
  code: 'PreconditionFailed',
  status: 412,
  message: 'At least one of the pre-conditions you specified did not hold',
  fields: { Condition: condition },
});
const notImplemented = (header: string, additionalMessage: string) => ({
  code: 'NotImplemented',
  status: 501,
  message: 'A header you provided implies functionality that is not implemented',
  fields: { Header: header, additionalMessage },
});

describe('GetObject and HeadObject conditions', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let lastModified: Date;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'data' }));
    lastModified = (await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).LastModified as Date;
  });

  const before_ = () => new Date(lastModified.getTime() - 3600_000);
  const future = () => new Date(lastModified.getTime() + 86_400_000);
  const get = (conditions: Partial<GetObjectCommandInput>) =>
    s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', ...conditions }));
  const head = (conditions: Partial<GetObjectCommandInput>) =>
    s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k', ...conditions }));

  async function assertNotModified(promise: Promise<unknown>): Promise<void> {
    const error = await rejection(promise);
    assert.equal(error.$metadata.httpStatusCode, 304);
  }

  test('If-Match with the ETag, quoted or not, or *, answers the object', async () => {
    for (const IfMatch of [etag, md5Hex('data'), '*', `"other", ${etag}`]) {
      assert.equal(await text(await get({ IfMatch })), 'data', IfMatch);
      assert.equal((await head({ IfMatch })).ContentLength, 4, IfMatch);
    }
  });

  test('If-Match with another ETag is PreconditionFailed; HEAD answers a bodyless 412', async () => {
    await assertS3Error(get({ IfMatch: '"not good etag"' }), preconditionFailed('If-Match'));
    const exchanges = recordExchanges(s3);
    const error = await rejection(head({ IfMatch: '"not good etag"' }));
    assert.equal(error.$metadata.httpStatusCode, 412);
    assert.equal(exchanges[0]?.headers['content-type'], undefined);
  });

  test('If-None-Match with the ETag, quoted or not, answers 304 with the ETag and Last-Modified', async () => {
    for (const IfNoneMatch of [etag, md5Hex('data'), '*']) {
      const exchanges = recordExchanges(s3);
      await assertNotModified(get({ IfNoneMatch }));
      await assertNotModified(head({ IfNoneMatch }));
      assert.equal(exchanges[0]?.headers.etag, etag);
      assert.equal(exchanges[0]?.headers['last-modified'], lastModified.toUTCString());
      assert.equal(exchanges[0]?.headers['content-type'], undefined);
    }
  });

  test('If-None-Match with another ETag answers the object', async () => {
    assert.equal(await text(await get({ IfNoneMatch: '"other"' })), 'data');
  });

  test('If-Modified-Since at or after Last-Modified answers 304; before it, the object', async () => {
    await assertNotModified(get({ IfModifiedSince: lastModified }));
    await assertNotModified(head({ IfModifiedSince: lastModified }));
    assert.equal(await text(await get({ IfModifiedSince: before_() })), 'data');
  });

  test('If-Modified-Since in the future is ignored', async () => {
    assert.equal(await text(await get({ IfModifiedSince: future() })), 'data');
    assert.equal((await head({ IfModifiedSince: future() })).ContentLength, 4);
  });

  test('If-Unmodified-Since before Last-Modified is PreconditionFailed; at it, the object', async () => {
    await assertS3Error(get({ IfUnmodifiedSince: before_() }), preconditionFailed('If-Unmodified-Since'));
    assert.equal(await text(await get({ IfUnmodifiedSince: lastModified })), 'data');
    assert.equal(await text(await get({ IfUnmodifiedSince: future() })), 'data');
  });

  test('with all four conditions failing, If-Match is reported first', async () => {
    await assertS3Error(
      get({
        IfMatch: '"x"',
        IfUnmodifiedSince: before_(),
        IfNoneMatch: etag,
        IfModifiedSince: lastModified,
      }),
      preconditionFailed('If-Match'),
    );
  });

  test('If-Unmodified-Since fails before If-None-Match and If-Modified-Since are looked at', async () => {
    await assertS3Error(
      get({ IfUnmodifiedSince: before_(), IfNoneMatch: etag, IfModifiedSince: lastModified }),
      preconditionFailed('If-Unmodified-Since'),
    );
  });

  test('a true If-Match makes a false If-Unmodified-Since pass', async () => {
    assert.equal(await text(await get({ IfMatch: etag, IfUnmodifiedSince: before_() })), 'data');
  });

  test('If-None-Match matching wins over a true If-Modified-Since: 304', async () => {
    await assertNotModified(get({ IfNoneMatch: etag, IfModifiedSince: before_() }));
  });

  test('If-None-Match not matching makes If-Modified-Since irrelevant: 200', async () => {
    assert.equal(await text(await get({ IfNoneMatch: '"other"', IfModifiedSince: lastModified })), 'data');
  });

  test('a true If-Match and a matching If-None-Match answer 304', async () => {
    await assertNotModified(get({ IfMatch: etag, IfNoneMatch: etag }));
  });

  test('conditions hold for a range read', async () => {
    const out = await get({ IfMatch: etag, Range: 'bytes=1-2' });
    assert.equal(await text(out), 'at');
    await assertS3Error(get({ IfMatch: '"x"', Range: 'bytes=1-2' }), preconditionFailed('If-Match'));
  });

  test('a missing key is NoSuchKey whatever the conditions', async () => {
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'missing', IfMatch: etag })), {
      code: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
      fields: { Key: 'missing' },
    });
  });
});

describe('PutObject conditional writes', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'bucket-a');
  });

  const put = (Body: string, conditions: { IfMatch?: string; IfNoneMatch?: string }, Key = 'k') =>
    s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key, Body, ...conditions }));
  const content = async (Key = 'k') => text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key })));

  test('If-None-Match: * writes a new key and refuses an existing one with PreconditionFailed', async () => {
    await put('first', { IfNoneMatch: '*' });
    await assertS3Error(put('second', { IfNoneMatch: '*' }), preconditionFailed('If-None-Match'));
    assert.equal(await content(), 'first');
  });

  test('If-None-Match: * writes again once the key is deleted', async () => {
    await put('first', {});
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    await put('again', { IfNoneMatch: '*' });
    assert.equal(await content(), 'again');
  });

  test('If-None-Match: * writes over a current delete marker in a versioned bucket', async () => {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await put('first', {});
    await assertS3Error(put('blocked', { IfNoneMatch: '*' }), preconditionFailed('If-None-Match'));
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    const out = await put('after marker', { IfNoneMatch: '*' });
    assert.match(out.VersionId ?? '', /^[A-Za-z0-9._]{32}$/);
    assert.equal(await content(), 'after marker');
  });

  test('If-None-Match with anything but * is NotImplemented', async () => {
    await put('first', {});
    for (const IfNoneMatch of [etag, '"abc"', 'abc']) {
      await assertS3Error(
        put('x', { IfNoneMatch }),
        notImplemented('If-None-Match', "We don't accept the provided value of If-None-Match header for this API"),
      );
    }
  });

  test('If-Match with the current ETag, quoted or not, overwrites', async () => {
    const first = await put('test', {});
    await put('second', { IfMatch: first.ETag });
    const second = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    await put('third', { IfMatch: (second.ETag ?? '').replace(/"/g, '') });
    assert.equal(await content(), 'third');
  });

  test('If-Match with another ETag is PreconditionFailed and the object stays', async () => {
    await put('test', {});
    await assertS3Error(put('x', { IfMatch: '"d41d8cd98f00b204e9800998ecf8427e"' }), preconditionFailed('If-Match'));
    assert.equal(await content(), 'test');
  });

  test('If-Match on a missing key is NoSuchKey, whatever the value looks like', async () => {
    for (const IfMatch of [etag, 'abcdef', 'bad-char_/']) {
      await assertS3Error(put('x', { IfMatch }), {
        code: 'NoSuchKey',
        status: 404,
        message: 'The specified key does not exist.',
        fields: { Key: 'k' },
      });
    }
  });

  test('If-Match on a key whose current version is a delete marker is NoSuchKey', async () => {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const first = await put('first', {});
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    await assertS3Error(put('x', { IfMatch: first.ETag }), {
      code: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
      fields: { Key: 'k' },
    });
  });

  test('If-Match: * is NotImplemented, even on a missing key', async () => {
    await assertS3Error(
      put('x', { IfMatch: '*' }),
      notImplemented('If-Match', "We don't accept the provided value of If-Match header for this API"),
    );
  });

  test('If-Match and If-None-Match together are NotImplemented naming both', async () => {
    await put('first', {});
    await assertS3Error(
      put('x', { IfMatch: etag, IfNoneMatch: '*' }),
      notImplemented('If-Match,If-None-Match', 'Multiple conditional request headers present in the request'),
    );
  });
});
