/**
 * Response serialization for the awsJson1_0 and awsJson1_1 protocols, including the
 * awsQueryCompatible variant.
 * Specs: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html,
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html and
 * https://smithy.io/2.0/aws/aws-core.html#aws-protocols-awsquerycompatible-trait
 *
 * Wire rules: status 200 with the output as one JSON object (`{}` for an operation without
 * output), Content-Type `application/x-amz-json-<jsonVersion>`, header `x-amzn-RequestId`;
 * members by locationName or member name; timestamps epoch seconds unless a timestampFormat
 * trait says otherwise; blobs base64; NaN and the infinities as strings; documents as raw JSON.
 * A RawJson value (raw-json.ts) is written as its text, whatever the member's shape.
 * Errors: the error's status, body `{"__type": "<code>", "message": "..."}` plus the modelled
 * members, the message under the error shape's own `message` or `Message` member (`message`
 * when the shape has none) and left out when empty, as DynamoDB and Kinesis leave it out of
 * UnknownOperationException and SerializationException; header `x-amzn-ErrorType: <code>`
 * (clients read it before the body); with awsQueryCompatible, header
 * `x-amzn-query-error: <query code>;<Sender|Receiver>` so that clients can report the legacy code.
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import { RawJson } from '../raw-json.js';
import type { HttpResponse } from '../types.js';
import { epochSeconds, formatTimestamp, timestampFormatOf, toBuffer } from '../values.js';

/** One structure's members by member name, each with its `"wireName":` prefix. */
const structureTables = new WeakMap<Shape, Map<string, { member: Member; prefix: string }>>();

function structureTable(shape: Shape): Map<string, { member: Member; prefix: string }> {
  let table = structureTables.get(shape);
  if (!table) {
    table = new Map();
    for (const member of shape.members) {
      table.set(member.name, { member, prefix: `${JSON.stringify(member.locationName ?? member.name)}:` });
    }
    structureTables.set(shape, table);
  }
  return table;
}

/** The members of a structure value, without braces; `skip` leaves members out by name. */
function writeMembers(shape: Shape, value: unknown, skip?: string): string {
  if (typeof value !== 'object' || value === null) return '';
  const table = structureTable(shape);
  const record = value as Record<string, unknown>;
  let out = '';
  for (const name in record) {
    const item = record[name];
    const entry = table.get(name);
    if (item === undefined || item === null || entry === undefined || name === skip) continue;
    out += `${out === '' ? '' : ','}${entry.prefix}${writeValue(entry.member, item)}`;
  }
  return out;
}

/**
 * The byte pieces of RawJson values met while `writeJsonBody` writes one answer, in order; each
 * stands in the text as a NUL character, which JSON text never holds unescaped.
 */
let pieces: Buffer[] | undefined;
const pieceMarker = '\u0000';

function writeValue(member: Member, value: unknown): string {
  if (value instanceof RawJson) {
    if (typeof value.text === 'string') return value.text;
    if (!pieces) return value.text.toString('utf8');
    pieces.push(value.text);
    return pieceMarker;
  }
  const shape = member.shape;
  if (shape.document) return JSON.stringify(value) ?? 'null';
  switch (shape.type) {
    case 'structure':
      return `{${writeMembers(shape, value)}}`;
    case 'list': {
      const element = shape.member;
      if (!element || !Array.isArray(value)) return '[]';
      let out = '';
      for (const item of value) {
        out += `${out === '' ? '' : ','}${item === null || item === undefined ? 'null' : writeValue(element, item)}`;
      }
      return `[${out}]`;
    }
    case 'map': {
      const valueMember = shape.value;
      if (!valueMember || typeof value !== 'object' || value === null) return '{}';
      const map = value as Record<string, unknown>;
      let out = '';
      for (const key in map) {
        const item = map[key];
        if (item === undefined) continue;
        out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${item === null ? 'null' : writeValue(valueMember, item)}`;
      }
      return `{${out}}`;
    }
    case 'boolean':
      return value === true || value === 'true' ? 'true' : 'false';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'biginteger':
    case 'bigdecimal':
      return typeof value === 'bigint' ? value.toString() : finiteNumber(Number(value));
    case 'float':
    case 'double':
      return floatText(Number(value));
    case 'timestamp': {
      const format = timestampFormatOf(member, 'unixTimestamp');
      return format === 'unixTimestamp'
        ? finiteNumber(epochSeconds(value))
        : JSON.stringify(formatTimestamp(value, format));
    }
    case 'blob':
      return `"${toBuffer(value).toString('base64')}"`;
    default:
      return JSON.stringify(String(value));
  }
}

function finiteNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (value === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (value === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  return String(value);
}

const contentTypes = new WeakMap<ServiceModel, string>();

/** `application/x-amz-json-1.0` or `-1.1`, as the model's jsonVersion says. */
export function jsonContentType(model: ServiceModel): string {
  let type = contentTypes.get(model);
  if (type === undefined) {
    type = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
    contentTypes.set(model, type);
  }
  return type;
}

export function writeJsonOutput(operation: Operation, output: unknown): string {
  return operation.output ? `{${writeMembers(operation.output, output)}}` : '{}';
}

/** An answer's body: its text, or its bytes when a RawJson value brought bytes of its own. */
export function writeJsonBody(operation: Operation, output: unknown): string | Buffer {
  pieces = [];
  try {
    const text = writeJsonOutput(operation, output);
    if (pieces.length === 0) return text;
    const chunks: Buffer[] = [];
    text.split(pieceMarker).forEach((part, i) => {
      chunks.push(Buffer.from(part, 'utf8'));
      const piece = (pieces as Buffer[])[i];
      if (piece) chunks.push(piece);
    });
    return Buffer.concat(chunks);
  } finally {
    pieces = undefined;
  }
}

/**
 * The message key of errors no model declares. DynamoDB writes SerializationException's
 * message as `Message` (dynalite validations/index.js: "note different capitalization for
 * Message"); every other unmodelled error uses `message`.
 */
const unmodelledMessageKeys: Record<string, string> = { SerializationException: 'Message' };

function messageKey(shape: Shape | undefined, code: string): string {
  if (shape?.memberMap.has('message')) return 'message';
  if (shape?.memberMap.has('Message')) return 'Message';
  if (shape) return 'message';
  return Object.hasOwn(unmodelledMessageKeys, code) ? (unmodelledMessageKeys[code] ?? 'message') : 'message';
}

export function writeJsonError(model: ServiceModel, error: AwsError): string {
  const shape = model.errorShapes.get(error.code);
  const key = messageKey(shape, error.code);
  let body = `{"__type":${JSON.stringify(error.code)}`;
  if (error.message !== '') body += `,${JSON.stringify(key)}:${JSON.stringify(error.message)}`;
  const members = shape ? writeMembers(shape, error.members, key) : '';
  return `${body}${members === '' ? '' : `,${members}`}}`;
}

export function jsonErrorHeaders(model: ServiceModel, error: AwsError, requestId: string): HttpResponse['headers'] {
  const headers: HttpResponse['headers'] = {
    'content-type': jsonContentType(model),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.code,
  };
  if (model.metadata.awsQueryCompatible) {
    headers['x-amzn-query-error'] = `${error.wireQueryCode};${error.senderFault ? 'Sender' : 'Receiver'}`;
  }
  if (error.headers) Object.assign(headers, error.headers);
  return headers;
}
