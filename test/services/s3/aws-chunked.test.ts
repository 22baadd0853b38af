import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand, S3Client, type ChecksumAlgorithm as SdkChecksumAlgorithm } from '@aws-sdk/client-s3';
import {
  AwsChunkedDecoder,
  AwsChunkedError,
  type AwsChunkedErrorReason,
  type AwsChunkedOptions,
  AwsChunkedParser,
  decodeAwsChunked,
  isStreamingPayload,
  parseTrailerHeader,
  type StreamingPayload,
  s3MinChunkSize,
} from '../../../src/protocol/rest-xml/aws-chunked.js';
import {
  algorithmOfHeader,
  checksumOf,
  createChecksum,
  parseChecksumAlgorithm,
} from '../../../src/services/s3/checksums.js';

const unsignedTrailer: StreamingPayload = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const signedPayload: StreamingPayload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const signedTrailer: StreamingPayload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';

// Bodies SDK v3 (@aws-sdk/client-s3 3.1175) sent for PutObject of a Node Readable, recorded
// with a node:http server; the AWS CLI (botocore 1.43) sent the one-chunk form over https.
const sdkTwoChunks = '6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
const sdkEmpty = '0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
const sdkCrc64 = 'b\r\nhello world\r\n0\r\nx-amz-checksum-crc64nvme:jSnVw/bqjr4=\r\n\r\n';
const cliOneChunk = 'b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';

/**
 * Signs chunks as sigv4-streaming.html does, with the credentials, date and scope of AWS's
 * examples, so that bodies built from AWS's seed signatures reproduce AWS's chunk signatures.
 */
const example = (() => {
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
  const key = ['20130524', 'us-east-1', 's3', 'aws4_request'].reduce<string | Buffer>(
    (k, part) => hmac(k, part),
    'AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  );
  const scope = ['20130524T000000Z', '20130524/us-east-1/s3/aws4_request'];
  const sign = (kind: string, previous: string, hash: string) =>
    hmac(key, [kind, ...scope, previous, hash].join('\n')).toString('hex');
  return {
    /** The body of `chunks` (data only; the final empty chunk is added) signed from `seed`. */
    body(seed: string, chunks: Buffer[], trailers?: [string, string][]): Buffer {
      const out: Buffer[] = [];
      let previous = seed;
      for (const data of [...chunks, Buffer.alloc(0)]) {
        previous = sign('AWS4-HMAC-SHA256-PAYLOAD', previous, `${sha256('')}\n${sha256(data)}`);
        out.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`), data);
        if (data.length > 0 || !trailers) out.push(Buffer.from('\r\n'));
      }
      if (trailers) {
        const canonical = trailers.map(([name, value]) => `${name}:${value}\n`).join('');
        const signature = sign('AWS4-HMAC-SHA256-TRAILER', previous, sha256(canonical));
        const lines = trailers.map(([name, value]) => `${name}:${value}\r\n`).join('');
        out.push(Buffer.from(`${lines}x-amz-trailer-signature:${signature}\r\n\r\n`));
      }
      return Buffer.concat(out);
    },
  };
})();

/** Decodes `body` fed in the pieces cut at `cuts`, returning the data and the result. */
function decode(body: Buffer | string, options: AwsChunkedOptions, cuts: number[] = []) {
  const input = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const parser = new AwsChunkedParser(options);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    parser.write(input.subarray(at, cut), (data) => pieces.push(data));
    at = cut;
  }
  return { ...parser.end(), data: Buffer.concat(pieces), pieces, input };
}

/** Asserts that decoding throws an AwsChunkedError with `reason`, and returns it. */
function refusal(body: Buffer | string, options: AwsChunkedOptions, reason: AwsChunkedErrorReason): AwsChunkedError {
  let caught: unknown;
  try {
    decode(body, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof AwsChunkedError, `expected an AwsChunkedError, got ${caught}`);
  assert.equal(caught.reason, reason, caught.message);
  assert.equal(caught.name, 'AwsChunkedError');
  return caught;
}

describe('aws-chunked', () => {
  describe('what SDK v3 and the AWS CLI send', () => {
    test('an SDK v3 stream of two writes decodes to its data and its CRC32 trailer', () => {
      const result = decode(sdkTwoChunks, {
        payload: unsignedTrailer,
        decodedContentLength: 11,
        trailer: 'x-amz-checksum-crc32',
      });
      assert.equal(result.data.toString(), 'hello world');
      assert.equal(result.decodedLength, 11);
      assert.deepEqual([...result.trailers], [['x-amz-checksum-crc32', 'DUoRhQ==']]);
      assert.equal(result.trailerSignature, undefined);
      assert.equal(result.trailers.get('x-amz-checksum-crc32'), checksumOf('CRC32', result.data));
    });

    test('an empty SDK v3 stream decodes to no bytes and the CRC32 of nothing', () => {
      const result = decode(sdkEmpty, {
        payload: unsignedTrailer,
        decodedContentLength: 0,
        trailer: 'x-amz-checksum-crc32',
      });
      assert.equal(result.data.length, 0);
      assert.equal(result.trailers.get('x-amz-checksum-crc32'), 'AAAAAA==');
    });

    test('the CRC64NVME trailer of SDK v3 and the CLI one-chunk body decode alike', () => {
      const crc64 = decode(sdkCrc64, { payload: unsignedTrailer, trailer: 'x-amz-checksum-crc64nvme' });
      assert.equal(crc64.trailers.get('x-amz-checksum-crc64nvme'), checksumOf('CRC64NVME', crc64.data));
      const cli = decode(cliOneChunk, { payload: unsignedTrailer, decodedContentLength: 11 });
      assert.equal(cli.data.toString(), 'hello world');
      assert.equal(cli.trailers.get('x-amz-checksum-crc32'), 'DUoRhQ==');
    });

    test('decoded data are views of the input, not copies', () => {
      const result = decode(sdkTwoChunks, { payload: unsignedTrailer });
      assert.equal(result.pieces.length, 2);
      for (const piece of result.pieces) assert.equal(piece.buffer, result.input.buffer);
    });
  });

  describe('the signed framings of AWS examples', () => {
    const data = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')];

    test('the sigv4-streaming example is 66824 bytes with AWS chunk signatures and decodes to 66560 "a"', () => {
      const body = example.body('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9', data);
      assert.equal(body.length, 66824); // the example's Content-Length
      const text = body.toString('latin1');
      for (const signature of [
        'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
        '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
        'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
      ]) {
        assert.ok(text.includes(`;chunk-signature=${signature}\r\n`), signature);
      }
      const result = decode(body, { payload: signedPayload, decodedContentLength: 66560 }, [100, 65630, 65700]);
      assert.ok(result.data.equals(Buffer.concat(data)));
      assert.equal(result.trailers.size, 0);
    });

    test('the sigv4-streaming-trailers example decodes to its data, CRC32C trailer and trailer signature', () => {
      const body = example.body('106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e', data, [
        ['x-amz-checksum-crc32c', 'sOO8/Q=='],
      ]);
      assert.ok(
        body
          .toString('latin1')
          .includes(';chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n'),
      );
      const result = decode(body, {
        payload: signedTrailer,
        decodedContentLength: 66560,
        trailer: 'x-amz-checksum-crc32c',
      });
      assert.equal(result.decodedLength, 66560);
      assert.equal(result.trailers.get('x-amz-checksum-crc32c'), 'sOO8/Q==');
      assert.equal(result.trailers.get('x-amz-checksum-crc32c'), checksumOf('CRC32C', result.data));
      assert.equal(result.trailerSignature, 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435');
    });

    test('the trailer example as AWS prints it, with an empty line before the trailers and none after, decodes', () => {
      const signature = 'ab'.repeat(32);
      const body =
        `5;chunk-signature=${signature}\r\nhello\r\n0;chunk-signature=${signature}\r\n\r\n` +
        `x-amz-checksum-crc32c:${checksumOf('CRC32C', Buffer.from('hello'))}\r\nx-amz-trailer-signature:${signature}\r\n`;
      const result = decode(body, { payload: signedTrailer, trailer: 'x-amz-checksum-crc32c' });
      assert.equal(result.data.toString(), 'hello');
      assert.equal(result.trailers.size, 1);
      assert.equal(result.trailerSignature, signature);
    });

    test('SigV4a chunk signatures, hex padded with "*", are accepted', () => {
      const signature = `${'3045'.repeat(17)}${'*'.repeat(76)}`;
      const body = `5;chunk-signature=${signature}\r\nhello\r\n0;chunk-signature=${signature}\r\n\r\n`;
      assert.equal(decode(body, { payload: 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' }).data.toString(), 'hello');
    });
  });

  describe('split anywhere', () => {
    const signature = 'c0ffee'.repeat(10).slice(0, 64);
    const samples: [string, string, AwsChunkedOptions][] = [
      [
        'SDK v3 two chunks',
        sdkTwoChunks,
        { payload: unsignedTrailer, decodedContentLength: 11, trailer: 'x-amz-checksum-crc32' },
      ],
      ['SDK v3 empty', sdkEmpty, { payload: unsignedTrailer, decodedContentLength: 0 }],
      [
        'signed',
        example.body(signature, [Buffer.from('abc\r\n'), Buffer.from('\r\n0\r\n')]).toString('latin1'),
        { payload: signedPayload, decodedContentLength: 10 },
      ],
      [
        'signed with trailers',
        example
          .body(signature, [Buffer.from('12345678'), Buffer.from('9')], [['x-amz-checksum-crc32c', '4waSgw==']])
          .toString('latin1'),
        { payload: signedTrailer, decodedContentLength: 9, trailer: 'x-amz-checksum-crc32c' },
      ],
    ];

    for (const [name, body, options] of samples) {
      test(`${name}: every split into two and into three pieces decodes to the same data and trailers`, () => {
        const whole = decode(body, options);
        const same = (cuts: number[]) => {
          const result = decode(body, options, cuts);
          assert.ok(result.data.equals(whole.data), `cuts ${cuts}`);
          assert.deepEqual([...result.trailers], [...whole.trailers], `cuts ${cuts}`);
          assert.equal(result.trailerSignature, whole.trailerSignature);
        };
        for (let i = 0; i <= body.length; i++) {
          for (let j = i; j <= body.length; j++) same([i, j]);
        }
        same(Array.from({ length: body.length }, (_, i) => i));
      });
    }

    test('a large body cut into random pieces decodes to its data', () => {
      const chunks = [randomBytes(70_000), randomBytes(8192), randomBytes(1)];
      const body = example.body(signature, chunks, [
        ['x-amz-checksum-sha256', checksumOf('SHA256', Buffer.concat(chunks))],
      ]);
      const cuts: number[] = [];
      for (let at = 0; at < body.length; at += 1 + Math.floor(Math.random() * 300)) cuts.push(at);
      const result = decode(body, { payload: signedTrailer, decodedContentLength: 78_193 }, cuts);
      assert.ok(result.data.equals(Buffer.concat(chunks)));
      assert.equal(result.trailers.get('x-amz-checksum-sha256'), checksumOf('SHA256', result.data));
    });
  });

  describe('incomplete bodies', () => {
    test('every prefix that stops before the final chunk is IncompleteBody', () => {
      const finalChunk = sdkTwoChunks.indexOf('0\r\n');
      for (let length = 0; length <= finalChunk + 1; length++) {
        const error = refusal(sdkTwoChunks.slice(0, length), { payload: unsignedTrailer }, 'IncompleteBody');
        assert.match(error.message, /ended/);
      }
    });

    test('a body cut inside a chunk names the chunk and the bytes missing', () => {
      const error = refusal('6\r\nhel', { payload: unsignedTrailer }, 'IncompleteBody');
      assert.equal(error.message, 'the aws-chunked body ended inside chunk 1, 3 bytes short');
    });

    test('a body cut inside a trailer line is IncompleteBody', () => {
      refusal('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:', { payload: unsignedTrailer }, 'IncompleteBody');
    });

    test('a body that ends after the final chunk line or a whole trailer line, without the closing CRLF, decodes', () => {
      assert.equal(decode('5\r\nhello\r\n0\r\n', { payload: unsignedTrailer }).data.toString(), 'hello');
      const trailers = decode('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n', {
        payload: unsignedTrailer,
      }).trailers;
      assert.equal(trailers.get('x-amz-checksum-crc32'), 'NhCmhg==');
    });
  });

  describe('malformed chunks', () => {
    const signature = 'f'.repeat(64);
    const cases: [string, string, StreamingPayload][] = [
      ['a size that is not hex', 'zz\r\nhello\r\n0\r\n\r\n', unsignedTrailer],
      ['an empty size', '\r\nhello\r\n0\r\n\r\n', unsignedTrailer],
      ['a size of more than 13 hex digits', '10000000000000\r\n', unsignedTrailer],
      ['a size line ending in a bare LF', '5\nhello\r\n0\r\n\r\n', unsignedTrailer],
      ['data longer than its size', '3\r\nhello\r\n0\r\n\r\n', unsignedTrailer],
      ['data not followed by CRLF', '5\r\nhello\n\r\n0\r\n\r\n', unsignedTrailer],
      [
        'a chunk extension in an unsigned payload',
        `5;chunk-signature=${signature}\r\nhello\r\n0\r\n\r\n`,
        unsignedTrailer,
      ],
      ['a signed chunk without a signature', '5\r\nhello\r\n0\r\n\r\n', signedPayload],
      ['a signature of 63 hex digits', `5;chunk-signature=${signature.slice(1)}\r\nhello\r\n`, signedPayload],
      ['another chunk extension', `5;chunk-sig=${signature}\r\nhello\r\n`, signedPayload],
      [
        'trailers after a payload without them',
        `0;chunk-signature=${signature}\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n`,
        signedPayload,
      ],
      ['data after the end', `0;chunk-signature=${signature}\r\n\r\n5\r\n`, signedPayload],
      ['data after the end of the trailers', '0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n\r\n', unsignedTrailer],
    ];
    for (const [what, body, payload] of cases) {
      test(`${what} is MalformedChunk`, () => {
        refusal(body, { payload }, 'MalformedChunk');
      });
    }

    test('a size line longer than 4096 bytes is MalformedChunk before its end arrives', () => {
      const parser = new AwsChunkedParser({ payload: unsignedTrailer });
      parser.write(Buffer.from('0'.repeat(4000)), () => {});
      assert.throws(
        () => parser.write(Buffer.from('0'.repeat(100)), () => {}),
        (error: unknown) => error instanceof AwsChunkedError && error.reason === 'MalformedChunk',
      );
    });
  });

  describe('malformed trailers', () => {
    const signature = '0'.repeat(64);
    const cases: [string, string, AwsChunkedOptions][] = [
      ['a trailer line without a colon', '0\r\nx-amz-checksum-crc32\r\n\r\n', { payload: unsignedTrailer }],
      ['an empty trailer name', '0\r\n:AAAAAA==\r\n\r\n', { payload: unsignedTrailer }],
      ['a trailer line ending in a bare LF', '0\r\nx-amz-checksum-crc32:AAAAAA==\n\r\n', { payload: unsignedTrailer }],
      [
        'a repeated trailer',
        '0\r\nx-amz-checksum-crc32:A\r\nx-amz-checksum-crc32:B\r\n\r\n',
        { payload: unsignedTrailer },
      ],
      [
        'a trailer that x-amz-trailer does not declare',
        '0\r\nx-amz-checksum-sha1:A\r\n\r\n',
        { payload: unsignedTrailer, trailer: 'x-amz-checksum-crc32' },
      ],
      [
        'a declared trailer that does not come',
        '0\r\n\r\n',
        { payload: unsignedTrailer, trailer: 'x-amz-checksum-crc32' },
      ],
      [
        'a trailer signature in an unsigned payload',
        `0\r\nx-amz-trailer-signature:${signature}\r\n\r\n`,
        { payload: unsignedTrailer },
      ],
      [
        'signed trailers without their signature',
        `0;chunk-signature=${signature}\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n`,
        { payload: signedTrailer },
      ],
      [
        'a trailer signature that is not 64 hex digits',
        `0;chunk-signature=${signature}\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:xyz\r\n\r\n`,
        { payload: signedTrailer },
      ],
      ['trailers over 16 KiB', `0\r\n${'x-amz-meta-a:b\r\n'.repeat(1200)}\r\n`, { payload: unsignedTrailer }],
    ];
    for (const [what, body, options] of cases) {
      test(`${what} is MalformedTrailer`, () => {
        refusal(body, options, 'MalformedTrailer');
      });
    }

    test('trailer names are lowercased and values trimmed', () => {
      const result = decode('0\r\nX-Amz-Checksum-CRC32 : AAAAAA== \r\n\r\n', {
        payload: unsignedTrailer,
        trailer: ['x-amz-checksum-crc32'],
      });
      assert.deepEqual([...result.trailers], [['x-amz-checksum-crc32', 'AAAAAA==']]);
    });
  });

  describe('x-amz-decoded-content-length', () => {
    test('a body longer than declared is refused at the size line, before the excess is decoded', () => {
      const parser = new AwsChunkedParser({ payload: unsignedTrailer, decodedContentLength: 8 });
      const seen: Buffer[] = [];
      let caught: unknown;
      try {
        parser.write(Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), (data) => seen.push(data));
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof AwsChunkedError);
      assert.equal(caught.reason, 'DecodedLengthMismatch');
      assert.deepEqual(caught.details, { expected: 8, actual: 11 });
      assert.equal(caught.message, 'x-amz-decoded-content-length is 8 but the chunks hold at least 11 bytes');
      assert.equal(Buffer.concat(seen).toString(), 'hello');
    });

    test('a body shorter than declared is refused at its final chunk', () => {
      const error = refusal(
        sdkTwoChunks,
        { payload: unsignedTrailer, decodedContentLength: 12 },
        'DecodedLengthMismatch',
      );
      assert.deepEqual(error.details, { expected: 12, actual: 11 });
      assert.equal(error.message, 'x-amz-decoded-content-length is 12 but the chunks hold 11 bytes');
    });
  });

  describe('minimum chunk size', () => {
    test('a small chunk before another is ChunkTooSmall with the Chunk and BadChunkSize S3 reports', () => {
      // AWS's answer to "hello" sent in chunks of 3 and 2 (versity/versitygw#1683).
      const error = refusal(
        '3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n',
        { payload: unsignedTrailer, minChunkSize: s3MinChunkSize },
        'ChunkTooSmall',
      );
      assert.deepEqual(error.details, { chunk: 2, badChunkSize: 3 });
      assert.equal(error.message, 'Only the last chunk is allowed to have a size less than 8192 bytes');
    });

    test('only the last chunk may be small, and without minChunkSize any chunk may', () => {
      const body = `2000\r\n${'a'.repeat(8192)}\r\n1\r\nb\r\n0\r\n\r\n`;
      assert.equal(decode(body, { payload: unsignedTrailer, minChunkSize: s3MinChunkSize }).decodedLength, 8193);
      assert.equal(decode(sdkTwoChunks, { payload: unsignedTrailer }).decodedLength, 11);
    });
  });

  describe('headers', () => {
    test('the streaming x-amz-content-sha256 values are recognised and others are not', () => {
      for (const value of [
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
        'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
      ]) {
        assert.equal(isStreamingPayload(value), true, value);
      }
      for (const value of [
        'UNSIGNED-PAYLOAD',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'toString',
        undefined,
      ]) {
        assert.equal(isStreamingPayload(value), false, value);
      }
      assert.throws(() => new AwsChunkedParser({ payload: 'UNSIGNED-PAYLOAD' as StreamingPayload }), TypeError);
    });

    test('a decodedContentLength that is not a non-negative integer is a TypeError, not a refused body', () => {
      for (const decodedContentLength of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) {
        assert.throws(() => new AwsChunkedParser({ payload: unsignedTrailer, decodedContentLength }), TypeError);
      }
    });

    test('x-amz-trailer lists lowercased names', () => {
      assert.deepEqual(parseTrailerHeader('x-amz-checksum-crc32'), ['x-amz-checksum-crc32']);
      assert.deepEqual(parseTrailerHeader(' X-Amz-Checksum-CRC32C , x-amz-checksum-sha1,'), [
        'x-amz-checksum-crc32c',
        'x-amz-checksum-sha1',
      ]);
      assert.deepEqual(parseTrailerHeader(undefined), []);
    });
  });

  describe('AwsChunkedDecoder and decodeAwsChunked', () => {
    test('the decoder in a pipeline passes the data on and holds the trailers once it ends', async () => {
      const decoder = new AwsChunkedDecoder({ payload: unsignedTrailer, decodedContentLength: 11 });
      const out: Buffer[] = [];
      const body = Buffer.from(sdkTwoChunks);
      const pieces = [body.subarray(0, 2), body.subarray(2, 10), body.subarray(10, 30), body.subarray(30)];
      await pipeline(
        Readable.from(pieces),
        decoder,
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            out.push(chunk);
            callback();
          },
        }),
      );
      assert.equal(Buffer.concat(out).toString(), 'hello world');
      assert.equal(decoder.decodedLength, 11);
      assert.equal(decoder.chunkCount, 2);
      assert.equal(decoder.trailers.get('x-amz-checksum-crc32'), 'DUoRhQ==');
      assert.equal(decoder.trailerSignature, undefined);
    });

    test('a pipeline through the decoder rejects with its AwsChunkedError', async () => {
      const decoder = new AwsChunkedDecoder({ payload: unsignedTrailer });
      await assert.rejects(
        pipeline(Readable.from([Buffer.from('5\r\nhel')]), decoder, new Writable({ write: (_c, _e, cb) => cb() })),
        (error: unknown) => error instanceof AwsChunkedError && error.reason === 'IncompleteBody',
      );
      const malformed = new AwsChunkedDecoder({ payload: unsignedTrailer });
      await assert.rejects(
        pipeline(Readable.from([Buffer.from('x\r\n')]), malformed, new Writable({ write: (_c, _e, cb) => cb() })),
        (error: unknown) => error instanceof AwsChunkedError && error.reason === 'MalformedChunk',
      );
    });

    test('decodeAwsChunked returns the data and trailers of a whole body', () => {
      const result = decodeAwsChunked(Buffer.from(sdkTwoChunks), { payload: unsignedTrailer });
      assert.equal(result.data.toString(), 'hello world');
      assert.equal(result.trailers.get('x-amz-checksum-crc32'), 'DUoRhQ==');
    });
  });

  describe('live SDK v3 uploads', () => {
    interface Received {
      headers: IncomingHttpHeaders;
      data: Buffer;
      chunkCount: number;
      trailers: ReadonlyMap<string, string>;
      checksum: string | undefined;
      error?: AwsChunkedError;
    }
    let received: Received[] = [];
    let minChunkSize: number | undefined;
    const server = createServer(async (req, res) => {
      const payload = req.headers['x-amz-content-sha256'] as string | undefined;
      assert.ok(isStreamingPayload(payload), `x-amz-content-sha256: ${payload}`);
      const decoder = new AwsChunkedDecoder({
        payload,
        decodedContentLength: Number(req.headers['x-amz-decoded-content-length']),
        trailer: req.headers['x-amz-trailer'],
        minChunkSize,
      });
      const algorithm = parseChecksumAlgorithm(req.headers['x-amz-sdk-checksum-algorithm'] as string);
      assert.ok(algorithm);
      const checksum = createChecksum(algorithm);
      const parts: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          checksum.update(chunk);
          parts.push(chunk);
          callback();
        },
      });
      const entry: Received = {
        headers: req.headers,
        data: Buffer.alloc(0),
        chunkCount: 0,
        trailers: new Map(),
        checksum: undefined,
      };
      received.push(entry);
      try {
        await pipeline(req, decoder, sink);
      } catch (error) {
        entry.error = error as AwsChunkedError;
        res.writeHead(400, { connection: 'close' }).end();
        return;
      }
      Object.assign(entry, {
        data: Buffer.concat(parts),
        chunkCount: decoder.chunkCount,
        trailers: decoder.trailers,
        checksum: checksum.digest(),
      });
      res.writeHead(200, { etag: '"etag"' }).end();
    });
    let endpoint = '';
    const client = (extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
      new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        // The retry strategy warns on the console of every failed streaming upload, even the expected one.
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        ...extra,
      });
    before(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    const pieces = [randomBytes(3000), randomBytes(70_000), randomBytes(1), randomBytes(65_536), randomBytes(10)];
    const total = pieces.reduce((sum, p) => sum + p.length, 0);

    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      test(`PutObject of a stream with ${algorithm} decodes to its bytes with one chunk per write and a matching trailer`, async () => {
        received = [];
        minChunkSize = undefined;
        await client().send(
          new PutObjectCommand({
            Bucket: 'b',
            Key: 'k',
            Body: Readable.from(pieces),
            ContentLength: total,
            ChecksumAlgorithm: algorithm as SdkChecksumAlgorithm,
          }),
        );
        const [entry] = received;
        assert.equal(entry.error, undefined);
        assert.equal(entry.headers['content-encoding'], 'aws-chunked');
        assert.equal(entry.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
        assert.equal(entry.headers['x-amz-decoded-content-length'], String(total));
        assert.equal(algorithmOfHeader(entry.headers['x-amz-trailer'] as string), algorithm);
        assert.ok(entry.data.equals(Buffer.concat(pieces)));
        assert.equal(entry.chunkCount, pieces.length);
        assert.equal(entry.trailers.get(entry.headers['x-amz-trailer'] as string), entry.checksum);
      });
    }

    test('an unbuffered stream of small writes fails S3 minimum chunk size and requestStreamBufferSize fixes it', async () => {
      const small = Array.from({ length: 10 }, () => randomBytes(3000));
      minChunkSize = s3MinChunkSize;
      received = [];
      await assert.rejects(
        client().send(
          new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Readable.from(small), ContentLength: 30_000 }),
        ),
      );
      assert.equal(received[0].error?.reason, 'ChunkTooSmall');
      assert.deepEqual(received[0].error?.details, { chunk: 2, badChunkSize: 3000 });

      received = [];
      await client({ requestStreamBufferSize: s3MinChunkSize }).send(
        new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Readable.from(small), ContentLength: 30_000 }),
      );
      assert.equal(received[0].error, undefined);
      assert.ok(received[0].data.equals(Buffer.concat(small)));
      assert.equal(received[0].chunkCount, 4); // 3 x 9000 bytes, then the last 3000
    });
  });
});
