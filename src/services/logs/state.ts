/**
 * What every CloudWatch Logs operation works with: the store, the clock, and the log group or
 * stream a request names, found by name or by ARN within the caller's account and region.
 *
 * ARNs: a log group's `arn` ends in `:*` and its `logGroupArn` does not; a stream's is the
 * group's followed by `:log-stream:{name}`.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html
 */
import type { Clock } from '../../core/clock.js';
import type { RequestContext, ServiceDeps } from '../service-types.js';
import {
  checkNameLength,
  groupNotFound,
  nameAndIdentifier,
  neitherNameNorIdentifier,
  streamNotFound,
} from './errors.js';
import { type GroupRow, LogsStore, type StreamRow } from './store.js';

export const dayMs = 86_400_000;

/** Where a request is addressed: its account and region. */
export interface Scope {
  account: string;
  region: string;
}

export function logGroupArn(scope: Scope, name: string): string {
  return `arn:aws:logs:${scope.region}:${scope.account}:log-group:${name}`;
}

/** `arn:aws:logs:region:account:log-group:name` (with or without `:*`) -> its parts. */
export function parseLogGroupArn(arn: string): { region: string; account: string; name: string } | undefined {
  const match = /^arn:aws[\w-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([.\-_/#A-Za-z0-9]+)(?::\*)?$/.exec(arn);
  return match ? { region: match[1] as string, account: match[2] as string, name: match[3] as string } : undefined;
}

export class LogsState {
  readonly store: LogsStore;
  readonly clock: Clock;

  constructor(deps: ServiceDeps) {
    this.store = new LogsStore(deps.db);
    this.clock = deps.clock;
  }

  now(): number {
    return this.clock.now();
  }

  /** The log group of this name in the caller's account and region; ResourceNotFoundException if none. */
  group(ctx: Scope, name: string): GroupRow {
    checkNameLength(name);
    const row = this.store.group(ctx.account, ctx.region, name);
    if (!row) throw groupNotFound();
    return row;
  }

  /**
   * The log group a name-or-identifier pair names (GetLogEvents, FilterLogEvents,
   * DescribeLogStreams take either, never both). An identifier is a name or an ARN; an ARN must name
   * the caller's own account and region.
   */
  groupByNameOrIdentifier(ctx: RequestContext, name: string | undefined, identifier: string | undefined): GroupRow {
    if (name !== undefined && identifier !== undefined) throw nameAndIdentifier();
    if (name !== undefined) return this.group(ctx, name);
    if (identifier === undefined) throw neitherNameNorIdentifier();
    return this.groupByIdentifier(ctx, identifier);
  }

  groupByIdentifier(ctx: RequestContext, identifier: string): GroupRow {
    if (!identifier.startsWith('arn:')) return this.group(ctx, identifier);
    const parts = parseLogGroupArn(identifier);
    // Cross-account observability is not modelled: another account's or region's group is not found.
    if (!parts || parts.account !== ctx.account || parts.region !== ctx.region) throw groupNotFound();
    return this.group(ctx, parts.name);
  }

  stream(group: GroupRow, name: string): StreamRow {
    checkNameLength(name);
    const row = this.store.stream(group.id, name);
    if (!row) throw streamNotFound();
    return row;
  }

  /** The earliest event time a group still keeps under its retention policy (0 without one). */
  retainedFrom(group: GroupRow, now = this.now()): number {
    return group.retention_days === null ? 0 : now - group.retention_days * dayMs;
  }
}
