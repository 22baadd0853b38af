/**
 * AWS's protocol test vectors (test/fixtures/aws-protocol-tests, botocore 1.43.11, Apache-2.0),
 * loaded for the server side: each suite's shapes and the operations its cases name become a
 * linked ServiceModel, each `serialized` request becomes an HttpRequest, and values are
 * normalised to the form the vectors write them in (timestamps as epoch seconds, blobs as
 * UTF-8 text, NaN and the infinities as strings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { linkModel, type RawModel } from '../../src/protocol/model.js';
import type { ServiceModel } from '../../src/protocol/model-types.js';
import type { HttpRequest, HttpResponse } from '../../src/protocol/types.js';

/** The fixtures live in the source tree; tests run from the repository root. */
export const vectorsDir = join(process.cwd(), 'test', 'fixtures', 'aws-protocol-tests');

export interface VectorCase {
  id: string;
  description?: string;
  given: { name: string; http?: { method: string; requestUri: string; responseCode?: number }; [key: string]: unknown };
  params?: Record<string, unknown>;
  serialized?: {
    method: string;
    uri: string;
    host?: string;
    body?: string;
    headers?: Record<string, string>;
    forbidHeaders?: string[];
    requireHeaders?: string[];
  };
  result?: Record<string, unknown>;
  response?: { status_code: number; headers?: Record<string, string>; body?: string };
  errorCode?: string;
  errorMessage?: string;
  error?: Record<string, unknown>;
}

export interface VectorSuite {
  description: string;
  metadata: RawModel['metadata'];
  model: ServiceModel;
  cases: VectorCase[];
  /** `input/query.json`, `legacy/output/json.json`... */
  file: string;
}

interface RawSuite {
  description: string;
  metadata: RawModel['metadata'];
  shapes: RawModel['shapes'];
  cases: VectorCase[];
}

/** Loads every suite of one file, e.g. `loadSuites('input/rest-json.json')`. */
export function loadSuites(file: string): VectorSuite[] {
  const raw = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as RawSuite[];
  return raw.map((suite) => {
    const operations: RawModel['operations'] = {};
    for (const testCase of suite.cases) {
      operations[testCase.given.name] ??= testCase.given as RawModel['operations'][string];
    }
    const model = linkModel({ metadata: suite.metadata, shapes: suite.shapes, operations });
    return { description: suite.description, metadata: suite.metadata, model, cases: suite.cases, file };
  });
}

/** botocore's own skip list, with the suite-level and case-level entries per protocol. */
export function botocoreIgnored(protocol: string, direction: 'input' | 'output'): Set<string> {
  const list = JSON.parse(readFileSync(join(vectorsDir, 'protocol-tests-ignore-list.json'), 'utf8')) as {
    general?: Record<string, { suites?: string[]; cases?: string[] }>;
    protocols?: Record<string, Record<string, { suites?: string[]; cases?: string[] }>>;
  };
  const ignored = new Set<string>();
  for (const name of list.general?.[direction]?.suites ?? []) ignored.add(name);
  for (const name of list.protocols?.[protocol]?.[direction]?.cases ?? []) ignored.add(name);
  for (const name of list.protocols?.[protocol]?.[direction]?.suites ?? []) ignored.add(name);
  return ignored;
}

/** The HTTP request a case's client would send, as the server's edge would hand it over. */
export function requestOf(
  serialized: NonNullable<VectorCase['serialized']>,
  bodyEncoding: 'utf8' | 'base64' = 'utf8',
): HttpRequest {
  const question = serialized.uri.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(serialized.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = Buffer.from(serialized.body ?? '', bodyEncoding);
  if (body.length > 0 && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  return {
    method: serialized.method.toUpperCase(),
    path: question >= 0 ? serialized.uri.slice(0, question) : serialized.uri,
    query: question >= 0 ? serialized.uri.slice(question + 1) : '',
    headers,
    body,
  };
}

/** A request whose body arrives as a stream, for operations with a streaming payload. */
export function streamingRequestOf(serialized: NonNullable<VectorCase['serialized']>): HttpRequest {
  const request = requestOf(serialized);
  request.stream = Readable.from([request.body]);
  request.body = Buffer.alloc(0);
  return request;
}

/** Reads a response body of any kind into bytes. */
export async function bodyBytes(response: HttpResponse): Promise<Buffer> {
  const body = response.body;
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Normalises a value to the vectors' notation so that results compare with deepStrictEqual:
 * Dates become epoch seconds, bytes become UTF-8 text, NaN and the infinities become strings,
 * null-prototype maps become plain objects, undefined members disappear.
 */
export async function normalise(value: unknown): Promise<unknown> {
  if (value === undefined || value === null) return value;
  if (value instanceof Date) return value.getTime() / 1000;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of value) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Number.POSITIVE_INFINITY) return 'Infinity';
    if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
    return value;
  }
  if (Array.isArray(value)) return Promise.all(value.map((item) => normalise(item)));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = await normalise(item);
    }
    return out;
  }
  return value;
}
