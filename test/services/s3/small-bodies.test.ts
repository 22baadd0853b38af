/**
 * A body of at most 64 KiB with a Content-Length is read whole by the edge (edge/body.ts). Up to
 * 4 KiB it is kept in the object's own row (object-io.ts inlineBytes), up to 64 KiB in a blob row
 * in SQLite (state/tiered-blob-store.ts); a larger one streams to a file. Both sides of each
 * limit, and the framings that reach the small paths, must store exactly the bytes sent.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
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

  for (const size of [0, 1, 4096, 4097, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300 * 1024]) {
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

  const read = async (Key: string, VersionId?: string) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bodies', Key, VersionId }));
    return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
  };

  test('an object replaced across the 4 KiB row limit either way reads back as its newest bytes', async () => {
    const small = randomBytes(100);
    const large = randomBytes(5000);
    const smallAgain = randomBytes(200);
    for (const bytes of [small, large, smallAgain]) {
      await s3.send(new PutObjectCommand({ Bucket: 'bodies', Key: 'replaced', Body: bytes }));
      assert.ok((await read('replaced')).equals(bytes));
    }
  });

  test('each version keeps its own bytes, in its row or in a blob, and a copy of a small one is whole', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'bodies', VersioningConfiguration: { Status: 'Enabled' } }));
    const bodies = [randomBytes(10), randomBytes(4097), randomBytes(3000)];
    const versions: string[] = [];
    for (const bytes of bodies) {
      const put = await s3.send(new PutObjectCommand({ Bucket: 'bodies', Key: 'versioned', Body: bytes }));
      versions.push(put.VersionId as string);
    }
    for (const [index, versionId] of versions.entries()) {
      assert.ok((await read('versioned', versionId)).equals(bodies[index] as Buffer));
    }
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'bodies',
        Key: 'copied',
        CopySource: `bodies/versioned?versionId=${versions[0]}`,
      }),
    );
    assert.ok((await read('copied')).equals(bodies[0] as Buffer));
  });
});
