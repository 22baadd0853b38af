/**
 * The DynamoDB expression language, as the rest of the DynamoDB service uses it: condition,
 * filter, key condition, projection and update expressions, and the legacy parameters
 * (Expected, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter, AttributesToGet) turned
 * into the same trees.
 *
 * This file is the contract between the expression engine (parser, evaluator) and the provider.
 * Every function throws `ValidationException` (src/generated/dynamodb/errors.ts) with AWS's
 * exact message for a mistake in what the client sent.
 */
import type { AttributeValue, KeySchemaElement } from '../../../generated/dynamodb/types.js';

export type Item = Record<string, AttributeValue>;

/** The expression members of one request, exactly as the client sent them. */
export interface RequestExpressions {
  ConditionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ProjectionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
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
}

/**
 * Parses and validates every expression of one request together: AWS checks unused and undefined
 * ExpressionAttributeNames/Values across all of them, so this is one call per request.
 */
export function parseExpressions(_input: RequestExpressions, _rules?: ParseRules): ParsedExpressions {
  throw new Error('dynamodb expressions: not implemented yet');
}

/** Whether the item (undefined: no such item) satisfies a condition or filter. */
export function evaluateCondition(_condition: Condition, _item: Item | undefined): boolean {
  throw new Error('dynamodb expressions: not implemented yet');
}

/** The item after an update (a new object; the input is not changed). Throws ValidationException on a type mistake found at run time. */
export function applyUpdate(_update: Update, _item: Item | undefined, _key: Item): Item {
  throw new Error('dynamodb expressions: not implemented yet');
}

/** The attributes of the item that a projection keeps. */
export function projectItem(_projection: Projection, _item: Item): Item {
  throw new Error('dynamodb expressions: not implemented yet');
}
