/**
 * FilterCriteria: each filter's Pattern is an event pattern (the grammar SNS filter policies and
 * EventBridge share) over the record as the function would get it, with an SQS `body` or a Kinesis
 * `data` read as JSON when it is JSON
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html). A record passes
 * when any filter matches; a mapping without filters passes everything.
 */
import {
  compileDocumentRule,
  type DocumentRule,
  flattenRules,
  type PatternDialect,
  parsePattern,
} from '../../../core/filter-policy/index.js';
import type { FilterCriteria } from '../../../generated/lambda/types.js';
import { invalidParameter } from '../errors.js';

/** EventBridge's operators, which Lambda's filtering documents (prefix, suffix, anything-but, ...). */
const lambdaDialect: PatternDialect = {
  matchTypes: new Set([
    'prefix',
    'suffix',
    'equals-ignore-case',
    'anything-but',
    'numeric',
    'exists',
    'cidr',
    'wildcard',
  ]),
  anythingButOperators: new Set(['prefix', 'suffix', 'equals-ignore-case']),
  anythingButNotString: 'prefix/suffix match pattern must be a string',
  anythingButEmpty: 'Null prefix/suffix not allowed',
};

export type RecordFilter = (record: object) => boolean;

/** Compiles a mapping's filters; "Invalid filter pattern definition." for any that is not a pattern (test_sqs_invalid_event_filter). */
export function compileFilters(criteria: FilterCriteria | undefined): RecordFilter | undefined {
  const filters = criteria?.Filters ?? [];
  if (filters.length === 0) return undefined;
  const rules: DocumentRule[] = [];
  for (const filter of filters) {
    try {
      const pattern = parsePattern(filter.Pattern ?? '', lambdaDialect);
      for (const fields of flattenRules(pattern)) rules.push(compileDocumentRule(fields));
    } catch {
      throw invalidParameter('Invalid filter pattern definition.');
    }
  }
  return (record) => rules.some((rule) => rule(record));
}

/** The record as filters see it: `field` (body, data) parsed when it holds a JSON object. */
export function filterView(record: Record<string, unknown>, field: string, text: string): object {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object') return { ...record, [field]: parsed };
  } catch {
    // Not JSON: filters see the plain string.
  }
  return record;
}
