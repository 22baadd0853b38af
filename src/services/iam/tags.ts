/**
 * Tags of IAM resources: at most 50 per resource; keys, values and the 50-per-request limit are
 * checked by the model. Users, roles and instance profiles compare keys regardless of case (a
 * second `Env` replaces `env`, and the new spelling wins); managed policies and OpenID Connect
 * providers compare them exactly. Evidence: versitygw's IAM API tests, written against live IAM
 * (TestIAMApiControllerUserTagLifecycle, ...OIDCProviderTagLifecycle), and LocalStack's provider.
 *
 * Stored order is the order the List*Tags operations answer in: by key length, then by key
 * (LocalStack's provider sorts role and policy tags so, the only evidence of AWS's order).
 */
import type { Tag } from '../../generated/iam/types.js';
import { duplicateTagKeys, tagLimitExceeded } from './errors.js';

const maxTagsPerResource = 50;

export interface TagRules {
  caseInsensitive: boolean;
}

export const caseInsensitiveTags: TagRules = { caseInsensitive: true };
export const exactTags: TagRules = { caseInsensitive: false };

function keyOf(key: string, rules: TagRules): string {
  return rules.caseInsensitive ? key.toLowerCase() : key;
}

function sorted(tags: Tag[]): Tag[] {
  return tags.sort((a, b) => a.Key.length - b.Key.length || (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
}

/** A request's tags, refused when two of them name the same key. */
export function checkTags(tags: Tag[] | undefined, rules: TagRules): Tag[] {
  if (!tags) return [];
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = keyOf(tag.Key, rules);
    if (seen.has(key)) throw duplicateTagKeys(rules.caseInsensitive);
    seen.add(key);
  }
  return sorted(tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })));
}

export function parseTags(json: string): Tag[] {
  return JSON.parse(json) as Tag[];
}

/** `existing` with `incoming` added or replacing the tags of the same key. */
export function mergeTags(existing: Tag[], incoming: Tag[] | undefined, rules: TagRules): Tag[] {
  const added = checkTags(incoming, rules);
  const byKey = new Map(existing.map((tag) => [keyOf(tag.Key, rules), tag]));
  for (const tag of added) byKey.set(keyOf(tag.Key, rules), tag);
  if (byKey.size > maxTagsPerResource) throw tagLimitExceeded();
  return sorted([...byKey.values()]);
}

/** `existing` without the named keys; keys that name no tag are not an error. */
export function removeTags(existing: Tag[], keys: string[] | undefined, rules: TagRules): Tag[] {
  const removed = new Set((keys ?? []).map((key) => keyOf(key, rules)));
  return existing.filter((tag) => !removed.has(keyOf(tag.Key, rules)));
}
