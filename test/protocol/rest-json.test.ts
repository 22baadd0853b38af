/**
 * rest-json on the server side, against AWS's protocol test vectors (the answer key), plus the
 * routing, error and safety behaviour the vectors do not cover.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../../src/errors/aws-error.js';
import { linkModel, type RawModel } from '../../src/protocol/model.js';
import type { Operation, ServiceModel, Shape } from '../../src/protocol/model-types.js';
import { RestJsonProtocol } from '../../src/protocol/rest-json/index.js';
import type { HttpRequest } from '../../src/protocol/types.js';
import { describeCatalogRouting, describeVectorFile } from './client/rest.js';

const protocol = new RestJsonProtocol();

const clientOnly = 'client-only';

/**
 * The cases that do not apply to a server, and why. "Smithy: client" means the Smithy test
 * suite marks the case `appliesTo: "client"` (smithy-aws-protocol-tests/model/restJson1).
 *
 * | Case | Why a server cannot or need not pass it |
 * |---|---|
 * | RestJsonHostWithPath | the client's endpoint has a base path (`/custom`); a server sees its own paths |
 * | MediaTypeHeaderInputBase64, MediaTypeHeaderOutputBase64 | Smithy's `@mediaType` string (the value is the JSON text) against botocore's `jsonvalue` (the value is the parsed JSON), which our botocore-form models mean and the legacy "JSON value trait" cases test |
 * | RestJsonOmitsEmptyListQueryValues, List in header #27.2 | the client leaves an empty list out of the request; nothing reaches a server to read back as `[]` |
 * | SDKAppliedContentEncoding_restJson1, SDKAppendedGzipAfterProvidedEncoding_restJson1 | client-side request compression (the edge un-gzips bodies before a protocol sees them) |
 * | RestJsonQueryIdempotencyTokenAutoFill, Idempotency token auto fill #20.2 | the client fills in the token |
 * | RestJsonQueryParamsStringListMap, RestJsonQueryPrecedence | Smithy: client. Servers put every query parameter in the map (RestJsonServersPutAllQueryParamsInMap), as RestJsonAllQueryStringTypes checks here |
 * | Blob payload #13.1, Structure payload #14.1, String payload #19.1 | `payload` named on the operation's input reference, an early botocore form that no service model uses; model.ts reads the trait from the shape |
 * | Content-Type and JSON body #26.8 | the client sends a default Content-Type that the model binds to a member; a server cannot tell it from a value |
 * | RestJsonDeserializeIgnoreType | Smithy: client. Clients ignore a `__type` key in a union; a server never writes one |
 * | Ignores extra data #8.1, Ignores undefined output #9.1, Tagged Unions #18.3 | a client ignoring what it does not know (extra keys, a body for no output, an unknown union member); a server writes only what the model has |
 * | Supports header maps #10.1 | a client reads every response header, Content-Length included, into a map bound to the empty prefix; a server does not let a map set Content-Length |
 * | Scalar members #1.1, Modeled exceptions #14.1-#14.7 | `location: header` on the target shape instead of the member, which no service model does and model.ts does not link |
 */
const skips = new Map<string, string>([
  ['RestJsonHostWithPath', `${clientOnly}: endpoint base path`],
  ['MediaTypeHeaderInputBase64', 'Smithy @mediaType string vs botocore jsonvalue (parsed JSON)'],
  ['MediaTypeHeaderOutputBase64', 'Smithy @mediaType string vs botocore jsonvalue (parsed JSON)'],
  ['RestJsonOmitsEmptyListQueryValues', `${clientOnly}: an empty list is not sent`],
  ['List in header #27.2', `${clientOnly}: an empty list is not sent`],
  ['SDKAppliedContentEncoding_restJson1', `${clientOnly}: request compression`],
  ['SDKAppendedGzipAfterProvidedEncoding_restJson1', `${clientOnly}: request compression`],
  ['RestJsonQueryIdempotencyTokenAutoFill', `${clientOnly}: idempotency token auto-fill`],
  ['Idempotency token auto fill #20.2', `${clientOnly}: idempotency token auto-fill`],
  ['RestJsonQueryParamsStringListMap', `${clientOnly} (Smithy appliesTo: client): servers put all params in the map`],
  ['RestJsonQueryPrecedence', `${clientOnly} (Smithy appliesTo: client): servers put all params in the map`],
  ['Blob payload #13.1', 'payload trait on the input reference: no service model uses it'],
  ['Structure payload #14.1', 'payload trait on the input reference: no service model uses it'],
  ['String payload #19.1', 'payload trait on the input reference: no service model uses it'],
  ['Content-Type and JSON body #26.8', `${clientOnly}: default Content-Type bound to a member`],
  ['RestJsonDeserializeIgnoreType', `${clientOnly} (Smithy appliesTo: client): __type in a union`],
  ['Ignores extra data #8.1', `${clientOnly}: ignoring unknown keys`],
  ['Ignores undefined output #9.1', `${clientOnly}: ignoring a body for no output`],
  ['Tagged Unions #18.3', `${clientOnly}: unknown union member`],
  ['Supports header maps #10.1', `${clientOnly}: Content-Length read into a header map`],
  ['Scalar members #1.1', 'location on the target shape: no service model does it'],
  ...[1, 2, 3, 4, 5, 6, 7].map((n): [string, string] => [
    `Modeled exceptions #14.${n}`,
    'location on the target shape: no service model does it',
  ]),
]);

for (const file of [
  'input/rest-json.json',
  'legacy/input/rest-json.json',
  'output/rest-json.json',
  'legacy/output/rest-json.json',
]) {
  describeVectorFile(file, { family: 'rest-json', protocol, skips });
}

// ---------------------------------------------------------------------------------------------
// Beyond the vectors.

const lambda = linkModel((await import('../../src/generated/lambda/model.js')).default as RawModel);

function request(method: string, uri: string, headers: Record<string, string> = {}, body = ''): HttpRequest {
  const question = uri.indexOf('?');
  return {
    method,
    path: question >= 0 ? uri.slice(0, question) : uri,
    query: question >= 0 ? uri.slice(question + 1) : '',
    headers,
    body: Buffer.from(body, 'utf8'),
  };
}

const context = { requestId: 'req-1' };

function parse(model: ServiceModel, method: string, uri: string, headers: Record<string, string> = {}, body = '') {
  const httpRequest = request(method, uri, headers, body);
  const operation = protocol.resolveOperation(model, httpRequest);
  return { operation: operation.name, input: protocol.parseRequest(model, operation, httpRequest) };
}

function thrown(action: () => unknown): AwsError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof AwsError, `threw ${String(error)}, not an AwsError`);
    return error;
  }
  assert.fail('did not throw');
}

describe('routing with the Lambda model', () => {
  test('POST /2015-03-31/functions/{FunctionName}/invocations is Invoke, the payload raw', () => {
    const { operation, input } = parse(
      lambda,
      'POST',
      '/2015-03-31/functions/my-function/invocations?Qualifier=live',
      { 'x-amz-invocation-type': 'Event' },
      '{"key":"value"}',
    );
    assert.equal(operation, 'Invoke');
    assert.equal(input.FunctionName, 'my-function');
    assert.equal(input.Qualifier, 'live');
    assert.equal(input.InvocationType, 'Event');
    assert.deepEqual(input.Payload, Buffer.from('{"key":"value"}'));
  });

  test('a percent-encoded ARN label is decoded', () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:my-function';
    const { input } = parse(lambda, 'GET', `/2015-03-31/functions/${encodeURIComponent(arn)}`);
    assert.equal(input.FunctionName, arn);
  });

  test('a trailing slash names the same resource', () => {
    assert.equal(parse(lambda, 'GET', '/2015-03-31/functions/').operation, 'ListFunctions');
    assert.equal(parse(lambda, 'GET', '/2015-03-31/functions').operation, 'ListFunctions');
  });

  test('a literal query part routes: ?find=LayerVersion is GetLayerVersionByArn, its absence ListLayers', () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:my-layer:1';
    const byArn = parse(lambda, 'GET', `/2018-10-31/layers?find=LayerVersion&Arn=${encodeURIComponent(arn)}`);
    assert.equal(byArn.operation, 'GetLayerVersionByArn');
    assert.deepEqual({ ...byArn.input }, { Arn: arn });
    assert.equal(parse(lambda, 'GET', '/2018-10-31/layers').operation, 'ListLayers');
  });

  test('an unknown path is a 404 UnknownOperationException', () => {
    const error = thrown(() => protocol.resolveOperation(lambda, request('GET', '/2015-03-31/nothing-here')));
    assert.equal(error.code, 'UnknownOperationException');
    assert.equal(error.status, 404);
    const response = protocol.serializeError(lambda, undefined, error, context);
    assert.equal(response.status, 404);
    assert.equal(response.headers['X-Amzn-ErrorType'], 'UnknownOperationException');
    assert.equal(response.headers['x-amzn-RequestId'], 'req-1');
    assert.deepEqual(JSON.parse(String(response.body)), {
      message: 'No operation matches GET /2015-03-31/nothing-here',
    });
  });

  test('a known path with another method is a 405 MethodNotAllowed', () => {
    const error = thrown(() => protocol.resolveOperation(lambda, request('PATCH', '/2015-03-31/functions/f')));
    assert.equal(error.status, 405);
    assert.equal(error.code, 'MethodNotAllowed');
  });
});

describe('Smithy specificity routing (http-uri-conflict-resolution.smithy)', () => {
  const label = { xyz: { shape: 'String', location: 'uri', locationName: 'xyz' } };
  const operations: Record<string, string> = {
    AbcBcdLabel: '/abc/bcd/{xyz}',
    AbcLabelCde: '/abc/{xyz}/cde',
    LabelBcdCde: '/{xyz}/bcd/cde',
    LabelBcdCdeQuery: '/{xyz}/bcd/cde?def=efg',
    AbcLiteral: '/abc/def',
    AbcLabel: '/abc/{xyz}',
    AbcGreedy: '/abc/{xyz+}',
  };
  const model = linkModel({
    metadata: { apiVersion: '2024-01-01', protocol: 'rest-json' },
    shapes: { String: { type: 'string' }, Input: { type: 'structure', required: ['xyz'], members: label } },
    operations: Object.fromEntries(
      Object.entries(operations).map(([name, requestUri]) => [
        name,
        { name, http: { method: 'GET', requestUri }, ...(name === 'AbcLiteral' ? {} : { input: { shape: 'Input' } }) },
      ]),
    ),
  });
  const cases: Array<[string, string, string | undefined]> = [
    ['/abc/bcd/cde', 'AbcBcdLabel', 'cde'],
    ['/abc/bcd/cde?def=efg', 'AbcBcdLabel', 'cde'],
    ['/abc/foo/cde', 'AbcLabelCde', 'foo'],
    ['/abc/foo/cde?def=efg', 'AbcLabelCde', 'foo'],
    ['/foo/bcd/cde', 'LabelBcdCde', 'foo'],
    ['/foo/bcd/cde?def=efg', 'LabelBcdCdeQuery', 'foo'],
    ['/abc/def', 'AbcLiteral', undefined],
    ['/abc/foo', 'AbcLabel', 'foo'],
    ['/abc/foo/bar', 'AbcGreedy', 'foo/bar'],
  ];
  for (const [uri, expected, xyz] of cases) {
    test(`GET ${uri} is ${expected}`, () => {
      const { operation, input } = parse(model, 'GET', uri);
      assert.equal(operation, expected);
      assert.equal(input.xyz, xyz);
    });
  }
});

describe('rest-json errors and malformed requests', () => {
  test('a modelled error writes its Message member, its status and X-Amzn-ErrorType', () => {
    const error = new AwsError(
      { code: 'ResourceNotFoundException', status: 404, senderFault: true },
      'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
      { Type: 'User' },
    );
    const response = protocol.serializeError(lambda, lambda.operations.get('GetFunction'), error, context);
    assert.equal(response.status, 404);
    assert.equal(response.headers['X-Amzn-ErrorType'], 'ResourceNotFoundException');
    assert.equal(response.headers['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(String(response.body)), {
      Type: 'User',
      Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
    });
  });

  test('a body that is not JSON is a 400 SerializationException', () => {
    const httpRequest = request(
      'POST',
      '/2015-03-31/functions',
      { 'content-type': 'application/json' },
      '{"FunctionName":',
    );
    const operation = protocol.resolveOperation(lambda, httpRequest);
    const error = thrown(() => protocol.parseRequest(lambda, operation, httpRequest));
    assert.equal(error.code, 'SerializationException');
    assert.equal(error.status, 400);
    const response = protocol.serializeError(lambda, operation, error, context);
    assert.equal(response.status, 400);
    assert.equal(response.headers['X-Amzn-ErrorType'], 'SerializationException');
    assert.equal(typeof JSON.parse(String(response.body)).message, 'string');
  });

  test('a JSON value of the wrong type is a 400 SerializationException', () => {
    const error = thrown(() => parse(lambda, 'POST', '/2015-03-31/functions', {}, '{"FunctionName": 12}'));
    assert.equal(error.code, 'SerializationException');
  });

  test('a query value that is not a number is a 400 SerializationException', () => {
    const error = thrown(() => parse(lambda, 'GET', '/2015-03-31/functions?MaxItems=many'));
    assert.equal(error.code, 'SerializationException');
  });

  test('Invoke output: StatusCode is the status, the payload the raw body', () => {
    const response = protocol.serializeOutput(
      lambda,
      lambda.operations.get('Invoke') as Operation,
      { StatusCode: 202, Payload: Buffer.from(''), FunctionError: undefined, ExecutedVersion: '$LATEST' },
      context,
    );
    assert.equal(response.status, 202);
    assert.equal(response.headers['X-Amz-Executed-Version'], '$LATEST');
    assert.equal(response.headers['x-amzn-RequestId'], 'req-1');
  });
});

/** Read through a variable: the literal property would be the prototype accessor. */
const protoKey = '__proto__';

describe('maps keep a __proto__ key as a key', () => {
  const model = linkModel({
    metadata: { apiVersion: '2024-01-01', protocol: 'rest-json' },
    shapes: {
      String: { type: 'string' },
      StringMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
      Input: {
        type: 'structure',
        members: {
          Tags: { shape: 'StringMap' },
          Query: { shape: 'StringMap', location: 'querystring' },
          Meta: { shape: 'StringMap', location: 'headers', locationName: 'x-meta-' },
        },
      },
    },
    operations: { Put: { name: 'Put', http: { method: 'POST', requestUri: '/things' }, input: { shape: 'Input' } } },
  });

  test('in a JSON body, a query map and a prefix-header map', () => {
    const { input } = parse(
      model,
      'POST',
      '/things?__proto__=q',
      { 'x-meta-__proto__': 'h' },
      '{"Tags": {"__proto__": "b", "constructor": "c"}}',
    );
    for (const [member, value] of [
      ['Tags', 'b'],
      ['Query', 'q'],
      ['Meta', 'h'],
    ] as const) {
      const map = input[member] as Record<string, unknown>;
      assert.ok(Object.hasOwn(map, protoKey), `${member} has its own __proto__ key`);
      assert.equal(map[protoKey], value);
      assert.equal(Object.getPrototypeOf(map), null);
    }
    assert.equal(({} as Record<string, unknown>).b, undefined, 'Object.prototype untouched');
  });

  test('written back as a key', () => {
    const output = Object.create(null) as Record<string, string>;
    output[protoKey] = 'x';
    const modelWithOutput = {
      ...model,
      operations: new Map([
        ['Put', { ...(model.operations.get('Put') as Operation), output: model.shapes.get('Input') as Shape }],
      ]),
    };
    const response = protocol.serializeOutput(
      modelWithOutput,
      modelWithOutput.operations.get('Put') as Operation,
      { Tags: output },
      context,
    );
    assert.equal(String(response.body), '{"Tags":{"__proto__":"x"}}');
  });
});

describeCatalogRouting('rest-json', protocol);
