import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentialScope } from '../../src/resolve/sigv4.js';

describe('credentialScope', () => {
  test('reads key, date, region and service from a SigV4 Authorization header', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';
    assert.deepEqual(credentialScope(header, ''), {
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'iam',
    });
  });

  test('reads the scope of a presigned URL from X-Amz-Credential', () => {
    const query = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20260101%2Feu-west-1%2Fs3%2Faws4_request';
    assert.deepEqual(credentialScope(undefined, query), {
      accessKeyId: 'test',
      date: '20260101',
      region: 'eu-west-1',
      service: 's3',
    });
  });

  test('gives only the key for a credential without a full scope', () => {
    assert.deepEqual(credentialScope('AWS4-HMAC-SHA256 Credential=AKID/20260101, Signature=x', ''), {
      accessKeyId: 'AKID',
    });
    assert.deepEqual(credentialScope('AWS4-HMAC-SHA256 Credential=AKID, Signature=x', ''), { accessKeyId: 'AKID' });
  });

  test('gives the key of a SigV2 header and nothing for an unsigned request', () => {
    assert.deepEqual(credentialScope('AWS AKIDV2:c2lnbmF0dXJl', ''), { accessKeyId: 'AKIDV2' });
    assert.equal(credentialScope(undefined, 'Action=GetCallerIdentity'), undefined);
  });
});
