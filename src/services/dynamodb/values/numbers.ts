/**
 * DynamoDB numbers: decimal strings of up to 38 significant digits, magnitude 1E-130 to
 * 9.9999999999999999999999999999999999999E+125 (positive or negative) or zero.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
 *
 * A number is kept as a coefficient (BigInt, no trailing zeros) and a power of ten, so that
 * arithmetic is exact; JavaScript floats never touch a value. AWS answers numbers in a canonical
 * plain form ("1.0" -> "1", "0.10" -> "0.1", "1e2" -> "100", "-0" -> "0"); `normalizeNumber` gives
 * that form, and the rest of the engine compares canonical strings without parsing them again.
 *
 * Error texts: dynalite's test suite, recorded against AWS (test/updateItem.js, "should return
 * ValidationException for empty/invalid numbers in Key"), and the current AWS wording for a
 * string that is not a number ("A value provided cannot be converted into a number").
 */
import { ValidationException } from '../../../errors/common.js';

export const NUMBER_NOT_A_NUMBER = 'A value provided cannot be converted into a number';
export const NUMBER_TOO_PRECISE = 'Attempting to store more than 38 significant digits in a Number';
export const NUMBER_OVERFLOW =
  'Number overflow. Attempting to store a number with magnitude larger than supported range';
export const NUMBER_UNDERFLOW =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';

const MAX_DIGITS = 38;
/** Exponent of the most significant digit: 9.99...E+125 is the largest, 1E-130 the smallest. */
const MAX_EXPONENT = 125;
const MIN_EXPONENT = -130;

/** value = sign * digits * 10^exponent; `digits` has no leading or trailing zeros ('' for zero). */
export interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

const ZERO: Decimal = { negative: false, digits: '', exponent: 0 };

/** Parses a number as AWS accepts it (Java BigDecimal syntax); throws ValidationException. */
export function parseNumber(text: string): Decimal {
  const decimal = parseDecimal(text);
  if (decimal === undefined) throw new ValidationException(NUMBER_NOT_A_NUMBER);
  checkRange(decimal);
  return decimal;
}

/** The canonical form AWS answers with; throws ValidationException for what is not a valid number. */
export function normalizeNumber(text: string): string {
  return formatNumber(parseNumber(text));
}

/** Whether a string is already in canonical form (a cheap test that saves a parse). */
export function isCanonicalNumber(text: string): boolean {
  const decimal = parseDecimal(text);
  return decimal !== undefined && formatNumber(decimal) === text;
}

function parseDecimal(text: string): Decimal | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (i < length && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) {
    negative = text.charCodeAt(i) === 45;
    i++;
  }
  let mantissa = '';
  let fractionDigits = 0;
  let seenPoint = false;
  let seenDigit = false;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      seenDigit = true;
      mantissa += text[i];
      if (seenPoint) fractionDigits++;
    } else if (c === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      break;
    }
  }
  if (!seenDigit) return undefined;
  let exponent = 0;
  if (i < length) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return undefined;
    i++;
    let exponentNegative = false;
    if (i < length && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) {
      exponentNegative = text.charCodeAt(i) === 45;
      i++;
    }
    if (i === length) return undefined;
    for (; i < length; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      // Past this the number is out of range anyway; stop before the exponent loses precision.
      if (exponent < 1e9) exponent = exponent * 10 + d;
    }
    if (exponentNegative) exponent = -exponent;
  }
  let start = 0;
  while (start < mantissa.length && mantissa.charCodeAt(start) === 48) start++;
  let end = mantissa.length;
  while (end > start && mantissa.charCodeAt(end - 1) === 48) end--;
  if (start === end) return ZERO;
  return {
    negative,
    digits: mantissa.slice(start, end),
    exponent: exponent - fractionDigits + (mantissa.length - end),
  };
}

function checkRange(decimal: Decimal): void {
  if (decimal.digits === '') return;
  const top = decimal.exponent + decimal.digits.length - 1;
  // dynalite checks overflow, then underflow, then precision (validations/index.js, checkNum).
  if (top > MAX_EXPONENT) throw new ValidationException(NUMBER_OVERFLOW);
  if (top < MIN_EXPONENT) throw new ValidationException(NUMBER_UNDERFLOW);
  if (decimal.digits.length > MAX_DIGITS) throw new ValidationException(NUMBER_TOO_PRECISE);
}

/** Plain decimal notation, no exponent, no superfluous zeros. */
export function formatNumber(decimal: Decimal): string {
  const { digits, exponent } = decimal;
  if (digits === '') return '0';
  const sign = decimal.negative ? '-' : '';
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent);
  const point = digits.length + exponent;
  if (point > 0) return sign + digits.slice(0, point) + '.' + digits.slice(point);
  return sign + '0.' + '0'.repeat(-point) + digits;
}

/**
 * Compares two numbers in canonical form (what `normalizeNumber` returns): negative, zero or
 * positive as a < b, a = b, a > b. No parsing, no allocation: filters call this per item.
 */
export function compareNumbers(a: string, b: string): number {
  if (a === b) return 0;
  const aNegative = a.charCodeAt(0) === 45;
  const bNegative = b.charCodeAt(0) === 45;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  if (aNegative) return compareMagnitudes(b, a, 1);
  return compareMagnitudes(a, b, 0);
}

/** Compares |a| and |b|, both canonical, starting after the sign at `from`. */
function compareMagnitudes(a: string, b: string, from: number): number {
  const aInteger = integerLength(a, from);
  const bInteger = integerLength(b, from);
  if (aInteger !== bInteger) return aInteger < bInteger ? -1 : 1;
  // Same number of integer digits: digit strings compare in order, the shorter first on a tie,
  // because canonical forms have no trailing zeros.
  const aLength = a.length;
  const bLength = b.length;
  let i = from;
  for (; i < aLength && i < bLength; i++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return aLength === bLength ? 0 : aLength < bLength ? -1 : 1;
}

/** Digits before the point; 0 for "0" and for "0.xxx" (whose leading "0" is not significant). */
function integerLength(text: string, from: number): number {
  if (text.charCodeAt(from) === 48) return 0;
  const point = text.indexOf('.', from);
  return (point === -1 ? text.length : point) - from;
}

function toBigInt(decimal: Decimal): bigint {
  if (decimal.digits === '') return 0n;
  const value = BigInt(decimal.digits);
  return decimal.negative ? -value : value;
}

function fromBigInt(value: bigint, exponent: number): Decimal {
  if (value === 0n) return ZERO;
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString();
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  const trailing = digits.length - end;
  digits = digits.slice(0, end);
  return { negative, digits, exponent: exponent + trailing };
}

/** a + b exactly, canonical; throws ValidationException when the result leaves DynamoDB's range. */
export function addNumbers(a: string, b: string): string {
  return formatNumber(sum(parseNumber(a), parseNumber(b), false));
}

/** a - b exactly, canonical; throws ValidationException when the result leaves DynamoDB's range. */
export function subtractNumbers(a: string, b: string): string {
  return formatNumber(sum(parseNumber(a), parseNumber(b), true));
}

function sum(a: Decimal, b: Decimal, subtract: boolean): Decimal {
  const exponent = Math.min(a.digits === '' ? b.exponent : a.exponent, b.digits === '' ? a.exponent : b.exponent);
  const aValue = toBigInt(a) * 10n ** BigInt(a.exponent - exponent);
  let bValue = toBigInt(b) * 10n ** BigInt(b.exponent - exponent);
  if (subtract) bValue = -bValue;
  const result = fromBigInt(aValue + bValue, exponent);
  checkRange(result);
  return result;
}

/**
 * Bytes that sort, under SQLite's BINARY collation (memcmp, then length), in the numeric order of
 * the numbers they encode, so that the storage layer can keep number range keys in a BLOB column
 * and let an index order them. Equal numbers ("1", "1.0", "1e0") encode to equal bytes.
 *
 * Layout: one class byte (0x01 negative, 0x02 zero, 0x03 positive); then, for a non-zero number,
 * one byte for the exponent of its most significant digit (biased by 130 into 0..255, inverted
 * for negatives) and the significant digits as ASCII '0'..'9' (digit d written as '9' - d for
 * negatives, closed by 0xFF so that a longer magnitude sorts before its own prefix).
 * Throws ValidationException for a string that is not a valid DynamoDB number.
 */
export function encodeSortableNumber(n: string): Buffer {
  const decimal = parseNumber(n);
  const { digits } = decimal;
  if (digits === '') return Buffer.from([0x02]);
  const top = decimal.exponent + digits.length - 1 - MIN_EXPONENT;
  const length = digits.length;
  if (!decimal.negative) {
    const bytes = Buffer.allocUnsafe(length + 2);
    bytes[0] = 0x03;
    bytes[1] = top;
    for (let i = 0; i < length; i++) bytes[i + 2] = digits.charCodeAt(i);
    return bytes;
  }
  const bytes = Buffer.allocUnsafe(length + 3);
  bytes[0] = 0x01;
  bytes[1] = 255 - top;
  for (let i = 0; i < length; i++) bytes[i + 2] = 105 - digits.charCodeAt(i); // '9' - d + '0'
  bytes[length + 2] = 0xff;
  return bytes;
}

/**
 * The bytes a number counts for in an item's size: "approximately 1 byte per two significant
 * digits + 1 byte" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 * We count base-100 digit pairs aligned on the decimal point (how such numbers are commonly
 * stored), which matches AWS's capacity figures recorded in dynalite's tests ("12.3456" -> 4).
 */
export function numberSize(canonical: string): number {
  const decimal = parseDecimal(canonical);
  if (decimal === undefined || decimal.digits === '') return 1;
  const low = Math.floor(decimal.exponent / 2);
  const high = Math.floor((decimal.exponent + decimal.digits.length - 1) / 2);
  return high - low + 2;
}
