/**
 * Stream tags through both APIs: AddTagsToStream / RemoveTagsFromStream / ListTagsForStream (by
 * StreamName or StreamARN) and TagResource / UntagResource / ListTagsForResource (by ARN; a
 * consumer ARN tags its stream's consumer, which we do not keep tags for: its stream's tags answer).
 * A stream has at most 50 tags (https://docs.aws.amazon.com/streams/latest/dev/tagging.html).
 */
import type { KinesisOperations } from '../../generated/kinesis/operations.js';
import type { Tag } from '../../generated/kinesis/types.js';
import type { RequestContext } from '../service-types.js';
import { tooManyTags } from './errors.js';
import type { KinesisState } from './state.js';
import type { StreamRow } from './store.js';

const maxTags = 50;

function tagsOf(stream: StreamRow): Record<string, string> {
  return JSON.parse(stream.tags) as Record<string, string>;
}

function sortedTags(tags: Record<string, string>): Tag[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ Key: key, Value: tags[key] }));
}

/** The stream an ARN names: a stream ARN, or a consumer's (`.../stream/name/consumer/c:123`). */
function streamOfResource(state: KinesisState, ctx: RequestContext, arn: string): StreamRow {
  const consumer = /^(arn:aws[\w-]*:kinesis:[^:]+:\d{12}:stream\/[^/]+)\/consumer\//.exec(arn);
  return state.stream(ctx, { StreamARN: consumer ? consumer[1] : arn });
}

export function tagOperations(state: KinesisState) {
  function addTags(ctx: RequestContext, stream: StreamRow, add: Record<string, string>): void {
    const tags = { ...tagsOf(stream), ...add };
    if (Object.keys(tags).length > maxTags) throw tooManyTags(stream.name, ctx.account);
    state.store.setStreamField(stream.id, 'tags', JSON.stringify(tags));
  }

  function removeTags(stream: StreamRow, keys: string[]): void {
    const tags = tagsOf(stream);
    for (const key of keys) delete tags[key];
    state.store.setStreamField(stream.id, 'tags', JSON.stringify(tags));
  }

  return {
    addTagsToStream(ctx, input) {
      addTags(ctx, state.stream(ctx, input), input.Tags);
    },

    removeTagsFromStream(ctx, input) {
      removeTags(state.stream(ctx, input), input.TagKeys);
    },

    listTagsForStream(ctx, input) {
      const all = sortedTags(tagsOf(state.stream(ctx, input)));
      const after = input.ExclusiveStartTagKey;
      const from = after === undefined ? all : all.filter((tag) => tag.Key > after);
      const limit = input.Limit ?? 50;
      return { Tags: from.slice(0, limit), HasMoreTags: from.length > limit };
    },

    tagResource(ctx, input) {
      addTags(ctx, streamOfResource(state, ctx, input.ResourceARN), input.Tags);
    },

    untagResource(ctx, input) {
      removeTags(streamOfResource(state, ctx, input.ResourceARN), input.TagKeys);
    },

    listTagsForResource(ctx, input) {
      return { Tags: sortedTags(tagsOf(streamOfResource(state, ctx, input.ResourceARN))) };
    },
  } satisfies Partial<KinesisOperations<RequestContext>>;
}
