/**
 * The CBOR codec alone: RFC 8949 Appendix A both ways, round trips, and hostile input that must
 * end in a SerializationException, quickly, and never in a RangeError or a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerializationException } from '../../src/errors/framework.js';
import { CborEncoder, CborTag, decodeCbor, encodeCbor } from '../../src/protocol/rpc-v2-cbor/cbor.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const decodeHex = (text: string): unknown => decodeCbor(hex(text));

/** Null-prototype maps compare equal to plain objects once copied. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof CborTag) return new CborTag(value.tag, plain(value.value));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = plain(item);
  return out;
}

const one = Array.from({ length: 25 }, (_, i) => i + 1);

/** RFC 8949 Appendix A: [value, hex]. Map keys come back as strings (integer keys as their digits). */
const appendixA: Array<[unknown, string]> = [
  [0, '00'],
  [1, '01'],
  [10, '0a'],
  [23, '17'],
  [24, '1818'],
  [25, '1819'],
  [100, '1864'],
  [1000, '1903e8'],
  [1000000, '1a000f4240'],
  [1000000000000, '1b000000e8d4a51000'],
  [18446744073709551615n, '1bffffffffffffffff'],
  [18446744073709551616n, 'c249010000000000000000'],
  [-18446744073709551616n, '3bffffffffffffffff'],
  [-18446744073709551617n, 'c349010000000000000000'],
  [-1, '20'],
  [-10, '29'],
  [-100, '3863'],
  [-1000, '3903e7'],
  [0, 'f90000'],
  [-0, 'f98000'],
  [1, 'f93c00'],
  [1.1, 'fb3ff199999999999a'],
  [1.5, 'f93e00'],
  [65504, 'f97bff'],
  [100000, 'fa47c35000'],
  [3.4028234663852886e38, 'fa7f7fffff'],
  [1.0e300, 'fb7e37e43c8800759c'],
  [2 ** -24, 'f90001'],
  [0.00006103515625, 'f90400'],
  [-4, 'f9c400'],
  [-4.1, 'fbc010666666666666'],
  [Number.POSITIVE_INFINITY, 'f97c00'],
  [Number.NaN, 'f97e00'],
  [Number.NEGATIVE_INFINITY, 'f9fc00'],
  [Number.POSITIVE_INFINITY, 'fa7f800000'],
  [Number.NaN, 'fa7fc00000'],
  [Number.NEGATIVE_INFINITY, 'faff800000'],
  [Number.POSITIVE_INFINITY, 'fb7ff0000000000000'],
  [Number.NaN, 'fb7ff8000000000000'],
  [Number.NEGATIVE_INFINITY, 'fbfff0000000000000'],
  [false, 'f4'],
  [true, 'f5'],
  [null, 'f6'],
  [undefined, 'f7'],
  [new CborTag(0, '2013-03-21T20:04:00Z'), 'c074323031332d30332d32315432303a30343a30305a'],
  [new Date(1363896240000), 'c11a514b67b0'],
  [new Date(1363896240500), 'c1fb41d452d9ec200000'],
  [new CborTag(23, hex('01020304')), 'd74401020304'],
  [new CborTag(24, hex('6449455446')), 'd818456449455446'],
  [new CborTag(32, 'http://www.example.com'), 'd82076687474703a2f2f7777772e6578616d706c652e636f6d'],
  [Buffer.alloc(0), '40'],
  [hex('01020304'), '4401020304'],
  ['', '60'],
  ['a', '6161'],
  ['IETF', '6449455446'],
  ['"\\', '62225c'],
  ['\u00fc', '62c3bc'],
  ['\u6c34', '63e6b0b4'],
  ['\ud800\udd51', '64f0908591'],
  [[], '80'],
  [[1, 2, 3], '83010203'],
  [[1, [2, 3], [4, 5]], '8301820203820405'],
  [one, '98190102030405060708090a0b0c0d0e0f101112131415161718181819'],
  [{}, 'a0'],
  [{ 1: 2, 3: 4 }, 'a201020304'],
  [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
  [['a', { b: 'c' }], '826161a161626163'],
  [{ a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }, 'a56161614161626142616361436164614461656145'],
  [hex('0102030405'), '5f42010243030405ff'],
  ['streaming', '7f657374726561646d696e67ff'],
  [[], '9fff'],
  [[1, [2, 3], [4, 5]], '9f018202039f0405ffff'],
  [[1, [2, 3], [4, 5]], '9f01820203820405ff'],
  [[1, [2, 3], [4, 5]], '83018202039f0405ff'],
  [[1, [2, 3], [4, 5]], '83019f0203ff820405'],
  [one, '9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff'],
  [{ a: 1, b: [2, 3] }, 'bf61610161629f0203ffff'],
  [['a', { b: 'c' }], '826161bf61626163ff'],
  [{ Fun: true, Amt: -2 }, 'bf6346756ef563416d7421ff'],
];

/** Appendix A values our encoder writes exactly as the RFC's preferred form. */
const encodedAsInRfc = new Set([
  '00',
  '01',
  '0a',
  '17',
  '1818',
  '1819',
  '1864',
  '1903e8',
  '1a000f4240',
  '1b000000e8d4a51000',
  '1bffffffffffffffff',
  'c249010000000000000000',
  '3bffffffffffffffff',
  'c349010000000000000000',
  '20',
  '29',
  '3863',
  '3903e7',
  'fb3ff199999999999a',
  'fa7f7fffff',
  'fb7e37e43c8800759c',
  'fbc010666666666666',
  'fa7f800000',
  'fa7fc00000',
  'faff800000',
  'f4',
  'f5',
  'f6',
  'f7',
  'c074323031332d30332d32315432303a30343a30305a',
  'd74401020304',
  'd818456449455446',
  'd82076687474703a2f2f7777772e6578616d706c652e636f6d',
  '40',
  '4401020304',
  '60',
  '6161',
  '6449455446',
  '62225c',
  '62c3bc',
  '63e6b0b4',
  '64f0908591',
  '80',
  '83010203',
  '8301820203820405',
  '98190102030405060708090a0b0c0d0e0f101112131415161718181819',
  'a0',
  'a26161016162820203',
  '826161a161626163',
  'a56161614161626142616361436164614461656145',
]);

describe('RFC 8949 Appendix A', () => {
  it('decodes every example', () => {
    for (const [value, encoded] of appendixA) {
      assert.deepStrictEqual(plain(decodeHex(encoded)), value, encoded);
    }
  });

  it('encodes integers, strings, containers and simple values in the preferred form', () => {
    for (const [value, encoded] of appendixA) {
      if (encodedAsInRfc.has(encoded)) assert.equal(encodeCbor(value).toString('hex'), encoded, encoded);
    }
  });

  it('never writes half floats: integral numbers as integers, others as the narrowest exact float', () => {
    assert.equal(encodeCbor(0).toString('hex'), '00');
    assert.equal(encodeCbor(100000).toString('hex'), '1a000186a0');
    assert.equal(encodeCbor(1.5).toString('hex'), 'fa3fc00000');
    assert.equal(encodeCbor(-0).toString('hex'), 'fa80000000');
    assert.equal(encodeCbor(2 ** -24).toString('hex'), 'fa33800000');
    const floats = new CborEncoder();
    floats.writeFloat(1);
    assert.equal(floats.finish().toString('hex'), 'fa3f800000');
  });

  it('rejects the unassigned simple values simple(16) and simple(255)', () => {
    assert.throws(() => decodeHex('f0'), SerializationException);
    assert.throws(() => decodeHex('f8ff'), SerializationException);
  });
});

describe('round trips', () => {
  const values: unknown[] = [
    0,
    23,
    24,
    255,
    256,
    65535,
    65536,
    2 ** 32 - 1,
    2 ** 32,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    -24,
    -25,
    -256,
    -257,
    -(2 ** 32),
    0.1,
    -1.5e-300,
    1.2345,
    2 ** 60,
    1e21,
    2n ** 64n - 1n,
    -(2n ** 64n),
    2n ** 100n,
    -(2n ** 100n) - 12345n,
    '',
    'x',
    'a'.repeat(23),
    'a'.repeat(24),
    'é',
    'ü'.repeat(30),
    '😀 emoji',
    '水'.repeat(1000),
    'z'.repeat(70000),
    Buffer.alloc(0),
    Buffer.from([0, 1, 2, 255]),
    Buffer.alloc(70000, 7),
    new Date(0),
    new Date(1700000000123),
    new Date(-86400000),
    [],
    [[[]]],
    [1, 'two', [3], { four: 4 }],
    { nested: { list: [true, false, null], map: { k: 'v' } } },
    true,
    false,
    null,
  ];

  it('decodes what it encodes', () => {
    for (const value of values) assert.deepStrictEqual(plain(decodeCbor(encodeCbor(value))), value);
  });

  it('keeps NaN and the infinities', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.ok(Object.is(decodeCbor(encodeCbor(value)), value));
    }
  });

  it('encodes Dates as tag 1 over a double, keeping milliseconds', () => {
    assert.equal(encodeCbor(new Date(1363896240000)).toString('hex'), 'c1fb41d452d9ec000000');
    assert.equal((decodeCbor(encodeCbor(new Date(946845296123))) as Date).getTime(), 946845296123);
  });

  it('leaves out undefined object members and encodes Maps', () => {
    assert.deepStrictEqual(plain(decodeCbor(encodeCbor({ a: 1, b: undefined }))), { a: 1 });
    assert.deepStrictEqual(plain(decodeCbor(encodeCbor(new Map([['k', 1]])))), { k: 1 });
  });

  it('decodes maps to null-prototype objects where __proto__ is just a key', () => {
    const map = decodeHex('a2695f5f70726f746f5f5fa1617801626f6b01') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(map), null);
    assert.deepStrictEqual(Object.keys(map), ['__proto__', 'ok']);
    assert.deepStrictEqual(plain(Object.getOwnPropertyDescriptor(map, '__proto__')?.value), { x: 1 });
  });

  it('refuses values it cannot encode, and cycles', () => {
    assert.throws(() => encodeCbor(() => 1), TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => encodeCbor(cycle), TypeError);
    assert.throws(() => encodeCbor(new Date(Number.NaN)), TypeError);
  });
});

describe('hostile input', () => {
  const rejects = (encoded: string | Buffer, pattern?: RegExp) => {
    const bytes = typeof encoded === 'string' ? hex(encoded) : encoded;
    assert.throws(
      () => decodeCbor(bytes),
      (error: unknown) => error instanceof SerializationException && (!pattern || pattern.test(error.message)),
      typeof encoded === 'string' ? encoded : 'buffer',
    );
  };

  it('rejects truncated input and empty input', () => {
    for (const encoded of [
      '',
      '18',
      '19 01',
      '1a 0000',
      '1b 00000000',
      '62 61',
      '82 01',
      'a1 61 61',
      '9f 01',
      'bf',
      'f9 00',
      'c1',
    ]) {
      rejects(encoded);
    }
  });

  it('rejects declared lengths larger than the input before allocating', () => {
    rejects('5b ffffffffffffffff', /declared length/);
    rejects('7a ffffffff 61', /declared length/);
    rejects('9b 00000000ffffffff 00', /declared length/);
    rejects('bb 0000000100000000 00', /declared length/);
    rejects('5f 5a ffffffff ff', /declared length/);
  });

  it('limits nesting of arrays, maps and tags', () => {
    rejects(Buffer.concat([Buffer.alloc(100_000, 0x81), Buffer.from([0])]), /nesting/);
    rejects(Buffer.alloc(100_000, 0x9f), /nesting/);
    rejects(Buffer.concat([Buffer.alloc(100_000, 0xd8), Buffer.from([0])]));
    rejects(Buffer.concat([Buffer.alloc(100_000, 0xc6), Buffer.from([0])]), /nesting/);
    assert.deepStrictEqual(decodeCbor(hex('818100'), { maxDepth: 2 }), [[0]]);
    assert.throws(() => decodeCbor(hex('81818100'), { maxDepth: 2 }), SerializationException);
  });

  it('rejects breaks, reserved values and invalid chunks', () => {
    rejects('ff', /break/);
    rejects('82 01 ff', /break/);
    for (const encoded of ['1c', '3d', '5e', '7e', '9c', 'bd', 'dc', 'fc', '1f', '3f', 'df']) rejects(encoded);
    rejects('5f 61 61 ff', /chunk/);
    rejects('7f 7f ff ff', /chunk/);
    rejects('f8 18', /simple/);
  });

  it('rejects invalid UTF-8, trailing bytes, bad tags and bad map keys', () => {
    rejects('62 c3 28', /UTF-8/);
    rejects('7f 61 c3 61 bc ff', /UTF-8/);
    rejects('00 00', /after the data item/);
    rejects('c1 61 61', /tag 1/);
    rejects('c1 fb 7ff0000000000000', /tag 1/);
    rejects('c2 01', /bignum/);
    rejects('a1 80 00', /map key/);
  });

  it('answers random and mutated bytes with a value or a SerializationException', () => {
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const valid = encodeCbor({ list: [1, -2, 1.5, 'text', Buffer.from('blob'), new Date(5), { x: [null, true] }] });
    for (let round = 0; round < 20_000; round++) {
      let bytes: Buffer;
      if (round % 2) {
        bytes = Buffer.from(Array.from({ length: Math.floor(random() * 24) }, () => Math.floor(random() * 256)));
      } else {
        bytes = Buffer.from(valid.subarray(0, 1 + Math.floor(random() * valid.length)));
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      try {
        decodeCbor(bytes);
      } catch (error) {
        assert.ok(error instanceof SerializationException, `${bytes.toString('hex')}: ${String(error)}`);
      }
    }
  });
});
