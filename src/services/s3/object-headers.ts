/**
 * The representation headers an object keeps (Content-Type, Content-Encoding,
 * Content-Disposition, Content-Language, Cache-Control, Expires, the website redirect) and its
 * user metadata (`x-amz-meta-*`, names lower-cased as HTTP gives them), and the response-*
 * overrides a GetObject may ask for.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
 */
import type * as T from '../../generated/s3/types.js';

export interface StoredHeaders {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  Expires?: string;
  WebsiteRedirectLocation?: string;
}

/** S3's Content-Type for an object stored without one. */
export const defaultContentType = 'binary/octet-stream';

type HeaderInput = Pick<
  T.PutObjectRequest,
  | 'ContentType'
  | 'ContentEncoding'
  | 'ContentDisposition'
  | 'ContentLanguage'
  | 'CacheControl'
  | 'Expires'
  | 'WebsiteRedirectLocation'
>;

export function headersOf(input: HeaderInput): StoredHeaders {
  const out: StoredHeaders = { ContentType: input.ContentType ?? defaultContentType };
  if (input.ContentEncoding) out.ContentEncoding = input.ContentEncoding;
  if (input.ContentDisposition) out.ContentDisposition = input.ContentDisposition;
  if (input.ContentLanguage) out.ContentLanguage = input.ContentLanguage;
  if (input.CacheControl) out.CacheControl = input.CacheControl;
  if (input.Expires !== undefined) out.Expires = String(input.Expires);
  if (input.WebsiteRedirectLocation) out.WebsiteRedirectLocation = input.WebsiteRedirectLocation;
  return out;
}

export function metadataOf(metadata: Record<string, string> | undefined): string | null {
  if (!metadata) return null;
  const entries = Object.entries(metadata);
  if (entries.length === 0) return null;
  return JSON.stringify(Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), value])));
}

type Overrides = Partial<
  Pick<
    T.GetObjectRequest,
    | 'ResponseContentType'
    | 'ResponseContentEncoding'
    | 'ResponseContentDisposition'
    | 'ResponseContentLanguage'
    | 'ResponseCacheControl'
    | 'ResponseExpires'
  >
>;

/** The stored headers as output members, with any response-* overrides applied. */
export function objectHeadersOutput(headers: StoredHeaders, overrides: Overrides): Partial<T.GetObjectOutput> {
  const out: Partial<T.GetObjectOutput> = {};
  const contentType = overrides.ResponseContentType ?? headers.ContentType;
  if (contentType) out.ContentType = contentType;
  const encoding = overrides.ResponseContentEncoding ?? headers.ContentEncoding;
  if (encoding) out.ContentEncoding = encoding;
  const disposition = overrides.ResponseContentDisposition ?? headers.ContentDisposition;
  if (disposition) out.ContentDisposition = disposition;
  const language = overrides.ResponseContentLanguage ?? headers.ContentLanguage;
  if (language) out.ContentLanguage = language;
  const cacheControl = overrides.ResponseCacheControl ?? headers.CacheControl;
  if (cacheControl) out.CacheControl = cacheControl;
  const expires = overrides.ResponseExpires !== undefined ? String(overrides.ResponseExpires) : headers.Expires;
  if (expires !== undefined) out.Expires = expires;
  if (headers.WebsiteRedirectLocation) out.WebsiteRedirectLocation = headers.WebsiteRedirectLocation;
  return out;
}
