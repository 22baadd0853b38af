/**
 * Queue tags: at most 50 per queue, keys of 1 to 128 characters, values up to 256.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html
 */
import { InvalidParameterValue } from '../../errors/common.js';

const maxTags = 50;

export function checkTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) {
      throw new InvalidParameterValue(`Tag keys must be between 1 and 128 characters in length.`);
    }
    if (String(value).length > 256) {
      throw new InvalidParameterValue(`Tag values must be less than 256 characters in length.`);
    }
    out[key] = String(value);
  }
  if (Object.keys(out).length > maxTags) throw tooMany();
  return out;
}

export function mergeTags(current: Record<string, string>, added: Record<string, string>): Record<string, string> {
  const next = { ...current, ...added };
  if (Object.keys(next).length > maxTags) throw tooMany();
  return next;
}

function tooMany(): InvalidParameterValue {
  return new InvalidParameterValue(`Too many tags added for queue. A queue can have at most ${maxTags} tags.`);
}
