/**
 * The one table of protocols: each family's server protocol, and the service quirks that
 * subclass one (a quirk is a small named subclass listed here, never an `if (service === ...)`
 * in the generic code). Families load on first use.
 */
import type { ServerProtocol } from './types.js';

type Loader = () => Promise<ServerProtocol>;

const families: Record<string, Loader> = {
  query: async () => new (await import('./query/index.js')).QueryProtocol(),
  ec2: async () => new (await import('./query/ec2.js')).Ec2Protocol(),
  json: async () => new (await import('./json/index.js')).JsonProtocol(),
  'rest-json': async () => new (await import('./rest-json/index.js')).RestJsonProtocol(),
  'rest-xml': async () => new (await import('./rest-xml/index.js')).RestXmlProtocol(),
  'smithy-rpc-v2-cbor': async () => new (await import('./rpc-v2-cbor/index.js')).RpcV2CborProtocol(),
};

/** Quirks by model name, then protocol: `{ s3: { 'rest-xml': async () => new S3RestXmlProtocol() } }`. */
const quirks: Record<string, Partial<Record<string, Loader>>> = {
  s3: { 'rest-xml': async () => new (await import('./rest-xml/s3.js')).S3RestXmlProtocol() },
  'sqs-query': { query: async () => new (await import('./query/sqs.js')).SqsQueryProtocol() },
};

const loaded = new Map<string, Promise<ServerProtocol>>();
const ready = new Map<string, ServerProtocol>();

/** The protocol if it has loaded already (the hot path), else undefined: then await protocolFor. */
export function readyProtocol(model: string, protocol: string): ServerProtocol | undefined {
  return ready.get(quirks[model]?.[protocol] ? `${model}/${protocol}` : protocol);
}

/** The protocol a model is spoken in, with that model's quirks. */
export function protocolFor(model: string, protocol: string): Promise<ServerProtocol> {
  const quirk = quirks[model]?.[protocol];
  const key = quirk ? `${model}/${protocol}` : protocol;
  let instance = loaded.get(key);
  if (!instance) {
    const load = quirk ?? (Object.hasOwn(families, protocol) ? families[protocol] : undefined);
    if (!load) return Promise.reject(new Error(`no protocol named ${protocol}`));
    instance = load().then((made) => {
      ready.set(key, made);
      return made;
    });
    loaded.set(key, instance);
  }
  return instance;
}
