/**
 * `npm run bench`: Nimbus next to the floor (a bare node:http server answering a fixed body),
 * measured in one run on this machine with the same load generator (autocannon, 32
 * connections). Prints one JSON line per figure.
 *
 *   node dist/bench/run.js [--only core,sqs,sns,s3,dynamodb,kinesis,firehose,lambda] (or s3-small, s3-large, s3-list) [--seconds 4] [--rounds 5] [--connections 32]
 *                          [--starts 7] [--messages 1000000] [--objects 1000000] [--items 1000000]
 *                          [--object-sizes-mb 64,1024] [--lambda-messages 20000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchCore } from './core.js';
import { benchDynamodb } from './dynamodb.js';
import { benchFirehose } from './firehose.js';
import { benchKinesis } from './kinesis.js';
import { benchLambda } from './lambda.js';
import { emit } from './lib.js';
import { benchS3 } from './s3.js';
import { benchSns } from './sns.js';
import { benchSqs } from './sqs.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'core,sqs,sns,s3,dynamodb,kinesis,firehose,lambda' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    starts: { type: 'string', default: '7' },
    messages: { type: 'string', default: '1000000' },
    objects: { type: 'string', default: '1000000' },
    items: { type: 'string', default: '1000000' },
    'object-sizes-mb': { type: 'string', default: '64,1024' },
    'lambda-messages': { type: 'string', default: '20000' },
  },
});
const settings = {
  seconds: Number(values.seconds),
  rounds: Number(values.rounds),
  connections: Number(values.connections),
};
const only = new Set(String(values.only).split(','));

/** All CPU time of the machine so far and the part of it the hypervisor gave to others (/proc/stat). */
function machineTicks(): { total: number; steal: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is within user)
  return { total: fields.slice(0, 8).reduce((sum, value) => sum + value, 0), steal: fields[7] ?? 0 };
}

/**
 * Runs one section and then says how much of the machine's CPU time the hypervisor took
 * meanwhile: on a shared virtual machine a third of it can go, and every figure of the section
 * moves with it (latencies most).
 */
async function section(name: string, run: () => Promise<void>): Promise<void> {
  const before = machineTicks();
  await run();
  const after = machineTicks();
  const total = after.total - before.total;
  emit({
    figure: 'cpu_steal_percent',
    section: name,
    steal: total > 0 ? Math.round(((after.steal - before.steal) * 1000) / total) / 10 : 0,
  });
}

async function main(): Promise<void> {
  if (only.has('core')) await section('core', () => benchCore(settings, Number(values.starts)));
  if (only.has('sqs')) await section('sqs', () => benchSqs(settings, Number(values.messages)));
  if (only.has('sns')) await section('sns', () => benchSns(settings));
  // `s3` runs all three parts; `s3-small`, `s3-large` and `s3-list` one each.
  const s3Parts = (['small', 'large', 'list'] as const).filter((part) => only.has('s3') || only.has(`s3-${part}`));
  if (s3Parts.length > 0) {
    const sizes = String(values['object-sizes-mb']).split(',').map(Number);
    await section('s3', () => benchS3(settings, Number(values.objects), sizes, new Set(s3Parts)));
  }
  if (only.has('dynamodb')) await section('dynamodb', () => benchDynamodb(settings, Number(values.items)));
  if (only.has('lambda')) {
    await section('lambda', () =>
      benchLambda({ starts: Number(values.starts), messages: Number(values['lambda-messages']), samples: 500 }),
    );
  }
  if (only.has('kinesis')) await section('kinesis', () => benchKinesis(settings));
  if (only.has('firehose')) await section('firehose', () => benchFirehose(settings));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
