/**
 * DynamoDB's PartiQL API: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html,
 * .../API_BatchExecuteStatement.html, .../API_ExecuteTransaction.html).
 *
 * Statements are parsed once per text (a small cache), their `?` bound to Parameters, and run on
 * the engine the other item operations use: SELECT through Query or Scan (select.ts), INSERT,
 * UPDATE, DELETE and EXISTS as checked single-item steps (dml.ts) written through writes.ts.
 *
 * - BatchExecuteStatement runs each statement alone: a statement that fails answers an Error
 *   {Code, Message, Item?} in its place (HTTP 200), the others still run; reads and writes may not
 *   be mixed, and a read names one item by its whole key.
 * - ExecuteTransaction is all or nothing: reads only (each one item by its key) or writes and
 *   EXISTS checks only; a failed step cancels all with TransactionCanceledException and one
 *   reason per statement, as TransactWriteItems does; ClientRequestToken makes it idempotent for
 *   10 minutes. A successful write transaction answers `"Responses": []`
 *   (shared/aws-reference/recorded-responses/services/dynamodb/test_dynamodb.snapshot.json,
 *   test_dynamodb_execute_transaction).
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../../errors/aws-error.js';
import { IdempotentParameterMismatchException } from '../../../generated/dynamodb/errors.js';
import type { DynamodbOperations } from '../../../generated/dynamodb/operations.js';
import type * as T from '../../../generated/dynamodb/types.js';
import type { RequestContext } from '../../service-types.js';
import { CapacityTally, readUnits, writeUnits } from '../capacity.js';
import { type Condition, evaluateCondition } from '../expressions/index.js';
import type { Item } from '../item-codec.js';
import { prepareKey } from '../items.js';
import type { DynamodbState } from '../state.js';
import type { Table } from '../table-model.js';
import { cancelled, canonical } from '../transactions.js';
import { validateAttributeValue } from '../values/attribute-values.js';
import { readItem } from '../writes.js';
import type { ParsedStatement, SelectStatement } from './ast.js';
import { applyWrite, prepareWrite, type WriteStatement, type WriteStep } from './dml.js';
import { itemKey } from './keys.js';
import { invalid, M } from './messages.js';
import { parseStatement } from './parser.js';
import { projector, selectRunner, selectSource, whereCondition } from './select.js';

/** "A client request token is valid for 10 minutes after the first request that uses it is completed." */
const tokenLifetimeMs = 600_000;

const cache = new Map<string, ParsedStatement | AwsError>();
const cacheSize = 512;

/** The parsed statement (or its syntax error), from a small cache of recent texts. */
function parsed(text: string): ParsedStatement {
  let entry = cache.get(text);
  if (entry === undefined) {
    try {
      entry = parseStatement(text);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      entry = error;
    }
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(text, entry);
  }
  if (entry instanceof AwsError) throw entry;
  return entry;
}

/** The statement with its parameters checked against its `?` count and validated as values. */
function bound(text: string, parameters: T.AttributeValue[] | undefined) {
  const statement = parsed(text);
  const values = parameters ?? [];
  if (values.length !== statement.parameters) throw invalid(M.parameterCount);
  for (const value of values) validateAttributeValue(value);
  return { ...statement, values };
}

/** BatchStatementError codes: the exception's name without "Exception". */
function errorOf(error: unknown): T.BatchStatementError {
  if (!(error instanceof AwsError)) throw error;
  const codes: Record<string, T.BatchStatementErrorCodeEnum> = {
    ValidationException: 'ValidationError',
    ConditionalCheckFailedException: 'ConditionalCheckFailed',
    DuplicateItemException: 'DuplicateItem',
    ResourceNotFoundException: 'ResourceNotFound',
    ItemCollectionSizeLimitExceededException: 'ItemCollectionSizeLimitExceeded',
    TransactionConflictException: 'TransactionConflict',
    ProvisionedThroughputExceededException: 'ProvisionedThroughputExceeded',
  };
  const out: T.BatchStatementError = { Code: codes[error.code] ?? 'InternalServerError', Message: error.message };
  const item = error.members.Item as Item | undefined;
  if (item) out.Item = item;
  return out;
}

function itemText(table: Table, key: { pk: Buffer; sk: Buffer }): string {
  return `${table.id}:${key.pk.toString('hex')}:${key.sk.toString('hex')}`;
}

class Tallies {
  readonly byTable = new Map<Table, CapacityTally>();

  of(table: Table): CapacityTally {
    let tally = this.byTable.get(table);
    if (!tally) {
      tally = new CapacityTally();
      this.byTable.set(table, tally);
    }
    return tally;
  }

  add(table: Table, written: CapacityTally | undefined, factor: number): void {
    const tally = this.of(table);
    if (!written) {
      tally.table += factor * writeUnits(0);
      return;
    }
    tally.table += factor * written.table;
    for (const [name, units] of written.global) tally.global.set(name, (tally.global.get(name) ?? 0) + factor * units);
    for (const [name, units] of written.local) tally.local.set(name, (tally.local.get(name) ?? 0) + factor * units);
  }

  output(mode: T.ReturnConsumedCapacity | undefined, kind: 'read' | 'write'): T.ConsumedCapacity[] | undefined {
    if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
    return [...this.byTable].map(([table, tally]) => tally.output(table, mode, kind) as T.ConsumedCapacity);
  }
}

/** A single-item SELECT (batch and transaction reads): the item if it exists and passes the rest. */
function readOne(
  state: DynamodbState,
  ctx: RequestContext,
  select: SelectStatement,
  values: T.AttributeValue[],
  message: string,
  consistent: boolean,
) {
  const { table, index } = selectSource(state, ctx, select, consistent);
  if (index) throw invalid(message);
  const { key, rest } = itemKey(table.keySchema, select.where ?? { kind: 'missing' }, values, message);
  const filter: Condition | undefined = whereCondition(rest, values);
  const stored = prepareKey(table, key);
  const found = readItem(state, table, stored);
  const project = projector(select.projection);
  const item = found && (!filter || evaluateCondition(filter, found.item)) ? found.item : undefined;
  return { table, stored, size: found?.size ?? 0, item: item && project ? project(item) : item };
}

export function partiqlOperations(state: DynamodbState) {
  const runSelect = selectRunner(state);

  return {
    executeStatement(ctx, input) {
      const { statement, values, writesIndex } = bound(input.Statement, input.Parameters);
      if (statement.kind === 'exists') throw invalid(M.existsOutsideTransaction);
      if (statement.kind === 'select') {
        return runSelect(ctx, {
          statement,
          text: input.Statement,
          parameters: values,
          limit: input.Limit,
          nextToken: input.NextToken,
          consistent: input.ConsistentRead === true,
          capacity: input.ReturnConsumedCapacity,
        });
      }
      if (writesIndex) throw invalid(M.indexWrite);
      const step = prepareWrite(state, ctx, statement, values, input.ReturnValuesOnConditionCheckFailure);
      if (step.failure) throw step.failure;
      const tallies = new Tallies();
      tallies.add(step.table, applyWrite(state, step), 1);
      const out: T.ExecuteStatementOutput = { Items: step.returned ? [step.returned] : [] };
      const capacity = tallies.output(input.ReturnConsumedCapacity, 'write');
      if (capacity?.[0]) out.ConsumedCapacity = capacity[0];
      return out;
    },

    batchExecuteStatement(ctx, input) {
      const prepared = input.Statements.map((request) => {
        try {
          return { request, statement: bound(request.Statement, request.Parameters) };
        } catch (error) {
          return { request, error: errorOf(error) };
        }
      });
      // The first statement that parses decides whether this is a batch of reads or of writes.
      const first = prepared.find((p) => p.statement && p.statement.statement.kind !== 'exists')?.statement;
      const reads = first?.statement.kind === 'select';
      for (const p of prepared) {
        const kind = p.statement?.statement.kind;
        if (kind !== undefined && kind !== 'exists' && (kind === 'select') !== reads) throw invalid(M.batchMixed);
      }
      const tallies = new Tallies();
      const responses = prepared.map(({ request, statement, error }): T.BatchStatementResponse => {
        if (error) return { Error: error };
        const { statement: parsedStatement, values, writesIndex } = statement!;
        try {
          if (parsedStatement.kind === 'exists') throw invalid(M.existsOutsideTransaction);
          if (parsedStatement.kind === 'select') {
            const consistent = request.ConsistentRead === true;
            const read = readOne(state, ctx, parsedStatement, values, M.batchSelect, consistent);
            tallies.of(read.table).table += readUnits(read.size, consistent);
            return read.item ? { TableName: read.table.name, Item: read.item } : { TableName: read.table.name };
          }
          if (writesIndex) throw invalid(M.indexWrite);
          const step = prepareWrite(state, ctx, parsedStatement, values, request.ReturnValuesOnConditionCheckFailure);
          if (step.failure) throw step.failure;
          tallies.add(step.table, applyWrite(state, step), 1);
          return step.returned ? { TableName: step.table.name, Item: step.returned } : { TableName: step.table.name };
        } catch (caught) {
          return { Error: errorOf(caught) };
        }
      });
      const out: T.BatchExecuteStatementOutput = { Responses: responses };
      const capacity = tallies.output(input.ReturnConsumedCapacity, reads ? 'read' : 'write');
      if (capacity) out.ConsumedCapacity = capacity;
      return out;
    },

    executeTransaction(ctx, input) {
      const now = state.now();
      const token = input.ClientRequestToken;
      const fingerprint = token
        ? createHash('sha256').update('partiql\0').update(canonical(input.TransactStatements)).digest('hex')
        : '';
      if (token) {
        const seen = state.store.transactionToken(ctx.account, ctx.region, token, now);
        if (seen !== undefined) {
          if (seen !== fingerprint) throw new IdempotentParameterMismatchException('');
          return { Responses: [] };
        }
      }
      const statements = input.TransactStatements.map((request) => ({
        request,
        ...bound(request.Statement, request.Parameters),
      }));
      for (const { statement } of statements) {
        if (
          statement.kind !== 'select' &&
          statement.kind !== 'insert' &&
          statement.kind !== 'exists' &&
          statement.returning
        ) {
          throw invalid(M.transactionReturning);
        }
      }
      const reads = statements[0]?.statement.kind === 'select';
      if (statements.some(({ statement }) => (statement.kind === 'select') !== reads))
        throw invalid(M.transactionMixed);
      const seenItems = new Set<string>();
      const once = (table: Table, key: { pk: Buffer; sk: Buffer }) => {
        const text = itemText(table, key);
        if (seenItems.has(text)) throw invalid(M.transactionSameItem);
        seenItems.add(text);
      };
      const tallies = new Tallies();

      if (reads) {
        const results = statements.map(({ statement, values }) => {
          const select = statement as SelectStatement;
          if (select.index !== undefined) throw invalid(M.transactionIndex);
          const read = readOne(state, ctx, select, values, M.transactionRead, true);
          once(read.table, read.stored);
          return read;
        });
        const responses = results.map((read): T.ItemResponse => {
          tallies.of(read.table).table += 2 * readUnits(read.size, true);
          return read.item ? { Item: read.item } : {};
        });
        const out: T.ExecuteTransactionOutput = { Responses: responses };
        const capacity = tallies.output(input.ReturnConsumedCapacity, 'read');
        if (capacity) out.ConsumedCapacity = capacity;
        return out;
      }

      const steps: WriteStep[] = statements.map(({ request, statement, values, writesIndex }) => {
        if (writesIndex) throw invalid(M.transactionIndexWrite);
        const step = prepareWrite(
          state,
          ctx,
          statement as WriteStatement,
          values,
          request.ReturnValuesOnConditionCheckFailure,
        );
        once(step.table, step.key);
        return step;
      });
      if (steps.some((step) => step.failure)) {
        throw cancelled(
          steps.map((step) => {
            if (!step.failure) return { Code: 'None' };
            const error = errorOf(step.failure);
            return { Code: error.Code as string, Message: error.Message, ...(error.Item ? { Item: error.Item } : {}) };
          }),
        );
      }
      for (const step of steps) {
        if (step.write) tallies.add(step.table, applyWrite(state, step), 2);
        else tallies.of(step.table).table += 2 * writeUnits(step.old?.size ?? 0);
      }
      if (token) state.store.saveTransactionToken(ctx.account, ctx.region, token, fingerprint, now + tokenLifetimeMs);
      const out: T.ExecuteTransactionOutput = { Responses: [] };
      const capacity = tallies.output(input.ReturnConsumedCapacity, 'write');
      if (capacity) out.ConsumedCapacity = capacity;
      return out;
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
