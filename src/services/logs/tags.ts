/**
 * Log group tags, through both API generations: TagLogGroup / UntagLogGroup / ListTagsLogGroup
 * (deprecated, by name) and TagResource / UntagResource / ListTagsForResource (by ARN, without
 * the trailing `:*`, though we also take it). Both see the same tags (recorded:
 * test_logs_groups `test_tag_resource_api`). At most 50 tags on a resource
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html);
 * keys and values are checked by the model.
 */
import type { LogsOperations } from '../../generated/logs/operations.js';
import type { RequestContext } from '../service-types.js';
import { groupNotFound, invalidResourceArn, tooManyTags } from './errors.js';
import { type LogsState, parseLogGroupArn } from './state.js';
import type { GroupRow } from './store.js';

const maxTags = 50;

function tagsOf(group: GroupRow): Record<string, string> {
  return JSON.parse(group.tags) as Record<string, string>;
}

export function tagOperations(state: LogsState) {
  function groupByArn(ctx: RequestContext, arn: string): GroupRow {
    const parts = parseLogGroupArn(arn);
    if (!parts) throw invalidResourceArn(arn);
    if (parts.account !== ctx.account || parts.region !== ctx.region) throw groupNotFound();
    return state.group(ctx, parts.name);
  }

  function addTags(group: GroupRow, added: Record<string, string>): void {
    const next = { ...tagsOf(group), ...added };
    if (Object.keys(next).length > maxTags) throw tooManyTags(group.name);
    state.store.setTags(group.id, JSON.stringify(next));
  }

  function removeTags(group: GroupRow, keys: string[]): void {
    const next = tagsOf(group);
    for (const key of keys) delete next[key];
    state.store.setTags(group.id, JSON.stringify(next));
  }

  return {
    tagLogGroup(ctx, input) {
      addTags(state.group(ctx, input.logGroupName), input.tags);
    },
    untagLogGroup(ctx, input) {
      removeTags(state.group(ctx, input.logGroupName), input.tags);
    },
    listTagsLogGroup(ctx, input) {
      return { tags: tagsOf(state.group(ctx, input.logGroupName)) };
    },
    tagResource(ctx, input) {
      addTags(groupByArn(ctx, input.resourceArn), input.tags);
    },
    untagResource(ctx, input) {
      removeTags(groupByArn(ctx, input.resourceArn), input.tagKeys);
    },
    listTagsForResource(ctx, input) {
      return { tags: tagsOf(groupByArn(ctx, input.resourceArn)) };
    },
  } satisfies Partial<LogsOperations<RequestContext>>;
}
