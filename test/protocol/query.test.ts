/**
 * The awsQuery protocol on the server side: AWS's protocol test vectors (input and output,
 * Smithy-derived and botocore's legacy ones), then malformed requests and the real IAM, STS and
 * SQS (query) models.
 *
 * Skipped vector cases, each because it does not apply to a server:
 *
 * | case | reason |
 * |------|--------|
 * | SDKAppliedContentEncoding_awsQuery | client-side compression: the vector has no body, only the client's gzip header |
 * | SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery | client-side compression, as above |
 * | QueryProtocolIdempotencyTokenAutoFill | a token the client fills in: the params omit what the request carries |
 * | legacy 23: Idempotency token auto fill | a token the client fills in, as above |
 * | QueryEmptyQueryMaps | a client writes nothing for an empty map, so no server can read `{}` back |
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../../src/errors/aws-error.js';
import { linkModel, type RawModel } from '../../src/protocol/model.js';
import type { ServiceModel } from '../../src/protocol/model-types.js';
import { QueryProtocol } from '../../src/protocol/query/index.js';
import type { HttpRequest } from '../../src/protocol/types.js';
import { readQueryResponse, runQueryVectors } from './client/query.js';
import { bodyBytes, normalise } from './vectors.js';

const clientCompression = 'client-side compression: the vector has no body, only the gzip header a client adds';
const clientToken = 'a token the client fills in: the params omit what the request carries';

const skipped: Record<string, string> = {
  SDKAppliedContentEncoding_awsQuery: clientCompression,
  SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery: clientCompression,
  QueryProtocolIdempotencyTokenAutoFill: clientToken,
  'legacy 23: Idempotency token auto fill': clientToken,
  QueryEmptyQueryMaps: 'a client writes nothing for an empty map, so no server can read {} back',
};

const protocol = new QueryProtocol();

for (const file of ['input/query.json', 'output/query.json', 'legacy/input/query.json', 'legacy/output/query.json']) {
  runQueryVectors(protocol, 'query', file, skipped);
}

async function load(name: string): Promise<ServiceModel> {
  const module = (await import(`../../src/generated/${name}/model.js`)) as { default: unknown };
  return linkModel(module.default as RawModel);
}

function post(body: string, contentType = 'application/x-www-form-urlencoded; charset=utf-8'): HttpRequest {
  return { method: 'POST', path: '/', query: '', headers: { 'content-type': contentType }, body: Buffer.from(body) };
}

function rejects(model: ServiceModel, request: HttpRequest, code: string, status: number, message: string): void {
  assert.throws(
    () => protocol.parseRequest(model, protocol.resolveOperation(model, request), request),
    (error: unknown) => {
      assert.ok(error instanceof AwsError);
      assert.equal(error.wireQueryCode, code);
      assert.equal(error.status, status);
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('awsQuery requests AWS rejects', async () => {
  const iam = await load('iam');

  test('answers MissingAction when no Action is sent', () => {
    rejects(
      iam,
      post('Version=2010-05-08&UserName=a'),
      'MissingAction',
      400,
      'No action was supplied with this request.',
    );
  });

  test('answers InvalidAction naming an action the model lacks', () => {
    const request = post('Action=CreateBucket&Version=2010-05-08');
    rejects(iam, request, 'InvalidAction', 400, 'The action CreateBucket is not valid for this web service.');
  });

  test('answers MissingAction for a body that is not a form', () => {
    const request = post('{"Action":"ListUsers"}', 'application/json');
    rejects(iam, request, 'MissingAction', 400, 'No action was supplied with this request.');
  });

  test('answers MalformedQueryString (404) for a broken percent-escape', () => {
    const request = post('Action=ListUsers&PathPrefix=%ZZ');
    rejects(iam, request, 'MalformedQueryString', 404, 'The query string contains a syntax error.');
  });

  test('answers InvalidParameterValue for MaxItems=abc', () => {
    const request = post('Action=ListUsers&Version=2010-05-08&MaxItems=abc');
    rejects(
      iam,
      request,
      'InvalidParameterValue',
      400,
      'Value abc for parameter MaxItems is invalid. Reason: must be an integer.',
    );
  });

  test('answers InvalidParameterValue for a boolean that is not true or false', () => {
    const request = post('Action=UpdateAccountPasswordPolicy&RequireSymbols=yes');
    const message = 'Value yes for parameter RequireSymbols is invalid. Reason: must be true or false.';
    rejects(iam, request, 'InvalidParameterValue', 400, message);
  });

  test('names the whole path of a nested value that does not parse', async () => {
    const sts = await load('sts');
    const request = post('Action=AssumeRole&RoleArn=a&RoleSessionName=b&DurationSeconds=x1');
    const message = 'Value x1 for parameter DurationSeconds is invalid. Reason: must be an integer.';
    rejects(sts, request, 'InvalidParameterValue', 400, message);
  });
});

describe('awsQuery requests with the IAM, STS and SQS models', async () => {
  const iam = await load('iam');
  const sts = await load('sts');
  const sqs = await load('sqs-query');

  test('reads a GET whose form is in the query string', () => {
    const request: HttpRequest = {
      method: 'GET',
      path: '/',
      query: 'Action=GetUser&Version=2010-05-08&UserName=alice%20b',
      headers: {},
      body: Buffer.alloc(0),
    };
    const operation = protocol.resolveOperation(iam, request);
    assert.equal(operation.name, 'GetUser');
    assert.deepStrictEqual(protocol.parseRequest(iam, operation, request), { UserName: 'alice b' });
  });

  test('reads lists of structures, nested lists and timestamps', async () => {
    const body =
      'Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s&Tags.member.1.Key=k' +
      '&Tags.member.1.Value=v&TransitiveTagKeys.member.1=k&PolicyArns.member.1.arn=arn%3Ap&DurationSeconds=900';
    const request = post(body);
    const input = protocol.parseRequest(sts, protocol.resolveOperation(sts, request), request);
    assert.deepStrictEqual(await normalise(input), {
      RoleArn: 'arn:aws:iam::1:role/r',
      RoleSessionName: 's',
      Tags: [{ Key: 'k', Value: 'v' }],
      TransitiveTagKeys: ['k'],
      PolicyArns: [{ arn: 'arn:p' }],
      DurationSeconds: 900,
    });
  });

  test('reads SQS flattened lists and maps by their item names', async () => {
    const body = 'Action=ReceiveMessage&QueueUrl=q&AttributeName.1=All&MessageAttributeName.1=a&MaxNumberOfMessages=2';
    const request = post(body);
    const input = protocol.parseRequest(sqs, protocol.resolveOperation(sqs, request), request);
    assert.deepStrictEqual(input, {
      QueueUrl: 'q',
      AttributeNames: ['All'],
      MessageAttributeNames: ['a'],
      MaxNumberOfMessages: 2,
    });
    const tagging = post('Action=TagQueue&QueueUrl=q&Tag.1.Key=env&Tag.1.Value=dev&Tag.2.Key=team&Tag.2.Value=');
    const tags = protocol.parseRequest(sqs, protocol.resolveOperation(sqs, tagging), tagging);
    assert.deepStrictEqual(await normalise(tags), { QueueUrl: 'q', Tags: { env: 'dev', team: '' } });
  });

  test('keeps a __proto__ map key as data', () => {
    const request = post('Action=TagQueue&QueueUrl=q&Tag.1.Key=__proto__&Tag.1.Value=x');
    const input = protocol.parseRequest(sqs, protocol.resolveOperation(sqs, request), request);
    const tags = input.Tags as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(tags), null);
    assert.deepStrictEqual(Object.entries(tags), [['__proto__', 'x']]);
  });
});

describe('awsQuery responses with the IAM and SQS models', async () => {
  const iam = await load('iam');
  const sqs = await load('sqs-query');

  test('wraps the output in the result wrapper, with the model namespace and request id', async () => {
    const operation = iam.operations.get('GetUser');
    assert.ok(operation);
    const created = new Date('2024-01-02T03:04:05Z');
    const user = {
      Path: '/',
      UserName: 'a&b',
      UserId: 'AID',
      Arn: 'arn',
      CreateDate: created,
      Tags: [{ Key: 'k', Value: 'v' }],
    };
    const response = protocol.serializeOutput(iam, operation, { User: user }, { requestId: 'req-1' });
    const body = (await bodyBytes(response)).toString('utf8');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/xml');
    assert.equal(response.headers['x-amzn-requestid'], 'req-1');
    assert.equal(
      body,
      '<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><Path>/</Path>' +
        '<UserName>a&amp;b</UserName><UserId>AID</UserId><Arn>arn</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>' +
        '<Tags><member><Key>k</Key><Value>v</Value></member></Tags></User></GetUserResult>' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetUserResponse>',
    );
  });

  test('answers an operation without output with the response metadata alone', async () => {
    const operation = iam.operations.get('DeleteUser');
    assert.ok(operation);
    const response = protocol.serializeOutput(iam, operation, undefined, { requestId: 'r' });
    assert.equal(
      (await bodyBytes(response)).toString('utf8'),
      '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId>' +
        '</ResponseMetadata></DeleteUserResponse>',
    );
  });

  test('writes SQS flattened lists and maps under their item names', async () => {
    const operation = sqs.operations.get('ReceiveMessage');
    assert.ok(operation);
    const output = { Messages: [{ MessageId: 'm', Body: 'b', Attributes: { SenderId: 's' } }] };
    const body = (await bodyBytes(protocol.serializeOutput(sqs, operation, output, { requestId: 'r' }))).toString(
      'utf8',
    );
    assert.match(
      body,
      /<ReceiveMessageResult><Message><MessageId>m<\/MessageId><Body>b<\/Body><Attribute><Name>SenderId<\/Name><Value>s<\/Value><\/Attribute><\/Message><\/ReceiveMessageResult>/,
    );
    assert.deepStrictEqual(await normalise(readQueryResponse(sqs, operation, 200, body, 'query')), { result: output });
  });

  test('writes an error with its legacy query code, type and status', async () => {
    const operation = iam.operations.get('GetUser');
    const shape = iam.errorShapes.get('NoSuchEntityException');
    assert.ok(operation && shape);
    const error = new AwsError(
      { code: 'NoSuchEntityException', queryCode: 'NoSuchEntity', status: 404, senderFault: true },
      'The user with name x cannot be found.',
    );
    const response = protocol.serializeError(iam, operation, error, { requestId: 'r' });
    assert.equal(response.status, 404);
    assert.equal(
      (await bodyBytes(response)).toString('utf8'),
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
        '<Code>NoSuchEntity</Code><Message>The user with name x cannot be found.</Message></Error>' +
        '<RequestId>r</RequestId></ErrorResponse>',
    );
  });

  test('writes a server fault as Receiver', async () => {
    const error = new AwsError({ code: 'ServiceFailure', status: 500, senderFault: false }, 'boom');
    const body = (await bodyBytes(protocol.serializeError(iam, undefined, error, { requestId: 'r' }))).toString('utf8');
    assert.match(body, /<Type>Receiver<\/Type><Code>ServiceFailure<\/Code>/);
  });
});
