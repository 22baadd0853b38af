import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../../../../src/generated/dynamodb/types.js';
import {
  applyUpdate,
  type Item,
  type ParseRules,
  parseExpressions,
  type RequestExpressions,
  updatedAttributeNames,
  updatedAttributes,
} from '../../../../src/services/dynamodb/expressions/index.js';

function rejects(input: RequestExpressions, message: string | RegExp, rules?: ParseRules): void {
  assert.throws(() => parseExpressions(input, rules), { name: 'ValidationException', message });
}

const someValues: Record<string, AttributeValue> = { ':a': { S: 'a' }, ':b': { S: 'a' } };
const someNames = { '#a': 'a', '#b': 'b' };

describe('UpdateExpression validation', () => {
  // dynalite test/updateItem.js "should return ValidationException for syntax errors in UpdateExpression".
  const syntaxErrors = [
    'whatever',
    'set a',
    'add a',
    'delete a',
    'set a=set',
    'remove a = b',
    'add a = b',
    'delete a = b',
    'delete a b',
    'delete a if_not_exist(b)',
    'add abort b',
    'add a if_not_exist(b)',
    'remove a b',
    'set a b',
    'set :a = b',
    'add :a b',
    'delete :a b',
    'remove :a',
    'set a = b / c',
    'set a = b * c',
    'set a[1] = "eight"',
    'set a[1] = 1',
    'SET a = if_not_exist(a, 100)',
    'SET if_not_exist(a, b) = a',
    'set (a = (b + c))',
    'set a = (b.c).d + e',
    'set a = (b.c)[0] + e',
    'set a = b + c + d',
  ];
  for (const expression of syntaxErrors) {
    test(`refuses ${expression} with a syntax error`, () =>
      rejects({ UpdateExpression: expression }, /^Invalid UpdateExpression: Syntax error; token: ".*", near: ".*"$/));
  }

  test('names the token after SET at the end', () =>
    rejects({ UpdateExpression: 'SET' }, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"'));

  const withPlaceholders = (expression: string): RequestExpressions => ({
    UpdateExpression: expression,
    ExpressionAttributeValues: someValues,
    ExpressionAttributeNames: someNames,
  });
  const cases: [string, RequestExpressions, string][] = [
    ['an empty expression', { UpdateExpression: '' }, 'Invalid UpdateExpression: The expression can not be empty;'],
    [
      'a reserved word before a repeated section',
      withPlaceholders(' set #c = :c set abOrt = true '),
      'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt',
    ],
    [
      'a reserved word in REMOVE',
      withPlaceholders(' remove Absolute '),
      'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Absolute',
    ],
    [
      'an unknown function',
      withPlaceholders('set #c = if_not_exist(:c) set c = d'),
      'Invalid UpdateExpression: Invalid function name; function: if_not_exist',
    ],
    [
      'a second SET',
      withPlaceholders('set a = #c set c = :d'),
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ],
    [
      'a second REMOVE',
      withPlaceholders('remove #d set a = b remove e'),
      'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;',
    ],
    [
      'a second ADD',
      withPlaceholders('add #d :e set a = b add e :f'),
      'Invalid UpdateExpression: The "ADD" section can only be used once in an update expression;',
    ],
    [
      'an undefined name',
      withPlaceholders('SET #c = if_not_exists(:c)'),
      'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #c',
    ],
    [
      'an undefined value',
      withPlaceholders('SET #a = if_not_exists(:c)'),
      'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :c',
    ],
    [
      'a wrong operand count',
      withPlaceholders('set a = list_append(c)'),
      'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1',
    ],
    [
      'if_not_exists without a path',
      withPlaceholders('set a = if_not_exists(:a, c)'),
      'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists',
    ],
    [
      'list_append of a string',
      withPlaceholders('set a = list_append(:a, a)'),
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
    ],
    [
      'a string added',
      { UpdateExpression: 'set a = a + :a', ExpressionAttributeValues: { ':a': { S: 'a' } } },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
    ],
    [
      'a map subtracted',
      { UpdateExpression: 'set a = a - :i', ExpressionAttributeValues: { ':i': { M: {} } } },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: M',
    ],
    [
      'ADD of a string before other errors',
      {
        UpdateExpression: 'set b = list_append(:a, a), c = if_not_exists(a) add a.b :a',
        ExpressionAttributeValues: { ':a': { S: 'a' }, ':b': { S: 'a' } },
      },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING',
    ],
    [
      'DELETE of a number',
      { UpdateExpression: 'delete a.b :a', ExpressionAttributeValues: { ':a': { N: '1' } } },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER',
    ],
    [
      'ADD of a list',
      { UpdateExpression: 'add a.b :a', ExpressionAttributeValues: { ':a': { L: [{ N: '1' }] } } },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST',
    ],
  ];
  for (const [what, input, message] of cases) {
    test(`refuses ${what}: ${message}`, () => rejects(input, message));
  }

  // dynalite test/updateItem.js "overlapping paths" and "conflicting paths".
  const overlaps: [string, string, string][] = [
    ['set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)', '[c, [1], a]', '[c]'],
    ['set c.b.#c = a, c = a, #d = a', '[c, b, c]', '[c]'],
    ['set a = b remove a, #c, #d', '[a]', '[a]'],
    ['set #c[3].#d = a, #c[3] = a', '[c, [3], [3]]', '[c, [3]]'],
    ['remove c, #c.a, #d', '[c]', '[c, a]'],
    ['remove a, #c, a, #d', '[a]', '[a]'],
  ];
  for (const [expression, one, two] of overlaps) {
    test(`refuses overlapping paths in ${expression}`, () =>
      rejects(
        { UpdateExpression: expression, ExpressionAttributeNames: { '#c': 'c', '#d': '[3]' } },
        `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
      ));
  }
  const conflicts: [string, string, string][] = [
    ['set #c[3].#d = a, #c.#d[3] = if_not_exists(a, a)', '[c, [3], [3]]', '[c, [3], [3]]'],
    ['remove a.#c set a[1] = #d', '[a, c]', '[a, [1]]'],
  ];
  for (const [expression, one, two] of conflicts) {
    test(`refuses conflicting paths in ${expression}`, () =>
      rejects(
        { UpdateExpression: expression, ExpressionAttributeNames: { '#c': 'c', '#d': '[3]' } },
        `Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
      ));
  }

  const keyUpdates = ['add a.b :one', 'remove d set b = :one, a = :one', 'set a = a.b + a[1]'];
  for (const expression of keyUpdates) {
    test(`refuses ${expression} on a table keyed by a`, () =>
      rejects(
        {
          UpdateExpression: expression,
          ...(expression.includes(':one') ? { ExpressionAttributeValues: { ':one': { N: '1' } } } : {}),
        },
        'One or more parameter values were invalid: Cannot update attribute a. This attribute is part of the key',
        { tableKeys: ['a'] },
      ));
  }

  test('refuses a nested path under an index key', () =>
    rejects(
      { UpdateExpression: 'set e = list_append(a, b), f = d[1]' },
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: d",
      { tableKeys: ['a', 'b'], indexKeys: ['c', 'd'] },
    ));
});

function update(
  expression: string,
  item: Item | undefined,
  values?: Record<string, AttributeValue>,
  key: Item = { id: { S: 'k' } },
) {
  const input: RequestExpressions = { UpdateExpression: expression };
  if (values) input.ExpressionAttributeValues = values;
  const parsed = parseExpressions(input);
  const after = applyUpdate(parsed.update!, item, key);
  return { parsed, after };
}

describe('applyUpdate', () => {
  test('reads every operand from the item as it was, and appends past the end of a list in index order', () => {
    // dynalite test/updateItem.js "should update nested attributes", recorded against AWS.
    const before: Item = {
      a: { S: 'key' },
      b: { M: { a: { N: '1' }, b: { N: '2' }, c: { N: '3' } } },
      c: { L: [{ N: '1' }, { N: '3' }] },
    };
    const { parsed, after } = update(
      'set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a',
      before,
      { ':a': { N: '2' }, ':b': { SS: ['a'] } },
    );
    assert.deepEqual(after, {
      a: { S: 'key' },
      b: { M: { a: { S: 'key' }, b: { N: '2' }, c: { N: '4' } } },
      c: { L: [{ N: '1' }, { S: 'key' }, { N: '3' }, { N: '-1' }, { N: '2' }, { SS: ['a'] }] },
    });
    assert.deepEqual(updatedAttributes(parsed.update!, after), {
      b: { M: { a: { S: 'key' }, c: { N: '4' } } },
      c: { L: [{ S: 'key' }, { N: '3' }, { N: '2' }] },
    });
    assert.deepEqual(before.c, { L: [{ N: '1' }, { N: '3' }] }, 'the old item is unchanged');
    assert.deepEqual(updatedAttributeNames(parsed.update!), ['b', 'c']);
  });

  test('on a missing item starts from the key, and if_not_exists reads it', () => {
    const { after } = update('set b = if_not_exists(b, id)', undefined);
    assert.deepEqual(after, { id: { S: 'k' }, b: { S: 'k' } });
  });

  test('adds numbers exactly and unions sets; deletes from sets and drops an emptied set', () => {
    const { after } = update(
      'ADD n :n, s :s DELETE ns :gone, bs :b',
      { n: { N: '0.1' }, s: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] }, bs: { BS: [Buffer.from('x')] } },
      { ':n': { N: '0.2' }, ':s': { SS: ['b', 'c'] }, ':gone': { NS: ['2', '3'] }, ':b': { BS: [Buffer.from('x')] } },
    );
    assert.deepEqual(after, { n: { N: '0.3' }, s: { SS: ['a', 'b', 'c'] }, ns: { NS: ['1'] } });
  });

  test('removes list elements by their original indexes and ignores missing ones', () => {
    const { after } = update('REMOVE l[0], l[2], l[9], gone, m.x', {
      l: { L: [{ N: '0' }, { N: '1' }, { N: '2' }, { N: '3' }] },
      m: { M: { x: { N: '1' }, y: { N: '2' } } },
    });
    assert.deepEqual(after, { l: { L: [{ N: '1' }, { N: '3' }] }, m: { M: { y: { N: '2' } } } });
  });

  test('list_append joins lists in order', () => {
    const { after } = update(
      'SET l = list_append(:front, l)',
      { l: { L: [{ N: '2' }] } },
      { ':front': { L: [{ N: '1' }] } },
    );
    assert.deepEqual(after.l, { L: [{ N: '1' }, { N: '2' }] });
  });

  const runtimeErrors: [string, Item | undefined, Record<string, AttributeValue> | undefined, string][] = [
    [
      'set c = b',
      { a: { S: 'x' } },
      undefined,
      'The provided expression refers to an attribute that does not exist in the item',
    ],
    [
      'set b.a = :v',
      undefined,
      { ':v': { N: '1' } },
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'set b[1] = :v',
      { b: { S: 'x' } },
      { ':v': { N: '1' } },
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'remove y.a',
      { b: { S: 'x' } },
      undefined,
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'add c[1] :v',
      { c: { M: { 1: { S: 'a' } } } },
      { ':v': { SS: ['a'] } },
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'set e = a + :v',
      { a: { S: 'x' } },
      { ':v': { N: '1' } },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'delete d :v',
      { d: { NS: ['1'] } },
      { ':v': { SS: ['1'] } },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'add d :v',
      { d: { NS: ['1'] } },
      { ':v': { N: '1' } },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'set e = list_append(d, :v)',
      { d: { NS: ['1'] } },
      { ':v': { L: [] } },
      'An operand in the update expression has an incorrect data type',
    ],
    [
      'set n = n + :v',
      { n: { N: '9e125' } },
      { ':v': { N: '9e125' } },
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    ],
  ];
  for (const [expression, item, values, message] of runtimeErrors) {
    test(`${expression} fails with "${message}"`, () =>
      assert.throws(() => update(expression, item, values), { name: 'ValidationException', message }));
  }
});
