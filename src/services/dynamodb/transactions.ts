/**
 * TransactWriteItems and TransactGetItems: all or nothing. Every action is checked and its new
 * image computed before anything is written; if any condition fails, nothing is, and the answer
 * is TransactionCanceledException with one reason per action, in order
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
 * The request's savepoint makes the writes one unit.
 *
 * A ClientRequestToken makes a TransactWriteItems idempotent for 10 minutes by the Nimbus clock: a
 * replay with the same actions succeeds without writing again; other actions under the same token
 * are IdempotentParameterMismatchException (which AWS sends without a message: aws/aws-sdk#413).
 * Member order does not matter to the comparison (localstack/localstack#6529, verified on AWS).
 *
 * Message format: shared/aws-reference/recorded-responses/services/dynamodb/test_dynamodb.snapshot.json
 * (test_transaction_write_canceled).
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../errors/aws-error.js';
import { ValidationException } from '../../errors/common.js';
import { IdempotentParameterMismatchException, TransactionCanceledException } from '../../generated/dynamodb/errors.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import type { RequestContext } from '../service-types.js';
import { CapacityTally, readUnits, writeUnits } from './capacity.js';
import type { Item } from './item-codec.js';
import { type PreparedWrite, passes, prepareKey, preparePut, updatedImage } from './items.js';
import { keyAttributes } from './keys.js';
import { expressionsOf, projector } from './requests.js';
import type { DynamodbState } from './state.js';
import type { StoredKey } from './store.js';
import type { Table } from './table-model.js';
import { readItem, writeItem } from './writes.js';

/** "A client request token is valid for 10 minutes after the first request that uses it is completed." */
const tokenLifetimeMs = 600_000;

interface Reason {
  Code: string;
  Message?: string;
  Item?: Item;
}

export function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function cancelled(reasons: Reason[]): TransactionCanceledException {
  return new TransactionCanceledException(
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

interface Step extends PreparedWrite {
  write: boolean;
  reason: Reason;
}

function actionOf(item: T.TransactWriteItem) {
  const actions = [item.ConditionCheck, item.Put, item.Delete, item.Update].filter((a) => a !== undefined);
  if (actions.length !== 1) {
    throw new ValidationException('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  return item;
}

/** Checks one action and computes its effect; a failed condition or check becomes its reason. */
function prepareStep(state: DynamodbState, ctx: RequestContext, item: T.TransactWriteItem): Step {
  actionOf(item);
  const action = (item.ConditionCheck ?? item.Put ?? item.Delete ?? item.Update) as
    | T.ConditionCheck
    | T.Put
    | T.Delete
    | T.Update;
  const table = state.itemTable(ctx, action.TableName);
  let key: StoredKey;
  let put: { size: number } | undefined;
  if (item.Put) {
    const prepared = preparePut(table, item.Put.Item);
    key = prepared.key;
    put = prepared;
  } else {
    key = prepareKey(table, (action as T.Delete).Key);
  }
  const operation = item.Put ? 'PutItem' : item.Update ? 'UpdateItem' : item.Delete ? 'DeleteItem' : 'ConditionCheck';
  const parsed = expressionsOf(operation, action, table);
  if (item.ConditionCheck && !item.ConditionCheck.ConditionExpression) {
    throw new ValidationException(
      'The ConditionExpression parameter must be specified in the request for ConditionCheck',
    );
  }
  const old = readItem(state, table, key);
  const step: Step = { table, key, old, next: undefined, write: false, reason: { Code: 'None' } };
  if (!passes(parsed.condition, old)) {
    step.reason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
    if (action.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old) step.reason.Item = old.item;
    return step;
  }
  try {
    if (item.Put && put) {
      step.next = { item: item.Put.Item, size: put.size };
      step.write = true;
    } else if (item.Update) {
      step.next = updatedImage(table, keyAttributes(table, item.Update.Key), parsed.update, old);
      step.write = true;
    } else if (item.Delete) {
      step.write = true;
    }
  } catch (error) {
    if (!(error instanceof AwsError) || error.code !== 'ValidationException') throw error;
    step.reason = { Code: 'ValidationError', Message: error.message };
  }
  return step;
}

function keyText(table: Table, step: Step): string {
  return `${table.id}:${step.key.pk.toString('hex')}:${step.key.sk.toString('hex')}`;
}

function consumed(
  tallies: Map<Table, CapacityTally>,
  mode: T.ReturnConsumedCapacity | undefined,
  kind: 'read' | 'write',
): T.ConsumedCapacity[] | undefined {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  return [...tallies].map(([table, tally]) => tally.output(table, mode, kind) as T.ConsumedCapacity);
}

function tallyOf(tallies: Map<Table, CapacityTally>, table: Table): CapacityTally {
  let tally = tallies.get(table);
  if (!tally) {
    tally = new CapacityTally();
    tallies.set(table, tally);
  }
  return tally;
}

export function transactionOperations(state: DynamodbState) {
  return {
    transactWriteItems(ctx, input) {
      const now = state.now();
      const token = input.ClientRequestToken;
      const fingerprint = token ? createHash('sha256').update(canonical(input.TransactItems)).digest('hex') : '';
      if (token) {
        const seen = state.store.transactionToken(ctx.account, ctx.region, token, now);
        if (seen !== undefined) {
          if (seen !== fingerprint) throw new IdempotentParameterMismatchException('');
          return {};
        }
      }
      const steps = input.TransactItems.map((item) => prepareStep(state, ctx, item));
      const keys = new Set<string>();
      for (const step of steps) {
        const text = keyText(step.table, step);
        if (keys.has(text)) {
          throw new ValidationException('Transaction request cannot include multiple operations on one item');
        }
        keys.add(text);
      }
      if (steps.some((step) => step.reason.Code !== 'None')) throw cancelled(steps.map((step) => step.reason));
      const tallies = new Map<Table, CapacityTally>();
      for (const step of steps) {
        const tally = tallyOf(tallies, step.table);
        if (!step.write) {
          tally.table += 2 * writeUnits(step.old?.size ?? 0);
          continue;
        }
        const written = writeItem(state, step.table, step.key, step.old, step.next);
        tally.table += 2 * written.table;
        for (const [name, units] of written.global) tally.global.set(name, (tally.global.get(name) ?? 0) + 2 * units);
        for (const [name, units] of written.local) tally.local.set(name, (tally.local.get(name) ?? 0) + 2 * units);
      }
      if (token) state.store.saveTransactionToken(ctx.account, ctx.region, token, fingerprint, now + tokenLifetimeMs);
      const out: T.TransactWriteItemsOutput = {};
      const capacity = consumed(tallies, input.ReturnConsumedCapacity, 'write');
      if (capacity) out.ConsumedCapacity = capacity;
      return out;
    },

    transactGetItems(ctx, input) {
      const tallies = new Map<Table, CapacityTally>();
      const prepared = input.TransactItems.map(({ Get: get }) => {
        const table = state.itemTable(ctx, get.TableName);
        const key = prepareKey(table, get.Key);
        const { projection } = expressionsOf('GetItem', get, table);
        return { table, key, project: projector(projection) };
      });
      const keys = new Set<string>();
      for (const { table, key } of prepared) {
        const text = `${table.id}:${key.pk.toString('hex')}:${key.sk.toString('hex')}`;
        if (keys.has(text)) {
          throw new ValidationException('Transaction request cannot include multiple operations on one item');
        }
        keys.add(text);
      }
      const responses = prepared.map(({ table, key, project }) => {
        const found = readItem(state, table, key);
        tallyOf(tallies, table).table += 2 * readUnits(found?.size ?? 0, true);
        const response: T.ItemResponse = {};
        if (found) response.Item = project ? project(found.item) : found.item;
        return response;
      });
      const out: T.TransactGetItemsOutput = { Responses: responses };
      const capacity = consumed(tallies, input.ReturnConsumedCapacity, 'read');
      if (capacity) out.ConsumedCapacity = capacity;
      return out;
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
