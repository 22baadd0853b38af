import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { MiB, patternBytes } from './fixtures.js';
import { editHeaders, md5Hex, plainS3, recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, noSuchBucket, rejection, s3For } from './s3-helpers.js';

const noSuchKey = (key: string) => ({
  code: 'NoSuchKey',
  status: 404,
  message: 'The specified key does not exist.',
  fields: { Key: key },
});

/** Keys S3 stores and returns byte for byte (test_put_get_object_special_character, test_object_with_slashes_in_key). */
const awkwardKeys = [
  'ünïcødé/日本語/😀.txt',
  'with space',
  'two  spaces ',
  'a+b',
  'literal%20percent',
  '100%',
  'a%2Fb',
  'a/%F0%9F%98%80',
  'dots/../up',
  '../leading-dots',
  'trailing/..',
  '/leading-slash',
  '//double-leading',
  'trailing/',
  'test key//',
  'hash#fragment',
  'question?mark',
  'amp&eq=semi;colon:',
  'tilde~star*bang!',
  'quotes\'"',
  '<xml>&amp;',
  'brackets[]{}()',
  'at@comma,dollar$',
];

describe('PutObject', () => {
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

  test('returns the quoted MD5 as ETag, AES256, the CRC32 the SDK sent, and no VersionId on an unversioned bucket', async () => {
    await createBucket(s3, 'bucket-a');
    const out = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'test-delete' }));
    assert.equal(out.ETag, '"a9a43d6b467d3dc6514412c3a4987415"');
    assert.equal(out.ServerSideEncryption, 'AES256');
    assert.equal(out.ChecksumCRC32, '1jy6qw==');
    assert.equal(out.ChecksumType, 'FULL_OBJECT');
    assert.equal(out.VersionId, undefined);
  });

  test('an empty body has the ETag of no bytes and a CRC64NVME of zero when the client sent no checksum', async () => {
    await createBucket(s3, 'bucket-a');
    const out = await plain.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'empty', Body: '' }));
    assert.equal(out.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
    assert.equal(out.ChecksumCRC64NVME, 'AAAAAAAAAAA=');
    assert.equal(out.ChecksumType, 'FULL_OBJECT');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'empty' }));
    assert.equal(head.ContentLength, 0);
  });

  test('answers 200 with an empty body and Content-Length 0', async () => {
    await createBucket(s3, 'bucket-a');
    const exchanges = recordExchanges(plain);
    await plain.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'abc' }));
    assert.equal(exchanges[0]?.status, 200);
    assert.equal(exchanges[0]?.headers['content-length'], '0');
    assert.equal(exchanges[0]?.headers.etag, `"${md5Hex('abc')}"`);
  });

  test('overwrites the key: the last write wins', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'first', Metadata: { a: '1' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'second' }));
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(await text(out), 'second');
    assert.deepEqual(out.Metadata, {});
  });

  test('stores binary/octet-stream as Content-Type when the request has none', async () => {
    await createBucket(s3, 'bucket-a');
    const bare = plainS3(cloud);
    editHeaders(bare, (headers) => {
      delete headers['content-type'];
    });
    const exchanges = recordExchanges(bare);
    await bare.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    assert.equal(exchanges[0]?.requestHeaders['content-type'], undefined);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.ContentType, 'binary/octet-stream');
  });

  test('returns NoSuchBucket for a bucket that does not exist', async () => {
    await assertS3Error(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })), {
      ...noSuchBucket('no-such-bucket'),
    });
  });

  for (const storageClass of [
    'STANDARD_IA',
    'GLACIER_IR',
    'ONEZONE_IA',
    'INTELLIGENT_TIERING',
    'REDUCED_REDUNDANCY',
  ] as const) {
    test(`keeps storage class ${storageClass} and GET and HEAD return it`, async () => {
      await createBucket(s3, 'bucket-a');
      await s3.send(
        new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'body-test', StorageClass: storageClass }),
      );
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
      assert.equal(head.StorageClass, storageClass);
      const get = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
      assert.equal(get.StorageClass, storageClass);
      assert.equal(await text(get), 'body-test');
    });
  }

  test('STANDARD is stored but not named in GET or HEAD', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x', StorageClass: 'STANDARD' }));
    const exchanges = recordExchanges(s3);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.StorageClass, undefined);
    assert.equal(exchanges[0]?.headers['x-amz-storage-class'], undefined);
  });

  for (const storageClass of ['GLACIER', 'DEEP_ARCHIVE'] as const) {
    test(`a ${storageClass} object answers HEAD but GET is InvalidObjectState naming the class`, async () => {
      await createBucket(s3, 'bucket-a');
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x', StorageClass: storageClass }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
      assert.equal(head.StorageClass, storageClass);
      const exchanges = recordExchanges(s3);
      await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), {
        code: 'InvalidObjectState',
        status: 403,
        message: "The operation is not valid for the object's storage class",
        fields: { StorageClass: storageClass },
      });
      assert.equal(exchanges[0]?.headers['x-amz-storage-class'], storageClass);
    });
  }

  test('refuses the OUTPOSTS storage class with InvalidStorageClass', async () => {
    await createBucket(s3, 'bucket-a');
    await assertS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x', StorageClass: 'OUTPOSTS' })),
      {
        code: 'InvalidStorageClass',
        status: 400,
        message: 'The storage class you specified is not valid',
        fields: { StorageClassRequested: 'OUTPOSTS' },
      },
    );
    await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), {
      code: 'NotFound',
      status: 404,
    });
  });

  test('refuses a storage class S3 does not know with InvalidStorageClass', async () => {
    await createBucket(s3, 'bucket-a');
    await assertS3Error(
      s3.send(
        new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x', StorageClass: 'FROZEN' as StorageClass }),
      ),
      {
        code: 'InvalidStorageClass',
        status: 400,
        message: 'The storage class you specified is not valid',
        fields: { StorageClassRequested: 'FROZEN' },
      },
    );
  });
});

describe('object keys', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  for (const style of ['path style', 'virtual host'] as const) {
    test(`${style}: every awkward key is stored, read and listed exactly as sent`, async () => {
      const s3 = s3For(cloud, { virtualHost: style === 'virtual host' });
      await createBucket(s3, 'bucket-keys');
      for (const key of awkwardKeys) {
        await s3.send(new PutObjectCommand({ Bucket: 'bucket-keys', Key: key, Body: `body of ${key}` }));
      }
      for (const key of awkwardKeys) {
        const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-keys', Key: key }));
        assert.equal(await text(out), `body of ${key}`, key);
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-keys', Key: key }));
        assert.equal(head.ContentLength, Buffer.byteLength(`body of ${key}`), key);
      }
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket-keys' }));
      const expected = [...awkwardKeys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(
        listed.Contents?.map((object) => object.Key),
        expected,
      );
    });
  }

  test('foo, /foo and //foo are three keys', async () => {
    const s3 = s3For(cloud);
    await createBucket(s3, 'bucket-a');
    for (const key of ['foo', '/foo', '//foo']) {
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: key, Body: key }));
    }
    for (const key of ['foo', '/foo', '//foo']) {
      assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: key }))), key);
    }
  });

  test('keys are case-sensitive: the wrong case is NoSuchKey naming the key asked for', async () => {
    const s3 = s3For(cloud);
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'camelCaseKey', Body: 'something' }));
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'camelcasekey' })), {
      ...noSuchKey('camelcasekey'),
    });
  });

  test('a key written path style is read through the virtual host, and back', async () => {
    const pathStyle = s3For(cloud);
    const virtual = s3For(cloud, { virtualHost: true });
    await createBucket(pathStyle, 'bucket-a');
    await pathStyle.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'dir/ä b+c', Body: 'one' }));
    await virtual.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: '/lead/ä%', Body: 'two' }));
    assert.equal(await text(await virtual.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'dir/ä b+c' }))), 'one');
    assert.equal(
      await text(await pathStyle.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: '/lead/ä%' }))),
      'two',
    );
  });
});

describe('GetObject and HeadObject', () => {
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

  test('GET answers the body with Accept-Ranges, Content-Length, ETag, Last-Modified and no optional headers', async () => {
    await createBucket(s3, 'bucket-a');
    await plain.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'test-123' }));
    const exchanges = recordExchanges(plain);
    const out = await plain.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(await text(out), 'test-123');
    assert.equal(out.ContentLength, 8);
    assert.equal(out.ETag, `"${md5Hex('test-123')}"`);
    assert.equal(out.AcceptRanges, 'bytes');
    assert.equal(out.ServerSideEncryption, 'AES256');
    assert.deepEqual(out.Metadata, {});
    assert.ok(out.LastModified instanceof Date);
    const headers = exchanges[0]?.headers ?? {};
    assert.equal(exchanges[0]?.status, 200);
    assert.match(headers['last-modified'] ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    for (const absent of [
      'cache-control',
      'content-encoding',
      'content-language',
      'content-disposition',
      'expires',
      'x-amz-version-id',
      'x-amz-storage-class',
      'x-amz-tagging-count',
      'x-amz-mp-parts-count',
      'x-amz-checksum-crc64nvme',
      'x-amz-checksum-type',
      'content-range',
    ]) {
      assert.equal(headers[absent], undefined, absent);
    }
  });

  test('HEAD answers the same fields as GET and no body', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'test-123', ContentType: 'text/plain' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.ContentLength, 8);
    assert.equal(head.ContentType, 'text/plain');
    assert.equal(head.ETag, `"${md5Hex('test-123')}"`);
    assert.equal(head.AcceptRanges, 'bytes');
    assert.equal(head.ServerSideEncryption, 'AES256');
    assert.deepEqual(head.Metadata, {});
  });

  test('GET of a missing key is NoSuchKey with the key, also with a Range', async () => {
    await createBucket(s3, 'bucket-a');
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'missing/key' })), {
      ...noSuchKey('missing/key'),
    });
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'missing', Range: 'bytes=0-1' })), {
      ...noSuchKey('missing'),
    });
  });

  test('HEAD of a missing key is a bodyless 404', async () => {
    await createBucket(s3, 'bucket-a');
    const exchanges = recordExchanges(s3);
    const error = await rejection(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'missing' })));
    assert.equal(error.name, 'NotFound');
    assert.equal(error.$metadata.httpStatusCode, 404);
    assert.equal(exchanges[0]?.headers['content-type'], undefined);
  });

  test('GET and HEAD of a missing bucket are NoSuchBucket and a bodyless 404', async () => {
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })), {
      ...noSuchBucket('no-such-bucket'),
    });
    await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })), {
      code: 'NotFound',
      status: 404,
    });
  });

  test('a body sent with a GET is ignored', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'stored' }));
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${cloud.endpoint}/bucket-a/k`);
      const request = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers: { 'content-length': 7 } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      request.on('error', reject);
      request.end('ignored');
    });
    assert.equal(status, 200);
    assert.equal(body, 'stored');
  });

  test('a 2 MiB object comes back byte for byte', async () => {
    await createBucket(s3, 'bucket-a');
    const body = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919) & 0xff;
    const put = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'big', Body: body }));
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'big' }));
    assert.ok(Buffer.from((await out.Body?.transformToByteArray()) ?? []).equals(body));
  });

  test('a 9 MiB object, digested off the event loop, has the MD5 ETag and the checksums of its bytes', async () => {
    await createBucket(s3, 'bucket-a');
    const body = patternBytes(9 * MiB + 5, 11);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'bucket-a', Key: 'large', Body: body, ChecksumAlgorithm: 'SHA256' }),
    );
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    assert.equal(put.ChecksumSHA256, createHash('sha256').update(body).digest('base64'));
    const plain = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'default', Body: body }));
    assert.equal(plain.ETag, `"${md5Hex(body)}"`);
    // SDK v3 sends a CRC32 of its own accord.
    assert.equal(plain.ChecksumCRC32, checksumOf('CRC32', body));
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'large' }));
    assert.ok(Buffer.from((await out.Body?.transformToByteArray()) ?? []).equals(body));
  });

  test('an upload its client abandons half-way stores nothing, and the next upload is digested whole', async () => {
    await createBucket(s3, 'bucket-a');
    const url = new URL(`${cloud.endpoint}/bucket-a/abandoned`);
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: url.pathname,
        headers: {
          'content-length': String(8 * MiB),
          authorization:
            'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
      });
      request.on('error', () => resolve());
      request.write(patternBytes(5 * MiB, 12), () => {
        request.destroy();
        resolve();
      });
    });
    const body = patternBytes(6 * MiB, 13);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'next', Body: body }));
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'abandoned' })), {
      code: 'NotFound',
      status: 404,
    });
  });
});

describe('DeleteObject', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  test('answers 204 and the key is gone', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    const out = await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    assert.equal(out.DeleteMarker, undefined);
    assert.equal(out.VersionId, undefined);
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), { ...noSuchKey('k') });
  });

  test('a 204 carries no Content-Length header', async () => {
    await createBucket(s3, 'bucket-a');
    const exchanges = recordExchanges(s3);
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(exchanges[0]?.status, 204);
    assert.equal(exchanges[0]?.headers['content-length'], undefined);
  });

  test('answers 204 for a key that never existed', async () => {
    await createBucket(s3, 'bucket-a');
    const out = await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'never' }));
    assert.equal(out.$metadata.httpStatusCode, 204);
  });

  test('returns InvalidArgument for a version id on an unversioned bucket', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    await assertS3Error(
      s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD' })),
      {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid version id specified',
        fields: { ArgumentName: 'versionId', ArgumentValue: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD' },
      },
    );
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).ContentLength, 1);
  });

  test('deletes the null version of an unversioned bucket by version id', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', VersionId: 'null' }));
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), { ...noSuchKey('k') });
  });

  test('returns NoSuchBucket for a bucket that does not exist', async () => {
    await assertS3Error(s3.send(new DeleteObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })), {
      ...noSuchBucket('no-such-bucket'),
    });
  });

  for (const bypass of [true, false]) {
    test(`x-amz-bypass-governance-retention: ${bypass} on a bucket without object lock is InvalidArgument`, async () => {
      await createBucket(s3, 'bucket-a');
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
      await assertS3Error(
        s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', BypassGovernanceRetention: bypass })),
        {
          code: 'InvalidArgument',
          status: 400,
          message: 'x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.',
          fields: { ArgumentName: 'x-amz-bypass-governance-retention' },
        },
      );
    });
  }

  test('If-Match with another ETag is PreconditionFailed and the object stays', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    await assertS3Error(s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', IfMatch: '"abc"' })), {
      code: 'PreconditionFailed',
      status: 412,
      message: 'At least one of the pre-conditions you specified did not hold',
      fields: { Condition: 'If-Match' },
    });
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).ContentLength, 1);
  });

  test('If-Match with the current ETag deletes', async () => {
    await createBucket(s3, 'bucket-a');
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', IfMatch: ETag }));
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), { ...noSuchKey('k') });
  });

  test('x-amz-if-match-last-modified-time and x-amz-if-match-size are NotImplemented, the first named', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    const notImplemented = (header: string) => ({
      code: 'NotImplemented',
      status: 501,
      message: 'A header you provided implies functionality that is not implemented',
      fields: { Header: header },
    });
    await assertS3Error(
      s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', IfMatchLastModifiedTime: new Date() })),
      notImplemented('x-amz-if-match-last-modified-time'),
    );
    await assertS3Error(
      s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k', IfMatchSize: 1 })),
      notImplemented('x-amz-if-match-size'),
    );
    await assertS3Error(
      s3.send(
        new DeleteObjectCommand({
          Bucket: 'bucket-a',
          Key: 'k',
          IfMatch: '"x"',
          IfMatchSize: 1,
          IfMatchLastModifiedTime: new Date(),
        }),
      ),
      notImplemented('x-amz-if-match-last-modified-time'),
    );
  });
});

describe('DeleteObjects', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const byKey = (a: { Key?: string }, b: { Key?: string }) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1);

  test('lists every requested key as Deleted, whether or not it existed, and deletes those that did', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'test-delete', Body: 'x' }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'bucket-a',
        Delete: { Objects: [{ Key: 'test-delete' }, { Key: 'a-wrong-key' }, { Key: 'c-wrong-key' }] },
      }),
    );
    assert.deepEqual(out.Deleted?.sort(byKey), [
      { Key: 'a-wrong-key' },
      { Key: 'c-wrong-key' },
      { Key: 'test-delete' },
    ]);
    assert.equal(out.Errors, undefined);
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'test-delete' })), {
      ...noSuchKey('test-delete'),
    });
  });

  test('Quiet answers an empty DeleteResult for successes', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'x' }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'bucket-a',
        Delete: { Objects: [{ Key: 'k' }, { Key: 'never' }], Quiet: true },
      }),
    );
    assert.equal(out.Deleted, undefined);
    assert.equal(out.Errors, undefined);
    assert.equal(out.$metadata.httpStatusCode, 200);
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), { ...noSuchKey('k') });
  });

  test('an unknown version id is a per-key NoSuchVersion, even on an unversioned bucket, and Quiet still reports it', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'test-delete', Body: 'x' }));
    for (const Quiet of [false, true]) {
      const out = await s3.send(
        new DeleteObjectsCommand({
          Bucket: 'bucket-a',
          Delete: { Objects: [{ Key: 'test-delete', VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD' }], Quiet },
        }),
      );
      assert.equal(out.Deleted, undefined);
      assert.deepEqual(out.Errors, [
        {
          Code: 'NoSuchVersion',
          Key: 'test-delete',
          Message: 'The specified version does not exist.',
          VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD',
        },
      ]);
    }
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'test-delete' }))).ContentLength, 1);
  });

  test('keys are taken literally: percent signs are not decoded', async () => {
    await createBucket(s3, 'bucket-a');
    for (const key of ['a%2Fb', 'a/%F0%9F%98%80', 'a/b']) {
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: key, Body: key }));
    }
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'bucket-a',
        Delete: { Objects: [{ Key: 'a%2Fb' }, { Key: 'a/%F0%9F%98%80' }] },
      }),
    );
    assert.deepEqual(out.Deleted?.sort(byKey), [{ Key: 'a%2Fb' }, { Key: 'a/%F0%9F%98%80' }]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket-a' }));
    assert.deepEqual(
      listed.Contents?.map((object) => object.Key),
      ['a/b'],
    );
  });

  test('XML-special and non-ASCII keys round-trip through the request and the result', async () => {
    await createBucket(s3, 'bucket-a');
    const keys = ['<a>&"b"', 'ünï 😀', ' spaced '];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: key, Body: 'x' }));
    const out = await s3.send(
      new DeleteObjectsCommand({ Bucket: 'bucket-a', Delete: { Objects: keys.map((Key) => ({ Key })) } }),
    );
    assert.deepEqual(out.Deleted?.map((entry) => entry.Key).sort(), [...keys].sort());
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket-a' }));
    assert.equal(listed.KeyCount, 0);
  });

  test('returns NoSuchBucket for a bucket that does not exist', async () => {
    await assertS3Error(
      s3.send(new DeleteObjectsCommand({ Bucket: 'no-such-bucket', Delete: { Objects: [{ Key: 'k' }] } })),
      { ...noSuchBucket('no-such-bucket') },
    );
  });

  test('more than 1000 keys is MalformedXML', async () => {
    await createBucket(s3, 'bucket-a');
    const Objects = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }));
    await assertS3Error(s3.send(new DeleteObjectsCommand({ Bucket: 'bucket-a', Delete: { Objects } })), {
      code: 'MalformedXML',
      status: 400,
      message: 'The XML you provided was not well-formed or did not validate against our published schema',
    });
  });

  test('exactly 1000 keys are deleted', async () => {
    await createBucket(s3, 'bucket-a');
    const Objects = Array.from({ length: 1000 }, (_, i) => ({ Key: `k${i}` }));
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: 'bucket-a', Delete: { Objects } }));
    assert.equal(out.Deleted?.length, 1000);
  });

  test('x-amz-bypass-governance-retention on a bucket without object lock is InvalidArgument', async () => {
    await createBucket(s3, 'bucket-a');
    await assertS3Error(
      s3.send(
        new DeleteObjectsCommand({
          Bucket: 'bucket-a',
          Delete: { Objects: [{ Key: 'k' }] },
          BypassGovernanceRetention: true,
        }),
      ),
      {
        code: 'InvalidArgument',
        status: 400,
        message: 'x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.',
        fields: { ArgumentName: 'x-amz-bypass-governance-retention' },
      },
    );
  });
});
