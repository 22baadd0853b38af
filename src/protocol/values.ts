/**
 * Scalar conversions every protocol family shares: timestamps in AWS's three formats,
 * blobs, numbers written as text, and null-prototype maps.
 *
 * Timestamp formats (https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait):
 * `date-time` (RFC 3339, botocore `iso8601`), `http-date` (RFC 7231 IMF-fixdate, botocore
 * `rfc822`), `epoch-seconds` (botocore `unixTimestamp`, fractional seconds allowed).
 */
import { SerializationException } from '../errors/framework.js';
import type { Member, Shape, TimestampFormat } from './model-types.js';

/** The format a member's timestamp uses: its own trait, then its shape's, then the location's default. */
/**
 * How a writer formats a timestamp member without its own format: a model format, or ISO 8601
 * that always keeps the milliseconds (S3's XML bodies: `2009-10-12T17:50:30.000Z` in every
 * sample of the docs' ListObjectsV2, ListBuckets and CopyObject responses).
 */
export type TimestampStyle = TimestampFormat | 'iso8601Milliseconds';

export function timestampFormatOf<F extends TimestampStyle>(member: Member, fallback: F): TimestampFormat | F {
  return member.timestampFormat ?? member.shape.timestampFormat ?? fallback;
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):?(\d{2}))?$/;

/** Parses a timestamp in the given format; throws SerializationException when it is not one. */
export function parseTimestamp(text: string, format: TimestampFormat): Date {
  const trimmed = text.trim();
  let millis = Number.NaN;
  if (format === 'unixTimestamp' || (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed) && format !== 'rfc822')) {
    const seconds = Number(trimmed);
    if (trimmed !== '' && Number.isFinite(seconds)) millis = Math.round(seconds * 1000);
  } else if (format === 'iso8601') {
    const match = isoPattern.exec(trimmed);
    if (match) {
      const [, y, mo, d, h, mi, s, fraction, sign, oh, om] = match;
      millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
      if (fraction) millis += Math.round(Number(`0.${fraction}`) * 1000);
      if (sign) millis -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    }
  } else {
    millis = Date.parse(trimmed);
  }
  if (Number.isNaN(millis)) throw new SerializationException(`Invalid timestamp: ${text}`);
  return new Date(millis);
}

/** A timestamp value as a Date: providers may give a Date, epoch seconds or an ISO string. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') return new Date(value);
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

/** Formats a timestamp; ISO 8601 drops the milliseconds when they are zero, as AWS does. */
export function formatTimestamp(value: unknown, format: TimestampStyle): string {
  const date = toDate(value);
  switch (format) {
    case 'iso8601Milliseconds':
      return date.toISOString();
    case 'unixTimestamp':
      return String(date.getTime() / 1000);
    case 'rfc822':
      return date.toUTCString();
    default: {
      const iso = date.toISOString();
      return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
    }
  }
}

/** Epoch seconds of a timestamp value, fractional when it has milliseconds. */
export function epochSeconds(value: unknown): number {
  return toDate(value).getTime() / 1000;
}

/** A blob value as bytes: providers may give a Buffer, any Uint8Array or a UTF-8 string. */
export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new TypeError('not a blob');
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes base64 strictly enough to reject text that is not base64. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !base64Pattern.test(compact)) {
    throw new SerializationException(`Invalid base64: ${text.slice(0, 32)}`);
  }
  return Buffer.from(compact, 'base64');
}

/** Parses a number written as text (query strings, headers, XML), NaN and the infinities included. */
export function parseNumberText(text: string, shape: Shape): number {
  const trimmed = text.trim();
  if (trimmed === 'NaN') return Number.NaN;
  if (trimmed === 'Infinity') return Number.POSITIVE_INFINITY;
  if (trimmed === '-Infinity') return Number.NEGATIVE_INFINITY;
  const value = Number(trimmed);
  if (trimmed === '' || Number.isNaN(value)) {
    throw new SerializationException(`Invalid number for ${shape.name}: ${text.slice(0, 64)}`);
  }
  return value;
}

/** Writes a number as text the way AWS does: NaN and the infinities by name. */
export function formatNumberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(value);
}

export function parseBooleanText(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  throw new SerializationException(`Invalid boolean: ${text.slice(0, 64)}`);
}

/** An empty map whose keys can never reach Object.prototype (`__proto__` is just a key). */
export function newMap<V = unknown>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

export function isNumericType(shape: Shape): boolean {
  switch (shape.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigdecimal':
    case 'biginteger':
      return true;
    default:
      return false;
  }
}
