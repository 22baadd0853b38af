import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CORSRule,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const notAllowed =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
const vary = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const origin = 'https://localhost:4200';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An OPTIONS request as a browser sends it, to a path-style URL or (with `host`) a virtual host. */
function preflight(cloud: NimbusCloud, path: string, headers: Record<string, string>, host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: cloud.port, path, method: 'OPTIONS', headers: host ? { ...headers, host } : headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers as Record<string, string>, body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The CORS headers of an answer, by their lowercase names. */
function corsHeadersOf(answer: Answer): Record<string, string> {
  return Object.fromEntries(
    Object.entries(answer.headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
  );
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name] ?? '');

/** The `<Error>` document's elements in order, without RequestId and HostId (which must be there). */
function errorOf(answer: Answer): Array<[string, string]> {
  const inner = /^<\?xml version="1\.0" encoding="UTF-8"\?><Error>(.*)<\/Error>$/s.exec(answer.body)?.[1];
  assert.ok(inner !== undefined, `an S3 error document: ${answer.body}`);
  const fields = [...inner.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map(
    (match) => [match[1] ?? '', unescapeXml(match[2] ?? '')] as [string, string],
  );
  assert.deepEqual(
    fields.slice(-2).map(([name]) => name),
    ['RequestId', 'HostId'],
  );
  assert.equal(fields.at(-2)?.[1], answer.headers['x-amz-request-id']);
  return fields.slice(0, -2);
}

function assertRefused(answer: Answer, status: number, fields: Array<[string, string]>): void {
  assert.equal(answer.status, status);
  assert.equal(answer.headers['content-type'], 'application/xml');
  assert.deepEqual(errorOf(answer), fields);
  assert.deepEqual(corsHeadersOf(answer), {});
}

describe('S3 CORS', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'photos');
  });

  const putRules = (CORSRules: CORSRule[]) =>
    s3.send(new PutBucketCorsCommand({ Bucket: 'photos', CORSConfiguration: { CORSRules } }));
  const noCors = {
    code: 'NoSuchCORSConfiguration',
    status: 404,
    message: 'The CORS configuration does not exist',
    fields: { BucketName: 'photos' },
  };

  describe('PutBucketCors, GetBucketCors, DeleteBucketCors', () => {
    test('answers NoSuchCORSConfiguration until rules are put', async () => {
      await assertS3Error(s3.send(new GetBucketCorsCommand({ Bucket: 'photos' })), noCors);
    });

    test('keeps the rules as given, header casing and an empty origin included', async () => {
      const rules: CORSRule[] = [
        {
          ID: 'app',
          AllowedHeaders: ['x-amz-expected-bucket-owner', 'x-AMZ-server-SIDE-encryption'],
          AllowedMethods: ['GET', 'PUT', 'HEAD'],
          AllowedOrigins: ['https://test.com', 'https://app.test.com', 'http://test.com:80'],
          ExposeHeaders: ['x-amz-request-id'],
          MaxAgeSeconds: 3000,
        },
        { AllowedMethods: ['POST', 'DELETE'], AllowedOrigins: [''] },
      ];
      const put = await putRules(rules);
      assert.equal(put.$metadata.httpStatusCode, 200);
      const cors = await s3.send(new GetBucketCorsCommand({ Bucket: 'photos' }));
      assert.deepEqual(cors.CORSRules, rules);
    });

    test('reads the rules from a client of another region', async () => {
      await putRules([{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }]);
      const cors = await s3For(cloud, { region: 'ap-south-1' }).send(new GetBucketCorsCommand({ Bucket: 'photos' }));
      assert.deepEqual(cors.CORSRules, [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }]);
    });

    test('deletes the rules with 204, and answers 204 when there are none', async () => {
      const none = await s3.send(new DeleteBucketCorsCommand({ Bucket: 'photos' }));
      assert.equal(none.$metadata.httpStatusCode, 204);
      await putRules([{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }]);
      const deleted = await s3.send(new DeleteBucketCorsCommand({ Bucket: 'photos' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await assertS3Error(s3.send(new GetBucketCorsCommand({ Bucket: 'photos' })), noCors);
    });

    test('refuses a method S3 does not know with InvalidRequest', async () => {
      await assertS3Error(putRules([{ AllowedMethods: ['GET', 'MYMETHOD'], AllowedOrigins: ['*'] }]), {
        code: 'InvalidRequest',
        status: 400,
        message: 'Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD',
      });
    });

    test('refuses an origin or a header pattern with two wildcards with InvalidRequest', async () => {
      await assertS3Error(putRules([{ AllowedMethods: ['GET'], AllowedOrigins: ['*example*.com'] }]), {
        code: 'InvalidRequest',
        status: 400,
        message: 'AllowedOrigin "*example*.com" can not have more than one wildcard.',
      });
      await assertS3Error(putRules([{ AllowedMethods: ['GET'], AllowedOrigins: ['*'], AllowedHeaders: ['x-*-*'] }]), {
        code: 'InvalidRequest',
        status: 400,
        message: 'AllowedHeader "x-*-*" can not have more than one wildcard.',
      });
    });

    test('refuses an empty rule list with MalformedXML', async () => {
      await assertS3Error(putRules([]), {
        code: 'MalformedXML',
        status: 400,
        message: 'The XML you provided was not well-formed or did not validate against our published schema',
      });
    });

    test('answers NoSuchBucket to get, put and delete on a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      const expected = {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: Bucket },
      };
      await assertS3Error(s3.send(new GetBucketCorsCommand({ Bucket })), expected);
      await assertS3Error(
        s3.send(
          new PutBucketCorsCommand({
            Bucket,
            CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }] },
          }),
        ),
        expected,
      );
      await assertS3Error(s3.send(new DeleteBucketCorsCommand({ Bucket })), expected);
    });
  });

  describe('preflight (OPTIONS)', () => {
    const appRule: CORSRule = { AllowedOrigins: [origin], AllowedMethods: ['GET', 'PUT'], MaxAgeSeconds: 3000 };
    const ask = (method: string, extra: Record<string, string> = {}) => ({
      origin,
      'access-control-request-method': method,
      ...extra,
    });

    test('refuses a preflight without Origin with 400 BadRequest, a Referer not counting', async () => {
      await putRules([appRule]);
      const withoutOrigin: Array<Record<string, string>> = [
        { 'access-control-request-method': 'GET' },
        { referer: `${origin}/page` },
      ];
      for (const headers of withoutOrigin) {
        const answer = await preflight(cloud, '/photos/cat.jpg', headers);
        assertRefused(answer, 400, [
          ['Code', 'BadRequest'],
          ['Message', 'Insufficient information. Origin request header needed.'],
        ]);
      }
    });

    test('refuses a preflight without Origin to a bucket without CORS with 400 BadRequest', async () => {
      const answer = await preflight(cloud, '/photos/cat.jpg', {});
      assertRefused(answer, 400, [
        ['Code', 'BadRequest'],
        ['Message', 'Insufficient information. Origin request header needed.'],
      ]);
    });

    test('refuses a preflight without Origin to a missing bucket with 400 BadRequest', async () => {
      const answer = await preflight(cloud, '/missing-bucket/cat.jpg', {});
      assertRefused(answer, 400, [
        ['Code', 'BadRequest'],
        ['Message', 'Insufficient information. Origin request header needed.'],
      ]);
    });

    test('refuses a preflight to a bucket without CORS, naming the requested method or OPTIONS', async () => {
      const withMethod = await preflight(cloud, '/photos/cat.jpg', ask('PUT'));
      assertRefused(withMethod, 403, [
        ['Code', 'AccessForbidden'],
        ['Message', 'CORSResponse: CORS is not enabled for this bucket.'],
        ['Method', 'PUT'],
        ['ResourceType', 'BUCKET'],
      ]);
      const withoutMethod = await preflight(cloud, '/photos/cat.jpg', { origin });
      assertRefused(withoutMethod, 403, [
        ['Code', 'AccessForbidden'],
        ['Message', 'CORSResponse: CORS is not enabled for this bucket.'],
        ['Method', 'OPTIONS'],
        ['ResourceType', 'BUCKET'],
      ]);
    });

    test('refuses a preflight to a missing bucket with 403 AccessForbidden', async () => {
      const answer = await preflight(cloud, '/missing-bucket/cat.jpg', { origin });
      assertRefused(answer, 403, [
        ['Code', 'AccessForbidden'],
        ['Message', 'CORSResponse: Bucket not found'],
        ['Method', 'OPTIONS'],
        ['ResourceType', 'BUCKET'],
      ]);
    });

    test('allows a matching origin and method with every method of the rule, credentials and max age', async () => {
      await putRules([appRule]);
      const answer = await preflight(cloud, '/photos/cat.jpg', ask('GET'));
      assert.equal(answer.status, 200);
      assert.equal(answer.body, '');
      assert.equal(answer.headers['content-length'], '0');
      assert.deepEqual(corsHeadersOf(answer), {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, PUT',
        'access-control-max-age': '3000',
        vary,
      });
      assert.ok(answer.headers['x-amz-request-id']);
    });

    test('answers Allow-Origin * without credentials for a wildcard rule, and no Max-Age when unset', async () => {
      await putRules([{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }]);
      const answer = await preflight(cloud, '/photos/cat.jpg', ask('GET', { origin: 'http://random.example' }));
      assert.equal(answer.status, 200);
      assert.deepEqual(corsHeadersOf(answer), {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET',
        vary,
      });
    });

    test('refuses an origin or a method no rule allows, naming the requested method', async () => {
      await putRules([{ AllowedOrigins: [origin], AllowedMethods: ['GET'] }]);
      const cases: Array<[Record<string, string>, string]> = [
        [ask('GET', { origin: 'http://localhost:4200' }), 'GET'],
        [ask('PUT'), 'PUT'],
        [ask('get'), 'get'],
      ];
      for (const [headers, method] of cases) {
        const answer = await preflight(cloud, '/photos/cat.jpg', headers);
        assertRefused(answer, 403, [
          ['Code', 'AccessForbidden'],
          ['Message', notAllowed],
          ['Method', method],
          ['ResourceType', 'OBJECT'],
        ]);
      }
    });

    test('matches an origin against one wildcard, and refuses a partial match', async () => {
      await putRules([
        { AllowedOrigins: ['http://*.origin.com'], AllowedMethods: ['GET', 'PUT'], MaxAgeSeconds: 3000 },
      ]);
      const match = await preflight(cloud, '/photos/cat.jpg', ask('GET', { origin: 'http://test.origin.com' }));
      assert.equal(match.status, 200);
      assert.equal(match.headers['access-control-allow-origin'], 'http://test.origin.com');
      assert.equal(match.headers['access-control-allow-credentials'], 'true');
      for (const other of ['http://test.origin.com/', 'https://test.origin.com', 'http://origin.com.evil']) {
        const answer = await preflight(cloud, '/photos/cat.jpg', ask('GET', { origin: other }));
        assert.equal(answer.status, 403, other);
      }
    });

    test('echoes the requested headers lowercased and in order, whatever their spacing', async () => {
      await putRules([
        {
          AllowedOrigins: [origin],
          AllowedMethods: ['GET'],
          AllowedHeaders: [
            'x-amz-expected-bucket-owner',
            'x-amz-server-side-encryption-customer-algorithm',
            'x-AMZ-server-SIDE-encryption',
          ],
        },
      ]);
      const cases: Array<[string, string]> = [
        ['x-amz-expected-bucket-owner', 'x-amz-expected-bucket-owner'],
        [
          'X-Amz-Expected-Bucket-Owner, x-amz-server-side-encryption',
          'x-amz-expected-bucket-owner, x-amz-server-side-encryption',
        ],
        [
          'x-amz-expected-bucket-owner,X-AMZ-SERVER-SIDE-ENCRYPTION',
          'x-amz-expected-bucket-owner, x-amz-server-side-encryption',
        ],
      ];
      for (const [requested, echoed] of cases) {
        const answer = await preflight(
          cloud,
          '/photos/cat.jpg',
          ask('GET', { 'access-control-request-headers': requested }),
        );
        assert.equal(answer.status, 200, requested);
        assert.equal(answer.headers['access-control-allow-headers'], echoed);
      }
    });

    test('allows any header under a * rule, and refuses headers the rule does not name', async () => {
      await putRules([
        { AllowedOrigins: [origin], AllowedMethods: ['PUT'], AllowedHeaders: ['x-amz-meta-*'] },
        { AllowedOrigins: [origin], AllowedMethods: ['GET'], AllowedHeaders: ['*'] },
        { AllowedOrigins: [origin], AllowedMethods: ['DELETE'] },
      ]);
      const any = await preflight(
        cloud,
        '/photos/cat.jpg',
        ask('GET', { 'access-control-request-headers': 'X-Amz-Request-Payer, x-custom' }),
      );
      assert.equal(any.headers['access-control-allow-headers'], 'x-amz-request-payer, x-custom');
      const meta = await preflight(
        cloud,
        '/photos/cat.jpg',
        ask('PUT', { 'access-control-request-headers': 'x-amz-meta-owner' }),
      );
      assert.equal(meta.status, 200);
      assert.equal(meta.headers['access-control-allow-methods'], 'PUT');
      for (const [method, headers] of [
        ['PUT', 'x-amz-acl'],
        ['DELETE', 'x-amz-request-payer'],
      ] as const) {
        const answer = await preflight(
          cloud,
          '/photos/cat.jpg',
          ask(method, { 'access-control-request-headers': headers }),
        );
        assertRefused(answer, 403, [
          ['Code', 'AccessForbidden'],
          ['Message', notAllowed],
          ['Method', method],
          ['ResourceType', 'OBJECT'],
        ]);
      }
      const noHeaders = await preflight(cloud, '/photos/cat.jpg', ask('DELETE'));
      assert.equal(noHeaders.status, 200);
      assert.equal(noHeaders.headers['access-control-allow-headers'], undefined);
    });

    test('lets the first matching rule decide, and lists its exposed headers', async () => {
      await putRules([
        { AllowedOrigins: ['https://other.example'], AllowedMethods: ['GET', 'PUT', 'POST'] },
        {
          AllowedOrigins: ['*'],
          AllowedMethods: ['GET'],
          ExposeHeaders: ['x-amz-id-2', 'x-amz-request-id', 'x-amz-request-payer'],
        },
        { AllowedOrigins: ['*'], AllowedMethods: ['GET', 'HEAD'], MaxAgeSeconds: 10 },
      ]);
      const answer = await preflight(cloud, '/photos/cat.jpg', ask('GET'));
      assert.deepEqual(corsHeadersOf(answer), {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET',
        'access-control-expose-headers': 'x-amz-id-2, x-amz-request-id, x-amz-request-payer',
        vary,
      });
      const head = await preflight(cloud, '/photos/cat.jpg', ask('HEAD'));
      assert.equal(head.headers['access-control-allow-methods'], 'GET, HEAD');
      assert.equal(head.headers['access-control-max-age'], '10');
    });

    test('answers a preflight of the bucket URL and of a virtual-hosted key by the same rules', async () => {
      await putRules([appRule]);
      const bucket = await preflight(cloud, '/photos', ask('PUT'));
      assert.equal(bucket.status, 200);
      assert.equal(bucket.headers['access-control-allow-origin'], origin);
      const virtual = await preflight(cloud, '/cat.jpg', ask('GET'), `photos.s3.localhost:${cloud.port}`);
      assert.equal(virtual.status, 200);
      assert.equal(virtual.headers['access-control-allow-methods'], 'GET, PUT');
      const refused = await preflight(cloud, '/cat.jpg', ask('DELETE'), `photos.s3.localhost:${cloud.port}`);
      assert.equal(refused.status, 403);
    });

    test('names the BUCKET resource when a preflight of the bucket URL is refused', async () => {
      await putRules([appRule]);
      const answer = await preflight(cloud, '/photos', ask('GET', { origin: 'http://test.origin.com/' }));
      assertRefused(answer, 403, [
        ['Code', 'AccessForbidden'],
        ['Message', notAllowed],
        ['Method', 'GET'],
        ['ResourceType', 'BUCKET'],
      ]);
    });

    test('applies the new rules after a put, and refuses once they are deleted', async () => {
      await putRules([{ AllowedOrigins: ['https://first.example'], AllowedMethods: ['GET'] }]);
      assert.equal((await preflight(cloud, '/photos/a', ask('GET'))).status, 403);
      await putRules([appRule]);
      assert.equal((await preflight(cloud, '/photos/a', ask('GET'))).status, 200);
      await s3.send(new DeleteBucketCorsCommand({ Bucket: 'photos' }));
      const answer = await preflight(cloud, '/photos/a', ask('GET'));
      assertRefused(answer, 403, [
        ['Code', 'AccessForbidden'],
        ['Message', 'CORSResponse: CORS is not enabled for this bucket.'],
        ['Method', 'GET'],
        ['ResourceType', 'BUCKET'],
      ]);
    });
  });
});
