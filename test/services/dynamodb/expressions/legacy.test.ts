import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeySchemaElement } from '../../../../src/generated/dynamodb/types.js';
import {
  applyUpdate,
  evaluateCondition,
  type Item,
  type ParseRules,
  parseExpressions,
  projectItem,
  type RequestExpressions,
  updatedAttributes,
} from '../../../../src/services/dynamodb/expressions/index.js';

function rejects(input: RequestExpressions, message: string, rules?: ParseRules): void {
  assert.throws(() => parseExpressions(input, rules), { name: 'ValidationException', message });
}

const invalid = 'One or more parameter values were invalid: ';
const rangeTable: KeySchemaElement[] = [
  { AttributeName: 'a', KeyType: 'HASH' },
  { AttributeName: 'b', KeyType: 'RANGE' },
];

describe('mixing expression and legacy parameters', () => {
  // dynalite test/updateItem.js and test/scan.js, recorded against AWS.
  const cases: [RequestExpressions, ParseRules['operation'], string][] = [
    [
      {
        Expected: {},
        AttributeUpdates: {},
        ConditionExpression: '',
        UpdateExpression: '',
        ExpressionAttributeNames: {},
      },
      'UpdateItem',
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}',
    ],
    [
      {
        ScanFilter: {},
        AttributesToGet: ['a'],
        ConditionalOperator: 'OR',
        FilterExpression: '',
        ProjectionExpression: '',
      },
      'Scan',
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}',
    ],
    [
      { Expected: {}, ExpressionAttributeNames: {} },
      'UpdateItem',
      'ExpressionAttributeNames can only be specified when using expressions',
    ],
    [
      { Expected: {}, ExpressionAttributeValues: {} },
      'UpdateItem',
      'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
    ],
    [
      { ScanFilter: {}, ExpressionAttributeValues: {} },
      'Scan',
      'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null',
    ],
    [
      { AttributesToGet: ['a'], ProjectionExpression: 'a' },
      'GetItem',
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
    ],
  ];
  for (const [input, operation, message] of cases) {
    test(`${operation}: ${message}`, () => rejects(input, message, { operation }));
  }

  test('KeyConditions may go with a FilterExpression', () => {
    const parsed = parseExpressions(
      {
        KeyConditions: { a: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'x' }] } },
        FilterExpression: 'c = :c',
        ExpressionAttributeValues: { ':c': { N: '1' } },
      },
      { operation: 'Query', keySchema: rangeTable },
    );
    assert.deepEqual(parsed.keyCondition, { hashName: 'a', hashValue: { S: 'x' } });
  });
});

describe('Expected', () => {
  const item: Item = { a: { S: 'x' }, n: { N: '5' } };
  const outcomes: [RequestExpressions['Expected'], string | undefined, boolean][] = [
    [{ a: { Value: { S: 'x' } } }, undefined, true],
    [{ a: { Exists: true, Value: { S: 'y' } } }, undefined, false],
    [{ z: { Exists: false } }, undefined, true],
    [{ n: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '4' }] } }, undefined, true],
    [{ n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '4' }] } }, undefined, false],
    [{ n: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }, { N: '5' }] } }, undefined, true],
    [{ z: { ComparisonOperator: 'NULL' } }, undefined, true],
    [{ a: { ComparisonOperator: 'NOT_NULL' } }, undefined, true],
    [{ z: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [{ S: 'q' }] } }, undefined, false],
    [{ a: { ComparisonOperator: 'NE', Value: { S: 'y' } } }, undefined, true],
    [{ a: { Value: { S: 'y' } }, n: { Value: { N: '5.0' } } }, 'OR', true],
    [{ a: { Value: { S: 'y' } }, n: { Value: { N: '5.0' } } }, 'AND', false],
  ];
  for (const [expected, operator, outcome] of outcomes) {
    test(`${JSON.stringify(expected)} ${operator ?? ''} is ${outcome}`, () => {
      const input: RequestExpressions = { Expected: expected };
      if (operator) input.ConditionalOperator = operator;
      assert.equal(evaluateCondition(parseExpressions(input).condition!, item), outcome);
    });
  }

  const errors: [RequestExpressions['Expected'], string][] = [
    [{ a: {} }, `${invalid}Value must be provided when Exists is null for Attribute: a`],
    [{ a: { Exists: true } }, `${invalid}Value must be provided when Exists is true for Attribute: a`],
    [
      { a: { Exists: false, Value: { S: 'a' } } },
      `${invalid}Value cannot be used when Exists is false for Attribute: a`,
    ],
    [
      { a: { ComparisonOperator: 'EQ', Exists: true } },
      `${invalid}Exists and ComparisonOperator cannot be used together for Attribute: a`,
    ],
    [
      { a: { AttributeValueList: [] } },
      `${invalid}AttributeValueList can only be used with a ComparisonOperator for Attribute: a`,
    ],
    [
      { a: { ComparisonOperator: 'EQ', Value: { S: 'a' }, AttributeValueList: [{ S: 'a' }] } },
      `${invalid}Value and AttributeValueList cannot be used together for Attribute: a`,
    ],
    [
      { a: { ComparisonOperator: 'EQ' } },
      `${invalid}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a`,
    ],
  ];
  for (const [expected, message] of errors) {
    test(`refuses ${JSON.stringify(expected)}: ${message}`, () => rejects({ Expected: expected }, message));
  }
});

describe('ScanFilter and QueryFilter', () => {
  const errors: [RequestExpressions['ScanFilter'], string][] = [
    [{ a: { ComparisonOperator: 'EQ' } }, `${invalid}Invalid number of argument(s) for the EQ ComparisonOperator`],
    [
      { a: { ComparisonOperator: 'NULL', AttributeValueList: [{ S: 'a' }] } },
      `${invalid}Invalid number of argument(s) for the NULL ComparisonOperator`,
    ],
    [
      { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'a' }, { S: 'a' }, { S: 'a' }] } },
      `${invalid}Invalid number of argument(s) for the BETWEEN ComparisonOperator`,
    ],
    [
      { a: { ComparisonOperator: 'LT', AttributeValueList: [{ BOOL: true }] } },
      `${invalid}ComparisonOperator LT is not valid for BOOL AttributeValue type`,
    ],
    [
      { a: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ SS: ['a'] }] } },
      `${invalid}ComparisonOperator CONTAINS is not valid for SS AttributeValue type`,
    ],
    [
      { a: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ N: '1' }] } },
      `${invalid}ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type`,
    ],
    [
      { a: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'b' }, { N: '1' }] } },
      `${invalid}AttributeValues inside AttributeValueList must be of same type`,
    ],
    [
      { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'b' }, { S: 'a' }] } },
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    ],
    [
      { a: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }, {}] } },
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    ],
  ];
  for (const [filter, message] of errors) {
    test(`refuses ${JSON.stringify(filter)}: ${message}`, () => rejects({ ScanFilter: filter }, message));
  }

  test('filters items with ScanFilter and OR', () => {
    const parsed = parseExpressions({
      ScanFilter: {
        n: { ComparisonOperator: 'GE', AttributeValueList: [{ N: '10' }] },
        s: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'ab' }] },
      },
      ConditionalOperator: 'OR',
    });
    assert.equal(evaluateCondition(parsed.filter!, { n: { N: '3' }, s: { S: 'abc' } }), true);
    assert.equal(evaluateCondition(parsed.filter!, { n: { N: '3' }, s: { S: 'xbc' } }), false);
  });

  test('refuses key attributes in QueryFilter', () =>
    rejects(
      {
        KeyConditions: { a: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } },
        QueryFilter: { b: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } },
      },
      'QueryFilter can only contain non-primary key attributes: Primary key attribute: b',
      { keySchema: rangeTable },
    ));
});

describe('KeyConditions', () => {
  test('gives the hash and range conditions', () =>
    assert.deepEqual(
      parseExpressions(
        {
          KeyConditions: {
            b: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'p' }] },
            a: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'h' }] },
          },
        },
        { keySchema: rangeTable },
      ).keyCondition,
      { hashName: 'a', hashValue: { S: 'h' }, range: { name: 'b', op: 'BEGINS_WITH', values: [{ S: 'p' }] } },
    ));

  const errors: [RequestExpressions['KeyConditions'], string][] = [
    [{ a: { ComparisonOperator: 'NULL' } }, 'Attempted conditional constraint is not an indexable operation'],
    [
      { a: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'a' }] } },
      'Attempted conditional constraint is not an indexable operation',
    ],
    [{ a: { ComparisonOperator: 'LE', AttributeValueList: [{ S: 'a' }] } }, 'Query key condition not supported'],
    [
      { c: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } },
      'Query condition missed key schema element: a',
    ],
  ];
  for (const [conditions, message] of errors) {
    test(`refuses ${JSON.stringify(conditions)}: ${message}`, () =>
      rejects({ KeyConditions: conditions }, message, { keySchema: [{ AttributeName: 'a', KeyType: 'HASH' }] }));
  }
});

describe('AttributesToGet', () => {
  test('keeps the named attributes', () => {
    const parsed = parseExpressions({ AttributesToGet: ['a', 'c'] });
    assert.deepEqual(projectItem(parsed.projection!, { a: { S: '1' }, b: { S: '2' }, c: { S: '3' } }), {
      a: { S: '1' },
      c: { S: '3' },
    });
  });

  test('refuses a duplicate', () =>
    rejects({ AttributesToGet: ['a', 'a'] }, `${invalid}Duplicate value in attribute name: a`));
});

describe('AttributeUpdates', () => {
  test('puts, adds to numbers, sets and lists, deletes set members and attributes', () => {
    const parsed = parseExpressions({
      AttributeUpdates: {
        p: { Value: { S: 'new' } },
        n: { Action: 'ADD', Value: { N: '3' } },
        s: { Action: 'ADD', Value: { SS: ['b', 'c'] } },
        l: { Action: 'ADD', Value: { L: [{ S: 'b' }] } },
        ns: { Action: 'DELETE', Value: { NS: ['1', '4'] } },
        gone: { Action: 'DELETE' },
      },
    });
    const before: Item = {
      id: { S: 'k' },
      n: { N: '1' },
      s: { SS: ['a', 'b'] },
      l: { L: [{ S: 'a' }] },
      ns: { NS: ['1', '2', '3'] },
      gone: { S: 'x' },
    };
    const after = applyUpdate(parsed.update!, before, { id: { S: 'k' } });
    assert.deepEqual(after, {
      id: { S: 'k' },
      p: { S: 'new' },
      n: { N: '4' },
      s: { SS: ['a', 'b', 'c'] },
      l: { L: [{ S: 'a' }, { S: 'b' }] },
      ns: { NS: ['2', '3'] },
    });
    assert.deepEqual(Object.keys(updatedAttributes(parsed.update!, before)).sort(), ['gone', 'l', 'n', 'ns', 's']);
  });

  const errors: [RequestExpressions['AttributeUpdates'], string][] = [
    [{ a: { Action: 'PUT' } }, `${invalid}Only DELETE action is allowed when no attribute value is specified`],
    [
      { a: { Action: 'DELETE', Value: { S: '1' } } },
      `${invalid}DELETE action with value is not supported for the type S`,
    ],
    [{ a: { Action: 'ADD', Value: { BOOL: true } } }, `${invalid}ADD action is not supported for the type BOOL`],
  ];
  for (const [updates, message] of errors) {
    test(`refuses ${JSON.stringify(updates)}: ${message}`, () => rejects({ AttributeUpdates: updates }, message));
  }

  test('refuses an update of a key attribute', () =>
    rejects(
      { AttributeUpdates: { a: { Value: { S: 'x' } } } },
      `${invalid}Cannot update attribute a. This attribute is part of the key`,
      { tableKeys: ['a'] },
    ));

  test('a type mismatch found at run time uses the legacy wording', () => {
    const parsed = parseExpressions({ AttributeUpdates: { b: { Action: 'ADD', Value: { NS: ['1'] } } } });
    assert.throws(() => applyUpdate(parsed.update!, { b: { SS: ['1'] } }, {}), {
      name: 'ValidationException',
      message: 'Type mismatch for attribute to update',
    });
  });
});
