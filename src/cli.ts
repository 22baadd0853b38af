#!/usr/bin/env node
/** The `nimbus` command: start a server from flags and NIMBUS_* environment variables. */
import { parseArgs } from 'node:util';
import { isLogLevel, type LogLevel } from './core/logger.js';
import { startServer } from './server.js';
import { version } from './version.js';

const help = `nimbus ${version}: a local AWS cloud in one process

Usage: nimbus [options]

Options (each also as an environment variable):
  --port <n>            port to listen on                        NIMBUS_PORT       (4566)
  --host <addr>         address to listen on; 0.0.0.0 for all    NIMBUS_HOST       (127.0.0.1)
  --data-dir <dir>      where state is kept                      NIMBUS_DATA_DIR   (.nimbus)
  --ephemeral           keep all state in memory, none on disk   NIMBUS_EPHEMERAL  (off)
  --log-level <level>   debug, info, warn, error or silent       NIMBUS_LOG_LEVEL  (info)
  --region <region>     region of requests that name none        NIMBUS_REGION     (us-east-1)
  --max-body-size <n>   largest request body read into memory    NIMBUS_MAX_BODY_SIZE (75497472)
  --durability <mode>   normal: survives a killed process;       NIMBUS_DURABILITY (normal)
                        full: also fsyncs every commit (power loss)
  -h, --help            show this help
  -v, --version         print the version

Point any AWS SDK or the AWS CLI at http://localhost:4566 with any credentials
(\`test\`/\`test\` is account 000000000000; a 12-digit access key id is that account).
Control routes: /_nimbus/health, /_nimbus/reset, /_nimbus/clock, /_nimbus/state.
`;

function fail(message: string): never {
  process.stderr.write(`nimbus: ${message}\n\n${help}`);
  process.exit(2);
}

function parse() {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        ephemeral: { type: 'boolean' },
        'log-level': { type: 'string' },
        region: { type: 'string' },
        'max-body-size': { type: 'string' },
        durability: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const env = process.env;
  const text = (flag: string, name: string): string | undefined => (values[flag] as string | undefined) ?? env[name];
  if (values.help) {
    process.stdout.write(help);
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`${version}\n`);
    process.exit(0);
  }
  const port = Number(text('port', 'NIMBUS_PORT') ?? 4566);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a whole number from 0 to 65535');
  const logLevel = text('log-level', 'NIMBUS_LOG_LEVEL') ?? 'info';
  if (!isLogLevel(logLevel)) fail('--log-level must be debug, info, warn, error or silent');
  const maxBody = Number(text('max-body-size', 'NIMBUS_MAX_BODY_SIZE') ?? 72 * 1024 * 1024);
  if (!Number.isInteger(maxBody) || maxBody < 1024) fail('--max-body-size must be a number of bytes, at least 1024');
  const durability = text('durability', 'NIMBUS_DURABILITY') ?? 'normal';
  if (durability !== 'normal' && durability !== 'full') fail('--durability must be normal or full');
  const ephemeralEnv = env.NIMBUS_EPHEMERAL;
  return {
    port,
    host: text('host', 'NIMBUS_HOST') ?? '127.0.0.1',
    dataDir: text('data-dir', 'NIMBUS_DATA_DIR') ?? '.nimbus',
    ephemeral: Boolean(values.ephemeral) || ephemeralEnv === '1' || ephemeralEnv === 'true',
    logLevel: logLevel as LogLevel,
    defaultRegion: text('region', 'NIMBUS_REGION') ?? 'us-east-1',
    maxBodyBytes: maxBody,
    durability: durability as 'normal' | 'full',
  };
}

async function main(): Promise<void> {
  const options = parse();
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${options.port} on ${options.host} is already in use`);
    throw error;
  }
  const data = options.ephemeral ? 'in memory (ephemeral)' : running.nimbus.config.dataDir;
  process.stdout.write(
    `Nimbus ${version} ready at ${running.endpoint} | data: ${data} | started in ${performance.now().toFixed(0)} ms\n`,
  );
  const stop = (): void => {
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`nimbus: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
