/**
 * The Lambda figures, against a Nimbus that keeps its state on disk (as `npm start` does), driven
 * through the AWS SDK v3 clients as a user's code would:
 * - warm invoke overhead: a RequestResponse round trip to a warm Node.js function, less the time
 *   its handler ran (it measures itself), p50 and p99, through the SDK v3 client and through a
 *   light keep-alive client (node:http with an Agent), one of each in turn: the SDK's own cost
 *   per call (its GetFunctionConfiguration round trip is given for scale) would otherwise be
 *   counted as Nimbus's. Beside them, the CPU per invoke of the server and of the function's
 *   process (user + system of all threads, from /proc), which a busy machine moves far less;
 * - cold start of a Node.js and of a Python handler: from sending Invoke to the first line of the
 *   handler (it reports the wall-clock time it began; both ends read the same machine clock), a
 *   new function each time, median of `--starts`;
 * - 100 concurrent invocations of a handler that sleeps 100 ms (reserved concurrency 100): the
 *   wall time of all of them, cold (100 processes start) and again warm, and the CPU they took
 *   (the server's, the function processes');
 * - SQS -> Lambda: messages/s an event source mapping with batch size 10 drains from a queue
 *   filled beforehand (`--lambda-messages`), the function doing nothing;
 * - the CPU that Nimbus and its idle warm environments use while nothing happens (percent of one core).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipSync } from 'fflate';
import {
  emit,
  median,
  nimbusPattern,
  nimbusScript,
  ownCpuTicks,
  percentile,
  round,
  startProcess,
  stopProcess,
} from './lib.js';

const role = 'arn:aws:iam::000000000000:role/bench';

function zip(name: string, text: string): Uint8Array {
  return zipSync({ [name]: new TextEncoder().encode(text) });
}

/** Answers how long it ran and when it began (ms since the epoch, fractional). */
const nodeTimed = zip(
  'index.js',
  `exports.handler = async (event) => {
  const began = performance.timeOrigin + performance.now();
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { began, ranMs: performance.timeOrigin + performance.now() - began };
};`,
);

const pythonTimed = zip(
  'handler.py',
  `import time
def handler(event, context):
    return {"began": time.time() * 1000}
`,
);

const nodeNothing = zip('index.js', 'exports.handler = async () => {};');

interface Clients {
  lambda: LambdaClient;
  sqs: SQSClient;
}

let functions = 0;

async function createFunction(
  clients: Clients,
  code: Uint8Array,
  runtime: string,
  handler: string,
  timeout = 30,
): Promise<string> {
  const name = `bench-${++functions}`;
  await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime as Runtime,
      Handler: handler,
      Role: role,
      Timeout: timeout,
      Code: { ZipFile: code },
    }),
  );
  return name;
}

async function invoke(clients: Clients, name: string, payload: unknown): Promise<Record<string, number>> {
  const out = await clients.lambda.send(
    new InvokeCommand({ FunctionName: name, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
  );
  if (out.FunctionError) throw new Error(`lambda bench: ${name} failed: ${new TextDecoder().decode(out.Payload)}`);
  return JSON.parse(new TextDecoder().decode(out.Payload)) as Record<string, number>;
}

/** A light HTTP client with a kept-alive connection: Invoke and GetFunctionConfiguration, unsigned. */
class HttpClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 128 });
  constructor(readonly port: number) {}

  send(method: string, path: string, body?: string): Promise<{ status: number; text: string; failed: boolean }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
      const req = request({ host: '127.0.0.1', port: this.port, method, path, agent: this.#agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            failed: res.headers['x-amz-function-error'] !== undefined,
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async invoke(name: string, payload: unknown): Promise<Record<string, number>> {
    const out = await this.send('POST', `/2015-03-31/functions/${name}/invocations`, JSON.stringify(payload));
    if (out.status !== 200 || out.failed) throw new Error(`lambda bench: ${name} failed: ${out.status} ${out.text}`);
    return JSON.parse(out.text) as Record<string, number>;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** CPU of the server alone and of its descendants (the function processes), in ms. */
function cpuSplit(pid: number): { server: number; functions: number } {
  const server = ownCpuTicks(pid);
  return { server: server * 10, functions: (cpuTicks(pid) - server) * 10 };
}

async function warmOverhead(clients: Clients, http: HttpClient, pid: number, samples: number): Promise<void> {
  const name = await createFunction(clients, nodeTimed, 'nodejs20.x', 'index.handler');
  for (let i = 0; i < 20; i++) {
    await invoke(clients, name, {});
    await http.invoke(name, {});
  }
  const sdk: number[] = [];
  const light: number[] = [];
  const reads: number[] = [];
  const lightReads: number[] = [];
  const before = cpuSplit(pid);
  for (let i = 0; i < samples; i++) {
    let sent = performance.now();
    let answer = await invoke(clients, name, {});
    sdk.push(performance.now() - sent - (answer.ranMs ?? 0));
    sent = performance.now();
    answer = await http.invoke(name, {});
    light.push(performance.now() - sent - (answer.ranMs ?? 0));
  }
  const after = cpuSplit(pid);
  for (let i = 0; i < Math.min(samples, 200); i++) {
    // Each client's round trip for a request that runs nothing, for scale.
    let read = performance.now();
    await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    reads.push(performance.now() - read);
    read = performance.now();
    await http.send('GET', `/2015-03-31/functions/${name}/configuration`);
    lightReads.push(performance.now() - read);
  }
  const invokes = samples * 2;
  emit({
    bench: 'lambda',
    figure: 'warm invoke overhead',
    unit: 'ms',
    p50: round(percentile(sdk, 50)),
    p99: round(percentile(sdk, 99)),
    httpP50: round(percentile(light, 50)),
    httpP99: round(percentile(light, 99)),
    getFunctionConfigurationP50: round(percentile(reads, 50)),
    httpGetFunctionConfigurationP50: round(percentile(lightReads, 50)),
    serverCpuUsPerInvoke: Math.round(((after.server - before.server) * 1000) / invokes),
    functionCpuUsPerInvoke: Math.round(((after.functions - before.functions) * 1000) / invokes),
    samples,
  });
}

async function coldStart(clients: Clients, runtime: string, code: Uint8Array, handler: string, starts: number) {
  const times: number[] = [];
  for (let i = 0; i < starts; i++) {
    const name = await createFunction(clients, code, runtime, handler);
    const sent = performance.timeOrigin + performance.now();
    const answer = await invoke(clients, name, {});
    times.push((answer.began ?? sent) - sent);
  }
  emit({
    bench: 'lambda',
    figure: `cold start ${runtime} (Invoke to handler)`,
    unit: 'ms',
    median: round(median(times)),
    min: round(Math.min(...times)),
    max: round(Math.max(...times)),
    starts,
  });
}

async function concurrent(clients: Clients, config: object, pid: number, count: number): Promise<void> {
  // The SDK's default agent opens at most 50 sockets: 100 invocations through it were 50 at
  // once and 50 more on the environments those left warm. This client has room for all of them.
  const wide = new LambdaClient({
    ...config,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: count }) },
  });
  const name = await createFunction(clients, nodeTimed, 'nodejs20.x', 'index.handler');
  await clients.lambda.send(
    new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: count }),
  );
  for (const phase of ['cold', 'warm']) {
    const before = cpuSplit(pid);
    const processes = descendants(pid);
    const began = performance.now();
    await Promise.all(
      Array.from({ length: count }, () => invoke({ ...clients, lambda: wide }, name, { sleepMs: 100 })),
    );
    const wall = performance.now() - began;
    const after = cpuSplit(pid);
    emit({
      bench: 'lambda',
      figure: `${count} concurrent invocations of a 100 ms handler (${phase})`,
      unit: 'ms',
      wall: round(wall),
      serverCpuMs: after.server - before.server,
      functionsCpuMs: after.functions - before.functions,
      newProcesses: descendants(pid) - processes,
    });
  }
  wide.destroy();
}

async function sqsThroughput(clients: Clients, messages: number): Promise<void> {
  const name = await createFunction(clients, nodeNothing, 'nodejs20.x', 'index.handler');
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: 'bench-lambda', Attributes: { VisibilityTimeout: '60' } }),
  );
  const body = 'x'.repeat(256);
  for (let sent = 0; sent < messages; sent += 10) {
    const Entries = Array.from({ length: Math.min(10, messages - sent) }, (_, i) => ({
      Id: `m${i}`,
      MessageBody: body,
    }));
    await clients.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
  }
  // A warm environment first, so that the figure is the mapping's, not one cold start's.
  await invoke(clients, name, {});
  const began = performance.now();
  await clients.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: name,
      EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:bench-lambda',
      BatchSize: 10,
    }),
  );
  for (;;) {
    const out = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(out.Attributes?.ApproximateNumberOfMessages) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible);
    if (left === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - began) / 1000;
  emit({
    bench: 'lambda',
    figure: 'SQS -> Lambda, batch size 10',
    unit: 'messages/s',
    rate: Math.round(messages / seconds),
    messages,
  });
}

/** Clock ticks of CPU a process and all its descendants have used. */
function cpuTicks(pid: number): number {
  let total = ownCpuTicks(pid);
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += cpuTicks(Number(child));
    }
  } catch {
    // A process that ended meanwhile used nothing more.
  }
  return total;
}

function descendants(pid: number): number {
  let count = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) count += 1 + descendants(Number(child));
    }
  } catch {
    // Gone.
  }
  return count;
}

async function idleCpu(pid: number, seconds: number): Promise<void> {
  // Let what the runs before left (log shipping, retiring environments) finish first.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const before = cpuTicks(pid);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = cpuTicks(pid) - before;
  // Linux counts 100 ticks a second (USER_HZ).
  emit({
    bench: 'lambda',
    figure: 'idle CPU of Nimbus and its warm environments',
    unit: '% of one core',
    cpu: round((used / 100 / seconds) * 100),
    processes: descendants(pid),
    seconds,
  });
}

export async function benchLambda(options: { starts: number; messages: number; samples: number }): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-lambda-'));
  const nimbus = await startProcess(
    [nimbusScript, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    nimbusPattern,
  );
  try {
    const config = {
      endpoint: `http://127.0.0.1:${nimbus.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    };
    const clients = { lambda: new LambdaClient(config), sqs: new SQSClient(config) };
    const pid = nimbus.child.pid as number;
    const http = new HttpClient(nimbus.port);
    await warmOverhead(clients, http, pid, options.samples);
    http.close();
    await coldStart(clients, 'nodejs20.x', nodeTimed, 'index.handler', options.starts);
    await coldStart(clients, 'python3.12', pythonTimed, 'handler.handler', options.starts);
    await concurrent(clients, config, pid, 100);
    await sqsThroughput(clients, options.messages);
    await idleCpu(pid, 5);
  } finally {
    // SIGTERM first: Nimbus stops its function processes on the way out (SIGKILL would orphan them).
    const exited = new Promise<void>((resolve) => nimbus.child.once('exit', () => resolve()));
    nimbus.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await stopProcess(nimbus.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
