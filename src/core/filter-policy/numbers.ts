/**
 * Numbers as event-ruler compares them (its ComparableNumber): a value between -5e9 and 5e9,
 * shifted and scaled to millionths and truncated, so that 1 and 1.0 and 1.0000001 are equal and an
 * AWS account id (123456789012) is no number at all for a numeric match. SNS documents its range
 * as -10^9..10^9 with five decimals
 * (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html); the
 * engine behind it accepts the wider range, and so do we: we do not know SNS's text for a value
 * between 10^9 and 5e9 and would rather accept a policy AWS may refuse than refuse one it accepts.
 */

export const fiveBillion = 5e9;

/** event-ruler's IllegalArgumentException text for a number out of its range. */
export const outOfRangeMessage = 'Value must be between -5.0E9 and 5.0E9, inclusive';

export function inComparableRange(value: number): boolean {
  return value >= -fiveBillion && value <= fiveBillion;
}

/** The comparable form of an in-range value (an integer; equal forms compare equal). */
export function comparable(value: number): number {
  return Math.trunc(1e6 * (fiveBillion + value));
}
