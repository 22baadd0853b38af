import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addNumbers,
  compareNumbers,
  encodeSortableNumber,
  normalizeNumber,
  numberSize,
  subtractNumbers,
} from '../../../../src/services/dynamodb/values/numbers.js';

const tooPrecise = 'Attempting to store more than 38 significant digits in a Number';
const overflow = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
const underflow = 'Number underflow. Attempting to store a number with magnitude smaller than supported range';
const notANumber = 'A value provided cannot be converted into a number';

describe('normalizeNumber', () => {
  const cases: [string, string][] = [
    ['1.0', '1'],
    ['0.10', '0.1'],
    ['1e2', '100'],
    ['-0', '0'],
    ['+5', '5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['007.500', '7.5'],
    ['-1.5E-3', '-0.0015'],
    ['1E-130', `0.${'0'.repeat(129)}1`],
    ['9.9999999999999999999999999999999999999E+125', `${'9'.repeat(38)}${'0'.repeat(88)}`],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['1000000000000000000000000000000000000000000', '1000000000000000000000000000000000000000000'],
  ];
  for (const [input, expected] of cases) {
    test(`answers ${input} as ${expected}`, () => assert.equal(normalizeNumber(input), expected));
  }

  const errors: [string, string][] = [
    ['123456789012345678901234567890123456789', tooPrecise],
    ['-1.23456789012345678901234567890123456789', tooPrecise],
    ['1e126', overflow],
    ['-1e126', overflow],
    ['1e-131', underflow],
    ['-1e-131', underflow],
    ['', notANumber],
    ['b', notANumber],
    ['1e', notANumber],
    ['1.2.3', notANumber],
    [' 1', notANumber],
    ['Infinity', notANumber],
    ['NaN', notANumber],
    ['0x10', notANumber],
  ];
  for (const [input, message] of errors) {
    test(`rejects "${input}" with "${message}"`, () =>
      assert.throws(() => normalizeNumber(input), { name: 'ValidationException', message }));
  }
});

describe('compareNumbers', () => {
  const ordered = [
    '-1000',
    '-12.5',
    '-12',
    '-0.12',
    '-0.1',
    '-0.05',
    '0',
    '0.05',
    '0.1',
    '0.12',
    '1',
    '12',
    '12.5',
    '1000',
  ];
  test('orders canonical numbers by value', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        assert.equal(
          Math.sign(compareNumbers(ordered[i]!, ordered[j]!)),
          Math.sign(i - j),
          `${ordered[i]} vs ${ordered[j]}`,
        );
      }
    }
  });
});

describe('encodeSortableNumber', () => {
  test('bytes sort in numeric order under memcmp', () => {
    const values = [
      '-1e125',
      '-1000',
      '-12.5',
      '-12',
      '-1.25',
      '-1.2',
      '-0.12',
      '-0.1',
      '-1e-130',
      '0',
      '1e-130',
      '0.1',
      '0.12',
      '1.2',
      '1.25',
      '12',
      '12.5',
      '1000',
      '9.9999999999999999999999999999999999999E+125',
    ];
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) {
        const order = Buffer.compare(encodeSortableNumber(values[i]!), encodeSortableNumber(values[j]!));
        assert.equal(order, Math.sign(i - j), `${values[i]} vs ${values[j]}`);
      }
    }
  });

  test('encodes equal numbers to equal bytes', () => {
    assert.deepEqual(encodeSortableNumber('1.0'), encodeSortableNumber('1e0'));
    assert.deepEqual(encodeSortableNumber('-0'), encodeSortableNumber('0'));
  });
});

describe('addNumbers and subtractNumbers', () => {
  const cases: [string, '+' | '-', string, string][] = [
    ['0.1', '+', '0.2', '0.3'],
    ['1', '-', '3', '-2'],
    ['12345678901234567890123456789012345678', '+', '1', '12345678901234567890123456789012345679'],
    ['1e125', '-', '1e125', '0'],
    ['-0.5', '+', '0.5', '0'],
    ['100', '-', '0.001', '99.999'],
  ];
  for (const [a, op, b, expected] of cases) {
    test(`${a} ${op} ${b} is exactly ${expected}`, () =>
      assert.equal(op === '+' ? addNumbers(a, b) : subtractNumbers(a, b), expected));
  }

  test('a result past the range is an overflow', () =>
    assert.throws(() => addNumbers('9e125', '9e125'), { name: 'ValidationException', message: overflow }));

  test('a result with more than 38 significant digits is refused', () =>
    assert.throws(() => addNumbers('1e30', '1e-10'), { name: 'ValidationException', message: tooPrecise }));
});

describe('numberSize', () => {
  const cases: [string, number][] = [
    ['1', 2],
    ['12.3456', 4],
    ['0', 1],
    [`${'1'.repeat(38)}${'0'.repeat(88)}`, 20],
  ];
  for (const [input, size] of cases) {
    test(`counts ${input.slice(0, 20)} as ${size} bytes`, () => assert.equal(numberSize(input), size));
  }
});
