/**
 * What the bench scripts share: starting the floor server and Nimbus as child processes,
 * driving them with autocannon, and the interleaved rounds that keep this machine's noise out
 * of the ratios (one long run of the bare floor server alone moves by a third between runs
 * here, so runs are short, interleaved, each round in a new order, and figures are medians).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface BenchSettings {
  seconds: number;
  connections: number;
  rounds: number;
}

export interface Started {
  child: ChildProcess;
  port: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export const floorScript = join(process.cwd(), 'dist', 'bench', 'floor-server.js');
export const nimbusScript = join(process.cwd(), 'dist', 'src', 'cli.js');
export const floorArgs = [floorScript, '0'];
export const floorPattern = /listening (\d+)/;
export const nimbusPattern = /ready at http:\/\/127\.0\.0\.1:(\d+)/;

export function emit(figure: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/**
 * The line of a request rate measured beside a peer emulator and the floor (`interleaved`'s
 * results named 'nimbus', `peer` and 'floor'): `head` fields, Nimbus's figures, `tail` fields,
 * then the floor's rate, the peer's, and the ratio of Nimbus's to the peer's.
 */
export function emitVersusPeer(
  peer: string,
  settings: BenchSettings,
  results: Map<string, LoadResult & { ratio: number }>,
  head: Record<string, unknown>,
  tail: (ours: LoadResult) => Record<string, unknown> = () => ({}),
): void {
  const ours = results.get('nimbus') as LoadResult & { ratio: number };
  const other = results.get(peer) as LoadResult & { ratio: number };
  emit({
    figure: 'requests_per_second',
    ...head,
    seconds: settings.seconds,
    rounds: settings.rounds,
    ...ours,
    ...tail(ours),
    floor: results.get('floor')?.rps,
    [`${peer}_rps`]: other.rps,
    [`vs_${peer}`]: round(ours.ratio / other.ratio),
    errors: ours.errors + other.errors,
  });
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/** CPU ticks (10 ms) of one process alone, user + system of all its threads; 0 once it ended. */
export function ownCpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Runs one load and adds the server's CPU µs per operation (`perOperation` requests each) to
 * `cpu`: a busy machine moves it far less than the rate.
 */
export async function withCpu(
  pid: number,
  seconds: number,
  perOperation: number,
  cpu: number[],
  run: () => Promise<LoadResult>,
): Promise<LoadResult> {
  const before = ownCpuTicks(pid);
  const result = await run();
  const operations = (result.rps * seconds) / perOperation;
  if (operations > 0) cpu.push(Math.round(((ownCpuTicks(pid) - before) * 10_000) / operations));
  return result;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Every server a bench started: none may outlive it, or it would load the next run. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(1));
// A closed stdout (`npm run bench | head`) must end the run, not leave it writing into nothing.
process.stdout.on('error', () => process.exit(1));

/** Spawns a server and resolves once it prints its port. */
export function startProcess(args: string[], portPattern: RegExp): Promise<Started> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = portPattern.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export type Request = autocannon.Request & { method: 'POST' | 'GET'; headers: Record<string, string>; body?: string };

export async function load(
  port: number,
  settings: BenchSettings,
  request: Request | { requests: autocannon.Request[] },
  connections = settings.connections,
): Promise<LoadResult> {
  const options: autocannon.Options =
    'requests' in request
      ? { url: `http://127.0.0.1:${port}/`, connections, duration: settings.seconds, requests: request.requests }
      : {
          url: `http://127.0.0.1:${port}/`,
          connections,
          duration: settings.seconds,
          method: request.method,
          headers: request.headers,
          body: request.body,
        };
  const result = await autocannon(options);
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

export interface Target {
  name: string;
  /** Runs one measurement; called once per round. */
  run: () => Promise<LoadResult>;
}

/**
 * Runs every target once per round, each round in a rotated order, and returns per target the
 * median figures and the median of its per-round ratio to the `reference` target.
 */
export async function interleaved(
  targets: Target[],
  rounds: number,
  reference = 'floor',
): Promise<Map<string, LoadResult & { ratio: number }>> {
  const results = new Map<string, LoadResult[]>();
  const ratios = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    const order = targets.map((_, i) => targets[(i + r) % targets.length] as Target);
    const thisRound = new Map<string, LoadResult>();
    for (const target of order) thisRound.set(target.name, await target.run());
    const referenceRps = thisRound.get(reference)?.rps ?? 1;
    for (const target of targets) {
      const result = thisRound.get(target.name) as LoadResult;
      results.set(target.name, [...(results.get(target.name) ?? []), result]);
      ratios.set(target.name, [...(ratios.get(target.name) ?? []), result.rps / referenceRps]);
    }
  }
  const out = new Map<string, LoadResult & { ratio: number }>();
  for (const target of targets) {
    const list = results.get(target.name) ?? [];
    out.set(target.name, {
      rps: median(list.map((x) => x.rps)),
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
      errors: list.reduce((sum, x) => sum + x.errors, 0),
      ratio: round(median(ratios.get(target.name) ?? [])),
    });
  }
  return out;
}

export function signed(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

/** A query-protocol (form) request. */
export function form(service: string, body: string): Request {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: signed(service),
      'x-amz-date': '20260101T000000Z',
    },
    body,
  };
}

/** A JSON 1.0 request (`X-Amz-Target: <prefix>.<operation>`). */
export function json(service: string, target: string, input: unknown): Request {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization: signed(service),
      'x-amz-date': '20260101T000000Z',
    },
    body: JSON.stringify(input),
  };
}

/** Sends one request with fetch and returns its parsed JSON (or throws with the body). */
export async function call(port: number, request: Request): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${request.headers['x-amz-target'] ?? 'request'}: ${response.status} ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}
