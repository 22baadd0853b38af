/**
 * Scalars written as text outside a body: URI labels, query-string values and headers, as the
 * HTTP binding traits define them (https://smithy.io/2.0/spec/http-bindings.html):
 * - numbers as decimal text (NaN, Infinity, -Infinity by name), booleans as `true`/`false`;
 * - timestamps as `date-time` in labels and query strings, `http-date` in headers, unless the
 *   member names another format;
 * - blobs as base64; `jsonvalue` strings (headers only) as base64 of the JSON text;
 * - a list in a header is comma-separated, each item a quoted string when it holds a comma or
 *   a double quote; `http-date` timestamps carry a comma of their own, so their lists are cut
 *   after every second comma.
 */
import { SerializationException } from '../../errors/framework.js';
import type { Member, TimestampFormat } from '../model-types.js';
import type { TimestampStyle } from '../values.js';
import {
  decodeBase64,
  formatNumberText,
  formatTimestamp,
  isNumericType,
  parseBooleanText,
  parseNumberText,
  parseTimestamp,
  timestampFormatOf,
  toBuffer,
} from '../values.js';

/** Reads one scalar from its text form; throws SerializationException when it does not parse. */
export function readText(member: Member, text: string, defaultFormat: TimestampFormat): unknown {
  const shape = member.shape;
  switch (shape.type) {
    case 'string':
    case 'character':
      if (member.jsonvalue) return readJsonValueText(text);
      return text;
    case 'boolean':
      return parseBooleanText(text);
    case 'timestamp':
      return parseTimestamp(text, timestampFormatOf(member, defaultFormat));
    case 'blob':
      return decodeBase64(text);
    default:
      if (isNumericType(shape)) return parseNumberText(text, shape);
      throw new SerializationException(`Cannot read ${shape.type} ${shape.name} from text`);
  }
}

/** Writes one scalar as text. */
export function writeText(member: Member, value: unknown, defaultFormat: TimestampStyle): string {
  const shape = member.shape;
  switch (shape.type) {
    case 'timestamp':
      return formatTimestamp(value, timestampFormatOf(member, defaultFormat));
    case 'blob':
      return toBuffer(value).toString('base64');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
    case 'character':
      if (member.jsonvalue) return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
      return String(value);
    default:
      if (typeof value === 'number') return formatNumberText(value);
      return String(value);
  }
}

function readJsonValueText(text: string): unknown {
  const json = decodeBase64(text).toString('utf8');
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new SerializationException(`Header value is not base64-encoded JSON: ${text.slice(0, 64)}`);
  }
}

/**
 * Splits a header list: items are separated by commas, an item in double quotes may hold commas
 * and backslash-escaped quotes, whitespace around items is not part of them.
 */
export function splitHeaderList(value: string): string[] {
  const items: string[] = [];
  // An empty header is an empty list, not a list of one empty string.
  if (value.trim() === '') return items;
  let index = 0;
  const length = value.length;
  while (index <= length) {
    while (index < length && (value[index] === ' ' || value[index] === '\t')) index++;
    if (value[index] === '"') {
      let item = '';
      index++;
      while (index < length && value[index] !== '"') {
        if (value[index] === '\\' && index + 1 < length) index++;
        item += value[index];
        index++;
      }
      items.push(item);
      const comma = value.indexOf(',', index);
      if (comma < 0) break;
      index = comma + 1;
    } else {
      const comma = value.indexOf(',', index);
      const end = comma < 0 ? length : comma;
      items.push(value.slice(index, end).trim());
      if (comma < 0) break;
      index = comma + 1;
    }
  }
  return items;
}

/** Splits a list of http-date timestamps, each of which holds one comma (`Mon, 16 Dec 2019 ...`). */
export function splitHttpDateList(value: string): string[] {
  const parts = value.split(',');
  const items: string[] = [];
  for (let index = 0; index < parts.length; index += 2) {
    items.push(`${parts[index]},${parts[index + 1] ?? ''}`.trim());
  }
  return items;
}

const needsQuotes = /[,"]/;
const quoteEscapes = /["\\]/g;

/** An item of a header list, quoted when it would otherwise be split or misread. */
export function quoteHeaderListItem(text: string): string {
  if (!needsQuotes.test(text) && text.trim() === text) return text;
  return `"${text.replace(quoteEscapes, (c) => `\\${c}`)}"`;
}
