/**
 * A test-side client for the REST protocols: reads an HttpResponse back into the result or the
 * error it carries, driven by the model, as an SDK would. It reuses the server's own decoders
 * (bindings, JSON and XML readers), so what it adds is the client's side of the wire rules: the
 * status code member, the error code's location, prefix-header maps that are always present,
 * and which headers are the protocol's own rather than data.
 *
 * It also compares bodies "as data": through the model for values (so that `1.5e2` and `150`
 * or two spellings of one timestamp are equal) and by skeleton for names (JSON keys; XML
 * element names, attributes and namespaces).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AwsError } from '../../../src/errors/aws-error.js';
import { serviceCatalog } from '../../../src/generated/index.js';
import { linkModel, type RawModel } from '../../../src/protocol/model.js';
import type { Member, Operation, ServiceModel, Shape } from '../../../src/protocol/model-types.js';
import { bindingsOf, hasStreamingInput, readHeaders } from '../../../src/protocol/rest/bindings.js';
import { compileUriTemplate } from '../../../src/protocol/rest/uri-template.js';
import { isJsonObject, parseJsonBody, readJsonMembers, readJsonValue } from '../../../src/protocol/rest-json/parse.js';
import { readXmlMembers, readXmlValue } from '../../../src/protocol/rest-xml/parse.js';
import type { HttpRequest, HttpResponse, ServerProtocol } from '../../../src/protocol/types.js';
import { localName, parseXml, type XmlNode } from '../../../src/protocol/xml/reader.js';
import {
  bodyBytes,
  loadSuites,
  normalise,
  requestOf,
  streamingRequestOf,
  type VectorCase,
  type VectorSuite,
  vectorsDir,
} from '../vectors.js';

export type Family = 'rest-json' | 'rest-xml';

export interface WireResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers the protocol writes for itself, which a `headers` map bound to the empty prefix must not see. */
const protocolHeaders = new Set([
  'content-type',
  'content-length',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-amzn-errortype',
]);

export async function wireOf(response: HttpResponse): Promise<WireResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.status, headers, body: await bodyBytes(response) };
}

/** Reads a structure's bindings (headers, status, payload or body) from a response. */
export function readShape(family: Family, shape: Shape, response: WireResponse): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const bindings = bindingsOf(shape);
  readHeaders(bindings, response.headers, result);
  for (const member of bindings.prefixHeaders) {
    // SDKs always give a prefix-header map, empty when no header has the prefix.
    const map = (result[member.name] ?? {}) as Record<string, unknown>;
    if ((member.locationName ?? '') === '') for (const name of protocolHeaders) delete map[name];
    result[member.name] = { ...map };
  }
  if (bindings.statusCode) result[bindings.statusCode.name] = response.status;
  const payload = bindings.payload;
  if (payload) {
    const value = readPayload(family, payload, response.body);
    if (value !== undefined) result[payload.name] = value;
  } else if (response.body.length > 0 && bindings.outputBody.length > 0) {
    readDocument(family, bindings.outputBody, response.body, result);
  }
  return result;
}

function readPayload(family: Family, member: Member, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  if (member.shape.type === 'blob') return body;
  if (member.shape.type === 'string') return body.toString('utf8');
  if (family === 'rest-json') return readJsonValue(member, parseJsonBody(body));
  return readXmlValue(member, parseXml(body.toString('utf8')));
}

function readDocument(family: Family, members: readonly Member[], body: Buffer, target: Record<string, unknown>) {
  if (family === 'rest-json') {
    const document = parseJsonBody(body);
    if (isJsonObject(document)) readJsonMembers(members, document, target);
  } else {
    readXmlMembers(members, parseXml(body.toString('utf8')), target);
  }
}

export interface ReadError {
  code: string | undefined;
  message: string | undefined;
  members: Record<string, unknown>;
}

/** The error code as SDKs clean it: no `namespace#` before it, no `:uri` after it. */
export function sanitizeErrorCode(raw: string): string {
  let code = raw;
  const colon = code.indexOf(':');
  if (colon >= 0) code = code.slice(0, colon);
  const hash = code.lastIndexOf('#');
  if (hash >= 0) code = code.slice(hash + 1);
  return code;
}

/** Reads an error response: its code where the family puts it, its members by the error shape. */
export function readError(family: Family, model: ServiceModel, response: WireResponse): ReadError {
  if (family === 'rest-json') {
    const document = response.body.length > 0 ? parseJsonBody(response.body) : {};
    const object = isJsonObject(document) ? document : {};
    const raw = response.headers['x-amzn-errortype'] ?? object.code ?? object.__type;
    const code = typeof raw === 'string' ? sanitizeErrorCode(raw) : undefined;
    const shape = code ? model.errorShapes.get(code) : undefined;
    const message = object.message ?? object.Message;
    return {
      code,
      message: typeof message === 'string' ? message : undefined,
      members: shape ? readShape(family, shape, response) : {},
    };
  }
  const root = parseXml(response.body.toString('utf8'));
  const errorNode = localName(root.name) === 'Error' ? root : root.children.find((c) => localName(c.name) === 'Error');
  const code = errorNode?.children.find((c) => localName(c.name) === 'Code')?.text;
  const message = errorNode?.children.find((c) => localName(c.name) === 'Message')?.text;
  const shape = code ? model.errorShapes.get(code) : undefined;
  const members: Record<string, unknown> = {};
  if (shape) {
    const bindings = bindingsOf(shape);
    readHeaders(bindings, response.headers, members);
    if (errorNode) readXmlMembers(bindings.outputBody, errorNode, members);
  }
  return { code, message, members };
}

/** A JSON value's skeleton: keys kept, leaves replaced, so that names compare apart from values. */
export function jsonSkeleton(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonSkeleton);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    // A null member is an unset one.
    for (const key of Object.keys(value).sort()) if (value[key] !== null) out[key] = jsonSkeleton(value[key]);
    return out;
  }
  return value === null ? null : 'leaf';
}

export interface XmlSkeleton {
  name: string;
  attributes: Record<string, string>;
  children: XmlSkeleton[];
}

/**
 * An XML tree's skeleton: local names, attributes (namespaces included) and children. Children
 * are sorted by name, stably: a structure's members may come in any order, the items of a list
 * (same name) keep theirs.
 */
export function xmlSkeleton(node: XmlNode, isRoot = true): XmlSkeleton {
  const attributes: Record<string, string> = {};
  for (const name of Object.keys(node.attributes).sort()) attributes[name] = node.attributes[name] as string;
  const children = node.children.map((child) => xmlSkeleton(child, false));
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    // Readers do not check the root's name; legacy vectors name it after the operation.
    name: isRoot ? '(root)' : localName(node.name),
    attributes,
    children,
  };
}

/** Turns a value in the vectors' notation into runtime values: Dates, Buffers, NaN as a number. */
export function toRuntime(member: Member, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const shape = member.shape;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure':
      return toRuntimeStructure(shape, value as Record<string, unknown>);
    case 'list':
      return (value as unknown[]).map((item) => toRuntime(shape.member as Member, item));
    case 'map': {
      const map: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [key, item] of Object.entries(value as object)) map[key] = toRuntime(shape.value as Member, item);
      return map;
    }
    case 'timestamp':
      return typeof value === 'number' ? new Date(Math.round(value * 1000)) : new Date(String(value));
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    case 'float':
    case 'double':
      if (value === 'NaN') return Number.NaN;
      if (value === 'Infinity') return Number.POSITIVE_INFINITY;
      if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
      return value;
    default:
      return value;
  }
}

/** The structure form of toRuntime; members the shape does not have are dropped. */
export function toRuntimeStructure(shape: Shape, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of shape.members) {
    if (member.name in value && value[member.name] !== null) out[member.name] = toRuntime(member, value[member.name]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running the vectors: one `describe` per vector file, one `test` per case, named by its id.

export interface VectorRunner {
  family: Family;
  protocol: ServerProtocol;
  /** Case id -> why it does not apply to a server. */
  skips: ReadonlyMap<string, string>;
  /** Case id -> input members a server fills that the case's params leave out (each with its reason in the test file). */
  unlistedMembers?: ReadonlyMap<string, readonly string[]>;
}

interface RawSuite {
  metadata: RawModel['metadata'];
  shapes: RawModel['shapes'];
  cases: VectorCase[];
}

/** The id a case is known by: its own, or (legacy cases have none) its suite and position. */
export function caseIdOf(suite: { description: string }, suiteIndex: number, testCase: VectorCase, index: number) {
  return testCase.id ?? `${suite.description} #${suiteIndex + 1}.${index + 1}`;
}

export function describeVectorFile(file: string, runner: VectorRunner): void {
  describe(file, () => {
    const suites = loadSuites(file);
    const raw = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as RawSuite[];
    const counts = { passed: 0, skipped: 0, total: 0 };
    suites.forEach((suite, suiteIndex) => {
      suite.cases.forEach((testCase, index) => {
        const id = caseIdOf(suite, suiteIndex, testCase, index);
        const reason = runner.skips.get(id);
        counts.total++;
        if (reason) counts.skipped++;
        const model = modelFor(suite, raw[suiteIndex] as RawSuite, testCase);
        test(id, reason ? { skip: reason } : {}, async () => {
          if (file.includes('input/')) await checkInputCase(runner, model, testCase, runner.unlistedMembers?.get(id));
          else await checkOutputCase(runner, model, testCase);
          counts.passed++;
        });
      });
    });
    after(() => {
      console.log(`# ${file}: ${counts.passed} passed, ${counts.skipped} skipped, ${counts.total} cases`);
    });
  });
}

/** The suite's model, or one of the case's own when (legacy suites) one name has several bindings. */
function modelFor(suite: VectorSuite, raw: RawSuite, testCase: VectorCase): ServiceModel {
  const operation = suite.model.operations.get(testCase.given.name);
  const first = suite.cases.find((other) => other.given.name === testCase.given.name);
  if (operation && first && JSON.stringify(first.given) === JSON.stringify(testCase.given)) return suite.model;
  const operations = { [testCase.given.name]: testCase.given as RawModel['operations'][string] };
  return linkModel({ metadata: raw.metadata, shapes: raw.shapes, operations });
}

/** botocore writes an unset member as null in params and results, at any depth. */
function withoutNulls(value: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value ?? {})) {
    if (item === null) continue;
    out[key] = isJsonObject(item) ? withoutNulls(item) : item;
  }
  return out;
}

async function checkInputCase(
  runner: VectorRunner,
  model: ServiceModel,
  testCase: VectorCase,
  unlisted: readonly string[] = [],
) {
  const serialized = { method: testCase.given.http?.method ?? 'POST', ...testCase.serialized } as NonNullable<
    VectorCase['serialized']
  >;
  const operation = model.operations.get(testCase.given.name) as Operation;
  const request = hasStreamingInput(operation.input) ? streamingRequestOf(serialized) : requestOf(serialized);
  const resolved = runner.protocol.resolveOperation(model, request);
  if (resolved.name !== testCase.given.name) {
    // Legacy suites give several operations one method and URI; no router can tell them apart.
    assert.deepStrictEqual(resolved.http, operation.http, `routed to ${resolved.name}, not ${testCase.given.name}`);
  }
  const input = runner.protocol.parseRequest(model, operation, request);
  for (const name of unlisted) delete input[name];
  assert.deepStrictEqual(await normalise(input), await normalise(withoutNulls(testCase.params)));
}

const context = { requestId: 'foo-id' };

async function checkOutputCase(runner: VectorRunner, model: ServiceModel, testCase: VectorCase) {
  const operation = model.operations.get(testCase.given.name) as Operation;
  const expected = testCase.response as NonNullable<VectorCase['response']>;
  let response: HttpResponse;
  let shape: Shape | undefined;
  if (testCase.errorCode) {
    shape = model.errorShapes.get(testCase.errorCode);
    response = runner.protocol.serializeError(model, operation, errorOf(shape, testCase), context);
  } else {
    shape = operation.output;
    const result = shape ? toRuntimeStructure(shape, testCase.result ?? {}) : {};
    response = runner.protocol.serializeOutput(model, operation, result, context);
  }
  const wire = await wireOf(response);
  assert.equal(wire.status, expected.status_code, 'status');
  const theirs: WireResponse = {
    status: expected.status_code,
    headers: Object.fromEntries(Object.entries(expected.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(expected.body ?? '', 'utf8'),
  };
  for (const [name, value] of Object.entries(theirs.headers)) await checkHeader(shape, wire, name, value);

  if (testCase.errorCode) {
    const ours = readError(runner.family, model, wire);
    assert.equal(ours.code, testCase.errorCode, 'error code');
    if (testCase.errorMessage !== undefined) assert.equal(ours.message, testCase.errorMessage, 'error message');
    assert.deepStrictEqual(await normalise(ours.members), await normalise(withoutNulls(testCase.error)));
    if (theirs.body.length > 0) {
      const their = readError(runner.family, model, { ...theirs, headers: { ...theirs.headers, ...wire.headers } });
      assert.deepStrictEqual(await normalise(ours.members), await normalise(their.members), 'error body as data');
    }
    return;
  }
  if (!shape) {
    assert.equal(wire.body.length, theirs.body.length, 'no output, no body');
    return;
  }
  // Parses back to its result...
  const back = readShape(runner.family, shape, wire);
  assert.deepStrictEqual(await normalise(back), await normalise(withoutNulls(testCase.result)), 'parses back');
  // ...and its body is the vector's body as data: same values through the model, same names.
  // A vector without a body says nothing about it (Smithy's header-only response tests).
  if (expected.body === undefined) return;
  // An empty rest-json body reads as `{}`: clients must accept either, servers send `{}`
  // (Smithy's RestJsonEmptyInputAndEmptyOutput and its JsonObjectOutput twin).
  const emptyJson = runner.family === 'rest-json' && theirs.body.length === 0 && wire.body.toString() === '{}';
  if (emptyJson) return;
  assert.equal(wire.body.length > 0, theirs.body.length > 0, 'body present');
  if (theirs.body.length === 0) return;
  const theirsRead = readShape(runner.family, shape, { ...theirs, headers: wire.headers });
  assert.deepStrictEqual(await normalise(back), await normalise(theirsRead), 'body as data');
  const bindings = bindingsOf(shape);
  const payload = bindings.payload;
  if (payload && (payload.shape.type === 'blob' || payload.shape.type === 'string')) {
    assert.equal(wire.body.toString('utf8'), theirs.body.toString('utf8'), 'raw payload');
  } else if (runner.family === 'rest-json') {
    const parse = (body: Buffer) => JSON.parse(body.toString('utf8')) as unknown;
    assert.deepStrictEqual(jsonSkeleton(parse(wire.body)), jsonSkeleton(parse(theirs.body)), 'JSON names');
  } else {
    const parse = (body: Buffer) => xmlSkeleton(parseXml(body.toString('utf8')));
    const their = parse(theirs.body);
    // The legacy vectors end rest-xml bodies with the query protocol's RequestId, which no model has.
    their.children = their.children.filter((child) => child.name !== 'RequestId');
    assert.deepStrictEqual(parse(wire.body), their, 'XML names and namespaces');
  }
}

/** The AwsError a provider would throw for an error case. */
function errorOf(shape: Shape | undefined, testCase: VectorCase): AwsError {
  const members = shape ? toRuntimeStructure(shape, testCase.error ?? {}) : {};
  const messageValue = testCase.error?.Message ?? testCase.error?.message;
  const message = testCase.errorMessage ?? (typeof messageValue === 'string' ? messageValue : '');
  const status = shape?.error?.httpStatusCode ?? testCase.response?.status_code ?? 400;
  const senderFault = shape?.error?.senderFault ?? !shape?.fault;
  return new AwsError({ code: testCase.errorCode as string, status, senderFault }, message, members);
}

/** Compares one header the vector names: equal text, or equal as data where spellings may differ. */
async function checkHeader(shape: Shape | undefined, wire: WireResponse, name: string, expected: string) {
  const actual = wire.headers[name];
  if (actual === expected) return;
  if (name === 'content-length') {
    // node:http writes it from the body.
    assert.equal(wire.body.length, Number(expected), name);
    return;
  }
  assert.notEqual(actual, undefined, `header ${name} missing`);
  if (name === 'x-amzn-errortype') {
    assert.equal(sanitizeErrorCode(actual as string), sanitizeErrorCode(expected), name);
    return;
  }
  if (name === 'content-type') {
    assert.equal((actual as string).split(';')[0]?.trim(), expected.split(';')[0]?.trim(), name);
    return;
  }
  const bindings = shape ? bindingsOf(shape) : undefined;
  const member = bindings?.headers.find((m) => (m.locationName ?? m.name).toLowerCase() === name);
  assert.ok(bindings && member, `header ${name}: ${actual} is not ${expected}`);
  const read = (text: string) => {
    const target: Record<string, unknown> = {};
    readHeaders({ ...bindings, headers: [member], headerKeys: [name], prefixHeaders: [] }, { [name]: text }, target);
    return normalise(target);
  };
  assert.deepStrictEqual(await read(actual as string), await read(expected), `header ${name} as data`);
}

// ---------------------------------------------------------------------------------------------
// Routing every operation of the real models of a family.

/** A request for an operation as a client would send it: labels filled, required query and headers present. */
export function sampleRequest(operation: Operation): HttpRequest {
  const template = compileUriTemplate(operation.http.requestUri);
  const path = template.segments
    .map((segment) =>
      segment.kind === 'literal' ? encodeURIComponent(segment.text) : segment.kind === 'label' ? 'label-1' : 'a/b',
    )
    .join('/');
  const bindings = operation.input ? bindingsOf(operation.input) : undefined;
  const query = [
    ...template.queryLiterals.map((q) => (q.value === undefined ? q.key : `${q.key}=${q.value}`)),
    ...(bindings?.requiredQueryKeys ?? []).map((key) => `${encodeURIComponent(key)}=1`),
  ];
  const headers: Record<string, string> = {};
  for (const name of bindings?.requiredHeaders ?? []) headers[name] = '1';
  return { method: operation.http.method, path: `/${path}`, query: query.join('&'), headers, body: Buffer.alloc(0) };
}

/** What a router can see of an operation: method, path shape, literal query, required bindings. */
export function routeShapeOf(operation: Operation): string {
  const template = compileUriTemplate(operation.http.requestUri);
  const path = template.segments.map((s) => (s.kind === 'literal' ? s.text : s.kind)).join('/');
  const query = template.queryLiterals.map((q) => `${q.key}=${q.value ?? ''}`).sort();
  const bindings = operation.input ? bindingsOf(operation.input) : undefined;
  const required = [...(bindings?.requiredQueryKeys ?? []), ...(bindings?.requiredHeaders ?? [])].sort();
  return `${operation.http.method} /${path}?${query.join('&')} [${required.join(',')}]`;
}

/** Every operation of every generated service of the family routes to itself (or to a twin no router can tell apart). */
export function describeCatalogRouting(family: Family, protocol: ServerProtocol): void {
  const services = Object.values(serviceCatalog).filter((service) => service.protocols[0] === family);
  describe(`every ${family} operation of the generated models routes to itself`, () => {
    for (const service of services) {
      test(service.name, async () => {
        const model = linkModel((await service.load()).default as RawModel);
        for (const operation of model.operations.values()) {
          const resolved = protocol.resolveOperation(model, sampleRequest(operation));
          if (resolved !== operation) {
            assert.equal(
              routeShapeOf(resolved),
              routeShapeOf(operation),
              `${operation.name} routed to ${resolved.name}`,
            );
          }
        }
      });
    }
  });
}
