/**
 * Object keys as Firehose names them, and the expressions of custom prefixes.
 *
 * A key is `<evaluated prefix><suffix>`, the suffix
 * `<stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><file extension>`; a prefix without
 * expressions is followed by the default time prefix `yyyy/MM/dd/HH/`
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html). Expressions are
 * `!{timestamp:<Java DateTimeFormatter pattern>}`, `!{firehose:random-string}`,
 * `!{firehose:error-output-type}`, `!{partitionKeyFromQuery:key}` and `!{partitionKeyFromLambda:key}`;
 * every timestamp is the approximate arrival time of the oldest record in the object, in UTC unless
 * CustomTimeZone says otherwise (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface PrefixContext {
  /** Arrival time of the object's oldest record. */
  at: number;
  timeZone: string | undefined;
  errorOutputType?: string;
  partitionKeys?: Record<string, string>;
}

interface TimeParts {
  yyyy: string;
  MM: string;
  dd: string;
  HH: string;
  mm: string;
  ss: string;
  SSS: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(at: number, timeZone: string | undefined): TimeParts {
  const zone = timeZone || 'UTC';
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(at))) parts[part.type] = part.value;
  return {
    yyyy: (parts.year ?? '').padStart(4, '0'),
    MM: parts.month ?? '',
    dd: parts.day ?? '',
    HH: parts.hour ?? '',
    mm: parts.minute ?? '',
    ss: parts.second ?? '',
    SSS: String(((at % 1000) + 1000) % 1000).padStart(3, '0'),
  };
}

/** The default time prefix, `yyyy/MM/dd/HH/`. */
export function defaultTimePrefix(at: number, timeZone: string | undefined): string {
  const t = partsOf(at, timeZone);
  return `${t.yyyy}/${t.MM}/${t.dd}/${t.HH}/`;
}

/**
 * A Java DateTimeFormatter pattern, for the letters prefixes use (y, M, d, H, m, s, S); text in
 * single quotes is literal (`''` is a quote), as is any other character.
 */
export function formatTimestamp(pattern: string, at: number, timeZone: string | undefined): string {
  const t = partsOf(at, timeZone);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      out += pattern.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let run = 1;
    while (pattern[i + run] === c) run++;
    const token = pattern.slice(i, i + run);
    out += letter(c, run, t) ?? token;
    i += run;
  }
  return out;
}

function letter(c: string, run: number, t: TimeParts): string | undefined {
  const unpadded = (value: string) => String(Number(value)).padStart(run, '0');
  switch (c) {
    case 'y':
    case 'u':
      return run === 2 ? t.yyyy.slice(-2) : t.yyyy.padStart(run, '0');
    case 'M':
      return unpadded(t.MM);
    case 'd':
      return unpadded(t.dd);
    case 'H':
      return unpadded(t.HH);
    case 'm':
      return unpadded(t.mm);
    case 's':
      return unpadded(t.ss);
    case 'S':
      return t.SSS.slice(0, run).padEnd(run, '0');
    default:
      return undefined;
  }
}

/** Whether a prefix holds any `!{...}` expression (then no default time prefix follows it). */
export function hasExpressions(prefix: string): boolean {
  return prefix.includes('!{');
}

/** Firehose's random-string: 11 characters of [a-zA-Z0-9] (the docs show `!{firehose:random-string}` as such). */
function randomString(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = '';
  for (const byte of randomBytes(11)) out += alphabet[byte % alphabet.length];
  return out;
}

/**
 * A prefix with its expressions evaluated; a partition key that the record has none of is an
 * error (the record goes to the error output). `undefined` prefix is the empty one.
 */
export function evaluatePrefix(prefix: string | undefined, context: PrefixContext): string {
  const text = prefix ?? '';
  if (!hasExpressions(text)) return text + defaultTimePrefix(context.at, context.timeZone);
  return text.replace(/!\{([A-Za-z]+):([^}]*)\}/g, (whole, namespace: string, value: string) => {
    switch (namespace) {
      case 'timestamp':
        return formatTimestamp(value, context.at, context.timeZone);
      case 'firehose':
        if (value === 'random-string') return randomString();
        if (value === 'error-output-type') return context.errorOutputType ?? '';
        return whole;
      case 'partitionKeyFromQuery':
      case 'partitionKeyFromLambda': {
        const key = context.partitionKeys?.[value];
        if (key === undefined) throw new Error(`partition key ${value} was not found`);
        return key;
      }
      default:
        return whole;
    }
  });
}

/** The key's suffix: `<stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><extension>`. */
export function objectSuffix(
  stream: string,
  version: number,
  at: number,
  timeZone: string | undefined,
  extension: string,
): string {
  const t = partsOf(at, timeZone);
  return `${stream}-${version}-${t.yyyy}-${t.MM}-${t.dd}-${t.HH}-${t.mm}-${t.ss}-${randomUUID()}${extension}`;
}
