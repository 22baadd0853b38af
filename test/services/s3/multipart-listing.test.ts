import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { completeUpload, prefixesOf, uploadParts } from './fixtures.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const noSuchUploadMessage =
  'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';

type Listed = { Uploads?: Array<{ Key?: string; UploadId?: string }> };
const uploadsOf = (output: Listed) => (output.Uploads ?? []).map((upload) => [upload.Key, upload.UploadId]);
describe('S3 multipart listing', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'uploads-bucket';
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
  const parts = (
    key: string,
    uploadId: string,
    input: Partial<ConstructorParameters<typeof ListPartsCommand>[0]> = {},
  ) => s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ...input }));
  const uploads = (input: Partial<ConstructorParameters<typeof ListMultipartUploadsCommand>[0]> = {}) =>
    s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, ...input }));

  describe('ListParts', () => {
    test('lists no part of a new upload, with markers at 0', async () => {
      const uploadId = await create('key');
      const output = await parts('key', uploadId);
      assert.equal(output.Bucket, bucket);
      assert.equal(output.Key, 'key');
      assert.equal(output.UploadId, uploadId);
      assert.equal(output.PartNumberMarker, '0');
      assert.equal(output.NextPartNumberMarker, '0');
      assert.equal(output.MaxParts, 1000);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.Parts, undefined);
      assert.equal(output.StorageClass, 'STANDARD');
      assert.equal(output.ChecksumAlgorithm, undefined);
      const { Owner } = await s3.send(new ListBucketsCommand({}));
      assert.equal(output.Owner?.ID, Owner?.ID);
      assert.equal(output.Initiator?.ID, Owner?.ID);
    });

    test('lists the parts in order with their ETag, Size and LastModified', async () => {
      const uploadId = await create('key');
      for (const partNumber of [2, 1]) {
        await s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: 'key',
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: 'data',
          }),
        );
      }
      const output = await parts('key', uploadId);
      assert.deepEqual(
        output.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size]),
        [
          [1, '"8d777f385d3dfec8815d20f7496026dc"', 4],
          [2, '"8d777f385d3dfec8815d20f7496026dc"', 4],
        ],
      );
      assert.equal((output.Parts?.[0]?.LastModified?.getTime() ?? 1) % 1000, 0);
      assert.equal(output.NextPartNumberMarker, '2');
      assert.equal(output.IsTruncated, false);
    });

    test('pages by MaxParts and PartNumberMarker', async () => {
      const uploadId = await create('key');
      for (const partNumber of [1, 2]) {
        await s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: 'key',
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: 'data',
          }),
        );
      }
      const first = await parts('key', uploadId, { MaxParts: 1 });
      assert.deepEqual(
        first.Parts?.map((part) => part.PartNumber),
        [1],
      );
      assert.equal(first.MaxParts, 1);
      assert.equal(first.IsTruncated, true);
      assert.equal(first.NextPartNumberMarker, '1');
      const next = await parts('key', uploadId, { MaxParts: 1, PartNumberMarker: first.NextPartNumberMarker });
      assert.deepEqual(
        next.Parts?.map((part) => part.PartNumber),
        [2],
      );
      assert.equal(next.PartNumberMarker, '1');
      assert.equal(next.IsTruncated, false);
      assert.equal(next.NextPartNumberMarker, '2');
      const beyond = await parts('key', uploadId, { MaxParts: 1, PartNumberMarker: '10' });
      assert.equal(beyond.Parts, undefined);
      assert.equal(beyond.PartNumberMarker, '10');
      assert.equal(beyond.NextPartNumberMarker, '0');
      assert.equal(beyond.IsTruncated, false);
    });

    test('names the storage class the upload was created with', async () => {
      const uploadId = await create('key', { StorageClass: 'STANDARD_IA' });
      assert.equal((await parts('key', uploadId)).StorageClass, 'STANDARD_IA');
      assert.equal((await uploads()).Uploads?.[0]?.StorageClass, 'STANDARD_IA');
    });

    test('answers NoSuchUpload for an unknown upload, another key, and a completed upload', async () => {
      await assertS3Error(parts('key', 'fakeid'), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: 'fakeid' },
      });
      const { uploadId, completed } = await uploadParts(s3, bucket, 'key', [Buffer.from('data')]);
      await assertS3Error(parts('other', uploadId), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
      await completeUpload(s3, bucket, 'key', uploadId, completed);
      await assertS3Error(parts('key', uploadId), {
        code: 'NoSuchUpload',
        status: 404,
        message: noSuchUploadMessage,
        fields: { UploadId: uploadId },
      });
    });
  });

  describe('ListMultipartUploads', () => {
    /** AWS's recorded set-up (test_list_multiparts_next_marker): `u[n]` is the n-th upload created. */
    async function threeKeys(): Promise<string[]> {
      const u = [''];
      u.push(await create('test_c'));
      u.push(await create('test_b'));
      for (let i = 0; i < 3; i++) u.push(await create('test_a'));
      return u;
    }

    test('lists nothing for a bucket without uploads, with every marker empty', async () => {
      const output = await uploads();
      assert.equal(output.Bucket, bucket);
      assert.equal(output.KeyMarker, '');
      assert.equal(output.UploadIdMarker, '');
      assert.equal(output.NextKeyMarker, '');
      assert.equal(output.NextUploadIdMarker, '');
      assert.equal(output.MaxUploads, 1000);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.Uploads, undefined);
      assert.equal(output.Prefix, undefined);
      assert.equal(output.Delimiter, undefined);
    });

    test('lists uploads by key, then by when they began, and names the last even when not truncated', async () => {
      const u = await threeKeys();
      const output = await uploads();
      assert.deepEqual(uploadsOf(output), [
        ['test_a', u[3]],
        ['test_a', u[4]],
        ['test_a', u[5]],
        ['test_b', u[2]],
        ['test_c', u[1]],
      ]);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.NextKeyMarker, 'test_c');
      assert.equal(output.NextUploadIdMarker, u[1]);
      const { Owner } = await s3.send(new ListBucketsCommand({}));
      const first = output.Uploads?.[0];
      assert.equal(first?.StorageClass, 'STANDARD');
      assert.equal(first?.Owner?.ID, Owner?.ID);
      assert.equal(first?.Initiator?.ID, Owner?.ID);
      // Whole seconds, as S3 writes them (test_s3_list_multiparts_timestamp_precision).
      assert.equal((first?.Initiated?.getTime() ?? 1) % 1000, 0);
    });

    test('pages by MaxUploads, KeyMarker and UploadIdMarker', async () => {
      const u = await threeKeys();
      const first = await uploads({ MaxUploads: 1 });
      assert.deepEqual(uploadsOf(first), [['test_a', u[3]]]);
      assert.equal(first.MaxUploads, 1);
      assert.equal(first.IsTruncated, true);
      assert.equal(first.NextKeyMarker, 'test_a');
      assert.equal(first.NextUploadIdMarker, u[3]);
      const keyOnly = await uploads({ MaxUploads: 1, KeyMarker: 'test_a' });
      assert.deepEqual(uploadsOf(keyOnly), [['test_b', u[2]]]);
      assert.equal(keyOnly.KeyMarker, 'test_a');
      assert.equal(keyOnly.NextKeyMarker, 'test_b');
      const both = await uploads({ MaxUploads: 1, KeyMarker: 'test_a', UploadIdMarker: u[3] });
      assert.deepEqual(uploadsOf(both), [['test_a', u[4]]]);
      assert.equal(both.UploadIdMarker, u[3]);
      assert.equal(both.NextUploadIdMarker, u[4]);
      const lastOfKey = await uploads({ MaxUploads: 1, KeyMarker: 'test_a', UploadIdMarker: u[5] });
      assert.deepEqual(uploadsOf(lastOfKey), [['test_b', u[2]]]);
      assert.equal(lastOfKey.IsTruncated, true);
      const last = await uploads({ MaxUploads: 1, KeyMarker: 'test_b', UploadIdMarker: u[2] });
      assert.deepEqual(uploadsOf(last), [['test_c', u[1]]]);
      assert.equal(last.IsTruncated, false);
      assert.equal(last.NextKeyMarker, 'test_c');
      assert.equal(last.NextUploadIdMarker, u[1]);
      const after = await uploads({ MaxUploads: 1, KeyMarker: 'test_c' });
      assert.equal(after.Uploads, undefined);
      assert.equal(after.IsTruncated, false);
      assert.equal(after.NextKeyMarker, '');
      assert.equal(after.NextUploadIdMarker, '');
    });

    test('ignores an UploadIdMarker without a KeyMarker, and an empty KeyMarker', async () => {
      const u = await threeKeys();
      const output = await uploads({ MaxUploads: 1, UploadIdMarker: u[3] });
      assert.deepEqual(uploadsOf(output), [['test_a', u[3]]]);
      assert.equal(output.UploadIdMarker, '');
      const empty = await uploads({ MaxUploads: 1, KeyMarker: '' });
      assert.deepEqual(uploadsOf(empty), [['test_a', u[3]]]);
      assert.equal(empty.KeyMarker, '');
    });

    test('answers InvalidArgument for an UploadIdMarker that is not an upload of the KeyMarker', async () => {
      const u = await threeKeys();
      await assertS3Error(uploads({ MaxUploads: 1, KeyMarker: 'test_c', UploadIdMarker: u[2] }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid uploadId marker',
        fields: { ArgumentName: 'upload-id-marker', ArgumentValue: u[2] as string },
      });
    });

    test('drops completed and aborted uploads from the list', async () => {
      const { uploadId, completed } = await uploadParts(s3, bucket, 'done', [Buffer.from('data')]);
      const aborted = await create('aborted');
      const kept = await create('kept');
      await completeUpload(s3, bucket, 'done', uploadId, completed);
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: aborted }));
      assert.deepEqual(uploadsOf(await uploads()), [['kept', kept]]);
    });

    test('rolls keys up into CommonPrefixes under Prefix and Delimiter, naming no next marker for them', async () => {
      const ids = [];
      for (const key of ['test/foo/bar/123', 'test/foo/bar/456', 'test/bar/foo/123']) ids.push(await create(key));
      const top = await uploads({ Prefix: 'test/', Delimiter: '/', EncodingType: 'url' });
      assert.deepEqual(prefixesOf(top), ['test/bar/', 'test/foo/']);
      assert.equal(top.Uploads, undefined);
      assert.equal(top.Prefix, 'test/');
      assert.equal(top.Delimiter, '/');
      assert.equal(top.EncodingType, 'url');
      assert.equal(top.IsTruncated, false);
      assert.equal(top.NextKeyMarker, '');
      assert.equal(top.NextUploadIdMarker, '');
      for (const prefix of ['test/foo/', 'test/foo/bar']) {
        const deeper = await uploads({ Prefix: prefix, Delimiter: '/' });
        assert.deepEqual(prefixesOf(deeper), ['test/foo/bar/'], prefix);
      }
      const plain = await uploads({ Prefix: 'test/foo' });
      assert.deepEqual(uploadsOf(plain), [
        ['test/foo/bar/123', ids[0]],
        ['test/foo/bar/456', ids[1]],
      ]);
      assert.equal(plain.NextKeyMarker, 'test/foo/bar/456');
      assert.equal(plain.NextUploadIdMarker, ids[1]);
    });

    test('truncates on a common prefix with empty next markers, and skips a prefix a KeyMarker falls in', async () => {
      const ids: Record<string, string> = {};
      for (const key of ['folder/aSubfolder/subFile1', 'folder/aSubfolder/subFile2', 'folder/file1', 'folder/file2']) {
        ids[key] = await create(key);
      }
      const start = await uploads({ Prefix: 'folder/', Delimiter: '/', MaxUploads: 1 });
      assert.deepEqual(prefixesOf(start), ['folder/aSubfolder/']);
      assert.equal(start.IsTruncated, true);
      assert.equal(start.NextKeyMarker, '');
      assert.equal(start.NextUploadIdMarker, '');
      for (const marker of ['folder/aSubfolder/', 'folder/aSubfolder/subFile1']) {
        const next = await uploads({ Prefix: 'folder/', Delimiter: '/', MaxUploads: 1, KeyMarker: marker });
        assert.deepEqual(uploadsOf(next), [['folder/file1', ids['folder/file1']]], marker);
        assert.equal(next.CommonPrefixes, undefined);
        assert.equal(next.IsTruncated, true);
        assert.equal(next.NextKeyMarker, 'folder/file1');
        assert.equal(next.NextUploadIdMarker, ids['folder/file1']);
      }
    });

    test('url-encodes Key, Prefix, KeyMarker and NextKeyMarker with encoding-type url', async () => {
      const first = await create('a b/1');
      await create('a b/2');
      const output = await uploads({ EncodingType: 'url', Prefix: 'a b/', KeyMarker: 'a b/0', MaxUploads: 1 });
      assert.deepEqual(uploadsOf(output), [['a+b/1', first]]);
      assert.equal(output.Prefix, 'a+b/');
      assert.equal(output.KeyMarker, 'a+b/0');
      assert.equal(output.NextKeyMarker, 'a+b/1');
      assert.equal(output.IsTruncated, true);
    });

    test('answers InvalidArgument for an encoding type other than url', async () => {
      await assertS3Error(uploads({ EncodingType: 'value' as never }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid Encoding Method specified in Request',
        fields: { ArgumentName: 'encoding-type', ArgumentValue: 'value' },
      });
    });

    test('answers NoSuchBucket for a bucket that does not exist', async () => {
      await assertS3Error(s3.send(new ListMultipartUploadsCommand({ Bucket: 'no-such-bucket' })), {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-bucket' },
      });
    });
  });
});
