/**
 * Requests of the smithy-rpc-v2-cbor protocol
 * (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html):
 *
 * - `POST {prefix?}/service/{serviceName}/operation/{operationName}`; only the last four path
 *   segments route. `serviceName` is the service shape's name (botocore's `targetPrefix`, e.g.
 *   `GraniteServiceVersion20100801`), optionally with its namespace (`com.example.TheService`).
 * - `smithy-protocol: rpc-v2-cbor` is required; `X-Amz-Target` and `X-Amzn-Target` make a
 *   request malformed ("Server-side implementations MUST reject such requests").
 * - Routing failures answer 404 (405 for a method other than POST), as smithy-rs's
 *   RpcV2CborRouter does.
 * - The body is one CBOR map of the input members; HTTP binding traits are ignored; an empty
 *   body (operations without input send none) is an empty input. Timestamps are tag 1 over a
 *   number (a bare number is accepted too), at millisecond resolution whatever their
 *   timestampFormat; blobs are byte strings; floats may arrive in any width, NaN and the
 *   infinities included; `null` and `undefined` members are absent members; keys the model
 *   does not know are skipped. Document types are not part of the protocol; a document member
 *   is passed through as decoded. Content-Type is not checked: the path and the
 *   `smithy-protocol` header already say what the body is.
 */
import { SerializationException, UnknownOperationException } from '../../errors/framework.js';
import type { Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpRequest, Input } from '../types.js';
import { newMap } from '../values.js';
import { decodeCbor } from './cbor.js';

/** A request that names no operation of the service: 404, or 405 for a method other than POST. */
export class RpcV2RoutingError extends UnknownOperationException {
  override readonly status: number;

  constructor(message: string, status = 404) {
    super(message);
    this.status = status;
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const namespacedIdentifier = /^(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]*)$/;

/** Finds the operation a request names; throws RpcV2RoutingError when it names none. */
export function resolveOperation(model: ServiceModel, request: HttpRequest): Operation {
  if (request.method !== 'POST') throw new RpcV2RoutingError('rpcv2Cbor requests must use POST', 405);
  if (request.headers['x-amz-target'] !== undefined || request.headers['x-amzn-target'] !== undefined) {
    throw new RpcV2RoutingError('rpcv2Cbor requests must not carry an X-Amz-Target or X-Amzn-Target header');
  }
  if (request.headers['smithy-protocol'] !== 'rpc-v2-cbor') {
    throw new RpcV2RoutingError('rpcv2Cbor requests must carry the header smithy-protocol: rpc-v2-cbor');
  }
  const segments = request.path.split('/');
  const count = segments.length;
  const serviceName = segments[count - 3] ?? '';
  const operationName = segments[count - 1] ?? '';
  if (count < 5 || segments[count - 4] !== 'service' || segments[count - 2] !== 'operation') {
    throw new RpcV2RoutingError('rpcv2Cbor requests go to /service/{serviceName}/operation/{operationName}');
  }
  const service = namespacedIdentifier.exec(serviceName)?.[1];
  const expected = model.metadata.targetPrefix;
  if (service === undefined || (expected !== undefined && service !== expected)) {
    throw new RpcV2RoutingError(`No service named ${serviceName} here`);
  }
  const operation = identifier.test(operationName) ? model.operations.get(operationName) : undefined;
  if (!operation) throw new RpcV2RoutingError(`Operation ${operationName} does not exist on ${service}`);
  return operation;
}

/** Turns the CBOR body into the operation's input; throws SerializationException on malformed bodies. */
export function parseRequest(operation: Operation, request: HttpRequest): Input {
  const shape = operation.input;
  if (!shape || request.body.length === 0) return {};
  const body = decodeCbor(request.body);
  if (!isMap(body)) throw new SerializationException('The request body must be a CBOR map of the input members');
  return readStructure(shape, body, '');
}

/** Decoded CBOR maps are the only decoded objects without a prototype. */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'a byte string';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'object') return isMap(value) ? 'a map' : 'a tagged value';
  return `a ${typeof value}`;
}

function mismatch(path: string, expected: string, value: unknown): never {
  throw new SerializationException(`Expected ${expected} at '${path || '/'}' but found ${describe(value)}`);
}

function readStructure(shape: Shape, map: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in map) {
    const member = shape.memberMap.get(key);
    const value = map[key];
    if (!member || value === null || value === undefined) continue;
    out[key] = readValue(member.shape, value, path ? `${path}.${key}` : key);
  }
  return out;
}

const integerRanges: Partial<Record<Shape['type'], [number, number]>> = {
  byte: [-128, 127],
  short: [-32_768, 32_767],
  integer: [-2_147_483_648, 2_147_483_647],
};
const minLong = -(2n ** 63n);
const maxLong = 2n ** 63n - 1n;

function readInteger(shape: Shape, value: unknown, path: string): number {
  if (typeof value === 'bigint') {
    if (shape.type !== 'biginteger' && (value < minLong || value > maxLong)) mismatch(path, `a ${shape.type}`, value);
    // Past 2^53 a long loses precision here, exactly as it does in the JSON protocols.
    return Number(value);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) return mismatch(path, `an integer (${shape.type})`, value);
  const range = integerRanges[shape.type];
  if (range && (value < range[0] || value > range[1])) {
    throw new SerializationException(`Value ${value} at '${path}' is out of range for a ${shape.type}`);
  }
  return value;
}

function readValue(shape: Shape, value: unknown, path: string): unknown {
  switch (shape.type) {
    case 'structure':
      if (shape.document) return value;
      if (!isMap(value)) return mismatch(path, 'a map', value);
      return readStructure(shape, value, path);
    case 'list': {
      if (!Array.isArray(value)) return mismatch(path, 'an array', value);
      const member = (shape.member as NonNullable<Shape['member']>).shape;
      const items: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item !== null && item !== undefined) items.push(readValue(member, item, `${path}[${i}]`));
      }
      return items;
    }
    case 'map': {
      if (!isMap(value)) return mismatch(path, 'a map', value);
      const valueShape = (shape.value as NonNullable<Shape['value']>).shape;
      const out = newMap();
      for (const key in value) {
        const item = value[key];
        if (item !== null && item !== undefined) out[key] = readValue(valueShape, item, `${path}.${key}`);
      }
      return out;
    }
    case 'string':
    case 'character':
      return typeof value === 'string' ? value : mismatch(path, 'a text string', value);
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch(path, 'a boolean', value);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'biginteger':
      return readInteger(shape, value, path);
    case 'float':
    case 'double':
    case 'bigdecimal':
      if (typeof value === 'number') return value;
      return typeof value === 'bigint' ? Number(value) : mismatch(path, `a number (${shape.type})`, value);
    case 'timestamp':
      if (value instanceof Date) return value;
      if (typeof value === 'number' && Math.abs(value) <= 8.64e12) return new Date(Math.round(value * 1000));
      return mismatch(path, 'a timestamp (tag 1)', value);
    case 'blob':
      return Buffer.isBuffer(value) ? value : mismatch(path, 'a byte string', value);
    default:
      return value;
  }
}
