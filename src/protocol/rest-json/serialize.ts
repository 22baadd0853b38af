/**
 * rest-json bodies, written (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html):
 * the mirror of parse.ts. Structures become objects keyed by `locationName` or member name,
 * unset (undefined or null) members are left out, timestamps default to epoch seconds, blobs to
 * base64, NaN and the infinities to their names, documents pass through as they are.
 */
import type { Member } from '../model-types.js';
import { epochSeconds, formatTimestamp, newMap, timestampFormatOf, toBuffer } from '../values.js';

/** Writes the given members of a structure value as a JSON-ready object. */
export function writeJsonMembers(members: readonly Member[], value: Record<string, unknown>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const member of members) {
    const item = value[member.name];
    if (item === undefined || item === null) continue;
    object[member.locationName ?? member.name] = writeJsonValue(member, item);
  }
  return object;
}

/** One member's value in its JSON form (to be given to JSON.stringify). */
export function writeJsonValue(member: Member, value: unknown): unknown {
  const shape = member.shape;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure':
      return writeJsonMembers(shape.members, value as Record<string, unknown>);
    case 'list': {
      const item = shape.member as Member;
      return (value as unknown[]).map((entry) =>
        entry === null || entry === undefined ? null : writeJsonValue(item, entry),
      );
    }
    case 'map': {
      const item = shape.value as Member;
      // Null prototype: a key named __proto__ is written as a key like any other.
      const object = newMap<unknown>();
      for (const key of Object.keys(value as object)) {
        const entry = (value as Record<string, unknown>)[key];
        if (entry !== undefined) object[key] = entry === null ? null : writeJsonValue(item, entry);
      }
      return object;
    }
    case 'timestamp': {
      const format = timestampFormatOf(member, 'unixTimestamp');
      return format === 'unixTimestamp' ? epochSeconds(value) : formatTimestamp(value, format);
    }
    case 'blob':
      return toBuffer(value).toString('base64');
    case 'float':
    case 'double':
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
      }
      return value;
    default:
      return value;
  }
}

/** The JSON text of a member's value. */
export function stringifyJsonValue(member: Member, value: unknown): string {
  return JSON.stringify(writeJsonValue(member, value));
}
