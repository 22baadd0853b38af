import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  type CopyObjectCommandInput,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { md5Hex, plainS3, recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const inPlaceRefused = {
  code: 'InvalidRequest',
  status: 400,
  message:
    "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
};
const preconditionFailed = (condition: string) => ({
  code: 'PreconditionFailed',
  status: 412,
  message: 'At least one of the pre-conditions you specified did not hold',
  fields: { Condition: condition },
});
const noSuchKey = (key: string) => ({
  code: 'NoSuchKey',
  status: 404,
  message: 'The specified key does not exist.',
  fields: { Key: key },
});
const source = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

describe('CopyObject', () => {
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
    await createBucket(s3, 'bucket-b');
  });

  const copy = (input: Partial<CopyObjectCommandInput>) =>
    s3.send(new CopyObjectCommand({ Bucket: 'bucket-b', Key: 'copy', CopySource: 'bucket-a/src', ...input }));
  const head = (Bucket: string, Key: string) =>
    s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));

  test('copies the bytes and answers the ETag, LastModified and checksum of the copy', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: '{"key": "value"}' }));
    const out = await copy({});
    assert.equal(out.CopyObjectResult?.ETag, '"88bac95f31528d13a072c05f2a1cf371"');
    assert.equal(out.CopyObjectResult?.ChecksumCRC32, 'MzVIGw==');
    assert.equal(out.CopyObjectResult?.ChecksumType, 'FULL_OBJECT');
    assert.ok(out.CopyObjectResult?.LastModified instanceof Date);
    assert.equal(out.ServerSideEncryption, 'AES256');
    assert.equal(out.VersionId, undefined);
    assert.equal(out.CopySourceVersionId, undefined);
    assert.equal(
      await text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-b', Key: 'copy' }))),
      '{"key": "value"}',
    );
  });

  test('keys with spaces, unicode and percent signs are read from the encoded source', async () => {
    const key = 'dir/ä b+c%d/😀';
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: key, Body: 'special' }));
    await copy({ CopySource: source('bucket-a', key), Key: key });
    assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-b', Key: key }))), 'special');
  });

  test('a + in the source stands for a space, and a leading / is allowed', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'a key', Body: 'spaced' }));
    await copy({ CopySource: 'bucket-a/a+key' });
    await copy({ CopySource: '/bucket-a/a%20key', Key: 'copy-2' });
    assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-b', Key: 'copy' }))), 'spaced');
    assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-b', Key: 'copy-2' }))), 'spaced');
  });

  test('by default the source metadata and headers are kept and those of the request ignored', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'src',
        Body: 'test',
        ContentType: 'application/json',
        ContentLanguage: 'en-US',
        Metadata: { key: 'value' },
      }),
    );
    for (const MetadataDirective of [undefined, 'COPY'] as const) {
      await copy({ MetadataDirective, Metadata: { ignored: 'yes' }, ContentType: 'image/jpg', ContentLanguage: 'fr' });
      const copied = await head('bucket-b', 'copy');
      assert.equal(copied.ContentType, 'application/json');
      assert.equal(copied.ContentLanguage, 'en-US');
      assert.deepEqual(copied.Metadata, { key: 'value' });
    }
  });

  test('REPLACE takes only what the request gives: its metadata, its Content-Type, no Content-Language', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'src',
        Body: 'test',
        ContentType: 'application/json',
        ContentLanguage: 'en-US',
        Metadata: { key: 'value' },
      }),
    );
    await copy({ MetadataDirective: 'REPLACE', Metadata: { 'another-key': 'value' }, ContentType: 'image/jpg' });
    const copied = await head('bucket-b', 'copy');
    assert.equal(copied.ContentType, 'image/jpg');
    assert.equal(copied.ContentLanguage, undefined);
    assert.deepEqual(copied.Metadata, { 'another-key': 'value' });
    await copy({ MetadataDirective: 'REPLACE', Key: 'bare' });
    const bare = await head('bucket-b', 'bare');
    assert.equal(bare.ContentType, 'binary/octet-stream');
    assert.deepEqual(bare.Metadata, {});
  });

  test('tags are copied by default, even when the request names others', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'test', Tagging: 'key1=value1' }));
    await copy({ Tagging: 'key2=value2' });
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: 'bucket-b', Key: 'copy' }));
    assert.deepEqual(tags.TagSet, [{ Key: 'key1', Value: 'value1' }]);
  });

  test('TaggingDirective REPLACE takes the request tags, or none', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'test', Tagging: 'key1=value1' }));
    await copy({ TaggingDirective: 'REPLACE', Tagging: 'key2=value2' });
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: 'bucket-b', Key: 'copy' }))).TagSet, [
      { Key: 'key2', Value: 'value2' },
    ]);
    await copy({ TaggingDirective: 'REPLACE', Key: 'untagged' });
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: 'bucket-b', Key: 'untagged' }))).TagSet, []);
    const exchanges = recordExchanges(s3);
    await s3.send(new HeadObjectCommand({ Bucket: 'bucket-b', Key: 'untagged' }));
    assert.equal(exchanges[0]?.headers['x-amz-tagging-count'], undefined);
  });

  test('the storage class is not copied: the copy is STANDARD unless the request names one', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'test', StorageClass: 'STANDARD_IA' }));
    await copy({});
    assert.equal((await head('bucket-b', 'copy')).StorageClass, undefined);
    await copy({ Key: 'ia', StorageClass: 'ONEZONE_IA' });
    assert.equal((await head('bucket-b', 'ia')).StorageClass, 'ONEZONE_IA');
  });

  test('the copy keeps the source checksum algorithm unless the request names another', async () => {
    const body = '{"key": "value"}';
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: body, ChecksumAlgorithm: 'SHA1' }));
    const kept = await copy({});
    assert.equal(kept.CopyObjectResult?.ChecksumSHA1, checksumOf('SHA1', Buffer.from(body)));
    const changed = await copy({ Key: 'crc32c', ChecksumAlgorithm: 'CRC32C' });
    assert.equal(changed.CopyObjectResult?.ChecksumCRC32C, checksumOf('CRC32C', Buffer.from(body)));
    assert.equal(changed.CopyObjectResult?.ChecksumSHA1, undefined);
    const attributes = await s3.send(
      new GetObjectAttributesCommand({ Bucket: 'bucket-b', Key: 'crc32c', ObjectAttributes: ['Checksum'] }),
    );
    assert.deepEqual(attributes.Checksum, {
      ChecksumCRC32C: checksumOf('CRC32C', Buffer.from(body)),
      ChecksumType: 'FULL_OBJECT',
    });
  });

  test('a copy of a multipart object has a plain MD5 ETag and a whole-object checksum', async () => {
    const parts = [Buffer.alloc(5 * 1024 * 1024, 'a'), Buffer.from('tail')];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'bucket-a', Key: 'src' }));
    const completed = [];
    for (const [index, Body] of parts.entries()) {
      const { ETag } = await s3.send(
        new UploadPartCommand({ Bucket: 'bucket-a', Key: 'src', UploadId, PartNumber: index + 1, Body }),
      );
      completed.push({ ETag, PartNumber: index + 1 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'bucket-a',
        Key: 'src',
        UploadId,
        MultipartUpload: { Parts: completed },
      }),
    );
    const whole = Buffer.concat(parts);
    const out = await copy({});
    assert.equal(out.CopyObjectResult?.ETag, `"${md5Hex(whole)}"`);
    assert.equal(out.CopyObjectResult?.ChecksumCRC64NVME, checksumOf('CRC64NVME', whole));
    assert.equal(out.CopyObjectResult?.ChecksumType, 'FULL_OBJECT');
    const copied = await head('bucket-b', 'copy');
    assert.equal(copied.PartsCount, undefined);
    assert.equal(copied.ContentLength, whole.length);
  });

  test('a source that got S3 default CRC64NVME is copied with a CRC64NVME', async () => {
    await plainS3(cloud).send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'plain' }));
    const out = await copy({});
    assert.equal(out.CopyObjectResult?.ChecksumCRC64NVME, checksumOf('CRC64NVME', Buffer.from('plain')));
    assert.equal((await head('bucket-b', 'copy')).ChecksumCRC64NVME, checksumOf('CRC64NVME', Buffer.from('plain')));
  });

  describe('onto itself', () => {
    beforeEach(async () => {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'bucket-a',
          Key: 'src',
          Body: 'test',
          ContentType: 'application/json',
          Metadata: { key: 'value' },
          StorageClass: 'STANDARD_IA',
        }),
      );
    });
    const inPlace = (input: Partial<CopyObjectCommandInput>) => copy({ Bucket: 'bucket-a', Key: 'src', ...input });

    test('with nothing changed, or only metadata without REPLACE, is InvalidRequest', async () => {
      await assertS3Error(inPlace({}), inPlaceRefused);
      await assertS3Error(inPlace({ Metadata: { other: 'x' } }), inPlaceRefused);
      await assertS3Error(inPlace({ MetadataDirective: 'COPY' }), inPlaceRefused);
      await assertS3Error(inPlace({ ACL: 'private' }), inPlaceRefused);
    });

    test('with REPLACE it replaces the metadata and headers', async () => {
      await inPlace({ MetadataDirective: 'REPLACE', Metadata: { key2: 'value2' } });
      const after = await head('bucket-a', 'src');
      assert.deepEqual(after.Metadata, { key2: 'value2' });
      assert.equal(after.ContentType, 'binary/octet-stream');
    });

    test('a storage class, even an unchanged one, counts as a change', async () => {
      await inPlace({ StorageClass: 'STANDARD_IA' });
      await inPlace({ StorageClass: 'STANDARD' });
      assert.equal((await head('bucket-a', 'src')).StorageClass, undefined);
      await assertS3Error(inPlace({}), inPlaceRefused);
    });

    test('a website redirect counts as a change and is kept', async () => {
      await inPlace({ WebsiteRedirectLocation: '/test/direct' });
      const after = await head('bucket-a', 'src');
      assert.equal(after.WebsiteRedirectLocation, '/test/direct');
      assert.deepEqual(after.Metadata, { key: 'value' });
    });

    test('encryption or a checksum algorithm counts as a change', async () => {
      await inPlace({ ServerSideEncryption: 'AES256' });
      const out = await inPlace({ ChecksumAlgorithm: 'SHA256' });
      assert.equal(out.CopyObjectResult?.ChecksumSHA256, checksumOf('SHA256', Buffer.from('test')));
    });

    test('is allowed in a bucket with an explicit default encryption', async () => {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'bucket-a',
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      );
      const out = await inPlace({});
      assert.equal(out.CopyObjectResult?.ETag, `"${md5Hex('test')}"`);
    });

    test('in a versioned bucket, with nothing changed, is refused too; with REPLACE it makes a version', async () => {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const v1 = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'versioned' }));
      await assertS3Error(inPlace({}), inPlaceRefused);
      await assertS3Error(inPlace({ CopySource: `bucket-a/src?versionId=${v1.VersionId}` }), inPlaceRefused);
      const out = await inPlace({ MetadataDirective: 'REPLACE' });
      assert.equal(out.CopySourceVersionId, v1.VersionId);
      assert.match(out.VersionId ?? '', /^[A-Za-z0-9._]{32}$/);
      assert.notEqual(out.VersionId, v1.VersionId);
    });

    test('in a suspended bucket the copy is the null version each time', async () => {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Suspended' } }),
      );
      for (let i = 0; i < 2; i++) {
        const out = await inPlace({ MetadataDirective: 'REPLACE' });
        assert.equal(out.VersionId, 'null');
        assert.equal(out.CopySourceVersionId, undefined);
      }
    });
  });

  describe('source errors', () => {
    test('a missing source bucket is NoSuchBucket naming it', async () => {
      await assertS3Error(copy({ CopySource: 'no-such-source/key' }), {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-source' },
      });
    });

    test('a missing source key is NoSuchKey naming it', async () => {
      await assertS3Error(copy({ CopySource: 'bucket-a/random-src-key' }), noSuchKey('random-src-key'));
    });

    test('a source that does not name bucket and key is InvalidArgument', async () => {
      for (const CopySource of ['wrongformat', 'bucket-a/', '/bucket-a']) {
        await assertS3Error(copy({ CopySource }), {
          code: 'InvalidArgument',
          status: 400,
          message: 'Invalid copy source object key',
          fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: 'x-amz-copy-source' },
        });
      }
    });

    test('a current delete marker is NoSuchKey; one named by version is InvalidRequest; an older version copies', async () => {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const put = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'random-src-key', Body: '' }));
      const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'random-src-key' }));
      await assertS3Error(copy({ CopySource: 'bucket-a/random-src-key' }), noSuchKey('random-src-key'));
      await assertS3Error(copy({ CopySource: `bucket-a/random-src-key?versionId=${marker.VersionId}` }), {
        code: 'InvalidRequest',
        status: 400,
        message: 'The source of a copy request may not specifically refer to a delete marker by version id.',
      });
      const out = await copy({ CopySource: `bucket-a/random-src-key?versionId=${put.VersionId}` });
      assert.equal(out.CopySourceVersionId, put.VersionId);
      assert.equal(out.CopyObjectResult?.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
    });

    test('a GLACIER source is InvalidObjectState', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'cold', StorageClass: 'GLACIER' }));
      await assertS3Error(copy({}), {
        code: 'InvalidObjectState',
        status: 403,
        message: "The operation is not valid for the object's storage class",
        fields: { StorageClass: 'GLACIER' },
      });
    });
  });

  describe('source conditions', () => {
    let lastModified: Date;
    const etag = `"${md5Hex('data')}"`;
    beforeEach(async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'data' }));
      lastModified = (await head('bucket-a', 'src')).LastModified as Date;
    });
    const earlier = () => new Date(lastModified.getTime() - 3600_000);

    test('each failing condition is 412 naming the x-amz-copy-source header, never 304', async () => {
      await assertS3Error(copy({ CopySourceIfMatch: '"etag"' }), preconditionFailed('x-amz-copy-source-If-Match'));
      await assertS3Error(
        copy({ CopySourceIfUnmodifiedSince: earlier() }),
        preconditionFailed('x-amz-copy-source-If-Unmodified-Since'),
      );
      await assertS3Error(copy({ CopySourceIfNoneMatch: etag }), preconditionFailed('x-amz-copy-source-If-None-Match'));
      await assertS3Error(
        copy({ CopySourceIfNoneMatch: md5Hex('data') }),
        preconditionFailed('x-amz-copy-source-If-None-Match'),
      );
      await assertS3Error(
        copy({ CopySourceIfModifiedSince: lastModified }),
        preconditionFailed('x-amz-copy-source-If-Modified-Since'),
      );
    });

    test('they are evaluated If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since', async () => {
      await assertS3Error(
        copy({
          CopySourceIfMatch: '"x"',
          CopySourceIfUnmodifiedSince: earlier(),
          CopySourceIfNoneMatch: etag,
          CopySourceIfModifiedSince: lastModified,
        }),
        preconditionFailed('x-amz-copy-source-If-Match'),
      );
      await assertS3Error(
        copy({ CopySourceIfUnmodifiedSince: earlier(), CopySourceIfNoneMatch: etag }),
        preconditionFailed('x-amz-copy-source-If-Unmodified-Since'),
      );
      await assertS3Error(
        copy({ CopySourceIfNoneMatch: etag, CopySourceIfModifiedSince: earlier() }),
        preconditionFailed('x-amz-copy-source-If-None-Match'),
      );
    });

    test('holding conditions copy; a future If-Modified-Since is ignored', async () => {
      const out = await copy({
        CopySourceIfMatch: etag,
        CopySourceIfUnmodifiedSince: lastModified,
      });
      assert.equal(out.CopyObjectResult?.ETag, etag);
      await copy({ CopySourceIfNoneMatch: '"other"', CopySourceIfModifiedSince: earlier() });
      await copy({ CopySourceIfModifiedSince: new Date(lastModified.getTime() + 86_400_000) });
      await copy({ CopySourceIfMatch: etag, CopySourceIfUnmodifiedSince: earlier() });
    });
  });

  describe('destination conditions', () => {
    beforeEach(async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'source object' }));
    });

    test('If-None-Match: * copies to a new key and refuses an existing one, also in place', async () => {
      await copy({ IfNoneMatch: '*' });
      await assertS3Error(copy({ IfNoneMatch: '*' }), preconditionFailed('If-None-Match'));
      await assertS3Error(
        copy({ Bucket: 'bucket-a', Key: 'src', MetadataDirective: 'REPLACE', IfNoneMatch: '*' }),
        preconditionFailed('If-None-Match'),
      );
    });

    test('If-Match with another ETag is PreconditionFailed; on a missing destination NoSuchKey', async () => {
      const first = await copy({});
      await copy({ IfMatch: first.CopyObjectResult?.ETag });
      await assertS3Error(copy({ IfMatch: '"abc"' }), preconditionFailed('If-Match'));
      await assertS3Error(copy({ Key: 'non-existent-key', IfMatch: '"abc"' }), noSuchKey('non-existent-key'));
    });

    test('forms S3 does not serve are NotImplemented', async () => {
      await assertS3Error(copy({ IfNoneMatch: '"abc"' }), {
        code: 'NotImplemented',
        status: 501,
        fields: {
          Header: 'If-None-Match',
          additionalMessage: "We don't accept the provided value of If-None-Match header for this API",
        },
      });
      await assertS3Error(copy({ IfMatch: '*' }), {
        code: 'NotImplemented',
        status: 501,
        fields: { Header: 'If-Match' },
      });
      await assertS3Error(copy({ IfMatch: '"a"', IfNoneMatch: '*' }), {
        code: 'NotImplemented',
        status: 501,
        fields: { Header: 'If-Match,If-None-Match' },
      });
    });

    test('a destination whose current version is a delete marker takes If-None-Match: * and refuses If-Match', async () => {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-b', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const first = await copy({});
      await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-b', Key: 'copy' }));
      await assertS3Error(copy({ IfMatch: first.CopyObjectResult?.ETag }), noSuchKey('copy'));
      const out = await copy({ IfNoneMatch: '*' });
      assert.match(out.VersionId ?? '', /^[A-Za-z0-9._]{32}$/);
    });
  });

  describe('versions', () => {
    test('names the source version of a versioned source and the new version of an enabled destination', async () => {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-b', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const v1 = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'one' }));
      const v2 = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'two' }));
      const latest = await copy({});
      assert.equal(latest.CopySourceVersionId, v2.VersionId);
      const old = await copy({ CopySource: `bucket-a/src?versionId=${v1.VersionId}` });
      assert.equal(old.CopySourceVersionId, v1.VersionId);
      assert.notEqual(old.VersionId, latest.VersionId);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket-b', Key: 'copy' }));
      assert.equal(await text(got), 'one');
      assert.equal(got.VersionId, old.VersionId);
    });

    test('a null source version is not named; a suspended destination answers the null version', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'src', Body: 'one' }));
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'bucket-b', VersioningConfiguration: { Status: 'Suspended' } }),
      );
      const out = await copy({});
      assert.equal(out.CopySourceVersionId, undefined);
      assert.equal(out.VersionId, 'null');
    });
  });
});
