/**
 * A body of at most 64 KiB with a Content-Length is read whole by the edge and stored in SQLite
 * (edge/body.ts, state/tiered-blob-store.ts); a larger one streams to a file. Both sides of the
 * limit, and the framings that reach the small path, must store exactly the bytes sent.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const md5 = (bytes: Buffer) => `"${createHash('md5').update(bytes).digest('hex')}"`;

describe('small and large bodies', () => {
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
    await createBucket(s3, 'bodies');
  });

  const roundTrip = async (bytes: Buffer, Key: string) => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'bodies', Key, Body: bytes }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bodies', Key }));
    return { put, got, back: Buffer.from((await got.Body?.transformToByteArray()) ?? []) };
  };

  for (const size of [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300 * 1024]) {
    test(`a body of ${size} bytes is stored and read back exactly, with its MD5 as ETag`, async () => {
      const bytes = randomBytes(size);
      const { put, got, back } = await roundTrip(bytes, `object-${size}`);
      assert.equal(put.ETag, md5(bytes));
      assert.equal(got.ContentLength, size);
      assert.ok(back.equals(bytes));
    });
  }

  test('a small streamed body (aws-chunked, trailing checksum) is decoded before it is stored', async () => {
    const bytes = randomBytes(20_000);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bodies',
        Key: 'streamed',
        Body: Readable.from([bytes.subarray(0, 9000), bytes.subarray(9000)]),
        ContentLength: bytes.length,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bodies', Key: 'streamed' }));
    assert.ok(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(bytes));
    assert.equal(got.ETag, md5(bytes));
  });

  test('a small body whose Content-MD5 does not match is refused with BadDigest', async () => {
    await assertS3Error(
      s3.send(
        new PutObjectCommand({
          Bucket: 'bodies',
          Key: 'bad-digest',
          Body: Buffer.from('the body'),
          ContentMD5: createHash('md5').update('another body').digest('base64'),
        }),
      ),
      {
        code: 'BadDigest',
        status: 400,
        message: 'The Content-MD5 you specified did not match what we received.',
      },
    );
  });

  test('a range of a small object is read from the bytes held in SQLite', async () => {
    const bytes = Buffer.from('0123456789abcdef');
    await s3.send(new PutObjectCommand({ Bucket: 'bodies', Key: 'ranged', Body: bytes }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bodies', Key: 'ranged', Range: 'bytes=4-9' }));
    assert.equal(await got.Body?.transformToString(), '456789');
    assert.equal(got.ContentRange, 'bytes 4-9/16');
  });
});
