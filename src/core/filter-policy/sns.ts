/**
 * SNS subscription filter policies on the shared grammar: SNS's dialect of event-ruler, its limits,
 * its error texts and its typing of message attributes.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 * https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 *
 * Validation runs as SNS's does, by what its errors show: the policy is read into a tree (Jackson's
 * ObjectMapper: syntax errors are "failed to parse JSON" with the source REDACTED), written back
 * compactly and compiled by event-ruler (grammar errors quote that compact source), then SNS's own
 * limits apply (no location). Where two kinds of error could both apply we report the grammar's
 * first: the limits need the structure the grammar finds. Recorded messages:
 * shared/aws-reference/recorded-responses/services/sns/test_sns_filter_policy.snapshot.json and
 * test_sns.snapshot.json.
 */
import { PatternValueError } from './cidr.js';
import {
  flattenRules,
  type PatternDialect,
  type PatternEntry,
  type PatternObject,
  parsePattern,
  type RuleField,
} from './grammar.js';
import { JsonLocatedError } from './json-reader.js';
import { readTree, writeCompact } from './json-tree.js';
import { compileDocumentRule, compileField, type DocumentRule, type FieldMatcher, type Scalar } from './match.js';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** An SNS message attribute as the SNS provider holds it. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export interface FilterPolicy {
  /** MessageAttributes scope: matches the message's attributes. */
  matchesAttributes(attributes: Record<string, MessageAttribute>): boolean;
  /** MessageBody scope: matches the message body (a string; a body that is not a JSON object matches nothing). */
  matchesBody(body: string): boolean;
  /** MessageBody scope, for a body the caller parsed once (JSON.parse) for all its subscriptions. */
  matchesParsedBody(body: unknown): boolean;
}

/**
 * A policy SNS refuses. `message` is AWS's text for SetSubscriptionAttributes
 * ("Invalid parameter: FilterPolicy: ..."); Subscribe, which takes the policy among its
 * Attributes, says "Invalid parameter: Attributes Reason: FilterPolicy: ..." (`subscribeMessage`).
 * Both are answered as InvalidParameter (InvalidParameterException).
 */
export class FilterPolicyError extends Error {
  override readonly name = 'FilterPolicyError';
  readonly subscribeMessage: string;

  /** `reason`: the text after "Invalid parameter: ", e.g. "FilterPolicy: Filter policy is too complex". */
  constructor(readonly reason: string) {
    super(`Invalid parameter: ${reason}`);
    this.subscribeMessage = `Invalid parameter: Attributes Reason: ${reason}`;
  }
}

/**
 * SNS's event-ruler is older than EventBridge's: anything-but takes only a prefix (recorded:
 * "Unsupported anything-but pattern: suffix", TestSNSFilterPolicyConditions::
 * test_validate_policy_nested_anything_but_operator, error-condition-anything-but-suffix, although
 * EventBridge and newer event-ruler accept it), and its texts name only the prefix
 * (error-condition-anything-but-prefix-wrong-type). Neither "exactly" nor "wildcard" is an SNS
 * operator in the docs, so SNS answers "Unrecognized match type" for them. "Null prefix not allowed"
 * is that version's text; no recording shows it.
 */
export const snsDialect: PatternDialect = {
  matchTypes: new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr']),
  anythingButOperators: new Set(['prefix']),
  anythingButNotString: 'prefix match pattern must be a string',
  anythingButEmpty: 'Null prefix not allowed',
};

/** "A filter policy can have a maximum of five keys" (leaf keys; for nested policies the parents do not count). */
const maxKeys = 5;
/** "The total combination of values in a filter policy must not exceed 150." */
const maxCombinations = 150;

export function parseFilterPolicyScope(value: string): FilterPolicyScope {
  if (value === 'MessageAttributes' || value === 'MessageBody') return value;
  // Recorded: TestSNSFilterPolicyCrud::test_set_subscription_filter_policy_scope, sub-attrs-filter-scope-error.
  throw new FilterPolicyError(
    `FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
  );
}

/**
 * Validates and compiles a policy (the JSON text of the FilterPolicy attribute). Throws
 * FilterPolicyError whose `message` is AWS's full text for SNS, e.g.
 * "Invalid parameter: FilterPolicy: ..." so SNS can throw InvalidParameterException(message).
 */
export function compileFilterPolicy(policy: string, scope: FilterPolicyScope): FilterPolicy {
  let compact: string;
  try {
    compact = writeCompact(readTree(policy));
  } catch (error) {
    if (error instanceof JsonLocatedError)
      throw new FilterPolicyError(`FilterPolicy: failed to parse JSON. ${error.message}`);
    throw error;
  }
  let root: PatternObject;
  try {
    root = parsePattern(compact, snsDialect);
  } catch (error) {
    if (error instanceof JsonLocatedError || error instanceof PatternValueError) {
      throw new FilterPolicyError(`FilterPolicy: ${error.message}`);
    }
    throw error;
  }
  // Recorded: TestSNSFilterPolicyCrud::test_sub_filter_policy_nested_property, sub-filter-policy-nested-error
  // (the only one of these texts without "FilterPolicy: ").
  if (scope === 'MessageAttributes' && isNested(root)) {
    throw new FilterPolicyError('Filter policy scope MessageAttributes does not support nested filter policy');
  }
  if (mostKeys(root) > maxKeys)
    throw new FilterPolicyError('FilterPolicy: Filter policy can not have more than 5 keys');
  if (combinations(root, 1) > maxCombinations)
    throw new FilterPolicyError('FilterPolicy: Filter policy is too complex');
  const rules = flattenRules(root, maxCombinations);
  return scope === 'MessageAttributes' ? new AttributesPolicy(rules) : new BodyPolicy(rules);
}

function isNested(object: PatternObject): boolean {
  return object.entries.some(
    (entry: PatternEntry) => entry.kind === 'nested' || (entry.kind === 'or' && entry.branches.some(isNested)),
  );
}

/** The most leaf keys any one rule of the policy has ($or branches are alternatives). */
function mostKeys(object: PatternObject): number {
  let keys = 0;
  for (const entry of object.entries) {
    if (entry.kind === 'field') keys++;
    else if (entry.kind === 'nested') keys += mostKeys(entry.object);
    else keys += Math.max(...entry.branches.map(mostKeys));
  }
  return keys;
}

/**
 * SNS's combination count: the product, over a rule's keys, of the number of values times the
 * key's nesting depth, summed over the rules $or makes. The docs' nested example counts
 * "3 x 4 x 2 x 3 = 72" for four values at depth three and three at depth two; the recorded
 * errors agree (TestSNSFilterPolicyConditions::test_policy_complexity_with_or: 152 and 160 are
 * too complex, 150 is not; TestSNSFilterPolicyCrud::test_sub_filter_policy_nested_property_constraints: 216).
 */
function combinations(object: PatternObject, depth: number): number {
  let product = 1;
  for (const entry of object.entries) {
    if (entry.kind === 'field') product *= entry.values.length * depth;
    else if (entry.kind === 'nested') product *= combinations(entry.object, depth + 1);
    else product *= entry.branches.reduce((sum, branch) => sum + combinations(branch, depth), 0);
  }
  return product;
}

class BodyPolicy implements FilterPolicy {
  private readonly rules: DocumentRule[];

  constructor(rules: RuleField[][]) {
    this.rules = rules.map(compileDocumentRule);
  }

  matchesAttributes(): boolean {
    return false;
  }

  matchesBody(body: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      // "Filter policies for the message body assume that the message payload is a well-formed JSON object."
      return false;
    }
    return this.matchesParsedBody(parsed);
  }

  matchesParsedBody(body: unknown): boolean {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    for (const rule of this.rules) if (rule(body)) return true;
    return false;
  }
}

type AttributeRule = [name: string, field: FieldMatcher][];

/**
 * Attribute typing (subscription-filter-policy-constraints.html, string-value-matching.html,
 * numeric-value-matching.html, attribute-key-matching.html):
 * - String (and String.<custom>) is a string: it never matches a numeric condition;
 * - Number (and Number.<custom>) is a number: it matches numeric conditions and numbers, not strings;
 * - String.Array is its JSON array's elements: a value pattern matches if it matches any element,
 *   anything-but only if none of the elements is excluded ("For String.Array type attributes, it
 *   matches if none of the array elements are listed in the policy property");
 * - Binary is ignored ("Amazon SNS ignores message attributes with the Binary data type"): as if
 *   absent, so it matches nothing but exists: false;
 * - exists: true needs the attribute, whatever its value; an empty set of attributes matches no
 *   policy ("exists: false only matches if at least one attribute is present").
 */
class AttributesPolicy implements FilterPolicy {
  private readonly rules: AttributeRule[];

  constructor(rules: RuleField[][]) {
    // The scope refuses nesting, so every path is one attribute name, dots and all.
    this.rules = rules.map((rule) => rule.map((field) => [field.path[0] as string, compileField(field.values)]));
  }

  matchesAttributes(attributes: Record<string, MessageAttribute>): boolean {
    if (!hasFilterableAttribute(attributes)) return false;
    for (const rule of this.rules) {
      let matched = true;
      for (const [name, field] of rule) {
        const attribute = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
        if (!attributeMatches(field, attribute)) {
          matched = false;
          break;
        }
      }
      if (matched) return true;
    }
    return false;
  }

  matchesBody(): boolean {
    return false;
  }

  matchesParsedBody(): boolean {
    return false;
  }
}

function hasFilterableAttribute(attributes: Record<string, MessageAttribute>): boolean {
  for (const name in attributes) {
    if (Object.hasOwn(attributes, name) && !isBinary(attributes[name] as MessageAttribute)) return true;
  }
  return false;
}

function isBinary(attribute: MessageAttribute): boolean {
  return attribute.DataType === 'Binary' || attribute.DataType.startsWith('Binary.');
}

function attributeMatches(field: FieldMatcher, attribute: MessageAttribute | undefined): boolean {
  if (attribute === undefined || isBinary(attribute)) return field.absent;
  if (field.present) return true;
  const type = attribute.DataType;
  if (type === 'String.Array') {
    const elements = arrayElements(attribute);
    for (const element of elements) if (field.test(element)) return true;
    if (elements.length === 0) return false;
    for (const passes of field.exclusions)
      if (elements.every((element) => element !== null && passes(element))) return true;
    return false;
  }
  const text = attribute.StringValue ?? '';
  const value: Scalar = type === 'Number' || type.startsWith('Number.') ? numberOrText(text) : text;
  if (field.test(value)) return true;
  for (const passes of field.exclusions) if (passes(value)) return true;
  return false;
}

const numberShape = /^-?(?:0|[1-9][0-9]*)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function numberOrText(text: string): Scalar {
  // SNS refuses a Number attribute that is no number when it is published; if one gets here it stays text.
  return text !== '' && numberShape.test(text) && Number.isFinite(Number(text)) ? Number(text) : text;
}

const elementsCache = new WeakMap<MessageAttribute, Scalar[]>();

/** A String.Array's leaf values, parsed once per attribute object (SNS checks it is a JSON array on publish). */
function arrayElements(attribute: MessageAttribute): Scalar[] {
  let elements = elementsCache.get(attribute);
  if (elements !== undefined) return elements;
  elements = [];
  try {
    collectLeaves(JSON.parse(attribute.StringValue ?? ''), elements);
  } catch {
    // not a JSON array: no values
  }
  elementsCache.set(attribute, elements);
  return elements;
}

function collectLeaves(value: unknown, into: Scalar[]): void {
  if (Array.isArray(value)) for (const element of value) collectLeaves(element, into);
  else if (value === null || typeof value !== 'object') into.push(value as Scalar);
}
