import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  type ListObjectsCommandOutput,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { prefixesOf, putKeys, seedKeys, utf8Sorted } from './fixtures.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const keysOf = (output: { Contents?: Array<{ Key?: string }> }) => (output.Contents ?? []).map((entry) => entry.Key);
/** The keys of the recorded continuation tests: test_0 .. test_11. */
const numbered = Array.from({ length: 12 }, (_, i) => `test_${i}`);
/** AWS's recorded order of `numbered` (list-objects-v2-max-5, list-objects-v2-rest). */
const numberedInOrder = [
  'test_0',
  'test_1',
  'test_10',
  'test_11',
  'test_2',
  'test_3',
  'test_4',
  'test_5',
  'test_6',
  'test_7',
  'test_8',
  'test_9',
];
const folderKeys = ['folder/aSubfolder/subFile1', 'folder/aSubfolder/subFile2', 'folder/file1', 'folder/file2'];

describe('S3 listing objects', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'listing-bucket';
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, bucket);
  });

  const v2 = (input: Omit<ConstructorParameters<typeof ListObjectsV2Command>[0], 'Bucket'> = {}) =>
    s3.send(new ListObjectsV2Command({ Bucket: bucket, ...input }));
  const v1 = (input: Omit<ConstructorParameters<typeof ListObjectsCommand>[0], 'Bucket'> = {}) =>
    s3.send(new ListObjectsCommand({ Bucket: bucket, ...input }));

  describe('ListObjectsV2', () => {
    test('lists keys in UTF-8 byte order with their ETag, Size and StorageClass, and no owner', async () => {
      await putKeys(s3, bucket, numbered, 'content 123');
      const output = await v2();
      assert.deepEqual(keysOf(output), numberedInOrder);
      assert.equal(output.Name, bucket);
      assert.equal(output.Prefix, '');
      assert.equal(output.MaxKeys, 1000);
      assert.equal(output.KeyCount, 12);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.NextContinuationToken, undefined);
      assert.equal(output.ContinuationToken, undefined);
      assert.equal(output.StartAfter, undefined);
      assert.equal(output.Delimiter, undefined);
      assert.equal(output.EncodingType, undefined);
      const first = output.Contents?.[0];
      assert.equal(first?.ETag, '"0d9fa06a66933b40f615f530e59edd6b"');
      assert.equal(first?.Size, 11);
      assert.equal(first?.StorageClass, 'STANDARD');
      assert.equal(first?.Owner, undefined);
      // Whole seconds, as S3 keeps them (test_s3_list_objects_timestamp_precision), and as HEAD says.
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'test_0' }));
      assert.equal(first?.LastModified?.getTime(), head.LastModified?.getTime());
      assert.equal((first?.LastModified?.getTime() ?? 1) % 1000, 0);
    });

    test('lists nothing, untruncated, for an empty bucket', async () => {
      const output = await v2();
      assert.equal(output.Contents, undefined);
      assert.equal(output.KeyCount, 0);
      assert.equal(output.IsTruncated, false);
    });

    test('gives the owner with FetchOwner', async () => {
      await putKeys(s3, bucket, ['a']);
      const { Owner } = await s3.send(new ListBucketsCommand({}));
      const output = await v2({ FetchOwner: true });
      assert.equal(output.Contents?.[0]?.Owner?.ID, Owner?.ID);
      assert.match(output.Contents?.[0]?.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
    });

    test('returns MaxKeys keys and a NextContinuationToken, then the rest without a token', async () => {
      await putKeys(s3, bucket, numbered);
      const first = await v2({ MaxKeys: 5 });
      assert.deepEqual(keysOf(first), numberedInOrder.slice(0, 5));
      assert.equal(first.IsTruncated, true);
      assert.equal(first.KeyCount, 5);
      assert.equal(first.MaxKeys, 5);
      assert.equal(typeof first.NextContinuationToken, 'string');
      const rest = await v2({ ContinuationToken: first.NextContinuationToken });
      assert.deepEqual(keysOf(rest), numberedInOrder.slice(5));
      assert.equal(rest.ContinuationToken, first.NextContinuationToken);
      assert.equal(rest.IsTruncated, false);
      assert.equal(rest.KeyCount, 7);
      assert.equal(rest.NextContinuationToken, undefined);
    });

    test('is not truncated when the page holds exactly the last key', async () => {
      await putKeys(s3, bucket, ['a', 'b']);
      const output = await v2({ MaxKeys: 2 });
      assert.deepEqual(keysOf(output), ['a', 'b']);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.NextContinuationToken, undefined);
    });

    test('starts after StartAfter and echoes it', async () => {
      await putKeys(s3, bucket, numbered);
      const output = await v2({ StartAfter: 'test_7', MaxKeys: 2 });
      assert.deepEqual(keysOf(output), ['test_8', 'test_9']);
      assert.equal(output.StartAfter, 'test_7');
      assert.equal(output.IsTruncated, false);
    });

    test('ignores StartAfter, and does not echo it, when a ContinuationToken is sent', async () => {
      await putKeys(s3, bucket, numbered);
      const first = await v2({ MaxKeys: 5 });
      const output = await v2({ StartAfter: 'test_7', ContinuationToken: first.NextContinuationToken });
      assert.deepEqual(keysOf(output), numberedInOrder.slice(5));
      assert.equal(output.StartAfter, undefined);
      assert.equal(output.ContinuationToken, first.NextContinuationToken);
    });

    test('lists nothing and is not truncated for MaxKeys 0', async () => {
      await putKeys(s3, bucket, ['a', 'b']);
      const output = await v2({ MaxKeys: 0 });
      assert.equal(output.Contents, undefined);
      assert.equal(output.KeyCount, 0);
      assert.equal(output.MaxKeys, 0);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.NextContinuationToken, undefined);
    });

    test('filters by Prefix and echoes it', async () => {
      await putKeys(s3, bucket, ['test/foo/bar/123', 'test/foo/bar/456', 'test/bar/foo/123', 'other']);
      const output = await v2({ Prefix: 'test/foo' });
      assert.deepEqual(keysOf(output), ['test/foo/bar/123', 'test/foo/bar/456']);
      assert.equal(output.Prefix, 'test/foo');
      assert.equal(output.KeyCount, 2);
    });

    test('rolls keys up into CommonPrefixes under Prefix and Delimiter, counting each in KeyCount', async () => {
      await putKeys(s3, bucket, ['test/foo/bar/123', 'test/foo/bar/456', 'test/bar/foo/123', 'test/top']);
      const output = await v2({ Prefix: 'test/', Delimiter: '/' });
      assert.deepEqual(prefixesOf(output), ['test/bar/', 'test/foo/']);
      assert.deepEqual(keysOf(output), ['test/top']);
      assert.equal(output.KeyCount, 3);
      assert.equal(output.Delimiter, '/');
      const deeper = await v2({ Prefix: 'test/foo/bar', Delimiter: '/' });
      assert.deepEqual(prefixesOf(deeper), ['test/foo/bar/']);
      assert.equal(deeper.Contents, undefined);
    });

    test('lists a common prefix once, counted once toward MaxKeys, as pages go on', async () => {
      await putKeys(s3, bucket, folderKeys);
      const start = await v2({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1 });
      assert.deepEqual(prefixesOf(start), ['folder/aSubfolder/']);
      assert.equal(start.Contents, undefined);
      assert.equal(start.KeyCount, 1);
      assert.equal(start.IsTruncated, true);
      const next = await v2({
        Prefix: 'folder/',
        Delimiter: '/',
        MaxKeys: 1,
        ContinuationToken: start.NextContinuationToken,
      });
      assert.deepEqual(keysOf(next), ['folder/file1']);
      assert.equal(next.CommonPrefixes, undefined);
      assert.equal(next.IsTruncated, true);
      const end = await v2({
        Prefix: 'folder/',
        Delimiter: '/',
        MaxKeys: 1,
        ContinuationToken: next.NextContinuationToken,
      });
      assert.deepEqual(keysOf(end), ['folder/file2']);
      assert.equal(end.IsTruncated, false);
      assert.equal(end.NextContinuationToken, undefined);
    });

    test('yields every common prefix and key exactly once across pages of two', async () => {
      const keys = ['a/1', 'a/2', 'a/3', 'b', 'c/x/1', 'c/y', 'd', 'e/1', 'f'];
      await putKeys(s3, bucket, keys);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await v2({ Delimiter: '/', MaxKeys: 2, ContinuationToken: token });
        assert.ok((page.KeyCount ?? 0) <= 2);
        seen.push(...prefixesOf(page).map(String), ...keysOf(page).map(String));
        token = page.NextContinuationToken;
        pages++;
      } while (token);
      assert.deepEqual(utf8Sorted(seen), ['a/', 'b', 'c/', 'd', 'e/', 'f']);
      assert.equal(seen.length, 6);
      assert.equal(pages, 3);
    });

    test('skips the rest of a common prefix when StartAfter falls inside it', async () => {
      await putKeys(s3, bucket, folderKeys);
      const output = await v2({ Prefix: 'folder/', Delimiter: '/', StartAfter: 'folder/aSubfolder/subFile1' });
      assert.equal(output.CommonPrefixes, undefined);
      assert.deepEqual(keysOf(output), ['folder/file1', 'folder/file2']);
    });

    test('treats an empty Delimiter as none and does not echo it', async () => {
      await putKeys(s3, bucket, ['test/foo/bar/123']);
      const output = await v2({ Prefix: 'test/', Delimiter: '' });
      assert.deepEqual(keysOf(output), ['test/foo/bar/123']);
      assert.equal(output.Delimiter, undefined);
      assert.equal(output.CommonPrefixes, undefined);
    });

    test('takes a delimiter of several characters literally', async () => {
      await putKeys(s3, bucket, ['test/foo/bar/123', 'a%2Fb%2Fc', 'a%2Fd']);
      const output = await v2({ Delimiter: '%2F' });
      assert.deepEqual(prefixesOf(output), ['a%2F']);
      assert.deepEqual(keysOf(output), ['test/foo/bar/123']);
      assert.equal(output.Delimiter, '%2F');
    });

    test('does not list keys whose latest version is a delete marker, nor prefixes only they made', async () => {
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      await putKeys(s3, bucket, ['gone/a', 'kept', 'removed']);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone/a' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'removed' }));
      const output = await v2({ Delimiter: '/' });
      assert.deepEqual(keysOf(output), ['kept']);
      assert.equal(output.CommonPrefixes, undefined);
      assert.equal(output.KeyCount, 1);
    });
  });

  describe('ListObjectsV2 errors', () => {
    test('answers InvalidArgument, naming the argument but not its value, for an empty ContinuationToken', async () => {
      await putKeys(s3, bucket, ['a']);
      const error = await assertS3Error(v2({ ContinuationToken: '' }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'The continuation token provided is incorrect',
        fields: { ArgumentName: 'continuation-token' },
      });
      assert.equal(error.ArgumentValue, undefined);
    });

    test('answers InvalidArgument for a continuation token Nimbus did not give out', async () => {
      await assertS3Error(v2({ ContinuationToken: 'bm90LWEtdG9rZW4=' }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'The continuation token provided is incorrect',
        fields: { ArgumentName: 'continuation-token' },
      });
    });

    test('answers InvalidArgument for an encoding type other than url, and for an empty one', async () => {
      await assertS3Error(v2({ EncodingType: 'value' as never }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid Encoding Method specified in Request',
        fields: { ArgumentName: 'encoding-type', ArgumentValue: 'value' },
      });
      await assertS3Error(v2({ EncodingType: '' as never }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid Encoding Method specified in Request',
        fields: { ArgumentName: 'encoding-type' },
      });
    });

    test('answers NoSuchBucket for a bucket that does not exist', async () => {
      await assertS3Error(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })), {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-bucket' },
      });
    });
  });

  describe('ListObjects (v1)', () => {
    test('lists keys with their owner, an empty Marker and no NextMarker', async () => {
      await putKeys(s3, bucket, ['test_0', 'test_1', 'test_2'], 'content 123');
      const { Owner } = await s3.send(new ListBucketsCommand({}));
      const output = await v1();
      assert.deepEqual(keysOf(output), ['test_0', 'test_1', 'test_2']);
      assert.equal(output.Marker, '');
      assert.equal(output.Prefix, '');
      assert.equal(output.MaxKeys, 1000);
      assert.equal(output.IsTruncated, false);
      assert.equal(output.NextMarker, undefined);
      assert.equal(output.Contents?.[0]?.Owner?.ID, Owner?.ID);
      assert.equal(output.Contents?.[0]?.ETag, '"0d9fa06a66933b40f615f530e59edd6b"');
      assert.equal((output.Contents?.[0]?.LastModified?.getTime() ?? 1) % 1000, 0);
    });

    test('gives NextMarker only when a Delimiter is set', async () => {
      await putKeys(s3, bucket, ['test_0', 'test_1', 'test_2']);
      const withDelimiter = await v1({ MaxKeys: 1, Delimiter: '/' });
      assert.deepEqual(keysOf(withDelimiter), ['test_0']);
      assert.equal(withDelimiter.IsTruncated, true);
      assert.equal(withDelimiter.NextMarker, 'test_0');
      const without = await v1({ MaxKeys: 1, Marker: withDelimiter.NextMarker });
      assert.deepEqual(keysOf(without), ['test_1']);
      assert.equal(without.Marker, 'test_0');
      assert.equal(without.IsTruncated, true);
      assert.equal(without.NextMarker, undefined);
    });

    test('treats an empty Marker as none', async () => {
      await putKeys(s3, bucket, ['test_0', 'test_1']);
      const output = await v1({ Marker: '', MaxKeys: 1 });
      assert.deepEqual(keysOf(output), ['test_0']);
      assert.equal(output.Marker, '');
      assert.equal(output.IsTruncated, true);
    });

    test('pages through common prefixes with NextMarker, skipping a prefix the Marker falls in', async () => {
      await putKeys(s3, bucket, folderKeys);
      const start = await v1({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1 });
      assert.deepEqual(prefixesOf(start), ['folder/aSubfolder/']);
      assert.equal(start.NextMarker, 'folder/aSubfolder/');
      assert.equal(start.IsTruncated, true);
      const next = await v1({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, Marker: start.NextMarker });
      assert.deepEqual(keysOf(next), ['folder/file1']);
      assert.equal(next.Marker, 'folder/aSubfolder/');
      assert.equal(next.NextMarker, 'folder/file1');
      const end = await v1({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, Marker: next.NextMarker });
      assert.deepEqual(keysOf(end), ['folder/file2']);
      assert.equal(end.IsTruncated, false);
      assert.equal(end.NextMarker, undefined);
      const inside = await v1({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, Marker: 'folder/aSubfolder/subFile1' });
      assert.deepEqual(keysOf(inside), ['folder/file1']);
      assert.equal(inside.CommonPrefixes, undefined);
      assert.equal(inside.NextMarker, 'folder/file1');
    });

    test('answers InvalidArgument for an encoding type other than url', async () => {
      await assertS3Error(v1({ EncodingType: 'value' as never }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid Encoding Method specified in Request',
        fields: { ArgumentName: 'encoding-type', ArgumentValue: 'value' },
      });
    });

    test('answers NoSuchBucket for a bucket that does not exist', async () => {
      await assertS3Error(s3.send(new ListObjectsCommand({ Bucket: 'no-such-bucket' })), {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-bucket' },
      });
    });
  });

  describe('unusual keys', () => {
    const unusual = [
      'plain',
      'a b',
      'a+b',
      '100%',
      '%2F',
      'test%123',
      'date=2026-03-01/',
      'q?x=1&y',
      '#hash',
      'Ā0Ä',
      '日本語/ファイル',
      '😀 smile',
      '\uFF21 fullwidth',
      '/leading',
      'a//b',
      "tilde~(paren)!*'",
    ];

    test('lists keys with spaces, +, %, UTF-8 and a leading / by their UTF-8 bytes, each as stored', async () => {
      await putKeys(s3, bucket, unusual);
      const output = await v2();
      const expected = utf8Sorted(unusual);
      // UTF-8 order differs from JavaScript's UTF-16 order for these two.
      assert.ok(expected.indexOf('\uFF21 fullwidth') < expected.indexOf('😀 smile'));
      assert.deepEqual(keysOf(output), expected);
      for (const key of unusual) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(head.ContentLength, Buffer.byteLength(key), key);
      }
    });

    test('filters and rolls up by UTF-8 prefixes and a delimiter inside a key', async () => {
      await putKeys(s3, bucket, unusual);
      const output = await v2({ Prefix: '日本', Delimiter: '/' });
      assert.deepEqual(prefixesOf(output), ['日本語/']);
      const slash = await v2({ Prefix: '/', Delimiter: '/' });
      assert.deepEqual(keysOf(slash), ['/leading']);
      const doubled = await v2({ Prefix: 'a/', Delimiter: '/' });
      assert.deepEqual(prefixesOf(doubled), ['a//']);
    });

    test('url-encodes Key, Prefix, Delimiter, StartAfter and CommonPrefixes as S3 does, keeping /', async () => {
      await putKeys(s3, bucket, ['a b.txt', 'a+b.txt', '100%.csv', '한글/x.txt', 'run books/x.txt', "tilde~(x)*!'"]);
      const output = await v2({ EncodingType: 'url', Delimiter: '/' });
      assert.equal(output.EncodingType, 'url');
      assert.deepEqual(prefixesOf(output), ['run+books/', '%ED%95%9C%EA%B8%80/']);
      assert.deepEqual(keysOf(output), ['100%25.csv', 'a+b.txt', 'a%2Bb.txt', 'tilde%7E%28x%29*%21%27']);
      assert.equal(output.Delimiter, '/');
      const prefixed = await v2({
        EncodingType: 'url',
        Prefix: 'run books/',
        StartAfter: 'run books/',
        Delimiter: '=',
      });
      assert.equal(prefixed.Prefix, 'run+books/');
      assert.equal(prefixed.StartAfter, 'run+books/');
      assert.equal(prefixed.Delimiter, '%3D');
      assert.deepEqual(keysOf(prefixed), ['run+books/x.txt']);
    });

    test('encodes = and % and compares StartAfter as sent, not decoded', async () => {
      await putKeys(s3, bucket, ['date=2026-01-01/', 'date=2026-02-01/', 'date=2026-03-01/', 'date=2026-05-01/']);
      const decoded = await v2({ EncodingType: 'url', StartAfter: 'date=2026-02-01/', MaxKeys: 2 });
      assert.deepEqual(keysOf(decoded), ['date%3D2026-03-01/', 'date%3D2026-05-01/']);
      assert.equal(decoded.StartAfter, 'date%3D2026-02-01/');
      // `date%3D...` sorts before every `date=...` key, so the listing starts at the first.
      const literal = await v2({ EncodingType: 'url', StartAfter: 'date%3D2026-02-01/', MaxKeys: 2 });
      assert.deepEqual(keysOf(literal), ['date%3D2026-01-01/', 'date%3D2026-02-01/']);
      assert.equal(literal.StartAfter, 'date%253D2026-02-01/');
    });

    test('url-encodes Marker and NextMarker in ListObjects (v1)', async () => {
      await putKeys(s3, bucket, ['a b/1', 'a b/2', 'c d']);
      const output = await v1({ EncodingType: 'url', Delimiter: '/', MaxKeys: 1, Marker: 'a' });
      assert.equal(output.Marker, 'a');
      assert.deepEqual(prefixesOf(output), ['a+b/']);
      assert.equal(output.NextMarker, 'a+b/');
      const rest = await v1({ EncodingType: 'url', Delimiter: '/', Marker: 'a b/' });
      assert.equal(rest.Marker, 'a+b/');
      assert.deepEqual(keysOf(rest), ['c+d']);
    });
  });
});

describe('S3 listing a bucket of 3,000 keys', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'large-bucket';
  const keys = Array.from({ length: 3000 }, (_, i) => `test-key-${i}`);
  const sorted = utf8Sorted(keys);
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
    await createBucket(s3, bucket);
    await seedKeys(cloud.endpoint, bucket, keys);
  });
  after(() => cloud.stop());

  test('paginates with the SDK paginator, yielding every key once and in order', async () => {
    const listed: string[] = [];
    const pageSizes: number[] = [];
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
      listed.push(...keysOf(page).map(String));
      pageSizes.push(page.KeyCount ?? -1);
    }
    assert.deepEqual(listed, sorted);
    assert.equal(new Set(listed).size, 3000);
    assert.deepEqual(pageSizes, [1000, 1000, 1000]);
  });

  test('paginates with a page size and a prefix, every key once', async () => {
    const listed: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 300 },
      { Bucket: bucket, Prefix: 'test-key-1' },
    )) {
      listed.push(...keysOf(page).map(String));
      pages++;
    }
    const expected = sorted.filter((key) => key.startsWith('test-key-1'));
    assert.equal(expected.length, 1111);
    assert.deepEqual(listed, expected);
    assert.equal(pages, 4);
  });

  test('answers at most 1,000 keys for a MaxKeys above 1,000', async () => {
    const output = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1500 }));
    assert.equal(output.KeyCount, 1000);
    assert.equal(output.Contents?.length, 1000);
    assert.equal(output.IsTruncated, true);
    assert.equal(typeof output.NextContinuationToken, 'string');
  });

  test('answers 1,000 keys by default in ListObjects (v1), with a NextMarker that continues the listing', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/' }));
    assert.equal(first.Contents?.length, 1000);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.NextMarker, sorted[999]);
    const listed = keysOf(first).map(String);
    let marker: string | undefined = first.NextMarker;
    while (marker) {
      const page: ListObjectsCommandOutput = await s3.send(
        new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', Marker: marker }),
      );
      listed.push(...keysOf(page).map(String));
      marker = page.NextMarker;
    }
    assert.deepEqual(listed, sorted);
  });
});

describe('S3 listing a page larger than one written chunk', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  const bucket = 'wide-keys';
  // About 150 KB of XML, written in several chunks: characters of one, two, three and four UTF-8
  // bytes and characters that must be escaped, in every position a chunk boundary can fall.
  const keys = Array.from(
    { length: 500 },
    (_, i) => `${String(i).padStart(3, '0')}-é-日本-😀-&<>"'-${'x'.repeat(i % 37)}-ß${'\u2028'.repeat(i % 2)}`,
  );
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
    await createBucket(s3, bucket);
    await seedKeys(cloud.endpoint, bucket, keys);
  });
  after(() => cloud.stop());

  test('lists every key exactly as it was stored', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(page.KeyCount, 500);
    assert.deepEqual(keysOf(page), utf8Sorted(keys));
  });

  test('lists every key percent-encoded with encoding-type=url, which the SDK leaves encoded', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url' }));
    assert.match(
      String(page.Contents?.[0]?.Key),
      /^000-%C3%A9-%E6%97%A5%E6%9C%AC-%F0%9F%98%80-%26%3C%3E%22%27--%C3%9F$/,
    );
    assert.deepEqual(
      keysOf(page).map((key) => decodeURIComponent(String(key))),
      utf8Sorted(keys),
    );
  });
});
