/**
 * Request URI templates of the REST protocols (https://smithy.io/2.0/spec/http-bindings.html#http-trait):
 * a path of `/`-separated segments, each a literal, a label `{Name}` (one non-empty segment) or
 * a greedy label `{Name+}` (one or more segments, `/` kept, at most one per template, literals
 * may follow it), then an optional query of literal parts (`?uploads`, `?list-type=2`) that a
 * request must carry for the template to match.
 *
 * Templates are compiled once per operation; matching a request walks its raw path segments
 * with no regular expression, and percent-decodes only what it compares or binds.
 */
import { newMap } from '../values.js';

export type PathSegment =
  | { kind: 'literal'; text: string }
  | { kind: 'label'; name: string }
  | { kind: 'greedy'; name: string };

export interface QueryLiteral {
  key: string;
  /** Undefined for a bare key (`?uploads`): only its presence is required. */
  value: string | undefined;
}

export interface UriTemplate {
  source: string;
  segments: PathSegment[];
  /** Index of the greedy label in `segments`, -1 when there is none. */
  greedyIndex: number;
  queryLiterals: QueryLiteral[];
}

/** Percent-decodes, keeping the raw text when it is not valid percent-encoding. */
export function percentDecode(text: string): string {
  if (text.indexOf('%') < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Splits a raw path into its raw segments: `/` gives none, `/a/b/` gives `a`, `b`, `` (a
 * trailing slash is a trailing empty segment: S3 keys may end with one).
 */
export function splitPath(path: string): string[] {
  const body = path.startsWith('/') ? path.slice(1) : path;
  return body === '' ? [] : body.split('/');
}

export function compileUriTemplate(requestUri: string): UriTemplate {
  const question = requestUri.indexOf('?');
  const pathPart = question >= 0 ? requestUri.slice(0, question) : requestUri;
  const queryPart = question >= 0 ? requestUri.slice(question + 1) : '';
  const rawSegments = splitPath(pathPart);
  // A template that ends with `/` (Lambda's `/2015-03-31/functions/`) names the same resource
  // as one without; requests match either way through the router's trailing-slash retry.
  if (rawSegments.length > 0 && rawSegments[rawSegments.length - 1] === '') rawSegments.pop();
  let greedyIndex = -1;
  const segments = rawSegments.map((raw, index): PathSegment => {
    if (raw.startsWith('{') && raw.endsWith('}')) {
      const inner = raw.slice(1, -1);
      if (inner.endsWith('+')) {
        greedyIndex = index;
        return { kind: 'greedy', name: inner.slice(0, -1) };
      }
      return { kind: 'label', name: inner };
    }
    return { kind: 'literal', text: percentDecode(raw) };
  });
  const queryLiterals: QueryLiteral[] = [];
  for (const part of queryPart.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    queryLiterals.push(
      equals >= 0
        ? { key: percentDecode(part.slice(0, equals)), value: percentDecode(part.slice(equals + 1)) }
        : { key: percentDecode(part), value: undefined },
    );
  }
  return { source: requestUri, segments, greedyIndex, queryLiterals };
}

/**
 * Matches raw path segments against a template; returns the decoded labels, or undefined.
 * Labels bind non-empty text only, as clients must never send an empty label.
 */
export function matchPath(template: UriTemplate, raw: readonly string[]): Record<string, string> | undefined {
  const segments = template.segments;
  const labels = newMap<string>();
  if (template.greedyIndex < 0) {
    if (raw.length !== segments.length) return undefined;
    for (let index = 0; index < segments.length; index++) {
      if (!matchSegment(segments[index] as PathSegment, raw[index] as string, labels)) return undefined;
    }
    return labels;
  }
  const greedy = template.greedyIndex;
  const suffixLength = segments.length - greedy - 1;
  if (raw.length < segments.length) return undefined;
  for (let index = 0; index < greedy; index++) {
    if (!matchSegment(segments[index] as PathSegment, raw[index] as string, labels)) return undefined;
  }
  const suffixStart = raw.length - suffixLength;
  for (let index = 0; index < suffixLength; index++) {
    if (!matchSegment(segments[greedy + 1 + index] as PathSegment, raw[suffixStart + index] as string, labels)) {
      return undefined;
    }
  }
  const value = raw.slice(greedy, suffixStart).join('/');
  if (value === '') return undefined;
  labels[(segments[greedy] as { name: string }).name] = percentDecode(value);
  return labels;
}

function matchSegment(segment: PathSegment, raw: string, labels: Record<string, string>): boolean {
  if (segment.kind === 'literal') return segment.text === raw || segment.text === percentDecode(raw);
  if (raw === '') return false;
  labels[segment.name] = percentDecode(raw);
  return true;
}

/** True when the query carries every literal part of the template. */
export function matchQueryLiterals(template: UriTemplate, query: QueryParams): boolean {
  for (const literal of template.queryLiterals) {
    const values = query.get(literal.key);
    if (values === undefined) return false;
    if (literal.value !== undefined && !values.includes(literal.value)) return false;
  }
  return true;
}

/** A parsed query string: each key with its values in order (`?a=1&a=2` gives `a: [1, 2]`). */
export type QueryParams = ReadonlyMap<string, readonly string[]>;

const plusSigns = /\+/g;

/**
 * Parses a raw query string. `+` is a space, as in the HTML form encoding that S3 and API
 * Gateway also accept in query strings; SDKs send `%20` and `%2B`, which decode the same way.
 */
export function parseQueryString(query: string): QueryParams {
  const params = new Map<string, string[]>();
  if (query === '') return params;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const rawKey = equals >= 0 ? part.slice(0, equals) : part;
    const rawValue = equals >= 0 ? part.slice(equals + 1) : '';
    const key = percentDecode(rawKey.replace(plusSigns, ' '));
    const value = percentDecode(rawValue.replace(plusSigns, ' '));
    const values = params.get(key);
    if (values) values.push(value);
    else params.set(key, [value]);
  }
  return params;
}
