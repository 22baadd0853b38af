import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../../../../src/generated/dynamodb/types.js';
import { attributeValueError, validateItem } from '../../../../src/services/dynamodb/values/attribute-values.js';
import { compareValues, valuesEqual } from '../../../../src/services/dynamodb/values/compare.js';
import { attributeValueSize, itemSize } from '../../../../src/services/dynamodb/values/item-size.js';

const invalid = 'One or more parameter values were invalid: ';

describe('attributeValueError', () => {
  // dynalite test/updateItem.js "invalid values in Key", recorded against AWS.
  const cases: [AttributeValue, string | undefined][] = [
    [{}, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [
      { S: 'a', N: '1' },
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    ],
    [{ NULL: false }, `${invalid}Null attribute value types must have the value of true`],
    [{ SS: [] }, `${invalid}An string set  may not be empty`],
    [{ NS: [] }, `${invalid}An number set  may not be empty`],
    [{ BS: [] }, `${invalid}Binary sets should not be empty`],
    [{ SS: ['a', 'a'] }, `${invalid}Input collection [a, a] contains duplicates.`],
    [
      { BS: [Buffer.from('b'), Buffer.from('b')] },
      `${invalid}Input collection [Yg==, Yg==]of type BS contains duplicates.`,
    ],
    [{ NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    [{ NS: ['1', 'b'] }, 'A value provided cannot be converted into a number'],
    [{ N: '1e126' }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    [
      { M: { a: { L: [{}] } } },
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    ],
    [{ S: '' }, undefined],
    [{ B: Buffer.alloc(0) }, undefined],
    [{ SS: ['', 'a'] }, undefined],
    [{ M: {} }, undefined],
    [{ L: [] }, undefined],
    [{ BOOL: false }, undefined],
  ];
  for (const [value, message] of cases) {
    test(`${JSON.stringify(value)} is ${message ?? 'valid'}`, () => assert.equal(attributeValueError(value), message));
  }

  test('normalizes numbers in place, nested ones too', () => {
    const item = { n: { N: '1.50' }, m: { M: { x: { NS: ['1e2', '-0'] } } } };
    validateItem(item);
    assert.deepEqual(item, { n: { N: '1.5' }, m: { M: { x: { NS: ['100', '0'] } } } });
  });
});

describe('valuesEqual and compareValues', () => {
  const equal: [AttributeValue, AttributeValue, boolean][] = [
    [{ SS: ['a', 'b'] }, { SS: ['b', 'a'] }, true],
    [{ SS: ['a', 'b'] }, { SS: ['a', 'c'] }, false],
    [{ N: '1' }, { S: '1' }, false],
    [{ B: Buffer.from([1]) }, { B: Buffer.from([1]) }, true],
    [{ BS: [Buffer.from([1]), Buffer.from([2])] }, { BS: [Buffer.from([2]), Buffer.from([1])] }, true],
    [{ M: { a: { N: '1' } } }, { M: { a: { N: '1' } } }, true],
    [{ M: { a: { N: '1' } } }, { M: { a: { N: '1' }, b: { N: '1' } } }, false],
    [{ L: [{ N: '1' }, { S: 'x' }] }, { L: [{ N: '1' }, { S: 'x' }] }, true],
    [{ L: [{ N: '1' }, { S: 'x' }] }, { L: [{ S: 'x' }, { N: '1' }] }, false],
    [{ NULL: true }, { NULL: true }, true],
    [{ BOOL: true }, { BOOL: false }, false],
  ];
  for (const [a, b, expected] of equal) {
    test(`${JSON.stringify(a)} = ${JSON.stringify(b)} is ${expected}`, () => assert.equal(valuesEqual(a, b), expected));
  }

  const order: [AttributeValue, AttributeValue, number | undefined][] = [
    [{ N: '-10' }, { N: '9' }, -1],
    [{ S: 'b' }, { S: 'a' }, 1],
    [{ S: '\uffff' }, { S: '\u{1f600}' }, -1],
    [{ B: Buffer.from([0x7f]) }, { B: Buffer.from([0x80]) }, -1],
    [{ S: 'a' }, { N: '1' }, undefined],
    [{ BOOL: true }, { BOOL: true }, undefined],
  ];
  for (const [a, b, expected] of order) {
    test(`${JSON.stringify(a)} against ${JSON.stringify(b)} orders ${expected}`, () => {
      const result = compareValues(a, b);
      assert.equal(result === undefined ? undefined : Math.sign(result), expected);
    });
  }
});

describe('itemSize', () => {
  test('counts names and values as CapacityUnitCalculations describes', () => {
    // a: 1+3, n: 1+4 ("12.3456"), b: 1+2, t: 1+1, l: 1+3+(1+1)+(2+1), m: 1+3+(1+1+1), ss: 2+(1+2)
    const item = {
      a: { S: 'abc' },
      n: { N: '12.3456' },
      b: { B: Buffer.from([1, 2]) },
      t: { BOOL: true },
      l: { L: [{ NULL: true }, { N: '1' }] },
      m: { M: { k: { S: 'v' } } },
      ss: { SS: ['x', 'yz'] },
    };
    assert.equal(itemSize(item), 4 + 5 + 3 + 2 + 9 + 7 + 5);
  });

  test('counts UTF-8 bytes of strings and names', () => {
    assert.equal(attributeValueSize({ S: 'é😀' }), 6);
    assert.equal(itemSize({ é: { S: '' } }), 2);
  });
});
