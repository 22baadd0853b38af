/**
 * One page of a Query or Scan: rows in key order from the store, each counted (ScannedCount),
 * filtered (Count), projected and returned, until Limit rows were read or 1 MB was
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html: "a
 * single Query only returns a result set that fits within the 1 MB size limit"; Limit counts the
 * items read, before the filter). LastEvaluatedKey is the key of the last row read when the page
 * stopped early, with the index's key attributes for an index.
 *
 * Select rules: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Select.
 * Error texts: dynalite's actions/query.js; the Select/ProjectionExpression texts were captured
 * against AWS in nubo-db/dynoxide#96.
 */
import { ValidationException } from '../../errors/common.js';
import type * as T from '../../generated/dynamodb/types.js';
import { RawJson } from '../../protocol/raw-json.js';
import { readUnits } from './capacity.js';
import { type Condition, evaluateCondition } from './expressions/index.js';
import { decodeItem, type Item } from './item-codec.js';
import { keyMismatch, partitionHash } from './keys.js';
import { checkKeyValues } from './requests.js';
import type { DynamodbState } from './state.js';
import type { PageSource } from './store.js';
import type { IndexDefinition, KeyAttribute, Table } from './table-model.js';

/** 1 MB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html */
export const pageBytes = 1024 * 1024;

export interface PageRequest {
  table: Table;
  index: IndexDefinition | undefined;
  limit: number | undefined;
  filter: Condition | undefined;
  select: T.Select;
  project: ((item: Item) => Item) | undefined;
  consistent: boolean;
  /** Read the item from the table (an LSI asked for attributes it does not keep). */
  fromTable: boolean;
  /**
   * The answer goes to the JSON serializer (RequestContext.rawJson): an item neither filtered nor
   * projected is returned as its stored wire text, never decoded.
   */
  raw: boolean;
}

export interface Page {
  /** RawJson, the whole list or entries, only when the request said `raw`. */
  Items?: Array<Item | RawJson> | RawJson;
  Count: number;
  ScannedCount: number;
  LastEvaluatedKey?: Item;
  /** The read capacity the page consumed. */
  units: number;
}

/** The Select a Query or Scan means, checked against its projection and index. */
export function resolveSelect(
  input: { Select?: T.Select; ProjectionExpression?: string; AttributesToGet?: string[] },
  table: Table,
  index: IndexDefinition | undefined,
): { select: T.Select; fromTable: boolean } {
  const projected = input.ProjectionExpression !== undefined || input.AttributesToGet !== undefined;
  const select =
    input.Select ?? (projected ? 'SPECIFIC_ATTRIBUTES' : index ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES');
  if (projected && select !== 'SPECIFIC_ATTRIBUTES') {
    const what = select === 'COUNT' ? 'only the Count' : select;
    const member = input.ProjectionExpression !== undefined ? 'ProjectionExpression' : 'AttributesToGet';
    throw new ValidationException(
      `1 validation error detected: Cannot specify the ${member} when choosing to get ${what}`,
    );
  }
  if (select === 'SPECIFIC_ATTRIBUTES' && !projected) {
    throw new ValidationException(
      'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES',
    );
  }
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && !index) {
    // Unverified wording; AWS keeps "Querying" in it on Scan too (nubo-db/dynoxide#96).
    throw new ValidationException('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  }
  let fromTable = false;
  if (index && index.projection !== 'ALL' && (select === 'ALL_ATTRIBUTES' || select === 'SPECIFIC_ATTRIBUTES')) {
    if (index.global && select === 'ALL_ATTRIBUTES') {
      throw new ValidationException(
        `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`,
      );
    }
    fromTable = !index.global;
  }
  void table;
  return { select, fromTable };
}

/** The index a request names; AWS's text when the table has none of that name. */
export function indexOf(table: Table, name: string | undefined, consistent: boolean | undefined) {
  if (name === undefined) return undefined;
  const index = table.indexByName.get(name);
  if (!index) throw new ValidationException(`The table does not have the specified index: ${name}`);
  if (index.global && consistent) {
    throw new ValidationException('Consistent reads are not supported on global secondary indexes');
  }
  return index;
}

function typeOf(value: T.AttributeValue): string {
  for (const name in value) if ((value as Record<string, unknown>)[name] !== undefined) return name;
  return '';
}

/**
 * Checks an ExclusiveStartKey: exactly the table's key attributes (and the index's), each of its
 * type. Returns it with its numbers canonical.
 */
export function checkStartKey(table: Table, index: IndexDefinition | undefined, start: Item): Item {
  const attributes: KeyAttribute[] = [...table.keySchema];
  for (const attribute of index?.keySchema ?? []) {
    if (!attributes.some((a) => a.name === attribute.name)) attributes.push(attribute);
  }
  try {
    checkKeyValues(start);
  } catch (error) {
    if (error instanceof ValidationException && !/duplicates|number|numeric|digits/.test(error.message)) {
      throw new ValidationException(`The provided starting key is invalid: ${error.message}`);
    }
    throw error;
  }
  if (Object.keys(start).length !== attributes.length) {
    throw new ValidationException(
      index ? 'The provided starting key is invalid' : `The provided starting key is invalid: ${keyMismatch().message}`,
    );
  }
  for (const attribute of attributes) {
    const value = start[attribute.name];
    if (!value) throw new ValidationException('The provided starting key is invalid');
    if (typeOf(value) !== attribute.type) {
      throw new ValidationException(`The provided starting key is invalid: ${keyMismatch().message}`);
    }
  }
  return start;
}

/** The key of a row's item for LastEvaluatedKey: the table's key attributes and the index's. */
function lastKey(table: Table, index: IndexDefinition | undefined, item: Item): Item {
  const out: Item = {};
  for (const attribute of table.keySchema) {
    const value = item[attribute.name];
    if (value) out[attribute.name] = value;
  }
  for (const attribute of index?.keySchema ?? []) {
    const value = item[attribute.name];
    if (value) out[attribute.name] = value;
  }
  return out;
}

/** Reads one page from `rows` (already limited to `limit` by the store). */
export function readPage(state: DynamodbState, request: PageRequest, source: PageSource): Page {
  const { table, index, limit, filter, select, project, fromTable } = request;
  if (request.raw && !filter && !project && !fromTable && select !== 'COUNT') {
    // The JSON serializer's answer: SQLite joins the stored items into the Items text.
    const joined = source.joined(pageBytes);
    const page: Page = {
      Items: new RawJson(`[${joined.text}]`),
      Count: joined.count,
      ScannedCount: joined.count,
      units: readUnits(joined.bytes, request.consistent),
    };
    if (joined.last !== undefined) page.LastEvaluatedKey = lastKey(table, index, decodeItem(joined.last));
    return page;
  }
  // Unfiltered and unprojected, an item's stored text is its answer: no decode, no re-encode.
  const splice = !filter && !project;
  const items: Array<Item | RawJson> = [];
  let scanned = 0;
  let count = 0;
  let bytes = 0;
  let last: string | undefined;
  let stopped = false;
  for (const row of source.rows()) {
    let [text, size] = row;
    if (fromTable && row.length === 4) {
      const [, , tpk, tsk] = row;
      const base = state.store.getItem(table.id, { h: partitionHash(tpk), pk: tpk, sk: tsk });
      if (base) {
        text = base.item;
        size = base.size;
      }
    }
    scanned++;
    bytes += size;
    last = text;
    if (splice) {
      count++;
      if (select !== 'COUNT') items.push(request.raw ? new RawJson(text) : decodeItem(text));
    } else {
      const item = decodeItem(text);
      if (!filter || evaluateCondition(filter, item)) {
        count++;
        if (select !== 'COUNT') items.push(project ? project(item) : item);
      }
    }
    if ((limit !== undefined && scanned >= limit) || bytes >= pageBytes) {
      stopped = true;
      break;
    }
  }
  const page: Page = { Count: count, ScannedCount: scanned, units: readUnits(bytes, request.consistent) };
  if (select !== 'COUNT') page.Items = items;
  if (stopped && last !== undefined) page.LastEvaluatedKey = lastKey(table, index, decodeItem(last));
  return page;
}
