/**
 * Responses of the smithy-rpc-v2-cbor protocol
 * (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html):
 *
 * - Every response carries `smithy-protocol: rpc-v2-cbor` (and `x-amzn-RequestId`, as AWS's do).
 * - Success: 200, `Content-Type: application/cbor`, the body one CBOR map of the output members
 *   by member name, null and undefined members left out, HTTP binding traits ignored. An
 *   operation without output answers no body and no Content-Type ("MUST NOT contain bodies").
 * - Numbers in their smallest form: integers as major type 0/1, floats and doubles as single
 *   floats when exact and doubles otherwise, never half floats. Timestamps are tag 1 over a
 *   double of epoch seconds whatever their timestampFormat (AWS sends doubles too:
 *   localstack/localstack#13541). Blobs are byte strings.
 * - Errors: the status is AwsError.status, i.e. the model's; CloudWatch answers ResourceNotFound
 *   over CBOR with 404 (shared/aws-reference/recorded-responses/services/cloudwatch/
 *   test_cloudwatch.snapshot.json, test_set_alarm_invalid_input[smithy-rpc-v2-cbor]). The body
 *   is the error shape's members plus `__type`, the error's absolute shape id. The message goes
 *   under the shape's own `message` or `Message` member, else under `message`.
 * - awsQueryCompatible services add `x-amzn-query-error: <query code>;<Sender|Receiver>`, from
 *   which clients take the legacy code (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait).
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpResponse, ResponseContext } from '../types.js';
import { toBuffer, toDate } from '../values.js';
import { CborEncoder } from './cbor.js';

type Fields = Record<string, unknown>;

function baseHeaders(ctx: ResponseContext): Record<string, string> {
  return { 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-requestid': ctx.requestId };
}

/** The success response for an operation's output. */
export function serializeOutput(operation: Operation, output: unknown, ctx: ResponseContext): HttpResponse {
  const headers = baseHeaders(ctx);
  const shape = operation.output;
  if (!shape) return { status: 200, headers, body: Buffer.alloc(0) };
  headers['content-type'] = 'application/cbor';
  const encoder = new CborEncoder();
  writeStructure(encoder, shape, (output ?? {}) as Fields);
  return { status: 200, headers, body: encoder.finish() };
}

/**
 * The namespace of the service's Smithy shapes. botocore models do not carry it; AWS's Smithy
 * models use `com.amazonaws.<sdkId in lower case without spaces>` (`com.amazonaws.cloudwatch`).
 * Clients keep only what follows the `#`, so the namespace is informative.
 */
function namespaceOf(model: ServiceModel): string {
  const name = model.metadata.serviceId ?? model.metadata.targetPrefix ?? 'service';
  return `com.amazonaws.${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/** The error response for a thrown AwsError. */
export function serializeError(model: ServiceModel, error: AwsError, ctx: ResponseContext): HttpResponse {
  const headers = baseHeaders(ctx);
  headers['content-type'] = 'application/cbor';
  if (model.metadata.awsQueryCompatible) {
    headers['x-amzn-query-error'] = `${error.wireQueryCode};${error.senderFault ? 'Sender' : 'Receiver'}`;
  }
  if (error.headers) Object.assign(headers, error.headers);

  const encoder = new CborEncoder();
  const shape = model.errorShapes.get(error.code);
  const members = error.members;
  if (shape) {
    const messageMember = shape.memberMap.get('message') ?? shape.memberMap.get('Message');
    const messageKey = messageMember?.name ?? (error.message ? 'message' : undefined);
    let size = messageKey ? 2 : 1;
    for (const member of shape.members) if (member !== messageMember && members[member.name] != null) size++;
    encoder.writeMapHeader(size);
    writeType(encoder, model, error);
    if (messageKey) {
      encoder.writeText(messageKey);
      encoder.writeText(error.message);
    }
    for (const member of shape.members) {
      const value = members[member.name];
      if (member === messageMember || value == null) continue;
      encoder.writeText(member.name);
      writeValue(encoder, member.shape, value);
    }
  } else {
    // Framework and common errors have no shape in the model: their members go as they are.
    const keys = Object.keys(members).filter((key) => members[key] != null && key !== '__type' && key !== 'message');
    encoder.writeMapHeader(2 + keys.length);
    writeType(encoder, model, error);
    encoder.writeText('message');
    encoder.writeText(error.message);
    for (const key of keys) {
      encoder.writeText(key);
      encoder.writeValue(members[key]);
    }
  }
  return { status: error.status, headers, body: encoder.finish() };
}

function writeType(encoder: CborEncoder, model: ServiceModel, error: AwsError): void {
  encoder.writeText('__type');
  encoder.writeText(`${namespaceOf(model)}#${error.code}`);
}

function writeStructure(encoder: CborEncoder, shape: Shape, value: Fields): void {
  let size = 0;
  for (const member of shape.members) if (value[member.name] != null) size++;
  encoder.writeMapHeader(size);
  for (const member of shape.members) {
    const item = value[member.name];
    if (item == null) continue;
    encoder.writeText(member.name);
    writeValue(encoder, member.shape, item);
  }
}

function entriesOf(value: unknown): Iterable<[string, unknown]> {
  return value instanceof Map ? (value as Map<string, unknown>) : Object.entries(value as Fields);
}

function writeValue(encoder: CborEncoder, shape: Shape, value: unknown): void {
  switch (shape.type) {
    case 'structure':
      if (shape.document) encoder.writeValue(value);
      else writeStructure(encoder, shape, value as Fields);
      return;
    case 'list': {
      const items = value as unknown[];
      const member = (shape.member as NonNullable<Shape['member']>).shape;
      let length = 0;
      for (const item of items) if (item != null) length++;
      encoder.writeArrayHeader(length);
      for (const item of items) if (item != null) writeValue(encoder, member, item);
      return;
    }
    case 'map': {
      const entries = [...entriesOf(value)].filter((entry) => entry[1] != null);
      const valueShape = (shape.value as NonNullable<Shape['value']>).shape;
      encoder.writeMapHeader(entries.length);
      for (const [key, item] of entries) {
        encoder.writeText(String(key));
        writeValue(encoder, valueShape, item);
      }
      return;
    }
    case 'string':
    case 'character':
      encoder.writeText(String(value));
      return;
    case 'boolean':
      encoder.writeBoolean(Boolean(value));
      return;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'biginteger':
      if (typeof value === 'bigint' || Number.isInteger(value)) encoder.writeInteger(value as number | bigint);
      else encoder.writeNumber(Number(value));
      return;
    case 'float':
    case 'double':
    case 'bigdecimal':
      // The spec allows an integral float in integer form; a float is what every client expects.
      encoder.writeFloat(Number(value));
      return;
    case 'timestamp':
      encoder.writeDate(toDate(value));
      return;
    case 'blob':
      encoder.writeBytes(toBuffer(value));
      return;
    default:
      encoder.writeValue(value);
  }
}
