/**
 * The trees the PartiQL parser builds. Parameters (`?`) stay as their position until a request
 * binds them (statement.ts), so that one parse serves any parameter list.
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';

/** One step of a document path: an attribute (or map key) name, or a list index. */
export type PathStep = string | number;

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'path'; steps: PathStep[] }
  | { kind: 'literal'; value: AttributeValue }
  | { kind: 'missing' }
  | { kind: 'param'; index: number }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'bag'; items: Expr[] }
  | { kind: 'tuple'; entries: { key: Expr; value: Expr }[] }
  | { kind: 'compare'; op: Comparator; left: Expr; right: Expr }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'in'; operand: Expr; list: Expr; negated: boolean }
  | { kind: 'is'; operand: Expr; type: string; negated: boolean }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'arith'; op: '+' | '-'; left: Expr; right: Expr };

export interface SelectStatement {
  kind: 'select';
  /** Undefined for `*`. */
  projection: Expr[] | undefined;
  table: string;
  index: string | undefined;
  where: Expr | undefined;
  orderBy: { name: string; descending: boolean }[];
}

export interface InsertStatement {
  kind: 'insert';
  table: string;
  value: Expr;
}

export type UpdateAction = { kind: 'set'; path: PathStep[]; value: Expr } | { kind: 'remove'; path: PathStep[] };

export type Returning = 'ALL OLD' | 'MODIFIED OLD' | 'ALL NEW' | 'MODIFIED NEW';

export interface UpdateStatement {
  kind: 'update';
  table: string;
  actions: UpdateAction[];
  where: Expr;
  returning: Returning | undefined;
}

export interface DeleteStatement {
  kind: 'delete';
  table: string;
  where: Expr;
  returning: Returning | undefined;
}

/** `EXISTS(SELECT ...)`: a condition check, in ExecuteTransaction only. */
export interface ExistsStatement {
  kind: 'exists';
  select: SelectStatement;
}

export type Statement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;

/** A parsed statement and the number of `?` it holds. */
export interface ParsedStatement {
  statement: Statement;
  parameters: number;
  /** A table name qualified by an index in a write (`"t"."i"`), refused when executed. */
  writesIndex: boolean;
}
