import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type ChecksumAlgorithm,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { checksumOf } from '../../../src/services/s3/checksums.js';
import { startCloud } from '../../helpers/cloud.js';
import { editHeaders, md5Base64, md5Hex, plainS3, recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const algorithms = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
type Algorithm = (typeof algorithms)[number];
const checksumMember = (algorithm: Algorithm) => `Checksum${algorithm}` as const;
const body = 'test-string';

describe('Content-MD5', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  test('a matching Content-MD5 is accepted', async () => {
    await createBucket(s3, 'bucket-a');
    const out = await s3.send(
      new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'something', ContentMD5: md5Base64('something') }),
    );
    assert.equal(out.ETag, '"437b930db84b8079c2dd804a71936b5f"');
  });

  for (const value of ['__invalid__', '000', 'not base64 encoded checksum', 'MTIz', 'dGVzdC1zdHJpbmc=']) {
    test(`Content-MD5 "${value}" is InvalidDigest naming the value`, async () => {
      await createBucket(s3, 'bucket-a');
      await assertS3Error(
        s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'something', ContentMD5: value })),
        {
          code: 'InvalidDigest',
          status: 400,
          message: 'The Content-MD5 you specified was invalid.',
          fields: { 'Content-MD5': value },
        },
      );
    });
  }

  test('a well-formed Content-MD5 of other bytes is BadDigest: expected in hex, calculated in base64', async () => {
    await createBucket(s3, 'bucket-a');
    const wrong = md5Base64('another body');
    await assertS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'something', ContentMD5: wrong })),
      {
        code: 'BadDigest',
        status: 400,
        message: 'The Content-MD5 you specified did not match what we received.',
        fields: { ExpectedDigest: md5Hex('another body'), CalculatedDigest: md5Base64('something') },
      },
    );
    await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), {
      code: 'NotFound',
      status: 404,
    });
  });

  test('a refused upload leaves the previous object in place', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'old' }));
    await assertS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: 'new', ContentMD5: md5Base64('x') })),
      { code: 'BadDigest', status: 400 },
    );
    assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))), 'old');
  });
});

describe('flexible checksums in headers', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let plain: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
    plain = plainS3(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  for (const algorithm of algorithms) {
    const expected = checksumOf(algorithm, Buffer.from(body));
    test(`${algorithm}: the SDK's header is verified, echoed, and returned by GET, HEAD and GetObjectAttributes`, async () => {
      await createBucket(s3, 'bucket-a');
      const exchanges = recordExchanges(s3);
      const put = await s3.send(
        new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body, ChecksumAlgorithm: algorithm }),
      );
      assert.equal(exchanges[0]?.requestHeaders[`x-amz-checksum-${algorithm.toLowerCase()}`], expected);
      assert.equal(put[checksumMember(algorithm)], expected);
      assert.equal(put.ChecksumType, 'FULL_OBJECT');
      const get = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
      assert.equal(await text(get), body);
      assert.equal(get[checksumMember(algorithm)], expected);
      assert.equal(get.ChecksumType, 'FULL_OBJECT');
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
      assert.equal(head[checksumMember(algorithm)], expected);
      const attributes = await s3.send(
        new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'k', ObjectAttributes: ['Checksum'] }),
      );
      assert.deepEqual(attributes.Checksum, { [checksumMember(algorithm)]: expected, ChecksumType: 'FULL_OBJECT' });
    });

    test(`${algorithm}: a well-formed value of other bytes is BadDigest and nothing is stored`, async () => {
      await createBucket(s3, 'bucket-a');
      const input: PutObjectCommandInput = { Bucket: 'bucket-a', Key: 'k', Body: body };
      input[checksumMember(algorithm)] = checksumOf(algorithm, Buffer.from('other bytes'));
      await assertS3Error(s3.send(new PutObjectCommand(input)), {
        code: 'BadDigest',
        status: 400,
        message: `The ${algorithm} you specified did not match the calculated checksum.`,
      });
      await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), {
        code: 'NotFound',
        status: 404,
      });
    });

    test(`${algorithm}: a value that is not base64 of the digest length is InvalidRequest`, async () => {
      await createBucket(s3, 'bucket-a');
      for (const value of ['wrong checksum', `${expected}AA==`, 'AAAA']) {
        const input: PutObjectCommandInput = { Bucket: 'bucket-a', Key: 'k', Body: body };
        input[checksumMember(algorithm)] = value;
        await assertS3Error(s3.send(new PutObjectCommand(input)), {
          code: 'InvalidRequest',
          status: 400,
          message: `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`,
        });
      }
    });
  }

  test('two checksum headers are InvalidRequest', async () => {
    await createBucket(s3, 'bucket-a');
    await assertS3Error(
      plain.send(
        new PutObjectCommand({
          Bucket: 'bucket-a',
          Key: 'k',
          Body: body,
          ChecksumCRC32: checksumOf('CRC32', Buffer.from(body)),
          ChecksumSHA256: checksumOf('SHA256', Buffer.from(body)),
        }),
      ),
      {
        code: 'InvalidRequest',
        status: 400,
        message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      },
    );
  });

  test('the value header decides the algorithm when x-amz-sdk-checksum-algorithm names another', async () => {
    await createBucket(s3, 'bucket-a');
    const other = plainS3(cloud);
    editHeaders(other, (headers) => {
      headers['x-amz-sdk-checksum-algorithm'] = 'CRC32';
    });
    const sha256 = checksumOf('SHA256', Buffer.from(body));
    await other.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body, ChecksumSHA256: sha256 }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, sha256);
    assert.equal(head.ChecksumCRC32, undefined);
  });

  test('x-amz-sdk-checksum-algorithm without a value leaves the object with the default CRC64NVME', async () => {
    await createBucket(s3, 'bucket-a');
    const only = plainS3(cloud);
    editHeaders(only, (headers) => {
      headers['x-amz-sdk-checksum-algorithm'] = 'SHA256';
    });
    await only.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumCRC64NVME, checksumOf('CRC64NVME', Buffer.from(body)));
    assert.equal(head.ChecksumSHA256, undefined);
  });

  test('a client that sends no checksum gets a CRC64NVME computed by S3, on PUT, GET, HEAD and attributes', async () => {
    await createBucket(s3, 'bucket-a');
    const expected = checksumOf('CRC64NVME', Buffer.from(body));
    const exchanges = recordExchanges(plain);
    const put = await plain.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body }));
    assert.equal(
      Object.keys(exchanges[0]?.requestHeaders ?? {}).some((name) => name.startsWith('x-amz-checksum')),
      false,
    );
    assert.equal(put.ChecksumCRC64NVME, expected);
    assert.equal(put.ChecksumType, 'FULL_OBJECT');
    const get = await plain.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
    assert.equal(get.ChecksumCRC64NVME, expected);
    const attributes = await s3.send(
      new GetObjectAttributesCommand({ Bucket: 'bucket-a', Key: 'k', ObjectAttributes: ['Checksum'] }),
    );
    assert.deepEqual(attributes.Checksum, { ChecksumCRC64NVME: expected, ChecksumType: 'FULL_OBJECT' });
  });

  test('GET and HEAD name no checksum without ChecksumMode', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body, ChecksumAlgorithm: 'SHA1' }));
    const exchanges = recordExchanges(plain);
    const get = await plain.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    const head = await plain.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(get.ChecksumSHA1, undefined);
    assert.equal(head.ChecksumSHA1, undefined);
    for (const exchange of exchanges) {
      assert.equal(exchange.requestHeaders['x-amz-checksum-mode'], undefined);
      assert.equal(exchange.headers['x-amz-checksum-sha1'], undefined);
      assert.equal(exchange.headers['x-amz-checksum-type'], undefined);
    }
  });

  test('ChecksumMode is case-insensitive: "enabled" works', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: body, ChecksumAlgorithm: 'SHA1' }));
    const lower = plainS3(cloud);
    editHeaders(lower, (headers) => {
      headers['x-amz-checksum-mode'] = 'enabled';
    });
    const head = await lower.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.ChecksumSHA1, checksumOf('SHA1', Buffer.from(body)));
  });

  test('the checksum is over the bytes as stored: a gzip body is hashed as sent', async () => {
    await createBucket(s3, 'bucket-a');
    const { gzipSync } = await import('node:zlib');
    const gzipped = gzipSync(Buffer.from('compressed text'));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        Body: gzipped,
        ContentEncoding: 'gzip',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    assert.equal(put.ChecksumSHA256, checksumOf('SHA256', gzipped));
  });
});

describe('flexible checksums in aws-chunked trailers', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const pieces = [Buffer.alloc(70_000, 'a'), Buffer.from('middle'), Buffer.alloc(9000, 'z')];
  const whole = Buffer.concat(pieces);

  for (const algorithm of algorithms) {
    test(`${algorithm}: a streamed body arrives whole, its trailer is verified and kept`, async () => {
      await createBucket(s3, 'bucket-a');
      const exchanges = recordExchanges(s3);
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: 'bucket-a',
          Key: 'k',
          Body: Readable.from(pieces),
          ContentLength: whole.length,
          ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
        }),
      );
      assert.equal(exchanges[0]?.requestHeaders['content-encoding'], 'aws-chunked');
      assert.equal(exchanges[0]?.requestHeaders['x-amz-trailer'], `x-amz-checksum-${algorithm.toLowerCase()}`);
      const expected = checksumOf(algorithm, whole);
      assert.equal(put[checksumMember(algorithm)], expected);
      assert.equal(put.ETag, `"${md5Hex(whole)}"`);
      const get = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
      assert.equal(get.ContentLength, whole.length);
      assert.equal(get.ContentEncoding, undefined);
      assert.equal(get[checksumMember(algorithm)], expected);
      assert.ok(Buffer.from((await get.Body?.transformToByteArray()) ?? []).equals(whole));
    });
  }

  test('a streamed body with the SDK default algorithm is kept with a CRC32', async () => {
    await createBucket(s3, 'bucket-a');
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: Readable.from(pieces), ContentLength: whole.length }),
    );
    assert.equal(put.ChecksumCRC32, checksumOf('CRC32', whole));
  });

  test('a streamed body with its own Content-Encoding keeps it, without aws-chunked', async () => {
    await createBucket(s3, 'bucket-a');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        Body: Readable.from([Buffer.from('plain')]),
        ContentLength: 5,
        ContentEncoding: 'identity',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.equal(head.ContentEncoding, 'identity');
  });

  /** An unsigned aws-chunked PUT with one data chunk and the given trailer, as SDKs frame it. */
  const chunkedPut = (key: string, data: string, trailer: string, value: string) =>
    fetch(`${cloud.endpoint}/bucket-a/${key}`, {
      method: 'PUT',
      body: `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n0\r\n${trailer}:${value}\r\n\r\n`,
      headers: {
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(Buffer.byteLength(data)),
        'x-amz-trailer': trailer,
      },
    });

  test('a trailer checksum of other bytes is BadDigest and nothing is stored', async () => {
    await createBucket(s3, 'bucket-a');
    const response = await chunkedPut('k', 'hello', 'x-amz-checksum-crc32c', checksumOf('CRC32C', Buffer.from('bye')));
    assert.equal(response.status, 400);
    const xml = await response.text();
    assert.match(
      xml,
      /<Code>BadDigest<\/Code><Message>The CRC32C you specified did not match the calculated checksum\.<\/Message>/,
    );
    await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), {
      code: 'NotFound',
      status: 404,
    });
  });

  test('a trailer value that is not a digest is InvalidRequest naming the header', async () => {
    await createBucket(s3, 'bucket-a');
    const response = await chunkedPut('k', 'hello', 'x-amz-checksum-sha256', 'not-a-digest');
    assert.equal(response.status, 400);
    assert.match(
      await response.text(),
      /<Code>InvalidRequest<\/Code><Message>Value for x-amz-checksum-sha256 header is invalid\.<\/Message>/,
    );
  });

  test('a matching trailer is kept and the decoded bytes stored', async () => {
    await createBucket(s3, 'bucket-a');
    const response = await chunkedPut('k', 'hello', 'x-amz-checksum-crc32', checksumOf('CRC32', Buffer.from('hello')));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-amz-checksum-crc32'), 'NhCmhg==');
    const get = await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k', ChecksumMode: 'ENABLED' }));
    assert.equal(await text(get), 'hello');
    assert.equal(get.ChecksumCRC32, 'NhCmhg==');
  });
});
