/**
 * The SQS figures, against a Nimbus that keeps its state on disk (as `npm start` does):
 * - SendMessage (1 KB body) and ReceiveMessage+DeleteMessage request rates next to the floor
 *   answering the same requests;
 * - the send rate on a queue already holding N messages (default 1M) next to an empty queue's;
 * - RSS growth while those N messages are queued (they live in SQLite, not in the heap);
 * - ReceiveMessage latency on a queue with 100k visible messages;
 * - how soon a waiting long poll answers after a send.
 * Beside each request rate, the server's CPU per operation (user + system time of all its threads,
 * from /proc), which a busy machine moves far less than the rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import {
  type BenchSettings,
  call,
  emit,
  floorArgs,
  floorPattern,
  interleaved,
  json,
  load,
  median,
  nimbusPattern,
  nimbusScript,
  percentile,
  round,
  rssMb,
  startProcess,
  stopProcess,
  withCpu,
} from './lib.js';

const body1k = 'x'.repeat(1024);

const sqs = (operation: string, input: unknown) => json('sqs', `AmazonSQS.${operation}`, input);

async function createQueue(port: number, name: string): Promise<string> {
  const out = await call(port, sqs('CreateQueue', { QueueName: name }));
  return out.QueueUrl as string;
}

/** Fills a queue with `count` 1 KB messages, 10 per SendMessageBatch, 32 requests in flight. */
async function fill(port: number, queueUrl: string, count: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: body1k }));
  const batch = sqs('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
  const worker = async (): Promise<void> => {
    while (sent < count) {
      sent += 10;
      await call(port, batch);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return (performance.now() - started) / 1000;
}

function receiveAndDelete(queueUrl: string): { requests: autocannon.Request[] } {
  const receive = sqs('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 1 });
  const remove = sqs('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: '' });
  return {
    requests: [
      {
        ...receive,
        onResponse: (_status: number, responseBody: string, context: Record<string, unknown>) => {
          // The floor answers its fixed body: it has no handle to give.
          const handle = /"ReceiptHandle":"([^"]+)"/.exec(responseBody)?.[1];
          context.handle = handle ?? 'AQEBnone';
        },
      } as autocannon.Request,
      {
        ...remove,
        setupRequest: (request: autocannon.Request, context: Record<string, unknown>) => ({
          ...request,
          body: JSON.stringify({ QueueUrl: queueUrl, ReceiptHandle: context.handle }),
        }),
      } as autocannon.Request,
    ],
  };
}

async function receiveLatency(port: number, queueUrl: string, samples: number): Promise<number[]> {
  const receive = sqs('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 1 });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const out = await call(port, receive);
    times.push(performance.now() - started);
    if (!out.Messages) throw new Error('the latency queue ran dry');
  }
  return times;
}

/**
 * How soon a waiting long poll answers: from the start of the send that feeds it, and from the
 * send's own answer (the poll's answer follows the same commit).
 */
async function wakeUps(
  port: number,
  queueUrl: string,
  samples: number,
): Promise<{ fromSend: number[]; afterAnswer: number[] }> {
  const fromSend: number[] = [];
  const afterAnswer: number[] = [];
  for (let i = 0; i < samples; i++) {
    const poll = call(port, sqs('ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 20 }));
    let answered = 0;
    poll.then(() => {
      answered = performance.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sent = performance.now();
    await call(port, sqs('SendMessage', { QueueUrl: queueUrl, MessageBody: 'wake' }));
    const sendAnswered = performance.now();
    const out = await poll;
    const message = (out.Messages as Array<{ ReceiptHandle: string }> | undefined)?.[0];
    if (!message) throw new Error('the long poll answered empty');
    fromSend.push(answered - sent);
    afterAnswer.push(Math.max(0, answered - sendAnswered));
    await call(port, sqs('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
  return { fromSend, afterAnswer };
}

export async function benchSqs(settings: BenchSettings, messages: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-'));
  const floor = await startProcess(floorArgs, floorPattern);
  const nimbus = await startProcess(
    [nimbusScript, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    nimbusPattern,
  );
  const { port } = nimbus;
  const { connections, seconds, rounds } = settings;
  try {
    // 1. Send and receive+delete next to the floor, each floor fed the very same requests (a
    //    1 KB SendMessage; the receive-then-delete pair), so that the ratio is Nimbus's own
    //    cost and not the load generator's or the kernel's for a larger request. Each round
    //    sends to a fresh queue; the receive queue holds more than the rounds can take.
    let sendQueues = 0;
    const pid = nimbus.child.pid as number;
    const sendCpu: number[] = [];
    const pairCpu: number[] = [];
    const receiveQueue = await createQueue(port, 'bench-receive');
    await fill(port, receiveQueue, 400_000);
    const sendRequest = (queueUrl: string) => sqs('SendMessage', { QueueUrl: queueUrl, MessageBody: body1k });
    const sends = await interleaved(
      [
        {
          name: 'floor',
          run: () => load(floor.port, settings, sendRequest(`http://127.0.0.1:${port}/000000000000/x`)),
        },
        {
          name: 'sqs:SendMessage',
          run: async () => {
            const queueUrl = await createQueue(port, `bench-send-${sendQueues++}`);
            return withCpu(pid, seconds, 1, sendCpu, () => load(port, settings, sendRequest(queueUrl)));
          },
        },
      ],
      rounds,
    );
    const receives = await interleaved(
      [
        { name: 'floor', run: () => load(floor.port, settings, receiveAndDelete(receiveQueue)) },
        {
          name: 'sqs:ReceiveMessage+DeleteMessage',
          run: () => withCpu(pid, seconds, 2, pairCpu, () => load(port, settings, receiveAndDelete(receiveQueue))),
        },
      ],
      rounds,
    );
    for (const [operation, results, cpu, unit] of [
      ['sqs:SendMessage', sends, sendCpu, 'request'],
      ['sqs:ReceiveMessage+DeleteMessage', receives, pairCpu, 'pair'],
    ] as const) {
      emit({
        figure: 'requests_per_second',
        operation,
        body_bytes: 1024,
        connections,
        seconds,
        rounds,
        ...results.get(operation),
        floor: results.get('floor')?.rps,
        [`server_cpu_us_per_${unit}`]: median(cpu),
        goal: '>= 0.5',
      });
    }

    // 2. A queue of `messages` messages: memory, then the send rate next to an empty queue's.
    const fullQueue = await createQueue(port, 'bench-full');
    const rssBefore = rssMb(nimbus.child.pid as number);
    const fillSeconds = await fill(port, fullQueue, messages);
    const rssAfter = rssMb(nimbus.child.pid as number);
    emit({
      figure: 'rss_growth_with_queued_messages_mb',
      messages,
      before: rssBefore,
      after: rssAfter,
      growth: round(rssAfter - rssBefore),
      fill_messages_per_second: Math.round(messages / fillSeconds),
      goal: '< 100',
    });
    let emptyQueues = 0;
    const backlog = await interleaved(
      [
        {
          name: 'empty',
          run: async () => {
            const queueUrl = await createQueue(port, `bench-empty-${emptyQueues++}`);
            return load(port, settings, sqs('SendMessage', { QueueUrl: queueUrl, MessageBody: body1k }));
          },
        },
        {
          name: 'full',
          run: () => load(port, settings, sqs('SendMessage', { QueueUrl: fullQueue, MessageBody: body1k })),
        },
      ],
      3,
      'empty',
    );
    emit({
      figure: 'send_rate_with_backlog',
      backlog: messages,
      empty_queue_rps: backlog.get('empty')?.rps,
      full_queue_rps: backlog.get('full')?.rps,
      ratio: backlog.get('full')?.ratio,
      goal: '>= 0.8',
    });

    // 3. Receive latency on a queue with 100k visible messages (one request at a time).
    const latencyQueue = await createQueue(port, 'bench-latency');
    await fill(port, latencyQueue, 100_000);
    const latencies = await receiveLatency(port, latencyQueue, 2000);
    emit({
      figure: 'receive_latency_ms',
      visible_messages: 100_000,
      samples: latencies.length,
      p50: round(median(latencies)),
      p99: round(percentile(latencies, 99)),
      goal: 'p50 < 1',
    });

    // 4. Long-poll wake-up after a send.
    const pollQueue = await createQueue(port, 'bench-poll');
    const wakes = await wakeUps(port, pollQueue, 50);
    emit({
      figure: 'long_poll_wake_up_ms',
      samples: wakes.fromSend.length,
      from_send_start_p50: round(median(wakes.fromSend)),
      from_send_start_max: round(Math.max(...wakes.fromSend)),
      after_send_answer_p50: round(median(wakes.afterAnswer)),
      after_send_answer_max: round(Math.max(...wakes.afterAnswer)),
      goal: '< 5',
    });
    emit({ figure: 'sqs_rss_after_bench_mb', nimbus: rssMb(nimbus.child.pid as number) });
  } finally {
    await stopProcess(floor.child);
    await stopProcess(nimbus.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
