/**
 * Message attributes: AWS's checks on them, their share of the message size, and the MD5
 * digests the SDKs verify on every send and receive.
 *
 * MD5OfMessageAttributes (and MD5OfMessageSystemAttributes, the same over AWSTraceHeader):
 * the attributes sorted by name, each encoded as
 *   4-byte big-endian length + UTF-8 name, 4-byte length + UTF-8 data type,
 *   1 byte transport type (1 String/Number, 2 Binary), 4-byte length + value bytes,
 * and the MD5 of the concatenation, in hex.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
import { hash } from 'node:crypto';
import { InvalidParameterValue } from '../../errors/common.js';
import type * as T from '../../generated/sqs/types.js';

/** An attribute as it is stored: binary values as base64 text. */
export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type StoredAttributes = Record<string, StoredAttribute>;

const maxAttributes = 10;
const maxNameLength = 256;
/** Letters and digits of any script (LocalStack's AWS-validated test accepts `attr.1øßä`), `_`, `-`, `.`. */
const namePattern = /^[\p{L}\p{N}_.-]+$/u;
const maxTypeLength = 256;
const typePattern = /^(String|Number|Binary)(\..+)?$/;

function bytesOf(value: T.MessageAttributeValue['BinaryValue'] | string | undefined): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Checks user message attributes as SQS does and returns them in stored form with their
 * size in bytes (names, types and values count towards the message size).
 */
export function checkMessageAttributes(
  attributes: T.MessageBodyAttributeMap | undefined,
  kind: 'user' | 'system' = 'user',
): { stored: StoredAttributes | undefined; size: number } {
  if (!attributes) return { stored: undefined, size: 0 };
  const names = Object.keys(attributes);
  if (names.length === 0) return { stored: undefined, size: 0 };
  if (names.length > maxAttributes) {
    throw new InvalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${maxAttributes}].`,
    );
  }
  const stored: StoredAttributes = {};
  let size = 0;
  for (const name of names) {
    const attribute = attributes[name] as T.MessageAttributeValue;
    if (name === '') throw new InvalidParameterValue('The request must contain non-empty message attribute name.');
    checkName(name, kind);
    const type = attribute.DataType ?? '';
    if (type === '') {
      throw new InvalidParameterValue(
        `The message (${kind}) attribute '${name}' must contain a non-empty attribute type.`,
      );
    }
    if (!typePattern.test(type) || type.length > maxTypeLength) {
      throw new InvalidParameterValue(
        `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (attribute.StringListValues?.length || attribute.BinaryListValues?.length) {
      throw new InvalidParameterValue(
        `Message (${kind}) attribute '${name}' has a list value, which is not supported.`,
      );
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(type);
    if (type.startsWith('Binary')) {
      const bytes = bytesOf(attribute.BinaryValue);
      if (bytes.length === 0) {
        throw new InvalidParameterValue(
          `Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`,
        );
      }
      size += bytes.length;
      stored[name] = { DataType: type, BinaryValue: bytes.toString('base64') };
    } else {
      const value = attribute.StringValue ?? '';
      const base = type.startsWith('Number') ? 'Number' : 'String';
      if (value === '') {
        throw new InvalidParameterValue(
          `Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`,
        );
      }
      if (base === 'Number' && !isSqsNumber(value)) {
        throw new InvalidParameterValue(`Can't parse the value of message (${kind}) attribute '${name}' to a number.`);
      }
      if (!validCharacters(value)) {
        throw new InvalidParameterValue(
          `Message (${kind}) attribute '${name}' contains invalid characters. Valid unicode characters are ${allowedCharacters}.`,
        );
      }
      size += Buffer.byteLength(value);
      stored[name] = { DataType: type, StringValue: value };
    }
  }
  return { stored, size };
}

function checkName(name: string, kind: 'user' | 'system'): void {
  const lower = name.toLowerCase();
  if (
    name.length > maxNameLength ||
    !namePattern.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..') ||
    (kind === 'user' && (lower.startsWith('aws.') || lower.startsWith('amazon.')))
  ) {
    throw new InvalidParameterValue(
      `Message (${kind}) attribute name '${name}' is invalid. Message (${kind}) attribute names can contain only alphanumeric characters, hyphens, underscores and periods, can be at most 256 characters long, and cannot start with AWS. or Amazon. (case insensitive).`,
    );
  }
}

/** SQS numbers: up to 38 digits of precision, between 10^-128 and 10^+126. */
function isSqsNumber(value: string): boolean {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return false;
  const digits = value
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return digits.length <= 38;
}

/** The characters a message may hold (https://www.w3.org/TR/REC-xml/#charsets). */
export const allowedCharacters = '#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';

/**
 * The first character of `text` that SQS refuses (other control characters, U+FFFE/U+FFFF,
 * lone surrogates), or undefined when all are allowed.
 */
const anyInvalid = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function invalidCharacter(text: string): number | undefined {
  // The regex answers the common case (nothing invalid) far faster than a loop over a large body.
  if (!anyInvalid.test(text)) return undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0xd800) continue;
    if (code === 0x9 || code === 0xa || code === 0xd) continue;
    if (code >= 0xe000 && code <= 0xfffd) continue;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return code;
  }
  return undefined;
}

export function validCharacters(text: string): boolean {
  return invalidCharacter(text) === undefined;
}

function lengthPrefixed(bytes: Buffer, parts: Buffer[]): void {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  parts.push(length, bytes);
}

/** The MD5 digest of a set of stored attributes, as AWS computes it. */
export function attributesMd5(attributes: StoredAttributes): string {
  const parts: Buffer[] = [];
  // Sorted by name as Java compares strings (UTF-16 code units), which is what JS sort does.
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name] as StoredAttribute;
    lengthPrefixed(Buffer.from(name, 'utf8'), parts);
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'), parts);
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64'), parts);
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'), parts);
    }
  }
  return hash('md5', Buffer.concat(parts), 'hex');
}

export function bodyMd5(body: string): string {
  return hash('md5', body, 'hex');
}

/** Stored attributes as a response gives them (binary values as bytes). */
export function attributesOutput(stored: StoredAttributes): T.MessageBodyAttributeMap {
  const out: T.MessageBodyAttributeMap = {};
  for (const [name, attribute] of Object.entries(stored)) {
    out[name] =
      attribute.BinaryValue !== undefined
        ? { DataType: attribute.DataType, BinaryValue: Buffer.from(attribute.BinaryValue, 'base64') }
        : { DataType: attribute.DataType, StringValue: attribute.StringValue ?? '' };
  }
  return out;
}

/**
 * The attributes a receive asked for by MessageAttributeNames: `All`, `*` or `.*` for every one,
 * `X.*` for every name that starts with X (`Hel.*` takes `Hello` and `Help.Me`), else exact
 * names; names that could never match (`AWS.`) simply match nothing
 * (test_receive_message_message_attribute_names_filters).
 */
export function selectAttributes(stored: StoredAttributes, wanted: readonly string[]): StoredAttributes | undefined {
  if (wanted.length === 0) return undefined;
  const out: StoredAttributes = {};
  let any = false;
  for (const [name, attribute] of Object.entries(stored)) {
    for (const pattern of wanted) {
      const match =
        pattern === 'All' ||
        pattern === '*' ||
        pattern === '.*' ||
        (pattern.endsWith('.*') ? name.startsWith(pattern.slice(0, -2)) : name === pattern);
      if (match) {
        out[name] = attribute;
        any = true;
        break;
      }
    }
  }
  return any ? out : undefined;
}

/** A message's bytes as the batch limit counts them, before any check: body, then each attribute's name, type and value. */
export function rawMessageSize(input: { MessageBody?: string; MessageAttributes?: T.MessageBodyAttributeMap }): number {
  let size = typeof input.MessageBody === 'string' ? Buffer.byteLength(input.MessageBody, 'utf8') : 0;
  for (const [name, attribute] of Object.entries(input.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType ?? '');
    if (attribute.StringValue !== undefined) size += Buffer.byteLength(attribute.StringValue);
    else size += bytesOf(attribute.BinaryValue).length;
  }
  return size;
}
