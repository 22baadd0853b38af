/**
 * The ec2Query protocol on the server side: AWS's protocol test vectors, then the EC2 model.
 *
 * Skipped vector cases, each because it does not apply to a server:
 *
 * | case | reason |
 * |------|--------|
 * | SDKAppliedContentEncoding_ec2Query | client-side compression: the vector has no body, only the client's gzip header |
 * | SDKAppendsGzipAndIgnoresHttpProvidedEncoding_ec2Query | client-side compression, as above |
 * | Ec2ProtocolIdempotencyTokenAutoFill | a token the client fills in: the params omit what the request carries |
 * | legacy 10: Idempotency token auto fill | a token the client fills in, as above |
 * | Ec2EmptyQueryLists | an ec2 client writes nothing for an empty list, so no server can read `[]` back |
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../../src/errors/aws-error.js';
import { linkModel, type RawModel } from '../../src/protocol/model.js';
import { Ec2Protocol } from '../../src/protocol/query/ec2.js';
import type { HttpRequest } from '../../src/protocol/types.js';
import { readQueryResponse, runQueryVectors } from './client/query.js';
import { bodyBytes, normalise } from './vectors.js';

const clientCompression = 'client-side compression: the vector has no body, only the gzip header a client adds';
const clientToken = 'a token the client fills in: the params omit what the request carries';

const skipped: Record<string, string> = {
  SDKAppliedContentEncoding_ec2Query: clientCompression,
  SDKAppendsGzipAndIgnoresHttpProvidedEncoding_ec2Query: clientCompression,
  Ec2ProtocolIdempotencyTokenAutoFill: clientToken,
  'legacy 10: Idempotency token auto fill': clientToken,
  Ec2EmptyQueryLists: 'an ec2 client writes nothing for an empty list, so no server can read [] back',
};

const protocol = new Ec2Protocol();

for (const file of ['input/ec2.json', 'output/ec2.json', 'legacy/input/ec2.json', 'legacy/output/ec2.json']) {
  runQueryVectors(protocol, 'ec2', file, skipped);
}

describe('ec2Query with the EC2 model', async () => {
  const module = (await import('../../src/generated/ec2/model.js')) as { default: unknown };
  const ec2 = linkModel(module.default as RawModel);

  function post(body: string): HttpRequest {
    return {
      method: 'POST',
      path: '/',
      query: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: Buffer.from(body),
    };
  }

  test('reads capitalised query names, lists without .member and nested filters', async () => {
    const request = post(
      'Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2' +
        '&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=dev&Filter.1.Value.2=prod&MaxResults=5&DryRun=false',
    );
    const operation = protocol.resolveOperation(ec2, request);
    const input = protocol.parseRequest(ec2, operation, request);
    assert.deepStrictEqual(await normalise(input), {
      InstanceIds: ['i-1', 'i-2'],
      Filters: [{ Name: 'tag:env', Values: ['dev', 'prod'] }],
      MaxResults: 5,
      DryRun: false,
    });
  });

  test('answers with the request id first, no result wrapper, lists of items', async () => {
    const operation = ec2.operations.get('DescribeVpcs');
    assert.ok(operation);
    const output = {
      Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', IsDefault: true, Tags: [{ Key: 'k', Value: 'v' }] }],
    };
    const response = protocol.serializeOutput(ec2, operation, output, { requestId: 'r-1' });
    const body = (await bodyBytes(response)).toString('utf8');
    assert.equal(response.headers['content-type'], 'text/xml;charset=UTF-8');
    assert.match(
      body,
      /^<DescribeVpcsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15"><requestId>r-1<\/requestId><vpcSet><item>/,
    );
    assert.deepStrictEqual(await normalise(readQueryResponse(ec2, operation, 200, body, 'ec2')), { result: output });
  });

  test('answers an error in the Response/Errors envelope with RequestID', async () => {
    const error = new AwsError(
      { code: 'InvalidVpcID.NotFound', status: 400, senderFault: true },
      "The vpc ID 'vpc-1' does not exist",
    );
    const response = protocol.serializeError(ec2, undefined, error, { requestId: 'r-2' });
    assert.equal(response.status, 400);
    assert.equal(
      (await bodyBytes(response)).toString('utf8'),
      '<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID &apos;vpc-1&apos; does not exist' +
        '</Message></Error></Errors><RequestID>r-2</RequestID></Response>',
    );
  });

  test('answers InvalidAction naming an unknown action', () => {
    const request = post('Action=DescribeNothing&Version=2016-11-15');
    assert.throws(() => protocol.resolveOperation(ec2, request), {
      code: 'InvalidAction',
      message: 'The action DescribeNothing is not valid for this web service.',
    });
  });
});
