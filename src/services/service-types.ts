/**
 * What a service is to the rest of Nimbus. `services/<name>/index.ts` exports a
 * ServiceDefinition: the resolution hints (small, read at start-up) and a `load()` that
 * imports the provider module on first use, so that start-up does not grow with the number
 * of services.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Caller, CredentialStore } from '../identity/credentials.js';
import type { BlobStore } from '../state/blob-store.js';
import type { Database, Migration } from '../state/database.js';

/** Where the resolver may find a service beyond the SigV4 scope, target header and Action. */
export interface ServiceHints {
  /** Host names that name this service (`{bucket}.s3.localhost`, `sqs.us-east-1.localhost`). */
  hosts?: RegExp[];
  /** Path prefixes of unsigned REST requests (`/2015-03-31/functions`). */
  pathPrefixes?: string[];
  /**
   * Query actions that only this service has, for unsigned GETs of `/?Action=...` with no
   * Version: the links a service hands out to be opened in a browser (SNS's SubscribeURL).
   */
  queryActions?: string[];
  /**
   * Path prefixes of the service's own inspection routes (`/_nimbus/sns`, LocalStack's
   * `/_aws/sns/`), answered by its provider's `control()` (see ServiceControl).
   */
  controlPaths?: string[];
}

/** A request to a service's inspection route, and its answer: data, never HTTP objects. */
export interface ControlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The endpoint the client addressed, for links in the answer. */
  endpoint: string;
}

export interface ControlAnswer {
  status: number;
  /** JSON-serialisable data, or a text or bytes with their content type. */
  json?: unknown;
  text?: string;
  bytes?: Buffer;
  contentType?: string;
}

/** What a provider with `controlPaths` implements. */
export interface ServiceControl {
  control(request: ControlRequest): ControlAnswer | Promise<ControlAnswer>;
}

export interface ServiceDefinition {
  /** The service's name in Nimbus: health, reset and state use it (`sts`, `iam`, `sqs`). */
  name: string;
  /** The model folders this service answers (`sqs` answers `sqs` and `sqs-query`). */
  models: string[];
  /** IAM, CloudFront, Route 53: one state for all regions. */
  global?: boolean;
  hints?: ServiceHints;
  /**
   * Whether the provider should start when Nimbus does (once it listens), not on first use: it
   * has background work of its own to resume (Lambda's event source mappings). Reads the stored state.
   */
  startAtBoot?: (db: Database) => boolean;
  load: () => Promise<ServiceModule>;
}

/** What a provider module exports. */
export interface ServiceModule {
  /** Operation name -> provider method name, from the generated `operations.ts`. */
  operations: Readonly<Record<string, string>>;
  /** The store schema, applied before the provider first runs. */
  migrations?: readonly Migration[];
  /**
   * Operations that never write. The edge runs them in the turn's batch (one read snapshot for
   * the turn: running them outside it, a snapshot per statement, cost S3's GetObject a quarter
   * of its rate) but without a savepoint of their own, since they have nothing to undo.
   */
  readOnlyOperations?: ReadonlySet<string>;
  /**
   * Operations whose provider throws its AwsErrors before its first write, so that a failed
   * request has nothing to undo: the edge runs them in the batch without a savepoint
   * (`Database.unguarded`; any other error rolls back the whole batch).
   */
  checksBeforeWrites?: ReadonlySet<string>;
  createProvider(deps: ServiceDeps): Provider;
}

/**
 * A provider: methods named by the operation table, each `(ctx, input) => output`, and
 * optionally `dispose()`, which stops its timers and background work (on stop, reset and state
 * import).
 */
export type Provider = object;

/** What a provider is given: state, time, identity and the other services, never HTTP. */
export interface ServiceDeps {
  db: Database;
  blobs: BlobStore;
  clock: Clock;
  credentials: CredentialStore;
  logger: Logger;
  /**
   * Nimbus's own address (`http://127.0.0.1:4566`), for links a service hands out outside any
   * request (an SNS envelope published for S3); in a request, `ctx.endpoint` is the one the client used.
   */
  endpoint(): string;
  /**
   * Another service's provider, for in-process calls between services (STS asks IAM for a
   * role). The caller narrows it to the interface that service exports for the purpose.
   */
  provider(name: string): Promise<Provider>;
}

/** The request as a provider sees it. */
export interface RequestContext {
  requestId: string;
  /** The Nimbus service name (`sqs`) and the operation (`SendMessage`). */
  service: string;
  operation: string;
  account: string;
  region: string;
  partition: 'aws';
  caller: Caller;
  /**
   * The base URL the client addressed (`http://localhost:4566`, `http://sqs.us-east-1.localhost:4566`),
   * for the URLs AWS hands out that name its own endpoint (SQS queue URLs).
   */
  endpoint: string;
  /**
   * Runs `listener` if the client goes away before the answer is written; returns a function
   * that stops listening. A long poll uses it to free its waiter.
   */
  onClientGone(listener: () => void): () => void;
  /**
   * True when the answer goes to the awsJson serializer, which writes RawJson values verbatim
   * (protocol/raw-json.ts): a provider may then answer stored wire text (DynamoDB items) as is.
   * In-process callers leave it unset and get plain values.
   */
  rawJson?: boolean;
}
