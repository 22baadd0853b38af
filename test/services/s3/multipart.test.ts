import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { type NimbusCloud, startNimbus } from 'nimbus-aws';
import { checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { bodyOf, completeUpload, MiB, md5Hex, multipartEtagOf, patternBytes, uploadParts } from './fixtures.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const noSuchUploadMessage =
  'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';
const invalidPartMessage =
  "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.";

/** 12 MiB and an odd tail, in parts of 5 MiB, 5 MiB and 2 MiB + 7 bytes. */
const whole = patternBytes(12 * MiB + 7, 7);
const threeParts = [whole.subarray(0, 5 * MiB), whole.subarray(5 * MiB, 10 * MiB), whole.subarray(10 * MiB)];

describe('S3 multipart upload', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'multipart-bucket';
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, bucket);
  });

  const create = async (
    key: string,
    extra: Partial<ConstructorParameters<typeof CreateMultipartUploadCommand>[0]> = {},
  ) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...extra }))).UploadId as string;
  const uploadPart = (key: string, uploadId: string, partNumber: number, body: Uint8Array | string) =>
    s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }),
    );

  describe('CreateMultipartUpload', () => {
    test('answers an upload id for the bucket and key, with no checksum algorithm unless asked', async () => {
      const output = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big' }));
      assert.equal(output.Bucket, bucket);
      assert.equal(output.Key, 'big');
      assert.match(output.UploadId ?? '', /^[A-Za-z0-9._-]{32,}$/);
      assert.equal(output.ServerSideEncryption, 'AES256');
      assert.equal(output.ChecksumAlgorithm, undefined);
      assert.equal(output.ChecksumType, undefined);
      const second = await create('big');
      assert.notEqual(second, output.UploadId);
    });

    test('answers NoSuchBucket for a bucket that does not exist', async () => {
      await assertS3Error(s3.send(new CreateMultipartUploadCommand({ Bucket: 'no-such-bucket', Key: 'k' })), {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-bucket' },
      });
    });
  });

  describe('UploadPart', () => {
    test('answers the quoted MD5 of the part as its ETag', async () => {
      const uploadId = await create('key');
      const output = await uploadPart('key', uploadId, 1, 'data');
      assert.equal(output.ETag, '"8d777f385d3dfec8815d20f7496026dc"');
      assert.equal(output.ServerSideEncryption, 'AES256');
      // The SDK sends a CRC32 of every part by default; S3 echoes it.
      assert.equal(output.ChecksumCRC32, 'rfPzYw==');
    });

    test('takes a streamed part, sent aws-chunked with a trailing checksum', async () => {
      const part = patternBytes(5 * MiB + 99, 4);
      const uploadId = await create('streamed');
      const body = Readable.from(
        (function* () {
          for (let at = 0; at < part.length; at += 256 * 1024) yield part.subarray(at, at + 256 * 1024);
        })(),
      );
      const output = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'streamed',
          UploadId: uploadId,
          PartNumber: 1,
          Body: body,
          ContentLength: part.length,
        }),
      );
      assert.equal(output.ETag, `"${md5Hex(part)}"`);
      assert.equal(output.ChecksumCRC32, checksumOf('CRC32', part));
      const done = await completeUpload(s3, bucket, 'streamed', uploadId, [{ PartNumber: 1, ETag: output.ETag }]);
      assert.equal(done.ChecksumCRC64NVME, checksumOf('CRC64NVME', part));
      assert.ok((await bodyOf(s3, bucket, 'streamed')).equals(part));
    });

    test('answers InvalidArgument for a part number outside 1 to 10,000', async () => {
      const uploadId = await create('key');
      for (const partNumber of [-1, 0, 10001]) {
        await assertS3Error(uploadPart('key', uploadId, partNumber, 'data'), {
          code: 'InvalidArgument',
          status: 400,
          message: 'Part number must be an integer between 1 and 10000, inclusive',
          fields: { ArgumentName: 'partNumber', ArgumentValue: String(partNumber) },
        });
      }
      const highest = await uploadPart('key', uploadId, 10000, 'data');
      assert.equal(highest.ETag, '"8d777f385d3dfec8815d20f7496026dc"');
    });

    test('answers NoSuchUpload for an unknown upload id and for another key', async () => {
      await assertS3Error(uploadPart('key', 'fakeid', 1, 'data'), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: 'fakeid' },
      });
      const uploadId = await create('key');
      await assertS3Error(uploadPart('other-key', uploadId, 1, 'data'), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
    });

    test('answers BadDigest, with the expected digest in base64, for a Content-MD5 that does not match', async () => {
      const uploadId = await create('key');
      const wrong = Buffer.from(md5Hex(Buffer.from('other')), 'hex').toString('base64');
      await assertS3Error(
        s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: 'key',
            UploadId: uploadId,
            PartNumber: 1,
            Body: 'data',
            ContentMD5: wrong,
          }),
        ),
        {
          code: 'BadDigest',
          status: 400,
          message: 'The Content-MD5 you specified did not match what we received.',
          fields: {
            ExpectedDigest: wrong,
            CalculatedDigest: Buffer.from('8d777f385d3dfec8815d20f7496026dc', 'hex').toString('base64'),
          },
        },
      );
    });

    test('replaces a part uploaded again under the same number', async () => {
      const first = patternBytes(5 * MiB, 1);
      const second = patternBytes(5 * MiB + 3, 2);
      const tail = Buffer.from('tail');
      const uploadId = await create('key');
      const old = await uploadPart('key', uploadId, 1, first);
      const replaced = await uploadPart('key', uploadId, 1, second);
      const last = await uploadPart('key', uploadId, 2, tail);
      assert.equal(replaced.ETag, `"${md5Hex(second)}"`);
      const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'key', UploadId: uploadId }));
      assert.deepEqual(
        parts.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size]),
        [
          [1, replaced.ETag, second.length],
          [2, last.ETag, 4],
        ],
      );
      await assertS3Error(
        completeUpload(s3, bucket, 'key', uploadId, [
          { PartNumber: 1, ETag: old.ETag },
          { PartNumber: 2, ETag: last.ETag },
        ]),
        {
          code: 'InvalidPart',
          status: 400,
          message: invalidPartMessage,
          fields: { ETag: md5Hex(first), PartNumber: '1', UploadId: uploadId },
        },
      );
      await completeUpload(s3, bucket, 'key', uploadId, [
        { PartNumber: 1, ETag: replaced.ETag },
        { PartNumber: 2, ETag: last.ETag },
      ]);
      assert.ok((await bodyOf(s3, bucket, 'key')).equals(Buffer.concat([second, tail])));
    });
  });

  describe('UploadPartCopy', () => {
    test('copies byte ranges of an object into parts that join back into the object', async () => {
      const source = patternBytes(6 * MiB + 11, 3);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source', Body: source }));
      const uploadId = await create('copy');
      const first = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'copy',
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: `${bucket}/source`,
          CopySourceRange: `bytes=0-${5 * MiB - 1}`,
        }),
      );
      assert.equal(first.CopyPartResult?.ETag, `"${md5Hex(source.subarray(0, 5 * MiB))}"`);
      assert.ok(first.CopyPartResult?.LastModified instanceof Date);
      const second = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'copy',
          UploadId: uploadId,
          PartNumber: 2,
          CopySource: `${bucket}/source`,
          CopySourceRange: `bytes=${5 * MiB}-${source.length - 1}`,
        }),
      );
      assert.equal(second.CopyPartResult?.ETag, `"${md5Hex(source.subarray(5 * MiB))}"`);
      const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'copy', UploadId: uploadId }));
      assert.deepEqual(
        parts.Parts?.map((part) => part.Size),
        [5 * MiB, MiB + 11],
      );
      const done = await completeUpload(s3, bucket, 'copy', uploadId, [
        { PartNumber: 1, ETag: first.CopyPartResult?.ETag },
        { PartNumber: 2, ETag: second.CopyPartResult?.ETag },
      ]);
      assert.equal(done.ETag, multipartEtagOf([source.subarray(0, 5 * MiB), source.subarray(5 * MiB)]));
      assert.equal(done.ChecksumCRC64NVME, checksumOf('CRC64NVME', source));
      assert.ok((await bodyOf(s3, bucket, 'copy')).equals(source));
    });

    test('copies a whole object into a part without a range', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source', Body: 'this is a part' }));
      const uploadId = await create('copy');
      const copied = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'copy',
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: `${bucket}/source`,
        }),
      );
      // AWS's recorded ETag of this part (test_multipart_upload_part_copy_checksum).
      assert.equal(copied.CopyPartResult?.ETag, '"11df95d595559285eb2b042124e74f09"');
      assert.equal(copied.ServerSideEncryption, 'AES256');
      const done = await completeUpload(s3, bucket, 'copy', uploadId, [
        { PartNumber: 1, ETag: copied.CopyPartResult?.ETag },
      ]);
      assert.equal(done.ETag, '"395d97c07920de036bfa21e7568a2e9f-1"');
      assert.equal((await bodyOf(s3, bucket, 'copy')).toString(), 'this is a part');
    });

    test('answers the part checksum in the upload algorithm', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source', Body: 'this is a part' }));
      const uploadId = await create('copy', { ChecksumAlgorithm: 'CRC32C' });
      const copied = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'copy',
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: `${bucket}/source`,
        }),
      );
      assert.equal(copied.CopyPartResult?.ChecksumCRC32C, 'iqJrOQ==');
      const done = await completeUpload(s3, bucket, 'copy', uploadId, [
        { PartNumber: 1, ETag: copied.CopyPartResult?.ETag, ChecksumCRC32C: 'iqJrOQ==' },
      ]);
      assert.equal(done.ChecksumCRC32C, 'F9bAnw==-1');
    });

    test('answers NoSuchUpload for an upload of another key', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source', Body: 'x' }));
      const uploadId = await create('copy');
      await assertS3Error(
        s3.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: 'other',
            UploadId: uploadId,
            PartNumber: 1,
            CopySource: `${bucket}/source`,
          }),
        ),
        { code: 'NoSuchUpload', status: 404, message: noSuchUploadMessage, fields: { UploadId: uploadId } },
      );
    });
  });

  describe('CompleteMultipartUpload', () => {
    test('joins the parts into an object equal to the uploaded bytes, with an ETag of MD5s and -N', async () => {
      const uploadId = await create('big', { ContentType: 'application/x-test', Metadata: { origin: 'parts' } });
      const completed = [];
      for (const [index, part] of threeParts.entries()) {
        const { ETag } = await uploadPart('big', uploadId, index + 1, part);
        completed.push({ PartNumber: index + 1, ETag });
      }
      const output = await completeUpload(s3, bucket, 'big', uploadId, completed);
      const etag = multipartEtagOf(threeParts);
      assert.equal(output.ETag, etag);
      assert.equal(output.Bucket, bucket);
      assert.equal(output.Key, 'big');
      assert.equal(output.ServerSideEncryption, 'AES256');
      assert.equal(output.VersionId, undefined);
      assert.equal(output.Location, `${cloud.endpoint}/${bucket}/big`);
      // An upload without an algorithm still ends with a CRC64NVME of the whole object.
      assert.equal(output.ChecksumCRC64NVME, checksumOf('CRC64NVME', whole));
      assert.equal(output.ChecksumType, 'FULL_OBJECT');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big' }));
      assert.equal(head.ContentLength, whole.length);
      assert.equal(head.ETag, etag);
      assert.equal(head.ContentType, 'application/x-test');
      assert.deepEqual(head.Metadata, { origin: 'parts' });
      // The SDK checks the FULL_OBJECT checksum of what it reads against the answer's.
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big', ChecksumMode: 'ENABLED' }));
      assert.equal(got.ChecksumCRC64NVME, checksumOf('CRC64NVME', whole));
      assert.ok(
        Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).equals(
          whole,
        ),
      );
    });

    test('answers PartsCount only to a read of one part', async () => {
      const { uploadId, completed } = await uploadParts(s3, bucket, 'parts', threeParts);
      await completeUpload(s3, bucket, 'parts', uploadId, completed);
      const whole = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'parts' }));
      assert.equal(whole.PartsCount, undefined);
      const part = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'parts', PartNumber: 3 }));
      assert.equal(part.PartsCount, 3);
      assert.equal(part.ContentLength, 2 * MiB + 7);
    });

    test('gives the ETag and checksum AWS recorded for its three parts of a', async () => {
      const parts = [Buffer.alloc(5242881, 'a'), Buffer.alloc(5242881, 'a'), Buffer.alloc(10, 'a')];
      const { uploadId, completed } = await uploadParts(s3, bucket, 'aaa', parts);
      const output = await completeUpload(s3, bucket, 'aaa', uploadId, completed);
      assert.equal(output.ETag, '"4d45984fc3feb2ac9b22683c49674b56-3"');
      assert.equal(output.ChecksumCRC64NVME, 'ZMNX55lZurA=');
    });

    test('accepts part numbers with gaps and a single small part', async () => {
      const uploadId = await create('gaps');
      const two = await uploadPart('gaps', uploadId, 2, threeParts[0] as Buffer);
      const four = await uploadPart('gaps', uploadId, 4, 'end');
      const output = await completeUpload(s3, bucket, 'gaps', uploadId, [
        { PartNumber: 2, ETag: two.ETag },
        { PartNumber: 4, ETag: four.ETag },
      ]);
      assert.equal(output.ETag, multipartEtagOf([threeParts[0] as Buffer, Buffer.from('end')]));
      const single = await create('single');
      const only = await uploadPart('single', single, 1, 'tiny');
      const done = await completeUpload(s3, bucket, 'single', single, [{ PartNumber: 1, ETag: only.ETag }]);
      assert.equal(done.ETag, multipartEtagOf([Buffer.from('tiny')]));
      assert.equal((await bodyOf(s3, bucket, 'single')).toString(), 'tiny');
    });

    test('leaves out the parts a Complete does not name', async () => {
      const uploadId = await create('key');
      const one = await uploadPart('key', uploadId, 1, 'first');
      await uploadPart('key', uploadId, 2, 'second');
      await completeUpload(s3, bucket, 'key', uploadId, [{ PartNumber: 1, ETag: one.ETag }]);
      assert.equal((await bodyOf(s3, bucket, 'key')).toString(), 'first');
    });

    test('answers EntityTooSmall, with AWS fields, for a part under 5 MiB that is not the last', async () => {
      const uploadId = await create('key');
      const one = await uploadPart('key', uploadId, 1, 'data');
      const two = await uploadPart('key', uploadId, 2, 'data');
      await assertS3Error(
        completeUpload(s3, bucket, 'key', uploadId, [
          { PartNumber: 1, ETag: one.ETag },
          { PartNumber: 2, ETag: two.ETag },
        ]),
        {
          code: 'EntityTooSmall',
          status: 400,
          message: 'Your proposed upload is smaller than the minimum allowed size',
          fields: {
            ETag: '8d777f385d3dfec8815d20f7496026dc',
            MinSizeAllowed: '5242880',
            PartNumber: '1',
            ProposedSize: '4',
          },
        },
      );
    });

    test('answers InvalidRequest for a Complete that names no part', async () => {
      const uploadId = await create('key');
      await uploadPart('key', uploadId, 1, 'data');
      await assertS3Error(completeUpload(s3, bucket, 'key', uploadId, []), {
        code: 'InvalidRequest',
        status: 400,
        message: 'You must specify at least one part',
      });
    });

    test('answers InvalidPart for a part never uploaded and for an ETag that does not match', async () => {
      const uploadId = await create('key');
      const one = await uploadPart('key', uploadId, 1, 'data');
      await assertS3Error(completeUpload(s3, bucket, 'key', uploadId, [{ PartNumber: 2, ETag: one.ETag }]), {
        code: 'InvalidPart',
        status: 400,
        message: invalidPartMessage,
        fields: { ETag: '8d777f385d3dfec8815d20f7496026dc', PartNumber: '2', UploadId: uploadId },
      });
      await assertS3Error(
        completeUpload(s3, bucket, 'key', uploadId, [{ PartNumber: 1, ETag: '"d41d8cd98f00b204e9800998ecf8427e"' }]),
        {
          code: 'InvalidPart',
          status: 400,
          message: invalidPartMessage,
          fields: { ETag: 'd41d8cd98f00b204e9800998ecf8427e', PartNumber: '1', UploadId: uploadId },
        },
      );
    });

    test('answers InvalidPartOrder for parts out of order or repeated', async () => {
      const uploadId = await create('key');
      const one = await uploadPart('key', uploadId, 1, threeParts[0] as Buffer);
      const two = await uploadPart('key', uploadId, 2, 'data');
      for (const parts of [
        [
          { PartNumber: 2, ETag: two.ETag },
          { PartNumber: 1, ETag: one.ETag },
        ],
        [
          { PartNumber: 1, ETag: one.ETag },
          { PartNumber: 1, ETag: one.ETag },
        ],
      ]) {
        await assertS3Error(completeUpload(s3, bucket, 'key', uploadId, parts), {
          code: 'InvalidPartOrder',
          status: 400,
          message: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
          fields: { UploadId: uploadId },
        });
      }
    });

    test('answers NoSuchUpload for an unknown upload id and for another key', async () => {
      await assertS3Error(completeUpload(s3, bucket, 'key', 'fakeid', [{ PartNumber: 1, ETag: '"x"' }]), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: 'fakeid' },
      });
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [Buffer.from('data')]);
      await assertS3Error(completeUpload(s3, bucket, 'other', uploadId, completed), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
    });

    test('answers InvalidRequest when x-amz-mp-object-size is not the size of the parts', async () => {
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [Buffer.from('data')]);
      const send = (size: number) =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: 'key',
            UploadId: uploadId,
            MultipartUpload: { Parts: completed },
            MpuObjectSize: size,
          }),
        );
      await assertS3Error(send(5), {
        code: 'InvalidRequest',
        status: 400,
        message: "The provided 'x-amz-mp-object-size' header value 5 does not match what was computed: 4",
      });
      const done = await send(4);
      assert.equal(done.ETag, multipartEtagOf([Buffer.from('data')]));
    });

    test('answers a Complete retried with the same parts as it did the first, and NoSuchUpload otherwise', async () => {
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [Buffer.from('data')]);
      const first = await completeUpload(s3, bucket, 'key', uploadId, completed);
      const again = await completeUpload(s3, bucket, 'key', uploadId, completed);
      assert.equal(again.ETag, first.ETag);
      assert.equal(again.Location, first.Location);
      assert.equal(again.ChecksumCRC64NVME, first.ChecksumCRC64NVME);
      await assertS3Error(completeUpload(s3, bucket, 'key', uploadId, [{ PartNumber: 2, ETag: completed[0]?.ETag }]), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
      await assertS3Error(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'key', UploadId: uploadId })), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
      await assertS3Error(uploadPart('key', uploadId, 2, 'more'), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
      assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads, undefined);
    });

    test('replaces an existing object and answers a version id in a versioned bucket', async () => {
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'key', Body: 'single put' }));
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [Buffer.from('multipart')]);
      const done = await completeUpload(s3, bucket, 'key', uploadId, completed);
      assert.match(done.VersionId ?? '', /^[A-Za-z0-9._]{32}$/);
      assert.notEqual(done.VersionId, put.VersionId);
      assert.equal((await bodyOf(s3, bucket, 'key')).toString(), 'multipart');
      const older = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'key', VersionId: put.VersionId }));
      assert.equal(await older.Body?.transformToString(), 'single put');
    });

    test('honours If-None-Match: * and If-Match as PutObject does', async () => {
      const send = (
        key: string,
        uploadId: string,
        parts: CompletedPart[],
        conditions: { IfMatch?: string; IfNoneMatch?: string },
      ) =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
            ...conditions,
          }),
        );
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'taken', Body: 'there' }));
      const taken = await uploadParts(s3, bucket, 'taken', [Buffer.from('data')]);
      await assertS3Error(send('taken', taken.uploadId, taken.completed, { IfNoneMatch: '*' }), {
        code: 'PreconditionFailed',
        status: 412,
        message: 'At least one of the pre-conditions you specified did not hold',
        fields: { Condition: 'If-None-Match' },
      });
      await assertS3Error(
        send('taken', taken.uploadId, taken.completed, { IfMatch: '"0123456789abcdef0123456789abcdef"' }),
        {
          code: 'PreconditionFailed',
          status: 412,
          message: 'At least one of the pre-conditions you specified did not hold',
          fields: { Condition: 'If-Match' },
        },
      );
      const matched = await send('taken', taken.uploadId, taken.completed, { IfMatch: put.ETag });
      assert.equal(matched.ETag, multipartEtagOf([Buffer.from('data')]));
      const fresh = await uploadParts(s3, bucket, 'fresh', [Buffer.from('data')]);
      await assertS3Error(send('fresh', fresh.uploadId, fresh.completed, { IfMatch: put.ETag }), {
        code: 'NoSuchKey',
        status: 404,
        message: 'The specified key does not exist.',
        fields: { Key: 'fresh' },
      });
      const created = await send('fresh', fresh.uploadId, fresh.completed, { IfNoneMatch: '*' });
      assert.equal(created.ETag, multipartEtagOf([Buffer.from('data')]));
    });

    test('answers ConditionalRequestConflict when the key was written after the upload began', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'key', Body: 'first' }));
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [Buffer.from('data')]);
      cloud.clock.advance(1);
      const rewritten = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'key', Body: 'first' }));
      assert.equal(rewritten.ETag, put.ETag);
      await assertS3Error(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: 'key',
            UploadId: uploadId,
            MultipartUpload: { Parts: completed },
            IfMatch: put.ETag,
          }),
        ),
        {
          code: 'ConditionalRequestConflict',
          status: 409,
          message: 'The conditional request cannot succeed due to a conflicting operation against this resource.',
          fields: { Condition: 'If-Match', Key: 'key' },
        },
      );
    });

    test('answers a Location with the key URL-encoded', async () => {
      const key = 'test-unicode_—_file';
      const { uploadId, completed } = await uploadParts(s3, bucket, key, [Buffer.from('data')]);
      const done = await completeUpload(s3, bucket, key, uploadId, completed);
      assert.equal(done.Key, key);
      assert.equal(done.Location, `${cloud.endpoint}/${bucket}/test-unicode_%E2%80%94_file`);
    });

    test('answers a Location in the virtual-host style the client used', async () => {
      const virtual = s3For(cloud, { virtualHost: true });
      const { uploadId, completed } = await uploadParts(virtual, bucket, 'dir/file', [Buffer.from('data')]);
      const done = await completeUpload(virtual, bucket, 'dir/file', uploadId, completed);
      assert.equal(done.Location, `http://${bucket}.s3.localhost:${cloud.port}/dir%2Ffile`);
    });
  });

  describe('AbortMultipartUpload', () => {
    test('answers 204 and leaves no object, no upload and no parts', async () => {
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [threeParts[0] as Buffer, Buffer.from('x')]);
      const output = await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'key', UploadId: uploadId }));
      assert.equal(output.$metadata.httpStatusCode, 204);
      await assertS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'key' })), {
        code: 'NoSuchKey',
        status: 404,
        message: 'The specified key does not exist.',
        fields: { Key: 'key' },
      });
      assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads, undefined);
      for (const attempt of [
        () => s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'key', UploadId: uploadId })),
        () => completeUpload(s3, bucket, 'key', uploadId, completed),
        () => uploadPart('key', uploadId, 3, 'late'),
        () => s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'key', UploadId: uploadId })),
      ]) {
        await assertS3Error(attempt(), {
          code: 'NoSuchUpload',
          status: 404,
          message: noSuchUploadMessage,
          fields: { UploadId: uploadId },
        });
      }
    });

    test('answers NoSuchUpload for an unknown upload id and for another key', async () => {
      await assertS3Error(
        s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'key', UploadId: 'fakeid' })),
        {
          code: 'NoSuchUpload',
          status: 404,
          message: noSuchUploadMessage,
          fields: { UploadId: 'fakeid' },
        },
      );
      const uploadId = await create('key');
      await assertS3Error(
        s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'other', UploadId: uploadId })),
        {
          code: 'NoSuchUpload',
          status: 404,
          message: noSuchUploadMessage,
          fields: { UploadId: uploadId },
        },
      );
    });
  });
});

describe('S3 multipart parts on disk', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let dataDir: string;
  const bucket = 'disk-bucket';
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nimbus-multipart-'));
    cloud = await startNimbus({ port: 0, ephemeral: false, dataDir, durability: 'normal' });
    s3 = s3For(cloud);
    await createBucket(s3, bucket);
  });
  after(async () => {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The sizes of the blob files under the data directory, smallest first. */
  function blobSizes(): number[] {
    const root = join(dataDir, 'blobs');
    const sizes: number[] = [];
    for (const shard of readdirSync(root)) {
      for (const name of readdirSync(join(root, shard))) {
        if (/^[0-9a-f]{32}$/.test(name)) sizes.push(statSync(join(root, shard, name)).size);
      }
    }
    return sizes.sort((a, b) => a - b);
  }

  async function settles(expected: number[]): Promise<void> {
    for (let attempt = 0; attempt < 50 && JSON.stringify(blobSizes()) !== JSON.stringify(expected); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(blobSizes(), expected);
  }

  test('keeps each part of over 64 KiB in a file of its own, joins them without a copy, and deletes aborted ones', async () => {
    // Blobs of 64 KiB or less live in SQLite (state/tiered-blob-store.ts); these are all larger.
    const big = patternBytes(5 * MiB, 9);
    const tail = patternBytes(100_000, 10);
    const { uploadId, completed } = await uploadParts(s3, bucket, 'kept', [big, tail]);
    assert.deepEqual(blobSizes(), [100_000, 5 * MiB]);
    await completeUpload(s3, bucket, 'kept', uploadId, completed);
    assert.deepEqual(blobSizes(), [100_000, 5 * MiB]);
    assert.ok((await bodyOf(s3, bucket, 'kept')).equals(Buffer.concat([big, tail])));
    const aborted = await uploadParts(s3, bucket, 'dropped', [patternBytes(70_000), patternBytes(80_000)]);
    assert.deepEqual(blobSizes(), [70_000, 80_000, 100_000, 5 * MiB]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'dropped', UploadId: aborted.uploadId }));
    await settles([100_000, 5 * MiB]);
    const again = await uploadParts(s3, bucket, 'again', [patternBytes(90_000)]);
    await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'again',
        UploadId: again.uploadId,
        PartNumber: 1,
        Body: patternBytes(95_000),
      }),
    );
    await settles([95_000, 100_000, 5 * MiB]);
  });
});
