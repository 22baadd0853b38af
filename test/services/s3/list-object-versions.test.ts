import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { prefixesOf, putKeys } from './fixtures.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

type Listed = { Key?: string; VersionId?: string; IsLatest?: boolean };
const versionsOf = (output: { Versions?: Listed[] }) =>
  (output.Versions ?? []).map((entry) => [entry.Key, entry.VersionId, entry.IsLatest]);
const markersOf = (output: { DeleteMarkers?: Listed[] }) =>
  (output.DeleteMarkers ?? []).map((entry) => [entry.Key, entry.VersionId, entry.IsLatest]);
describe('S3 ListObjectVersions', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'versions-bucket';
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, bucket);
  });

  const enableVersioning = () =>
    s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const put = async (key: string, body: string) =>
    (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId as string;
  const remove = async (key: string) =>
    (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))).VersionId as string;
  const list = (input: Omit<ConstructorParameters<typeof ListObjectVersionsCommand>[0], 'Bucket'> = {}) =>
    s3.send(new ListObjectVersionsCommand({ Bucket: bucket, ...input }));

  /**
   * AWS's recorded set-up (test_list_objects_versions_markers): three keys, a second version of
   * test_2, a delete marker on each, then new versions of test_0 and test_1. `v[n]` is the
   * n-th version id handed out, from 1.
   */
  async function markersSetUp(): Promise<string[]> {
    await enableVersioning();
    const v = [''];
    for (const key of ['test_0', 'test_1', 'test_2']) v.push(await put(key, 'version 1'));
    v.push(await put('test_2', 'version 2'));
    for (const key of ['test_0', 'test_1', 'test_2']) v.push(await remove(key));
    for (const key of ['test_0', 'test_1']) v.push(await put(key, 'version 2'));
    return v;
  }

  describe('behaviour', () => {
    test('lists every version and delete marker by key, newest first, with IsLatest', async () => {
      const v = await markersSetUp();
      const output = await list();
      assert.deepEqual(versionsOf(output), [
        ['test_0', v[8], true],
        ['test_0', v[1], false],
        ['test_1', v[9], true],
        ['test_1', v[2], false],
        ['test_2', v[4], false],
        ['test_2', v[3], false],
      ]);
      assert.deepEqual(markersOf(output), [
        ['test_0', v[5], false],
        ['test_1', v[6], false],
        ['test_2', v[7], true],
      ]);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.KeyMarker, '');
      assert.equal(output.VersionIdMarker, '');
      assert.equal(output.Prefix, '');
      assert.equal(output.MaxKeys, 1000);
      assert.equal(output.Name, bucket);
      assert.equal(output.NextKeyMarker, undefined);
      assert.equal(output.NextVersionIdMarker, undefined);
    });

    test('gives each version its ETag, Size, StorageClass, checksum and owner, and each marker its owner', async () => {
      await enableVersioning();
      await put('key', 'version 1');
      await remove('key');
      const { Owner } = await s3.send(new ListBucketsCommand({}));
      const output = await list();
      const version = output.Versions?.[0];
      assert.equal(version?.ETag, '"db3ec040e20dfc657dab510aeab74759"');
      assert.equal(version?.Size, 9);
      assert.equal(version?.StorageClass, 'STANDARD');
      assert.deepEqual(version?.ChecksumAlgorithm, ['CRC32']);
      assert.equal(version?.ChecksumType, 'FULL_OBJECT');
      assert.equal(version?.Owner?.ID, Owner?.ID);
      assert.equal((version?.LastModified?.getTime() ?? 1) % 1000, 0);
      const marker = output.DeleteMarkers?.[0];
      assert.equal(marker?.Owner?.ID, Owner?.ID);
      assert.equal((marker?.LastModified?.getTime() ?? 1) % 1000, 0);
    });

    test('counts versions and delete markers toward MaxKeys and names where the next page starts', async () => {
      const v = await markersSetUp();
      const page = await list({ MaxKeys: 5 });
      assert.deepEqual(versionsOf(page), [
        ['test_0', v[8], true],
        ['test_0', v[1], false],
        ['test_1', v[9], true],
      ]);
      assert.deepEqual(markersOf(page), [
        ['test_0', v[5], false],
        ['test_1', v[6], false],
      ]);
      assert.equal(page.IsTruncated, true);
      assert.equal(page.NextKeyMarker, 'test_1');
      assert.equal(page.NextVersionIdMarker, v[6]);
    });

    test('resumes after every version of the key a KeyMarker alone names', async () => {
      const v = await markersSetUp();
      const next = await list({ MaxKeys: 1, KeyMarker: 'test_1' });
      assert.deepEqual(markersOf(next), [['test_2', v[7], true]]);
      assert.equal(next.Versions, undefined);
      assert.equal(next.KeyMarker, 'test_1');
      assert.equal(next.IsTruncated, true);
      assert.equal(next.NextKeyMarker, 'test_2');
      assert.equal(next.NextVersionIdMarker, v[7]);
      const last = await list({ MaxKeys: 1, KeyMarker: 'test_2' });
      assert.equal(last.Versions, undefined);
      assert.equal(last.DeleteMarkers, undefined);
      assert.equal(last.IsTruncated, false);
      assert.equal(last.NextKeyMarker, undefined);
    });

    test('resumes after the version that KeyMarker and VersionIdMarker name', async () => {
      const v = await markersSetUp();
      const both = await list({ MaxKeys: 1, KeyMarker: 'test_1', VersionIdMarker: v[6] });
      assert.deepEqual(versionsOf(both), [['test_1', v[2], false]]);
      assert.equal(both.VersionIdMarker, v[6]);
      assert.equal(both.IsTruncated, true);
      assert.equal(both.NextKeyMarker, 'test_1');
      assert.equal(both.NextVersionIdMarker, v[2]);
      const lastOne = await list({ MaxKeys: 1, KeyMarker: 'test_2', VersionIdMarker: v[4] });
      assert.deepEqual(versionsOf(lastOne), [['test_2', v[3], false]]);
      assert.equal(lastOne.IsTruncated, false);
    });

    test('treats an empty KeyMarker as none', async () => {
      const v = await markersSetUp();
      const output = await list({ MaxKeys: 1, KeyMarker: '' });
      assert.deepEqual(versionsOf(output), [['test_0', v[8], true]]);
      assert.equal(output.KeyMarker, '');
      assert.equal(output.NextKeyMarker, 'test_0');
      assert.equal(output.NextVersionIdMarker, v[8]);
    });

    test('pages through many versions of one key with a prefix, each version once', async () => {
      await enableVersioning();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.unshift(await put('prefixed_key', ''));
      await put('non_prefixed_key', '');
      const full = await list({ Prefix: 'prefix' });
      assert.deepEqual(
        versionsOf(full),
        ids.map((id, index) => ['prefixed_key', id, index === 0]),
      );
      assert.equal(full.Versions?.[0]?.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
      const first = await list({ Prefix: 'prefix', MaxKeys: 3 });
      assert.deepEqual(
        versionsOf(first).map((entry) => entry[1]),
        ids.slice(0, 3),
      );
      assert.equal(first.NextKeyMarker, 'prefixed_key');
      assert.equal(first.NextVersionIdMarker, ids[2]);
      const keyOnly = await list({ Prefix: 'prefix', MaxKeys: 4, KeyMarker: 'prefixed_key' });
      assert.equal(keyOnly.Versions, undefined);
      assert.equal(keyOnly.IsTruncated, false);
      const second = await list({ Prefix: 'prefix', MaxKeys: 5, KeyMarker: 'prefixed_key', VersionIdMarker: ids[2] });
      assert.deepEqual(
        versionsOf(second).map((entry) => entry[1]),
        ids.slice(3),
      );
      assert.equal(second.IsTruncated, false);
    });

    test('pages one entry at a time through latest and older versions of keys in UTF-8 byte order', async () => {
      await enableVersioning();
      // U+E000 (EE 80 80 in UTF-8) sorts before U+1F600 (F0 9F 98 80) in S3's byte order,
      // though not in JavaScript's code-unit order.
      const keys = ['a', 'b\u{E000}', 'b\u{1F600}'];
      const expected: Array<[string, string, boolean]> = [];
      for (const key of [...keys].reverse()) {
        const older = await put(key, 'one');
        const marker = await remove(key);
        const newest = await put(key, 'two');
        expected.unshift([key, newest, true], [key, marker, false], [key, older, false]);
      }
      const seen: Array<[string, string, boolean]> = [];
      let page = await list({ MaxKeys: 1 });
      for (;;) {
        for (const entry of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
          seen.push([entry.Key as string, entry.VersionId as string, entry.IsLatest as boolean]);
        }
        if (!page.IsTruncated) break;
        page = await list({ MaxKeys: 1, KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker });
      }
      assert.deepEqual(seen, expected);
      const whole = await list({});
      assert.deepEqual(
        versionsOf(whole),
        expected.filter(([, id]) => !markersOf(whole).some((marker) => marker[1] === id)),
      );
      assert.equal(markersOf(whole).length, 3);
    });

    test('resumes at the next older version when the VersionIdMarker version was deleted', async () => {
      await enableVersioning();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.unshift(await put('prefixed_key', ''));
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: ids.slice(0, 3).map((VersionId) => ({ Key: 'prefixed_key', VersionId })) },
        }),
      );
      const output = await list({ Prefix: 'prefix', MaxKeys: 5, KeyMarker: 'prefixed_key', VersionIdMarker: ids[2] });
      assert.deepEqual(versionsOf(output), [
        ['prefixed_key', ids[3], true],
        ['prefixed_key', ids[4], false],
      ]);
    });

    test('rolls keys up into CommonPrefixes under Prefix and Delimiter', async () => {
      await enableVersioning();
      const test1 = await put('dir/test', 'content key1-v1');
      const test2 = await put('dir/test', 'content key-1v2');
      const sub1 = await put('dir/subdir/test2', 'content key2-v1');
      const sub2 = await put('dir/subdir/test2', 'content key2-v2');
      const top = await list({ Prefix: 'dir/', Delimiter: '/' });
      assert.deepEqual(prefixesOf(top), ['dir/subdir/']);
      assert.deepEqual(versionsOf(top), [
        ['dir/test', test2, true],
        ['dir/test', test1, false],
      ]);
      assert.equal(top.Delimiter, '/');
      for (const prefix of ['dir/s', 'dir/subdir']) {
        const partial = await list({ Prefix: prefix, Delimiter: '/' });
        assert.deepEqual(prefixesOf(partial), ['dir/subdir/'], prefix);
        assert.equal(partial.Versions, undefined, prefix);
      }
      const inner = await list({ Prefix: 'dir/subdir/', Delimiter: '/' });
      assert.equal(inner.CommonPrefixes, undefined);
      assert.deepEqual(versionsOf(inner), [
        ['dir/subdir/test2', sub2, true],
        ['dir/subdir/test2', sub1, false],
      ]);
    });

    test('names only NextKeyMarker when a page ends on a common prefix, and skips that prefix next', async () => {
      await enableVersioning();
      await putKeys(s3, bucket, ['folder/aSubfolder/subFile1', 'folder/aSubfolder/subFile2']);
      const file1 = await put('folder/file1', 'x');
      const file2 = await put('folder/file2', 'x');
      const start = await list({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1 });
      assert.deepEqual(prefixesOf(start), ['folder/aSubfolder/']);
      assert.equal(start.Versions, undefined);
      assert.equal(start.IsTruncated, true);
      assert.equal(start.NextKeyMarker, 'folder/aSubfolder/');
      assert.equal(start.NextVersionIdMarker, undefined);
      const next = await list({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, KeyMarker: start.NextKeyMarker });
      assert.deepEqual(versionsOf(next), [['folder/file1', file1, true]]);
      assert.equal(next.CommonPrefixes, undefined);
      assert.equal(next.NextKeyMarker, 'folder/file1');
      assert.equal(next.NextVersionIdMarker, file1);
      const end = await list({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, KeyMarker: next.NextKeyMarker });
      assert.deepEqual(versionsOf(end), [['folder/file2', file2, true]]);
      assert.equal(end.IsTruncated, false);
      const inside = await list({
        Prefix: 'folder/',
        Delimiter: '/',
        MaxKeys: 1,
        KeyMarker: 'folder/aSubfolder/subFile1',
      });
      assert.deepEqual(versionsOf(inside), [['folder/file1', file1, true]]);
      assert.equal(inside.CommonPrefixes, undefined);
    });

    test('lists the objects of a bucket that never had versioning as version null, latest', async () => {
      await putKeys(s3, bucket, ['a', 'b']);
      const output = await list();
      assert.deepEqual(versionsOf(output), [
        ['a', 'null', true],
        ['b', 'null', true],
      ]);
      assert.equal(output.DeleteMarkers, undefined);
    });

    test('keeps version null for an object written before versioning was enabled', async () => {
      await put('key', 'before');
      await enableVersioning();
      const newer = await put('key', 'after');
      const output = await list();
      assert.deepEqual(versionsOf(output), [
        ['key', newer, true],
        ['key', 'null', false],
      ]);
    });

    test('url-encodes Key, Prefix, Delimiter, KeyMarker and NextKeyMarker with encoding-type url', async () => {
      await enableVersioning();
      const first = await put('a b/1', 'x');
      await put('a b/2', 'x');
      await put('a b/2', 'y');
      const output = await list({ EncodingType: 'url', Prefix: 'a b/', KeyMarker: 'a b/0', MaxKeys: 1 });
      assert.equal(output.EncodingType, 'url');
      assert.equal(output.Prefix, 'a+b/');
      assert.equal(output.KeyMarker, 'a+b/0');
      assert.deepEqual(versionsOf(output), [['a+b/1', first, true]]);
      assert.equal(output.NextKeyMarker, 'a+b/1');
      assert.equal(output.NextVersionIdMarker, first);
      const rolled = await list({ EncodingType: 'url', Delimiter: '/' });
      assert.deepEqual(prefixesOf(rolled), ['a+b/']);
      assert.equal(rolled.Delimiter, '/');
    });
  });

  describe('errors', () => {
    test('answers InvalidArgument for a VersionIdMarker without a KeyMarker', async () => {
      const v = await markersSetUp();
      await assertS3Error(list({ MaxKeys: 1, VersionIdMarker: v[6] }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'A version-id marker cannot be specified without a key marker.',
        fields: { ArgumentName: 'version-id-marker', ArgumentValue: v[6] as string },
      });
    });

    test('answers InvalidArgument for an encoding type other than url', async () => {
      await assertS3Error(list({ EncodingType: 'value' as never }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid Encoding Method specified in Request',
        fields: { ArgumentName: 'encoding-type', ArgumentValue: 'value' },
      });
    });

    test('answers NoSuchBucket for a bucket that does not exist', async () => {
      await assertS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: 'no-such-bucket' })), {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-bucket' },
      });
    });
  });
});
