/**
 * Items as the store keeps them: the AttributeValue JSON of the wire, with binary values as base64
 * strings. Most items hold no binary, so encoding is one JSON.stringify and decoding one JSON.parse;
 * only items that may hold binary (their text names a `B` or `BS` member) are walked.
 */
import type { AttributeValue } from '../../generated/dynamodb/types.js';

export type Item = Record<string, AttributeValue>;

function valueHasBinary(value: AttributeValue): boolean {
  if (value.B !== undefined || value.BS !== undefined) return true;
  if (value.M !== undefined) return mapHasBinary(value.M);
  if (value.L !== undefined) return value.L.some(valueHasBinary);
  return false;
}

function mapHasBinary(map: Record<string, AttributeValue>): boolean {
  for (const name in map) if (valueHasBinary(map[name] as AttributeValue)) return true;
  return false;
}

function encodeValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((member) => Buffer.from(member).toString('base64')) };
  if (value.M !== undefined) return { M: encodeMap(value.M) };
  if (value.L !== undefined) return { L: value.L.map(encodeValue) };
  return value;
}

function encodeMap(map: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in map) out[name] = encodeValue(map[name] as AttributeValue);
  return out;
}

export function encodeItem(item: Item): string {
  return JSON.stringify(mapHasBinary(item) ? encodeMap(item) : item);
}

function decodeValue(value: Record<string, unknown>): AttributeValue {
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map((member) => Buffer.from(member, 'base64')) };
  if (value.M !== undefined) return { M: decodeMap(value.M as Record<string, Record<string, unknown>>) };
  if (Array.isArray(value.L)) return { L: (value.L as Array<Record<string, unknown>>).map(decodeValue) };
  return value as AttributeValue;
}

function decodeMap(map: Record<string, Record<string, unknown>>): Item {
  const out: Item = {};
  for (const name in map) out[name] = decodeValue(map[name] as Record<string, unknown>);
  return out;
}

export function decodeItem(text: string): Item {
  const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
  return text.includes('"B') ? decodeMap(parsed) : (parsed as Item);
}
