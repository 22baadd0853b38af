/**
 * AttributeValue checks as AWS makes them: exactly one data type set, sets non-empty and without
 * duplicates, numbers valid. Empty strings and binaries are allowed (in non-key attributes, and
 * inside sets: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.SetTypes);
 * key attributes are the provider's to check.
 *
 * Error texts: dynalite's test suite, recorded against AWS (test/updateItem.js, "should return
 * ValidationException for invalid values in Key" and "... for unsupported datatype in Key").
 */
import { ValidationException } from '../../../errors/common.js';
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import { normalizeNumber } from './numbers.js';

export type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'M' | 'L' | 'SS' | 'NS' | 'BS';
export type Item = Record<string, AttributeValue>;

export const EMPTY_VALUE = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
export const SEVERAL_TYPES =
  'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
const INVALID = 'One or more parameter values were invalid: ';

/** The data type of a value (undefined for an empty one). Checks the common types first. */
export function attributeType(value: AttributeValue): AttributeType | undefined {
  if (value.S !== undefined) return 'S';
  if (value.N !== undefined) return 'N';
  if (value.M !== undefined) return 'M';
  if (value.L !== undefined) return 'L';
  if (value.BOOL !== undefined) return 'BOOL';
  if (value.B !== undefined) return 'B';
  if (value.SS !== undefined) return 'SS';
  if (value.NS !== undefined) return 'NS';
  if (value.NULL !== undefined) return 'NULL';
  if (value.BS !== undefined) return 'BS';
  return undefined;
}

const typeKeys: readonly AttributeType[] = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'];

/**
 * The message AWS gives for an invalid value, or undefined when it is valid. Numbers (in N, NS
 * and nested) are rewritten in place to their canonical form, as AWS stores and answers them.
 */
export function attributeValueError(value: AttributeValue): string | undefined {
  try {
    checkValue(value);
    return undefined;
  } catch (error) {
    if (error instanceof ValidationException) return error.message;
    throw error;
  }
}

/** Throws ValidationException with AWS's message for an invalid value; normalizes numbers in place. */
export function validateAttributeValue(value: AttributeValue): void {
  checkValue(value);
}

/** Validates (and normalizes the numbers of) every attribute of an item. */
export function validateItem(item: Item): void {
  for (const name in item) checkValue(item[name]!);
}

function checkValue(value: AttributeValue): void {
  if (value === null || typeof value !== 'object') throw new ValidationException(EMPTY_VALUE);
  let type: AttributeType | undefined;
  for (const key of typeKeys) {
    if (value[key] === undefined || value[key] === null) continue;
    if (type !== undefined) throw new ValidationException(SEVERAL_TYPES);
    type = key;
  }
  switch (type) {
    case undefined:
      throw new ValidationException(EMPTY_VALUE);
    case 'N':
      value.N = normalizeNumber(value.N!);
      return;
    case 'NULL':
      if (value.NULL !== true)
        throw new ValidationException(INVALID + 'Null attribute value types must have the value of true');
      return;
    case 'SS': {
      const set = value.SS!;
      if (set.length === 0) throw new ValidationException(INVALID + 'An string set  may not be empty');
      if (new Set(set).size !== set.length) {
        throw new ValidationException(INVALID + `Input collection [${set.join(', ')}] contains duplicates.`);
      }
      return;
    }
    case 'NS': {
      const set = value.NS!;
      if (set.length === 0) throw new ValidationException(INVALID + 'An number set  may not be empty');
      for (let i = 0; i < set.length; i++) set[i] = normalizeNumber(set[i]!);
      if (new Set(set).size !== set.length) throw new ValidationException('Input collection contains duplicates');
      return;
    }
    case 'BS': {
      const set = value.BS!;
      if (set.length === 0) throw new ValidationException(INVALID + 'Binary sets should not be empty');
      const encoded = set.map((member) => Buffer.from(member).toString('base64'));
      if (new Set(encoded).size !== encoded.length) {
        throw new ValidationException(
          INVALID + `Input collection [${encoded.join(', ')}]of type BS contains duplicates.`,
        );
      }
      return;
    }
    case 'M': {
      const map = value.M!;
      for (const name in map) checkValue(map[name]!);
      return;
    }
    case 'L':
      for (const element of value.L!) checkValue(element);
      return;
    default:
      return;
  }
}
