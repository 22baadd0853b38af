/**
 * The bytes of S3's website endpoint: objects with their stored headers, redirects, and AWS's
 * HTML error page (recorded: services/s3/test_s3.snapshot.json `TestS3StaticWebsiteHosting::*`):
 *
 *   <html>\n<head><title>404 Not Found</title></head>\n<body>\n<h1>404 Not Found</h1>\n<ul>\n
 *   <li>Code: NoSuchKey</li>\n<li>Message: ...</li>\n<li>Key: ...</li>\n<li>RequestId: ...</li>\n
 *   <li>HostId: ...</li>\n</ul>\n[custom error document section]<hr/>\n</body>\n</html>\n
 */
import type { WebsiteAnswer, WebsiteError } from '../../services/s3/website.js';
import type { HttpResponse } from '../types.js';
import { escapeXml } from '../xml/writer.js';

const websiteHost = /^(.+?)\.s3-website(?:[.-][a-z0-9-]+)?\.(?:localhost|amazonaws\.com)$/;

/**
 * The bucket a website-endpoint Host names (`site.s3-website.localhost:4566`), else undefined.
 * The edge asks for every request of every service, and a client sends the same Host on each:
 * the last answer is kept.
 */
export function websiteBucketOfHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  if (host !== lastHost) {
    lastHost = host;
    lastBucket = websiteHost.exec(host.replace(/:\d+$/, '').toLowerCase())?.[1];
  }
  return lastBucket;
}

let lastHost = '';
let lastBucket: string | undefined;

const titles: Record<number, string> = {
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
};

function items(error: WebsiteError): string {
  const lines = [`<li>Code: ${escapeXml(error.code)}</li>`, `<li>Message: ${escapeXml(error.message)}</li>`];
  for (const [name, value] of error.fields) lines.push(`<li>${name}: ${escapeXml(value)}</li>`);
  return lines.join('\n');
}

/** Stored representation headers (object-headers.ts) by their HTTP names. */
const headerNames: Record<string, string> = {
  ContentType: 'content-type',
  ContentEncoding: 'content-encoding',
  ContentDisposition: 'content-disposition',
  ContentLanguage: 'content-language',
  CacheControl: 'cache-control',
  Expires: 'expires',
};

export function websiteResponse(answer: WebsiteAnswer, requestId: string, head: boolean): HttpResponse {
  const base: Record<string, string> = { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId };
  if (answer.kind === 'redirect') {
    return { status: answer.status, headers: { ...base, location: answer.location, 'content-length': '0' }, body: '' };
  }
  if (answer.kind === 'error') {
    const title = titles[answer.status] ?? `${answer.status} Error`;
    let html = `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items(answer.error)}\n`;
    html += `<li>RequestId: ${requestId}</li>\n<li>HostId: ${requestId}</li>\n</ul>\n`;
    if (answer.errorDocumentError) {
      html += `<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n${items(answer.errorDocumentError)}\n</ul>\n`;
    }
    html += '<hr/>\n</body>\n</html>\n';
    const headers = {
      ...base,
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(html)),
    };
    return { status: answer.status, headers, body: head ? '' : html };
  }
  const { object } = answer;
  const headers: Record<string, string> = {
    ...base,
    'content-type': 'binary/octet-stream',
    'last-modified': new Date(Math.floor(object.last_modified / 1000) * 1000).toUTCString(),
  };
  if (object.etag) headers.etag = object.etag;
  const stored = JSON.parse(object.headers ?? '{}') as Record<string, string>;
  for (const [field, value] of Object.entries(stored)) {
    const name = headerNames[field];
    if (name) headers[name] = field === 'Expires' ? new Date(value).toUTCString() : value;
  }
  for (const [name, value] of Object.entries(JSON.parse(object.metadata ?? '{}') as Record<string, string>)) {
    headers[`x-amz-meta-${name}`] = value;
  }
  if (answer.status === 304) return { status: 304, headers, body: '' };
  headers['content-length'] = String(object.size);
  return { status: answer.status, headers, body: answer.body ?? '' };
}
