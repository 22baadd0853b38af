/**
 * AWS's smithy-rpc-v2-cbor protocol vectors, run on the server side: input cases go request ->
 * resolveOperation -> parseRequest -> params; output cases go result (or the modelled error) ->
 * serializeOutput / serializeError -> our own decoder -> result, with the status and the
 * headers each case names. Beyond the vectors: routing failures and malformed bodies.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AwsError } from '../../src/errors/aws-error.js';
import { SerializationException } from '../../src/errors/framework.js';
import type { ServiceModel, Shape } from '../../src/protocol/model-types.js';
import { decodeCbor, encodeCbor } from '../../src/protocol/rpc-v2-cbor/cbor.js';
import { RpcV2CborProtocol, RpcV2RoutingError } from '../../src/protocol/rpc-v2-cbor/index.js';
import type { HttpRequest, HttpResponse } from '../../src/protocol/types.js';
import { bodyBytes, loadSuites, normalise, requestOf, type VectorCase } from './vectors.js';

const protocol = new RpcV2CborProtocol();
const ctx = { requestId: 'c0ffee00-0000-4000-8000-000000000000' };
const files = [
  'smithy-rpc-v2-cbor.json',
  'smithy-rpc-v2-cbor-query-compatible.json',
  'smithy-rpc-v2-cbor-non-query-compatible.json',
];

/** Cases that test only what a client does, each with the reason it does not apply to a server. */
const skipped: Record<string, string> = {
  NoOutputClientAllowsEmptyCbor:
    'a client must accept `{}` for an operation without output; a server sends no body (checked by no_output)',
  NoOutputClientAllowsEmptyBody:
    'a client must accept a Content-Type with an empty body; a server sends neither (checked by no_output)',
  RpcV2CborPayloadWithUnsetUnion:
    'its response (Content-Length: 0, an unrelated body) is the REST httpPayload case; rpcv2Cbor ignores HTTP bindings, so a server answers `{}`',
};

/**
 * Cases whose vector status is not the model's. botocore folds the awsQueryError trait's
 * httpResponseCode (402 here) into `error.httpStatusCode`, while the Smithy case answers the
 * rpcv2Cbor default 400. Nimbus follows the model, which is what real CloudWatch does over
 * CBOR (ResourceNotFound: 404 from the same field, shared/aws-reference/recorded-responses/
 * services/cloudwatch/test_cloudwatch.snapshot.json); the status is checked against the model.
 */
const statusFromQueryTrait = new Set(['QueryCompatibleRpcV2CborCustomCodeError']);

const counts = { passed: 0, skipped: 0 };
after(() => {
  console.log(`smithy-rpc-v2-cbor vectors: ${counts.passed} passed, ${counts.skipped} skipped`);
  for (const [id, reason] of Object.entries(skipped)) console.log(`  skipped ${id}: ${reason}`);
});

/** Drops nulls, as the vectors' params mean "not sent". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = withoutNulls(item);
  return out;
}

/** The vectors' notation back to provider values: Dates, Buffers, NaN and the infinities as numbers. */
function denormalise(shape: Shape, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const member = shape.memberMap.get(key);
        out[key] = member ? denormalise(member.shape, item) : item;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => denormalise(shape.member!.shape, item));
    case 'map': {
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        out[key] = denormalise(shape.value!.shape, item);
      }
      return out;
    }
    case 'timestamp':
      return new Date((value as number) * 1000);
    case 'blob':
      return Buffer.from(value as string, 'utf8');
    case 'float':
    case 'double':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

/** A client's reading of a decoded body: the model's members only, nulls dropped. */
function readAsClient(shape: Shape, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const member of shape.members) {
        const item = readAsClient(member.shape, (value as Record<string, unknown>)[member.name]);
        if (item !== undefined) out[member.name] = item;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).filter((item) => item != null).map((item) => readAsClient(shape.member!.shape, item));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item != null) out[key] = readAsClient(shape.value!.shape, item);
      }
      return out;
    }
    case 'timestamp':
      assert.ok(value instanceof Date, 'timestamps are sent as tag 1');
      return value;
    default:
      return value;
  }
}

function checkHeaders(response: HttpResponse, expected: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(response.headers[name.toLowerCase()], value, `header ${name}`);
  }
  assert.equal(response.headers['smithy-protocol'], 'rpc-v2-cbor');
}

/** An AwsError as the generator builds one from the error shape (scripts/gen/render-ts.ts). */
function errorOf(shape: Shape, testCase: VectorCase): AwsError {
  const fields = denormalise(shape, testCase.error ?? {}) as Record<string, unknown>;
  const messageKey = shape.memberMap.has('message') ? 'message' : 'Message';
  const message = testCase.errorMessage ?? (fields[messageKey] as string | undefined) ?? '';
  delete fields[messageKey];
  const spec = {
    code: shape.name,
    status: shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400),
    senderFault: shape.error?.senderFault ?? !shape.fault,
    ...(shape.error?.code && shape.error.code !== shape.name ? { queryCode: shape.error.code } : {}),
  };
  return new AwsError(spec, message, fields);
}

async function checkOutput(model: ServiceModel, testCase: VectorCase): Promise<void> {
  const operation = model.operations.get(testCase.given.name)!;
  const expected = testCase.response!;
  if (testCase.errorCode !== undefined) {
    const shape = operation.errors.find((s) => s.name === testCase.errorCode || s.error?.code === testCase.errorCode)!;
    const error = errorOf(shape, testCase);
    const response = protocol.serializeError(model, operation, error, ctx);
    assert.equal(response.status, error.status);
    if (!statusFromQueryTrait.has(testCase.id)) assert.equal(response.status, expected.status_code);
    checkHeaders(response, expected.headers);
    const body = decodeCbor(await bodyBytes(response)) as Record<string, unknown>;
    const queryError = response.headers['x-amzn-query-error'];
    const code = typeof queryError === 'string' ? queryError.split(';')[0] : String(body.__type).split('#')[1];
    assert.equal(code, testCase.errorCode);
    assert.match(String(body.__type), /^[a-z0-9.]+#\w+$/);
    if (testCase.errorMessage !== undefined) assert.equal(body.message ?? body.Message, testCase.errorMessage);
    assert.deepStrictEqual(await normalise(readAsClient(shape, body)), await normalise(testCase.error ?? {}));
    return;
  }
  const output = operation.output ? denormalise(operation.output, testCase.result) : undefined;
  const response = protocol.serializeOutput(model, operation, output, ctx);
  assert.equal(response.status, expected.status_code);
  checkHeaders(response, expected.headers);
  const bytes = await bodyBytes(response);
  if (!operation.output) {
    assert.equal(bytes.length, 0, 'no body for an operation without output');
    assert.equal(response.headers['content-type'], undefined, 'no Content-Type without a body');
    assert.deepStrictEqual(testCase.result ?? {}, {});
    return;
  }
  const result = readAsClient(operation.output, decodeCbor(bytes));
  assert.deepStrictEqual(await normalise(result), await normalise(withoutNulls(testCase.result ?? {})));
}

for (const direction of ['input', 'output'] as const) {
  for (const file of files) {
    describe(`${direction}/${file}`, () => {
      for (const suite of loadSuites(`${direction}/${file}`)) {
        for (const testCase of suite.cases) {
          const reason = skipped[testCase.id];
          if (reason) counts.skipped++;
          it(testCase.id, { skip: reason }, async () => {
            if (direction === 'input') {
              const request = requestOf(testCase.serialized!, 'base64');
              const operation = protocol.resolveOperation(suite.model, request);
              assert.equal(operation.name, testCase.given.name);
              const input = protocol.parseRequest(suite.model, operation, request);
              assert.deepStrictEqual(await normalise(input), await normalise(withoutNulls(testCase.params ?? {})));
            } else {
              await checkOutput(suite.model, testCase);
            }
            counts.passed++;
          });
        }
      }
    });
  }
}

describe('routing and malformed requests', () => {
  const [suite] = loadSuites('input/smithy-rpc-v2-cbor.json').filter((s) =>
    s.model.operations.has('SimpleScalarProperties'),
  );
  const model = suite!.model;
  const request = (
    path: string,
    headers: Record<string, string> = {},
    body: Buffer = Buffer.alloc(0),
  ): HttpRequest => ({
    method: 'POST',
    path,
    query: '',
    headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', ...headers },
    body,
  });
  const routingStatus = (r: HttpRequest): number => {
    try {
      protocol.resolveOperation(model, r);
    } catch (error) {
      assert.ok(error instanceof RpcV2RoutingError);
      return error.status;
    }
    return 200;
  };

  it('routes a path with a prefix and a namespaced service name', () => {
    const path = '/v1/service/com.amazonaws.rpcv2.RpcV2Protocol/operation/SimpleScalarProperties';
    assert.equal(protocol.resolveOperation(model, request(path)).name, 'SimpleScalarProperties');
  });

  it('answers 404 for unknown operations, other services, bad paths and missing headers', () => {
    assert.equal(routingStatus(request('/service/RpcV2Protocol/operation/Nope')), 404);
    assert.equal(routingStatus(request('/service/RpcV2Protocol/operation/toString')), 404);
    assert.equal(routingStatus(request('/service/RpcV2Protocol/operation/__proto__')), 404);
    assert.equal(routingStatus(request('/service/Other/operation/SimpleScalarProperties')), 404);
    assert.equal(routingStatus(request('/service/RpcV2Protocol/operation/SimpleScalarProperties/')), 404);
    assert.equal(routingStatus(request('/operation/SimpleScalarProperties')), 404);
    const target = { 'x-amz-target': 'RpcV2Protocol.SimpleScalarProperties' };
    assert.equal(routingStatus(request('/service/RpcV2Protocol/operation/SimpleScalarProperties', target)), 404);
    const wrongProtocol = { 'smithy-protocol': 'rpc-v2-json' };
    assert.equal(routingStatus(request('/service/RpcV2Protocol/operation/SimpleScalarProperties', wrongProtocol)), 404);
  });

  it('answers 405 for a method other than POST', () => {
    const get = { ...request('/service/RpcV2Protocol/operation/SimpleScalarProperties'), method: 'GET' };
    assert.equal(routingStatus(get), 405);
  });

  it('serializes an unknown operation as a 404 CBOR error', async () => {
    const error = new RpcV2RoutingError('Operation Nope does not exist');
    const response = protocol.serializeError(model, undefined, error, ctx);
    assert.equal(response.status, 404);
    const body = decodeCbor(await bodyBytes(response)) as Record<string, unknown>;
    assert.equal(body.__type, 'com.amazonaws.rpcv2protocol#UnknownOperationException');
    assert.equal(body.message, 'Operation Nope does not exist');
  });

  const operation = model.operations.get('SimpleScalarProperties')!;
  const parse = (body: unknown) => () =>
    protocol.parseRequest(model, operation, request('/', {}, Buffer.isBuffer(body) ? body : encodeCbor(body)));

  it('answers SerializationException for malformed CBOR and wrong types', () => {
    assert.throws(parse(Buffer.from('bf6b', 'hex')), SerializationException);
    assert.throws(parse(Buffer.from('a1', 'hex')), SerializationException);
    assert.throws(parse([1, 2]), SerializationException);
    assert.throws(parse({ stringValue: 1 }), /Expected a text string at 'stringValue' but found a number/);
    assert.throws(parse({ integerValue: 1.5 }), SerializationException);
    assert.throws(parse({ integerValue: 2 ** 31 }), /out of range/);
    assert.throws(parse({ blobValue: 'text' }), SerializationException);
    assert.throws(parse({ trueBooleanValue: 1 }), SerializationException);
  });

  it('reads undefined and null as absent and skips unknown members', () => {
    const input = parse({ stringValue: undefined, integerValue: null, unknown: [1], longValue: 2n ** 40n })();
    assert.deepStrictEqual(input, { longValue: 2 ** 40 });
  });

  it('serializes a SerializationException as CBOR with status 400', async () => {
    const response = protocol.serializeError(model, operation, new SerializationException('bad body'), ctx);
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], 'application/cbor');
    const body = decodeCbor(await bodyBytes(response)) as Record<string, unknown>;
    assert.equal(String(body.__type).split('#')[1], 'SerializationException');
    assert.equal(body.message, 'bad body');
  });
});
