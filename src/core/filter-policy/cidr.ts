/**
 * IP addresses and CIDR blocks the way event-ruler's CIDR class reads them: an address is its bytes
 * as upper-case hex (8 digits for IPv4, 32 for IPv6), so that a block is a range of equal-length
 * strings. Its quirks are kept, because AWS answers with them:
 * - a text is an address only if it looks like one first ([0-9]+.[0-9]+.[0-9]+.[0-9]+, or hex digits
 *   and colons with at least one colon); anything else is a "Nonstandard IP address";
 * - a block runs from the address as written (its host bits are not cleared) to the address with all
 *   host bits set: 10.0.0.5/24 covers 10.0.0.5 to 10.0.0.255;
 * - /32 (IPv4) and /128 (IPv6) are refused ("mask bits must be < 32").
 * The messages are those recorded for SNS (test_sns_filter_policy.snapshot.json,
 * TestSNSFilterPolicyConditions::test_validate_policy_string_operators, error-condition-bad-cidr-*).
 */

/** An error event-ruler raises as IllegalArgumentException: AWS shows it without a JSON location. */
export class PatternValueError extends Error {}

const ipv4Shape = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const ipv6Shape = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** The address as hex if `text` is an IP address literal, else null. */
export function ipToHex(text: string): string | null {
  const bytes = ipBytes(text);
  return bytes === null || bytes === 'malformed' ? null : toHex(bytes);
}

/** The inclusive hex range a CIDR block covers; throws PatternValueError with event-ruler's message. */
export function parseCidr(cidr: string): { bottom: string; top: string } {
  // Java's String.split drops trailing empty strings: "10.0.0.0/" has one part.
  const parts = cidr.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) throw new PatternValueError("Malformed CIDR, one '/' required");
  const maskText = parts[1] as string;
  const maskBits = /^[+-]?[0-9]+$/.test(maskText) ? Number(maskText) : Number.NaN;
  if (!Number.isInteger(maskBits) || maskBits > 2147483647 || maskBits < -2147483648) {
    throw new PatternValueError('Malformed CIDR, mask bits must be an integer');
  }
  if (maskBits < 0) throw new PatternValueError('Malformed CIDR, mask bits must not be negative');
  const address = parts[0] as string;
  const bytes = ipBytes(address);
  if (bytes === null) throw new PatternValueError(`Nonstandard IP address: ${address}`);
  if (bytes === 'malformed') throw new PatternValueError(`Invalid IP address: ${address}`);
  if (bytes.length === 4 && maskBits > 31) throw new PatternValueError('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw new PatternValueError('IPv6 mask bits must be < 128');
  const top = bytes.slice();
  let hostBits = bytes.length * 8 - maskBits;
  for (let i = top.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    top[i] = hostBits >= 8 ? 0xff : (top[i] as number) | ((1 << hostBits) - 1);
  }
  return { bottom: toHex(bytes), top: toHex(top) };
}

/** The address bytes; null if the text does not look like an address, 'malformed' if it does but is not one. */
function ipBytes(text: string): number[] | null | 'malformed' {
  if (ipv4Shape.test(text)) return ipv4Bytes(text) ?? 'malformed';
  if (ipv6Shape.test(text)) return ipv6Bytes(text) ?? 'malformed';
  return null;
}

function ipv4Bytes(text: string): number[] | null {
  const bytes: number[] = [];
  for (const part of text.split('.')) {
    // Java refuses ambiguous (octal-looking) literals such as 010 since the 2022 JDK updates.
    if (part.length > 3 || (part.length > 1 && part[0] === '0')) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

function ipv6Bytes(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes: number[] = [];
  for (const word of words) bytes.push(word >> 8, word & 0xff);
  // Java's InetAddress turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into the IPv4 address.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  return bytes;
}

function groups(text: string): number[] | null {
  if (text === '') return [];
  const words: number[] = [];
  for (const group of text.split(':')) {
    if (group.length === 0 || group.length > 4) return null;
    words.push(Number.parseInt(group, 16));
  }
  return words;
}

function toHex(bytes: number[]): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).toUpperCase().padStart(2, '0');
  return out;
}
