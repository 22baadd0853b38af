/**
 * What every Lambda operation works with: the store, the clock, the code cache, the pool of
 * execution environments, the log shipper and the queue of asynchronous invocations.
 *
 * The work directory holds what can be made again from the state: extracted code (one
 * directory per code blob), the Python bootstrap, the `node_modules` link for ES modules. It is
 * a temporary directory of this provider, removed when it is disposed: ServiceDeps names no
 * data directory, and nothing there needs to survive a restart.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from '../../core/ids.js';
import type { CredentialRecord } from '../../identity/credentials.js';
import type { ServiceDeps } from '../service-types.js';
import { codeDirectory, extractZip, isDirectory, mergeDirectories } from './code.js';
import { CodeSigningStore } from './code-signing.js';
import { ExecutionEnvironment } from './environments.js';
import { FunctionSettingsStore } from './function-settings-store.js';
import { launchSpec, linkNodeModules } from './launch.js';
import { LogShipper, logGroupOf, logStreamName } from './logs.js';
import { EnvironmentPool, functionKey } from './pool.js';
import { PublishedStore } from './published-store.js';
import { pythonBootstrap } from './runtimes/python-bootstrap.js';
import { runtimeFamily } from './runtimes.js';
import { LambdaStore, type StoredFunction } from './store.js';

/** How many processes one function may run at once when it reserves no concurrency. */
const defaultMaxEnvironments = Number(process.env.NIMBUS_LAMBDA_MAX_ENVIRONMENTS ?? 10);
/** How long an idle environment stays warm (real time). */
const idleMs = Number(process.env.NIMBUS_LAMBDA_IDLE_SECONDS ?? 600) * 1000;

export class LambdaState {
  readonly deps: ServiceDeps;
  readonly store: LambdaStore;
  /** Versions, aliases, policies, URLs and layers. */
  readonly published: PublishedStore;
  readonly codeSigning: CodeSigningStore;
  /** Provisioned concurrency, recursive loop detection and runtime management. */
  readonly settings: FunctionSettingsStore;
  readonly logs: LogShipper;
  readonly pool: EnvironmentPool;
  readonly workDir: string;
  readonly #pythonBootstrap: string;
  readonly #extracting = new Map<string, Promise<string>>();
  readonly #credentials = new Map<string, CredentialRecord>();
  /** Where functions call back to Nimbus: the server's address, or the endpoint the last Lambda request addressed. */
  endpoint: string;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.endpoint = deps.endpoint();
    this.store = new LambdaStore(deps.db);
    this.published = new PublishedStore(deps.db);
    this.codeSigning = new CodeSigningStore(deps.db);
    this.settings = new FunctionSettingsStore(deps.db);
    this.logs = new LogShipper(deps.provider, deps.logger, deps.db);
    this.workDir = mkdtempSync(join(tmpdir(), 'nimbus-lambda-'));
    mkdirSync(join(this.workDir, 'code'), { recursive: true });
    mkdirSync(join(this.workDir, 'rt'), { recursive: true });
    this.#pythonBootstrap = join(this.workDir, 'bootstrap.py');
    writeFileSync(this.#pythonBootstrap, pythonBootstrap);
    this.pool = new EnvironmentPool({
      start: (fn, onDead) => this.#startEnvironment(fn, onDead),
      maxEnvironments: defaultMaxEnvironments,
      idleMs,
    });
    // Credentials a previous run issued to its environments: none of those processes is left.
    deps.db.transaction(() => deps.credentials.deleteIssuedBy('lambda'));
  }

  now(): number {
    return this.deps.clock.now();
  }

  /** Remembers where clients reach Nimbus (a `*.localhost` host as `localhost`, which every resolver knows). */
  noteEndpoint(endpoint: string): void {
    this.endpoint = endpoint.replace(/^(https?:\/\/)[^/:]*\.localhost(?=[:/]|$)/, '$1localhost');
  }

  /** The extracted code of a blob, extracted now if it is not yet. */
  codeDir(blobId: string): Promise<string> {
    let pending = this.#extracting.get(blobId);
    if (!pending) {
      pending = (async () => {
        const dir = codeDirectory(this.workDir, blobId);
        if (await isDirectory(dir)) return dir;
        const zip = await this.deps.blobs.get(blobId);
        if (!zip) throw new Error(`lambda: the code blob ${blobId} is missing`);
        await extractZip(zip, dir);
        await linkNodeModules(join(this.workDir, 'code'));
        return dir;
      })();
      pending.catch(() => this.#extracting.delete(blobId));
      this.#extracting.set(blobId, pending);
    }
    return pending;
  }

  /**
   * The directory a function's layers are extracted into, in their order (a later layer's file
   * replaces an earlier one's, as AWS merges them into /opt). Layer versions never change, so
   * every environment of the same list of layers shares one directory, made on first use.
   */
  optDir(layers: Array<{ Arn?: string }> | undefined): Promise<string> | undefined {
    const arns = (layers ?? []).map((layer) => layer.Arn ?? '');
    if (arns.length === 0) return undefined;
    const key = `opt:${arns.join('\n')}`;
    let pending = this.#extracting.get(key);
    if (!pending) {
      pending = (async () => {
        const dir = join(this.workDir, 'opt', createHash('sha256').update(key).digest('hex').slice(0, 32));
        if (await isDirectory(dir)) return dir;
        const staging = `${dir}.parts`;
        const parts: string[] = [];
        for (const [index, arn] of arns.entries()) {
          const match = /:layer:([^:]+):(\d+)$/.exec(arn);
          const account = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:(\d{12}):/.exec(arn)?.[1] ?? '';
          const region = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):/.exec(arn)?.[1] ?? '';
          const layer = match
            ? this.published.layerVersion(account, region, match[1] as string, Number(match[2]))
            : undefined;
          const zip = layer ? await this.deps.blobs.get(layer.codeBlob) : undefined;
          if (!zip) throw new Error(`lambda: the layer ${arn} is missing`);
          const part = join(staging, String(index));
          await extractZip(zip, part);
          parts.push(part);
        }
        await mergeDirectories(parts, dir);
        rmSync(staging, { recursive: true, force: true });
        return dir;
      })();
      pending.catch(() => this.#extracting.delete(key));
      this.#extracting.set(key, pending);
    }
    return pending;
  }

  /** Forgets a code blob's extracted directory (the blob was replaced or deleted). */
  dropCode(blobId: string): void {
    this.#extracting.delete(blobId);
    rmSync(codeDirectory(this.workDir, blobId), { recursive: true, force: true });
  }

  /**
   * The temporary credentials of a function's role session, as AWS gives each function its
   * execution role's (session name: the function's name). Issued once per function and run.
   */
  credentialsFor(fn: StoredFunction): CredentialRecord {
    const key = `${functionKey(fn.account, fn.region, fn.name)}\n${fn.config.Role}`;
    let record = this.#credentials.get(key);
    if (!record) {
      const role = fn.config.Role ?? '';
      const account = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(role)?.[1] ?? fn.account;
      const roleName = role.slice(role.lastIndexOf('/') + 1);
      const roleId = `AROA${createHash('sha256').update(role).digest('hex').slice(0, 17).toUpperCase()}`;
      record = {
        accessKeyId: newAccessKeyId('ASIA'),
        secretAccessKey: newSecretAccessKey(),
        sessionToken: newSessionToken(),
        account,
        principalArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${fn.name}`,
        principalId: `${roleId}:${fn.name}`,
        kind: 'assumed-role',
        userName: null,
        status: 'Active',
        createdAt: this.now(),
        expiresAt: null,
        source: 'lambda',
        session: null,
      };
      const issued = record;
      this.deps.db.transaction(() => this.deps.credentials.put(issued));
      this.#credentials.set(key, record);
    }
    return record;
  }

  forgetCredentials(fn: StoredFunction): void {
    const key = `${functionKey(fn.account, fn.region, fn.name)}\n${fn.config.Role}`;
    const record = this.#credentials.get(key);
    if (!record) return;
    this.#credentials.delete(key);
    this.deps.db.transaction(() => this.deps.credentials.delete(record.accessKeyId));
  }

  async #startEnvironment(
    fn: StoredFunction,
    onDead: (env: ExecutionEnvironment) => void,
  ): Promise<ExecutionEnvironment> {
    const config = fn.config;
    const group = config.LoggingConfig?.LogGroup ?? logGroupOf(fn.name);
    let stream = '';
    const env: ExecutionEnvironment = new ExecutionEnvironment({
      clock: this.deps.clock,
      timeoutSeconds: config.Timeout ?? 3,
      memorySize: config.MemorySize ?? 128,
      generation: fn.generation,
      version: fn.version ?? '$LATEST',
      log: (event) => this.logs.push(fn.account, fn.region, group, stream, event),
      onDead: () => onDead(env),
    });
    stream = logStreamName(this.now(), env.id, fn.version);
    const [taskRoot, runtimeApi, optDir] = await Promise.all([
      this.codeDir(fn.codeBlob),
      env.listen(this.#runtimeSocket(env.id, config.Runtime)),
      this.optDir(config.Layers),
    ]);
    const runtimeApiSocket = env.socketPath;
    const credentials = this.credentialsFor(fn);
    env.spawn(
      launchSpec({
        runtime: config.Runtime ?? '',
        handler: config.Handler ?? '',
        taskRoot,
        functionName: fn.name,
        memorySize: config.MemorySize ?? 128,
        region: fn.region,
        logGroup: group,
        logStream: stream,
        runtimeApi,
        ...(runtimeApiSocket !== undefined ? { runtimeApiSocket } : {}),
        endpoint: this.endpoint,
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: credentials.sessionToken ?? '',
        },
        variables: config.Environment?.Variables ?? {},
        pythonBootstrap: this.#pythonBootstrap,
        version: fn.version ?? '$LATEST',
        ...(optDir !== undefined ? { optDir } : {}),
      }),
    );
    await env.ready;
    return env;
  }

  /**
   * Where the Runtime API of an environment of our runtimes (Node.js, Python) also listens: a
   * Unix socket in the work directory (runtime-local.ts). None on Windows, for custom runtimes,
   * or where the path would pass the 104 bytes a socket address holds on macOS (107 on Linux).
   */
  #runtimeSocket(environmentId: string, runtime: string | undefined): string | undefined {
    const family = runtimeFamily(runtime ?? '');
    if (process.platform === 'win32' || (family !== 'node' && family !== 'python')) return undefined;
    const path = join(this.workDir, 'rt', `${environmentId.slice(0, 16)}.sock`);
    return Buffer.byteLength(path) < 100 ? path : undefined;
  }

  dispose(): void {
    this.pool.stopAll();
    this.logs.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
