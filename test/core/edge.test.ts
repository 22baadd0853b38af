import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type NimbusCloud, startNimbus } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';

const signed = (service: string, region = 'us-east-1') =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

describe('edge', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('an operation no provider implements answers 501 naming the service and operation', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: signed('sts'),
      },
      body: 'Action=AssumeRoot&Version=2011-06-15&TargetPrincipal=111111111111&TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials',
    });
    assert.equal(response.status, 501);
    const body = await response.text();
    assert.match(body, /<Code>NotImplemented<\/Code>/);
    assert.match(body, /sts\.AssumeRoot/);
  });

  test('a modelled service Nimbus does not run yet answers 501 in its own protocol', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
        authorization: signed('states'),
      },
      body: '{}',
    });
    assert.equal(response.status, 501);
    const body = (await response.json()) as { __type: string; message: string };
    assert.match(body.__type, /NotImplemented/);
    assert.match(body.message, /stepfunctions\.ListStateMachines/);
  });

  test('an unknown query action answers InvalidAction', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: signed('sts') },
      body: 'Action=DoesNotExist&Version=2011-06-15',
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /<Code>InvalidAction<\/Code>/);
  });

  test('a body past the limit answers 413 in the service error shape', async () => {
    const limited = await startNimbus({ port: 0, maxBodyBytes: 2048 });
    try {
      const response = await fetch(limited.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: signed('iam') },
        body: `Action=CreateUser&Version=2010-05-08&UserName=${'a'.repeat(4096)}`,
      });
      assert.equal(response.status, 413);
      assert.match(await response.text(), /RequestEntityTooLarge/);
    } finally {
      await limited.stop();
    }
  });

  test('malformed JSON answers 400 SerializationException, never 500', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
        authorization: signed('states'),
      },
      body: '{"Limit": ',
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { __type: string };
    assert.match(body.__type, /SerializationException/);
  });

  test('a CORS preflight from a browser page is allowed', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-amz-date,content-type',
      },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(response.headers.get('access-control-allow-headers'), 'authorization,x-amz-date,content-type');
  });

  test('the region comes from the credential scope', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: signed('sts', 'eu-central-1') },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<Account>000000000000<\/Account>/);
  });
});
