import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { editHeaders, md5Hex, plainS3, recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

describe('user metadata', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  test('names are lower-cased, underscores kept, and GET and HEAD return the same map', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        Body: 'foo',
        Metadata: { TEST_META_1: 'foo', __meta_2: 'bar', 'Mixed-Case': 'Value Kept' },
      }),
    );
    const expected = { test_meta_1: 'foo', __meta_2: 'bar', 'mixed-case': 'Value Kept' };
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).Metadata, expected);
    assert.deepEqual((await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).Metadata, expected);
  });

  test('values keep spaces and punctuation exactly', async () => {
    await createBucket(s3, 'bucket-a');
    const safe = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ and  spaces';
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: '', Metadata: { 'safe-chars': safe } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.deepEqual(head.Metadata, { 'safe-chars': safe });
  });

  test('RFC 2047 encoded-words whose text is ASCII are decoded; others are kept encoded', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        Body: '',
        Metadata: {
          'asciib64-encoded': '=?UTF-8?B?YWJj?=',
          'fake-encoded': '=?UTF-8?Q?actually-ascii?=',
          'non-ascii-binary': '=?UTF-8?B?AAECAw==?=',
          'non-ascii-q': '=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=',
        },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.deepEqual(head.Metadata, {
      'asciib64-encoded': 'abc',
      'fake-encoded': 'actually-ascii',
      'non-ascii-binary': '=?UTF-8?B?AAECAw==?=',
      'non-ascii-q': '=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=',
    });
  });

  test('an object without metadata answers an empty map, and an overwrite drops the old metadata', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x', Metadata: { a: '1' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'y' }));
    const exchanges = recordExchanges(s3);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.deepEqual(head.Metadata, {});
    assert.equal(
      Object.keys(exchanges[0]?.headers ?? {}).some((name) => name.startsWith('x-amz-meta-')),
      false,
    );
  });
});

describe('representation headers', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let plain: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
    plain = plainS3(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const stored = {
    ContentType: 'text/html; charset=utf-8',
    ContentDisposition: 'attachment; filename="foo.jpg"',
    ContentLanguage: 'de',
    CacheControl: 'no-cache',
    ContentEncoding: 'identity',
    Expires: new Date('2031-01-02T03:04:05Z'),
    WebsiteRedirectLocation: '/elsewhere.html',
  };

  test('Content-Type, -Disposition, -Language, -Encoding, Cache-Control, Expires and the redirect are kept', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'abc123', ...stored }));
    const exchanges = recordExchanges(s3);
    for (const out of [
      await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' })),
      await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' })),
    ]) {
      assert.equal(out.ContentType, stored.ContentType);
      assert.equal(out.ContentDisposition, stored.ContentDisposition);
      assert.equal(out.ContentLanguage, 'de');
      assert.equal(out.CacheControl, 'no-cache');
      assert.equal(out.ContentEncoding, 'identity');
      assert.equal(out.ExpiresString, 'Thu, 02 Jan 2031 03:04:05 GMT');
      assert.equal(out.WebsiteRedirectLocation, '/elsewhere.html');
    }
    assert.equal(exchanges[0]?.headers.expires, 'Thu, 02 Jan 2031 03:04:05 GMT');
    assert.equal(exchanges[0]?.headers['x-amz-website-redirect-location'], '/elsewhere.html');
  });

  test('an Expires in the past is returned and the object stays readable', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(
      new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'foo', Expires: new Date('2001-01-01T00:00:00Z') }),
    );
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(await text(out), 'foo');
    assert.equal(out.ExpiresString, 'Mon, 01 Jan 2001 00:00:00 GMT');
  });

  test('an Expires header that is not a date is kept as sent', async () => {
    await createBucket(s3, 'bucket-a');
    editHeaders(plain, (headers) => {
      headers.expires = 'not a date';
    });
    await plain.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.ExpiresString, 'not a date');
  });

  test('a gzip body with Content-Encoding gzip is stored and served as sent, not decoded', async () => {
    await createBucket(s3, 'bucket-a');
    const body = gzipSync(Buffer.from('hello hello hello hello'));
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body, ContentEncoding: 'gzip' }),
    );
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(out.ContentEncoding, 'gzip');
    assert.equal(out.ContentLength, body.length);
    assert.ok(Buffer.from((await out.Body?.transformToByteArray()) ?? []).equals(body));
  });

  test('Latin-1 characters in Cache-Control and Content-Disposition come back as the same bytes', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        Body: '',
        CacheControl: 'ÄMÄZÕÑ S3',
        ContentDisposition: 'attachment; filename="tést_é.pdf"',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.CacheControl, 'ÄMÄZÕÑ S3');
    assert.equal(head.ContentDisposition, 'attachment; filename="tést_é.pdf"');
  });

  test('the response-* parameters of GET replace the stored headers verbatim', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'something', ...stored }));
    const out = await s3.send(
      new GetObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        ResponseCacheControl: 'max-age=74',
        ResponseContentDisposition: 'attachment; filename="bar.jpg"',
        ResponseContentEncoding: 'gzip',
        ResponseContentLanguage: 'de-DE',
        ResponseContentType: 'image/jpeg',
        ResponseExpires: new Date('2015-10-21T07:28:00Z'),
      }),
    );
    assert.equal(await text(out), 'something');
    assert.equal(out.CacheControl, 'max-age=74');
    assert.equal(out.ContentDisposition, 'attachment; filename="bar.jpg"');
    assert.equal(out.ContentEncoding, 'gzip');
    assert.equal(out.ContentLanguage, 'de-DE');
    assert.equal(out.ContentType, 'image/jpeg');
    assert.equal(out.ExpiresString, 'Wed, 21 Oct 2015 07:28:00 GMT');
    // The stored headers are untouched.
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.ContentType, stored.ContentType);
    assert.equal(head.CacheControl, 'no-cache');
  });

  test('response-* parameters set headers the object does not store', async () => {
    await createBucket(s3, 'bucket-a');
    await plain.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    const out = await s3.send(
      new GetObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        ResponseContentLanguage: 'fr',
        ResponseCacheControl: 'no-store',
      }),
    );
    assert.equal(out.ContentLanguage, 'fr');
    assert.equal(out.CacheControl, 'no-store');
  });

  test('HEAD takes the response-* parameters too', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x', ContentType: 'text/plain' }));
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k', ResponseContentType: 'application/json' }),
    );
    assert.equal(head.ContentType, 'application/json');
  });

  test('a response-* value outside ISO-8859-1 is InvalidArgument naming the parameter', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    const value = 'non-ascii-%E2%80%94_\u2014_\u00e9_';
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', ResponseCacheControl: value })), {
      code: 'InvalidArgument',
      status: 400,
      message: 'Header value cannot be represented using ISO-8859-1.',
      fields: { ArgumentName: 'response-cache-control', ArgumentValue: value },
    });
  });
});

describe('GetObjectAttributes', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  test('answers the unquoted ETag, the checksum, the size and the storage class asked for', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'content' }));
    const exchanges = recordExchanges(s3);
    const out = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'],
      }),
    );
    assert.equal(out.ETag, md5Hex('content'));
    assert.deepEqual(out.Checksum, {
      ChecksumCRC32: checksumOf('CRC32', Buffer.from('content')),
      ChecksumType: 'FULL_OBJECT',
    });
    assert.equal(out.ObjectSize, 7);
    assert.equal(out.StorageClass, 'STANDARD');
    assert.equal(out.ObjectParts, undefined);
    assert.equal(out.VersionId, undefined);
    assert.ok(out.LastModified instanceof Date);
    assert.match(exchanges[0]?.headers['last-modified'] ?? '', / GMT$/);
  });

  test('answers only the attributes asked for', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'content' }));
    const out = await s3.send(
      new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'k', ObjectAttributes: ['ObjectSize'] }),
    );
    assert.equal(out.ObjectSize, 7);
    assert.equal(out.ETag, undefined);
    assert.equal(out.Checksum, undefined);
    assert.equal(out.StorageClass, undefined);
  });

  test('accepts spaces after the commas of x-amz-object-attributes', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'content', ChecksumAlgorithm: 'SHA256' }));
    const spaced = s3For(cloud);
    editHeaders(spaced, (headers) => {
      headers['x-amz-object-attributes'] = 'ETag, Checksum, ObjectSize, StorageClass';
    });
    const out = await spaced.send(
      new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'k', ObjectAttributes: ['ETag'] }),
    );
    assert.equal(out.ETag, md5Hex('content'));
    assert.equal(out.ObjectSize, 7);
    assert.equal(out.StorageClass, 'STANDARD');
    assert.equal(out.Checksum?.ChecksumSHA256, '7XACtDnprIRfIjV9giusFERzD722AW0+yUMil7nsn3M=');
  });

  test('names the version in a versioned bucket, reads an older one by id, and a delete marker is NoSuchKey', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'content' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'content 2' }));
    const current = await s3.send(
      new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'k', ObjectAttributes: ['ObjectSize'] }),
    );
    assert.equal(current.VersionId, v2.VersionId);
    assert.equal(current.ObjectSize, 9);
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    await assertS3Error(
      s3.send(new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'k', ObjectAttributes: ['ObjectSize'] })),
      { code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.', fields: { Key: 'k' } },
    );
    const old = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        VersionId: v1.VersionId,
        ObjectAttributes: ['ETag', 'ObjectSize'],
      }),
    );
    assert.equal(old.VersionId, v1.VersionId);
    assert.equal(old.ETag, md5Hex('content'));
    assert.equal(old.ObjectSize, 7);
  });

  test('a missing key is NoSuchKey', async () => {
    await createBucket(s3, 'bucket-a');
    await assertS3Error(
      s3.send(new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'nope', ObjectAttributes: ['ETag'] })),
      { code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.', fields: { Key: 'nope' } },
    );
  });
});
