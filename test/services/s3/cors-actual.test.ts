import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PutBucketCorsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createBucket, s3For } from './s3-helpers.js';

/** An unsigned request as a page's `fetch` sends it, with the headers given. */
function browserRequest(
  cloud: NimbusCloud,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; cors: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: cloud.port, path, method, headers }, (response) => {
      response.resume();
      response.on('end', () => {
        const cors = Object.fromEntries(
          Object.entries(response.headers as Record<string, string>).filter(
            ([name]) => name.startsWith('access-control-') || name === 'vary',
          ),
        );
        resolve({ status: response.statusCode ?? 0, cors });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(method === 'PUT' ? 'from a page' : undefined);
  });
}

describe('CORS headers on actual requests, by the bucket rules', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'cors-app');
    await s3.send(new PutObjectCommand({ Bucket: 'cors-app', Key: 'data.json', Body: '{}' }));
  });

  const rules = () =>
    s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cors-app',
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ['http://app.localhost:3000'],
              AllowedMethods: ['GET', 'HEAD'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 600,
            },
          ],
        },
      }),
    );

  test('a GET from an allowed origin carries the rule headers, without Allow-Headers', async () => {
    await rules();
    const answer = await browserRequest(cloud, 'GET', '/cors-app/data.json', { origin: 'http://app.localhost:3000' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.cors, {
      'access-control-allow-origin': 'http://app.localhost:3000',
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
  });

  test('a GET from another origin succeeds with no CORS headers at all', async () => {
    await rules();
    const answer = await browserRequest(cloud, 'GET', '/cors-app/data.json', { origin: 'http://evil.localhost' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.cors, {});
  });

  test('a bucket without CORS rules adds no CORS headers, on success and on error', async () => {
    const found = await browserRequest(cloud, 'GET', '/cors-app/data.json', { origin: 'http://app.localhost:3000' });
    assert.equal(found.status, 200);
    assert.deepEqual(found.cors, {});
    const missing = await browserRequest(cloud, 'GET', '/cors-app/none', { origin: 'http://app.localhost:3000' });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.cors, {});
  });

  test('a PUT from an origin the rules allow only for GET is stored, without CORS headers', async () => {
    await rules();
    const answer = await browserRequest(cloud, 'PUT', '/cors-app/upload.txt', { origin: 'http://app.localhost:3000' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.cors, {});
  });
});
