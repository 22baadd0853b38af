/**
 * Bucket CORS: the checks on a CORSConfiguration and the answer to a preflight by its rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html): the first rule whose
 * AllowedOrigins match the Origin (one `*` wildcard each), whose AllowedMethods include the
 * requested method and whose AllowedHeaders cover every requested header decides; without one
 * the preflight is refused with 403.
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

export interface CorsRequest {
  origin: string | undefined;
  method: string | undefined;
  headers: string | undefined;
}

/** The rule that allows a request, if any. */
export function matchRule(config: T.CORSConfiguration | undefined, request: CorsRequest): T.CORSRule | undefined {
  if (!request.origin || !request.method) return undefined;
  const asked = (request.headers ?? '')
    .split(',')
    .map((header) => header.trim().toLowerCase())
    .filter((header) => header !== '');
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
  if (!config) {
    throw new AccessForbidden('CORSResponse: CORS is not enabled for this bucket.', {
      Method: request.method ?? '',
      ResourceType: 'BUCKET',
    });
  }
  const rule = matchRule(config, request);
  if (!rule) {
    throw new AccessForbidden(
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      { Method: request.method ?? '', ResourceType: 'OBJECT' },
    );
  }
  const out: T.OptionsObjectOutput = {
    AccessControlAllowOrigin: rule.AllowedOrigins.includes('*') ? '*' : request.origin,
    AccessControlAllowMethods: rule.AllowedMethods.join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!rule.AllowedOrigins.includes('*')) out.AccessControlAllowCredentials = 'true';
  if (request.headers) out.AccessControlAllowHeaders = request.headers;
  if (rule.ExposeHeaders?.length) out.AccessControlExposeHeaders = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) out.AccessControlMaxAge = String(rule.MaxAgeSeconds);
  return out;
}
