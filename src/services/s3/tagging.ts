/**
 * Tag sets of objects and buckets: at most 10 tags on an object, 50 on a bucket, keys of 1 to
 * 128 characters and values up to 256, no key twice; and the `x-amz-tagging` header form
 * (`key1=value1&key2=value2`, URL-encoded).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 */
import type * as T from '../../generated/s3/types.js';
import { invalidArgument, invalidRequest } from './errors.js';

export function checkTagSet(tags: readonly T.Tag[], limit: number): T.Tag[] {
  if (tags.length > limit) invalidTag(`Object tags cannot be greater than ${limit}`);
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key ?? '';
    const value = tag.Value ?? '';
    if (key.length < 1 || key.length > 128) invalidTag('The TagKey you have provided is invalid');
    if (value.length > 256) invalidTag('The TagValue you have provided is invalid');
    if (seen.has(key)) invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value ?? '' }));
}

function invalidTag(message: string): never {
  throw invalidArgument(message);
}

/** The tags of an `x-amz-tagging` header. */
export function parseTagging(header: string): T.Tag[] {
  if (header === '') return [];
  const tags: T.Tag[] = [];
  for (const pair of header.split('&')) {
    const equals = pair.indexOf('=');
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        throw invalidRequest(
          "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
        );
      }
    };
    tags.push(
      equals < 0
        ? { Key: decode(pair), Value: '' }
        : { Key: decode(pair.slice(0, equals)), Value: decode(pair.slice(equals + 1)) },
    );
  }
  return checkTagSet(tags, 10);
}
