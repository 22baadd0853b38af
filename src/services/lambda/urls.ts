/**
 * Function URLs. https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html
 *
 * A URL belongs to the function or to one of its aliases (never a version or `$LATEST`: the
 * model's pattern refuses digits, test_url_config_exceptions). AWS's host is
 * `{urlId}.lambda-url.{region}.on.aws`; ours is `{urlId}.lambda-url.{region}.localhost` on the
 * port clients reach Nimbus at, which src/edge/function-url.ts sends to `serveFunctionUrl`.
 * The request becomes AWS's payload format 2.0 event and the function's answer the HTTP
 * response (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html). AWS_IAM URLs
 * need a SigV4 Authorization header (parsed, as every Nimbus signature is, not verified).
 * Texts: shared/aws-reference/recorded-responses/services/lambda_/test_lambda_api.snapshot.json,
 * TestLambdaUrl.
 */
import { randomBytes } from 'node:crypto';
import { ValidationException } from '../../errors/common.js';
import { ResourceConflictException, ResourceNotFoundException } from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { runInvocation } from './invoke.js';
import { functionArn, latest, parseFunctionRef } from './names.js';
import type { StoredUrl, UrlConfig } from './published-store.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';
import { isVersionNumber, resolveRef } from './versions.js';

/** Headers of a function's result that the endpoint writes itself. */
const framingHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

const noFunction = () => notFound('Function does not exist');
const noResource = () => notFound('The resource you requested does not exist.');

/** AWS's timestamps here carry microseconds: `2024-05-01T12:00:00.123000Z`. */
function timestamp(now: number): string {
  return new Date(now).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function checkQualifier(qualifier: string | undefined): void {
  if (qualifier === undefined) return;
  if (qualifier === latest || isVersionNumber(qualifier)) {
    throw new ValidationException(
      `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)`,
    );
  }
}

interface UrlTarget {
  fn: StoredFunction;
  qualifier: string;
  arn: string;
}

/** The function or alias a URL operation names; `missing` is the error for either not existing. */
function urlTarget(
  state: LambdaState,
  ctx: RequestContext,
  name: string,
  qualifier: string | undefined,
  missing: () => Error,
): UrlTarget {
  const ref = parseFunctionRef(ctx, name, qualifier);
  checkQualifier(ref.qualifier);
  const fn = state.store.get(ref.account, ref.region, ref.name);
  if (!fn) throw missing();
  if (ref.qualifier !== undefined && !state.published.alias(fn.account, fn.region, fn.name, ref.qualifier)) {
    throw missing();
  }
  return {
    fn,
    qualifier: ref.qualifier ?? '',
    arn: functionArn(fn.account, fn.region, fn.name, ref.qualifier),
  };
}

/** The URL of an id, on the host and port the client reached Nimbus at. */
function urlOf(ctx: RequestContext, urlId: string, region: string): string {
  const port = /:(\d+)$/.exec(new URL(ctx.endpoint).host)?.[1];
  return `http://${urlId}.lambda-url.${region}.localhost${port ? `:${port}` : ''}/`;
}

function newUrlId(): string {
  // AWS's ids are 32 lowercase letters and digits.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function fullView(config: UrlConfig): T.GetFunctionUrlConfigResponse {
  return { ...config, InvokeMode: config.InvokeMode ?? 'BUFFERED' };
}

export function urlOperations(state: LambdaState) {
  return {
    createFunctionUrlConfig(ctx, input) {
      return state.store.transaction(() => {
        const target = urlTarget(state, ctx, input.FunctionName, input.Qualifier, noFunction);
        if (state.published.url(target.fn.account, target.fn.region, target.fn.name, target.qualifier)) {
          throw new ResourceConflictException(
            `Failed to create function url config for [functionArn = ${target.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
            { Type: 'User' },
          );
        }
        const urlId = newUrlId();
        const now = timestamp(state.now());
        const config: UrlConfig = {
          FunctionUrl: urlOf(ctx, urlId, target.fn.region),
          FunctionArn: target.arn,
          AuthType: input.AuthType,
          CreationTime: now,
          LastModifiedTime: now,
        };
        if (input.Cors) config.Cors = input.Cors as Record<string, unknown>;
        if (input.InvokeMode) config.InvokeMode = input.InvokeMode;
        state.published.putUrl({
          urlId,
          account: target.fn.account,
          region: target.fn.region,
          name: target.fn.name,
          qualifier: target.qualifier,
          config,
        });
        // test_url_config_lifecycle `url_creation`: no LastModifiedTime, InvokeMode only if given.
        const { LastModifiedTime: _modified, ...created } = config;
        return created as T.CreateFunctionUrlConfigResponse;
      });
    },

    getFunctionUrlConfig(ctx, input) {
      const target = urlTarget(state, ctx, input.FunctionName, input.Qualifier, noResource);
      const url = state.published.url(target.fn.account, target.fn.region, target.fn.name, target.qualifier);
      if (!url) throw noResource();
      return fullView(url.config);
    },

    updateFunctionUrlConfig(ctx, input) {
      return state.store.transaction(() => {
        const target = urlTarget(state, ctx, input.FunctionName, input.Qualifier, noFunction);
        const url = state.published.url(target.fn.account, target.fn.region, target.fn.name, target.qualifier);
        if (!url) throw noResource();
        const config: UrlConfig = { ...url.config, LastModifiedTime: timestamp(state.now()) };
        if (input.AuthType !== undefined) config.AuthType = input.AuthType;
        if (input.Cors !== undefined) config.Cors = input.Cors as Record<string, unknown>;
        if (input.InvokeMode !== undefined) config.InvokeMode = input.InvokeMode;
        state.published.putUrl({ ...url, config });
        return config as T.UpdateFunctionUrlConfigResponse;
      });
    },

    deleteFunctionUrlConfig(ctx, input) {
      state.store.transaction(() => {
        const target = urlTarget(state, ctx, input.FunctionName, input.Qualifier, noResource);
        const url = state.published.url(target.fn.account, target.fn.region, target.fn.name, target.qualifier);
        if (!url) throw noResource();
        state.published.deleteUrl(url.urlId);
      });
    },

    listFunctionUrlConfigs(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName);
      const fn = state.store.get(ref.account, ref.region, ref.name);
      if (!fn) throw noFunction();
      const all = state.published.urls(fn.account, fn.region, fn.name);
      const after = input.Marker ? Buffer.from(input.Marker, 'base64url').toString('utf8') : undefined;
      const rest = after === undefined ? all : all.filter((url) => url.qualifier > after);
      const limit = Math.min(input.MaxItems ?? 50, 50);
      const page = rest.slice(0, limit);
      const out: T.ListFunctionUrlConfigsResponse = { FunctionUrlConfigs: page.map((url) => fullView(url.config)) };
      const last = page[page.length - 1];
      if (rest.length > limit && last) out.NextMarker = Buffer.from(last.qualifier, 'utf8').toString('base64url');
      return out;
    },

    serveFunctionUrl: (request: FunctionUrlRequest) => serveFunctionUrl(state, request),
  } satisfies Partial<LambdaOperations<RequestContext>> & {
    serveFunctionUrl(request: FunctionUrlRequest): Promise<FunctionUrlAnswer>;
  };
}

/** An HTTP request to a function URL, as the edge hands it over. */
export interface FunctionUrlRequest {
  urlId: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
  requestId: string;
}

export interface FunctionUrlAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): FunctionUrlAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

function header(headers: FunctionUrlRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The CORS headers a URL's Cors setting gives a request from `origin` (empty when none apply). */
function corsHeaders(cors: T.Cors | undefined, origin: string | undefined, preflight: boolean): Record<string, string> {
  if (!cors || origin === undefined) return {};
  const origins = cors.AllowOrigins ?? [];
  if (!origins.includes('*') && !origins.includes(origin)) return {};
  const out: Record<string, string> = { 'access-control-allow-origin': origins.includes('*') ? '*' : origin };
  if (cors.AllowCredentials) out['access-control-allow-credentials'] = 'true';
  if (cors.ExposeHeaders?.length) out['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  if (preflight) {
    if (cors.AllowMethods?.length) out['access-control-allow-methods'] = cors.AllowMethods.join(',');
    if (cors.AllowHeaders?.length) out['access-control-allow-headers'] = cors.AllowHeaders.join(',');
    if (cors.MaxAge !== undefined) out['access-control-max-age'] = String(cors.MaxAge);
  }
  return out;
}

const textTypes = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** `12/Mar/2020:19:03:58 +0000`, as requestContext.time shows it. */
function requestTime(now: number): string {
  const date = new Date(now);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** The payload format 2.0 event of a request (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads). */
function urlEvent(state: LambdaState, url: StoredUrl, request: FunctionUrlRequest, iam: IamCaller | undefined) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies.push(...String(value).split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(request.query)) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const now = state.now();
  const host = header(request.headers, 'host') ?? '';
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: request.query,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  const requestContext: Record<string, unknown> = {
    accountId: iam ? iam.accountId : 'anonymous',
    apiId: url.urlId,
  };
  if (iam) {
    requestContext.authorizer = {
      iam: {
        accessKey: iam.accessKey,
        accountId: iam.accountId,
        callerId: iam.callerId,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: iam.userArn,
        userId: iam.callerId,
      },
    };
  }
  Object.assign(requestContext, {
    domainName: host.replace(/:\d+$/, ''),
    domainPrefix: url.urlId,
    http: {
      method: request.method,
      path: request.path,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: header(request.headers, 'user-agent') ?? '',
    },
    requestId: request.requestId,
    routeKey: '$default',
    stage: '$default',
    time: requestTime(now),
    timeEpoch: now,
  });
  event.requestContext = requestContext;
  if (request.body.length > 0) {
    const binary = !textTypes.test(header(request.headers, 'content-type') ?? '');
    event.body = binary ? request.body.toString('base64') : request.body.toString('utf8');
    event.isBase64Encoded = binary;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}

interface IamCaller {
  accessKey: string;
  accountId: string;
  callerId: string;
  userArn: string;
}

/**
 * The function's answer as HTTP: a result with `statusCode` is a response (headers, cookies,
 * body, isBase64Encoded); any other JSON is a 200 `application/json` whose body is that JSON
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload).
 */
function responseOf(payload: Buffer, cors: Record<string, string>): FunctionUrlAnswer {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { status: 200, headers: { 'content-type': 'application/json', ...cors }, body: payload };
  }
  if (value === null || typeof value !== 'object' || !('statusCode' in value)) {
    const body = typeof value === 'string' ? value : payload.toString('utf8');
    return { status: 200, headers: { 'content-type': 'application/json', ...cors }, body };
  }
  const result = value as {
    statusCode: number;
    headers?: Record<string, unknown>;
    body?: unknown;
    cookies?: string[];
    isBase64Encoded?: boolean;
  };
  const headers: Record<string, string | string[]> = {};
  for (const [name, each] of Object.entries(result.headers ?? {})) {
    const lower = name.toLowerCase();
    // The framing is the endpoint's, as a proxy's is (RFC 9110 7.6.1): a function's own would
    // contradict the body that goes out.
    if (!framingHeaders.has(lower)) headers[lower] = String(each);
  }
  headers['content-type'] ??= 'application/json';
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  Object.assign(headers, cors);
  const text =
    result.body === undefined ? '' : typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  const body = result.isBase64Encoded ? Buffer.from(text, 'base64') : text;
  return { status: Number(result.statusCode) || 200, headers, body };
}

/** The caller of a signed request (SigV4 parsed for its access key, not verified). */
function iamCaller(state: LambdaState, authorization: string | undefined): IamCaller | undefined {
  const accessKey = /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
  if (!accessKey) return undefined;
  const caller = state.deps.credentials.resolveCaller(accessKey, state.now());
  return {
    accessKey,
    accountId: caller.account,
    callerId: caller.userId,
    userArn: caller.arn,
  };
}

export async function serveFunctionUrl(state: LambdaState, request: FunctionUrlRequest): Promise<FunctionUrlAnswer> {
  const url = state.published.urlById(request.urlId);
  // Not recorded: what AWS answers for a URL id it does not know, and for an unsigned AWS_IAM request.
  if (!url) return json(403, { Message: 'Forbidden' });
  const origin = header(request.headers, 'origin');
  const cors = url.config.Cors as T.Cors | undefined;
  if (
    request.method === 'OPTIONS' &&
    origin !== undefined &&
    header(request.headers, 'access-control-request-method')
  ) {
    return { status: 200, headers: corsHeaders(cors, origin, true), body: '' };
  }
  let iam: IamCaller | undefined;
  if (url.config.AuthType === 'AWS_IAM') {
    iam = iamCaller(state, header(request.headers, 'authorization'));
    if (!iam) return json(403, { Message: 'Forbidden' });
  }
  const fn = state.store.get(url.account, url.region, url.name);
  if (!fn) return json(403, { Message: 'Forbidden' });
  const target = resolveRef(
    state,
    { account: url.account, region: url.region, name: url.name, qualifier: url.qualifier || undefined },
    true,
  );
  const event = urlEvent(state, url, request, iam);
  const result = await runInvocation(
    state,
    target.runnable,
    request.requestId,
    Buffer.from(JSON.stringify(event), 'utf8'),
    undefined,
    true,
    target.arn,
  ).catch(() => undefined);
  const allowed = corsHeaders(cors, origin, false);
  // https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html: a function error is a 502.
  if (!result || result.functionError) return json(502, { Message: 'Internal Server Error' }, allowed);
  return responseOf(result.payload, allowed);
}
