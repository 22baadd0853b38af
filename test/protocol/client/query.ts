/**
 * A test-side client for awsQuery and ec2Query responses: reads a response back into the result
 * or error a client would see, walking the model the way botocore and the SDKs do (independent
 * of src/protocol/query/serialize.ts, so that a test compares two readings of the wire).
 * Also compares two XML documents as trees, and runs a vector file through a query-family protocol.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Member, Operation, ServiceModel, Shape } from '../../../src/protocol/model-types.js';
import type { HttpResponse, ServerProtocol } from '../../../src/protocol/types.js';
import {
  decodeBase64,
  newMap,
  parseNumberText,
  parseTimestamp,
  timestampFormatOf,
} from '../../../src/protocol/values.js';
import { localName, parseXml, type XmlNode } from '../../../src/protocol/xml/reader.js';
import { bodyBytes, loadSuites, normalise, requestOf, type VectorCase, type VectorSuite } from '../vectors.js';
import { errorOf, errorShapeOf, toRuntime } from './runtime-values.js';

export type Dialect = 'query' | 'ec2';

export interface ReadError {
  code: string;
  message: string;
  type?: string;
  members: Record<string, unknown>;
}

export type ReadResponse = { result: Record<string, unknown> } | { error: ReadError };

function children(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((child) => localName(child.name) === name);
}

function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((item) => localName(item.name) === name);
}

function isFlattened(member: Member): boolean {
  return member.flattened ?? member.shape.flattened ?? false;
}

/** Element names as Nimbus documents them (src/protocol/query/parse.ts memberName, flattenedItemName). */
function elementName(member: Member): string {
  const flattened = isFlattened(member);
  const itemName = member.shape.member?.locationName;
  if (member.shape.type === 'list' && member.shape.flattened && itemName !== undefined) return itemName;
  return member.locationName ?? (flattened ? member.shape.locationName : undefined) ?? member.name;
}

function readStructure(shape: Shape, node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of shape.members) {
    const name = elementName(member);
    if (member.xmlAttribute) {
      const text = node.attributes[name];
      if (text !== undefined) out[member.name] = readScalar(member, text);
      continue;
    }
    const matches = children(node, name);
    if (matches.length === 0) continue;
    if (member.shape.type === 'list' && isFlattened(member) && member.shape.member) {
      const element = member.shape.member;
      out[member.name] = matches.map((item) => readValue(element, item));
    } else if (member.shape.type === 'map' && isFlattened(member)) {
      out[member.name] = readEntries(member.shape, matches);
    } else if (matches[0]) {
      out[member.name] = readValue(member, matches[0]);
    }
  }
  return out;
}

function readEntries(shape: Shape, entries: XmlNode[]): Record<string, unknown> {
  const out = newMap();
  const keyName = shape.key?.locationName ?? 'key';
  const valueName = shape.value?.locationName ?? 'value';
  for (const entry of entries) {
    const key = child(entry, keyName)?.text;
    const value = child(entry, valueName);
    if (key !== undefined && value && shape.value) out[key] = readValue(shape.value, value);
  }
  return out;
}

function readValue(member: Member, node: XmlNode): unknown {
  const shape = member.shape;
  switch (shape.type) {
    case 'structure':
      return readStructure(shape, node);
    case 'list': {
      const element = shape.member;
      if (!element) return [];
      return children(node, element.locationName ?? 'member').map((item) => readValue(element, item));
    }
    case 'map':
      return readEntries(shape, children(node, 'entry'));
    default:
      return readScalar(member, node.text);
  }
}

function readScalar(member: Member, text: string): unknown {
  const shape = member.shape;
  switch (shape.type) {
    case 'boolean':
      return text.trim() === 'true';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigdecimal':
    case 'biginteger':
      return parseNumberText(text, shape);
    case 'timestamp':
      return parseTimestamp(text, timestampFormatOf(member, 'iso8601'));
    case 'blob':
      return decodeBase64(text);
    default:
      return text;
  }
}

/** Reads a response body as a client would, success or error by the status. */
export function readQueryResponse(
  model: ServiceModel,
  operation: Operation,
  status: number,
  body: string,
  dialect: Dialect,
): ReadResponse {
  if (status >= 300) return { error: readError(model, operation, body, dialect) };
  if (body.trim() === '' || !operation.output) return { result: {} };
  const root = parseXml(body);
  if (dialect === 'ec2') return { result: readStructure(operation.output, root) };
  const result = child(root, operation.resultWrapper ?? `${operation.name}Result`);
  return { result: result ? readStructure(operation.output, result) : {} };
}

function readError(model: ServiceModel, operation: Operation, body: string, dialect: Dialect): ReadError {
  const root = parseXml(body);
  const error = dialect === 'ec2' ? child(child(root, 'Errors'), 'Error') : child(root, 'Error');
  if (!error) throw new Error(`no Error element in ${body}`);
  const code = child(error, 'Code')?.text ?? '';
  const type = child(error, 'Type')?.text;
  const shape = errorShapeOf(model, operation, code);
  const members = shape ? readStructure(shape, error) : {};
  delete members.Message;
  delete members.message;
  const read: ReadError = { code, message: child(error, 'Message')?.text ?? '', members };
  if (type !== undefined) read.type = type;
  return read;
}

/** Text equal, or the same instant written two ways (`-01:00` against `Z`). */
function sameText(actual: string, expected: string): boolean {
  if (actual.trim() === expected.trim()) return true;
  const a = Date.parse(actual.trim());
  const b = Date.parse(expected.trim());
  return !Number.isNaN(a) && a === b && /\d{4}-\d\d-\d\d|GMT/.test(expected);
}

function sortedChildren(node: XmlNode, ignore: ReadonlySet<string>): XmlNode[] {
  return node.children
    .filter((item) => !ignore.has(item.name))
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (a.item.name < b.item.name ? -1 : a.item.name > b.item.name ? 1 : a.index - b.index))
    .map(({ item }) => item);
}

/**
 * Differences between two documents as trees: element names, the expected element's attributes
 * (the root's aside: its namespace is the model's), children in any order of names but in order
 * within a name, leaf text. `ignoreAtRoot` names envelope elements only one side has (request ids).
 */
export function compareXml(actual: string, expected: string, ignoreAtRoot: ReadonlySet<string>): string[] {
  const differences: string[] = [];
  const walk = (a: XmlNode, e: XmlNode, path: string, depth: number): void => {
    const root = depth === 0;
    if (a.name !== e.name) {
      differences.push(`${path}: element ${a.name}, expected ${e.name}`);
      return;
    }
    if (!root) {
      for (const [name, value] of Object.entries(e.attributes)) {
        if (a.attributes[name] !== value)
          differences.push(`${path}/@${name}: ${a.attributes[name]}, expected ${value}`);
      }
    }
    // Request ids sit in the envelope (one legacy vector puts its RequestId inside the result).
    const ignore = depth <= 1 ? ignoreAtRoot : new Set<string>();
    const ac = sortedChildren(a, ignore);
    const ec = sortedChildren(e, ignore);
    if (ac.length === 0 && ec.length === 0) {
      if (!sameText(a.text, e.text))
        differences.push(`${path}: text ${JSON.stringify(a.text)}, expected ${JSON.stringify(e.text)}`);
      return;
    }
    if (ac.length !== ec.length) {
      const names = (nodes: XmlNode[]) => nodes.map((n) => n.name).join(',');
      differences.push(`${path}: children [${names(ac)}], expected [${names(ec)}]`);
      return;
    }
    ac.forEach((item, index) => {
      const other = ec[index];
      if (other) walk(item, other, `${path}/${item.name}`, depth + 1);
    });
  };
  const a = parseXml(actual);
  walk(a, parseXml(expected), a.name, 0);
  return differences;
}

/** A case's id: its own, or for the legacy files (which have none) its place and description. */
export function caseId(file: string, suite: VectorSuite, index: number, ordinal: number): string {
  const own = suite.cases[index]?.id;
  return own ?? `${file.startsWith('legacy') ? 'legacy' : 'case'} ${ordinal}: ${suite.description}`;
}

function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name.toLowerCase()) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/** Header values compared as data: media types without their parameters' spacing, the rest exactly. */
export function assertHeaders(actual: HttpResponse['headers'], expected: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(expected ?? {})) {
    const got = headerValue(actual, name);
    if (name.toLowerCase() === 'content-type') {
      const media = (text: string | undefined) => text?.split(';')[0]?.trim().toLowerCase();
      assert.equal(media(got), media(value), `header ${name}`);
    } else {
      assert.equal(got, value, `header ${name}`);
    }
  }
}

/** Request ids and response metadata only one side of a comparison writes. */
const envelopeOnly = new Set(['ResponseMetadata', 'requestId', 'RequestId']);

/**
 * Runs one vector file through a query-family protocol: input cases parse `serialized` back to
 * `params`; output cases serialize `result` (or the case's error) and must give the status, the
 * headers named, and a body that reads back to the result, whose tree matches the vector's.
 * Prints the pass and skip counts of the file.
 */
export function runQueryVectors(
  protocol: ServerProtocol,
  dialect: Dialect,
  file: string,
  skipped: Readonly<Record<string, string>>,
): void {
  const counts = { passed: 0, skipped: 0 };
  describe(file, () => {
    after(() => console.log(`# ${file}: ${counts.passed} passed, ${counts.skipped} skipped`));
    let ordinal = 0;
    for (const suite of loadSuites(file)) {
      suite.cases.forEach((testCase, index) => {
        const id = caseId(file, suite, index, ++ordinal);
        const reason = skipped[id];
        if (reason !== undefined) {
          counts.skipped++;
          test(id, { skip: reason }, () => {});
          return;
        }
        test(id, async () => {
          if (file.includes('input')) await runInput(protocol, suite, testCase);
          else await runOutput(protocol, dialect, suite, testCase);
          counts.passed++;
        });
      });
    }
  });
}

async function runInput(protocol: ServerProtocol, suite: VectorSuite, testCase: VectorCase): Promise<void> {
  // The legacy cases leave the method out; awsQuery requests are POSTs.
  const request = requestOf({ method: 'POST', uri: '/', ...testCase.serialized });
  const operation = protocol.resolveOperation(suite.model, request);
  assert.equal(operation.name, testCase.given.name);
  const input = protocol.parseRequest(suite.model, operation, request);
  assert.deepStrictEqual(await normalise(input), await normalise(testCase.params ?? {}));
}

async function runOutput(
  protocol: ServerProtocol,
  dialect: Dialect,
  suite: VectorSuite,
  testCase: VectorCase,
): Promise<void> {
  const { model } = suite;
  const operation = model.operations.get(testCase.given.name);
  assert.ok(operation, `operation ${testCase.given.name}`);
  const ctx = { requestId: 'requestid' };
  const expected = testCase.response ?? { status_code: 200 };
  const response = testCase.errorCode
    ? protocol.serializeError(model, operation, errorOf(model, operation, testCase), ctx)
    : protocol.serializeOutput(model, operation, toRuntime(operation.output ?? emptyShape, testCase.result ?? {}), ctx);
  assert.equal(response.status, expected.status_code);
  assertHeaders(response.headers, expected.headers);
  const body = (await bodyBytes(response)).toString('utf8');
  const ours = readQueryResponse(model, operation, response.status, body, dialect);
  const theirs = expected.body
    ? readQueryResponse(model, operation, expected.status_code, expected.body, dialect)
    : undefined;
  if (testCase.errorCode) {
    assert.ok('error' in ours, 'an error response');
    assert.equal(ours.error.code, testCase.errorCode);
    assert.equal(ours.error.message, testCase.errorMessage ?? String(testCase.error?.Message ?? ''));
    assert.deepStrictEqual(await normalise(ours.error.members), await normalise(withoutMessage(testCase.error)));
    if (theirs && 'error' in theirs) assert.equal(theirs.error.code, testCase.errorCode);
    return;
  }
  assert.ok('result' in ours, 'a result');
  const want = await normalise(testCase.result ?? {});
  assert.deepStrictEqual(await normalise(ours.result), want, 'our body reads back to the result');
  if (theirs && 'result' in theirs) {
    // The reader is right if it reads AWS's own body to the same result.
    assert.deepStrictEqual(await normalise(theirs.result), want, "the vector's body reads to the result");
    assert.deepStrictEqual(compareXml(body, expected.body ?? '', envelopeOnly), [], 'the XML trees match');
  }
}

function withoutMessage(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields ?? {})) if (key !== 'Message' && key !== 'message') out[key] = value;
  return out;
}

const emptyShape: Shape = { name: 'Empty', type: 'structure', members: [], memberMap: new Map() };
