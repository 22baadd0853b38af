import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../../../../src/generated/dynamodb/types.js';
import {
  evaluateCondition,
  type Item,
  parseExpressions,
  type RequestExpressions,
} from '../../../../src/services/dynamodb/expressions/index.js';

function rejects(input: RequestExpressions, message: string | RegExp): void {
  assert.throws(() => parseExpressions(input), { name: 'ValidationException', message });
}

function filter(expression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) {
  const input: RequestExpressions = { FilterExpression: expression };
  if (values) input.ExpressionAttributeValues = values;
  if (names) input.ExpressionAttributeNames = names;
  return input;
}

describe('FilterExpression and ConditionExpression validation', () => {
  // dynalite test/scan.js "should return ValidationException for syntax errors" (recorded against AWS).
  const syntaxErrors = [
    'things are not gonna be ok',
    'a > 4',
    'attribute_exists(Pictures-RearView)',
    'attribute_exists("Pictures.RearView")',
    'attribute_exists(Pictures..RearView)',
    'attribute_exists(Pi#ctures.RearView)',
    'attribute_exists(asdf[a])',
    'a.:a < b.:b',
    'a in b, c',
    'a > between',
    'a in b',
    'a in (b,c,)',
    '(a)between(b.(c.d))and(c)',
    '(a)between(b.c.d)and((c)',
    '#$.b > a',
    'a > :things.stuff',
    'b[:a] > a',
    'b[#_] > a',
    'ü > a',
    '(a)between(b.c[4.5].#d)and(:a)',
    'size(a).b > a',
    '(size(a)).b > a',
    'size(a)[0] > a',
    '(size(a))[0] > a',
  ];
  for (const expression of syntaxErrors) {
    test(`refuses ${expression} with a syntax error`, () =>
      rejects(filter(expression), /^Invalid FilterExpression: Syntax error; token: ".*", near: ".*"$/));
  }

  const exactSyntax: [string, string, string][] = [
    ['attribute_type()', ')', '()'],
    ['a > 4', '4', '> 4'],
    ['a = b AND __typename = c', '_', 'AND __'],
    ['l[a] = b', 'a', '[a]'],
    ['a =', '<EOF>', '='],
  ];
  for (const [expression, token, near] of exactSyntax) {
    test(`names token "${token}" near "${near}" in ${expression}`, () =>
      rejects(filter(expression), `Invalid FilterExpression: Syntax error; token: "${token}", near: "${near}"`));
  }

  const cases: [string, RequestExpressions, string][] = [
    ['an empty expression', filter(''), 'Invalid FilterExpression: The expression can not be empty;'],
    [
      'redundant parentheses',
      filter('a=a AND ((a=a AND a=a)) AND a=a'),
      'Invalid FilterExpression: The expression has redundant parentheses;',
    ],
    [
      'redundant operand parentheses',
      filter('a=a and a > ((views))'),
      'Invalid FilterExpression: The expression has redundant parentheses;',
    ],
    [
      'an unknown function',
      filter('a=a and whatever((:things)) > a'),
      'Invalid FilterExpression: Invalid function name; function: whatever',
    ],
    [
      'a function name in another case',
      filter('attRIbute_exIsts((views), #a)'),
      'Invalid FilterExpression: Invalid function name; function: attRIbute_exIsts',
    ],
    [
      'a boolean function compared',
      filter('attribute_not_exists(things) > b'),
      'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: attribute_not_exists',
    ],
    [
      'size alone',
      filter('size(things)'),
      'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: size',
    ],
    [
      'a function inside IN',
      filter('a in (b, attribute_exists(things))'),
      'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: attribute_exists',
    ],
    [
      'a reserved word',
      filter(':a < abOrT'),
      'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: abOrT',
    ],
    [
      'a reserved word before the operand count',
      filter('attribute_exists(views, #a)'),
      'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: views',
    ],
    [
      'an undefined name',
      filter('(#P between :lo and :hi) and (#PC in (:cat1, :cat2))'),
      'Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #P',
    ],
    [
      'an undefined value',
      filter('begins_with(:hello, #a, #b)'),
      'Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :hello',
    ],
    [
      'too many operands',
      filter('attribute_exists(things, a) and a=a'),
      'Invalid FilterExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2',
    ],
    [
      'too few operands',
      filter('begins_with(things)'),
      'Invalid FilterExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1',
    ],
    [
      'a number to begins_with',
      filter('begins_with(a, :a)', { ':a': { N: '1' } }),
      'Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
    [
      'size of size',
      filter('size(size(a)) > :a', { ':a': { N: '1' } }),
      'Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N',
    ],
    [
      'attribute_type with a number',
      filter('attribute_type(a, :a)', { ':a': { N: '1' } }),
      'Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N',
    ],
    [
      'an unknown type name',
      filter('attribute_type(a, :a)', { ':a': { S: '1' } }),
      'Invalid FilterExpression: Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}',
    ],
    [
      'a value where a path must be',
      filter('attribute_exists(:a) and a=a', { ':a': { S: '1' } }),
      'Invalid FilterExpression: Operator or function requires a document path; operator or function: attribute_exists',
    ],
    [
      'the same path on both sides',
      filter('a = a AND #a = b AND :views > a', undefined, { '#a': 'a' }),
      'Invalid FilterExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]',
    ],
    [
      'the same nested path in a function',
      filter('contains(ab.bc[1].a, ab.bc[1].#a)', undefined, { '#a': 'a' }),
      'Invalid FilterExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [ab, bc, [1], a]',
    ],
    [
      'BETWEEN bounds of two types',
      filter('a between :b and :a', { ':a': { S: 'a' }, ':b': { N: '1' } }),
      'Invalid FilterExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}',
    ],
    [
      'BETWEEN bounds in the wrong order',
      filter('a between :b and :a', { ':a': { S: 'a' }, ':b': { S: 'b' } }),
      'Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}',
    ],
    [
      'an unused name',
      filter('a = :a', { ':a': { S: 'x' } }, { '#a': 'a', '#b': 'b' }),
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}',
    ],
    [
      'an unused value',
      filter('a = :a', { ':a': { S: 'x' }, ':c': { S: 'y' } }),
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:c}',
    ],
    [
      'an empty names map',
      { FilterExpression: '', ExpressionAttributeNames: {} },
      'ExpressionAttributeNames must not be empty',
    ],
    [
      'an empty values map',
      { FilterExpression: '', ExpressionAttributeValues: {} },
      'ExpressionAttributeValues must not be empty',
    ],
    [
      'a name key without #',
      { FilterExpression: '', ExpressionAttributeNames: { a: 'a' } },
      'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
    ],
    [
      'a value key without :',
      { FilterExpression: '', ExpressionAttributeValues: { b: { S: 'a' } } },
      'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"',
    ],
    [
      'an invalid value',
      { FilterExpression: 'a = :b', ExpressionAttributeValues: { ':b': { SS: ['a', 'a'] } } },
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Input collection [a, a] contains duplicates. for key :b',
    ],
    [
      'an empty value',
      { FilterExpression: 'a = :b', ExpressionAttributeValues: { ':b': {} } },
      'ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :b',
    ],
    [
      'more than 100 IN operands',
      filter(`a IN (${Array.from({ length: 101 }, () => ':v').join(', ')})`, { ':v': { N: '1' } }),
      'Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101',
    ],
  ];
  for (const [what, input, message] of cases) {
    test(`refuses ${what}: ${message}`, () => rejects(input, message));
  }

  test('refuses an expression over 4 KB', () =>
    rejects(
      filter(`${'a = :v AND '.repeat(400)}a = :v`, { ':v': { N: '1' } }),
      'Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4406',
    ));

  test('a ConditionExpression error names ConditionExpression', () =>
    rejects({ ConditionExpression: 'a >' }, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ">"'));

  test('accepts keywords in any case, placeholders with digits and underscores, and nested paths', () => {
    const parsed = parseExpressions(
      filter('#4g.b[2].c = :_ aNd NOT (a.b between :_ and :_) Or c in (:_)', { ':_': { N: '1' } }, { '#4g': 'x' }),
    );
    assert.equal(parsed.filter?.kind, 'condition');
  });

  test('refuses nested paths under key attributes', () =>
    assert.throws(
      () => parseExpressions(filter('attribute_exists(#a.b.c)', undefined, { '#a': 'a' }), { tableKeys: ['a'] }),
      {
        message: "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: a",
      },
    ));
});

describe('evaluateCondition', () => {
  const item: Item = {
    id: { S: 'abc' },
    n: { N: '10' },
    neg: { N: '-2.5' },
    b: { B: Buffer.from([1, 2, 3]) },
    ss: { SS: ['x', 'y'] },
    ns: { NS: ['1', '2'] },
    l: { L: [{ S: 'first' }, { M: { deep: { N: '7' } } }] },
    m: { M: { kid: { S: 'value' }, count: { N: '3' } } },
    t: { BOOL: true },
    nul: { NULL: true },
    blank: { S: '' },
  };
  const values: Record<string, AttributeValue> = {
    ':abc': { S: 'abc' },
    ':ab': { S: 'ab' },
    ':ten': { N: '10.0' },
    ':nine': { N: '9' },
    ':eleven': { N: '11' },
    ':x': { S: 'x' },
    ':one': { N: '1' },
    ':three': { N: '3' },
    ':seven': { N: '7' },
    ':bytes': { B: Buffer.from([1, 2]) },
    ':ss': { SS: ['y', 'x'] },
    ':S': { S: 'S' },
    ':N': { S: 'N' },
    ':first': { S: 'first' },
    ':true': { BOOL: true },
  };
  const cases: [string, boolean][] = [
    ['id = :abc', true],
    ['id <> :abc', false],
    ['nothere <> :abc', true],
    ['nothere = :abc', false],
    ['n = :ten', true],
    ['n > :nine AND n < :eleven', true],
    ['n BETWEEN :nine AND :eleven', true],
    ['n BETWEEN :eleven AND :eleven', false],
    ['neg < :one', true],
    ['id > :ab', true],
    ['id < :ten', false],
    ['n IN (:one, :ten)', true],
    ['n IN (:one, :nine)', false],
    ['attribute_exists(m.kid)', true],
    ['attribute_exists(m.nothing)', false],
    ['attribute_not_exists(nothere)', true],
    ['attribute_exists(l[1].deep)', true],
    ['l[1].deep = :seven', true],
    ['attribute_exists(l[5])', false],
    ['attribute_exists(id[0])', false],
    ['begins_with(id, :ab)', true],
    ['begins_with(b, :bytes)', true],
    ['begins_with(n, :ab)', false],
    ['contains(id, :ab)', true],
    ['contains(ss, :x)', true],
    ['contains(ns, :one)', true],
    ['contains(l, :first)', true],
    ['contains(ss, :ab)', false],
    ['ss = :ss', true],
    ['size(id) = :three', true],
    ['size(ss) > :one', true],
    ['size(m) < :three', true],
    ['size(n) = :three', false],
    ['size(b) = :three', true],
    ['attribute_type(id, :S)', true],
    ['attribute_type(id, :N)', false],
    ['t = :true', true],
    ['NOT t = :true', false],
    ['NOT (n = :one OR n = :ten)', false],
    ['n = :one OR n = :ten AND id = :ab', false],
    ['(n = :one OR n = :ten) AND id = :abc', true],
    ['attribute_exists(nul) AND attribute_exists(blank)', true],
  ];
  for (const [expression, expected] of cases) {
    test(`${expression} is ${expected}`, () => {
      const used = Object.entries(values).filter(([key]) => new RegExp(`${key}\\b`).test(expression));
      const input: RequestExpressions = { ConditionExpression: expression };
      if (used.length > 0) input.ExpressionAttributeValues = Object.fromEntries(used);
      const parsed = parseExpressions(input);
      assert.equal(evaluateCondition(parsed.condition!, item), expected);
    });
  }

  test('a condition on a missing item sees no attributes', () => {
    const parsed = parseExpressions({ ConditionExpression: 'attribute_not_exists(id)' });
    assert.equal(evaluateCondition(parsed.condition!, undefined), true);
  });
});
