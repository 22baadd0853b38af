import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  PutBucketWebsiteCommand,
  PutObjectCommand,
  type S3Client,
  type WebsiteConfiguration,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createBucket, s3For } from './s3-helpers.js';

interface Page {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain HTTP request to the website endpoint, as a browser sends it: no signature. */
function browse(
  cloud: NimbusCloud,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: cloud.port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `${options.host ?? 'site.s3-website.localhost'}:${cloud.port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The `<li>Name: value</li>` items of AWS's HTML error page, in order. */
function listed(html: string): string[] {
  return [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1] as string);
}

describe('Static website hosting', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'site');
  });

  const configure = (WebsiteConfiguration: WebsiteConfiguration) =>
    s3.send(new PutBucketWebsiteCommand({ Bucket: 'site', WebsiteConfiguration }));
  const put = (Key: string, Body: string, extra: Record<string, string> = {}) =>
    s3.send(new PutObjectCommand({ Bucket: 'site', Key, Body, ContentType: 'text/html', ...extra }));

  test('the root and a directory serve their index document with its content type and ETag', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' } });
    await put('index.html', '<h1>home</h1>');
    await put('docs/index.html', '<h1>docs</h1>');
    const root = await browse(cloud, '/');
    assert.equal(root.status, 200);
    assert.equal(root.body, '<h1>home</h1>');
    assert.equal(root.headers['content-type'], 'text/html');
    assert.equal(root.headers.etag, `"${createHash('md5').update('<h1>home</h1>').digest('hex')}"`);
    const docs = await browse(cloud, '/docs/');
    assert.equal(docs.body, '<h1>docs</h1>');
  });

  test('a directory named without its slash is 302 to the slash form', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' } });
    await put('docs/index.html', 'docs');
    const page = await browse(cloud, '/docs');
    assert.equal(page.status, 302);
    assert.equal(page.headers.location, '/docs/');
  });

  test('a missing key with an error document answers 404 with the error document', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } });
    await put('error.html', '<h1>oops</h1>');
    const page = await browse(cloud, '/missing.html');
    assert.equal(page.status, 404);
    assert.equal(page.body, '<h1>oops</h1>');
    assert.equal(page.headers['content-type'], 'text/html');
  });

  test('a missing key without an error document is AWS HTML 404 page naming NoSuchKey and the key', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' } });
    const page = await browse(cloud, '/nested/');
    assert.equal(page.status, 404);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(
      page.body,
      /^<html>\n<head><title>404 Not Found<\/title><\/head>\n<body>\n<h1>404 Not Found<\/h1>\n<ul>\n/,
    );
    const items = listed(page.body);
    assert.deepEqual(items.slice(0, 3), [
      'Code: NoSuchKey',
      'Message: The specified key does not exist.',
      'Key: nested/index.html',
    ]);
    assert.match(items[3] as string, /^RequestId: /);
    assert.match(page.body, /<\/ul>\n<hr\/>\n<\/body>\n<\/html>\n$/);
  });

  test('a missing error document adds the custom error document section', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } });
    const page = await browse(cloud, '/nope');
    assert.equal(page.status, 404);
    assert.match(page.body, /<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document<\/h3>/);
    assert.deepEqual(listed(page.body).slice(-3), [
      'Code: NoSuchKey',
      'Message: The specified key does not exist.',
      'Key: error.html',
    ]);
  });

  test('a bucket without a website configuration is 404 NoSuchWebsiteConfiguration; a missing bucket NoSuchBucket', async () => {
    const page = await browse(cloud, '/');
    assert.equal(page.status, 404);
    assert.deepEqual(listed(page.body).slice(0, 3), [
      'Code: NoSuchWebsiteConfiguration',
      'Message: The specified bucket does not have a website configuration',
      'BucketName: site',
    ]);
    const missing = await browse(cloud, '/', { host: 'ghost.s3-website-us-east-1.localhost' });
    assert.equal(missing.status, 404);
    assert.deepEqual(listed(missing.body).slice(0, 3), [
      'Code: NoSuchBucket',
      'Message: The specified bucket does not exist',
      'BucketName: ghost',
    ]);
  });

  test('POST is 405 MethodNotAllowed naming the method and the OBJECT resource type', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } });
    await put('error.html', 'custom');
    const page = await browse(cloud, '/index.html', { method: 'POST' });
    assert.equal(page.status, 405);
    assert.deepEqual(listed(page.body).slice(0, 4), [
      'Code: MethodNotAllowed',
      'Message: The specified method is not allowed against this resource.',
      'Method: POST',
      'ResourceType: OBJECT',
    ]);
  });

  test('an object with WebsiteRedirectLocation is 301 to it', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' } });
    await put('old.html', '', { WebsiteRedirectLocation: '/new.html' });
    const page = await browse(cloud, '/old.html');
    assert.equal(page.status, 301);
    assert.equal(page.headers.location, '/new.html');
  });

  test('routing rules redirect by key prefix and by a 404, in order', async () => {
    await configure({
      IndexDocument: { Suffix: 'index.html' },
      RoutingRules: [
        { Condition: { KeyPrefixEquals: 'docs/' }, Redirect: { ReplaceKeyPrefixWith: 'documents/' } },
        {
          Condition: { HttpErrorCodeReturnedEquals: '404' },
          Redirect: { HostName: 'example.com', Protocol: 'https', HttpRedirectCode: '307', ReplaceKeyWith: 'gone' },
        },
      ],
    });
    await put('present.html', 'here');
    const moved = await browse(cloud, '/docs/a.html');
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, 'http://site.s3-website.localhost/documents/a.html');
    const gone = await browse(cloud, '/absent.html');
    assert.equal(gone.status, 307);
    assert.equal(gone.headers.location, 'https://example.com/gone');
    assert.equal((await browse(cloud, '/present.html')).body, 'here');
  });

  test('RedirectAllRequestsTo sends every request to the other host with the same key', async () => {
    await configure({ RedirectAllRequestsTo: { HostName: 'www.example.com', Protocol: 'https' } });
    const page = await browse(cloud, '/a/b.html');
    assert.equal(page.status, 301);
    assert.equal(page.headers.location, 'https://www.example.com/a/b.html');
    assert.equal(page.body, '');
  });

  test('If-None-Match with the ETag is 304 and HEAD has headers but no body', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' } });
    await put('index.html', 'cached');
    const first = await browse(cloud, '/');
    const cached = await browse(cloud, '/', { headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(cached.status, 304);
    assert.equal(cached.body, '');
    const head = await browse(cloud, '/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '6');
    assert.equal(head.body, '');
  });

  test('keys with spaces and UTF-8 are served from their percent-encoded paths', async () => {
    await configure({ IndexDocument: { Suffix: 'index.html' } });
    await put('a dir/é.html', 'unicode');
    const page = await browse(cloud, `/${encodeURIComponent('a dir')}/${encodeURIComponent('é.html')}`);
    assert.equal(page.status, 200);
    assert.equal(page.body, 'unicode');
  });
});
