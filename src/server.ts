/**
 * The HTTP server: node:http with bounded headers, connections and request time, handing
 * every request to the edge. Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest } from './edge/handle-request.js';
import { Nimbus, type NimbusConfig } from './nimbus.js';

export interface ServerOptions extends Partial<NimbusConfig> {
  port?: number;
  host?: string;
  /** Connections open at once; past it new ones are refused. */
  maxConnections?: number;
}

export interface RunningServer {
  nimbus: Nimbus;
  server: Server;
  host: string;
  port: number;
  endpoint: string;
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const nimbus = new Nimbus(options);
  const server = createServer(
    {
      maxHeaderSize: 64 * 1024,
      headersTimeout: 60_000,
      requestTimeout: 300_000,
      keepAliveTimeout: 65_000,
    },
    (req, res) => {
      handleRequest(nimbus, req, res).catch((error: unknown) => {
        nimbus.logger.error(`request failed outside the pipeline: ${(error as Error)?.stack ?? String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error');
      });
    },
  );
  server.maxConnections = options.maxConnections ?? 4096;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  nimbus.endpoint = `http://${shownHost}:${port}`;
  for (const definition of nimbus.services) {
    if (definition.startAtBoot?.(nimbus.db)) {
      nimbus
        .service(definition)
        .catch((error: unknown) => nimbus.logger.error(`${definition.name} did not start: ${error}`));
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    nimbus,
    server,
    host,
    port,
    endpoint: `http://${shownHost}:${port}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => nimbus.close());
      return stopping;
    },
  };
}
