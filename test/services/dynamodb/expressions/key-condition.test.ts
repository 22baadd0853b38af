import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue, KeySchemaElement } from '../../../../src/generated/dynamodb/types.js';
import { type ParseRules, parseExpressions } from '../../../../src/services/dynamodb/expressions/index.js';

const hashTable: KeySchemaElement[] = [{ AttributeName: 'a', KeyType: 'HASH' }];
const rangeTable: KeySchemaElement[] = [
  { AttributeName: 'a', KeyType: 'HASH' },
  { AttributeName: 'b', KeyType: 'RANGE' },
];

function keyCondition(
  expression: string,
  values?: Record<string, AttributeValue>,
  rules: ParseRules = { keySchema: rangeTable },
) {
  return parseExpressions(
    values
      ? { KeyConditionExpression: expression, ExpressionAttributeValues: values }
      : { KeyConditionExpression: expression },
    rules,
  ).keyCondition;
}

function rejects(
  expression: string,
  values: Record<string, AttributeValue> | undefined,
  message: string,
  rules?: ParseRules,
) {
  assert.throws(() => keyCondition(expression, values, rules), { name: 'ValidationException', message });
}

describe('KeyConditionExpression', () => {
  test('gives the hash value and the range condition, the key first even when written second', () => {
    assert.deepEqual(keyCondition(':lo <= b AND a = :h', { ':h': { S: 'x' }, ':lo': { N: '5' } }), {
      hashName: 'a',
      hashValue: { S: 'x' },
      range: { name: 'b', op: '>=', values: [{ N: '5' }] },
    });
  });

  test('gives BETWEEN bounds and begins_with', () => {
    assert.deepEqual(
      keyCondition('a = :h and b between :lo and :hi', { ':h': { S: 'x' }, ':lo': { N: '1' }, ':hi': { N: '2' } })
        ?.range,
      {
        name: 'b',
        op: 'BETWEEN',
        values: [{ N: '1' }, { N: '2' }],
      },
    );
    assert.deepEqual(keyCondition('a = :h and begins_with(b, :p)', { ':h': { S: 'x' }, ':p': { S: 'pre' } })?.range, {
      name: 'b',
      op: 'BEGINS_WITH',
      values: [{ S: 'pre' }],
    });
  });

  // dynalite test/query.js, recorded against AWS.
  const invalidOperators: [string, string][] = [
    ['a > b and size(b) > c or a > c', 'OR'],
    ['a in (b, size(c), d)', 'IN'],
    ['attribute_exists(a)', 'attribute_exists'],
    ['attribute_not_exists(a)', 'attribute_not_exists'],
    ['contains(a.d, b)', 'contains'],
    ['not a > b', 'NOT'],
    ['a <> b', '<>'],
  ];
  for (const [expression, operator] of invalidOperators) {
    test(`refuses ${expression}`, () =>
      rejects(expression, undefined, `Invalid operator used in KeyConditionExpression: ${operator}`));
  }

  const cases: [string, Record<string, AttributeValue> | undefined, string, ParseRules?][] = [
    [
      ':a between size(b) and size(a) and b > :b',
      { ':a': { S: '1' }, ':b': { S: '1' } },
      'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand',
    ],
    [
      'begins_with(:a, b) and a > :b',
      { ':a': { S: '1' }, ':b': { S: '1' } },
      'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand',
    ],
    ['size(b) > a AND a.b > b AND b > c', undefined, 'KeyConditionExpressions cannot contain nested operations'],
    ['a between size(b) and size(a)', undefined, 'KeyConditionExpressions cannot contain nested operations'],
    [
      'b > a.b',
      undefined,
      'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition',
    ],
    [
      'begins_with(a, b)',
      undefined,
      'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition',
    ],
    ['a.d > c', undefined, 'KeyConditionExpressions cannot have conditions on nested attributes'],
    ['b[0] > :a', { ':a': { N: '1' } }, 'KeyConditionExpressions cannot have conditions on nested attributes'],
    [
      ':b > :a AND a < :b',
      { ':a': { N: '1' }, ':b': { N: '1' } },
      'Invalid condition in KeyConditionExpression: No key attribute specified',
    ],
    [
      'b > :a AND b < :a and c = :a and d = :a',
      { ':a': { N: '1' } },
      'KeyConditionExpressions must only contain one condition per key',
    ],
    [
      'a between :b and :a',
      { ':a': { S: 'a' }, ':b': { S: 'b' } },
      'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}',
    ],
    ['a = :a and c = :a and b = :a', { ':a': { S: 'a' } }, 'Conditions can be of length 1 or 2 only'],
    ['b = :a', { ':a': { S: '1' } }, 'Query condition missed key schema element: a'],
    ['a = :a and c = :b', { ':a': { S: 'b' }, ':b': { N: '1' } }, 'Query condition missed key schema element: b'],
    ['a > :a', { ':a': { S: '1' } }, 'Query key condition not supported', { keySchema: hashTable }],
    ['a = :a AND b = :a', { ':a': { S: '1' } }, 'Query key condition not supported', { keySchema: hashTable }],
    ['y = :a and z = :a', { ':a': { S: '1' } }, 'Query key condition not supported', { keySchema: hashTable }],
    [
      ':a > a',
      { ':a': { N: '1' } },
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
      { keySchema: hashTable, attributeTypes: { a: 'S' } },
    ],
    [
      'a = :a and begins_with(b, :n)',
      { ':a': { S: '1' }, ':n': { N: '1' } },
      'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
  ];
  for (const [expression, values, message, rules] of cases) {
    test(`refuses ${expression}: ${message}`, () => rejects(expression, values, message, rules));
  }

  test('refuses key attributes in a Query FilterExpression', () =>
    assert.throws(
      () =>
        parseExpressions(
          {
            KeyConditionExpression: 'a = :a',
            FilterExpression: 'attribute_exists(b.c) AND c = :b',
            ExpressionAttributeValues: { ':a': { S: '1' }, ':b': { N: '1' } },
          },
          { keySchema: rangeTable, tableKeys: ['a', 'b'] },
        ),
      { message: 'Filter Expression can only contain non-primary key attributes: Primary key attribute: b' },
    ));
});
