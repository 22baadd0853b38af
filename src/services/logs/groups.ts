/**
 * Log groups: create, delete, describe and list, retention policies, deletion protection.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 *
 * DescribeLogGroups pages in name order (its token is the last name shown). A retention policy
 * takes one of the values the Days shape documents; events older than it are no longer read
 * and are deleted when the Nimbus clock passes them (retention.ts).
 */
import type { LogsOperations } from '../../generated/logs/operations.js';
import type {
  DescribeLogGroupsResponse,
  LogGroup,
  LogGroupClass,
  LogGroupSummary,
} from '../../generated/logs/types.js';
import type { RequestContext } from '../service-types.js';
import { checkNameLength, deletionProtected, groupExists, invalidRetention, prefixAndPattern } from './errors.js';
import type { Retention } from './retention.js';
import { type LogsState, logGroupArn, type Scope } from './state.js';
import type { GroupRow } from './store.js';
import { isRecord, opaqueToken, parseOpaqueToken } from './tokens.js';

/** The Days shape's documented values (../shared/aws-models/logs, Days). */
export const retentionDays: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const describeLimit = 50;

export function describeGroup(scope: Scope, row: GroupRow): LogGroup {
  const arn = logGroupArn(scope, row.name);
  const group: LogGroup = {
    logGroupName: row.name,
    creationTime: row.created_at,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: row.stored_bytes,
    logGroupClass: row.log_group_class as LogGroupClass,
    logGroupArn: arn,
    deletionProtectionEnabled: row.deletion_protection === 1,
  };
  if (row.retention_days !== null) group.retentionInDays = row.retention_days;
  if (row.kms_key_id !== null) group.kmsKeyId = row.kms_key_id;
  return group;
}

/**
 * With logGroupNamePattern AWS answers fewer members (the API reference says arn, creationTime
 * and logGroupName; the recording, test_logs_groups `test_describe_log_groups_with_pattern`,
 * also shows logGroupArn, logGroupClass and metricFilterCount, and that is what we give).
 */
function describeGroupBriefly(scope: Scope, row: GroupRow): LogGroup {
  const arn = logGroupArn(scope, row.name);
  return {
    logGroupName: row.name,
    creationTime: row.created_at,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    logGroupClass: row.log_group_class as LogGroupClass,
    logGroupArn: arn,
  };
}

/** Creates a log group (CreateLogGroup, and the groups other services write to). */
export function createGroup(
  state: LogsState,
  scope: Scope,
  name: string,
  options: { tags?: Record<string, string>; kmsKeyId?: string; logGroupClass?: string; deletionProtection?: boolean },
): GroupRow {
  checkNameLength(name);
  if (state.store.group(scope.account, scope.region, name)) throw groupExists();
  return state.store.insertGroup({
    account: scope.account,
    region: scope.region,
    name,
    created_at: state.now(),
    retention_days: null,
    kms_key_id: options.kmsKeyId ?? null,
    log_group_class: options.logGroupClass ?? 'STANDARD',
    deletion_protection: options.deletionProtection ? 1 : 0,
    tags: JSON.stringify(options.tags ?? {}),
  });
}

function isNameToken(value: unknown): value is { after: string } {
  return isRecord(value) && typeof value.after === 'string';
}

export function groupOperations(state: LogsState, retention: Retention) {
  return {
    createLogGroup(ctx, input) {
      createGroup(state, ctx, input.logGroupName, {
        tags: input.tags,
        kmsKeyId: input.kmsKeyId,
        logGroupClass: input.logGroupClass,
        deletionProtection: input.deletionProtectionEnabled,
      });
    },

    deleteLogGroup(ctx, input) {
      const group = state.group(ctx, input.logGroupName);
      if (group.deletion_protection === 1) throw deletionProtected();
      state.store.deleteGroup(group.id);
    },

    describeLogGroups(ctx, input) {
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) throw prefixAndPattern();
      const limit = input.limit ?? describeLimit;
      const after = input.nextToken === undefined ? '' : parseOpaqueToken(input.nextToken, isNameToken).after;
      const logGroupClass = input.logGroupClass ?? null;
      let rows: GroupRow[];
      if (input.logGroupIdentifiers !== undefined) {
        rows = identifiedGroups(state, ctx, input.logGroupIdentifiers, after, limit + 1);
      } else if (input.logGroupNamePattern) {
        rows = state.store.groupsContaining(ctx, input.logGroupNamePattern, logGroupClass, after, limit + 1);
      } else {
        rows = state.store.groupsByPrefix(ctx, input.logGroupNamePrefix ?? '', logGroupClass, after, limit + 1);
      }
      const page = rows.slice(0, limit);
      const describe = input.logGroupNamePattern ? describeGroupBriefly : describeGroup;
      const output: DescribeLogGroupsResponse = { logGroups: page.map((row) => describe(ctx, row)) };
      const last = page.at(-1);
      if (rows.length > limit && last) output.nextToken = opaqueToken({ after: last.name });
      return output;
    },

    listLogGroups(ctx, input) {
      const limit = input.limit ?? describeLimit;
      const matches = namePatternMatcher(input.logGroupNamePattern);
      let after = input.nextToken === undefined ? '' : parseOpaqueToken(input.nextToken, isNameToken).after;
      const found: GroupRow[] = [];
      // Reads in name order a chunk at a time until the page is full: the pattern is matched here.
      for (;;) {
        const chunk = state.store.groupsByPrefix(ctx, '', input.logGroupClass ?? null, after, 500);
        for (const row of chunk) if (matches(row.name)) found.push(row);
        const last = chunk.at(-1);
        if (found.length > limit || chunk.length < 500 || !last) break;
        after = last.name;
      }
      const page = found.slice(0, limit);
      const logGroups: LogGroupSummary[] = page.map((row) => ({
        logGroupName: row.name,
        logGroupArn: logGroupArn(ctx, row.name),
        logGroupClass: row.log_group_class as LogGroupClass,
      }));
      const last = page.at(-1);
      return found.length > limit && last ? { logGroups, nextToken: opaqueToken({ after: last.name }) } : { logGroups };
    },

    putRetentionPolicy(ctx, input) {
      const group = state.group(ctx, input.logGroupName);
      if (!retentionDays.includes(input.retentionInDays)) throw invalidRetention(input.retentionInDays, retentionDays);
      state.store.setRetention(group.id, input.retentionInDays);
      retention.changed();
    },

    deleteRetentionPolicy(ctx, input) {
      const group = state.group(ctx, input.logGroupName);
      state.store.setRetention(group.id, null);
      retention.changed();
    },

    putLogGroupDeletionProtection(ctx, input) {
      const group = state.groupByIdentifier(ctx, input.logGroupIdentifier);
      state.store.setDeletionProtection(group.id, input.deletionProtectionEnabled);
    },
  } satisfies Partial<LogsOperations<RequestContext>>;
}

/** The groups logGroupIdentifiers names (names or ARNs of this account and region) that exist, in name order. */
function identifiedGroups(
  state: LogsState,
  ctx: RequestContext,
  identifiers: string[],
  after: string,
  limit: number,
): GroupRow[] {
  const rows: GroupRow[] = [];
  for (const identifier of new Set(identifiers)) {
    try {
      const row = state.groupByIdentifier(ctx, identifier);
      if (row.name > after) rows.push(row);
    } catch {
      // An identifier that names no group is left out of the list, not an error.
    }
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows.slice(0, limit);
}

/**
 * ListLogGroups's logGroupNamePattern: alternatives separated by `|`, each a case-sensitive
 * substring, or a prefix when it starts with `^` (the ListLogGroups API reference).
 */
function namePatternMatcher(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  const alternatives = pattern.split('|').filter((part) => part !== '');
  return (name) =>
    alternatives.some((part) => (part.startsWith('^') ? name.startsWith(part.slice(1)) : name.includes(part)));
}
