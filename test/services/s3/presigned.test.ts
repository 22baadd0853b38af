import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createBucket, s3For } from './s3-helpers.js';

/** The text of each element of a bare S3 `<Error>` document. */
function errorFields(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of xml.matchAll(/<([A-Za-z-]+)>([^<]*)<\/\1>/g)) out[match[1] as string] = match[2] as string;
  return out;
}

describe('Presigned URLs', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'presigned');
  });

  test('a presigned PUT then a presigned GET move the bytes with plain fetch, no SDK', async () => {
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'presigned', Key: 'docs/a b.txt' }), {
      expiresIn: 60,
      signingDate: new Date(cloud.clock.now()),
    });
    const stored = await fetch(put, { method: 'PUT', body: 'uploaded from a browser' });
    assert.equal(stored.status, 200);
    assert.equal(stored.headers.get('etag'), `"${createHash('md5').update('uploaded from a browser').digest('hex')}"`);
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned', Key: 'docs/a b.txt' }), {
      expiresIn: 60,
      signingDate: new Date(cloud.clock.now()),
    });
    const fetched = await fetch(get);
    assert.equal(fetched.status, 200);
    assert.equal(await fetched.text(), 'uploaded from a browser');
  });

  test('a presigned GET past its X-Amz-Expires on the Nimbus clock is 403 AccessDenied "Request has expired"', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'k', Body: 'secret' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned', Key: 'k' }), {
      expiresIn: 30,
      signingDate: new Date(cloud.clock.now()),
    });
    assert.equal((await fetch(url)).status, 200);
    cloud.clock.advance(31);
    const response = await fetch(url);
    assert.equal(response.status, 403);
    const fields = errorFields(await response.text());
    assert.equal(fields.Code, 'AccessDenied');
    assert.equal(fields.Message, 'Request has expired');
    assert.equal(fields['X-Amz-Expires'], '30');
    const signedAt = new URL(url).searchParams.get('X-Amz-Date') as string;
    const signed = Date.parse(signedAt.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    assert.equal(fields.Expires, new Date(signed + 30_000).toISOString().replace('.000Z', 'Z'));
    assert.match(fields.ServerTime as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(fields.RequestId);
  });

  test('a presigned URL is valid up to the second it expires', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'k', Body: 'x' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned', Key: 'k' }), {
      expiresIn: 100,
      signingDate: new Date(cloud.clock.now()),
    });
    cloud.clock.advance(98);
    assert.equal((await fetch(url)).status, 200);
  });

  test('X-Amz-Expires over a week is 400 AuthorizationQueryParametersError', async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned', Key: 'k' }), {
        expiresIn: 60,
        signingDate: new Date(cloud.clock.now()),
      }),
    );
    url.searchParams.set('X-Amz-Expires', '604801');
    const response = await fetch(url);
    assert.equal(response.status, 400);
    const fields = errorFields(await response.text());
    assert.equal(fields.Code, 'AuthorizationQueryParametersError');
    assert.equal(
      fields.Message,
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  });

  test('a SigV4 presigned URL missing X-Amz-Date is 400 AuthorizationQueryParametersError naming every parameter', async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned', Key: 'k' }), {
        expiresIn: 60,
        signingDate: new Date(cloud.clock.now()),
      }),
    );
    url.searchParams.delete('X-Amz-Date');
    const response = await fetch(url);
    assert.equal(response.status, 400);
    const fields = errorFields(await response.text());
    assert.equal(fields.Code, 'AuthorizationQueryParametersError');
    assert.equal(
      fields.Message,
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  });

  test('a SigV2 presigned URL past its Expires is 403 AccessDenied, and one without Expires names the parameters', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'k', Body: 'v2' }));
    const expires = Math.floor(cloud.clock.now() / 1000) + 10;
    const v2 = `${cloud.endpoint}/presigned/k?AWSAccessKeyId=111111111111&Signature=abc%3D&Expires=${expires}`;
    assert.equal(await (await fetch(v2)).text(), 'v2');
    cloud.clock.advance(11);
    const expired = await fetch(v2);
    assert.equal(expired.status, 403);
    const fields = errorFields(await expired.text());
    assert.equal(fields.Message, 'Request has expired');
    assert.equal(fields.Expires, new Date(expires * 1000).toISOString().replace('.000Z', 'Z'));
    assert.equal(fields['X-Amz-Expires'], undefined);
    const missing = await fetch(`${cloud.endpoint}/presigned/k?AWSAccessKeyId=111111111111&Signature=abc%3D`);
    assert.equal(missing.status, 403);
    assert.equal(
      errorFields(await missing.text()).Message,
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    );
  });
});
