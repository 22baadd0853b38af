/**
 * The filter-policy engine: SNS subscription filter policies today, EventBridge event patterns
 * later. The grammar (event-ruler's, read the way Jackson reads JSON) and the matcher are shared;
 * sns.ts is the SNS layer (its dialect, limits, error texts and attribute typing). An EventBridge
 * layer would add its own dialect (wildcard, anything-but suffix and equals-ignore-case, "exactly")
 * over parsePattern on the raw pattern text, and compileDocumentRule for events.
 */

export { PatternValueError } from './cidr.js';
export {
  flattenRules,
  type NumericRange,
  type PatternDialect,
  type PatternEntry,
  type PatternObject,
  parsePattern,
  type RuleField,
  type ValuePattern,
} from './grammar.js';
export { JsonLocatedError } from './json-reader.js';
/** Jackson-exact JSON reading, e.g. for SNS's other JSON attributes ("RedrivePolicy: failed to parse JSON. ..."). */
export { type JsonTree, readTree, writeCompact } from './json-tree.js';
export {
  compileDocumentRule,
  compileField,
  type DocumentRule,
  type FieldMatcher,
  fieldMatches,
  type Scalar,
} from './match.js';
export {
  compileFilterPolicy,
  type FilterPolicy,
  FilterPolicyError,
  type FilterPolicyScope,
  type MessageAttribute,
  parseFilterPolicyScope,
  snsDialect,
} from './sns.js';
