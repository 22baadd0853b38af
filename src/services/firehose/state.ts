/**
 * What every Firehose operation works with: the store, the clock, the other services, and the
 * delivery stream a request names within the caller's account and region.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ServiceDeps } from '../service-types.js';
import type { StreamConfig } from './destinations.js';
import { streamNotFound } from './errors.js';
import { FirehoseStore, type StreamRow } from './store.js';

export interface Scope {
  account: string;
  region: string;
}

export function streamArn(scope: Scope, name: string): string {
  return `arn:aws:firehose:${scope.region}:${scope.account}:deliverystream/${name}`;
}

export class FirehoseState {
  readonly store: FirehoseStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.store = new FirehoseStore(deps.db);
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.deps = deps;
  }

  now(): number {
    return this.clock.now();
  }

  /** The stream of this name in the caller's account and region; ResourceNotFoundException if none. */
  stream(scope: Scope, name: string): StreamRow {
    const row = this.store.stream(scope.account, scope.region, name);
    if (!row) throw streamNotFound(name, scope.account);
    return row;
  }
}

export function configOf(row: StreamRow): StreamConfig {
  return JSON.parse(row.config) as StreamConfig;
}
