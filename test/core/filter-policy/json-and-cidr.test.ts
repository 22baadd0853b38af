/**
 * The pieces under the grammar: Jackson's compact rewrite of a policy (what AWS quotes back in its
 * errors), Java's number formatting, Jackson's syntax errors and columns, and event-ruler's CIDR
 * reading. Recorded columns are in recorded-errors.test.ts; these cover the rules behind them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ipToHex, PatternValueError, parseCidr } from '../../../src/core/filter-policy/cidr.js';
import {
  compileFilterPolicy,
  FilterPolicyError,
  parsePattern,
  snsDialect,
} from '../../../src/core/filter-policy/index.js';
import { JsonLocatedError } from '../../../src/core/filter-policy/json-reader.js';
import { javaDoubleToString, readTree, writeCompact } from '../../../src/core/filter-policy/json-tree.js';

const compact = (text: string) => writeCompact(readTree(text));

describe('writeCompact(readTree(text))', () => {
  const rows: [string, string, string][] = [
    ['drops whitespace, keeps key order (integer-like keys too)', '{ "b" : [1],\n "1": [2] }', '{"b":[1],"1":[2]}'],
    ["keeps the last of duplicate keys, in the first one's place", '{"a":[1],"b":[2],"a":[3]}', '{"a":[3],"b":[2]}'],
    [
      'writes integers as digits',
      '[0, -0, 12, 123456789012345678901234567890]',
      '[0,0,12,123456789012345678901234567890]',
    ],
    [
      'writes other numbers as Java doubles',
      '[1.0, 1e2, 3.015e2, 0.5E-3, 1e7, 12345678.9]',
      '[1.0,100.0,301.5,5.0E-4,1.0E7,1.23456789E7]',
    ],
    ['escapes as Jackson does', '["a\\"b\\\\c\\/d\\u0001\\u00e9\\n"]', '["a\\"b\\\\c/d\\u0001é\\n"]'],
    ['ignores what follows the first value', '{"a":["x"]} trailing', '{"a":["x"]}'],
  ];
  for (const [what, input, output] of rows) {
    test(what, () => assert.equal(compact(input), output));
  }

  test('an empty text is no value', () => assert.equal(readTree('  '), null));
});

describe('javaDoubleToString', () => {
  const rows: [number, string][] = [
    [100, '100.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [-2.5e-8, '-2.5E-8'],
    [0.1, '0.1'],
    [-0, '-0.0'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
  ];
  for (const [value, text] of rows)
    test(`writes ${value} as ${text}`, () => assert.equal(javaDoubleToString(value), text));
});

function syntaxError(text: string): string {
  try {
    readTree(text);
  } catch (error) {
    if (error instanceof JsonLocatedError) return error.message;
    throw error;
  }
  return assert.fail(`read ${text}`);
}

describe('Jackson syntax errors', () => {
  const redacted = 'REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)';
  const rows: [string, string][] = [
    [
      '{"a" 1}',
      `Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value\n at [Source: ${redacted}; line: 1, column: 6]`,
    ],
    [
      '{"a":[1 2]}',
      `Unexpected character ('2' (code 50)): was expecting comma to separate Array entries\n at [Source: ${redacted}; line: 1, column: 9]`,
    ],
    [
      '{"a":[1,]}',
      `Unexpected character (']' (code 93)): expected a value\n at [Source: ${redacted}; line: 1, column: 9]`,
    ],
    [
      '{\n  "a": nul}',
      `Unrecognized token 'nul': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: ${redacted}; line: 2, column: 11]`,
    ],
    [
      '{"a":["x"]',
      `Unexpected end-of-input: expected close marker for Object (start marker at [Source: ${redacted}; line: 1, column: 1])\n at [Source: ${redacted}; line: 1, column: 11]`,
    ],
    [
      '{"a":"x',
      `Unexpected end-of-input: was expecting closing quote for a string value\n at [Source: ${redacted}; line: 1, column: 8]`,
    ],
    [
      '{"a":[-x]}',
      `Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value\n at [Source: ${redacted}; line: 1, column: 9]`,
    ],
  ];
  for (const [input, message] of rows)
    test(`reports ${JSON.stringify(input)}`, () => assert.equal(syntaxError(input), message));
});

describe('grammar sources', () => {
  test('an event pattern quotes its source uncompacted and cut at 500 characters (events/test_events_patterns)', () => {
    const long = `{"a": "${'x'.repeat(600)}"}`;
    assert.throws(
      () => parsePattern(long, snsDialect),
      (error: unknown) =>
        error instanceof JsonLocatedError &&
        error.message ===
          `"a" must be an object or an array\n at [Source: (String)"${long.slice(0, 500)}"[truncated ${long.length - 500} chars]; line: 1, column: 8]`,
    );
    assert.throws(
      () => parsePattern("{'bad': 'quotation'}", snsDialect),
      (error: unknown) =>
        error instanceof JsonLocatedError &&
        error.message ===
          `Unexpected character (''' (code 39)): was expecting double-quote to start field name\n at [Source: (String)"{'bad': 'quotation'}"; line: 1, column: 2]`,
    );
  });

  test('numbers out of event-ruler range are refused where it refuses them', () => {
    const reason = (policy: string) => {
      try {
        compileFilterPolicy(policy, 'MessageBody');
      } catch (error) {
        if (error instanceof FilterPolicyError) return error.message;
      }
      return 'accepted';
    };
    assert.equal(
      reason('{"a": [{"numeric": ["<", 6e9]}]}'),
      'Invalid parameter: FilterPolicy: Value must be between -5.0E9 and 5.0E9, inclusive\n at [Source: (String)"{"a":[{"numeric":["<",6.0E9]}]}"; line: 1, column: 29]',
    );
    assert.equal(
      reason('{"a": [{"anything-but": 6e9}]}'),
      'Invalid parameter: FilterPolicy: Value must be between -5.0E9 and 5.0E9, inclusive',
    );
    assert.equal(reason('{"a": [123456789012]}'), 'accepted');
  });
});

describe('CIDR blocks and addresses', () => {
  test('a block runs from the address as written to its last host', () => {
    assert.deepEqual(parseCidr('10.0.0.5/24'), { bottom: '0A000005', top: '0A0000FF' });
    assert.deepEqual(parseCidr('10.0.0.0/0'), { bottom: '0A000000', top: 'FFFFFFFF' });
    assert.deepEqual(parseCidr('2001:db8::/126'), {
      bottom: '20010DB8000000000000000000000000',
      top: '20010DB8000000000000000000000003',
    });
  });

  test('addresses read as Java reads them', () => {
    assert.equal(ipToHex('10.0.0.1'), '0A000001');
    assert.equal(ipToHex('::ffff:a00:1'), '0A000001');
    assert.equal(ipToHex('::'), '00000000000000000000000000000000');
    assert.equal(ipToHex('10.0.0.256'), null);
    assert.equal(ipToHex('1:2:3'), null);
    assert.equal(ipToHex('host.example'), null);
  });

  const refusals: [string, string][] = [
    ['10.0.0.0', "Malformed CIDR, one '/' required"],
    ['10.0.0.0/', "Malformed CIDR, one '/' required"],
    ['10.0.0.0/8/8', "Malformed CIDR, one '/' required"],
    ['10.0.0.0/x', 'Malformed CIDR, mask bits must be an integer'],
    ['10.0.0.0/-1', 'Malformed CIDR, mask bits must not be negative'],
    ['10.0.0.0/32', 'IPv4 mask bits must be < 32'],
    ['::/128', 'IPv6 mask bits must be < 128'],
    ['10.0.0.300/8', 'Invalid IP address: 10.0.0.300'],
    ['x/8', 'Nonstandard IP address: x'],
  ];
  for (const [cidr, message] of refusals) {
    test(`refuses ${cidr}: ${message}`, () => {
      assert.throws(
        () => parseCidr(cidr),
        (error: unknown) => error instanceof PatternValueError && error.message === message,
      );
    });
  }
});
