/**
 * S3 through the real AWS CLI v2 (2.9, Debian): the high-level `aws s3` commands (cp, sync, ls,
 * rm, mb, rb, presign) and a few `aws s3api` calls, path style (a temp config file sets
 * `addressing_style = path`). Set-up and checks that need no CLI go through SDK v3 in this
 * process. Each CLI call costs ~0.7 s: the suite makes 28 (30 where virtual hosts resolve). Expected values are AWS's,
 * from /tmp/s3-aws-behaviour.md and the recorded snapshots (S: snapshot keys).
 *
 * What the CLI sends over http: a single PUT (and each UploadPart) carries Content-MD5, a signed
 * hex x-amz-content-sha256 of the whole payload and `Expect: 100-continue` (no aws-chunked, no
 * flexible checksums at 2.9); files over 8 MiB go multipart in 8 MiB parts; downloads over 8 MiB
 * are parallel ranged GETs; an S3-to-S3 copy over 8 MiB is UploadPartCopy with copy ranges.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';
import { s3For } from '../services/s3/s3-helpers.js';
import { awsCli, clientEnv, runWithInput, skipAwsCli } from './tools.js';

/** The CLI's default multipart threshold and part size (8 MiB). */
const cliPartSize = 8 * 1024 * 1024;

/** `size` bytes from xorshift32: the same every run, and no part repeats another. */
function deterministicBytes(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let offset = 0; offset + 4 <= size; offset += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes.writeUInt32LE(x >>> 0, offset);
  }
  return bytes;
}

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

/** A multipart object's ETag: the MD5 of the parts' binary MD5s, then `-{part count}` (behaviour §7.1). */
function multipartEtag(data: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += partSize) {
    digests.push(
      createHash('md5')
        .update(data.subarray(offset, offset + partSize))
        .digest(),
    );
  }
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}"`;
}

/** The CLI resolves host names itself, so virtual-host addressing works only where `*.s3.localhost` resolves. */
const skipVirtualHost =
  skipAwsCli ||
  (await lookup('nimbus-probe.s3.localhost').then(
    () => false,
    () => '*.s3.localhost does not resolve on this machine, and the CLI resolves bucket host names itself',
  ));

/** The site tree `aws s3 sync` uploads: nested directories, spaces, non-ASCII and `+` in names. */
const siteFiles: Record<string, string> = {
  'index.html': '<h1>home</h1>\n',
  'css/site.css': 'body { margin: 0 }\n',
  'docs/a b/file with space.txt': 'spaces\n',
  'docs/ünïcødé/naïve ☃.txt': 'unicode\n',
  'docs/c++/plus+sign.txt': 'plus\n',
  'deep/1/2/3/leaf.txt': 'leaf\n',
};

interface CliResult {
  status: number | null;
  stdout: string;
  bytes: Buffer;
  stderr: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, read field by field
type Json = Record<string, any>;

describe('AWS CLI v2: S3', { skip: skipAwsCli }, () => {
  let cloud: NimbusCloud;
  /** SDK v3 as the CLI's account: key id `test` acts as account 000000000000. */
  let sdk: S3Client;
  let dir: string;
  let config: string;
  const bucket = 'cli-bucket';
  const small = 'hello from the aws cli\n';
  const big = deterministicBytes(20 * 1024 * 1024, 20240601);
  const piped = deterministicBytes(10 * 1024 * 1024, 7);

  before(async () => {
    cloud = await startCloud();
    sdk = s3For(cloud, { account: '000000000000' });
    dir = mkdtempSync(join(tmpdir(), 'nimbus-s3-cli-'));
    config = join(dir, 'config');
    writeFileSync(config, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
    writeFileSync(join(dir, 'small.txt'), small);
    writeFileSync(join(dir, 'big.bin'), big);
    // Files older than any object: `aws s3 sync` uploads a file whose mtime is newer than the
    // object's LastModified, so a fresh file would race the clock on the second sync.
    const old = new Date('2020-01-01T00:00:00Z');
    for (const [path, content] of Object.entries(siteFiles)) {
      const file = join(dir, 'site', path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      utimesSync(file, old, old);
    }
  });
  after(() => {
    sdk.destroy();
    rmSync(dir, { recursive: true, force: true });
    return cloud.stop();
  });

  async function aws(args: string[], input?: Buffer | string, endpoint = cloud.endpoint, configFile = config) {
    const env = clientEnv({ AWS_CONFIG_FILE: configFile });
    const options = input === undefined ? { cwd: dir } : { cwd: dir, input };
    const result = await runWithInput(awsCli, ['--endpoint-url', endpoint, '--output', 'json', ...args], env, options);
    const out: CliResult = { ...result, bytes: result.stdout, stdout: result.stdout.toString('utf8') };
    return out;
  }

  function json(result: CliResult): Json {
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as Json;
  }

  function lines(text: string): string[] {
    return text
      .split(/\r?\n/)
      .filter((line) => line !== '')
      .sort();
  }

  async function body(key: string): Promise<Buffer> {
    const out = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  }

  async function keys(prefix: string): Promise<string[]> {
    const out = await sdk.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((entry) => entry.Key as string);
  }

  describe('mb and rb', () => {
    test('s3 mb creates the bucket', async () => {
      const result = await aws(['s3', 'mb', `s3://${bucket}`]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `make_bucket: ${bucket}\n`);
      const head = await sdk.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.equal(head.$metadata.httpStatusCode, 200);
    });

    test('s3 mb of an invalid name fails with InvalidBucketName', async () => {
      const result = await aws(['s3', 'mb', 's3://Bad_Bucket']);
      assert.equal(result.status, 1);
      assert.equal(
        result.stderr.trim(),
        'make_bucket failed: s3://Bad_Bucket An error occurred (InvalidBucketName) when calling the CreateBucket operation: The specified bucket is not valid.',
      );
    });
  });

  describe('cp', () => {
    test('cp of a small file uploads it in one PUT with a guessed Content-Type', async () => {
      const result = await aws(['s3', 'cp', 'small.txt', `s3://${bucket}/docs/small.txt`, '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `upload: ./small.txt to s3://${bucket}/docs/small.txt\n`);
      const head = await sdk.send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/small.txt' }));
      assert.equal(head.ETag, `"${md5(small)}"`);
      assert.equal(head.ContentType, 'text/plain');
      assert.equal((await body('docs/small.txt')).toString('utf8'), small);
    });

    test('cp of a small object down writes the same bytes', async () => {
      const result = await aws(['s3', 'cp', `s3://${bucket}/docs/small.txt`, 'small-down.txt', '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `download: s3://${bucket}/docs/small.txt to ./small-down.txt\n`);
      assert.equal(readFileSync(join(dir, 'small-down.txt'), 'utf8'), small);
    });

    test('cp of a 20 MiB file goes multipart in 8 MiB parts (three) and stores the exact bytes', async () => {
      const result = await aws(['s3', 'cp', 'big.bin', `s3://${bucket}/big.bin`, '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `upload: ./big.bin to s3://${bucket}/big.bin\n`);
      const head = await sdk.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin', PartNumber: 1 }));
      assert.equal(head.PartsCount, 3);
      assert.equal(head.ContentLength, cliPartSize);
      assert.equal(head.ETag, multipartEtag(big, cliPartSize));
      assert.ok((await body('big.bin')).equals(big), 'the stored object is the uploaded file');
    });

    test('cp of the 20 MiB object down (parallel ranged GETs) writes the exact bytes', async () => {
      const result = await aws(['s3', 'cp', `s3://${bucket}/big.bin`, 'big-down.bin', '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `download: s3://${bucket}/big.bin to ./big-down.bin\n`);
      assert.ok(readFileSync(join(dir, 'big-down.bin')).equals(big), 'the downloaded file is the object');
    });

    test('cp - uploads 10 MiB from stdin as a multipart upload of unknown size', async () => {
      const result = await aws(['s3', 'cp', '-', `s3://${bucket}/piped.bin`, '--no-progress'], piped);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, '');
      const head = await sdk.send(new HeadObjectCommand({ Bucket: bucket, Key: 'piped.bin' }));
      assert.equal(head.ContentLength, piped.length);
      assert.equal(head.ETag, multipartEtag(piped, cliPartSize));
      assert.ok((await body('piped.bin')).equals(piped), 'the stored object is what stdin carried');
    });

    test('cp to - writes the object to stdout', async () => {
      const result = await aws(['s3', 'cp', `s3://${bucket}/piped.bin`, '-']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.bytes.length, piped.length);
      assert.ok(result.bytes.equals(piped), 'stdout carries the object');
    });

    test('cp between S3 locations copies a 20 MiB object with UploadPartCopy', async () => {
      const result = await aws([
        's3',
        'cp',
        `s3://${bucket}/big.bin`,
        `s3://${bucket}/copies/big.bin`,
        '--no-progress',
      ]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `copy: s3://${bucket}/big.bin to s3://${bucket}/copies/big.bin\n`);
      const head = await sdk.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copies/big.bin' }));
      // The CLI copies in its own 8 MiB part ranges, so the ETag is the source's.
      assert.equal(head.ETag, multipartEtag(big, cliPartSize));
      assert.equal(head.ContentType, 'application/octet-stream');
      assert.ok((await body('copies/big.bin')).equals(big), 'the copy has the source bytes');
    });
  });

  describe('ls', () => {
    test('ls lists the buckets', async () => {
      const result = await aws(['s3', 'ls']);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d cli-bucket\n$/);
    });

    test('ls of a bucket shows the top-level prefixes as PRE and the objects with their sizes', async () => {
      const result = await aws(['s3', 'ls', `s3://${bucket}/`]);
      assert.equal(result.status, 0, result.stderr);
      const listed = result.stdout.split('\n').filter((line) => line !== '');
      assert.deepEqual(listed.slice(0, 2), [
        '                           PRE copies/',
        '                           PRE docs/',
      ]);
      assert.equal(listed.length, 4);
      assert.match(listed[2] as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {3}20971520 big\.bin$/);
      assert.match(listed[3] as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {3}10485760 piped\.bin$/);
    });

    test('ls --recursive lists every key with its size, in key order', async () => {
      const result = await aws(['s3', 'ls', `s3://${bucket}`, '--recursive']);
      assert.equal(result.status, 0, result.stderr);
      const listed = result.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +/, ''));
      assert.deepEqual(listed, [
        '20971520 big.bin',
        '20971520 copies/big.bin',
        `${Buffer.byteLength(small)} docs/small.txt`,
        '10485760 piped.bin',
      ]);
    });
  });

  describe('sync and rm', () => {
    const siteKeys = Object.keys(siteFiles)
      .map((path) => `site/${path}`)
      .sort();

    test('sync uploads a tree with nested directories and keys with spaces, unicode and +', async () => {
      const result = await aws(['s3', 'sync', 'site', `s3://${bucket}/site`, '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(
        lines(result.stdout),
        siteKeys.map((key) => `upload: ${key} to s3://${bucket}/${key}`),
      );
      assert.deepEqual(await keys('site/'), siteKeys);
      for (const [path, content] of Object.entries(siteFiles)) {
        assert.equal((await body(`site/${path}`)).toString('utf8'), content, path);
      }
    });

    test('a second sync of the unchanged tree uploads nothing', async () => {
      const result = await aws(['s3', 'sync', 'site', `s3://${bucket}/site`, '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, '');
    });

    test('sync --delete removes the key of a file deleted locally', async () => {
      unlinkSync(join(dir, 'site', 'index.html'));
      const result = await aws(['s3', 'sync', 'site', `s3://${bucket}/site`, '--delete', '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `delete: s3://${bucket}/site/index.html\n`);
      assert.deepEqual(
        await keys('site/'),
        siteKeys.filter((key) => key !== 'site/index.html'),
      );
    });

    test('sync down to an empty directory recreates the tree, names decoded from the url-encoded listing', async () => {
      const result = await aws(['s3', 'sync', `s3://${bucket}/site`, 'site-down', '--no-progress']);
      assert.equal(result.status, 0, result.stderr);
      const expected = Object.keys(siteFiles).filter((path) => path !== 'index.html');
      assert.deepEqual(
        lines(result.stdout),
        expected.map((path) => `download: s3://${bucket}/site/${path} to site-down/${path}`).sort(),
      );
      for (const path of expected) {
        assert.equal(readFileSync(join(dir, 'site-down', path), 'utf8'), siteFiles[path], path);
      }
    });

    test('rm --recursive deletes every key under the prefix and nothing else', async () => {
      const result = await aws(['s3', 'rm', `s3://${bucket}/site/`, '--recursive']);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(
        lines(result.stdout),
        siteKeys.filter((key) => key !== 'site/index.html').map((key) => `delete: s3://${bucket}/${key}`),
      );
      assert.deepEqual(await keys('site/'), []);
      assert.deepEqual(await keys('docs/'), ['docs/small.txt']);
    });
  });

  describe('presign', () => {
    test('presign makes a SigV4 query-signed URL that fetch can GET', async () => {
      const result = await aws(['s3', 'presign', `s3://${bucket}/docs/small.txt`, '--expires-in', '120']);
      assert.equal(result.status, 0, result.stderr);
      const url = new URL(result.stdout.trim());
      assert.equal(`${url.origin}${url.pathname}`, `${cloud.endpoint}/${bucket}/docs/small.txt`);
      assert.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
      assert.equal(url.searchParams.get('X-Amz-Expires'), '120');
      assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'host');
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain');
      assert.equal(response.headers.get('etag'), `"${md5(small)}"`);
      assert.equal(await response.text(), small);
    });
  });

  describe('s3api', () => {
    const metaBody = '{"hello":"world"}\n';

    test('put-object with --metadata, --content-type and --tagging returns the ETag', async () => {
      writeFileSync(join(dir, 'meta.json'), metaBody);
      const out = json(
        await aws([
          's3api',
          'put-object',
          '--bucket',
          bucket,
          '--key',
          'api/meta.json',
          '--body',
          'meta.json',
          '--metadata',
          'Color=blue,Owner=me',
          '--content-type',
          'application/json',
          '--tagging',
          'team=data&tier=hot',
        ]),
      );
      assert.deepEqual(out, { ETag: `"${md5(metaBody)}"`, ServerSideEncryption: 'AES256' });
    });

    test('head-object returns the lowercased metadata, type, size and ETag', async () => {
      const out = json(await aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'api/meta.json']));
      assert.match(out.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      delete out.LastModified;
      // The CLI 2.9 model has no TagCount on HeadObject, so x-amz-tagging-count is not shown.
      assert.deepEqual(out, {
        AcceptRanges: 'bytes',
        ContentLength: Buffer.byteLength(metaBody),
        ETag: `"${md5(metaBody)}"`,
        ContentType: 'application/json',
        ServerSideEncryption: 'AES256',
        Metadata: { color: 'blue', owner: 'me' },
      });
    });

    test('get-object-tagging returns the tags put-object set', async () => {
      const out = json(await aws(['s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'api/meta.json']));
      assert.deepEqual(out, {
        TagSet: [
          { Key: 'team', Value: 'data' },
          { Key: 'tier', Value: 'hot' },
        ],
      });
    });

    let firstPage: Json = {};
    test('list-objects-v2 --max-items pages with a NextToken the next call resumes from', async () => {
      for (const key of ['page/1', 'page/2', 'page/3']) {
        await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      }
      const base = ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'page/', '--page-size', '1'];
      firstPage = json(await aws([...base, '--max-items', '2']));
      assert.deepEqual(
        firstPage.Contents.map((entry: Json) => [entry.Key, entry.Size, entry.ETag, entry.StorageClass]),
        [
          ['page/1', 6, `"${md5('page/1')}"`, 'STANDARD'],
          ['page/2', 6, `"${md5('page/2')}"`, 'STANDARD'],
        ],
      );
      assert.equal(typeof firstPage.NextToken, 'string');
      const rest = json(await aws([...base, '--max-items', '2', '--starting-token', firstPage.NextToken]));
      assert.deepEqual(
        rest.Contents.map((entry: Json) => entry.Key),
        ['page/3'],
      );
      assert.equal(rest.NextToken, undefined);
    });

    test('list-objects-v2 LastModified has whole seconds, as head-object shows it', () => {
      // S3 keeps seconds: XML bodies carry `2023-11-15T12:02:40.000Z` (LocalStack's AWS-validated
      // test_s3_list_objects_timestamp_precision), which the CLI prints as `...:40+00:00`.
      for (const entry of firstPage.Contents ?? []) {
        assert.match(entry.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      }
      assert.ok(firstPage.Contents?.length, 'the previous test listed objects');
    });

    test('get-object of a missing key fails with NoSuchKey and AWS message', async () => {
      const result = await aws(['s3api', 'get-object', '--bucket', bucket, '--key', 'missing.txt', 'out.txt']);
      assert.equal(result.status, 254);
      assert.equal(
        result.stderr.trim(),
        'An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.',
      );
    });

    test('list-objects-v2 of a missing bucket fails with NoSuchBucket and AWS message', async () => {
      const result = await aws(['s3api', 'list-objects-v2', '--bucket', 'cli-no-such-bucket']);
      assert.equal(result.status, 254);
      assert.equal(
        result.stderr.trim(),
        'An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist',
      );
    });

    test('head-object of a missing key fails with a bodyless 404', async () => {
      const result = await aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'missing.txt']);
      assert.equal(result.status, 254);
      // HEAD errors have no body, so botocore names the error after the status (S: head-object-404).
      assert.equal(result.stderr.trim(), 'An error occurred (404) when calling the HeadObject operation: Not Found');
    });
  });

  describe('virtual-host addressing', { skip: skipVirtualHost }, () => {
    test('s3api put-object and s3 ls address the bucket as {bucket}.s3.localhost', async () => {
      const virtualConfig = join(dir, 'config-virtual');
      writeFileSync(virtualConfig, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = virtual\n');
      const endpoint = `http://s3.localhost:${new URL(cloud.endpoint).port}`;
      const put = await aws(
        ['s3api', 'put-object', '--bucket', bucket, '--key', 'virtual/hello.txt', '--body', 'small.txt'],
        undefined,
        endpoint,
        virtualConfig,
      );
      assert.deepEqual(json(put), { ETag: `"${md5(small)}"`, ServerSideEncryption: 'AES256' });
      const listed = await aws(['s3', 'ls', `s3://${bucket}/virtual/`], undefined, endpoint, virtualConfig);
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +23 hello\.txt\n$/);
    });
  });

  describe('rb', () => {
    test('rb of a non-empty bucket fails with BucketNotEmpty', async () => {
      const result = await aws(['s3', 'rb', `s3://${bucket}`]);
      assert.equal(result.status, 1);
      assert.equal(
        result.stderr.trim(),
        `remove_bucket failed: s3://${bucket} An error occurred (BucketNotEmpty) when calling the DeleteBucket operation: The bucket you tried to delete is not empty`,
      );
    });

    test('rb --force deletes the objects, then the bucket', async () => {
      const remaining = await keys('');
      const result = await aws(['s3', 'rb', `s3://${bucket}`, '--force']);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [
        ...remaining.map((key) => `delete: s3://${bucket}/${key}`),
        `remove_bucket: ${bucket}`,
      ]);
      const buckets = await sdk.send(new ListBucketsCommand({}));
      assert.deepEqual(buckets.Buckets ?? [], []);
    });
  });
});
