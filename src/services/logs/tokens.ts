/**
 * Paging tokens. GetLogEvents's tokens have AWS's shape, `f/` or `b/` and 56 digits (the CLI's
 * example: `"nextForwardToken": "f/31961209122447488583055879464742346735121166569214640130"`,
 * https://docs.aws.amazon.com/cli/latest/reference/logs/get-log-events.html): the digits are an
 * event's position, its timestamp in the high bits and its sequence number below, so the same
 * number serves as FilterLogEvents's eventId. The other operations' tokens are opaque base64url
 * of a small JSON value. Anything that does not decode is AWS's "The specified nextToken is
 * invalid." (recorded, test_logs_events `test_get_log_events_invalid_token`).
 */
import { invalidToken } from './errors.js';
import type { Position } from './store.js';

const sequenceBits = 144n;
const sequenceMask = (1n << sequenceBits) - 1n;

/** An event's position as AWS-looking 56 digits. */
export function positionDigits(position: Position): string {
  const value = (BigInt(position.timestamp) << sequenceBits) | BigInt(position.seq);
  return value.toString().padStart(56, '0');
}

function digitsPosition(digits: string): Position {
  if (!/^\d{1,80}$/.test(digits)) throw invalidToken();
  const value = BigInt(digits);
  const timestamp = value >> sequenceBits;
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidToken();
  return { timestamp: Number(timestamp), seq: Number(value & sequenceMask) };
}

export type Direction = 'forward' | 'backward';

export function streamToken(direction: Direction, position: Position): string {
  return `${direction === 'forward' ? 'f' : 'b'}/${positionDigits(position)}`;
}

/** `f/...` or `b/...` -> its direction and position. */
export function parseStreamToken(token: string): { direction: Direction; position: Position } {
  const match = /^([fb])\/(\d+)(?:\/s)?$/.exec(token);
  if (!match) throw invalidToken();
  return { direction: match[1] === 'f' ? 'forward' : 'backward', position: digitsPosition(match[2] as string) };
}

export function opaqueToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes an opaque token whose value `accept` recognises; anything else is an invalid token. */
export function parseOpaqueToken<T>(token: string, accept: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!accept(value)) throw invalidToken();
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
