/**
 * A presigned URL's lifetime, checked against the Nimbus clock (signatures themselves are not
 * checked). SigV4 query auth carries `X-Amz-Date` and `X-Amz-Expires` (seconds, at most a
 * week); SigV2 carries `Expires` (epoch seconds).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * Errors and their fields as AWS gives them (recorded: services/s3/test_s3.snapshot.json
 * `test_s3_presigned_url_expired`, `test_s3_put_presigned_url_missing_sig_param`; the
 * week limit's text: aws/aws-cli#5464).
 */
import { type AwsError, errorType } from '../errors/aws-error.js';

const AccessDenied = errorType('AccessDenied', 403);
const AuthorizationQueryParametersError = errorType('AuthorizationQueryParametersError', 400);

const sigV4Parameters = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
] as const;

const week = 604_800;

/** `20130524T000000Z` as epoch milliseconds, or undefined when malformed. */
function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The error a presigned request's query earns at `now`, or undefined when it is not presigned
 * or still valid. Cheap for ordinary requests: one substring test.
 */
export function presignedUrlError(query: string, now: number): AwsError | undefined {
  if (query.includes('X-Amz-Credential=') || query.includes('X-Amz-Signature=')) return sigV4Error(query, now);
  if (query.includes('AWSAccessKeyId=') && query.includes('Signature=')) return sigV2Error(query, now);
  return undefined;
}

function sigV4Error(query: string, now: number): AwsError | undefined {
  const params = new URLSearchParams(query);
  if (sigV4Parameters.some((name) => !params.get(name))) {
    return new AuthorizationQueryParametersError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const credential = params.get('X-Amz-Credential') as string;
  if (!/^[^/]+\/\d{8}\/[^/]+\/[^/]+\/aws4_request$/.test(credential)) {
    return new AuthorizationQueryParametersError(
      'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  const expiresText = params.get('X-Amz-Expires') as string;
  if (!/^-?\d+$/.test(expiresText)) return new AuthorizationQueryParametersError('X-Amz-Expires should be a number');
  const expires = Number(expiresText);
  if (expires < 0) return new AuthorizationQueryParametersError('X-Amz-Expires must be non-negative');
  if (expires > week) {
    return new AuthorizationQueryParametersError(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  }
  const signed = parseAmzDate(params.get('X-Amz-Date') as string);
  if (signed === undefined) {
    return new AuthorizationQueryParametersError(
      "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
    );
  }
  const deadline = signed + expires * 1000;
  if (now > deadline) {
    return new AccessDenied('Request has expired', {
      'X-Amz-Expires': expiresText,
      Expires: isoSeconds(deadline),
      ServerTime: isoSeconds(now),
    });
  }
  return undefined;
}

function sigV2Error(query: string, now: number): AwsError | undefined {
  const params = new URLSearchParams(query);
  const expiresText = params.get('Expires');
  if (!expiresText || !params.get('Signature') || !params.get('AWSAccessKeyId')) {
    return new AccessDenied(
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    );
  }
  const deadline = Number(expiresText) * 1000;
  if (!Number.isFinite(deadline) || now > deadline) {
    return new AccessDenied('Request has expired', {
      Expires: Number.isFinite(deadline) ? isoSeconds(deadline) : expiresText,
      ServerTime: isoSeconds(now),
    });
  }
  return undefined;
}
