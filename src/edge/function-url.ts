/**
 * Requests to a Lambda function URL (`{urlId}.lambda-url.{region}.localhost`): plain HTTP
 * requests to a function, not API calls, so they bypass operation resolution as S3 websites do
 * (website.ts). The Lambda provider runs the function and decides the answer
 * (services/lambda/urls.ts); this file only carries the request there and the answer back.
 */
import type { Nimbus } from '../nimbus.js';
import type { HttpResponse } from '../protocol/types.js';
import type { FunctionUrlAnswer, FunctionUrlRequest } from '../services/lambda/urls.js';
import { readBody } from './body.js';
import type { EdgeRequest } from './http1.js';

interface FunctionUrlProvider {
  serveFunctionUrl(request: FunctionUrlRequest): Promise<FunctionUrlAnswer>;
}

const functionUrlHost = /^([a-z0-9]+)\.lambda-url\.[a-z0-9-]+\.localhost(?::\d+)?$/i;

/** The URL id a request addresses, if it addresses a function URL. */
export function functionUrlId(req: EdgeRequest): string | undefined {
  const id = functionUrlHost.exec(req.headers.host ?? '')?.[1];
  return id?.toLowerCase();
}

export async function serveFunctionUrl(
  nimbus: Nimbus,
  req: EdgeRequest,
  urlId: string,
  path: string,
  query: string,
  requestId: string,
): Promise<HttpResponse> {
  const definition = nimbus.serviceForModel('lambda');
  if (!definition) throw new Error('the Lambda service is not registered');
  const provider = (nimbus.readyService(definition) ?? (await nimbus.service(definition)))
    .provider as unknown as FunctionUrlProvider;
  const body = await readBody(req, nimbus.config.maxBodyBytes);
  const answer = await provider.serveFunctionUrl({
    urlId,
    method: req.method ?? 'GET',
    path: decodeURIComponent(path),
    query,
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    requestId,
  });
  await nimbus.db.settled();
  // The function's own CORS setting decides (urls.ts): the edge adds none of its own.
  return {
    status: answer.status,
    headers: { ...answer.headers, 'x-amzn-requestid': requestId },
    body: answer.body,
    corsDecided: true,
  };
}
