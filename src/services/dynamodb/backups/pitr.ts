/**
 * Point-in-time recovery settings (DescribeContinuousBackups, UpdateContinuousBackups) and the
 * item history that makes a restore or an export to an earlier time possible.
 *
 * Terraform's aws_dynamodb_table reads DescribeContinuousBackups on every refresh. The answer's
 * shape is AWS's recorded one (test_dynamodb.snapshot.json, test_continuous_backup_update):
 * ContinuousBackupsStatus ENABLED, and with recovery on its status, RecoveryPeriodInDays (35 by
 * default) and the restorable window. The window opens when recovery was turned on (or
 * RecoveryPeriodInDays ago, whichever is later) and ends now, by the Nimbus clock: AWS's latest
 * restorable time trails by about five minutes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html),
 * which a local cloud has no reason to copy.
 */

import type * as T from '../../../generated/dynamodb/types.js';
import type { RequestContext } from '../../service-types.js';
import { encodeItem } from '../item-codec.js';
import type { DynamodbState } from '../state.js';
import type { Table } from '../table-model.js';
import { itemSize } from '../values/item-size.js';
import type { ChangeListener } from '../writes.js';
import { tableNotFoundByName } from './errors.js';
import type { BackupStore, PitrRow } from './store.js';

const day = 86_400_000;
export const defaultRecoveryDays = 35;

export interface RecoveryWindow {
  earliest: number;
  latest: number;
}

export function recoveryWindow(row: PitrRow, now: number): RecoveryWindow {
  return { earliest: Math.max(row.enabled_at, now - row.period_days * day), latest: now };
}

/** Keeps each change's previous image while the table has recovery on, in the write's transaction. */
export function logChanges(state: DynamodbState, store: BackupStore): ChangeListener {
  return (change) => {
    const row = store.pitr(change.table.id);
    if (!row) return;
    const old = change.oldImage;
    const text = old ? encodeItem(old) : null;
    const { h, pk, sk } = change.key;
    store.logChange(change.table.id, state.now(), h, pk, sk, text, old ? itemSize(old) : 0);
  };
}

export function describeContinuous(store: BackupStore, table: Table, now: number): T.ContinuousBackupsDescription {
  const row = store.pitr(table.id);
  if (!row) {
    return {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
    };
  }
  const window = recoveryWindow(row, now);
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: 'ENABLED',
      RecoveryPeriodInDays: row.period_days,
      EarliestRestorableDateTime: new Date(window.earliest),
      LatestRestorableDateTime: new Date(window.latest),
    },
  };
}

export function pitrOperations(state: DynamodbState, store: BackupStore) {
  function table(ctx: RequestContext, name: string): Table {
    const found = state.findTable(ctx, name);
    if (!found) throw tableNotFoundByName(ctx, name);
    return found;
  }

  return {
    describeContinuousBackups(ctx: RequestContext, input: T.DescribeContinuousBackupsInput) {
      return { ContinuousBackupsDescription: describeContinuous(store, table(ctx, input.TableName), state.now()) };
    },

    updateContinuousBackups(ctx: RequestContext, input: T.UpdateContinuousBackupsInput) {
      const target = table(ctx, input.TableName);
      const wanted = input.PointInTimeRecoverySpecification;
      const now = state.now();
      store.dropOrphans();
      if (wanted.PointInTimeRecoveryEnabled) {
        const current = store.pitr(target.id);
        const days = wanted.RecoveryPeriodInDays ?? current?.period_days ?? defaultRecoveryDays;
        store.setPitr({ table_id: target.id, enabled_at: current?.enabled_at ?? now, period_days: days });
        // A shorter period makes older history unreachable.
        store.trimLog(target.id, now - days * day);
      } else {
        store.clearPitr(target.id);
      }
      return { ContinuousBackupsDescription: describeContinuous(store, target, now) };
    },
  };
}
