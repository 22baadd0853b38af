/**
 * The SNS figures, against a Nimbus that keeps its state on disk (as `npm start` does):
 * - Publish (256-byte message) to a topic with 10 SQS subscriptions, next to the floor answering
 *   the same requests: publishes/s, and deliveries/s (each publish reaches 10 queues in its own
 *   transaction, counted back from the queues afterwards);
 * - the same with a filter policy on each subscription that the message matches;
 * - the latency of one publish at a time (p50, p99).
 * Beside each rate, the server's CPU per publish (all its threads, from /proc; bench/sqs.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BenchSettings,
  call,
  emit,
  floorArgs,
  floorPattern,
  form,
  interleaved,
  json,
  load,
  median,
  nimbusPattern,
  nimbusScript,
  percentile,
  round,
  startProcess,
  stopProcess,
  withCpu,
} from './lib.js';

const subscriptionsPerTopic = 10;
const message = 'x'.repeat(256);

async function query(port: number, body: string): Promise<string> {
  const request = form('sns', `${body}&Version=2010-03-31`);
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`sns: ${response.status} ${text}`);
  return text;
}

function tag(xml: string, name: string): string {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) throw new Error(`no ${name} in ${xml}`);
  return match[1] as string;
}

/** A topic with 10 queues subscribed (raw delivery off: each gets the signed envelope). */
async function topicWithQueues(
  port: number,
  name: string,
  filterPolicy?: string,
): Promise<{ arn: string; queues: string[] }> {
  const arn = tag(await query(port, `Action=CreateTopic&Name=${name}`), 'TopicArn');
  const queues: string[] = [];
  for (let i = 0; i < subscriptionsPerTopic; i++) {
    const out = await call(port, json('sqs', 'AmazonSQS.CreateQueue', { QueueName: `${name}-${i}` }));
    const url = out.QueueUrl as string;
    queues.push(url);
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:${name}-${i}`;
    let subscribe = `Action=Subscribe&TopicArn=${encodeURIComponent(arn)}&Protocol=sqs&Endpoint=${encodeURIComponent(queueArn)}`;
    if (filterPolicy) {
      subscribe += `&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=${encodeURIComponent(filterPolicy)}`;
    }
    await query(port, subscribe);
  }
  return { arn, queues };
}

async function queued(port: number, queues: string[]): Promise<number> {
  let total = 0;
  for (const url of queues) {
    const out = await call(
      port,
      json('sqs', 'AmazonSQS.GetQueueAttributes', { QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    total += Number((out.Attributes as Record<string, string>).ApproximateNumberOfMessages);
  }
  return total;
}

function publishRequest(topicArn: string, attributes = '') {
  return form(
    'sns',
    `Action=Publish&Version=2010-03-31&TopicArn=${encodeURIComponent(topicArn)}&Message=${message}${attributes}`,
  );
}

export async function benchSns(settings: BenchSettings): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-'));
  const floor = await startProcess(floorArgs, floorPattern);
  const nimbus = await startProcess(
    [nimbusScript, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    nimbusPattern,
  );
  const { port } = nimbus;
  const { connections, seconds, rounds } = settings;
  try {
    const attributes =
      '&MessageAttributes.entry.1.Name=kind&MessageAttributes.entry.1.Value.DataType=String' +
      '&MessageAttributes.entry.1.Value.StringValue=order' +
      '&MessageAttributes.entry.2.Name=amount&MessageAttributes.entry.2.Value.DataType=Number' +
      '&MessageAttributes.entry.2.Value.StringValue=150';
    const plain = await topicWithQueues(port, 'bench-plain');
    const filtered = await topicWithQueues(
      port,
      'bench-filtered',
      JSON.stringify({ kind: ['order', 'refund'], amount: [{ numeric: ['>=', 100] }] }),
    );
    const pid = nimbus.child.pid as number;
    const plainCpu: number[] = [];
    const filteredCpu: number[] = [];
    let plainRequests = 0;
    let filteredRequests = 0;
    const results = await interleaved(
      [
        { name: 'floor', run: () => load(floor.port, settings, publishRequest(plain.arn)) },
        {
          name: 'sns:Publish',
          run: async () => {
            const result = await withCpu(pid, seconds, 1, plainCpu, () =>
              load(port, settings, publishRequest(plain.arn)),
            );
            plainRequests += result.rps * seconds;
            return result;
          },
        },
        {
          name: 'sns:Publish+FilterPolicy',
          run: async () => {
            const result = await withCpu(pid, seconds, 1, filteredCpu, () =>
              load(port, settings, publishRequest(filtered.arn, attributes)),
            );
            filteredRequests += result.rps * seconds;
            return result;
          },
        },
      ],
      rounds,
    );
    const delivered = await queued(port, plain.queues);
    const deliveredFiltered = await queued(port, filtered.queues);
    for (const [operation, queuedCount, published, cpu] of [
      ['sns:Publish', delivered, plainRequests, plainCpu],
      ['sns:Publish+FilterPolicy', deliveredFiltered, filteredRequests, filteredCpu],
    ] as const) {
      const result = results.get(operation);
      emit({
        figure: 'publishes_per_second',
        operation,
        subscriptions: subscriptionsPerTopic,
        message_bytes: message.length,
        connections,
        seconds,
        rounds,
        ...result,
        deliveries_per_second: (result?.rps ?? 0) * subscriptionsPerTopic,
        floor: results.get('floor')?.rps,
        // Every answered publish reached all 10 queues (rps x seconds is approximate, hence the ratio).
        delivered_per_publish: round(queuedCount / Math.max(1, published)),
        server_cpu_us_per_publish: median(cpu),
        goal: '> 5000 publishes/s (50000 deliveries/s)',
      });
    }

    // One publish at a time: the latency a test sees, next to the same client's round trip to the
    // floor (on a 2-core machine fetch alone costs about a millisecond, which no server can remove).
    const one = publishRequest(plain.arn);
    const roundTrips = async (target: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${target}/`, {
          method: 'POST',
          headers: one.headers,
          body: one.body,
        });
        await response.text();
        times.push(performance.now() - started);
      }
      return times;
    };
    const times = await roundTrips(port);
    const floorTimes = await roundTrips(floor.port);
    emit({
      figure: 'publish_latency_ms',
      subscriptions: subscriptionsPerTopic,
      p50: round(percentile(times, 50)),
      p99: round(percentile(times, 99)),
      floor_p50: round(percentile(floorTimes, 50)),
      over_floor_p50: round(percentile(times, 50) - percentile(floorTimes, 50)),
      goal: 'p50 < 1',
    });
  } finally {
    await stopProcess(nimbus.child);
    await stopProcess(floor.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
