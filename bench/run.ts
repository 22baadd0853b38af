/**
 * `npm run bench`: Nimbus next to the floor (a bare node:http server answering a fixed body),
 * measured in one run on this machine with the same load generator (autocannon, 32
 * connections). Prints one JSON line per figure.
 *
 *   node dist/bench/run.js [--only core,sqs,sns,s3,dynamodb,kinesis,firehose,lambda] [--seconds 4] [--rounds 5] [--connections 32]
 *                          [--starts 7] [--messages 1000000] [--objects 1000000] [--items 1000000]
 *                          [--object-sizes-mb 64,1024] [--lambda-messages 20000]
 */
import { parseArgs } from 'node:util';
import { benchCore } from './core.js';
import { benchDynamodb } from './dynamodb.js';
import { benchFirehose } from './firehose.js';
import { benchKinesis } from './kinesis.js';
import { benchLambda } from './lambda.js';
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

async function main(): Promise<void> {
  if (only.has('core')) await benchCore(settings, Number(values.starts));
  if (only.has('sqs')) await benchSqs(settings, Number(values.messages));
  if (only.has('sns')) await benchSns(settings);
  if (only.has('s3')) {
    const sizes = String(values['object-sizes-mb']).split(',').map(Number);
    await benchS3(settings, Number(values.objects), sizes);
  }
  if (only.has('dynamodb')) await benchDynamodb(settings, Number(values.items));
  if (only.has('lambda')) {
    await benchLambda({ starts: Number(values.starts), messages: Number(values['lambda-messages']), samples: 500 });
  }
  if (only.has('kinesis')) await benchKinesis(settings);
  if (only.has('firehose')) await benchFirehose(settings);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
