/**
 * Links a model in botocore's form (the generated compact models and the shapes of AWS's
 * protocol test suites alike) into the object graph of model-types.ts, once per service.
 */
import type {
  HttpBinding,
  Member,
  Operation,
  ServiceModel,
  ServiceModelMetadata,
  Shape,
  ShapeType,
  XmlNamespace,
} from './model-types.js';

interface RawRef {
  shape: string;
  [trait: string]: unknown;
}

interface RawShape {
  type: ShapeType;
  members?: Record<string, RawRef>;
  member?: RawRef;
  key?: RawRef;
  value?: RawRef;
  required?: string[];
  [trait: string]: unknown;
}

interface RawOperation {
  name: string;
  http?: HttpBinding;
  input?: RawRef;
  output?: RawRef;
  errors?: Array<string | RawRef>;
  [trait: string]: unknown;
}

export interface RawModel {
  metadata: ServiceModelMetadata;
  operations: Record<string, RawOperation>;
  shapes: Record<string, RawShape>;
}

const shapeTraits = [
  'enum',
  'min',
  'max',
  'pattern',
  'locationName',
  'flattened',
  'timestampFormat',
  'union',
  'document',
  'payload',
  'streaming',
  'requiresLength',
  'event',
  'eventstream',
  'sensitive',
  'exception',
  'fault',
  'error',
] as const;
const memberTraits = [
  'location',
  'locationName',
  'queryName',
  'xmlAttribute',
  'flattened',
  'jsonvalue',
  'timestampFormat',
  'hostLabel',
  'idempotencyToken',
  'streaming',
  'eventpayload',
  'eventheader',
] as const;

function xmlNamespace(value: unknown): XmlNamespace | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { uri: value };
  return value as XmlNamespace;
}

/** Links every shape and operation of a model in botocore form. */
export function linkModel(raw: RawModel): ServiceModel {
  const shapes = new Map<string, Shape>();
  for (const [name, rawShape] of Object.entries(raw.shapes)) {
    const shape: Shape = { name, type: rawShape.type, members: [], memberMap: new Map() };
    for (const trait of shapeTraits) {
      if (rawShape[trait] !== undefined) (shape as unknown as Record<string, unknown>)[trait] = rawShape[trait];
    }
    const ns = xmlNamespace(rawShape.xmlNamespace);
    if (ns) shape.xmlNamespace = ns;
    shapes.set(name, shape);
  }

  const link = (ref: RawRef, name: string, required: boolean): Member => {
    const target = shapes.get(ref.shape);
    if (!target) throw new Error(`model refers to unknown shape ${ref.shape}`);
    const member: Member = { name, shape: target, required };
    for (const trait of memberTraits) {
      if (ref[trait] !== undefined) (member as unknown as Record<string, unknown>)[trait] = ref[trait];
    }
    const ns = xmlNamespace(ref.xmlNamespace);
    if (ns) member.xmlNamespace = ns;
    return member;
  };

  for (const [name, rawShape] of Object.entries(raw.shapes)) {
    const shape = shapes.get(name) as Shape;
    const required = new Set(rawShape.required ?? []);
    for (const [memberName, ref] of Object.entries(rawShape.members ?? {})) {
      const member = link(ref, memberName, required.has(memberName));
      shape.members.push(member);
      shape.memberMap.set(memberName, member);
    }
    if (rawShape.member) shape.member = link(rawShape.member, 'member', false);
    if (rawShape.key) shape.key = link(rawShape.key, 'key', true);
    if (rawShape.value) shape.value = link(rawShape.value, 'value', false);
  }

  const errorShapes = new Map<string, Shape>();
  for (const shape of shapes.values()) if (shape.exception) errorShapes.set(shape.name, shape);

  const operations = new Map<string, Operation>();
  for (const [name, rawOperation] of Object.entries(raw.operations)) {
    operations.set(name, linkOperation(rawOperation, shapes));
  }
  return { metadata: raw.metadata, operations, shapes, errorShapes };
}

function linkOperation(raw: RawOperation, shapes: Map<string, Shape>): Operation {
  const lookup = (name: string): Shape => {
    const shape = shapes.get(name);
    if (!shape) throw new Error(`operation ${raw.name} refers to unknown shape ${name}`);
    return shape;
  };
  const operation: Operation = {
    name: raw.name,
    http: raw.http ?? { method: 'POST', requestUri: '/' },
    errors: (raw.errors ?? []).map((ref) => lookup(typeof ref === 'string' ? ref : ref.shape)),
  };
  if (raw.input) {
    operation.input = lookup(raw.input.shape);
    const ns = xmlNamespace(raw.input.xmlNamespace);
    if (raw.input.locationName !== undefined || ns) {
      operation.inputRef = {};
      if (typeof raw.input.locationName === 'string') operation.inputRef.locationName = raw.input.locationName;
      if (ns) operation.inputRef.xmlNamespace = ns;
    }
  }
  if (raw.output) {
    operation.output = lookup(raw.output.shape);
    if (typeof raw.output.resultWrapper === 'string') operation.resultWrapper = raw.output.resultWrapper;
  }
  if (typeof raw.authtype === 'string') operation.authtype = raw.authtype;
  if (Array.isArray(raw.auth)) operation.auth = raw.auth as string[];
  if (raw.httpChecksum) operation.httpChecksum = raw.httpChecksum as Record<string, unknown>;
  if (raw.httpChecksumRequired) operation.httpChecksumRequired = true;
  if (raw.unsignedPayload) operation.unsignedPayload = true;
  return operation;
}
