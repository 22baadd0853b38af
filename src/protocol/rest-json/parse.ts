/**
 * rest-json bodies, read (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html):
 * a structure is a JSON object keyed by each member's `locationName` (jsonName) or name; lists
 * are arrays, maps objects; timestamps are epoch seconds unless the member names another
 * format; blobs are base64 strings; floats may be the strings `NaN`, `Infinity`, `-Infinity`;
 * documents are any JSON value, taken as is; a null member is an unset one, and null items of
 * lists and maps are dropped (botocore's models do not mark the rare sparse collections, and AWS's
 * are dense by default). Unknown keys are
 * ignored, as AWS's services ignore them. Values of the wrong JSON type are a
 * SerializationException, as AWS answers them.
 */
import { SerializationException } from '../../errors/framework.js';
import type { Member, Shape } from '../model-types.js';
import { decodeBase64, isNumericType, newMap, parseTimestamp, timestampFormatOf } from '../values.js';

/** Parses a JSON body; an empty body is undefined. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new SerializationException(`Could not parse the request body as JSON: ${(error as Error).message}`);
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const keyTables = new WeakMap<readonly Member[], Map<string, Member>>();

/** The members of a structure (or a subset, e.g. its body members) by their JSON key. */
function keyTableOf(members: readonly Member[]): Map<string, Member> {
  let table = keyTables.get(members);
  if (!table) {
    table = new Map(members.map((member) => [member.locationName ?? member.name, member]));
    keyTables.set(members, table);
  }
  return table;
}

/** Reads the given members of a structure from a JSON object into `target`. */
export function readJsonMembers(
  members: readonly Member[],
  object: Record<string, unknown>,
  target: Record<string, unknown>,
): void {
  const table = keyTableOf(members);
  for (const key of Object.keys(object)) {
    const member = table.get(key);
    if (!member) continue;
    const value = object[key];
    if (value === null || value === undefined) continue;
    target[member.name] = readJsonValue(member, value);
  }
}

/** Reads one member's value from its JSON form. */
export function readJsonValue(member: Member, value: unknown): unknown {
  const shape = member.shape;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure': {
      if (!isJsonObject(value)) throw mismatch(member, 'an object', value);
      const result: Record<string, unknown> = {};
      readJsonMembers(shape.members, value, result);
      return result;
    }
    case 'list': {
      if (!Array.isArray(value)) throw mismatch(member, 'an array', value);
      const item = shape.member as Member;
      const list: unknown[] = [];
      for (const entry of value) if (entry !== null) list.push(readJsonValue(item, entry));
      return list;
    }
    case 'map': {
      if (!isJsonObject(value)) throw mismatch(member, 'an object', value);
      const item = shape.value as Member;
      const map = newMap<unknown>();
      for (const key of Object.keys(value)) {
        const entry = value[key];
        if (entry !== null) map[key] = readJsonValue(item, entry);
      }
      return map;
    }
    case 'string':
    case 'character':
      if (typeof value !== 'string') throw mismatch(member, 'a string', value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(member, 'a boolean', value);
      return value;
    case 'blob':
      if (typeof value !== 'string') throw mismatch(member, 'a base64 string', value);
      return decodeBase64(value);
    case 'timestamp':
      return readJsonTimestamp(member, value);
    default:
      return readJsonNumber(member, shape, value);
  }
}

function readJsonTimestamp(member: Member, value: unknown): Date {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw mismatch(member, 'a timestamp', value);
    return new Date(Math.round(value * 1000));
  }
  if (typeof value === 'string') return parseTimestamp(value, timestampFormatOf(member, 'unixTimestamp'));
  throw mismatch(member, 'a timestamp', value);
}

function readJsonNumber(member: Member, shape: Shape, value: unknown): number {
  if (typeof value === 'number') return value;
  if (isNumericType(shape) && (shape.type === 'float' || shape.type === 'double')) {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  }
  throw mismatch(member, 'a number', value);
}

function mismatch(member: Member, expected: string, value: unknown): SerializationException {
  const found = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  return new SerializationException(`Expected ${expected} for ${member.name} (${member.shape.name}), found ${found}`);
}
