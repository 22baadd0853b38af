import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';

/** Blobs in awsJson bodies: base64 checked as AWS's Jackson decoder checks it. */
describe('awsJson blob members', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
    await kinesis('CreateStream', { StreamName: 'blobs', ShardCount: 1 });
  });
  after(() => cloud.stop());

  async function kinesis(operation: string, input: unknown) {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Kinesis_20131202.${operation}`,
        authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const put = (data: string) => kinesis('PutRecord', { StreamName: 'blobs', PartitionKey: 'k', Data: data });

  test('takes base64 with and without padding, and the empty string', async () => {
    for (const data of ['aGVsbG8=', 'aGk=', 'aGV5', '']) {
      const { status, body } = await put(data);
      assert.equal(status, 200, data);
      assert.match(String(body.SequenceNumber), /^\d{56}$/);
    }
  });

  test('refuses a character outside the alphabet, the URL alphabet included, naming it', async () => {
    for (const [data, bad] of [
      ['AB$D', '$'],
      ['AB-_', '-'],
      ['AB_D', '_'],
      ['AB D', ' '],
      ['ABéD', 'é'],
    ] as const) {
      const { status, body } = await put(data);
      assert.equal(status, 400, data);
      assert.equal(body.__type, 'SerializationException');
      assert.equal(body.Message, `'${data}' can not be converted to a Blob: Invalid Base64 character: '${bad}'`);
    }
  });

  test('refuses a length that is not a multiple of 4', async () => {
    const { status, body } = await put('aGVsbG8');
    assert.equal(status, 400);
    assert.equal(
      body.Message,
      "'aGVsbG8' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 7",
    );
  });
});
