/**
 * Bucket CORS: the checks on a CORSConfiguration and the answer to a preflight by its rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html): the first rule whose
 * AllowedOrigins match the Origin (one `*` wildcard each), whose AllowedMethods include the
 * requested method and whose AllowedHeaders cover every requested header (case-insensitively)
 * decides; without one the preflight is refused with 403. A preflight without an Origin is a
 * 400. Answers and texts: shared/aws-reference/recorded-responses/services/s3/test_s3_cors.
 */
import { errorType } from '../../errors/aws-error.js';
import type * as T from '../../generated/s3/types.js';
import { invalidRequest, malformedXml } from './errors.js';

const methods = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);
const maxRules = 100;

export function checkCorsConfiguration(config: T.CORSConfiguration | undefined): T.CORSConfiguration {
  const rules = config?.CORSRules ?? [];
  if (rules.length === 0 || rules.length > maxRules) throw malformedXml();
  for (const rule of rules) {
    if (!rule.AllowedMethods?.length || !rule.AllowedOrigins?.length) throw malformedXml();
    for (const method of rule.AllowedMethods) {
      if (!methods.has(method)) {
        throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
      }
    }
    // Each pattern may hold one `*` (as answered by S3; quoted in versitygw's AWS comparison notes).
    for (const [kind, patterns] of [
      ['AllowedOrigin', rule.AllowedOrigins],
      ['AllowedHeader', rule.AllowedHeaders ?? []],
    ] as const) {
      for (const pattern of patterns) {
        if (pattern.indexOf('*') !== pattern.lastIndexOf('*')) {
          throw invalidRequest(`${kind} "${pattern}" can not have more than one wildcard.`);
        }
      }
    }
  }
  return { CORSRules: rules };
}

/** Whether a value matches a CORS pattern with at most one `*`. */
function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

const AccessForbidden = errorType('AccessForbidden', 403);
const BadRequest = errorType('BadRequest', 400);

/** A preflight must name its Origin, whatever the bucket (a Referer does not count). */
export function checkPreflightOrigin(request: Pick<CorsRequest, 'origin'>): void {
  if (!request.origin) throw new BadRequest('Insufficient information. Origin request header needed.');
}

/** The answer to a preflight of a bucket that does not exist (once it has an Origin). */
export function bucketNotFoundForPreflight(request: CorsRequest): never {
  checkPreflightOrigin(request);
  throw new AccessForbidden('CORSResponse: Bucket not found', {
    Method: request.method ?? 'OPTIONS',
    ResourceType: 'BUCKET',
  });
}

export interface CorsRequest {
  origin: string | undefined;
  method: string | undefined;
  headers: string | undefined;
  /** `BUCKET` for a preflight of the bucket's own URL; `OBJECT` (the default) for a key's. */
  resourceType?: 'BUCKET' | 'OBJECT';
}

/** The requested header names as S3 compares and echoes them: trimmed, lowercased, in order. */
function requestedHeaders(headers: string | undefined): string[] {
  return (headers ?? '')
    .split(',')
    .map((header) => header.trim().toLowerCase())
    .filter((header) => header !== '');
}

/** The rule that allows a request, if any. */
export function matchRule(config: T.CORSConfiguration | undefined, request: CorsRequest): T.CORSRule | undefined {
  if (!request.origin || !request.method) return undefined;
  const asked = requestedHeaders(request.headers);
  for (const rule of config?.CORSRules ?? []) {
    if (!rule.AllowedOrigins.some((origin) => wildcardMatch(origin, request.origin as string))) continue;
    if (!rule.AllowedMethods.includes(request.method)) continue;
    const allowed = (rule.AllowedHeaders ?? []).map((header) => header.toLowerCase());
    if (!asked.every((header) => allowed.some((pattern) => wildcardMatch(pattern, header)))) continue;
    return rule;
  }
  return undefined;
}

/** The answer to a preflight: the CORS headers of the rule that allows it, or 403. */
export function preflightAnswer(config: T.CORSConfiguration | undefined, request: CorsRequest): T.OptionsObjectOutput {
  checkPreflightOrigin(request);
  // Without Access-Control-Request-Method, S3 names the preflight's own method.
  const method = request.method ?? 'OPTIONS';
  if (!config) {
    throw new AccessForbidden('CORSResponse: CORS is not enabled for this bucket.', {
      Method: method,
      ResourceType: 'BUCKET',
    });
  }
  const rule = matchRule(config, request);
  if (!rule) {
    throw new AccessForbidden(
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      { Method: method, ResourceType: request.resourceType ?? 'OBJECT' },
    );
  }
  const out: T.OptionsObjectOutput = {
    AccessControlAllowOrigin: rule.AllowedOrigins.includes('*') ? '*' : request.origin,
    AccessControlAllowMethods: rule.AllowedMethods.join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!rule.AllowedOrigins.includes('*')) out.AccessControlAllowCredentials = 'true';
  const asked = requestedHeaders(request.headers);
  if (asked.length > 0) out.AccessControlAllowHeaders = asked.join(', ');
  if (rule.ExposeHeaders?.length) out.AccessControlExposeHeaders = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) out.AccessControlMaxAge = String(rule.MaxAgeSeconds);
  return out;
}

/**
 * The CORS headers of an actual (non-OPTIONS) request with an Origin: those of the rule that
 * allows it (no Allow-Headers), or none at all, the request itself still answered. An
 * Access-Control-Request-Method or -Headers on it is evaluated as a preflight would be
 * (recorded: test_s3_cors `test_cors_match_origins get-*`, `test_cors_match_methods get-wrong-op`).
 */
export function actualRequestHeaders(
  config: T.CORSConfiguration | undefined,
  request: CorsRequest,
): Record<string, string> {
  const rule = matchRule(config, request);
  if (!rule) return {};
  const out: Record<string, string> = {
    'access-control-allow-origin': rule.AllowedOrigins.includes('*') ? '*' : (request.origin as string),
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!rule.AllowedOrigins.includes('*')) out['access-control-allow-credentials'] = 'true';
  if (rule.ExposeHeaders?.length) out['access-control-expose-headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.MaxAgeSeconds);
  return out;
}
