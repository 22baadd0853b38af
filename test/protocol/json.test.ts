/**
 * The awsJson 1.0 and 1.1 protocols (and the awsQueryCompatible variant) on the server side:
 * AWS's protocol test vectors, then malformed requests and the real DynamoDB and SQS models.
 *
 * Skipped vector cases, each because it does not apply to a server:
 *
 * | case | reason |
 * |------|--------|
 * | SDKAppliedContentEncoding_awsJson1_0, _awsJson1_1 | client-side compression: the vector has no body, only the client's gzip header |
 * | SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0, _awsJson1_1 | client-side compression, as above |
 * | AwsJson11StructuresDontSerializeNullValues | a client rule: the client drops a member set to null, so the server sees `{}` |
 * | legacy 14: Idempotency token auto fill | a token the client fills in: the params omit what the request carries |
 * | legacy 8: RPC JSON Event Stream | botocore's byte-exact framing (`:content-type: text/json`, its JSON spacing); ours says application/json and is checked through SDK v3 and boto3 in test/services/kinesis/subscribe-to-shard* |
 * | legacy 5: Lists | the vector's model declares `MapType` a string (with key and value), so a server writes it as a JSON string, not the `{}` the result holds |
 *
 * Output cases whose body is not compared with ours as JSON data (each still reads back to its
 * result) are listed with their reasons in `notCanonical` below. Response headers are compared
 * where the protocol defines them (Content-Type, x-amzn-RequestId, X-Amzn-ErrorType,
 * x-amzn-query-error): legacy 11 names arbitrary headers (`ImaHeader`) a client must ignore.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../../src/errors/aws-error.js';
import { JsonProtocol } from '../../src/protocol/json/index.js';
import { linkModel, type RawModel } from '../../src/protocol/model.js';
import type { ServiceModel } from '../../src/protocol/model-types.js';
import type { HttpRequest } from '../../src/protocol/types.js';
import { readJsonResponse, runJsonVectors } from './client/json.js';
import { bodyBytes, normalise } from './vectors.js';

const clientCompression = 'client-side compression: the vector has no body, only the gzip header a client adds';

const skipped: Record<string, string> = {
  SDKAppliedContentEncoding_awsJson1_0: clientCompression,
  SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0: clientCompression,
  SDKAppliedContentEncoding_awsJson1_1: clientCompression,
  SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1: clientCompression,
  AwsJson11StructuresDontSerializeNullValues:
    'a client rule: the client drops a member set to null, so the server sees {}',
  'legacy 14: Idempotency token auto fill': 'a token the client fills in: the params omit what the request carries',
  'legacy 8: RPC JSON Event Stream':
    "botocore's byte-exact framing (`:content-type: text/json`, its JSON spacing); ours says application/json and is checked through SDK v3 and boto3 in test/services/kinesis/subscribe-to-shard*",
  'legacy 5: Lists': "the vector's model declares MapType a string, so a server writes a JSON string, not {}",
};

/**
 * Output cases whose body is not compared with ours as JSON data, because it shows what a client
 * must tolerate rather than what a server writes. Each still serializes to a body that reads
 * back to the case's result, as the vector's own body does.
 */
const tolerance = {
  offset: 'the vector writes a timestamp with a UTC offset; Nimbus writes the same instant in Z',
  unknown: 'the vector carries members the model lacks, which a client ignores',
  nulls: 'the vector carries null members, which a client ignores',
  code: "the vector names the error in `code` (some services' spelling); Nimbus writes `__type`",
};
const notCanonical: Record<string, string> = {
  AwsJson11DateTimeWithNegativeOffset: tolerance.offset,
  AwsJson11DateTimeWithPositiveOffset: tolerance.offset,
  'legacy 3: Timestamp members': tolerance.offset,
  handles_unexpected_json_output: tolerance.unknown,
  AwsJson10HandlesUnexpectedJsonOutput: tolerance.unknown,
  AwsJson11DeserializeIgnoreType: tolerance.unknown,
  AwsJson10DeserializeIgnoreType: tolerance.unknown,
  'legacy 7: Ignores extra data': tolerance.unknown,
  'legacy 10: Modeled exceptions': tolerance.unknown,
  'legacy 11: Modeled exceptions': tolerance.unknown,
  AwsJson11StructuresDontDeserializeNullValues: tolerance.nulls,
  AwsJson10DeserializeAllowNulls: tolerance.nulls,
  AwsJson11FooErrorUsingCode: tolerance.code,
  AwsJson11FooErrorUsingCodeAndNamespace: tolerance.code,
  AwsJson11FooErrorUsingCodeUriAndNamespace: tolerance.code,
  AwsJson10FooErrorUsingCode: tolerance.code,
  AwsJson10FooErrorUsingCodeAndNamespace: tolerance.code,
  AwsJson10FooErrorUsingCodeUriAndNamespace: tolerance.code,
};

const protocol = new JsonProtocol();

for (const file of [
  'input/json.json',
  'input/json_1_0.json',
  'input/json_1_0-query-compatible.json',
  'legacy/input/json.json',
  'output/json.json',
  'output/json_1_0.json',
  'output/json_1_0-query-compatible.json',
  'legacy/output/json.json',
]) {
  runJsonVectors(protocol, file, skipped, new Set(Object.keys(notCanonical)));
}

async function load(name: string): Promise<ServiceModel> {
  const module = (await import(`../../src/generated/${name}/model.js`)) as { default: unknown };
  return linkModel(module.default as RawModel);
}

function request(target: string | undefined, body: string): HttpRequest {
  const headers: HttpRequest['headers'] = { 'content-type': 'application/x-amz-json-1.0' };
  if (target !== undefined) headers['x-amz-target'] = target;
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) };
}

function parse(model: ServiceModel, target: string | undefined, body: string) {
  const req = request(target, body);
  return protocol.parseRequest(model, protocol.resolveOperation(model, req), req);
}

/** The error a request gets, serialized: status, content type and body as AWS writes them. */
async function answer(model: ServiceModel, target: string | undefined, body: string) {
  try {
    parse(model, target, body);
  } catch (error) {
    assert.ok(error instanceof AwsError);
    const response = protocol.serializeError(model, undefined, error, { requestId: 'r' });
    return {
      status: response.status,
      headers: response.headers,
      body: JSON.parse((await bodyBytes(response)).toString('utf8')),
    };
  }
  assert.fail('the request was accepted');
}

describe('awsJson requests AWS rejects (DynamoDB)', async () => {
  const dynamodb = await load('dynamodb');

  test('answers UnknownOperationException without a message for a missing target', async () => {
    const response = await answer(dynamodb, undefined, '{}');
    assert.equal(response.status, 400);
    assert.deepStrictEqual(response.body, { __type: 'UnknownOperationException' });
  });

  test('answers UnknownOperationException for an unknown operation or another prefix', async () => {
    assert.deepStrictEqual((await answer(dynamodb, 'DynamoDB_20120810.DropTable', '{}')).body, {
      __type: 'UnknownOperationException',
    });
    assert.deepStrictEqual((await answer(dynamodb, 'Kinesis_20131202.ListTables', '{}')).body, {
      __type: 'UnknownOperationException',
    });
  });

  test('answers SerializationException without a message for malformed JSON or a non-object', async () => {
    for (const body of ['{"TableName":', '[]', '"x"', 'null']) {
      const response = await answer(dynamodb, 'DynamoDB_20120810.ListTables', body);
      assert.equal(response.status, 400);
      assert.deepStrictEqual(response.body, { __type: 'SerializationException' }, body);
    }
  });

  test('answers SerializationException in Coral words for a member of the wrong type', async () => {
    const cases: Array<[string, string]> = [
      [
        '{"TableName":123}',
        'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
      ],
      ['{"TableName":true}', 'class java.lang.Boolean can not be converted to an String'],
      ['{"TableName":"t","Limit":"5"}', 'class java.lang.String can not be converted to an Integer'],
      ['{"TableName":"t","ConsistentRead":"maybe"}', "'MAYBE' can not be converted to an Boolean"],
      ['{"TableName":"t","AttributesToGet":"a"}', 'Expected list or null'],
      ['{"TableName":"t","ExclusiveStartKey":[]}', 'Start of list found where not expected'],
      ['{"TableName":"t","ExpressionAttributeNames":"x"}', 'Expected map or null'],
      ['{"TableName":{"S":"t"}}', 'Start of structure or map found where not expected.'],
    ];
    for (const [body, message] of cases) {
      const response = await answer(dynamodb, 'DynamoDB_20120810.Scan', body);
      assert.equal(response.status, 400);
      assert.deepStrictEqual(response.body, { __type: 'SerializationException', Message: message }, body);
    }
  });

  test('answers SerializationException for a blob that is not base64', async () => {
    const body = '{"TableName":"t","Item":{"b":{"B":"abc"}}}';
    assert.deepStrictEqual((await answer(dynamodb, 'DynamoDB_20120810.PutItem', body)).body, {
      __type: 'SerializationException',
      Message:
        "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
    });
  });
});

describe('awsJson requests and responses with the DynamoDB and SQS models', async () => {
  const dynamodb = await load('dynamodb');
  const sqs = await load('sqs');

  test('reads an empty body as {}', () => {
    assert.deepStrictEqual(parse(dynamodb, 'DynamoDB_20120810.ListTables', ''), {});
  });

  test('reads maps of unions with blobs, truncates integers, ignores unknown members and nulls', async () => {
    const body =
      '{"TableName":"t","Item":{"id":{"S":"1"},"data":{"B":"aGk="},"tags":{"SS":["a","b"]}},"Limit":2.9,"Nope":1,"ReturnValues":null}';
    const input = parse(dynamodb, 'DynamoDB_20120810.PutItem', body);
    assert.equal(Object.getPrototypeOf(input.Item), null);
    assert.deepStrictEqual(await normalise(input), {
      TableName: 't',
      Item: { id: { S: '1' }, data: { B: 'hi' }, tags: { SS: ['a', 'b'] } },
    });
    const scan = parse(dynamodb, 'DynamoDB_20120810.Scan', '{"TableName":"t","Limit":2.9}');
    assert.equal(scan.Limit, 2);
  });

  test('writes epoch-second timestamps, base64 blobs and the JSON 1.0 content type', async () => {
    const operation = dynamodb.operations.get('DescribeTable');
    assert.ok(operation);
    const output = { Table: { TableName: 't', CreationDateTime: new Date(1_700_000_000_500), ItemCount: 3 } };
    const response = protocol.serializeOutput(dynamodb, operation, output, { requestId: 'req' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.0');
    assert.equal(response.headers['x-amzn-requestid'], 'req');
    assert.equal(
      (await bodyBytes(response)).toString('utf8'),
      '{"Table":{"TableName":"t","CreationDateTime":1700000000.5,"ItemCount":3}}',
    );
    const get = dynamodb.operations.get('GetItem');
    assert.ok(get);
    const item = protocol.serializeOutput(dynamodb, get, { Item: { b: { B: Buffer.from('hi') } } }, { requestId: 'r' });
    assert.equal((await bodyBytes(item)).toString('utf8'), '{"Item":{"b":{"B":"aGk="}}}');
  });

  test('answers {} for an operation without output', async () => {
    const operation = sqs.operations.get('DeleteQueue');
    assert.ok(operation);
    assert.equal(
      (await bodyBytes(protocol.serializeOutput(sqs, operation, undefined, { requestId: 'r' }))).toString(),
      '{}',
    );
  });

  test('answers a query-compatible error with x-amzn-query-error and the modelled message key', async () => {
    const operation = sqs.operations.get('GetQueueUrl');
    assert.ok(operation);
    const error = new AwsError(
      {
        code: 'QueueDoesNotExist',
        queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
        senderFault: true,
      },
      'The specified queue does not exist.',
    );
    const response = protocol.serializeError(sqs, operation, error, { requestId: 'r' });
    assert.equal(response.status, 400);
    assert.equal(response.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    const body = (await bodyBytes(response)).toString('utf8');
    assert.equal(body, '{"__type":"QueueDoesNotExist","message":"The specified queue does not exist."}');
    const read = readJsonResponse(sqs, operation, response.status, response.headers, body);
    assert.deepStrictEqual(read, {
      error: {
        code: 'AWS.SimpleQueueService.NonExistentQueue',
        message: 'The specified queue does not exist.',
        members: {},
      },
    });
  });

  test('writes the JSON 1.1 content type for a 1.1 model', async () => {
    const kinesis = await load('kinesis');
    const operation = kinesis.operations.get('ListStreams');
    assert.ok(operation);
    const response = protocol.serializeOutput(
      kinesis,
      operation,
      { StreamNames: [], HasMoreStreams: false },
      { requestId: 'r' },
    );
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal((await bodyBytes(response)).toString(), '{"StreamNames":[],"HasMoreStreams":false}');
  });
});
