/**
 * HTTP bindings of a structure's members, shared by rest-json and rest-xml
 * (https://smithy.io/2.0/spec/http-bindings.html):
 * - `location: uri` (httpLabel) members come from the path, `querystring` (httpQuery) members
 *   from the query (a list as repeated keys; a map member takes the whole query string,
 *   string values or string-list values), `header` (httpHeader) members from one header,
 *   `headers` (httpPrefixHeaders) maps from every header with the prefix, `statusCode`
 *   (httpResponseCode) from the status;
 * - the `payload` member (httpPayload) is the whole body; without one, the members with no
 *   location form the body document.
 * Groupings are computed once per shape and cached.
 */
import type { Member, Shape } from '../model-types.js';
import { newMap } from '../values.js';
import type { ResponseHeaders } from './response-headers.js';
import { quoteHeaderListItem, readText, splitHeaderList, splitHttpDateList, writeText } from './text-values.js';
import type { QueryParams } from './uri-template.js';

export interface ShapeBindings {
  labels: Member[];
  query: Member[];
  /** The map member bound to the whole query string, if any. */
  queryMap: Member | undefined;
  headers: Member[];
  /** The header names of `headers`, in lower case, in the same order. */
  headerKeys: string[];
  /** Member name to its index in `headers`: a response sets a few of many (S3's GetObject has 40). */
  headerIndex: Map<string, number>;
  prefixHeaders: Member[];
  statusCode: Member | undefined;
  payload: Member | undefined;
  /** The members of a request's body document (empty when a payload member is the body). */
  body: Member[];
  /**
   * The members of a response's body document: label and query bindings mean nothing in a
   * response, so those members are written in the body (Smithy's IgnoreQueryParamsInResponse).
   */
  outputBody: Member[];
  /** Query keys and header names (lower case) of required members, which routing uses to tell operations apart. */
  requiredQueryKeys: string[];
  requiredHeaders: string[];
}

const cache = new WeakMap<Shape, ShapeBindings>();

export function bindingsOf(shape: Shape): ShapeBindings {
  let bindings = cache.get(shape);
  if (!bindings) {
    bindings = groupMembers(shape);
    cache.set(shape, bindings);
  }
  return bindings;
}

function groupMembers(shape: Shape): ShapeBindings {
  const bindings: ShapeBindings = {
    labels: [],
    query: [],
    queryMap: undefined,
    headers: [],
    headerKeys: [],
    headerIndex: new Map(),
    prefixHeaders: [],
    statusCode: undefined,
    payload: shape.payload ? shape.memberMap.get(shape.payload) : undefined,
    body: [],
    outputBody: [],
    requiredQueryKeys: [],
    requiredHeaders: [],
  };
  for (const member of shape.members) {
    switch (member.location) {
      case 'uri':
        bindings.labels.push(member);
        if (!bindings.payload) bindings.outputBody.push(member);
        break;
      case 'querystring':
        if (member.shape.type === 'map') bindings.queryMap = member;
        else {
          bindings.query.push(member);
          if (member.required) bindings.requiredQueryKeys.push(wireName(member));
        }
        if (!bindings.payload) bindings.outputBody.push(member);
        break;
      case 'header':
        bindings.headerIndex.set(member.name, bindings.headers.length);
        bindings.headers.push(member);
        bindings.headerKeys.push(wireName(member).toLowerCase());
        if (member.required) bindings.requiredHeaders.push(wireName(member).toLowerCase());
        break;
      case 'headers':
        bindings.prefixHeaders.push(member);
        break;
      case 'statusCode':
        bindings.statusCode = member;
        break;
      default:
        if (!bindings.payload) {
          bindings.body.push(member);
          bindings.outputBody.push(member);
        }
    }
  }
  return bindings;
}

/** The name a member has on the wire: its locationName, else its member name. */
export function wireName(member: Member): string {
  return member.locationName ?? member.name;
}

/**
 * True when a payload is a stream: a streaming blob, or an event stream (whose frames a later
 * decoder reads). Its body is handed over unread.
 */
export function isStreamingPayload(member: Member | undefined): boolean {
  if (member === undefined) return false;
  const shape = member.shape;
  return (
    shape.eventstream === true || (shape.type === 'blob' && (member.streaming === true || shape.streaming === true))
  );
}

/** True when an operation's input payload is a stream: the edge should hand the body over unread. */
export function hasStreamingInput(input: Shape | undefined): boolean {
  return input !== undefined && isStreamingPayload(bindingsOf(input).payload);
}

/** Binds the labels a route match found. */
export function readLabels(bindings: ShapeBindings, labels: Record<string, string>, target: Record<string, unknown>) {
  for (const member of bindings.labels) {
    const text = labels[wireName(member)];
    if (text !== undefined) target[member.name] = readText(member, text, 'iso8601');
  }
}

/** Binds query members; `routeKeys` are the template's literal keys, which are not data. */
export function readQuery(
  bindings: ShapeBindings,
  query: QueryParams,
  target: Record<string, unknown>,
  routeKeys: ReadonlySet<string>,
) {
  if (query.size === 0) return;
  for (const member of bindings.query) {
    const values = query.get(wireName(member));
    if (values === undefined) continue;
    if (member.shape.type === 'list') {
      const item = member.shape.member as Member;
      target[member.name] = values.map((text) => readText(item, text, 'iso8601'));
    } else {
      target[member.name] = readText(member, values[0] as string, 'iso8601');
    }
  }
  const mapMember = bindings.queryMap;
  if (mapMember) {
    // Every key goes into the map, the explicitly bound ones included (the vectors'
    // RestJsonAllQueryStringTypes): a member binding does not hide its key from the map.
    const listValues = mapMember.shape.value?.shape.type === 'list';
    const map = newMap<unknown>();
    let size = 0;
    for (const [key, values] of query) {
      if (routeKeys.has(key)) continue;
      map[key] = listValues ? [...values] : values[0];
      size++;
    }
    if (size > 0) target[mapMember.name] = map;
  }
}

/** Binds header and prefix-header members from lower-case request (or response) headers. */
export function readHeaders(
  bindings: ShapeBindings,
  headers: Record<string, string | undefined>,
  target: Record<string, unknown>,
) {
  const members = bindings.headers;
  for (let index = 0; index < members.length; index++) {
    const text = headers[bindings.headerKeys[index] as string];
    if (text !== undefined) target[(members[index] as Member).name] = readHeaderValue(members[index] as Member, text);
  }
  for (const member of bindings.prefixHeaders) {
    // Always a map, empty when no header has the prefix, as smithy's server codegen gives it.
    const prefix = wireName(member).toLowerCase();
    const map = newMap<string>();
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined && name.startsWith(prefix)) map[name.slice(prefix.length)] = value;
    }
    target[member.name] = map;
  }
}

function readHeaderValue(member: Member, text: string): unknown {
  if (member.shape.type !== 'list') return readText(member, text, 'rfc822');
  const item = member.shape.member as Member;
  const httpDates =
    item.shape.type === 'timestamp' && (item.timestampFormat ?? item.shape.timestampFormat ?? 'rfc822') === 'rfc822';
  const parts = httpDates ? splitHttpDateList(text) : splitHeaderList(text);
  return parts.map((part) => readText(item, part, 'rfc822'));
}

/** Writes header and prefix-header members of an output or error value. */
export function writeHeaders(bindings: ShapeBindings, value: Record<string, unknown>, headers: ResponseHeaders) {
  // Walks the members the value has, not every header member of the shape.
  for (const name in value) {
    const index = bindings.headerIndex.get(name);
    if (index === undefined) continue;
    const item = value[name];
    if (item === undefined || item === null) continue;
    const member = bindings.headers[index] as Member;
    const key = bindings.headerKeys[index] as string;
    if (member.shape.type === 'list') {
      if (!Array.isArray(item) || item.length === 0) continue;
      const itemMember = member.shape.member as Member;
      const quote = itemMember.shape.type === 'string';
      const texts = item.map((entry: unknown) => {
        const text = writeText(itemMember, entry, 'rfc822');
        return quote ? quoteHeaderListItem(text) : text;
      });
      headers.setKeyed(key, wireName(member), texts.join(', '));
    } else {
      headers.setKeyed(key, wireName(member), writeText(member, item, 'rfc822'));
    }
  }
  for (const member of bindings.prefixHeaders) {
    const map = value[member.name];
    if (map === undefined || map === null || typeof map !== 'object') continue;
    const prefix = wireName(member);
    for (const key of Object.keys(map)) {
      const entry = (map as Record<string, unknown>)[key];
      if (entry !== undefined && entry !== null) headers.set(prefix + key, String(entry));
    }
  }
}

/** The status an output asks for through its statusCode member, else the fallback. */
export function statusOf(bindings: ShapeBindings, value: Record<string, unknown>, fallback: number): number {
  if (!bindings.statusCode) return fallback;
  const status = value[bindings.statusCode.name];
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : fallback;
}
