/** Shared set-up for service tests: a fresh in-process Nimbus and SDK client settings for it. */
import { type NimbusCloud, startNimbus } from 'nimbus-aws';

export interface ClientOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  region?: string;
}

/** Settings for any SDK v3 client: `new IAMClient(clientConfig(cloud))`. */
export function clientConfig(cloud: NimbusCloud, options: ClientOptions = {}) {
  const credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
    accessKeyId: options.accessKeyId ?? 'test',
    secretAccessKey: options.secretAccessKey ?? 'test',
  };
  if (options.sessionToken) credentials.sessionToken = options.sessionToken;
  return {
    endpoint: cloud.endpoint,
    region: options.region ?? 'us-east-1',
    credentials,
    maxAttempts: 1,
  };
}

export async function startCloud(): Promise<NimbusCloud> {
  return startNimbus({ port: 0 });
}
