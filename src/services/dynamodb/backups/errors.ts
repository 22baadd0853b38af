/**
 * The errors of backups, recovery and exports, in AWS's words where they are on record:
 * - "Table not found: <name>" (TableNotFoundException from DescribeContinuousBackups, as AWS
 *   answered in hashicorp/terraform-provider-aws#26577 and nccgroup/ScoutSuite#1533);
 * - "Backup not found: <arn>" (BackupNotFoundException from DescribeBackup, turbot/steampipe-plugin-aws#1913).
 * The others follow the same pattern and are marked where they are not on record.
 */
import {
  BackupNotFoundException,
  PointInTimeRecoveryUnavailableException,
  TableAlreadyExistsException,
  TableNotFoundException,
} from '../../../generated/dynamodb/errors.js';
import type { RequestContext } from '../../service-types.js';
import { locateTable } from '../state.js';

export function tableNotFoundByName(ctx: RequestContext, nameOrArn: string): TableNotFoundException {
  return new TableNotFoundException(`Table not found: ${locateTable(ctx, nameOrArn).name}`);
}

export function backupNotFound(arn: string): BackupNotFoundException {
  return new BackupNotFoundException(`Backup not found: ${arn}`);
}

/** Not on record: the text of CreateTable's ResourceInUseException ("Table already exists: x"). */
export function tableAlreadyExists(name: string): TableAlreadyExistsException {
  return new TableAlreadyExistsException(`Table already exists: ${name}`);
}

/** Not on record: AWS's text is not in any recording or page we have. */
export function pitrUnavailable(name: string): PointInTimeRecoveryUnavailableException {
  return new PointInTimeRecoveryUnavailableException(`Point in time recovery is not enabled for table '${name}'`);
}
