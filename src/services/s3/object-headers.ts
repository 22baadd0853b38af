/**
 * The representation headers an object keeps (Content-Type, Content-Encoding,
 * Content-Disposition, Content-Language, Cache-Control, Expires, the website redirect) and its
 * user metadata (`x-amz-meta-*`, names lower-cased as HTTP gives them), and the response-*
 * overrides a GetObject may ask for.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
 */
import type * as T from '../../generated/s3/types.js';
import { invalidArgument } from './errors.js';

export interface StoredHeaders {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  Expires?: string;
  WebsiteRedirectLocation?: string;
  /** The object's ACL grants, when one was set (object-acl.ts); never a response header. */
  Acl?: T.Grant[];
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
  // A loop, not Object.entries and fromEntries: most PUTs have no metadata at all. A prototype-
  // less object, so that a `__proto__` name is a name like any other.
  let out: Record<string, string> | undefined;
  for (const name of Object.keys(metadata)) {
    out ??= Object.create(null) as Record<string, string>;
    out[name.toLowerCase()] = decodeAsciiWords(metadata[name] as string);
  }
  return out ? JSON.stringify(out) : null;
}

const encodedWord = /^=\?UTF-8\?([BQ])\?([^?]*)\?=$/i;

/**
 * A metadata value sent as one RFC 2047 encoded-word is stored decoded when what it encodes is
 * printable ASCII, and kept as sent otherwise (test_user_metadata_rfc2047_encoded:
 * `=?UTF-8?B?YWJj?=` becomes `abc`, `=?UTF-8?B?AAECAw==?=` stays).
 */
function decodeAsciiWords(value: string): string {
  const match = encodedWord.exec(value.trim());
  if (!match) return value;
  const [, encoding, payload = ''] = match;
  const bytes =
    encoding?.toUpperCase() === 'B'
      ? Buffer.from(payload, 'base64')
      : Buffer.from(
          payload
            .replace(/_/g, ' ')
            .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
          'latin1',
        );
  return bytes.every((byte) => byte >= 0x20 && byte < 0x7f) ? bytes.toString('latin1') : value;
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

const overrideParameters: Array<[keyof Overrides, string]> = [
  ['ResponseCacheControl', 'response-cache-control'],
  ['ResponseContentDisposition', 'response-content-disposition'],
  ['ResponseContentEncoding', 'response-content-encoding'],
  ['ResponseContentLanguage', 'response-content-language'],
  ['ResponseContentType', 'response-content-type'],
];

/**
 * Refuses a response-* value that no HTTP header can carry
 * (test_get_response_overrides_unicode_metadata_with_sig_s3).
 */
function checkOverrides(overrides: Overrides): void {
  for (const [member, parameter] of overrideParameters) {
    const value = overrides[member];
    if (typeof value === 'string' && [...value].some((char) => (char.codePointAt(0) ?? 0) > 0xff)) {
      throw invalidArgument('Header value cannot be represented using ISO-8859-1.', parameter, value);
    }
  }
}

/** The stored headers as output members, with any response-* overrides applied. */
export function objectHeadersOutput(headers: StoredHeaders, overrides: Overrides): Partial<T.GetObjectOutput> {
  checkOverrides(overrides);
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
  const expires = overrides.ResponseExpires !== undefined ? httpDateOf(overrides.ResponseExpires) : headers.Expires;
  if (expires !== undefined) out.Expires = expires;
  if (headers.WebsiteRedirectLocation) out.WebsiteRedirectLocation = headers.WebsiteRedirectLocation;
  return out;
}

/** A response-expires value as the header S3 writes for it (an RFC 1123 date). */
function httpDateOf(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toUTCString();
}
