/** Identifiers in the forms AWS uses. */
import { randomBytes, randomUUID } from 'node:crypto';

/** A request id, as AWS writes them (a v4 UUID). */
export function newRequestId(): string {
  return randomUUID();
}

const upperAlphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `length` characters of [A-Z2-7], the alphabet of AWS's unique ids and access key ids. */
export function randomUpper(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += upperAlphanumeric[(bytes[i] as number) & 31];
  return out;
}

/**
 * An IAM unique id: a four-letter prefix that says the kind (AIDA user, AROA role, ANPA
 * managed policy, AGPA group, AIPA instance profile) and 17 more characters.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
 */
export function newUniqueId(prefix: 'AIDA' | 'AROA' | 'ANPA' | 'AGPA' | 'AIPA' | 'APKA' | 'ASCA' | 'ACCA'): string {
  return prefix + randomUpper(17);
}

/** An access key id: AKIA for long-term keys, ASIA for temporary ones; 20 characters. */
export function newAccessKeyId(kind: 'AKIA' | 'ASIA'): string {
  return kind + randomUpper(16);
}

/** A 40-character secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
}

/** A session token: opaque, long, base64 as AWS's are. */
export function newSessionToken(): string {
  return `FQoGZXIvYXdzE${randomBytes(180).toString('base64')}`;
}
