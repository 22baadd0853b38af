/**
 * The real clients the compatibility tests drive: the AWS CLI v2 and boto3 as Debian packages
 * them (`awscli`, `python3-boto3`; .ci/run installs both). Where they are missing the tests are
 * skipped with the reason, unless NIMBUS_REQUIRE_COMPAT=1 (set by CI) makes that a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const required = process.env.NIMBUS_REQUIRE_COMPAT === '1';

function works(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0;
}

/** The AWS CLI binary, preferring Debian's (a pyenv shim named `aws` may shadow it on PATH). */
export const awsCli = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
/** A Python with boto3, preferring Debian's, where python3-boto3 installs it. */
export const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function availability(ok: boolean, what: string): string | false {
  if (ok) return false;
  if (required) throw new Error(`${what} is required (NIMBUS_REQUIRE_COMPAT=1) but not installed`);
  return `${what} is not installed (Debian package ${what === 'boto3' ? 'python3-boto3' : 'awscli'})`;
}

/** `false` when the AWS CLI runs here, else the reason to skip. */
export const skipAwsCli = availability(works(awsCli, ['--version']), 'the AWS CLI');
/** `false` when boto3 imports here, else the reason to skip. */
export const skipBoto3 = availability(works(python, ['-c', 'import boto3']), 'boto3');

export function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a client program without blocking: the Nimbus under test lives in this process, so a
 * spawnSync would stall its event loop and the client would wait on a server that cannot answer.
 */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface RunBytesResult {
  status: number | null;
  /** stdout as bytes: `aws s3 cp s3://... -` writes the object there. */
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** The working directory: the CLI prints local paths relative to it. */
  cwd?: string;
  /** Bytes for stdin (`aws s3 cp - s3://...`); without it stdin is closed. */
  input?: Buffer | string;
}

/** Like `run`, with a working directory, optional stdin bytes, and stdout kept as bytes. */
export function runWithInput(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<RunBytesResult> {
  return new Promise((resolve, reject) => {
    const stdin = options.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(command, args, { env, cwd: options.cwd, stdio: [stdin, 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(stdout), stderr }));
    if (options.input !== undefined && child.stdin) {
      // A client that exits before reading all of stdin closes it; its exit status tells why.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}

/** An AWS CLI call against `endpoint` with JSON output, parsed (`{}` when it printed nothing). */
export async function awsCliJson(
  endpoint: string,
  args: string[],
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, read field by field
): Promise<{ status: number | null; json: any; stderr: string }> {
  const result = await run(awsCli, ['--endpoint-url', endpoint, '--output', 'json', ...args], clientEnv());
  return { status: result.status, json: result.stdout.trim() ? JSON.parse(result.stdout) : {}, stderr: result.stderr };
}
