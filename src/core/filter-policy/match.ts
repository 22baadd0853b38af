/**
 * Matching compiled patterns against values. A field's match values compile once into a
 * FieldMatcher (sets for exact values, closures for the rest); a rule's fields compile into a tree
 * of path segments that walks a parsed JSON document without copying or flattening it.
 *
 * What a value is, after event-ruler and the SNS docs
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html and its subpages):
 * - leaves are strings, numbers, booleans and null; an array stands for each of its elements
 *   (nested arrays too) and an empty array for no value; an object is no value of its own path;
 * - strings match the string patterns, numbers the numeric ones (1 equals 1.0, see numbers.ts);
 *   true/false/null match only their literals;
 * - anything-but matches a present value that is not excluded (event-ruler assumes a match unless
 *   the value is one it excludes, so a number passes a list of strings); null is no value for it;
 * - exists: true needs a non-null leaf ("The key must have a non-null and non-empty value",
 *   attribute-key-matching.html); exists: false matches where exists: true would not.
 * - the fields under one array element must match within that element (event-ruler's array
 *   consistency): {"a": {"b": ["x"], "c": ["y"]}} needs one element of a with both.
 * - a key with dots in the document is the same path as the nested keys it names
 *   ({"a.b": 1} and {"a": {"b": 1}}); recorded for SNS in test_sns_filter_policy.snapshot.json,
 *   TestSNSFilterPolicyBody::test_filter_policy_on_message_body_dot_attribute.
 */
import { ipToHex } from './cidr.js';
import type { RuleField, ValuePattern } from './grammar.js';
import { comparable, inComparableRange } from './numbers.js';

export type Scalar = string | number | boolean | null;

export interface FieldMatcher {
  /** An exists: false pattern: matches where the path has no value. */
  readonly absent: boolean;
  /** An exists: true pattern: matches any non-null value. */
  readonly present: boolean;
  /** True if one of the patterns other than the anything-but family matches the value. */
  readonly test: (value: Scalar) => boolean;
  /** The anything-but family: each says whether it lets the (non-null) value through. */
  readonly exclusions: readonly ((value: Scalar) => boolean)[];
}

/** Whether a field's patterns match one leaf value. */
export function fieldMatches(field: FieldMatcher, value: Scalar): boolean {
  if (value === null) return field.absent || field.test(null);
  if (field.present || field.test(value)) return true;
  for (const passes of field.exclusions) if (passes(value)) return true;
  return false;
}

export function compileField(patterns: readonly ValuePattern[]): FieldMatcher {
  const strings = new Set<string>();
  const ips = new Set<string>();
  const numbers = new Set<number>();
  const bigNumbers = new Set<number>();
  const literals = new Set<boolean | null>();
  const others: ((value: Scalar) => boolean)[] = [];
  const exclusions: ((value: Scalar) => boolean)[] = [];
  let absent = false;
  let present = false;
  for (const pattern of patterns) {
    switch (pattern.type) {
      case 'exact-string':
        strings.add(pattern.value);
        if (pattern.ip !== null) ips.add(pattern.ip);
        break;
      case 'exact-number':
        // Out of event-ruler's range a number still matches its own text (an account id, say).
        if (inComparableRange(pattern.value)) numbers.add(comparable(pattern.value));
        else bigNumbers.add(pattern.value);
        break;
      case 'exact-literal':
        literals.add(pattern.value);
        break;
      case 'exists':
        if (pattern.value) present = true;
        else absent = true;
        break;
      default: {
        const compiled = compileOther(pattern);
        if (pattern.type.startsWith('anything-but')) exclusions.push(compiled);
        else others.push(compiled);
      }
    }
  }
  const test = (value: Scalar): boolean => {
    if (typeof value === 'string') {
      if (strings.has(value)) return true;
      if (ips.size > 0) {
        const hex = ipToHex(value);
        if (hex !== null && ips.has(hex)) return true;
      }
    } else if (typeof value === 'number') {
      if (inComparableRange(value) ? numbers.has(comparable(value)) : bigNumbers.has(value)) return true;
    } else if (literals.has(value)) return true;
    for (const matches of others) if (matches(value)) return true;
    return false;
  };
  return { absent, present, test, exclusions };
}

function compileOther(pattern: ValuePattern): (value: Scalar) => boolean {
  switch (pattern.type) {
    case 'prefix': {
      const prefix = pattern.value;
      return (v) => typeof v === 'string' && v.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.value;
      return (v) => typeof v === 'string' && v.endsWith(suffix);
    }
    case 'equals-ignore-case': {
      const lower = pattern.value.toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    }
    case 'numeric': {
      const { bottom, bottomOpen, top, topOpen } = pattern.range;
      return (v) => {
        if (typeof v !== 'number' || !inComparableRange(v)) return false;
        const at = comparable(v);
        return (bottomOpen ? at > bottom : at >= bottom) && (topOpen ? at < top : at <= top);
      };
    }
    case 'cidr': {
      const { bottom, top } = pattern;
      return (v) => {
        if (typeof v !== 'string') return false;
        const hex = ipToHex(v);
        return hex !== null && hex.length === bottom.length && hex >= bottom && hex <= top;
      };
    }
    case 'anything-but': {
      const strings = new Set(pattern.strings);
      const numbers = new Set(pattern.numbers);
      return (v) => {
        if (typeof v === 'string') return !strings.has(v);
        if (typeof v === 'number') return !(inComparableRange(v) && numbers.has(comparable(v)));
        return v !== null;
      };
    }
    case 'anything-but-prefix': {
      const prefix = pattern.value;
      return (v) => v !== null && !(typeof v === 'string' && v.startsWith(prefix));
    }
    case 'anything-but-suffix': {
      const suffix = pattern.value;
      return (v) => v !== null && !(typeof v === 'string' && v.endsWith(suffix));
    }
    case 'anything-but-ignore-case': {
      const lowered = new Set(pattern.values);
      return (v) => v !== null && !(typeof v === 'string' && lowered.has(v.toLowerCase()));
    }
    default:
      throw new Error(`no matcher for ${pattern.type}`);
  }
}

/** A node of a rule's path tree: the field at this path, if any, and the paths below it. */
interface PathNode {
  field: FieldMatcher | undefined;
  readonly children: [segment: string, node: PathNode, inherited: boolean][];
  /** Satisfied where this path has no value (only exists: false below). */
  absentOk: boolean;
  childrenAbsentOk: boolean;
}

/** A rule compiled for JSON documents: true if the document (an object) satisfies every field. */
export type DocumentRule = (document: object) => boolean;

/** Compiles a flattened rule; policy keys are split at dots, like the document's keys. */
export function compileDocumentRule(fields: readonly RuleField[]): DocumentRule {
  const root = newNode();
  for (const field of fields) {
    let node = root;
    for (const segment of field.path.flatMap((name) => name.split('.'))) {
      let child = node.children.find(([s]) => s === segment)?.[1];
      if (child === undefined) {
        child = newNode();
        node.children.push([segment, child, segment in Object.prototype]);
      }
      node = child;
    }
    node.field = compileField(field.values);
  }
  settle(root);
  return (document) => matchObject(root, document);
}

function newNode(): PathNode {
  return { field: undefined, children: [], absentOk: true, childrenAbsentOk: true };
}

function settle(node: PathNode): void {
  let childrenAbsentOk = true;
  for (const [, child] of node.children) {
    settle(child);
    if (!child.absentOk) childrenAbsentOk = false;
  }
  node.childrenAbsentOk = childrenAbsentOk;
  node.absentOk = childrenAbsentOk && (node.field === undefined || node.field.absent);
}

function matchValue(node: PathNode, value: unknown): boolean {
  if (value === undefined) return node.absentOk;
  if (value === null) return node.childrenAbsentOk && (node.field === undefined || fieldMatches(node.field, null));
  if (typeof value !== 'object') {
    return node.childrenAbsentOk && (node.field === undefined || fieldMatches(node.field, value as Scalar));
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return node.absentOk;
    for (const element of value) if (matchValue(node, element)) return true;
    return false;
  }
  // An object is no leaf value: the field here can only be satisfied by exists: false.
  if (node.field !== undefined && !node.field.absent) return false;
  return matchObject(node, value);
}

function matchObject(node: PathNode, object: object): boolean {
  const dotted = dottedKeys(object);
  for (const [segment, child, inherited] of node.children) {
    const own = inherited && !Object.hasOwn(object, segment) ? undefined : (object as Record<string, unknown>)[segment];
    const alternatives = dotted?.get(segment);
    if (alternatives === undefined) {
      if (!matchValue(child, own)) return false;
    } else if (!matchValue(child, own === undefined ? alternatives : [own, ...alternatives])) return false;
  }
  return true;
}

const dottedCache = new WeakMap<object, Map<string, unknown[]> | null>();

/** For an object with keys that contain dots: first segment -> the values those keys name, nested. */
function dottedKeys(object: object): Map<string, unknown[]> | null {
  let found = dottedCache.get(object);
  if (found !== undefined) return found;
  found = null;
  for (const key of Object.keys(object)) {
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    found ??= new Map();
    let value: unknown = (object as Record<string, unknown>)[key];
    const segments = key.split('.');
    for (let i = segments.length - 1; i >= 1; i--) value = { [segments[i] as string]: value };
    const first = segments[0] as string;
    const list = found.get(first);
    if (list === undefined) found.set(first, [value]);
    else list.push(value);
  }
  dottedCache.set(object, found);
  return found;
}
