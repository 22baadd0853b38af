/**
 * The pattern grammar shared by SNS filter policies and EventBridge event patterns: AWS runs both
 * through event-ruler (https://github.com/aws/event-ruler, JsonRuleCompiler), which reads the JSON
 * as a token stream and checks each construct as it meets it. The checks here run in the same
 * order, against a Jackson-like reader, so that the first error AWS would report is the one we
 * report, with its text and its column. A dialect says which match types and anything-but forms a
 * service accepts and which texts its event-ruler version uses; everything else is common.
 *
 * A pattern is an object whose keys are field names; a value is an array of match values (OR), or
 * an object of nested fields (AND, one level deeper), and "$or": [{...}, {...}] forks the rule.
 */
import { ipToHex, PatternValueError, parseCidr } from './cidr.js';
import { JsonReader, Token } from './json-reader.js';
import { comparable, fiveBillion, inComparableRange, outOfRangeMessage } from './numbers.js';

/** A numeric range over comparable numbers (see numbers.ts); equality is a closed range of one. */
export interface NumericRange {
  readonly bottom: number;
  readonly bottomOpen: boolean;
  readonly top: number;
  readonly topOpen: boolean;
}

export type ValuePattern =
  /** A string; `ip` is its address as hex when it is an IP literal (event-ruler then matches the address). */
  | { readonly type: 'exact-string'; readonly value: string; readonly ip: string | null }
  | { readonly type: 'exact-number'; readonly value: number; readonly text: string }
  | { readonly type: 'exact-literal'; readonly value: boolean | null }
  | { readonly type: 'prefix' | 'suffix' | 'equals-ignore-case'; readonly value: string }
  | { readonly type: 'anything-but'; readonly strings: readonly string[]; readonly numbers: readonly number[] }
  | { readonly type: 'anything-but-prefix' | 'anything-but-suffix'; readonly value: string }
  | { readonly type: 'anything-but-ignore-case'; readonly values: readonly string[] }
  | { readonly type: 'numeric'; readonly range: NumericRange }
  | { readonly type: 'exists'; readonly value: boolean }
  | { readonly type: 'cidr'; readonly bottom: string; readonly top: string };

export interface PatternObject {
  readonly entries: readonly PatternEntry[];
}

export type PatternEntry =
  | { readonly kind: 'field'; readonly name: string; readonly values: readonly ValuePattern[] }
  | { readonly kind: 'nested'; readonly name: string; readonly object: PatternObject }
  | { readonly kind: 'or'; readonly branches: readonly PatternObject[] };

export interface PatternDialect {
  /** Match types recognised in {"<type>": ...}; any other is "Unrecognized match type <type>". */
  readonly matchTypes: ReadonlySet<string>;
  /** Operators accepted in {"anything-but": {"<op>": ...}}: some of prefix, suffix, equals-ignore-case. */
  readonly anythingButOperators: ReadonlySet<string>;
  /** The text for a non-string value of an anything-but operator (it changed between versions). */
  readonly anythingButNotString: string;
  /** The text for an empty anything-but prefix or suffix. */
  readonly anythingButEmpty: string;
}

/** Names event-ruler reserves inside $or (its Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const reservedInOr = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const onlyOneKey = 'Only one key allowed in match expression';
const tooManyElements = 'Too many elements in numeric expression';

/**
 * Compiles the JSON text of a pattern. Throws JsonLocatedError (a syntax error, or a grammar error
 * at Jackson's location, the source quoted) or PatternValueError (event-ruler's errors without one).
 */
export function parsePattern(source: string, dialect: PatternDialect): PatternObject {
  const reader = new JsonReader(source, true);
  if (reader.nextToken() !== Token.StartObject) reader.fail('Filter is not an object');
  return parseObject(reader, dialect, false);
}

function parseObject(r: JsonReader, d: PatternDialect, insideOr: boolean): PatternObject {
  const entries: PatternEntry[] = [];
  while (r.nextToken() !== Token.EndObject) {
    const name = r.currentName();
    if (name === '$or') {
      entries.push({ kind: 'or', branches: parseOr(r, d) });
      continue;
    }
    if (insideOr && reservedInOr.has(name)) {
      r.fail(`${name} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    const value = r.nextToken();
    if (value === Token.StartObject) entries.push({ kind: 'nested', name, object: parseObject(r, d, insideOr) });
    else if (value === Token.StartArray) entries.push({ kind: 'field', name, values: parseValues(r, d) });
    else r.fail(`"${name}" must be an object or an array`);
  }
  if (entries.length === 0) r.fail('Empty objects are not allowed');
  return { entries };
}

function parseOr(r: JsonReader, d: PatternDialect): PatternObject[] {
  if (r.nextToken() !== Token.StartArray) r.fail('It must be an Array followed with $or.');
  const branches: PatternObject[] = [];
  for (let t = r.nextToken(); t !== Token.EndArray; t = r.nextToken()) {
    if (t !== Token.StartObject) r.fail('Only JSON object is allowed in array of $or relationship.');
    branches.push(parseObject(r, d, true));
  }
  if (branches.length < 2) r.fail('There must have at least 2 Objects in $or relationship.');
  return branches;
}

function parseValues(r: JsonReader, d: PatternDialect): ValuePattern[] {
  const values: ValuePattern[] = [];
  for (let t = r.nextToken(); t !== Token.EndArray; t = r.nextToken()) {
    switch (t) {
      case Token.StartObject:
        values.push(parseMatchExpression(r, d));
        break;
      case Token.String: {
        const value = r.getText();
        values.push({ type: 'exact-string', value, ip: ipToHex(value) });
        break;
      }
      case Token.NumberInt:
      case Token.NumberFloat:
        values.push({ type: 'exact-number', value: r.numberValue(), text: r.getText() });
        break;
      case Token.True:
      case Token.False:
      case Token.Null:
        values.push({ type: 'exact-literal', value: t === Token.Null ? null : t === Token.True });
        break;
      default:
        r.fail('Match value must be String, number, true, false, or null');
    }
  }
  if (values.length === 0) r.fail('Empty arrays are not allowed');
  return values;
}

function parseMatchExpression(r: JsonReader, d: PatternDialect): ValuePattern {
  if (r.nextToken() !== Token.FieldName) r.fail('Match expression name not found');
  const type = r.currentName();
  if (!d.matchTypes.has(type)) r.fail(`Unrecognized match type ${type}`);
  switch (type) {
    case 'exactly':
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case': {
      if (r.nextToken() !== Token.String)
        r.fail(`${type === 'exactly' ? 'exact' : type} match pattern must be a string`);
      const value = r.getText();
      if (r.nextToken() !== Token.EndObject) r.fail(onlyOneKey);
      return type === 'exactly' ? { type: 'exact-string', value, ip: null } : { type, value };
    }
    case 'numeric': {
      if (r.nextToken() !== Token.StartArray) r.fail('Value of numeric must be an array.');
      const range = parseNumeric(r);
      if (r.nextToken() !== Token.EndObject) r.fail(tooManyElements);
      return { type: 'numeric', range };
    }
    case 'anything-but':
      return parseAnythingBut(r, d);
    case 'exists': {
      const t = r.nextToken();
      if (t !== Token.True && t !== Token.False) r.fail('exists match pattern must be either true or false.');
      if (r.nextToken() !== Token.EndObject) r.fail(onlyOneKey);
      return { type: 'exists', value: t === Token.True };
    }
    case 'cidr': {
      // event-ruler's text for a non-string CIDR names prefix (recorded: error-condition-bad-type).
      if (r.nextToken() !== Token.String) r.fail('prefix match pattern must be a string');
      const range = parseCidr(r.getText());
      if (r.nextToken() !== Token.EndObject) r.fail(onlyOneKey);
      return { type: 'cidr', ...range };
    }
    default:
      return r.fail(`Unrecognized match type ${type}`);
  }
}

function parseAnythingBut(r: JsonReader, d: PatternDialect): ValuePattern {
  let t = r.nextToken();
  let ignoreCase = false;
  if (t === Token.StartObject) {
    if (r.nextToken() !== Token.FieldName) r.fail('Anything-But expression name not found');
    const operator = r.currentName();
    if (!d.anythingButOperators.has(operator)) r.fail(`Unsupported anything-but pattern: ${operator}`);
    if (operator === 'equals-ignore-case') {
      ignoreCase = true;
      t = r.nextToken();
    } else {
      if (r.nextToken() !== Token.String) r.fail(d.anythingButNotString);
      const value = r.getText();
      if (value === '') r.fail(d.anythingButEmpty);
      if (r.nextToken() !== Token.EndObject) r.fail(onlyOneKey);
      if (r.nextToken() !== Token.EndObject) r.fail(onlyOneKey);
      return { type: operator === 'prefix' ? 'anything-but-prefix' : 'anything-but-suffix', value };
    }
  }
  const numeric = t === Token.NumberInt || t === Token.NumberFloat;
  if (t !== Token.StartArray && t !== Token.String && !numeric) {
    r.fail('Value of anything-but must be an array or single string/number value.');
  }
  let pattern: ValuePattern;
  if (ignoreCase) {
    const values: string[] = [];
    if (t === Token.StartArray) {
      for (let v = r.nextToken(); v !== Token.EndArray; v = r.nextToken()) {
        if (v !== Token.String) {
          r.fail('Inside anything-but/equals-ignore-case list, numberic|start|null|boolean is not supported.');
        }
        values.push(r.getText().toLowerCase());
      }
    } else if (t === Token.String) values.push(r.getText().toLowerCase());
    else r.fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
    pattern = { type: 'anything-but-ignore-case', values };
  } else if (t === Token.StartArray) {
    pattern = parseAnythingButList(r);
  } else if (t === Token.String) {
    pattern = { type: 'anything-but', strings: [r.getText()], numbers: [] };
  } else {
    // A single number out of range escapes event-ruler as an IllegalArgumentException: no location.
    const value = r.numberValue();
    if (!inComparableRange(value)) throw new PatternValueError(outOfRangeMessage);
    pattern = { type: 'anything-but', strings: [], numbers: [comparable(value)] };
  }
  if (r.nextToken() !== Token.EndObject) r.fail(tooManyElements);
  if (ignoreCase && r.nextToken() !== Token.EndObject) r.fail(tooManyElements);
  return pattern;
}

function parseAnythingButList(r: JsonReader): ValuePattern {
  const strings: string[] = [];
  const numbers: number[] = [];
  for (let t = r.nextToken(); t !== Token.EndArray; t = r.nextToken()) {
    if (t === Token.String) strings.push(r.getText());
    else if (t === Token.NumberInt || t === Token.NumberFloat) {
      const value = r.numberValue();
      if (!inComparableRange(value)) r.fail(outOfRangeMessage);
      numbers.push(comparable(value));
    } else r.fail('Inside anything but list, start|null|boolean is not supported.');
  }
  if (strings.length > 0 === numbers.length > 0) {
    r.fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return { type: 'anything-but', strings, numbers };
}

function parseNumeric(r: JsonReader): NumericRange {
  if (r.nextToken() !== Token.String) r.fail(`Invalid member in numeric match: ${r.getText()}`);
  const operator = r.getText();
  const t = r.nextToken();
  const numeric = t === Token.NumberInt || t === Token.NumberFloat;
  switch (operator) {
    case '=': {
      if (!numeric) r.fail('Value of equals must be numeric');
      const value = r.numberValue();
      if (r.nextToken() !== Token.EndArray) r.fail(tooManyElements);
      if (!inComparableRange(value)) r.fail(outOfRangeMessage);
      const at = comparable(value);
      return { bottom: at, bottomOpen: false, top: at, topOpen: false };
    }
    case '>':
    case '>=': {
      if (!numeric) r.fail(`Value of ${operator} must be numeric`);
      const bottom = r.numberValue();
      const next = r.nextToken();
      if (next === Token.EndArray) return range(r, bottom, operator === '>', fiveBillion, false);
      return completeRange(r, next, bottom, operator === '>');
    }
    case '<':
    case '<=': {
      if (!numeric) r.fail(`Value of ${operator} must be numeric`);
      const top = r.numberValue();
      if (r.nextToken() !== Token.EndArray) r.fail(tooManyElements);
      return range(r, -fiveBillion, false, top, operator === '<');
    }
    default:
      return r.fail(`Unrecognized numeric range operator: ${operator}`);
  }
}

function completeRange(r: JsonReader, t: Token | null, bottom: number, bottomOpen: boolean): NumericRange {
  if (t !== Token.String) r.fail(`Bad value in numeric range: ${r.getText()}`);
  const operator = r.getText();
  if (operator !== '<' && operator !== '<=') r.fail(`Bad numeric range operator: ${operator}`);
  const next = r.nextToken();
  if (next !== Token.NumberInt && next !== Token.NumberFloat) r.fail(`Value of ${operator} must be numeric`);
  const top = r.numberValue();
  if (r.nextToken() !== Token.EndArray) r.fail('Too many terms in numeric range expression');
  return range(r, bottom, bottomOpen, top, operator === '<');
}

/** event-ruler's Range constructor: bottom below top, both in range (its IllegalArgumentExceptions, located). */
function range(r: JsonReader, bottom: number, bottomOpen: boolean, top: number, topOpen: boolean): NumericRange {
  if (bottom >= top) r.fail('Bottom must be less than top');
  if (!inComparableRange(bottom) || !inComparableRange(top)) r.fail(outOfRangeMessage);
  return { bottom: comparable(bottom), bottomOpen, top: comparable(top), topOpen };
}

/** One field of a flattened rule: the path of policy keys down to it, and its match values (OR). */
export interface RuleField {
  readonly path: readonly string[];
  readonly values: readonly ValuePattern[];
}

/**
 * The rules a pattern stands for: every $or forks the rules, each rule ANDs its fields. A field
 * given twice under the same dotted path keeps the last, as event-ruler's map of paths does.
 * Throws RangeError past `maxRules`, which a caller sets from its own complexity limit.
 */
export function flattenRules(root: PatternObject, maxRules = 10_000): RuleField[][] {
  const rules = expand(root, [], [new Map()], maxRules);
  return rules.map((rule) => [...rule.values()]);
}

function expand(
  object: PatternObject,
  path: readonly string[],
  rules: Map<string, RuleField>[],
  maxRules: number,
): Map<string, RuleField>[] {
  let current = rules;
  for (const entry of object.entries) {
    if (entry.kind === 'field') {
      const fieldPath = [...path, entry.name];
      const key = fieldPath.join('.');
      for (const rule of current) rule.set(key, { path: fieldPath, values: entry.values });
    } else if (entry.kind === 'nested') {
      current = expand(entry.object, [...path, entry.name], current, maxRules);
    } else {
      const next: Map<string, RuleField>[] = [];
      for (const branch of entry.branches) {
        next.push(
          ...expand(
            branch,
            path,
            current.map((rule) => new Map(rule)),
            maxRules,
          ),
        );
        if (next.length > maxRules) throw new RangeError(`a pattern of more than ${maxRules} rules`);
      }
      current = next;
    }
  }
  return current;
}
