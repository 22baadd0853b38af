/**
 * Checksums of multipart uploads. The bodies are AWS's recorded ones (two parts of 5,242,881
 * `a` and one of 10, test_s3.snapshot.json TestS3MultipartUploadChecksum), so every checksum
 * below is the value AWS answered.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type ChecksumAlgorithm,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { plainS3 } from './object-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const big = Buffer.alloc(5242881, 'a');
const small = Buffer.alloc(10, 'a');
const bodies = [big, big, small];
const etag = '"4d45984fc3feb2ac9b22683c49674b56-3"';
const partEtags = [
  '"c4c753e69bb853187f5854c46cf801c6"',
  '"c4c753e69bb853187f5854c46cf801c6"',
  '"e09c80c42fda55f9d992e59ca6b3307d"',
];

/** AWS's part checksums of `bodies`, and the object's checksum by type. */
const recorded: Record<string, { parts: string[]; composite?: string; full?: string }> = {
  CRC32: { parts: ['NRU+Sw==', 'NRU+Sw==', 'TBHN8A=='], composite: '5FRUiw==-3', full: 'qSEQSA==' },
  CRC32C: { parts: ['2/Ckiw==', '2/Ckiw==', '5yZkMA=='], composite: 'XF5+4A==-3', full: 'eTdAQA==' },
  CRC64NVME: { parts: ['Kg7TOs6algM=', 'Kg7TOs6algM=', 'DBqAA21lxVU='], full: 'ZMNX55lZurA=' },
  SHA1: {
    parts: ['bH71WIZUKQtUwR2wKSSkFjCRBPM=', 'bH71WIZUKQtUwR2wKSSkFjCRBPM=', 'NJX/adNGcdHhWzOmPBN5/e3Toyo='],
    composite: 'AyE60nyQoBgJcwsyPHWu7aJuxBs=-3',
  },
  SHA256: {
    parts: [
      'DjU70AB1bON8k0n0fVHv2PJQVWcA/jWsITp6ti20Tbs=',
      'DjU70AB1bON8k0n0fVHv2PJQVWcA/jWsITp6ti20Tbs=',
      'vyy1imj2hNlaO3jvj2Ycmk5bCegsyPnMiMzpBSjK6yc=',
    ],
    composite: '9o++y6AejqboiJ7MZCx0fahK2Vu5YC/qnNhhYsCLciI=-3',
  },
};

type Fields = Record<string, unknown>;
const field = (output: unknown, name: string) => (output as Fields)[name];

describe('S3 multipart checksums', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let plain: S3Client;
  const bucket = 'checksum-bucket';
  const key = 'test-multipart-checksum';
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
    plain = plainS3(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, bucket);
  });

  const create = (input: { ChecksumAlgorithm?: ChecksumAlgorithm; ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT' }) =>
    s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...input }));

  /** Uploads `bodies` as parts 1-3 in `algorithm` and answers what each part's Complete entry needs. */
  async function uploadAll(uploadId: string, algorithm: ChecksumAlgorithm, client = s3): Promise<CompletedPart[]> {
    const parts: CompletedPart[] = [];
    for (const [index, body] of bodies.entries()) {
      const output = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: index + 1,
          Body: body,
          ChecksumAlgorithm: algorithm,
        }),
      );
      assert.equal(output.ETag, partEtags[index]);
      assert.equal(field(output, `Checksum${algorithm}`), recorded[algorithm]?.parts[index], `part ${index + 1}`);
      parts.push({
        PartNumber: index + 1,
        ETag: output.ETag,
        [`Checksum${algorithm}`]: field(output, `Checksum${algorithm}`),
      });
    }
    return parts;
  }

  const complete = (uploadId: string, parts: CompletedPart[], extra: Fields = {}) =>
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...extra,
      }),
    );

  describe('CreateMultipartUpload', () => {
    test('defaults the checksum type to COMPOSITE, and to FULL_OBJECT for CRC64NVME', async () => {
      for (const [algorithm, type] of [
        ['CRC32', 'COMPOSITE'],
        ['CRC32C', 'COMPOSITE'],
        ['SHA1', 'COMPOSITE'],
        ['SHA256', 'COMPOSITE'],
        ['CRC64NVME', 'FULL_OBJECT'],
      ] as const) {
        const output = await create({ ChecksumAlgorithm: algorithm });
        assert.equal(output.ChecksumAlgorithm, algorithm);
        assert.equal(output.ChecksumType, type, algorithm);
      }
    });

    test('takes FULL_OBJECT for the CRC algorithms and COMPOSITE for all but CRC64NVME', async () => {
      for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
        const output = await create({ ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' });
        assert.equal(output.ChecksumType, 'FULL_OBJECT', algorithm);
      }
      for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
        const output = await create({ ChecksumAlgorithm: algorithm, ChecksumType: 'COMPOSITE' });
        assert.equal(output.ChecksumType, 'COMPOSITE', algorithm);
      }
    });

    test('answers InvalidRequest for COMPOSITE with CRC64NVME and FULL_OBJECT with a SHA', async () => {
      await assertS3Error(create({ ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' }), {
        code: 'InvalidRequest',
        status: 400,
        message: 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.',
      });
      for (const algorithm of ['SHA1', 'SHA256'] as const) {
        await assertS3Error(create({ ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' }), {
          code: 'InvalidRequest',
          status: 400,
          message: `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
        });
      }
    });

    test('answers InvalidRequest for a checksum type without an algorithm', async () => {
      await assertS3Error(create({ ChecksumType: 'COMPOSITE' }), {
        code: 'InvalidRequest',
        status: 400,
        message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
      });
    });

    test('answers InvalidRequest for an algorithm S3 does not support', async () => {
      await assertS3Error(create({ ChecksumAlgorithm: 'SHA512' }), {
        code: 'InvalidRequest',
        status: 400,
        message:
          'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
      });
    });
  });

  describe('UploadPart', () => {
    test('answers InvalidRequest for a part checksum in another algorithm than the upload', async () => {
      const { UploadId } = await create({ ChecksumAlgorithm: 'SHA256' });
      await assertS3Error(
        s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: 1,
            Body: 'abc',
            ChecksumAlgorithm: 'CRC32',
          }),
        ),
        {
          code: 'InvalidRequest',
          status: 400,
          message: 'Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32',
        },
      );
    });

    test('computes the checksum of a part sent without one in the upload algorithm', async () => {
      const { UploadId } = await create({ ChecksumAlgorithm: 'CRC32' });
      const output = await plain.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'abc' }),
      );
      // AWS's recorded answer for `abc` (test_multipart_parts_checksum_exceptions_composite).
      assert.equal(output.ChecksumCRC32, 'NSRBwg==');
      assert.equal(output.ETag, '"900150983cd24fb0d6963f7d28e17f72"');
    });

    test('answers BadDigest for a part checksum that does not match the bytes', async () => {
      const { UploadId } = await create({ ChecksumAlgorithm: 'CRC32' });
      await assertS3Error(
        plain.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: 1,
            Body: 'abc',
            ChecksumCRC32: 'AAAAAA==',
          }),
        ),
        { code: 'BadDigest', status: 400, message: 'The CRC32 you specified did not match the calculated checksum.' },
      );
    });
  });

  describe('COMPOSITE', () => {
    for (const algorithm of ['CRC32', 'SHA256'] as const) {
      test(`makes the ${algorithm} of the part checksums, then -3, the object checksum`, async () => {
        const { UploadId } = await create({ ChecksumAlgorithm: algorithm });
        const parts = await uploadAll(UploadId as string, algorithm);
        const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
        assert.equal(listed.ChecksumAlgorithm, algorithm);
        assert.equal(listed.ChecksumType, 'COMPOSITE');
        assert.deepEqual(
          listed.Parts?.map((part) => field(part, `Checksum${algorithm}`)),
          recorded[algorithm]?.parts,
        );
        const output = await complete(UploadId as string, parts);
        assert.equal(output.ETag, etag);
        assert.equal(field(output, `Checksum${algorithm}`), recorded[algorithm]?.composite);
        assert.equal(output.ChecksumType, 'COMPOSITE');
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        assert.equal(field(head, `Checksum${algorithm}`), recorded[algorithm]?.composite);
        assert.equal(head.ChecksumType, 'COMPOSITE');
        assert.equal(head.ContentLength, 10485772);
      });
    }

    test('gives the SHA1 composite AWS recorded', async () => {
      const { UploadId } = await create({ ChecksumAlgorithm: 'SHA1' });
      const output = await complete(UploadId as string, await uploadAll(UploadId as string, 'SHA1'));
      assert.equal(output.ChecksumSHA1, recorded.SHA1?.composite);
    });

    test('refuses a Complete whose parts lack checksums, name another algorithm, do not match, or change the mode', async () => {
      const { UploadId } = await create({ ChecksumAlgorithm: 'CRC32' });
      const uploadId = UploadId as string;
      const parts = await uploadAll(uploadId, 'CRC32');
      await assertS3Error(
        complete(
          uploadId,
          parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })),
        ),
        {
          code: 'InvalidRequest',
          status: 400,
          message:
            'The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.',
        },
      );
      await assertS3Error(
        complete(uploadId, [
          { PartNumber: 1, ETag: parts[0]?.ETag, ChecksumSHA256: 'DjU70AB1bON8k0n0fVHv2PJQVWcA/jWsITp6ti20Tbs=' },
        ]),
        {
          code: 'BadDigest',
          status: 400,
          message: 'The sha256 you specified for part 1 did not match what we received.',
        },
      );
      await assertS3Error(complete(uploadId, [parts[0] as CompletedPart, { ...parts[1], ChecksumCRC32: 'TBHN8A==' }]), {
        code: 'InvalidPart',
        status: 400,
        fields: { ETag: 'c4c753e69bb853187f5854c46cf801c6', PartNumber: '2', UploadId: uploadId },
      });
      await assertS3Error(complete(uploadId, parts, { ChecksumType: 'FULL_OBJECT' }), {
        code: 'InvalidRequest',
        status: 400,
        message:
          'The upload was created using the COMPOSITE checksum mode. The complete request must use the same checksum mode.',
      });
      // None of the refusals used the upload up.
      const output = await complete(uploadId, parts);
      assert.equal(output.ChecksumCRC32, '5FRUiw==-3');
    });
  });

  describe('FULL_OBJECT', () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      test(`combines the part ${algorithm}s into the ${algorithm} of the whole object`, async () => {
        const { UploadId } = await create({ ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' });
        const parts = await uploadAll(UploadId as string, algorithm);
        const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
        assert.equal(listed.ChecksumType, 'FULL_OBJECT');
        const output = await complete(UploadId as string, parts);
        assert.equal(output.ETag, etag);
        assert.equal(field(output, `Checksum${algorithm}`), recorded[algorithm]?.full);
        assert.equal(output.ChecksumType, 'FULL_OBJECT');
        // The SDK checks a FULL_OBJECT checksum against the bytes it reads.
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        assert.equal(field(got, `Checksum${algorithm}`), recorded[algorithm]?.full);
        assert.equal(got.ChecksumType, 'FULL_OBJECT');
        assert.equal((await got.Body?.transformToByteArray())?.length, 10485772);
      });
    }

    test('checks the whole-object checksum a Complete sends', async () => {
      const { UploadId } = await create({ ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' });
      const uploadId = UploadId as string;
      const parts = await uploadAll(uploadId, 'CRC32C');
      for (const extra of [{ ChecksumCRC32C: '2/Ckiw==' }, { ChecksumCRC32: 'qSEQSA==' }]) {
        await assertS3Error(complete(uploadId, parts, extra), {
          code: 'BadDigest',
          status: 400,
          message: 'The crc32c you specified did not match the calculated checksum.',
        });
      }
      await assertS3Error(complete(uploadId, parts, { ChecksumType: 'COMPOSITE' }), {
        code: 'InvalidRequest',
        status: 400,
        message:
          'The upload was created using the FULL_OBJECT checksum mode. The complete request must use the same checksum mode.',
      });
      const output = await complete(uploadId, parts, { ChecksumCRC32C: 'eTdAQA==', ChecksumType: 'FULL_OBJECT' });
      assert.equal(output.ChecksumCRC32C, 'eTdAQA==');
    });
  });

  describe('an upload without an algorithm', () => {
    test('ends with a CRC64NVME of the whole object, whatever the parts were sent with', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      const parts = await uploadAll(UploadId as string, 'CRC32C');
      const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
      // Part checksums show only for an upload with an algorithm (test_complete_multipart_parts_checksum_default).
      assert.equal(listed.ChecksumAlgorithm, undefined);
      assert.equal(listed.Parts?.[0]?.ChecksumCRC32C, undefined);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      assert.equal(uploads.Uploads?.[0]?.ChecksumAlgorithm, undefined);
      const output = await complete(
        UploadId as string,
        parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })),
      );
      assert.equal(output.ChecksumCRC64NVME, 'ZMNX55lZurA=');
      assert.equal(output.ChecksumType, 'FULL_OBJECT');
      assert.equal(output.ChecksumCRC32C, undefined);
    });

    test('answers InvalidPart for part checksums and InvalidRequest for a checksum type in its Complete', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      const uploadId = UploadId as string;
      const output = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: 1,
          Body: 'abc',
          ChecksumAlgorithm: 'CRC32C',
        }),
      );
      await assertS3Error(
        complete(uploadId, [{ PartNumber: 1, ETag: output.ETag, ChecksumCRC32C: output.ChecksumCRC32C }]),
        {
          code: 'InvalidPart',
          status: 400,
          fields: { ETag: '900150983cd24fb0d6963f7d28e17f72', PartNumber: '1', UploadId: uploadId },
        },
      );
      for (const type of ['FULL_OBJECT', 'COMPOSITE']) {
        await assertS3Error(complete(uploadId, [{ PartNumber: 1, ETag: output.ETag }], { ChecksumType: type }), {
          code: 'InvalidRequest',
          status: 400,
          message:
            'The upload was created using the null checksum mode. The complete request must use the same checksum mode.',
        });
      }
    });
  });

  describe('ListMultipartUploads', () => {
    test('names the checksum algorithm and type of each upload that has one', async () => {
      await create({ ChecksumAlgorithm: 'CRC32' });
      await create({ ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' });
      const output = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      assert.deepEqual(
        output.Uploads?.map((upload) => [upload.ChecksumAlgorithm, upload.ChecksumType]),
        [
          ['CRC32', 'COMPOSITE'],
          ['CRC32C', 'FULL_OBJECT'],
        ],
      );
    });
  });
});
