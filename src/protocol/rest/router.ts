/**
 * Finds the operation of a REST request from its method, path and query, by Smithy's
 * specificity routing (https://smithy.io/2.0/spec/http-bindings.html#specificity-routing, and
 * the cases of smithy-aws-protocol-tests' http-uri-conflict-resolution.smithy): every
 * operation's request URI is compiled once, routes are sorted most specific first, and the
 * first match wins. Specificity, compared segment by segment: a literal beats a label, a label
 * beats a greedy label; only then do more literal query parts beat fewer
 * (`GET /{Bucket}?list-type=2` is ListObjectsV2, `GET /{Bucket}` ListObjects).
 *
 * A path no route matches is 404 UnknownOperationException, a path whose routes are all for
 * other methods 405, as smithy-rs's REST routers answer (aws-smithy-http-server
 * `proto/rest_json_1/router.rs`: 404 with `X-Amzn-Errortype: UnknownOperationException`).
 *
 * Some operations share a method and template exactly (S3's PutObject, UploadPart, CopyObject
 * and UploadPartCopy are all `PUT /{Bucket}/{Key+}`); AWS tells them apart by the required
 * query parameters and headers the request carries (`partNumber` and `uploadId`,
 * `x-amz-copy-source`), and so does this router: the operation with the most required
 * bindings that the request satisfies wins.
 */
import { AwsError } from '../../errors/aws-error.js';
import type { Operation, ServiceModel } from '../model-types.js';
import type { HttpRequest } from '../types.js';
import { bindingsOf } from './bindings.js';
import {
  compileUriTemplate,
  matchPath,
  matchQueryLiterals,
  parseQueryString,
  type QueryParams,
  splitPath,
  type UriTemplate,
} from './uri-template.js';

/** 404: no operation of the service has a route for the path. */
export class UnknownRoute extends AwsError {
  constructor(method: string, path: string) {
    super(
      { code: 'UnknownOperationException', status: 404, senderFault: true },
      `No operation matches ${method} ${path}`,
    );
  }
}

/** 405: the path has routes, but none for the method. */
export class MethodNotAllowed extends AwsError {
  constructor() {
    super(
      { code: 'MethodNotAllowed', status: 405, senderFault: true },
      'The specified method is not allowed against this resource.',
    );
  }
}

interface Candidate {
  operation: Operation;
  requiredQueryKeys: readonly string[];
  requiredHeaders: readonly string[];
}

/** One request URI template and the operations that share it, best candidate first. */
interface Route {
  method: string;
  template: UriTemplate;
  candidates: Candidate[];
  /** The template's literal query keys: they route, they are not input. */
  routeKeys: ReadonlySet<string>;
}

export interface RouteMatch {
  operation: Operation;
  labels: Record<string, string>;
  routeKeys: ReadonlySet<string>;
}

export class RestRouter {
  private readonly byMethod = new Map<string, Route[]>();
  private readonly all: Route[] = [];
  private readonly byOperation = new Map<Operation, Route>();

  /** `preferred` names the operations that win a tie between identical routes. */
  constructor(model: ServiceModel, preferred: readonly string[] = []) {
    const bySignature = new Map<string, Route>();
    for (const operation of model.operations.values()) {
      const method = operation.http.method.toUpperCase();
      const template = compileUriTemplate(operation.http.requestUri);
      const signature = `${method} ${signatureOf(template)}`;
      let route = bySignature.get(signature);
      if (!route) {
        route = { method, template, candidates: [], routeKeys: new Set(template.queryLiterals.map((q) => q.key)) };
        bySignature.set(signature, route);
        this.all.push(route);
        const routes = this.byMethod.get(method) ?? [];
        routes.push(route);
        this.byMethod.set(method, routes);
      }
      const bindings = operation.input ? bindingsOf(operation.input) : undefined;
      route.candidates.push({
        operation,
        requiredQueryKeys: bindings?.requiredQueryKeys ?? [],
        requiredHeaders: bindings?.requiredHeaders ?? [],
      });
      this.byOperation.set(operation, route);
    }
    const rank = (candidate: Candidate) => {
      const preference = preferred.includes(candidate.operation.name) ? 0.5 : 0;
      return candidate.requiredQueryKeys.length + candidate.requiredHeaders.length + preference;
    };
    for (const route of this.all) route.candidates.sort((a, b) => rank(b) - rank(a));
    for (const routes of this.byMethod.values()) routes.sort((a, b) => compareSpecificity(a.template, b.template));
  }

  /** Finds the operation of a request; throws UnknownRoute or MethodNotAllowed. */
  resolve(request: HttpRequest): RouteMatch {
    const raw = splitPath(request.path);
    const query = queryOf(request);
    const routes = this.byMethod.get(request.method) ?? [];
    const found = findRoute(routes, raw, query) ?? retryWithoutTrailingSlash(routes, raw, query);
    if (found) {
      const [route, labels] = found;
      return { operation: chooseCandidate(route, request, query).operation, labels, routeKeys: route.routeKeys };
    }
    if (findRoute(this.all, raw, query) ?? retryWithoutTrailingSlash(this.all, raw, query))
      throw new MethodNotAllowed();
    throw new UnknownRoute(request.method, request.path);
  }

  /** Matches a request against one operation's own route (for a request routed elsewhere). */
  matchOperation(operation: Operation, request: HttpRequest): RouteMatch | undefined {
    const route = this.byOperation.get(operation);
    if (!route) return undefined;
    const raw = splitPath(request.path);
    const query = queryOf(request);
    const found = findRoute([route], raw, query) ?? retryWithoutTrailingSlash([route], raw, query);
    return found ? { operation, labels: found[1], routeKeys: route.routeKeys } : undefined;
  }
}

type Found = [Route, Record<string, string>];

function findRoute(routes: readonly Route[], raw: readonly string[], query: QueryParams): Found | undefined {
  for (const route of routes) {
    if (!matchQueryLiterals(route.template, query)) continue;
    const labels = matchPath(route.template, raw);
    if (labels) return [route, labels];
  }
  return undefined;
}

/** `GET /bucket/` is the bucket, as `GET /bucket` is, when no route binds the trailing slash. */
function retryWithoutTrailingSlash(routes: readonly Route[], raw: readonly string[], query: QueryParams) {
  if (raw.length === 0 || raw[raw.length - 1] !== '') return undefined;
  return findRoute(routes, raw.slice(0, -1), query);
}

function chooseCandidate(route: Route, request: HttpRequest, query: QueryParams): Candidate {
  const candidates = route.candidates;
  if (candidates.length === 1) return candidates[0] as Candidate;
  for (const candidate of candidates) {
    if (
      candidate.requiredQueryKeys.every((key) => query.has(key)) &&
      candidate.requiredHeaders.every((name) => request.headers[name] !== undefined)
    ) {
      return candidate;
    }
  }
  // None is complete: the one that asks least is the likeliest, and validation names what is missing.
  return candidates[candidates.length - 1] as Candidate;
}

function signatureOf(template: UriTemplate): string {
  const path = template.segments
    .map((segment) => (segment.kind === 'literal' ? segment.text : segment.kind === 'label' ? '{}' : '{+}'))
    .join('/');
  const query = template.queryLiterals
    .map((literal) => (literal.value === undefined ? literal.key : `${literal.key}=${literal.value}`))
    .sort()
    .join('&');
  return `/${path}?${query}`;
}

const kindOrder = { literal: 0, label: 1, greedy: 2 } as const;

/** Negative when `a` is more specific than `b`. */
function compareSpecificity(a: UriTemplate, b: UriTemplate): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index++) {
    const difference =
      kindOrder[(a.segments[index] as UriTemplate['segments'][number]).kind] -
      kindOrder[(b.segments[index] as UriTemplate['segments'][number]).kind];
    if (difference !== 0) return difference;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return b.queryLiterals.length - a.queryLiterals.length;
}

const parsedQueries = new WeakMap<HttpRequest, QueryParams>();

/** The request's query string, parsed once per request. */
export function queryOf(request: HttpRequest): QueryParams {
  let query = parsedQueries.get(request);
  if (!query) {
    query = parseQueryString(request.query);
    parsedQueries.set(request, query);
  }
  return query;
}
