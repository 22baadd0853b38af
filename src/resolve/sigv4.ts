/**
 * What a request's signature says about its sender: the access key id, and from the SigV4
 * credential scope the region and the signing name of the service. Parsed for every request;
 * the signature itself is not checked here.
 *
 * Forms: `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request,
 * SignedHeaders=..., Signature=...`; presigned URLs with `X-Amz-Credential=AKID/.../aws4_request`
 * in the query string; SigV2 (`Authorization: AWS AKID:signature`, S3's oldest form), which
 * gives the key only. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

export interface CredentialScope {
  accessKeyId: string;
  /** yyyymmdd */
  date?: string;
  region?: string;
  /** The signing name, e.g. `sts`, `iam`, `s3`, `execute-api`, `states`. */
  service?: string;
}

function parseCredential(credential: string): CredentialScope {
  // `AKID/date/region/service/aws4_request`: read from the end, since only the key id could
  // ever hold a '/' (it never does in practice). Hot path: indexOf, not split.
  const terminator = credential.lastIndexOf('/');
  const serviceStart = terminator > 0 ? credential.lastIndexOf('/', terminator - 1) : -1;
  const regionStart = serviceStart > 0 ? credential.lastIndexOf('/', serviceStart - 1) : -1;
  const dateStart = regionStart > 0 ? credential.lastIndexOf('/', regionStart - 1) : -1;
  if (dateStart < 0) {
    const slash = credential.indexOf('/');
    return { accessKeyId: slash < 0 ? credential : credential.slice(0, slash) };
  }
  return {
    accessKeyId: credential.slice(0, dateStart),
    date: credential.slice(dateStart + 1, regionStart),
    region: credential.slice(regionStart + 1, serviceStart),
    service: credential.slice(serviceStart + 1, terminator),
  };
}

/** The scope of a request, from its Authorization header or presigned query; undefined when unsigned. */
export function credentialScope(authorization: string | undefined, query: string): CredentialScope | undefined {
  if (authorization) {
    if (authorization.startsWith('AWS4-')) {
      const start = authorization.indexOf('Credential=');
      if (start >= 0) {
        let end = authorization.indexOf(',', start);
        if (end < 0) end = authorization.length;
        return parseCredential(authorization.slice(start + 11, end).trim());
      }
    } else if (authorization.startsWith('AWS ')) {
      const colon = authorization.indexOf(':');
      return { accessKeyId: authorization.slice(4, colon >= 0 ? colon : undefined).trim() };
    }
  }
  if (query.includes('X-Amz-Credential=')) {
    const value = new URLSearchParams(query).get('X-Amz-Credential');
    if (value) return parseCredential(value);
  }
  if (query.includes('AWSAccessKeyId=')) {
    const value = new URLSearchParams(query).get('AWSAccessKeyId');
    if (value) return { accessKeyId: value };
  }
  return undefined;
}
