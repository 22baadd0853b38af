/**
 * Tag sets of objects and buckets: at most 10 tags on an object, 50 on a bucket, keys of 1 to
 * 128 characters and values up to 256, of letters, digits, spaces and `+ - = . _ : / @`, no key
 * twice, no `aws:` prefix; and the `x-amz-tagging` header form (`key1=value1&key2=value2`,
 * URL-encoded). https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 * Wording: test_s3_api TestS3BucketObjectTagging test_tagging_validation, test_object_tagging_exc.
 */
import type * as T from '../../generated/s3/types.js';
import { invalidArgument, invalidTag, malformedXml, s3Error } from './errors.js';

/** The characters AWS allows in tag keys and values (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
const tagText = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Checks a tag set and gives it the form it is kept in. `kind` changes only the `aws:` text: a
 * bucket says `System tags cannot be added/updated by requester`, an object `Your TagKey cannot
 * be prefixed with aws:`; it follows the limit when not given (50 is a bucket's).
 */
export function checkTagSet(
  tags: readonly T.Tag[],
  limit: number,
  kind: 'object' | 'bucket' = limit > 10 ? 'bucket' : 'object',
): T.Tag[] {
  // A Tag without Key or Value does not validate against S3's schema.
  if (tags.some((tag) => tag.Key === undefined || tag.Value === undefined)) throw malformedXml();
  if (tags.length > limit) {
    throw kind === 'object'
      ? s3Error('BadRequest', 400, `Object tags cannot be greater than ${limit}`)
      : invalidTag(`Bucket tag count cannot be greater than ${limit}`);
  }
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key as string;
    const value = tag.Value as string;
    if (key.startsWith('aws:')) {
      const message =
        kind === 'object'
          ? 'Your TagKey cannot be prefixed with aws:'
          : 'System tags cannot be added/updated by requester';
      throw invalidTag(message, { TagKey: key });
    }
    if (key.length < 1 || [...key].length > 128 || !tagText.test(key)) {
      throw invalidTag('The TagKey you have provided is invalid', { TagKey: key });
    }
    if ([...value].length > 256 || !tagText.test(value)) {
      throw invalidTag('The TagValue you have provided is invalid', { TagKey: key, TagValue: value });
    }
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key', { TagKey: key });
    seen.add(key);
  }
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

/**
 * The tags of an `x-amz-tagging` header: `&`-separated `key=value` pairs, URL-encoded; a pair
 * without `=` is a key with an empty value and empty pairs are skipped (test_put_object_with_tags).
 * Anything else wrong, a duplicate key included, is InvalidArgument naming the header.
 */
export function parseTagging(header: string): T.Tag[] {
  const refuse = () =>
    invalidArgument(
      "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
      'x-amz-tagging',
      header,
    );
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      throw refuse();
    }
  };
  const tags: T.Tag[] = [];
  for (const pair of header.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    tags.push(
      equals < 0
        ? { Key: decode(pair), Value: '' }
        : { Key: decode(pair.slice(0, equals)), Value: decode(pair.slice(equals + 1)) },
    );
  }
  try {
    return checkTagSet(tags, 10, 'object');
  } catch (error) {
    const failure = error as { code?: string; members?: { TagKey?: unknown } };
    const systemKey = String(failure.members?.TagKey ?? '').startsWith('aws:');
    if (failure.code === 'InvalidTag' && !systemKey) throw refuse();
    throw error;
  }
}
