/**
 * The DynamoDB expression language, as the rest of the DynamoDB service uses it: condition,
 * filter, key condition, projection and update expressions, and the legacy parameters
 * (Expected, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter, AttributesToGet) turned
 * into the same trees.
 *
 * This file is the contract between the expression engine (parser, evaluator) and the provider.
 * Every function throws `ValidationException` (src/errors/common.ts) with AWS's exact message for
 * a mistake in what the client sent.
 *
 * Use: one `parseExpressions(input, rules)` per request (it validates everything the request's
 * expressions and legacy parameters hold, in AWS's order), then per item `evaluateCondition`,
 * `projectItem`, `applyUpdate`. Numbers are compared as canonical strings: store items with
 * their numbers normalized (values/attribute-values.ts `validateItem` does that in place), and
 * ExpressionAttributeValues are normalized here.
 */
import { ValidationException } from '../../../errors/common.js';
import type {
  AttributeValue,
  AttributeValueUpdate,
  Condition as ConditionInput,
  ExpectedAttributeValue,
  KeySchemaElement,
} from '../../../generated/dynamodb/types.js';
import { attributeValueError } from '../values/attribute-values.js';
import type { Node, PathElement, PathNode } from './ast.js';
import { checkCondition, checkProjection, checkUpdate, type Placeholders } from './checks.js';
import { evaluate } from './evaluate.js';
import { type KeyConditionPart, keyConditionParts, matchKeySchema } from './key-condition.js';
import {
  actionsFromAttributeUpdates,
  attributesToGetPaths,
  checkParameterMix,
  conditionFromExpected,
  type ExpressionOperation,
  filterFromConditions,
  keyConditionsParts,
} from './legacy.js';
import { ExpressionError, parseCondition, parseProjection, parseUpdate } from './parser.js';
import { applyActions, projectPaths, type ResolvedAction } from './update.js';

export type { ExpressionOperation } from './legacy.js';
export type Item = Record<string, AttributeValue>;

/** The expression members of one request, exactly as the client sent them, and its legacy parameters. */
export interface RequestExpressions {
  ConditionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ProjectionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  /** Legacy: a condition (PutItem, UpdateItem, DeleteItem); becomes `condition`. */
  Expected?: Record<string, ExpectedAttributeValue>;
  /** Legacy: joins Expected, QueryFilter or ScanFilter conditions (AND when absent). */
  ConditionalOperator?: string;
  /** Legacy: becomes `update`. */
  AttributeUpdates?: Record<string, AttributeValueUpdate>;
  /** Legacy: becomes `keyCondition`. */
  KeyConditions?: Record<string, ConditionInput>;
  /** Legacy: becomes `filter`. */
  QueryFilter?: Record<string, ConditionInput>;
  /** Legacy: becomes `filter`. */
  ScanFilter?: Record<string, ConditionInput>;
  /** Legacy: becomes `projection`. */
  AttributesToGet?: string[];
}

/** A parsed condition or filter expression; opaque outside the engine. */
export interface Condition {
  readonly kind: 'condition';
}
/** A parsed projection expression: the document paths to keep. */
export interface Projection {
  readonly kind: 'projection';
}
/** A parsed update expression; opaque outside the engine. */
export interface Update {
  readonly kind: 'update';
}

/** A key condition checked against the key schema of the table or index queried. */
export interface KeyCondition {
  hashName: string;
  hashValue: AttributeValue;
  range?: {
    name: string;
    op: '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'BEGINS_WITH';
    /** One value, two for BETWEEN (low, high). */
    values: AttributeValue[];
  };
}

export interface ParsedExpressions {
  condition?: Condition;
  filter?: Condition;
  keyCondition?: KeyCondition;
  projection?: Projection;
  update?: Update;
}

export interface ParseRules {
  /** The key schema of the table or index the request addresses (Query needs it for the key condition). */
  keySchema?: readonly KeySchemaElement[];
  /** The table's key attribute names: an update expression may not touch them. */
  tableKeys?: readonly string[];
  /** Added: key attribute names of the table's secondary indexes (they must stay scalar in paths). */
  indexKeys?: readonly string[];
  /** Added: attribute types from AttributeDefinitions, to check key condition values ("S", "N", "B"). */
  attributeTypes?: Readonly<Record<string, string>>;
  /**
   * Added: the operation, for the rules on mixing expression and legacy parameters (their
   * messages list the operation's parameters). Without it those rules are skipped.
   */
  operation?: ExpressionOperation;
}

interface ConditionPlan extends Condition {
  readonly root: Node;
}
interface ProjectionPlan extends Projection {
  readonly paths: PathElement[][];
}
interface UpdatePlan extends Update {
  readonly actions: ResolvedAction[];
  readonly legacy: boolean;
}

const MAX_EXPRESSION_SIZE = 4096;
const namePattern = /^#[0-9a-zA-Z_]+$/;
const valuePattern = /^:[0-9a-zA-Z_]+$/;

function invalid(message: string): never {
  throw new ValidationException(message);
}

function placeholdersOf(input: RequestExpressions): Placeholders {
  const names = input.ExpressionAttributeNames;
  const values = input.ExpressionAttributeValues;
  // dynalite validations/index.js validateExpressions: names first, then values.
  if (names !== undefined) {
    const keys = Object.keys(names);
    if (keys.length === 0) invalid('ExpressionAttributeNames must not be empty');
    for (const key of keys) {
      if (!namePattern.test(key)) invalid(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
    }
  }
  if (values !== undefined) {
    const keys = Object.keys(values);
    if (keys.length === 0) invalid('ExpressionAttributeValues must not be empty');
    for (const key of keys) {
      if (!valuePattern.test(key))
        invalid(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
    }
    for (const key of keys) {
      const error = attributeValueError(values[key]!);
      if (error) invalid(`ExpressionAttributeValues contains invalid value: ${error} for key ${key}`);
    }
  }
  return {
    names,
    values,
    unusedNames: new Set(names ? Object.keys(names) : []),
    unusedValues: new Set(values ? Object.keys(values) : []),
  };
}

function parsed<T>(label: string, source: string, parse: (source: string) => T): T {
  if (source === '') invalid(`Invalid ${label}: The expression can not be empty;`);
  // 4 KB at most (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-expression-parameters);
  // fewer than 1366 UTF-16 units cannot reach 4096 UTF-8 bytes, so short expressions skip the count.
  const size = source.length > 1365 ? Buffer.byteLength(source, 'utf8') : 0;
  if (size > MAX_EXPRESSION_SIZE) {
    invalid(`Invalid ${label}: Expression size has exceeded the maximum allowed size; expression size: ${size}`);
  }
  try {
    return parse(source);
  } catch (error) {
    if (error instanceof ExpressionError) invalid(`Invalid ${label}: ${error.message}`);
    throw error;
  }
}

function conditionTree(label: string, source: string, placeholders: Placeholders): { root: Node; paths: PathNode[] } {
  return parsed(label, source, (text) => {
    const { tree, redundantParentheses } = parseCondition(text);
    return { root: tree, paths: checkCondition(tree, redundantParentheses, placeholders) };
  });
}

function scalarKeysMessage(kind: 'Key' | 'IndexKey', name: string): string {
  return `Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ${kind}: ${name}`;
}

/** Nested paths under key attributes (dynalite test/scan.js, "should return ValidationException for non-scalar key access"). */
function checkScalarKeys(paths: readonly (readonly PathElement[])[], rules: ParseRules): void {
  for (const path of paths) {
    if (path.length < 2) continue;
    const head = path[0] as string;
    if (rules.tableKeys?.includes(head)) invalid(scalarKeysMessage('Key', head));
    if (rules.indexKeys?.includes(head)) invalid(scalarKeysMessage('IndexKey', head));
  }
}

function toKeyCondition(parts: KeyConditionPart[], rules: ParseRules): KeyCondition {
  if (rules.keySchema === undefined) throw new Error('dynamodb expressions: a key condition needs rules.keySchema');
  const { hashName, hashValue, range } = matchKeySchema(parts, rules.keySchema, rules.attributeTypes);
  return range === undefined
    ? { hashName, hashValue }
    : { hashName, hashValue, range: { name: range.name, op: range.operator, values: range.values } };
}

/**
 * Parses and validates every expression of one request together: AWS checks unused and undefined
 * ExpressionAttributeNames/Values across all of them, so this is one call per request.
 * Legacy parameters in `input` become the same trees (Expected -> condition, QueryFilter and
 * ScanFilter -> filter, KeyConditions -> keyCondition, AttributesToGet -> projection,
 * AttributeUpdates -> update).
 */
export function parseExpressions(input: RequestExpressions, rules: ParseRules = {}): ParsedExpressions {
  if (rules.operation) checkParameterMix(rules.operation, input as Record<string, unknown>);
  const placeholders = placeholdersOf(input);
  const result: ParsedExpressions = {};
  let updatePaths: PathNode[] = [];
  let updateActions: ResolvedAction[] | undefined;
  let conditionPaths: PathNode[] = [];
  let filterPaths: PathNode[] = [];
  let keyParts: KeyConditionPart[] | undefined;
  let keyTree: Node | undefined;

  // AWS's order: update, condition, key condition, filter, projection (dynalite validateExpressions).
  if (input.UpdateExpression !== undefined) {
    const update = parsed('UpdateExpression', input.UpdateExpression, (text) => {
      const { tree, redundantParentheses } = parseUpdate(text);
      updatePaths = checkUpdate(tree, redundantParentheses, placeholders);
      return tree;
    });
    updateActions = update.actions.map((action) =>
      action.value === undefined
        ? { section: action.section, path: action.path.path }
        : { section: action.section, path: action.path.path, value: action.value },
    );
    result.update = { kind: 'update', actions: updateActions, legacy: false } as UpdatePlan;
  }
  if (input.ConditionExpression !== undefined) {
    const { root, paths } = conditionTree('ConditionExpression', input.ConditionExpression, placeholders);
    conditionPaths = paths;
    result.condition = { kind: 'condition', root } as ConditionPlan;
  }
  if (input.KeyConditionExpression !== undefined) {
    // Matched against the key schema once the unused placeholders have been reported, as AWS does.
    keyTree = conditionTree('KeyConditionExpression', input.KeyConditionExpression, placeholders).root;
  }
  if (input.FilterExpression !== undefined) {
    const { root, paths } = conditionTree('FilterExpression', input.FilterExpression, placeholders);
    filterPaths = paths;
    result.filter = { kind: 'condition', root } as ConditionPlan;
  }
  if (input.ProjectionExpression !== undefined) {
    const paths = parsed('ProjectionExpression', input.ProjectionExpression, (text) => {
      const { tree } = parseProjection(text);
      checkProjection(tree, placeholders);
      return tree.map((node) => node.path);
    });
    result.projection = { kind: 'projection', paths } as ProjectionPlan;
  }
  if (placeholders.unusedNames.size > 0) {
    invalid(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${[...placeholders.unusedNames].join(', ')}}`,
    );
  }
  if (placeholders.unusedValues.size > 0) {
    invalid(
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${[...placeholders.unusedValues].join(', ')}}`,
    );
  }
  if (keyTree !== undefined) keyParts = keyConditionParts(keyTree);

  // The legacy parameters (validated by themselves: they use no placeholders).
  if (input.AttributeUpdates !== undefined) {
    updateActions = actionsFromAttributeUpdates(input.AttributeUpdates);
    result.update = { kind: 'update', actions: updateActions, legacy: true } as UpdatePlan;
  }
  if (input.Expected !== undefined) {
    const root = conditionFromExpected(input.Expected, input.ConditionalOperator);
    if (root) result.condition = { kind: 'condition', root } as ConditionPlan;
  }
  if (input.KeyConditions !== undefined) keyParts = keyConditionsParts(input.KeyConditions);
  const legacyFilter = input.QueryFilter ?? input.ScanFilter;
  if (legacyFilter !== undefined) {
    if (input.QueryFilter !== undefined && rules.keySchema) {
      for (const name in input.QueryFilter) {
        if (rules.keySchema.some((element) => element.AttributeName === name)) {
          invalid(`QueryFilter can only contain non-primary key attributes: Primary key attribute: ${name}`);
        }
      }
    }
    const root = filterFromConditions(legacyFilter, input.ConditionalOperator);
    if (root) result.filter = { kind: 'condition', root } as ConditionPlan;
  }
  if (input.AttributesToGet !== undefined) {
    result.projection = { kind: 'projection', paths: attributesToGetPaths(input.AttributesToGet) } as ProjectionPlan;
  }

  // Checks against the table's keys.
  if (updateActions !== undefined && rules.tableKeys) {
    for (const action of updateActions) {
      const head = action.path[0] as string;
      if (rules.tableKeys.includes(head)) {
        invalid(
          `One or more parameter values were invalid: Cannot update attribute ${head}. This attribute is part of the key`,
        );
      }
    }
  }
  checkScalarKeys(
    updatePaths.map((node) => node.path),
    rules,
  );
  if (keyParts !== undefined) {
    result.keyCondition = toKeyCondition(keyParts, rules);
    if (rules.keySchema) {
      for (const node of filterPaths) {
        const head = node.path[0] as string;
        if (rules.keySchema.some((element) => element.AttributeName === head)) {
          invalid(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${head}`);
        }
      }
    }
  }
  checkScalarKeys(
    [...conditionPaths, ...filterPaths].map((node) => node.path),
    rules,
  );
  return result;
}

/** Whether the item (undefined: no such item) satisfies a condition or filter. */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  return evaluate((condition as ConditionPlan).root, item);
}

/** The item after an update (a new object; the input is not changed). Throws ValidationException on a type mistake found at run time. */
export function applyUpdate(update: Update, item: Item | undefined, key: Item): Item {
  const plan = update as UpdatePlan;
  return applyActions(plan.actions, item, key, plan.legacy);
}

/** The attributes of the item that a projection keeps. */
export function projectItem(projection: Projection, item: Item): Item {
  return projectPaths(item, (projection as ProjectionPlan).paths);
}

/**
 * Added: the attributes an update wrote, as found in `item` — pass the old item for
 * ReturnValues UPDATED_OLD, the new one for UPDATED_NEW. Nested updates return the updated
 * paths only (dynalite test/updateItem.js, "should update nested attributes", recorded against AWS).
 */
export function updatedAttributes(update: Update, item: Item): Item {
  return projectPaths(
    item,
    (update as UpdatePlan).actions.map((action) => action.path),
  );
}

/** Added: the top-level attribute names an update writes (for index maintenance, streams). */
export function updatedAttributeNames(update: Update): string[] {
  return [...new Set((update as UpdatePlan).actions.map((action) => action.path[0] as string))];
}
