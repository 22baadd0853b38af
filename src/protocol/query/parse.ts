/**
 * Request parsing for the awsQuery and ec2Query protocols.
 * Specs: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html and
 * https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html
 *
 * Wire rules: the input is `application/x-www-form-urlencoded`, in the body of a POST or the
 * query string of a GET (both are read; the body wins), with `Action` naming the operation and
 * `Version` the API version (not checked). The form is decoded once into key/value pairs; the
 * model then groups dotted keys only where they nest, so a flat request builds no tree.
 * Keys are dotted paths:
 * - structure members by locationName or member name (query); by queryName, else the
 *   capitalised locationName, else the capitalised member name (ec2): `Nested.StringArg=foo`;
 * - lists `Name.member.N` (1-based; `member` is the list member's locationName when it has one),
 *   `Name.N` when flattened (see flattenedItemName for the name) and always in ec2; `Name=` is
 *   an empty list;
 * - maps `Name.entry.N.key` / `Name.entry.N.value` (key and value locationNames apply),
 *   `Name.N.key` when flattened;
 * - timestamps ISO 8601 unless a timestampFormat trait says otherwise, blobs base64,
 *   booleans `true` / `false`, floats may be `NaN`, `Infinity`, `-Infinity`.
 * The reader also accepts the spellings other clients have used: a flattened list under either
 * its structure member's name or its item name, a wrapped list sent flattened, and ec2 member
 * names not capitalised (botocore sends them as the model spells them).
 *
 * Malformed input, with the codes of AWS's common errors for query services
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html, the same table
 * for IAM, STS, SNS, CloudSearch...):
 * - no Action: 400 `MissingAction`, "No action was supplied with this request."
 * - an Action the model lacks: 400 `InvalidAction`, "The action X is not valid for this web service."
 * - a broken percent-escape: 404 `MalformedQueryString`, "The query string contains a syntax error."
 * - a value that does not parse as its member's type (`MaxItems=abc`): 400 `InvalidParameterValue`
 *   in the words AWS uses for a rejected value ("Value 11 for parameter MaxNumberOfMessages is
 *   invalid. Reason: ...", shared/aws-reference/recorded-responses/services/sqs).
 * The wording of the first two is AWS's own error catalogue of query services
 * (http://docs.amazonwebservices.com/AlexaWebSearch/2007-03-15/ErrorsArticle.html).
 */
import { errorType } from '../../errors/aws-error.js';
import { SerializationException, UnknownOperationException } from '../../errors/framework.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpRequest, Input } from '../types.js';
import { decodeBase64, newMap, parseNumberText, parseTimestamp, timestampFormatOf } from '../values.js';

/** `query` (awsQuery) or `ec2` (ec2Query): the two spellings of the same form encoding. */
export type QueryDialect = 'query' | 'ec2';

/** One decoded `key=value`; below the top level, the key is relative to the value being read. */
export type FormPair = [key: string, value: string];

const MalformedQueryString = errorType('MalformedQueryString', 404);

function invalidValue(path: string, text: string, reason: string): SerializationException {
  return new SerializationException(
    `Value ${text} for parameter ${path} is invalid. Reason: ${reason}`,
    'InvalidParameterValue',
  );
}

function decodeComponent(raw: string): string {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MalformedQueryString('The query string contains a syntax error.');
  }
}

/** Decodes `a=1&b.c=2` onto `pairs`, in order. */
export function decodeForm(text: string, pairs: FormPair[]): void {
  const length = text.length;
  let start = 0;
  while (start < length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = length;
    if (end > start) {
      const equals = text.indexOf('=', start);
      const keyEnd = equals >= 0 && equals < end ? equals : end;
      const key = decodeComponent(text.slice(start, keyEnd));
      pairs.push([key, keyEnd < end ? decodeComponent(text.slice(keyEnd + 1, end)) : '']);
    }
    start = end + 1;
  }
}

function isFormBody(request: HttpRequest): boolean {
  const type = request.headers['content-type'];
  // Clients that omit the type still send a form (the Smithy HostWithPath cases do).
  return type === undefined || type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/**
 * The last request's form: resolveOperation and parseRequest run one after the other on the same
 * request, so one entry lets them share a single decoding. (A WeakMap keyed by request costs more
 * than the decoding: every short-lived key is an ephemeron the garbage collector must trace.)
 * Another request in between only costs a second decoding.
 */
let lastRequest: HttpRequest | undefined;
let lastPairs: FormPair[] = [];

export function readForm(request: HttpRequest): FormPair[] {
  if (request === lastRequest) return lastPairs;
  const pairs: FormPair[] = [];
  if (request.query !== '') decodeForm(request.query, pairs);
  if (request.body.length > 0 && isFormBody(request)) decodeForm(request.body.toString('utf8'), pairs);
  lastRequest = request;
  lastPairs = pairs;
  return pairs;
}

/** The operation named by the `Action` field (its last value, so that the body wins). */
export function resolveAction(model: ServiceModel, request: HttpRequest): Operation {
  let action: string | undefined;
  for (const [key, value] of readForm(request)) if (key === 'Action') action = value;
  if (action === undefined || action === '') {
    throw new UnknownOperationException('No action was supplied with this request.', 'MissingAction');
  }
  const operation = model.operations.get(action);
  if (operation) return operation;
  throw new UnknownOperationException(`The action ${action} is not valid for this web service.`, 'InvalidAction');
}

/** The input of `operation` from the request's form. */
export function parseQueryInput(operation: Operation, request: HttpRequest, dialect: QueryDialect): Input {
  if (!operation.input) return {};
  return readStructure(operation.input, readForm(request), dialect, '');
}

function capitalise(name: string): string {
  return name.length > 0 ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}

export function isFlattened(member: Member): boolean {
  return member.flattened ?? member.shape.flattened ?? false;
}

/**
 * The key (and XML element) name of a structure member: its locationName, else, for a
 * flattened list or map, its shape's locationName (sqs-query's `TagMap` is `Tag`), else its name.
 */
export function memberName(member: Member): string {
  return member.locationName ?? (isFlattened(member) ? member.shape.locationName : undefined) ?? member.name;
}

/**
 * The name a flattened list repeats. Models of botocore's era flatten the list shape and name its
 * items (sqs-query: `MessageList` items are `Message`, sent as `AttributeName.1`, answered as
 * `<Message>`); Smithy-derived models flatten the member and name it (`Hi.1` in the Smithy
 * vectors, whose list member name only applies when the same list is not flattened).
 */
export function flattenedItemName(member: Member): string {
  const itemName = member.shape.member?.locationName;
  return member.shape.flattened && itemName !== undefined ? itemName : memberName(member);
}

/** The names a member is read from: the protocol's spelling first, then the other clients' ones. */
function wireNames(member: Member, dialect: QueryDialect): string[] {
  const name = memberName(member);
  if (dialect === 'ec2') return [member.queryName ?? capitalise(name), name, member.name];
  const isList = member.shape.type === 'list' && isFlattened(member);
  const primary = isList ? flattenedItemName(member) : name;
  const names = [primary, name, member.name];
  const itemName = member.shape.member?.locationName;
  if (isList && itemName !== undefined) names.push(itemName);
  return names;
}

const structureTables: Record<QueryDialect, WeakMap<Shape, Map<string, Member>>> = {
  query: new WeakMap(),
  ec2: new WeakMap(),
};

/** Wire name -> member of one structure, built on first use; primary names win over aliases. */
function structureTable(shape: Shape, dialect: QueryDialect): Map<string, Member> {
  let table = structureTables[dialect].get(shape);
  if (table) return table;
  table = new Map();
  const names = shape.members.map((member) => wireNames(member, dialect));
  for (let rank = 0; rank < 4; rank++) {
    shape.members.forEach((member, index) => {
      const name = names[index]?.[rank];
      if (name !== undefined && table && !table.has(name)) table.set(name, member);
    });
  }
  structureTables[dialect].set(shape, table);
  return table;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function readStructure(
  shape: Shape,
  pairs: readonly FormPair[],
  dialect: QueryDialect,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const table = structureTable(shape, dialect);
  let groups: Map<Member, { head: string; pairs: FormPair[] }> | undefined;
  for (const [key, value] of pairs) {
    const dot = key.indexOf('.');
    const head = dot < 0 ? key : key.slice(0, dot);
    const member = table.get(head);
    if (member === undefined) continue;
    if (dot < 0) {
      const read = readLeaf(member, value, path, head);
      if (read !== undefined) out[member.name] = read;
      continue;
    }
    groups ??= new Map();
    let group = groups.get(member);
    if (!group) {
      group = { head, pairs: [] };
      groups.set(member, group);
    }
    group.pairs.push([key.slice(dot + 1), value]);
  }
  if (groups) {
    for (const [member, group] of groups) {
      const read = readGroup(member, group.pairs, dialect, join(path, group.head));
      if (read !== undefined) out[member.name] = read;
    }
  }
  return out;
}

/** A member written as one `key=value`: a scalar, or `Name=` for an empty list or map. */
function readLeaf(member: Member, text: string, path: string, key: string): unknown {
  switch (member.shape.type) {
    case 'list':
      return text === '' ? [] : undefined;
    case 'map':
      return text === '' ? newMap() : undefined;
    case 'structure':
      return undefined;
    default:
      return readScalar(member, text, path, key);
  }
}

/** A member written as several keys below its own. */
function readGroup(member: Member, pairs: FormPair[], dialect: QueryDialect, path: string): unknown {
  switch (member.shape.type) {
    case 'structure':
      return readStructure(member.shape, pairs, dialect, path);
    case 'list':
      return readList(member, pairs, dialect, path);
    case 'map':
      return readMap(member, pairs, dialect, path);
    default:
      return undefined;
  }
}

/** One list item or map value: a leaf, or keys below it. */
interface Item {
  index: number;
  value: string | undefined;
  pairs: FormPair[] | undefined;
}

function readItem(member: Member, item: Item, dialect: QueryDialect, path: string, key: string): unknown {
  if (item.pairs) return readGroup(member, item.pairs, dialect, join(path, key));
  return item.value === undefined ? undefined : readLeaf(member, item.value, path, key);
}

/** Groups `1.x=a&2=b` by their leading index, in index order. */
function byIndex(pairs: readonly FormPair[]): Item[] {
  const items = new Map<string, Item>();
  for (const [key, value] of pairs) {
    const dot = key.indexOf('.');
    const head = dot < 0 ? key : key.slice(0, dot);
    if (!isIndex(head)) continue;
    let item = items.get(head);
    if (!item) {
      item = { index: Number(head), value: undefined, pairs: undefined };
      items.set(head, item);
    }
    if (dot < 0) item.value = value;
    else (item.pairs ??= []).push([key.slice(dot + 1), value]);
  }
  return [...items.values()].sort((a, b) => a.index - b.index);
}

function isIndex(key: string): boolean {
  if (key.length === 0 || key.length > 9 || key.charCodeAt(0) === 48) return false;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The pairs below `prefix.`, with the prefix cut off. */
function below(pairs: readonly FormPair[], prefix: string): FormPair[] {
  const out: FormPair[] = [];
  const start = prefix.length + 1;
  for (const [key, value] of pairs) {
    if (key.length > start && key.charCodeAt(prefix.length) === 46 && key.startsWith(prefix)) {
      out.push([key.slice(start), value]);
    }
  }
  return out;
}

function readList(member: Member, pairs: FormPair[], dialect: QueryDialect, path: string): unknown[] | undefined {
  const element = member.shape.member;
  if (!element) return undefined;
  let items: readonly FormPair[] = pairs;
  let itemPath = path;
  if (dialect === 'query' && !isFlattened(member)) {
    const name = element.locationName ?? 'member';
    const wrapped = below(pairs, name);
    // A wrapped list sent flattened (`Name.1`) is still read.
    if (wrapped.length > 0) {
      items = wrapped;
      itemPath = `${path}.${name}`;
    }
  }
  const out: unknown[] = [];
  for (const item of byIndex(items)) {
    const value = readItem(element, item, dialect, itemPath, String(item.index));
    if (value !== undefined) out.push(value);
  }
  return out;
}

function readMap(
  member: Member,
  pairs: FormPair[],
  dialect: QueryDialect,
  path: string,
): Record<string, unknown> | undefined {
  const { key: keyMember, value: valueMember } = member.shape;
  if (!keyMember || !valueMember) return undefined;
  let entries: readonly FormPair[] = pairs;
  let entryPath = path;
  if (!isFlattened(member)) {
    const wrapped = below(pairs, 'entry');
    if (wrapped.length > 0) {
      entries = wrapped;
      entryPath = `${path}.entry`;
    }
  }
  const keyName = keyMember.locationName ?? 'key';
  const valueName = valueMember.locationName ?? 'value';
  const out = newMap();
  for (const entry of byIndex(entries)) {
    if (!entry.pairs) continue;
    let key: string | undefined;
    const item: Item = { index: entry.index, value: undefined, pairs: undefined };
    for (const [name, text] of entry.pairs) {
      if (name === keyName) key = text;
      else if (name === valueName) item.value = text;
    }
    const nested = below(entry.pairs, valueName);
    if (nested.length > 0) item.pairs = nested;
    if (key === undefined) continue;
    const value = readItem(valueMember, item, dialect, `${entryPath}.${entry.index}`, valueName);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const integerPattern = /^[+-]?\d+$/;

function readScalar(member: Member, text: string, path: string, key: string): unknown {
  const shape = member.shape;
  switch (shape.type) {
    case 'string':
    case 'character':
      return text;
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalidValue(join(path, key), text, 'must be true or false.');
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'biginteger':
      if (!integerPattern.test(text)) throw invalidValue(join(path, key), text, 'must be an integer.');
      return Number(text);
    case 'float':
    case 'double':
    case 'bigdecimal':
      return convert(path, key, text, 'must be a number.', () => parseNumberText(text, shape));
    case 'timestamp': {
      const format = timestampFormatOf(member, 'iso8601');
      return convert(path, key, text, 'must be a timestamp.', () => parseTimestamp(text, format));
    }
    case 'blob':
      return convert(path, key, text, 'must be base64-encoded.', () => decodeBase64(text));
    default:
      return text;
  }
}

/** Runs a shared conversion, turning its SerializationException into the query protocol's error. */
function convert<T>(path: string, key: string, text: string, reason: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SerializationException) throw invalidValue(join(path, key), text, reason);
    throw error;
  }
}
