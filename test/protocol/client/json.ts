/**
 * A test-side client for awsJson 1.0 / 1.1 responses: reads a response back into the result or
 * error a client would see, with the SDKs' rules (the error code from `X-Amzn-ErrorType`, else
 * the body's `code`, else `__type`, cut at `:` and after `#`; `null` members and unknown members
 * ignored; a union's `__type` ignored; timestamps in any of the three formats).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Member, Operation, ServiceModel, Shape } from '../../../src/protocol/model-types.js';
import type { ServerProtocol } from '../../../src/protocol/types.js';
import { decodeBase64, newMap, parseTimestamp } from '../../../src/protocol/values.js';
import { bodyBytes, loadSuites, normalise, requestOf, type VectorCase, type VectorSuite } from '../vectors.js';
import { assertHeaders, caseId, type ReadResponse } from './query.js';
import { errorOf, errorShapeOf, toRuntime } from './runtime-values.js';

/** `aws.protocoltests#FooError:http://internal...` -> `FooError`. */
export function sanitizeErrorCode(raw: string): string {
  let code = raw;
  const colon = code.indexOf(':');
  if (colon >= 0) code = code.slice(0, colon);
  const hash = code.indexOf('#');
  if (hash >= 0) code = code.slice(hash + 1);
  return code;
}

export function header(headers: Record<string, string | string[]> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

function readStructure(shape: Shape, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of shape.members) {
    const value = data[member.locationName ?? member.name];
    if (value !== null && value !== undefined) out[member.name] = readValue(member, value);
  }
  return out;
}

function readValue(member: Member, value: unknown): unknown {
  const shape = member.shape;
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure':
      return readStructure(shape, value as Record<string, unknown>);
    case 'list':
      return (value as unknown[]).map((item) =>
        item === null || !shape.member ? null : readValue(shape.member, item),
      );
    case 'map': {
      const out = newMap();
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item !== null && shape.value) out[key] = readValue(shape.value, item);
      }
      return out;
    }
    case 'timestamp':
      if (typeof value === 'number') return new Date(Math.round(value * 1000));
      return parseTimestamp(String(value), /^\d{4}-/.test(String(value)) ? 'iso8601' : 'rfc822');
    case 'blob':
      return decodeBase64(String(value));
    case 'float':
    case 'double':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

/** Reads a response as a client would, success or error by the status. */
export function readJsonResponse(
  model: ServiceModel,
  operation: Operation,
  status: number,
  headers: Record<string, string | string[]> | undefined,
  body: string,
): ReadResponse {
  const data = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
  if (status < 300) return { result: operation.output ? readStructure(operation.output, data) : {} };
  const raw =
    header(headers, 'x-amzn-errortype') ?? (data.code as string | undefined) ?? (data.__type as string | undefined);
  let code = sanitizeErrorCode(raw ?? '');
  const queryError = header(headers, 'x-amzn-query-error');
  const shape = errorShapeOf(model, operation, code);
  // A query-compatible client reports the legacy code the header carries.
  if (queryError !== undefined && model.metadata.awsQueryCompatible) code = queryError.split(';')[0] ?? code;
  const members = shape ? readStructure(shape, data) : {};
  delete members.message;
  delete members.Message;
  const message = String(data.message ?? data.Message ?? '');
  return { error: { code, message, members } };
}

/** `aws.protocoltests.json10#FooError` -> `FooError`, in a body parsed for a raw comparison. */
function withPlainType(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = { ...(body as Record<string, unknown>) };
  if (typeof record.__type === 'string') record.__type = sanitizeErrorCode(record.__type);
  return record;
}

/**
 * Runs one vector file through the JSON protocol. Input cases parse `serialized` back to
 * `params` (a request without X-Amz-Target, which some host-prefix and legacy cases leave out
 * because they check only the host or body, gets the one its client sends). Output cases
 * serialize `result` (or the case's error) and must give the status, the headers named, a body
 * that reads back to the result (as the vector's own body does), and, except for the cases in
 * `notCanonical` whose body shows a client's tolerance rather than what a server writes, the
 * vector's body as JSON data. Prints the pass and skip counts of the file.
 */
export function runJsonVectors(
  protocol: ServerProtocol,
  file: string,
  skipped: Readonly<Record<string, string>>,
  notCanonical: ReadonlySet<string>,
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
          else await runOutput(protocol, suite, testCase, !notCanonical.has(id));
          counts.passed++;
        });
      });
    }
  });
}

async function runInput(protocol: ServerProtocol, suite: VectorSuite, testCase: VectorCase): Promise<void> {
  const request = requestOf({ method: 'POST', uri: '/', ...testCase.serialized });
  request.headers['x-amz-target'] ??= `${suite.metadata.targetPrefix}.${testCase.given.name}`;
  const operation = protocol.resolveOperation(suite.model, request);
  assert.equal(operation.name, testCase.given.name);
  const input = protocol.parseRequest(suite.model, operation, request);
  assert.deepStrictEqual(await normalise(input), await normalise(testCase.params ?? {}));
}

/**
 * The response headers awsJson defines. Vectors also name others: AwsJson11IntEnums copies the
 * request's X-Amz-Target into its response, legacy cases add arbitrary ones a client ignores.
 */
const protocolHeaders = new Set(['content-type', 'x-amzn-requestid', 'x-amzn-query-error']);

async function runOutput(
  protocol: ServerProtocol,
  suite: VectorSuite,
  testCase: VectorCase,
  canonical: boolean,
): Promise<void> {
  const { model } = suite;
  const operation = model.operations.get(testCase.given.name);
  assert.ok(operation, `operation ${testCase.given.name}`);
  const expected = testCase.response ?? { status_code: 200 };
  const headers: Record<string, string> = {};
  let errorType: string | undefined;
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    // The error type is compared as data: `FooError:http://internal...` names FooError.
    if (name.toLowerCase() === 'x-amzn-errortype') errorType = value;
    else if (protocolHeaders.has(name.toLowerCase())) headers[name] = value;
  }
  const requestId = header(headers, 'x-amzn-requestid') ?? 'requestid';
  const response = testCase.errorCode
    ? protocol.serializeError(model, operation, errorOf(model, operation, testCase, true), { requestId })
    : protocol.serializeOutput(model, operation, toRuntime(operation.output ?? emptyShape, testCase.result ?? {}), {
        requestId,
      });
  assert.equal(response.status, expected.status_code);
  assertHeaders(response.headers, headers);
  if (errorType !== undefined) {
    assert.equal(sanitizeErrorCode(header(response.headers, 'x-amzn-errortype') ?? ''), sanitizeErrorCode(errorType));
  }
  const body = (await bodyBytes(response)).toString('utf8');
  const ours = readJsonResponse(model, operation, response.status, response.headers, body);
  const theirs = readJsonResponse(model, operation, expected.status_code, expected.headers, expected.body ?? '');
  if (testCase.errorCode) {
    assert.ok('error' in ours && 'error' in theirs, 'error responses');
    assert.equal(ours.error.code, testCase.errorCode);
    assert.equal(theirs.error.code, testCase.errorCode);
    assert.equal(ours.error.message, testCase.errorMessage ?? '');
    const members = await normalise(withoutMessage(testCase.error));
    assert.deepStrictEqual(await normalise(ours.error.members), members);
  } else {
    assert.ok('result' in ours && 'result' in theirs, 'results');
    const want = await normalise(testCase.result ?? {});
    assert.deepStrictEqual(await normalise(ours.result), want, 'our body reads back to the result');
    assert.deepStrictEqual(await normalise(theirs.result), want, "the vector's body reads to the result");
  }
  if (canonical && expected.body) {
    assert.deepStrictEqual(
      withPlainType(JSON.parse(body)),
      withPlainType(JSON.parse(expected.body)),
      'the body as data',
    );
  }
}

function withoutMessage(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields ?? {})) if (key !== 'Message' && key !== 'message') out[key] = value;
  return out;
}

const emptyShape: Shape = { name: 'Empty', type: 'structure', members: [], memberMap: new Map() };
