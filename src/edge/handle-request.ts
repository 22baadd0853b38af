/**
 * The path of one request, top to bottom: control routes and CORS preflight; which service,
 * protocol and operation (resolve); who is calling (SigV4 access key -> account) and where
 * (region); parse and validate the input; dispatch to the provider; serialize the output or
 * the error. Only the protocol's serializer writes bytes of an answer.
 */
import { newRequestId } from '../core/ids.js';
import { dispatch } from '../dispatch.js';
import { AwsError } from '../errors/aws-error.js';
import { InternalFailure, NotImplemented } from '../errors/framework.js';
import type { Nimbus } from '../nimbus.js';
import { protocolFor, readyProtocol } from '../protocol/index.js';
import type { Operation, ServiceModel } from '../protocol/model-types.js';
import type { HttpRequest, HttpResponse, Input, ServerProtocol } from '../protocol/types.js';
import { validateInput, validationStyle } from '../protocol/validate.js';
import { presignedUrlError } from '../resolve/presigned.js';
import { regionFromHost } from '../resolve/region.js';
import { type RequestShape, wireFamily } from '../resolve/resolve-service.js';
import { credentialScope } from '../resolve/sigv4.js';
import type { RequestContext } from '../services/service-types.js';
import { emptyBody, isSmallPayload, payloadStream, readBody, readPayload } from './body.js';
import { handleControl, isControlPath } from './control-plane.js';
import { functionUrlId, serveFunctionUrl } from './function-url.js';
import type { EdgeRequest, EdgeResponse } from './http1.js';
import { onClientGone, preflight, writeResponse } from './respond.js';
import { unresolvedResponse } from './unresolved.js';
import { serveWebsite, websiteBucket } from './website.js';

export async function handleRequest(nimbus: Nimbus, req: EdgeRequest, res: EdgeResponse): Promise<void> {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark >= 0 ? url.slice(0, mark) : url;
  const query = mark >= 0 ? url.slice(mark + 1) : '';
  let response: HttpResponse;
  if (isControlPath(path)) {
    response = await handleControl(nimbus, req, path, new URLSearchParams(query));
    await committed(nimbus);
  } else response = await answer(nimbus, req, res, path, query);
  writeResponse(req, res, response);
}

/** What the error serializer needs once the request got that far. */
interface Target {
  model: ServiceModel;
  protocol: ServerProtocol;
  operation?: Operation;
}

async function answer(
  nimbus: Nimbus,
  req: EdgeRequest,
  res: EdgeResponse,
  path: string,
  query: string,
): Promise<HttpResponse> {
  const requestId = newRequestId();
  const debug = nimbus.logger.level === 'debug';
  const started = debug ? performance.now() : 0;
  const method = req.method ?? 'GET';
  const headers = req.headers as Record<string, string | undefined>;
  const limit = nimbus.config.maxBodyBytes;
  const scope = credentialScope(headers.authorization, query);
  const shape: RequestShape = { method, path, query, host: headers.host ?? '', headers, signingName: scope?.service };
  let body: Buffer | undefined;
  let target: Target | undefined;
  let label = `${method} ${path}`;
  /** Who decides the CORS headers of an error, once the input is known. */
  let decided: { provider: object; input: Input } | undefined;
  try {
    const site = websiteBucket(req);
    if (site !== undefined) return await serveWebsite(nimbus, req, site, path, requestId);
    const urlId = functionUrlId(req);
    if (urlId !== undefined) return await serveFunctionUrl(nimbus, req, urlId, path, query, requestId);
    if (!scope && method === 'POST' && wireFamily(shape) === 'query') {
      // An unsigned query request (AssumeRoleWithWebIdentity) names its service only in the form.
      body = await readBody(req, limit);
      shape.form = new URLSearchParams(body.toString('utf8'));
    }
    // A CORS preflight goes to the service whose model routes it (S3's OptionsObject decides
    // by the bucket's rules); any other is answered here, allowing what a local page asks.
    const isPreflight = method === 'OPTIONS' && headers.origin !== undefined;
    const candidates = nimbus.resolver.resolve(shape);
    if (candidates.length === 0) return isPreflight ? preflight(req) : unresolvedResponse(shape, requestId);

    let resolved:
      | { request: HttpRequest; model: ServiceModel; protocol: ServerProtocol; operation: Operation; modelName: string }
      | undefined;
    let firstError: unknown;
    for (const candidate of candidates) {
      const name = candidate.metadata.name;
      const model = nimbus.readyModel(name) ?? (await nimbus.model(name));
      const protocol = readyProtocol(name, candidate.protocol) ?? (await protocolFor(name, candidate.protocol));
      target ??= { model, protocol };
      if (protocol.operationInBody && body === undefined) body = await readBody(req, limit);
      const request: HttpRequest = { method, path, query, headers, body: body ?? emptyBody };
      try {
        const operation = protocol.resolveOperation(model, request);
        resolved = { request, model, protocol, operation, modelName: candidate.metadata.name };
        target = resolved;
        break;
      } catch (error) {
        firstError ??= error;
      }
    }
    if (!resolved) {
      if (isPreflight) return preflight(req);
      throw firstError;
    }
    const { request, model, protocol, operation, modelName } = resolved;
    label = `${modelName}.${operation.name}`;
    const presigned = presignedUrlError(query, nimbus.clock.now());
    if (presigned) throw presigned;

    if (hasStreamingPayload(operation)) {
      if (isSmallPayload(req)) request.body = await readPayload(req);
      else request.stream = payloadStream(req);
    } else if (body === undefined) request.body = await readBody(req, limit);

    const caller = nimbus.credentials.resolveCaller(scope?.accessKeyId, nimbus.clock.now());
    const region = scope?.region || regionFromHost(shape.host) || nimbus.config.defaultRegion;
    const input = protocol.parseRequest(model, operation, request);
    validateInput(operation.input, input, validationStyle(modelName, protocol.name));

    const definition = nimbus.serviceForModel(modelName);
    if (!definition) throw new NotImplemented(modelName, operation.name);
    const service = nimbus.readyService(definition) ?? (await nimbus.service(definition));
    decided = { provider: service.provider, input };
    const ctx: RequestContext = {
      requestId,
      service: definition.name,
      operation: operation.name,
      account: caller.account,
      region,
      partition: 'aws',
      caller,
      endpoint: `http://${shape.host || '127.0.0.1'}`,
      onClientGone: (listener: () => void) => onClientGone(res, listener),
      rawJson: protocol.name === 'json',
    };
    // The provider's synchronous part is one savepoint of this turn's batch (state/database.ts),
    // or joins it without one: a read, or an operation that makes every check before it writes.
    const { readOnlyOperations, checksBeforeWrites } = service.module;
    const work = () => dispatch(service, operation, ctx, input);
    let output = readOnlyOperations?.has(operation.name)
      ? nimbus.db.read(work)
      : checksBeforeWrites?.has(operation.name)
        ? nimbus.db.unguarded(work, isAwsError)
        : nimbus.db.request(work);
    if (output instanceof Promise) output = await output;
    const response = protocol.serializeOutput(model, operation, output ?? {}, { requestId });
    decideCors(service.provider, input, req, response);
    await committed(nimbus);
    if (debug) nimbus.logger.debug(`${label} ${response.status} ${(performance.now() - started).toFixed(1)}ms`);
    return response;
  } catch (thrown) {
    let error: AwsError;
    if (thrown instanceof AwsError) error = thrown;
    else if (req.destroyed) {
      // The client went away while its body was read (node:http's "aborted"): nobody is left to
      // answer, and it is no failure of ours.
      nimbus.logger.debug(`${label}: the client closed the connection (${(thrown as Error)?.message ?? thrown})`);
      error = new InternalFailure();
    } else {
      nimbus.logger.error(`${label} failed: ${(thrown as Error)?.stack ?? String(thrown)}`);
      error = new InternalFailure();
    }
    if (!target) return unresolvedResponse(shape, requestId, error);
    // What other requests of the batch wrote must be committed before this one answers too,
    // or a failed commit could be answered as if the failure were this request's alone.
    const failedCommit = await committed(nimbus).then(
      () => undefined,
      () => new InternalFailure(),
    );
    const response = target.protocol.serializeError(target.model, target.operation, failedCommit ?? error, {
      requestId,
    });
    if (decided) decideCors(decided.provider, decided.input, req, response);
    if (debug) {
      nimbus.logger.debug(`${label} ${response.status} ${error.code} ${(performance.now() - started).toFixed(1)}ms`);
    }
    return response;
  }
}

interface CorsDecider {
  corsHeaders(
    input: Input,
    request: { origin: string | undefined; method: string | undefined; headers: string | undefined },
  ): Record<string, string>;
}

/**
 * A service that keeps CORS rules (S3's buckets) decides the CORS headers of an actual request
 * with an Origin; for every other service the edge adds its permissive ones (respond.ts).
 */
function decideCors(provider: object, input: Input, req: EdgeRequest, response: HttpResponse): void {
  const decider = provider as Partial<CorsDecider>;
  const origin = req.headers.origin;
  if (!decider.corsHeaders || response.corsDecided) return;
  response.corsDecided = true;
  if (origin === undefined) return;
  const requestMethod = req.headers['access-control-request-method'];
  const headers = decider.corsHeaders(input, {
    origin,
    method: typeof requestMethod === 'string' ? requestMethod : (req.method ?? 'GET'),
    headers: req.headers['access-control-request-headers'],
  });
  Object.assign(response.headers, headers);
}

/** Waits for the commit of what has been written so far (no answer goes out before it). */
async function committed(nimbus: Nimbus): Promise<void> {
  const pending = nimbus.db.settled();
  if (pending) await pending;
}

function isAwsError(error: unknown): boolean {
  return error instanceof AwsError;
}

const streaming = new WeakMap<Operation, boolean>();

/** Whether an operation's input payload is a streaming blob (S3 PutObject): its body is not buffered. */
function hasStreamingPayload(operation: Operation): boolean {
  let known = streaming.get(operation);
  if (known === undefined) {
    const payload = operation.input?.payload ? operation.input.memberMap.get(operation.input.payload) : undefined;
    known = Boolean(payload && payload.shape.type === 'blob' && (payload.shape.streaming || payload.streaming));
    streaming.set(operation, known);
  }
  return known;
}
