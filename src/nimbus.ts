/**
 * One running Nimbus: its state (database, blobs), its clock, the callers it knows, and the
 * services and models it has loaded so far. Models and providers load on first use; reset and
 * state import drop the loaded providers so that none keeps a stale view.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Clock } from './core/clock.js';
import { createLogger, type Logger, type LogLevel } from './core/logger.js';
import { serviceCatalog } from './generated/index.js';
import { CredentialStore } from './identity/credentials.js';
import { linkModel, type RawModel } from './protocol/model.js';
import type { ServiceModel } from './protocol/model-types.js';
import { ServiceResolver } from './resolve/resolve-service.js';
import { serviceRegistry } from './services/registry.js';
import type { Provider, ServiceDefinition, ServiceDeps, ServiceModule } from './services/service-types.js';
import { type BlobStore, FileBlobStore } from './state/blob-store.js';
import { Database } from './state/database.js';
import { TieredBlobStore } from './state/tiered-blob-store.js';

export interface NimbusConfig {
  /** Where state lives; ignored when ephemeral. */
  dataDir: string;
  ephemeral: boolean;
  logLevel: LogLevel;
  /** The region of requests that carry none (unsigned, no region in the host). */
  defaultRegion: string;
  /** The largest request body read into memory, in bytes. */
  maxBodyBytes: number;
  /** `full` fsyncs every commit (power-loss safe); `normal` survives a killed process. */
  durability: 'normal' | 'full';
}

export const defaultConfig: NimbusConfig = {
  dataDir: '.nimbus',
  ephemeral: false,
  logLevel: 'info',
  defaultRegion: 'us-east-1',
  maxBodyBytes: 72 * 1024 * 1024,
  durability: 'normal',
};

export interface LoadedService {
  definition: ServiceDefinition;
  module: ServiceModule;
  provider: Provider;
}

const clockOffsetKey = 'clock.offsetMs';

export class Nimbus {
  readonly config: NimbusConfig;
  readonly clock = new Clock();
  readonly logger: Logger;
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly credentials: CredentialStore;
  readonly resolver: ServiceResolver;
  readonly services: readonly ServiceDefinition[] = serviceRegistry;
  /** The address the server listens on (`http://127.0.0.1:4566`), once it does. */
  endpoint = 'http://localhost:4566';
  readonly #byModel = new Map<string, ServiceDefinition>();
  readonly #models = new Map<string, Promise<ServiceModel>>();
  /** Models and services that have finished loading, so that the hot path need not await them. */
  readonly #readyModels = new Map<string, ServiceModel>();
  readonly #readyServices = new Map<string, LoadedService>();
  #loaded = new Map<string, Promise<LoadedService>>();
  /** Where an ephemeral Nimbus keeps its blobs; removed on close. */
  #temporaryDir: string | undefined;
  /** The directory of the blob files (`blobs/` in the data directory, or the temporary one). */
  readonly #blobRoot: string;
  /** Each service's own blob store but S3's (which keeps the root one, `blobs`): see blobsFor. */
  readonly #ownerBlobs = new Map<string, BlobStore>();

  constructor(config: Partial<NimbusConfig> = {}) {
    this.config = { ...defaultConfig, ...config };
    this.logger = createLogger(this.config.logLevel);
    if (this.config.ephemeral) {
      this.db = new Database(undefined);
      this.#temporaryDir = mkdtempSync(join(tmpdir(), 'nimbus-blobs-'));
      this.#blobRoot = this.#temporaryDir;
      this.blobs = new TieredBlobStore(this.db, new FileBlobStore(this.#temporaryDir, { fsync: false }));
    } else {
      const dir = resolve(this.config.dataDir);
      mkdirSync(dir, { recursive: true });
      this.config.dataDir = dir;
      this.db = new Database(join(dir, 'nimbus.db'), { durability: this.config.durability });
      this.#blobRoot = join(dir, 'blobs');
      this.blobs = new TieredBlobStore(this.db, new FileBlobStore(this.#blobRoot));
    }
    const offset = Number(this.db.getMeta(clockOffsetKey) ?? 0);
    if (offset) this.clock.setOffset(offset);
    this.clock.onOffsetChange((ms) => this.db.setMeta(clockOffsetKey, String(ms)));
    this.credentials = new CredentialStore(this.db);
    for (const service of this.services) for (const model of service.models) this.#byModel.set(model, service);
    this.resolver = new ServiceResolver(this.services);
  }

  /** The linked model of a model folder (`iam`, `sqs-query`), loaded once. */
  model(name: string): Promise<ServiceModel> {
    let model = this.#models.get(name);
    if (!model) {
      const metadata = serviceCatalog[name];
      if (!metadata) return Promise.reject(new Error(`no model named ${name}`));
      model = metadata.load().then((loaded) => {
        const linked = linkModel(loaded.default as RawModel);
        this.#readyModels.set(name, linked);
        return linked;
      });
      this.#models.set(name, model);
    }
    return model;
  }

  /** The linked model if it has loaded already, without a turn of the event loop. */
  readyModel(name: string): ServiceModel | undefined {
    return this.#readyModels.get(name);
  }

  /** The service's provider if it is running already, without a turn of the event loop. */
  readyService(definition: ServiceDefinition): LoadedService | undefined {
    return this.#readyServices.get(definition.name);
  }

  /** The Nimbus service that answers a model, if any does. */
  serviceForModel(model: string): ServiceDefinition | undefined {
    return this.#byModel.get(model);
  }

  /** A service's provider, created (and its store migrated) on first use. */
  service(definition: ServiceDefinition): Promise<LoadedService> {
    let loaded = this.#loaded.get(definition.name);
    if (!loaded) {
      const pending: Promise<LoadedService> = definition.load().then((module) => {
        if (module.migrations) this.db.migrate(definition.name, module.migrations);
        const service = { definition, module, provider: module.createProvider(this.deps(definition.name)) };
        // Only if it was not dropped (reset) while loading.
        if (this.#loaded.get(definition.name) === pending) this.#readyServices.set(definition.name, service);
        return service;
      });
      loaded = pending;
      loaded.catch(() => this.#loaded.delete(definition.name));
      this.#loaded.set(definition.name, loaded);
    }
    return loaded;
  }

  /** The names of the services whose providers are running. */
  runningServices(): string[] {
    return [...this.#loaded.keys()];
  }

  /**
   * A service's blob store. S3 keeps the root store (its files predate owners); every other service
   * gets one of its own, files under `blobs/@<name>/` and small blobs in `_small_blobs_<name>`, so that
   * one owner's sweep of what its rows do not name (S3's, at its start) never meets another's blobs.
   */
  blobsFor(owner: string): BlobStore {
    if (owner === 's3') return this.blobs;
    let store = this.#ownerBlobs.get(owner);
    if (!store) {
      if (!/^[a-z0-9]+$/.test(owner)) throw new Error(`invalid blob owner ${owner}`);
      const files = new FileBlobStore(join(this.#blobRoot, `@${owner}`), { fsync: !this.config.ephemeral });
      store = new TieredBlobStore(this.db, files, undefined, `_small_blobs_${owner}`);
      this.#ownerBlobs.set(owner, store);
    }
    return store;
  }

  /** The owners with a blob store of their own (for state export). */
  blobOwners(): string[] {
    return this.services.map((service) => service.name).filter((name) => name !== 's3' && /^[a-z0-9]+$/.test(name));
  }

  deps(owner = 's3'): ServiceDeps {
    return {
      db: this.db,
      blobs: this.blobsFor(owner),
      clock: this.clock,
      credentials: this.credentials,
      logger: this.logger,
      endpoint: () => this.endpoint,
      provider: async (name) => {
        const definition = this.services.find((service) => service.name === name);
        if (!definition) throw new Error(`no service named ${name}`);
        return (await this.service(definition)).provider;
      },
    };
  }

  /** Empties the state of one service, or of all (and the blobs and credentials with it). */
  async reset(serviceName?: string): Promise<string[]> {
    const targets = serviceName ? this.services.filter((s) => s.name === serviceName) : this.services;
    if (serviceName && targets.length === 0) throw new Error(`no service named ${serviceName}`);
    await this.#dropProviders(targets.map((s) => s.name));
    if (serviceName) {
      this.db.reset(serviceName);
      this.credentials.deleteIssuedBy(serviceName);
      if (serviceName !== 's3' && this.#ownerBlobs.has(serviceName)) await this.blobsFor(serviceName).clear();
    } else {
      this.db.reset();
      for (const store of this.#ownerBlobs.values()) await store.clear();
      await this.blobs.clear();
    }
    return targets.map((s) => s.name);
  }

  /** Loads every service so that all their tables exist (state import needs them). */
  async loadAllServices(): Promise<void> {
    await Promise.all(this.services.map((definition) => this.service(definition)));
  }

  async #dropProviders(names: string[]): Promise<void> {
    for (const name of names) {
      const loaded = this.#loaded.get(name);
      if (!loaded) continue;
      this.#loaded.delete(name);
      this.#readyServices.delete(name);
      try {
        const provider = (await loaded).provider as { dispose?: () => void };
        provider.dispose?.();
      } catch {
        // A provider that failed to load has nothing to dispose.
      }
    }
  }

  /** Drops every provider (state import replaces what they would have cached). */
  async dropAllProviders(): Promise<void> {
    await this.#dropProviders([...this.#loaded.keys()]);
  }

  async close(): Promise<void> {
    await this.dropAllProviders();
    this.clock.stop();
    await this.db.close();
    if (this.#temporaryDir) rmSync(this.#temporaryDir, { recursive: true, force: true });
  }
}
