import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Item,
  parseExpressions,
  projectItem,
  type RequestExpressions,
} from '../../../../src/services/dynamodb/expressions/index.js';

const item: Item = {
  a: { S: 'x' },
  b: { M: { c: { N: '1' }, d: { L: [{ S: 'd0' }, { S: 'd1' }, { S: 'd2' }] } } },
  l: { L: [{ N: '0' }, { M: { x: { N: '1' }, y: { N: '2' } } }, { N: '2' }] },
};

function project(expression: string, names?: Record<string, string>): Item {
  const input: RequestExpressions = { ProjectionExpression: expression };
  if (names) input.ExpressionAttributeNames = names;
  return projectItem(parseExpressions(input).projection!, item);
}

describe('ProjectionExpression', () => {
  const cases: [string, Item][] = [
    ['a', { a: { S: 'x' } }],
    ['a, nothere', { a: { S: 'x' } }],
    ['b.c', { b: { M: { c: { N: '1' } } } }],
    ['b.d[2], b.d[0]', { b: { M: { d: { L: [{ S: 'd0' }, { S: 'd2' }] } } } }],
    ['l[1].y, a', { l: { L: [{ M: { y: { N: '2' } } }] }, a: { S: 'x' } }],
    ['l[7]', {}],
    ['a.b', {}],
  ];
  for (const [expression, expected] of cases) {
    test(`${expression} keeps ${JSON.stringify(expected)}`, () => assert.deepEqual(project(expression), expected));
  }

  test('resolves names', () => assert.deepEqual(project('#n.c', { '#n': 'b' }), { b: { M: { c: { N: '1' } } } }));

  const errors: [RequestExpressions, string][] = [
    [{ ProjectionExpression: '' }, 'Invalid ProjectionExpression: The expression can not be empty;'],
    [
      { ProjectionExpression: 'a, b.c, a' },
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    ],
    [
      { ProjectionExpression: 'a, a.b' },
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
    ],
    [
      { ProjectionExpression: 'a.b, a[0]' },
      'Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]',
    ],
    [
      { ProjectionExpression: 'name' },
      'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name',
    ],
    [{ ProjectionExpression: 'my-attr' }, 'Invalid ProjectionExpression: Syntax error; token: "-", near: "my-attr"'],
    [{ ProjectionExpression: 'l[a]' }, 'Invalid ProjectionExpression: Syntax error; token: "a", near: "[a]"'],
    [
      { ProjectionExpression: '#x' },
      'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
    ],
  ];
  for (const [input, message] of errors) {
    test(`refuses ${input.ProjectionExpression}: ${message}`, () =>
      assert.throws(() => parseExpressions(input), { name: 'ValidationException', message }));
  }
});
