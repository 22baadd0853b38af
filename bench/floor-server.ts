/**
 * The floor: a bare node:http server answering a fixed body, the fastest any Node.js server
 * on this machine can be. bench/run.ts measures Nimbus against it. Prints `listening <port>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from('<GetCallerIdentityResponse><Account>000000000000</Account></GetCallerIdentityResponse>');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
