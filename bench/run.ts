/**
 * `npm run bench`: start-up time, idle memory and request rate of Nimbus next to the floor (a
 * bare node:http server), measured in one run on this machine with the same load generator
 * (autocannon, 32 connections). Prints one JSON line per figure.
 *
 *   node dist/bench/run.js [--seconds 4] [--rounds 5] [--connections 32] [--starts 7]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    starts: { type: 'string', default: '7' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const starts = Number(values.starts);
const rounds = Number(values.rounds);

const floorScript = join(process.cwd(), 'dist', 'bench', 'floor-server.js');
const nimbusScript = join(process.cwd(), 'dist', 'src', 'cli.js');

function emit(figure: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

const authorization = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`;

const form = (service: string, body: string) => ({
  method: 'POST' as const,
  headers: {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    authorization: authorization(service),
    'x-amz-date': '20260101T000000Z',
  },
  body,
});

interface Started {
  child: ChildProcess;
  port: number;
}

/** Spawns a server and resolves once it prints its port. */
function startProcess(args: string[], portPattern: RegExp): Promise<Started> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Milliseconds from spawn to the first answered request: what a user waits for. */
async function timeToFirstAnswer(
  args: string[],
  portPattern: RegExp,
  request: ReturnType<typeof form>,
): Promise<number> {
  const started = performance.now();
  const server = await startProcess(args, portPattern);
  const response = await fetch(`http://127.0.0.1:${server.port}/`, request);
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  await stopProcess(server.child);
  if (response.status !== 200) throw new Error(`first answer was ${response.status}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

async function load(
  port: number,
  request: ReturnType<typeof form>,
): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections,
    duration: seconds,
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const floorArgs = [floorScript, '0'];
const floorPattern = /listening (\d+)/;
const nimbusArgs = [nimbusScript, '--port', '0', '--ephemeral', '--log-level', 'warn'];
const nimbusPattern = /ready at http:\/\/127\.0\.0\.1:(\d+)/;
const getCallerIdentity = form('sts', 'Action=GetCallerIdentity&Version=2011-06-15');
const trustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const getRole = form('iam', 'Action=GetRole&RoleName=bench-role&Version=2010-05-08');

async function main(): Promise<void> {
  // Start-up: spawn to first answer, alternating so that both see the same machine state.
  const floorStarts: number[] = [];
  const nimbusStarts: number[] = [];
  for (let i = 0; i < starts; i++) {
    floorStarts.push(await timeToFirstAnswer(floorArgs, floorPattern, getCallerIdentity));
    nimbusStarts.push(await timeToFirstAnswer(nimbusArgs, nimbusPattern, getCallerIdentity));
  }
  const floorStart = median(floorStarts);
  const nimbusStart = median(nimbusStarts);
  emit({
    figure: 'startup_to_first_answer_ms',
    floor: round(floorStart),
    nimbus: round(nimbusStart),
    ratio: round(nimbusStart / floorStart),
    goal: '<= 2',
  });

  const floor = await startProcess(floorArgs, floorPattern);
  const nimbus = await startProcess(nimbusArgs, nimbusPattern);
  try {
    // Idle memory after one answer each (Nimbus has loaded STS).
    await (await fetch(`http://127.0.0.1:${floor.port}/`, getCallerIdentity)).arrayBuffer();
    await (await fetch(`http://127.0.0.1:${nimbus.port}/`, getCallerIdentity)).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const floorRss = rssMb(floor.child.pid as number);
    const nimbusRss = rssMb(nimbus.child.pid as number);
    emit({
      figure: 'idle_rss_mb',
      floor: floorRss,
      nimbus: nimbusRss,
      ratio: round(nimbusRss / floorRss),
      goal: '<= 1.5',
    });

    const create = form(
      'iam',
      `Action=CreateRole&RoleName=bench-role&Version=2010-05-08&AssumeRolePolicyDocument=${encodeURIComponent(trustPolicy)}`,
    );
    const created = await fetch(`http://127.0.0.1:${nimbus.port}/`, create);
    if (created.status !== 200) throw new Error(`CreateRole answered ${created.status}: ${await created.text()}`);

    // This machine's neighbours make one long run of each noisy (the floor alone moves by a
    // third between runs), so the runs are short and interleaved, each round in a new order,
    // and each figure is the median over the rounds; the ratio is the median of the rounds'
    // own ratios, each taken against the floor of the same round.
    const targets = [
      { name: 'floor', port: floor.port, request: getCallerIdentity },
      { name: 'sts:GetCallerIdentity', port: nimbus.port, request: getCallerIdentity },
      { name: 'iam:GetRole', port: nimbus.port, request: getRole },
    ];
    const results = new Map<string, Array<{ rps: number; p99: number; errors: number }>>();
    const ratios = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length] as (typeof targets)[number]);
      const thisRound: Record<string, { rps: number; p99: number; errors: number }> = {};
      for (const target of order) thisRound[target.name] = await load(target.port, target.request);
      for (const target of targets) {
        const result = thisRound[target.name] as { rps: number; p99: number; errors: number };
        results.set(target.name, [...(results.get(target.name) ?? []), result]);
        const floorRps = (thisRound.floor as { rps: number }).rps;
        ratios.set(target.name, [...(ratios.get(target.name) ?? []), result.rps / floorRps]);
      }
    }
    const summary = (name: string) => {
      const list = results.get(name) ?? [];
      return {
        rps: median(list.map((x) => x.rps)),
        p99: median(list.map((x) => x.p99)),
        errors: list.reduce((sum, x) => sum + x.errors, 0),
      };
    };
    const floorSummary = summary('floor');
    emit({ figure: 'floor_requests_per_second', connections, seconds, rounds, ...floorSummary });
    for (const target of targets.slice(1)) {
      emit({
        figure: 'requests_per_second',
        operation: target.name,
        connections,
        seconds,
        rounds,
        ...summary(target.name),
        floor: floorSummary.rps,
        ratio: round(median(ratios.get(target.name) ?? [])),
        goal: '>= 0.5',
      });
    }
    emit({ figure: 'rss_after_load_mb', nimbus: rssMb(nimbus.child.pid as number) });
  } finally {
    await stopProcess(floor.child);
    await stopProcess(nimbus.child);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
