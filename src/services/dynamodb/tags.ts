/**
 * Table tags: TagResource, UntagResource, ListTagsOfResource. A tag key given again replaces its
 * value; the list keeps the order tags were first added. At most 50 tags a table
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Tagging.html).
 *
 * Error texts: dynalite's validations/tagResource.js and actions/tagResource.js, recorded against
 * AWS (AWS's own "ResourcArn" misspelling included).
 */
import { ValidationException } from '../../errors/common.js';
import { ResourceNotFoundException } from '../../generated/dynamodb/errors.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import type { RequestContext } from '../service-types.js';
import type { DynamodbState } from './state.js';
import type { Table } from './table-model.js';

const maxTags = 50;
const tableArnPattern = /^arn:aws[\w-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]{3,}$/;

function tableOfArn(state: DynamodbState, ctx: RequestContext, arn: string): Table {
  if (!tableArnPattern.test(arn)) {
    throw new ValidationException(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  }
  const table = state.findTable(ctx, arn);
  if (!table) throw new ResourceNotFoundException(`Requested resource not found: ResourcArn: ${arn} not found`);
  return table;
}

function tagsOf(table: Table): T.Tag[] {
  return JSON.parse(table.row.tags) as T.Tag[];
}

export function tagOperations(state: DynamodbState) {
  return {
    tagResource(ctx, input) {
      const table = tableOfArn(state, ctx, input.ResourceArn);
      if (input.Tags.length === 0) throw new ValidationException('Atleast one Tag needs to be provided as Input.');
      const tags = tagsOf(table);
      for (const tag of input.Tags) {
        const existing = tags.find((t) => t.Key === tag.Key);
        if (existing) existing.Value = tag.Value;
        else tags.push({ Key: tag.Key, Value: tag.Value });
      }
      if (tags.length > maxTags) {
        throw new ValidationException(
          `One or more parameter values were invalid: The number of tags exceeds the limit of ${maxTags}`,
        );
      }
      state.store.updateTags(table.row, JSON.stringify(tags));
    },

    untagResource(ctx, input) {
      const table = tableOfArn(state, ctx, input.ResourceArn);
      if (input.TagKeys.length === 0)
        throw new ValidationException('Atleast one Tag Key needs to be provided as Input.');
      const removed = new Set(input.TagKeys);
      state.store.updateTags(table.row, JSON.stringify(tagsOf(table).filter((tag) => !removed.has(tag.Key))));
    },

    listTagsOfResource(ctx, input) {
      return { Tags: tagsOf(tableOfArn(state, ctx, input.ResourceArn)) };
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
