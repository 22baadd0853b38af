/**
 * CBOR (RFC 8949, https://www.rfc-editor.org/rfc/rfc8949.html) for the smithy-rpc-v2-cbor
 * protocol: the encoder here, the decoder in cbor-decode.ts, both exported from this module.
 *
 * The encoder writes into one Buffer that doubles as it fills. Integers take their smallest
 * form, bigints past 64 bits become bignums, other numbers single floats when exact and
 * doubles otherwise (never half floats: the Smithy spec says SHOULD NOT), Dates tag 1 over a
 * double, as AWS sends them. Object members whose value is undefined are left out, as
 * JSON.stringify does.
 */
import { CborTag } from './cbor-decode.js';

export { type CborDecodeOptions, CborTag, decodeCbor } from './cbor-decode.js';

const twoTo32 = 0x1_0000_0000;
const maxUint64 = 0xffff_ffff_ffff_ffffn;

/** Writes CBOR into one Buffer that doubles as it fills; `finish()` returns the bytes written. */
export class CborEncoder {
  private buf: Buffer;
  private pos = 0;
  private depth = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(count: number): void {
    if (this.pos + count <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + count));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A head with a non-negative safe integer argument, in its shortest form. */
  private head(major: number, value: number): void {
    this.ensure(9);
    const buf = this.buf;
    const type = major << 5;
    if (value < 24) buf[this.pos++] = type | value;
    else if (value < 0x100) {
      buf[this.pos] = type | 24;
      buf[this.pos + 1] = value;
      this.pos += 2;
    } else if (value < 0x1_0000) {
      buf[this.pos] = type | 25;
      this.pos = buf.writeUInt16BE(value, this.pos + 1);
    } else if (value < twoTo32) {
      buf[this.pos] = type | 26;
      this.pos = buf.writeUInt32BE(value, this.pos + 1);
    } else {
      buf[this.pos] = type | 27;
      buf.writeUInt32BE(Math.floor(value / twoTo32), this.pos + 1);
      this.pos = buf.writeUInt32BE(value >>> 0, this.pos + 5);
    }
  }

  /** A head with a bigint argument of at most 64 bits. */
  private bigHead(major: number, value: bigint): void {
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.head(major, Number(value));
      return;
    }
    this.ensure(9);
    this.buf[this.pos] = (major << 5) | 27;
    this.pos = this.buf.writeBigUInt64BE(value, this.pos + 1);
  }

  writeArrayHeader(length: number): void {
    this.head(4, length);
  }

  writeMapHeader(size: number): void {
    this.head(5, size);
  }

  writeTag(tag: number): void {
    this.head(6, tag);
  }

  private byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  writeBoolean(value: boolean): void {
    this.byte(value ? 0xf5 : 0xf4);
  }

  writeNull(): void {
    this.byte(0xf6);
  }

  writeUndefined(): void {
    this.byte(0xf7);
  }

  /** An integer as major type 0 or 1, or as a bignum (tag 2 or 3) past 64 bits. */
  writeInteger(value: number | bigint): void {
    if (typeof value === 'number') {
      if (Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
        if (value >= 0) this.head(0, value);
        else this.head(1, -1 - value);
        return;
      }
      value = BigInt(value);
    }
    const negative = value < 0n;
    const magnitude = negative ? -1n - value : value;
    if (magnitude <= maxUint64) {
      this.bigHead(negative ? 1 : 0, magnitude);
      return;
    }
    let hex = magnitude.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    this.writeTag(negative ? 3 : 2);
    this.writeBytes(Buffer.from(hex, 'hex'));
  }

  /** A float: single precision when that is exact (the infinities and NaN included), double otherwise. */
  writeFloat(value: number): void {
    this.ensure(9);
    if (Number.isNaN(value) || Math.fround(value) === value) {
      this.buf[this.pos] = 0xfa;
      // One NaN for all: the canonical quiet NaN.
      if (Number.isNaN(value)) this.pos = this.buf.writeUInt32BE(0x7fc0_0000, this.pos + 1);
      else this.pos = this.buf.writeFloatBE(value, this.pos + 1);
    } else {
      this.buf[this.pos] = 0xfb;
      this.pos = this.buf.writeDoubleBE(value, this.pos + 1);
    }
  }

  /** Any number: an integer when it is one (and not -0), a float otherwise. */
  writeNumber(value: number): void {
    if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER && !Object.is(value, -0)) {
      this.writeInteger(value);
    } else {
      this.writeFloat(value);
    }
  }

  writeText(text: string): void {
    const length = text.length;
    // Short ASCII strings are written in one pass; anything else measures first.
    if (length < 24) {
      this.ensure(1 + length);
      const buf = this.buf;
      const start = this.pos;
      let i = 0;
      for (; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) break;
        buf[start + 1 + i] = code;
      }
      if (i === length) {
        buf[start] = 0x60 | length;
        this.pos = start + 1 + length;
        return;
      }
    }
    const size = Buffer.byteLength(text, 'utf8');
    this.head(3, size);
    this.ensure(size);
    this.pos += this.buf.write(text, this.pos, size, 'utf8');
  }

  writeBytes(bytes: Uint8Array): void {
    this.head(2, bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A timestamp as tag 1 over double-precision epoch seconds, the form AWS sends. */
  writeDate(date: Date): void {
    const millis = date.getTime();
    if (Number.isNaN(millis)) throw new TypeError('cannot encode an invalid Date');
    this.ensure(10);
    this.buf[this.pos] = 0xc1;
    this.buf[this.pos + 1] = 0xfb;
    this.pos = this.buf.writeDoubleBE(millis / 1000, this.pos + 2);
  }

  /** Any JavaScript value the codec knows; throws TypeError on functions, symbols and cycles. */
  writeValue(value: unknown): void {
    const type = typeof value;
    if (type === 'string') this.writeText(value as string);
    else if (type === 'number') this.writeNumber(value as number);
    else if (type === 'boolean') this.writeBoolean(value as boolean);
    else if (type === 'bigint') this.writeInteger(value as bigint);
    else if (type === 'undefined') this.writeUndefined();
    else if (value === null) this.writeNull();
    else if (type !== 'object') throw new TypeError(`cannot encode a ${type} as CBOR`);
    else if (++this.depth > 1000) throw new TypeError('cannot encode a value nested deeper than 1000 (a cycle?)');
    else {
      this.writeObject(value as object);
      this.depth--;
    }
  }

  private writeObject(value: object): void {
    if (Array.isArray(value)) {
      this.writeArrayHeader(value.length);
      for (const item of value) this.writeValue(item);
    } else if (value instanceof Uint8Array) {
      this.writeBytes(value);
    } else if (value instanceof Date) {
      this.writeDate(value);
    } else if (value instanceof CborTag) {
      if (typeof value.tag === 'bigint') this.bigHead(6, value.tag);
      else this.head(6, value.tag);
      this.writeValue(value.value);
    } else if (value instanceof Map) {
      this.writeMapHeader(value.size);
      for (const [key, item] of value) {
        this.writeValue(key);
        this.writeValue(item);
      }
    } else {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      let size = 0;
      for (const key of keys) if (record[key] !== undefined) size++;
      this.writeMapHeader(size);
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        this.writeText(key);
        this.writeValue(item);
      }
    }
  }

  /** The bytes written so far (a view of the encoder's buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Encodes one value; see CborEncoder.writeValue. */
export function encodeCbor(value: unknown): Buffer {
  const encoder = new CborEncoder();
  encoder.writeValue(value);
  return encoder.finish();
}
