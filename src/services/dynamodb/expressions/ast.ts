/**
 * The trees the parser builds and the checks complete: names (`#n`) and values (`:v`) are
 * resolved in place by checks.ts, so that evaluation walks plain data.
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import type { Token } from './tokenizer.js';

/** One step of a document path: an attribute name (map key) or a list index. */
export type PathElement = string | number;

export interface RawName {
  text: string;
  /** `#name` (resolved through ExpressionAttributeNames) or a bare name. */
  placeholder: boolean;
  token: Token;
}

export interface PathNode {
  kind: 'path';
  raw: (RawName | number)[];
  /** Filled in by the checks. */
  path: PathElement[];
  token: Token;
}

export interface ValueNode {
  kind: 'value';
  name: string;
  /** Filled in by the checks. */
  value: AttributeValue;
  token: Token;
}

export interface CallNode {
  kind: 'call';
  name: string;
  args: Node[];
  token: Token;
}

export interface ArithmeticNode {
  kind: 'arithmetic';
  operator: '+' | '-';
  left: Node;
  right: Node;
  token: Token;
}

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export interface CompareNode {
  kind: 'compare';
  operator: Comparator;
  left: Node;
  right: Node;
  token: Token;
}

export interface BetweenNode {
  kind: 'between';
  operand: Node;
  low: Node;
  high: Node;
  token: Token;
}

export interface InNode {
  kind: 'in';
  operand: Node;
  list: Node[];
  token: Token;
}

export interface LogicalNode {
  kind: 'and' | 'or';
  left: Node;
  right: Node;
  token: Token;
}

export interface NotNode {
  kind: 'not';
  operand: Node;
  token: Token;
}

export type OperandNode = PathNode | ValueNode | CallNode | ArithmeticNode;
export type ConditionNode = CompareNode | BetweenNode | InNode | LogicalNode | NotNode | CallNode;
export type Node = OperandNode | CompareNode | BetweenNode | InNode | LogicalNode | NotNode;

export type UpdateSection = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

export interface UpdateAction {
  section: UpdateSection;
  path: PathNode;
  /** SET: the value expression; ADD and DELETE: the value operand; REMOVE: none. */
  value?: Node;
}
