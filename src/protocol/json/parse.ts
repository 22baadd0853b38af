/**
 * Request parsing for the awsJson1_0 and awsJson1_1 protocols.
 * Specs: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html and
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 *
 * Wire rules: `POST /` (the path is not checked, as DynamoDB and Kinesis do not check it), the
 * operation in `X-Amz-Target: <targetPrefix>.<Operation>`, the input as one JSON object (an empty
 * body is `{}`); members by locationName or member name, unknown members ignored, `null` the
 * same as absent; timestamps epoch seconds (fractional allowed) unless a timestampFormat trait
 * says otherwise; blobs base64; floats may be the strings `NaN`, `Infinity`, `-Infinity`;
 * documents are raw JSON.
 *
 * Malformed input, as AWS's Coral front end answers it (evidence: dynalite, whose tests ran
 * against DynamoDB: github.com/architect/dynalite index.js and validations/index.js; kinesalite
 * for Kinesis; shared/aws-reference/recorded-responses/services/apigateway "put-integration-*"):
 * - no or unknown target: 400 `UnknownOperationException` with no message;
 * - a body that is not a JSON object: 400 `SerializationException` with no message;
 * - a member of the wrong JSON type: 400 `SerializationException` naming the Java classes, e.g.
 *   "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an
 *   String", "Start of list found where not expected", "Expected list or null". Integer members
 *   given a fraction are truncated, as Coral's TruncatingBigNumber does.
 */
import { SerializationException, UnknownOperationException } from '../../errors/framework.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpRequest, Input } from '../types.js';
import { newMap, parseTimestamp, timestampFormatOf } from '../values.js';

/** The operation named by `X-Amz-Target`; the prefix must be the model's targetPrefix. */
export function resolveTarget(model: ServiceModel, request: HttpRequest): Operation {
  const target = request.headers['x-amz-target'];
  if (target === undefined) throw new UnknownOperationException();
  const dot = target.lastIndexOf('.');
  const prefix = model.metadata.targetPrefix;
  if (dot < 0 || (prefix !== undefined && target.slice(0, dot) !== prefix)) throw new UnknownOperationException();
  const operation = model.operations.get(target.slice(dot + 1));
  if (!operation) throw new UnknownOperationException();
  return operation;
}

/** The input of `operation` from the request's JSON body. */
export function parseJsonInput(operation: Operation, request: HttpRequest): Input {
  const body = request.body;
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    if (text.trim() === '') return {};
    throw new SerializationException('');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new SerializationException('');
  return operation.input ? readStructure(operation.input, data as Record<string, unknown>) : {};
}

const structureTables = new WeakMap<Shape, Map<string, Member>>();

/** Wire name -> member of one structure, built on first use. */
function structureTable(shape: Shape): Map<string, Member> {
  let table = structureTables.get(shape);
  if (!table) {
    table = new Map(shape.members.map((member) => [member.locationName ?? member.name, member]));
    structureTables.set(shape, table);
  }
  return table;
}

function readStructure(shape: Shape, data: Record<string, unknown>): Record<string, unknown> {
  const table = structureTable(shape);
  const out: Record<string, unknown> = {};
  for (const key in data) {
    const member = table.get(key);
    const value = data[key];
    if (member === undefined || value === null || value === undefined) continue;
    out[member.name] = readValue(member, value);
  }
  return out;
}

/** The Java class Coral names for a JSON value it cannot convert. */
function javaClass(value: unknown): string {
  switch (typeof value) {
    case 'boolean':
      return 'java.lang.Boolean';
    case 'number':
      return 'com.amazon.coral.value.json.numbers.TruncatingBigNumber';
    default:
      return 'java.lang.String';
  }
}

/** The error for a JSON value of the wrong kind; `target` is Coral's type name with its article. */
function mismatch(value: unknown, target: string): SerializationException {
  if (Array.isArray(value)) return new SerializationException('Start of list found where not expected');
  if (typeof value === 'object')
    return new SerializationException('Start of structure or map found where not expected.');
  return new SerializationException(`class ${javaClass(value)} can not be converted to ${target}`);
}

const numberTypes: Partial<Record<Shape['type'], string>> = {
  byte: 'an Byte',
  short: 'an Short',
  integer: 'an Integer',
  long: 'an Long',
  float: 'an Float',
  double: 'an Double',
  bigdecimal: 'an BigDecimal',
  biginteger: 'an BigInteger',
};

function readValue(member: Member, value: unknown): unknown {
  const shape = member.shape;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure':
      if (typeof value !== 'object' || Array.isArray(value) || value === null) throw structureMismatch(value);
      return readStructure(shape, value as Record<string, unknown>);
    case 'list':
      return readList(shape, value);
    case 'map':
      return readMap(shape, value);
    case 'string':
    case 'character':
      if (typeof value === 'string') return value;
      throw mismatch(value, 'an String');
    case 'boolean':
      return readBoolean(value);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'biginteger':
      if (typeof value === 'number') return Math.trunc(value);
      throw mismatch(value, numberTypes[shape.type] ?? 'an Integer');
    case 'float':
    case 'double':
    case 'bigdecimal':
      return readFloat(shape, value);
    case 'timestamp':
      return readTimestamp(member, value);
    case 'blob':
      return readBlob(value);
    default:
      return value;
  }
}

function structureMismatch(value: unknown): SerializationException {
  if (Array.isArray(value)) return new SerializationException('Start of list found where not expected');
  return new SerializationException('Expected null');
}

function readList(shape: Shape, value: unknown): unknown[] {
  if (!Array.isArray(value)) {
    if (typeof value === 'object')
      throw new SerializationException('Start of structure or map found where not expected.');
    throw new SerializationException('Expected list or null');
  }
  const element = shape.member;
  if (!element) return [];
  const out: unknown[] = [];
  for (const item of value) if (item !== null && item !== undefined) out.push(readValue(element, item));
  return out;
}

function readMap(shape: Shape, value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) throw new SerializationException('Start of list found where not expected');
  if (typeof value !== 'object' || value === null) throw new SerializationException('Expected map or null');
  const valueMember = shape.value;
  const out = newMap();
  if (!valueMember) return out;
  const data = value as Record<string, unknown>;
  for (const key in data) {
    const item = data[key];
    if (item !== null && item !== undefined) out[key] = readValue(valueMember, item);
  }
  return out;
}

/** Coral reads these strings as booleans (dynalite: "'true'/'false'/'1'/'0'/'no'/'yes' seem to convert fine"). */
const booleanWords: Record<string, boolean> = { TRUE: true, FALSE: false, '1': true, '0': false, YES: true, NO: false };

function readBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.toUpperCase();
    const converted = Object.hasOwn(booleanWords, word) ? booleanWords[word] : undefined;
    if (converted !== undefined) return converted;
    throw new SerializationException(`'${word}' can not be converted to an Boolean`);
  }
  throw mismatch(value, 'an Boolean');
}

function readFloat(shape: Shape, value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw mismatch(value, numberTypes[shape.type] ?? 'an Double');
}

function readTimestamp(member: Member, value: unknown): Date {
  if (typeof value === 'number') return new Date(Math.round(value * 1000));
  if (typeof value === 'string') return parseTimestamp(value, timestampFormatOf(member, 'unixTimestamp'));
  throw mismatch(value, 'an Date');
}

const base64Alphabet = /[^A-Za-z0-9+/=]/;

function readBlob(value: unknown): Buffer {
  if (typeof value !== 'string') throw mismatch(value, 'a Blob');
  if (value.length % 4 !== 0) {
    throw new SerializationException(
      `'${value}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}`,
    );
  }
  // Fast path: Node's decoder skips or stops at a character outside the alphabet, so a decoded
  // length short of what the text's length promises means one is there; it also takes the URL
  // alphabet ('-', '_'), which AWS refuses. A 1 KB record's regex scan was 5% of a PutRecords.
  const decoded = Buffer.from(value, 'base64');
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  if (decoded.length === (value.length / 4) * 3 - padding && !value.includes('-') && !value.includes('_')) {
    return decoded;
  }
  const invalid = base64Alphabet.exec(value);
  if (invalid) {
    throw new SerializationException(
      `'${value}' can not be converted to a Blob: Invalid Base64 character: '${invalid[0]}'`,
    );
  }
  return decoded;
}
