/**
 * SNS reads a filter policy into a tree with Jackson's ObjectMapper and hands event-ruler the tree
 * written back compactly: the sources quoted in its errors have no spaces although the recorded
 * requests sent `json.dumps(policy)`, which has them (test_sns_filter_policy.snapshot.json,
 * e.g. TestSNSFilterPolicyCrud::test_sub_filter_policy_nested_property_constraints
 * `{"key_a":"value_one"}`). The tree keeps key order and the last of duplicate keys (in the first
 * one's place), and writes numbers as Jackson's number nodes do: integers as digits, others as
 * Java's Double.toString (1e2 becomes 100.0).
 */
import { JsonReader, Token } from './json-reader.js';

export type JsonTree =
  | { kind: 'object'; entries: [string, JsonTree][] }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string; integral: boolean }
  | { kind: 'literal'; text: 'true' | 'false' | 'null' };

/** Reads the first JSON value of `text`; null for an empty or blank text. Throws JsonLocatedError. */
export function readTree(text: string): JsonTree | null {
  const reader = new JsonReader(text, false);
  const first = reader.nextToken();
  return first === null ? null : readValue(reader, first);
}

function readValue(reader: JsonReader, token: Token): JsonTree {
  switch (token) {
    case Token.StartObject: {
      const entries: [string, JsonTree][] = [];
      const index = new Map<string, number>();
      for (let t = reader.nextToken(); t !== Token.EndObject; t = reader.nextToken()) {
        const name = reader.currentName();
        const value = readValue(reader, reader.nextToken() as Token);
        const at = index.get(name);
        if (at === undefined) {
          index.set(name, entries.length);
          entries.push([name, value]);
        } else (entries[at] as [string, JsonTree])[1] = value;
      }
      return { kind: 'object', entries };
    }
    case Token.StartArray: {
      const items: JsonTree[] = [];
      for (let t = reader.nextToken(); t !== Token.EndArray; t = reader.nextToken()) {
        items.push(readValue(reader, t as Token));
      }
      return { kind: 'array', items };
    }
    case Token.String:
      return { kind: 'string', value: reader.getText() };
    case Token.NumberInt:
    case Token.NumberFloat:
      return { kind: 'number', text: reader.getText(), integral: token === Token.NumberInt };
    case Token.True:
      return { kind: 'literal', text: 'true' };
    case Token.False:
      return { kind: 'literal', text: 'false' };
    default:
      return { kind: 'literal', text: 'null' };
  }
}

/** The tree as Jackson writes it with no pretty printer. */
export function writeCompact(tree: JsonTree | null): string {
  if (tree === null) return '';
  switch (tree.kind) {
    case 'object':
      return `{${tree.entries.map(([name, value]) => `${quote(name)}:${writeCompact(value)}`).join(',')}}`;
    case 'array':
      return `[${tree.items.map(writeCompact).join(',')}]`;
    case 'string':
      return quote(tree.value);
    case 'number':
      // IntNode/LongNode/BigIntegerNode write their digits (-0 reads as 0); DoubleNode its double,
      // quoted when it overflowed (QUOTE_NON_NUMERIC_NUMBERS): 1e400 becomes "Infinity".
      if (tree.integral) return BigInt(tree.text).toString();
      return Number.isFinite(Number(tree.text))
        ? javaDoubleToString(Number(tree.text))
        : `"${javaDoubleToString(Number(tree.text))}"`;
    default:
      return tree.text;
  }
}

const escapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** Jackson's string escaping: the short escapes, \u00XX (upper-case hex) for other control characters. */
function quote(value: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    const ch = value[i] as string;
    out += value.slice(from, i) + (escapes[ch] ?? `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`);
    from = i + 1;
  }
  return `${out}${value.slice(from)}"`;
}

/**
 * Java's Double.toString: the shortest digits that read back as the same double, in plain notation
 * with at least one decimal for 10^-3 <= |d| < 10^7 (100.0, 0.001), else as d.dddE[-]n (1.0E7).
 */
export function javaDoubleToString(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity';
  const sign = d < 0 ? '-' : '';
  const abs = Math.abs(d);
  const [mantissa, exponentText] = abs.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}
