/**
 * The raw loopback copy the large-object figures compare with: a bare node:http server that
 * streams a PUT body to a file and fsyncs it before answering (as Nimbus does before it
 * acknowledges), and streams a file back for a GET. No parsing, no digests: the most any
 * Node.js server can do with the same bytes on this machine. Prints `listening <port>`.
 *   node dist/bench/raw-copy-server.js <port> <dir>
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[3] ?? '.';
const fileOf = (url: string | undefined) =>
  join(
    dir,
    Buffer.from(url ?? '/')
      .toString('hex')
      .slice(0, 200),
  );

const server = createServer((req, res) => {
  const file = fileOf(req.url);
  if (req.method === 'PUT') {
    pipeline(req, createWriteStream(file))
      .then(async () => {
        const handle = await open(file, 'r+');
        await handle.sync();
        await handle.close();
        res.writeHead(200, { 'content-length': 0 });
        res.end();
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
    return;
  }
  req.resume();
  stat(file)
    .then((info) => {
      res.writeHead(200, { 'content-length': info.size, 'content-type': 'application/octet-stream' });
      return pipeline(createReadStream(file), res);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(404);
      res.end();
    });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
