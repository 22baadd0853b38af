/**
 * The HTTP server, handing every request to the edge. Listens on 127.0.0.1 unless told otherwise.
 *
 * HTTP/1.1's plain requests (a Content-Length body of up to about 1 MiB) are read and answered by
 * our own reader (edge/http1.ts), which costs a third less per small request than node:http;
 * any other request, and the rest of its connection, is node:http's, with bounded headers,
 * connections and request time.
 *
 * HTTP/2 without TLS ("prior knowledge", RFC 9113 3.3) is served on the same port: SDK v3's
 * Kinesis client (and others that stream) speaks HTTP/2 by default and fails against an
 * HTTP/1-only endpoint. A connection whose first bytes are HTTP/2's preface goes to a node:http2
 * server whose requests take the same path through the edge (its compatibility API has the shape
 * of node:http's request and response); every other connection is node:http's.
 *
 * Answers may stream for minutes (Kinesis SubscribeToShard's event stream, long polls): a client
 * that resets its stream must be told from an answer that finished (the edge's `clientGone`
 * reads `writableFinished`), and `stop()` destroys every HTTP/2 socket, not only the open
 * sessions: a session closed gracefully leaves its socket half-open until the client reads to the
 * end, which a client that stopped reading never does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { handleRequest } from './edge/handle-request.js';
import {
  type BufferedRequest,
  type BufferedResponse,
  type EdgeRequest,
  type EdgeResponse,
  Http1Connection,
} from './edge/http1.js';
import { answerFailure } from './edge/respond.js';
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
    (req, res) => serve(nimbus, req, res),
  );
  server.maxConnections = options.maxConnections ?? 4096;
  const connections = serveConnections(server, nimbus);
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
        for (const session of connections.sessions) session.destroy();
        for (const socket of connections.sockets) socket.destroy();
      }).then(() => nimbus.close());
      return stopping;
    },
  };
}

function serve(nimbus: Nimbus, req: EdgeRequest, res: EdgeResponse): void {
  handleRequest(nimbus, req, res).catch((error: unknown) => {
    nimbus.logger.error(`request failed outside the pipeline: ${(error as Error)?.stack ?? String(error)}`);
    answerFailure(res);
  });
}

/**
 * The socket as a stream that first gives back the bytes already read from it: an HTTP/2 session
 * reads a real socket natively and would not see them (node wraps any other Duplex for it).
 */
function replaying(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, callback) {
      socket.write(chunk, encoding, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (error) => stream.destroy(error));
  socket.resume();
  return stream;
}

/** HTTP/2's connection preface begins so (RFC 9113 3.4); no HTTP/1 request line does. */
const preface = Buffer.from('PRI * HTTP/2.0');

/**
 * Puts a sniffer in front of node:http's connection handler: HTTP/2 connections go to an HTTP/2
 * server that feeds the edge, the rest to our HTTP/1.1 reader, which gives node:http what it does
 * not take. Returns the open HTTP/2 sessions and every open socket (`stop` destroys them: node:http
 * closes only the connections it has).
 */
function serveConnections(server: Server, nimbus: Nimbus): { sessions: Set<Http2Session>; sockets: Set<Socket> } {
  const http2 = createHttp2Server({ maxSessionMemory: 64 }, (req, res) => {
    // Http2ServerResponse.writableFinished is its stream's, which is also true once the client
    // has reset the stream: an answer is finished only if it was ended too, as node:http's is.
    const stream = res.stream;
    Object.defineProperty(res, 'writableFinished', { get: () => res.writableEnded && stream.writableFinished });
    // Resolution reads the Host header; HTTP/2 names it :authority.
    if (req.headers.host === undefined && req.headers[':authority'] !== undefined) {
      req.headers.host = req.headers[':authority'];
    }
    serve(nimbus, req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const http1 = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  const toNodeHttp = (socket: Socket): void => {
    for (const listener of http1) listener.call(server, socket);
  };
  const handle = (req: BufferedRequest, res: BufferedResponse): void => serve(nimbus, req, res);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let seen: Buffer = Buffer.alloc(0);
    const sniff = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const length = Math.min(seen.length, preface.length);
      const isHttp2 = seen.subarray(0, length).equals(preface.subarray(0, length));
      if (isHttp2 && seen.length < preface.length) return; // too few bytes to tell yet
      socket.off('data', sniff);
      socket.pause();
      if (isHttp2) http2.emit('connection', replaying(socket, seen));
      // When node:http takes the socket (Http1Connection's hand-off), it reads it natively from
      // then on; the bytes not yet answered come first, from the stream's buffer.
      else new Http1Connection(socket, seen, handle, toNodeHttp);
    };
    socket.on('data', sniff);
  });
  return { sessions, sockets };
}
