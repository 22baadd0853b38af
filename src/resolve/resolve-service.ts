/**
 * Which service a request is for, and in which protocol it speaks, in the order AWS's own
 * front ends effectively use: the SigV4 credential scope's signing name, then the
 * X-Amz-Target prefix (JSON) or the rpc-v2-cbor path, then the form's Version/Action (query),
 * then the host name, then path hints, then S3 as the last resort.
 *
 * The answer is a list of candidates, most likely first; when several models share a signing
 * name and a protocol (API Gateway v1/v2, RDS/Neptune/DocumentDB), the edge takes the first
 * whose model has an operation that matches. Resolution reads only the service catalogue
 * and the services' hints: it never imports a service.
 */
import { serviceCatalog } from '../generated/index.js';
import type { ServiceMetadata } from '../protocol/model-types.js';
import type { ServiceDefinition } from '../services/service-types.js';

/** The wire family a request's shape says, before any model is consulted. */
export type WireFamily = 'json' | 'smithy-rpc-v2-cbor' | 'query' | 'rest';

export interface Candidate {
  metadata: ServiceMetadata;
  /** The protocol to parse with: `json`, `query`, `ec2`, `rest-json`, `rest-xml`, `smithy-rpc-v2-cbor`. */
  protocol: string;
}

export interface RequestShape {
  method: string;
  path: string;
  query: string;
  host: string;
  headers: Record<string, string | undefined>;
  /** The SigV4 signing name and region, when signed. */
  signingName?: string | undefined;
  /** Form fields of a query request that arrived unsigned (Version, Action). */
  form?: URLSearchParams | undefined;
}

/** Models that win a tie on signing name and protocol: the superset API first. */
const preferred = ['rds', 's3', 'apigateway', 'ses', 'dynamodb'];

export class ServiceResolver {
  readonly #bySigningName = new Map<string, ServiceMetadata[]>();
  readonly #byTarget = new Map<string, ServiceMetadata[]>();
  readonly #byCborName = new Map<string, ServiceMetadata[]>();
  readonly #byVersion = new Map<string, ServiceMetadata[]>();
  readonly #hostRules: Array<{ pattern: RegExp; models: string[] }> = [];
  readonly #pathRules: Array<{ prefix: string; models: string[] }> = [];
  readonly #byAction = new Map<string, string[]>();
  readonly #implemented = new Set<string>();

  constructor(services: readonly ServiceDefinition[]) {
    for (const service of services) {
      for (const model of service.models) this.#implemented.add(model);
      for (const pattern of service.hints?.hosts ?? []) this.#hostRules.push({ pattern, models: service.models });
      for (const prefix of service.hints?.pathPrefixes ?? []) this.#pathRules.push({ prefix, models: service.models });
      for (const action of service.hints?.queryActions ?? []) this.#byAction.set(action, service.models);
    }
    const rank = (m: ServiceMetadata): number => {
      const implemented = this.#implemented.has(m.name) ? 0 : 2;
      return implemented + (preferred.includes(m.name) ? 0 : 1);
    };
    const all = Object.values(serviceCatalog).sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : 1));
    for (const metadata of all) {
      add(this.#bySigningName, metadata.signingName, metadata);
      if (metadata.endpointPrefix !== metadata.signingName) add(this.#bySigningName, metadata.endpointPrefix, metadata);
      if (metadata.targetPrefix) {
        add(this.#byTarget, metadata.targetPrefix, metadata);
        if (metadata.protocols.includes('smithy-rpc-v2-cbor')) add(this.#byCborName, metadata.targetPrefix, metadata);
      }
      if (metadata.protocols.includes('query') || metadata.protocols.includes('ec2')) {
        add(this.#byVersion, metadata.apiVersion, metadata);
      }
    }
    this.#pathRules.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  isImplemented(model: string): boolean {
    return this.#implemented.has(model);
  }

  /** The candidates for a request, most likely first; empty when nothing fits. */
  resolve(request: RequestShape): Candidate[] {
    const family = wireFamily(request);
    let models: ServiceMetadata[] = [];

    if (family === 'json') {
      const target = request.headers['x-amz-target'] ?? '';
      const dot = target.lastIndexOf('.');
      models = this.#byTarget.get(dot > 0 ? target.slice(0, dot) : target) ?? [];
    } else if (family === 'smithy-rpc-v2-cbor') {
      const match = /\/service\/([^/]+)\/operation\//.exec(request.path);
      models = (match && this.#byCborName.get(decodeURIComponent(match[1] ?? ''))) || [];
    }
    if (models.length === 0 && request.signingName) {
      models = this.#bySigningName.get(request.signingName) ?? [];
    }
    if (models.length === 0 && family === 'query' && request.form) {
      models = this.#byVersion.get(request.form.get('Version') ?? '') ?? [];
    }
    if (models.length === 0 && family === 'query' && !request.signingName) {
      const action = (request.form ?? new URLSearchParams(request.query)).get('Action') ?? '';
      models = modelsNamed(this.#byAction.get(action) ?? []);
    }
    if (models.length === 0) models = this.#fromHost(request.host);
    if (models.length === 0) models = this.#fromPath(request.path);
    if (models.length === 0 && family === 'rest') models = [serviceCatalog.s3 as ServiceMetadata];

    const candidates: Candidate[] = [];
    for (const metadata of models) {
      const protocol = protocolFor(metadata, family);
      if (protocol) candidates.push({ metadata, protocol });
    }
    // A signed request that looks like REST to a service that speaks only query (a GET of an
    // SQS queue URL with no Action) is the query service's to answer, in its own error shape.
    if (candidates.length === 0 && family === 'rest' && request.signingName) {
      for (const metadata of models) {
        const protocol = protocolFor(metadata, 'query');
        if (protocol) candidates.push({ metadata, protocol });
      }
    }
    return candidates;
  }

  #fromHost(host: string): ServiceMetadata[] {
    const name = host.replace(/:\d+$/, '').toLowerCase();
    for (const rule of this.#hostRules) {
      if (rule.pattern.test(name)) return modelsNamed(rule.models);
    }
    // `sts.amazonaws.com`, `dynamodb.us-east-1.amazonaws.com`, `sqs.eu-west-1.localhost`:
    // the first label is the endpoint prefix.
    const first = name.split('.')[0] ?? '';
    if (name.includes('.') && first !== 'localhost') return this.#bySigningName.get(first) ?? [];
    return [];
  }

  #fromPath(path: string): ServiceMetadata[] {
    for (const rule of this.#pathRules) {
      if (path.startsWith(rule.prefix)) return modelsNamed(rule.models);
    }
    return [];
  }
}

/** What the request itself says about its wire family. */
export function wireFamily(request: RequestShape): WireFamily {
  if (request.headers['x-amz-target']) return 'json';
  if (request.headers['smithy-protocol'] === 'rpc-v2-cbor') return 'smithy-rpc-v2-cbor';
  const contentType = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) return 'query';
  if (
    request.method === 'GET' &&
    /(^|&)Action=/.test(request.query) &&
    (/(^|&)Version=/.test(request.query) || request.path === '/')
  ) {
    return 'query';
  }
  return 'rest';
}

function protocolFor(metadata: ServiceMetadata, family: WireFamily): string | undefined {
  const protocols = metadata.protocols;
  switch (family) {
    case 'json':
      return protocols.includes('json') ? 'json' : undefined;
    case 'smithy-rpc-v2-cbor':
      return protocols.includes('smithy-rpc-v2-cbor') ? 'smithy-rpc-v2-cbor' : undefined;
    case 'query':
      if (protocols.includes('query')) return 'query';
      return protocols.includes('ec2') ? 'ec2' : undefined;
    default:
      if (protocols.includes('rest-json')) return 'rest-json';
      return protocols.includes('rest-xml') ? 'rest-xml' : undefined;
  }
}

function modelsNamed(names: readonly string[]): ServiceMetadata[] {
  return names.map((name) => serviceCatalog[name]).filter((m): m is ServiceMetadata => m !== undefined);
}

function add(index: Map<string, ServiceMetadata[]>, key: string, metadata: ServiceMetadata): void {
  const list = index.get(key);
  if (list) list.push(metadata);
  else index.set(key, [metadata]);
}
