/**
 * The compact runtime model: botocore's own form (so that the protocol test suites, which
 * carry their shapes in the same form, load through the same code), minus documentation and
 * the traits only a client needs (endpoint rules, context params, paginator hints).
 */

export interface BotocoreShapeRef {
  shape: string;
  [trait: string]: unknown;
}

export interface BotocoreShape {
  type: string;
  members?: Record<string, BotocoreShapeRef>;
  member?: BotocoreShapeRef;
  key?: BotocoreShapeRef;
  value?: BotocoreShapeRef;
  required?: string[];
  enum?: string[];
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  [trait: string]: unknown;
}

export interface BotocoreOperation {
  name: string;
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: BotocoreShapeRef;
  output?: BotocoreShapeRef;
  errors?: BotocoreShapeRef[];
  [trait: string]: unknown;
}

export interface BotocoreModel {
  metadata: {
    apiVersion: string;
    protocol: string;
    protocols?: string[];
    serviceId: string;
    endpointPrefix: string;
    signingName?: string;
    targetPrefix?: string;
    jsonVersion?: string;
    xmlNamespace?: string;
    awsQueryCompatible?: object;
    globalEndpoint?: string;
    [key: string]: unknown;
  };
  operations: Record<string, BotocoreOperation>;
  shapes: Record<string, BotocoreShape>;
}

const shapeTraits = new Set([
  'type',
  'members',
  'member',
  'key',
  'value',
  'required',
  'enum',
  'min',
  'max',
  'pattern',
  'error',
  'exception',
  'fault',
  'locationName',
  'flattened',
  'timestampFormat',
  'union',
  'document',
  'payload',
  'streaming',
  'event',
  'eventstream',
  'xmlNamespace',
  'sensitive',
  'requiresLength',
  'wrapper',
]);
const refTraits = new Set([
  'shape',
  'locationName',
  'location',
  'queryName',
  'xmlNamespace',
  'xmlAttribute',
  'flattened',
  'jsonvalue',
  'timestampFormat',
  'hostLabel',
  'idempotencyToken',
  'streaming',
  'eventpayload',
  'eventheader',
  'resultWrapper',
]);
const operationTraits = new Set([
  'name',
  'http',
  'input',
  'output',
  'errors',
  'httpChecksum',
  'httpChecksumRequired',
  'auth',
  'authtype',
  'requestcompression',
  'unsignedPayload',
]);
const metadataKeys = new Set([
  'apiVersion',
  'protocol',
  'protocols',
  'serviceId',
  'endpointPrefix',
  'signingName',
  'targetPrefix',
  'jsonVersion',
  'xmlNamespace',
  'awsQueryCompatible',
  'globalEndpoint',
  'checksumFormat',
]);

function pick<T extends object>(source: T, keep: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (keep.has(key)) out[key] = value;
  }
  return out;
}

function compactRef(ref: BotocoreShapeRef): Record<string, unknown> {
  return pick(ref, refTraits);
}

export function compactShape(shape: BotocoreShape): Record<string, unknown> {
  const out = pick(shape, shapeTraits);
  if (shape.members) {
    out.members = Object.fromEntries(Object.entries(shape.members).map(([name, ref]) => [name, compactRef(ref)]));
  }
  for (const key of ['member', 'key', 'value'] as const) {
    const ref = shape[key];
    if (ref) out[key] = compactRef(ref);
  }
  return out;
}

export function compactModel(model: BotocoreModel): Record<string, unknown> {
  const operations: Record<string, unknown> = {};
  for (const [name, operation] of Object.entries(model.operations)) {
    const out = pick(operation, operationTraits);
    if (operation.input) out.input = compactRef(operation.input);
    if (operation.output) out.output = compactRef(operation.output);
    if (operation.errors) out.errors = operation.errors.map((ref) => ref.shape);
    operations[name] = out;
  }
  const shapes: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(model.shapes)) shapes[name] = compactShape(shape);
  return { metadata: pick(model.metadata, metadataKeys), operations, shapes };
}
