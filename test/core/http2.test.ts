import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';

/** One HTTP/2 request (prior knowledge, no TLS); its status and body. */
function request(
  endpoint: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(endpoint);
    session.on('error', reject);
    const stream = session.request(headers);
    let status = 0;
    let text = '';
    stream.on('response', (response) => {
      status = Number(response[':status']);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => {
      session.close();
      resolve({ status, body: text });
    });
    stream.on('error', reject);
    stream.end(body);
  });
}

describe('HTTP/2 on the same port', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('answers an HTTP/2 request, and an API call over it, while HTTP/1.1 goes on working', async () => {
    const health = await request(cloud.endpoint, { ':method': 'GET', ':path': '/_nimbus/health' });
    assert.equal(health.status, 200);
    assert.ok(JSON.parse(health.body).services.sqs);
    const created = await request(
      cloud.endpoint,
      {
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.CreateQueue',
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00',
      },
      JSON.stringify({ QueueName: 'over-h2' }),
    );
    assert.equal(created.status, 200);
    assert.match(JSON.parse(created.body).QueueUrl, /\/000000000000\/over-h2$/);
    const http1 = await fetch(`${cloud.endpoint}/_nimbus/health`);
    assert.equal(http1.status, 200);
  });
});
