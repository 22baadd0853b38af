/** `@aws-sdk/lib-storage`'s Upload, the way most Node programs send large objects to S3. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { NimbusCloud } from 'nimbus-aws';
import { type ChecksumAlgorithm, checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { bodyOf, MiB, md5Hex, multipartEtagOf, patternBytes } from './fixtures.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

/** 12 MiB and an odd tail: with lib-storage's 5 MiB parts, two full parts and a short one. */
const data = patternBytes(12 * MiB + 12_345, 21);
const partsOf = (bytes: Buffer, size: number) => {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return parts;
};

/** A COMPOSITE checksum as S3 makes it: the checksum of the parts' binary checksums, then `-N`. */
function compositeOf(algorithm: ChecksumAlgorithm, parts: readonly Buffer[]): string {
  const joined = Buffer.concat(parts.map((part) => Buffer.from(checksumOf(algorithm, part), 'base64')));
  return `${checksumOf(algorithm, joined)}-${parts.length}`;
}

/** A stream of `bytes` in 64 KiB pieces that announces no length, as a pipe or a socket does. */
function unknownLength(bytes: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
    })(),
  );
}

describe('S3 lib-storage Upload', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'upload-bucket';
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, bucket);
  });

  async function noUploadsLeft(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Uploads } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      if (!Uploads) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail('an upload is still in progress');
  }

  test('uploads a Buffer in 5 MiB parts, four at a time, into an object equal to it', async () => {
    const progress: number[] = [];
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: 'buffer',
        Body: data,
        ContentType: 'application/x-test',
        Metadata: { via: 'lib' },
      },
    });
    upload.on('httpUploadProgress', (event) => progress.push(event.part ?? 0));
    const result = await upload.done();
    const parts = partsOf(data, 5 * MiB);
    assert.equal(result.ETag, multipartEtagOf(parts));
    assert.equal(result.Bucket, bucket);
    assert.equal(result.Key, 'buffer');
    assert.equal(result.Location, `${cloud.endpoint}/${bucket}/buffer`);
    // lib-storage asks for a CRC32 upload, COMPOSITE by default, and sends each part's checksum.
    assert.equal(result.ChecksumCRC32, compositeOf('CRC32', parts));
    assert.equal(result.ChecksumType, 'COMPOSITE');
    assert.deepEqual([...new Set(progress)].sort(), [1, 2, 3]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'buffer', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(head.ContentType, 'application/x-test');
    assert.deepEqual(head.Metadata, { via: 'lib' });
    assert.equal(head.ChecksumCRC32, compositeOf('CRC32', parts));
    assert.ok((await bodyOf(s3, bucket, 'buffer')).equals(data));
    await noUploadsLeft();
  });

  test('uploads a stream of unknown length with a chosen part size and queue size', async () => {
    const upload = new Upload({
      client: s3,
      queueSize: 2,
      partSize: 6 * MiB,
      params: { Bucket: bucket, Key: 'stream', Body: unknownLength(data) },
    });
    const result = await upload.done();
    assert.equal(result.ETag, multipartEtagOf(partsOf(data, 6 * MiB)));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stream' }));
    assert.equal(got.ContentLength, data.length);
    assert.ok(
      Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).equals(
        data,
      ),
    );
    await noUploadsLeft();
  });

  test('sends a body smaller than one part as a single PutObject', async () => {
    const small = data.subarray(0, MiB + 1);
    const result = await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: 'small', Body: unknownLength(small) },
    }).done();
    assert.equal(result.ETag, `"${md5Hex(small)}"`);
    assert.ok((await bodyOf(s3, bucket, 'small')).equals(small));
  });

  test('uploads with the checksum algorithm asked for', async () => {
    const result = await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: 'sha', Body: data, ChecksumAlgorithm: 'SHA256' },
    }).done();
    assert.equal(result.ChecksumSHA256, compositeOf('SHA256', partsOf(data, 5 * MiB)));
    assert.equal(result.ChecksumType, 'COMPOSITE');
  });

  test('leaves no object and no upload behind when aborted after the first part', async () => {
    const upload = new Upload({
      client: s3,
      queueSize: 1,
      params: { Bucket: bucket, Key: 'aborted', Body: unknownLength(data) },
    });
    upload.on('httpUploadProgress', (event) => {
      if (event.part === 1) void upload.abort();
    });
    await assert.rejects(upload.done(), { name: 'AbortError', message: 'Upload aborted.' });
    await noUploadsLeft();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(listed.KeyCount, 0);
    await assertS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'aborted' })), {
      code: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
      fields: { Key: 'aborted' },
    });
  });
});
