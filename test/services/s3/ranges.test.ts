import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { md5Hex, recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const digits = '0123456789';
const digitsCrc32 = checksumOf('CRC32', Buffer.from(digits));

const invalidRange = (size: number, range: string) => ({
  code: 'InvalidRange',
  status: 416,
  message: 'The requested range is not satisfiable',
  fields: { ActualObjectSize: String(size), RangeRequested: range },
});

describe('GetObject with Range', () => {
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
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Body: digits }));
  });

  /** test_s3_api test_get_object_range: 206 with the bytes asked for, or 200 with all of them. */
  const cases: Array<[string, number, string, string | undefined]> = [
    ['bytes=0-8', 206, '012345678', 'bytes 0-8/10'],
    ['bytes=1-1', 206, '1', 'bytes 1-1/10'],
    ['bytes=0-0', 206, '0', 'bytes 0-0/10'],
    ['bytes=1-', 206, '123456789', 'bytes 1-9/10'],
    ['bytes=9-', 206, '9', 'bytes 9-9/10'],
    ['bytes=-2', 206, '89', 'bytes 8-9/10'],
    ['bytes=-9', 206, '123456789', 'bytes 1-9/10'],
    ['bytes=-15', 206, digits, 'bytes 0-9/10'],
    ['bytes=0-100', 206, digits, 'bytes 0-9/10'],
    ['bytes=1-0', 200, digits, undefined],
    ['bytes=-1-', 200, digits, undefined],
    ['bytes=0--1', 200, digits, undefined],
    ['bytes=-', 200, digits, undefined],
    ['0-1', 200, digits, undefined],
    ['bytes=0-1,3-4,7-9', 200, digits, undefined],
    ['items=0-1', 200, digits, undefined],
  ];
  for (const [range, status, expected, contentRange] of cases) {
    test(`Range ${range} answers ${status} with ${contentRange ?? 'the whole object'}`, async () => {
      const exchanges = recordExchanges(s3);
      const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: range }));
      assert.equal(await text(out), expected);
      assert.equal(exchanges[0]?.status, status);
      assert.equal(out.ContentRange, contentRange);
      assert.equal(out.ContentLength, expected.length);
      assert.equal(out.AcceptRanges, 'bytes');
      assert.equal(out.ETag, `"${md5Hex(digits)}"`);
      assert.equal(out.ContentType, 'application/octet-stream');
    });
  }

  test('a partial range names no checksum even with ChecksumMode; one covering the object does', async () => {
    const partial = await s3.send(
      new GetObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: 'bytes=0-8', ChecksumMode: 'ENABLED' }),
    );
    assert.equal(partial.ChecksumCRC32, undefined);
    assert.equal(partial.ChecksumType, undefined);
    for (const range of ['bytes=-15', 'bytes=0-100', 'bytes=0-9', 'bytes=0-', 'bytes=1-0']) {
      const whole = await s3.send(
        new GetObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: range, ChecksumMode: 'ENABLED' }),
      );
      assert.equal(whole.ChecksumCRC32, digitsCrc32, range);
      assert.equal(whole.ChecksumType, 'FULL_OBJECT', range);
    }
  });

  for (const range of ['bytes=-0', 'bytes=100-200', 'bytes=10-', 'bytes=10-10']) {
    test(`Range ${range} is InvalidRange with the size and the range asked for`, async () => {
      await assertS3Error(
        s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: range })),
        invalidRange(10, range),
      );
    });
  }

  test('any range of an empty object is InvalidRange with size 0', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'empty', Body: '' }));
    for (const range of ['bytes=0-', 'bytes=-1', 'bytes=0-0']) {
      await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'empty', Range: range })), {
        ...invalidRange(0, range),
      });
    }
  });

  test('a failed range read changes nothing for the next write and read', async () => {
    await assertS3Error(
      s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: 'bytes=100-200' })),
      invalidRange(10, 'bytes=100-200'),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Body: 'after' }));
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: 'bytes=1-2' }));
    assert.equal(await text(out), 'ft');
  });

  test('a ranged read keeps the stored Content-Type and metadata', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'typed',
        Body: digits,
        ContentType: 'text/csv',
        Metadata: { kind: 'digits' },
      }),
    );
    const out = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'typed', Range: 'bytes=2-3' }));
    assert.equal(await text(out), '23');
    assert.equal(out.ContentType, 'text/csv');
    assert.deepEqual(out.Metadata, { kind: 'digits' });
  });

  test('a range applies to the version asked for', async () => {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const first = await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'v', Body: 'abcdef' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'v', Body: 'uvwxyz' }));
    const out = await s3.send(
      new GetObjectCommand({ Bucket: 'bucket-a', Key: 'v', VersionId: first.VersionId, Range: 'bytes=-3' }),
    );
    assert.equal(await text(out), 'def');
    assert.equal(out.VersionId, first.VersionId);
  });

  test('HEAD with a Range answers 206 with the Content-Range and length of the range', async () => {
    const exchanges = recordExchanges(s3);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'digits', Range: 'bytes=2-5' }));
    assert.equal(head.ContentRange, 'bytes 2-5/10');
    assert.equal(head.ContentLength, 4);
    assert.equal(exchanges[0]?.status, 206);
  });
});

describe('GetObject and HeadObject with PartNumber', () => {
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

  const firstPart = Buffer.alloc(5 * 1024 * 1024, 'p');
  const lastPart = Buffer.from('test content 123');
  const objectSize = firstPart.length + lastPart.length;

  async function multipartObject(key: string): Promise<void> {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'bucket-a', Key: key }));
    const parts = [];
    for (const [index, Body] of [firstPart, lastPart].entries()) {
      const { ETag } = await s3.send(
        new UploadPartCommand({ Bucket: 'bucket-a', Key: key, UploadId, PartNumber: index + 1, Body }),
      );
      parts.push({ ETag, PartNumber: index + 1 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: 'bucket-a', Key: key, UploadId, MultipartUpload: { Parts: parts } }),
    );
  }

  test('part 1 of a single-PUT object is the whole object: 206, its checksum, no PartsCount', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'test-123' }));
    const exchanges = recordExchanges(s3);
    const out = await s3.send(
      new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', PartNumber: 1, ChecksumMode: 'ENABLED' }),
    );
    assert.equal(exchanges[0]?.status, 206);
    assert.equal(await text(out), 'test-123');
    assert.equal(out.ContentRange, 'bytes 0-7/8');
    assert.equal(out.ContentLength, 8);
    assert.equal(out.PartsCount, undefined);
    assert.equal(out.ChecksumCRC32, checksumOf('CRC32', Buffer.from('test-123')));
    assert.equal(out.ChecksumType, 'FULL_OBJECT');
  });

  test('part 2 of a single-PUT object is InvalidPartNumber with a part count of 1', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'test-123' }));
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', PartNumber: 2 })), {
      code: 'InvalidPartNumber',
      status: 416,
      message: 'The requested partnumber is not satisfiable',
      fields: { ActualPartCount: '1', PartNumberRequested: '2' },
    });
  });

  test('Range and PartNumber together are InvalidRequest', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'test-123' }));
    await assertS3Error(
      s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', PartNumber: 1, Range: 'bytes=0-1' })),
      {
        code: 'InvalidRequest',
        status: 400,
        message: 'Cannot specify both Range header and partNumber query parameter',
      },
    );
  });

  test('a part of a multipart object is its byte range, with PartsCount and no whole-object checksum', async () => {
    await multipartObject('mp');
    const exchanges = recordExchanges(s3);
    const out = await s3.send(
      new GetObjectCommand({ Bucket: 'bucket-a', Key: 'mp', PartNumber: 2, ChecksumMode: 'ENABLED' }),
    );
    assert.equal(exchanges[0]?.status, 206);
    assert.equal(await text(out), 'test content 123');
    assert.equal(out.ContentRange, `bytes ${firstPart.length}-${objectSize - 1}/${objectSize}`);
    assert.equal(out.ContentLength, 16);
    assert.equal(out.PartsCount, 2);
    assert.equal(out.ChecksumCRC64NVME, undefined);
    assert.equal(out.ChecksumType, undefined);
    assert.match(out.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
  });

  test('part 10 of a two-part object is InvalidPartNumber with a part count of 2', async () => {
    await multipartObject('mp');
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'mp', PartNumber: 10 })), {
      code: 'InvalidPartNumber',
      status: 416,
      message: 'The requested partnumber is not satisfiable',
      fields: { ActualPartCount: '2', PartNumberRequested: '10' },
    });
  });

  test('a range across the parts of a multipart object reads from both', async () => {
    await multipartObject('mp');
    const start = firstPart.length - 3;
    const out = await s3.send(
      new GetObjectCommand({ Bucket: 'bucket-a', Key: 'mp', Range: `bytes=${start}-${start + 6}` }),
    );
    assert.equal(await text(out), 'ppptest');
    assert.equal(out.ContentRange, `bytes ${start}-${start + 6}/${objectSize}`);
  });

  test('HEAD of a part names its range and the parts count', async () => {
    await multipartObject('mp');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'mp', PartNumber: 1 }));
    assert.equal(head.ContentLength, firstPart.length);
    assert.equal(head.ContentRange, `bytes 0-${firstPart.length - 1}/${objectSize}`);
    assert.equal(head.PartsCount, 2);
  });

  test('HEAD of a part answers 206', async () => {
    await multipartObject('mp');
    const exchanges = recordExchanges(s3);
    await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'mp', PartNumber: 2 }));
    assert.equal(exchanges[0]?.status, 206);
  });
});
