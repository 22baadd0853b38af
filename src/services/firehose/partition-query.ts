/**
 * Dynamic partitioning's MetadataExtractionQuery: the part of jq (JQ-1.6) that partition keys use,
 * an object of `name: path` pairs such as `{customer_id: .customer_id, year: .event.date.year}`
 * (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html). A path is `.` followed
 * by field names (`.a.b`), quoted fields (`.["a b"]`, `."a b"`) and array indexes (`.items[0]`); a
 * name may be quoted. Anything else of jq (pipes, functions, string interpolation) is refused when
 * the stream is created.
 */
import { invalidArgument } from './errors.js';

type Step = string | number;

export interface PartitionQuery {
  keys: Array<{ name: string; path: Step[] }>;
}

const cache = new Map<string, PartitionQuery>();

export function parsePartitionQuery(text: string): PartitionQuery {
  const cached = cache.get(text);
  if (cached) return cached;
  const source = text.trim();
  // The text is guessed: AWS's refusal of a query it cannot compile is not recorded.
  const refuse = () => invalidArgument(`Nimbus supports only simple field paths in MetadataExtractionQuery: ${text}`);
  if (!source.startsWith('{') || !source.endsWith('}')) throw refuse();
  const keys: PartitionQuery['keys'] = [];
  let i = 1;
  const end = source.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(source[i] as string)) i++;
  };
  const quoted = (): string => {
    let out = '';
    i++;
    while (i < end && source[i] !== '"') {
      if (source[i] === '\\') i++;
      out += source[i];
      i++;
    }
    if (source[i] !== '"') throw refuse();
    i++;
    return out;
  };
  const identifier = (): string => {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, end));
    if (!match) throw refuse();
    i += match[0].length;
    return match[0];
  };
  while (true) {
    skipSpace();
    if (i >= end) break;
    const name = source[i] === '"' ? quoted() : identifier();
    skipSpace();
    if (source[i] !== ':') throw refuse();
    i++;
    skipSpace();
    if (source[i] !== '.') throw refuse();
    const path: Step[] = [];
    i++;
    while (i < end) {
      const c = source[i];
      if (c === '"') path.push(quoted());
      else if (c === '[') {
        i++;
        skipSpace();
        if (source[i] === '"') path.push(quoted());
        else {
          const digits = /^\d+/.exec(source.slice(i, end));
          if (!digits) throw refuse();
          path.push(Number(digits[0]));
          i += digits[0].length;
        }
        skipSpace();
        if (source[i] !== ']') throw refuse();
        i++;
      } else if (c === '.') {
        i++;
      } else if (c !== undefined && /[A-Za-z_]/.test(c)) {
        path.push(identifier());
      } else break;
    }
    if (path.length === 0) throw refuse();
    keys.push({ name, path });
    skipSpace();
    if (source[i] === ',') i++;
    else if (i < end) throw refuse();
  }
  if (keys.length === 0) throw refuse();
  const query = { keys };
  if (cache.size > 256) cache.clear();
  cache.set(text, query);
  return query;
}

/**
 * The partition keys of one record. Throws when the record is not JSON or a key's value is
 * missing, null or not a scalar: the record then goes to the error output.
 */
export function extractPartitionKeys(query: PartitionQuery, data: Buffer): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    throw new PartitionError('DynamicPartitioning.MetadataExtractionFailed', 'Non JSON record provided');
  }
  const keys: Record<string, string> = {};
  for (const key of query.keys) {
    let at: unknown = value;
    for (const step of key.path) {
      at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[step] : undefined;
    }
    if (at === undefined || at === null || typeof at === 'object') {
      throw new PartitionError(
        'DynamicPartitioning.MetadataExtractionFailed',
        `The value of partition key ${key.name} is missing or not a scalar.`,
      );
    }
    keys[key.name] = String(at);
  }
  return keys;
}

export class PartitionError extends Error {
  readonly errorCode: string;
  constructor(errorCode: string, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}
