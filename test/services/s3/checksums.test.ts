import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Crc32, Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import {
  algorithmOfHeader,
  type ChecksumAlgorithm,
  type CrcAlgorithm,
  checksumAlgorithms,
  checksumHeader,
  checksumOf,
  combineCrc,
  crc32c,
  crc64nvme,
  createChecksum,
  isChecksumValue,
  parseChecksumAlgorithm,
} from '../../../src/services/s3/checksums.js';

const hex = (algorithm: ChecksumAlgorithm, data: Uint8Array) =>
  Buffer.from(checksumOf(algorithm, data), 'base64').toString('hex');

/** The SDK's own calculators, which its clients use to fill `x-amz-checksum-*`. */
async function sdkChecksum(algorithm: CrcAlgorithm, pieces: Uint8Array[]): Promise<string> {
  const checksum = algorithm === 'CRC32' ? new Crc32() : algorithm === 'CRC32C' ? new Crc32cJs() : new Crc64NvmeJs();
  for (const piece of pieces) checksum.update(piece);
  return Buffer.from(await checksum.digest()).toString('base64');
}

/** `data` copied to offset `offset` of a larger buffer, so that its words are not aligned. */
function atOffset(data: Uint8Array, offset: number): Buffer {
  const holder = Buffer.alloc(data.length + offset + 8);
  holder.set(data, offset);
  return holder.subarray(offset, offset + data.length);
}

describe('checksums', () => {
  describe('known values', () => {
    const check = Buffer.from('123456789');

    test('the check values of "123456789" are those of the CRC catalogue and the SHA standards', () => {
      assert.equal(hex('CRC32', check), 'cbf43926');
      assert.equal(hex('CRC32C', check), 'e3069283');
      assert.equal(hex('CRC64NVME', check), 'ae8b14860a799888');
      assert.equal(hex('SHA1', check), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
      assert.equal(hex('SHA256', check), '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
    });

    test('the digests of "hello world" equal the ones SDK v3 sent in its x-amz-checksum-* trailers', () => {
      // Recorded from @aws-sdk/client-s3 3.1175 PutObject with each ChecksumAlgorithm.
      const data = Buffer.from('hello world');
      assert.equal(checksumOf('CRC32', data), 'DUoRhQ==');
      assert.equal(checksumOf('CRC32C', data), 'yZRlqg==');
      assert.equal(checksumOf('CRC64NVME', data), 'jSnVw/bqjr4=');
      assert.equal(checksumOf('SHA1', data), 'Kq5sNclPz7QV2+lfQIuc6R7oRu0=');
      assert.equal(checksumOf('SHA256', data), 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=');
    });

    test('the CRC32C of AWS sigv4-streaming-trailers example (66560 bytes of "a") is sOO8/Q==', () => {
      assert.equal(checksumOf('CRC32C', Buffer.alloc(66560, 'a')), 'sOO8/Q==');
    });

    test('the digests of no bytes are zero CRCs and the empty-input hashes', () => {
      const empty = new Uint8Array(0);
      assert.equal(checksumOf('CRC32', empty), 'AAAAAA==');
      assert.equal(checksumOf('CRC32C', empty), 'AAAAAA==');
      assert.equal(checksumOf('CRC64NVME', empty), 'AAAAAAAAAAA=');
      assert.equal(checksumOf('SHA1', empty), '2jmj7l5rSw0yVb/vlWAYkK/YBwk=');
      assert.equal(checksumOf('SHA256', empty), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    });

    test('crc32c and crc64nvme return the check values and chain from a previous result', () => {
      assert.equal(crc32c(check), 0xe3069283);
      assert.equal(crc64nvme(check), 0xae8b14860a799888n);
      assert.equal(crc32c(check.subarray(4), crc32c(check.subarray(0, 4))), 0xe3069283);
      assert.equal(crc64nvme(check.subarray(5), crc64nvme(check.subarray(0, 5))), 0xae8b14860a799888n);
    });
  });

  describe('against the SDK', () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      test(`${algorithm} of random inputs at every alignment and split equals the SDK's`, async () => {
        for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 255, 1000, 4096, 65536 + 89]) {
          const data = randomBytes(length);
          const expected = await sdkChecksum(algorithm, [data]);
          for (const offset of [0, 1, 2, 3, 5]) {
            assert.equal(checksumOf(algorithm, atOffset(data, offset)), expected, `length ${length} offset ${offset}`);
          }
          const checksum = createChecksum(algorithm);
          let at = 0;
          for (let step = 1; at < length; step = (step * 7 + 3) % 97) {
            checksum.update(data.subarray(at, at + step));
            at += step;
          }
          assert.equal(checksum.digest(), expected, `length ${length} in uneven pieces`);
        }
      });

      test(`${algorithm} of a buffer split at every offset equals its one-piece checksum`, () => {
        const data = randomBytes(100);
        const whole = checksumOf(algorithm, data);
        for (let split = 0; split <= data.length; split++) {
          const checksum = createChecksum(algorithm);
          checksum.update(data.subarray(0, split));
          checksum.update(data.subarray(split));
          assert.equal(checksum.digest(), whole, `split at ${split}`);
        }
      });
    }
  });

  describe('CRC64NVME in WebAssembly', () => {
    test("inputs from 1 KiB on, across the kernel's 256 KiB window and with 0-15 tail bytes, match the SDK", async () => {
      for (const length of [1024, 1025, 1039, 1040, 4111, 262_144, 262_144 + 17, 600_001]) {
        const data = randomBytes(length);
        const expected = await sdkChecksum('CRC64NVME', [data]);
        for (const offset of [0, 3]) {
          assert.equal(checksumOf('CRC64NVME', atOffset(data, offset)), expected, `length ${length} offset ${offset}`);
        }
        // Pieces on both sides of the kernel's threshold, continuing one register.
        const checksum = createChecksum('CRC64NVME');
        for (let at = 0, step = 100; at < length; at += step, step = step === 100 ? 5000 : 100) {
          checksum.update(data.subarray(at, at + step));
        }
        assert.equal(checksum.digest(), expected, `length ${length} in pieces of 100 and 5000`);
      }
    });
  });

  describe('SHA1 and SHA256', () => {
    test('a streamed SHA256 equals the one-piece digest', () => {
      const data = randomBytes(10_000);
      const checksum = createChecksum('SHA256');
      for (let at = 0; at < data.length; at += 999) checksum.update(data.subarray(at, at + 999));
      assert.equal(checksum.digest(), checksumOf('SHA256', data));
      assert.equal(checksum.algorithm, 'SHA256');
    });
  });

  describe('combineCrc', () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      test(`${algorithm} of two parts combines to the checksum of the whole`, () => {
        for (const [first, second] of [
          [0, 0],
          [5, 0],
          [0, 5],
          [1, 1],
          [100, 33],
          [4096, 70_000],
        ]) {
          const a = randomBytes(first);
          const b = randomBytes(second);
          const combined = combineCrc(algorithm, checksumOf(algorithm, a), checksumOf(algorithm, b), b.length);
          assert.equal(combined, checksumOf(algorithm, Buffer.concat([a, b])), `${first} + ${second}`);
        }
      });
    }

    test('parts of one length folded left combine to the checksum of the whole object', () => {
      const parts = Array.from({ length: 5 }, (_, i) => randomBytes(i === 4 ? 123 : 5000));
      let combined = checksumOf('CRC64NVME', parts[0]);
      for (const part of parts.slice(1)) {
        combined = combineCrc('CRC64NVME', combined, checksumOf('CRC64NVME', part), part.length);
      }
      assert.equal(combined, checksumOf('CRC64NVME', Buffer.concat(parts)));
    });
  });

  describe('headers and names', () => {
    test('each algorithm has its x-amz-checksum header and back', () => {
      assert.deepEqual(
        checksumAlgorithms.map((a) => checksumHeader(a)),
        [
          'x-amz-checksum-crc32',
          'x-amz-checksum-crc32c',
          'x-amz-checksum-crc64nvme',
          'x-amz-checksum-sha1',
          'x-amz-checksum-sha256',
        ],
      );
      for (const algorithm of checksumAlgorithms) assert.equal(algorithmOfHeader(checksumHeader(algorithm)), algorithm);
    });

    test('header names match in any case and the non-checksum x-amz-checksum-* headers match none', () => {
      assert.equal(algorithmOfHeader('X-Amz-Checksum-CRC64NVME'), 'CRC64NVME');
      assert.equal(algorithmOfHeader('x-amz-checksum-type'), undefined);
      assert.equal(algorithmOfHeader('x-amz-checksum-mode'), undefined);
      assert.equal(algorithmOfHeader('x-amz-checksum-algorithm'), undefined);
      assert.equal(algorithmOfHeader('x-amz-checksum-md5'), undefined);
    });

    test('x-amz-sdk-checksum-algorithm values parse to algorithms and MD5 or junk to undefined', () => {
      assert.equal(parseChecksumAlgorithm('CRC32'), 'CRC32');
      assert.equal(parseChecksumAlgorithm('CRC64NVME'), 'CRC64NVME');
      assert.equal(parseChecksumAlgorithm('sha256'), 'SHA256');
      assert.equal(parseChecksumAlgorithm(' CRC32C '), 'CRC32C');
      assert.equal(parseChecksumAlgorithm('MD5'), undefined);
      assert.equal(parseChecksumAlgorithm('CRC16'), undefined);
      assert.equal(parseChecksumAlgorithm(''), undefined);
      assert.equal(parseChecksumAlgorithm('toString'), undefined);
      assert.equal(parseChecksumAlgorithm(undefined), undefined);
    });

    test('a checksum value is valid only as canonical base64 of the digest length', () => {
      assert.equal(isChecksumValue('CRC32', 'DUoRhQ=='), true);
      assert.equal(isChecksumValue('CRC32', 'DUoRhQ'), false);
      assert.equal(isChecksumValue('CRC32', 'DUoR hQ=='), false);
      assert.equal(isChecksumValue('CRC32', 'jSnVw/bqjr4='), false);
      assert.equal(isChecksumValue('CRC64NVME', 'jSnVw/bqjr4='), true);
      assert.equal(isChecksumValue('SHA256', 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek='), true);
      assert.equal(isChecksumValue('SHA1', ''), false);
    });
  });
});
