/**
 * The cost of evaluating one SNS subscription's filter policy against one message, for a few
 * realistic policies (attribute and body scope, $or, nested arrays, CIDR). The body is parsed once,
 * as SNS does per publish (matchesParsedBody); compiling is not measured. Prints one JSON line.
 * Run: node dist/bench/filter-policy.js
 */
import { compileFilterPolicy, type FilterPolicyScope, type MessageAttribute } from '../src/core/filter-policy/index.js';

interface Scenario {
  name: string;
  scope: FilterPolicyScope;
  policy: unknown;
  /** Messages evaluated in turn: a mix that matches and that does not. */
  messages: (Record<string, MessageAttribute> | unknown)[];
}

const str = (value: string): MessageAttribute => ({ DataType: 'String', StringValue: value });
const num = (value: string): MessageAttribute => ({ DataType: 'Number', StringValue: value });
const arr = (values: string[]): MessageAttribute => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });

const orderAttributes = (event: string, price: string) => ({
  customer_interests: arr(['soccer', 'rugby', 'hockey']),
  store: str('example_corp'),
  event: str(event),
  price_usd: num(price),
});

const s3Event = (key: string, eventName: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2022-11-21T03:41:29.743Z',
      eventName,
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: 'insurance-bucket-demo', arn: 'arn:aws:s3:::insurance-bucket-demo' },
        object: { key, size: 17, eTag: 'd41d8cd98f00b204e9800998ecf8427e' },
      },
    },
  ],
});

const scenarios: Scenario[] = [
  {
    name: 'attributes: one exact value',
    scope: 'MessageAttributes',
    policy: { event: ['order_placed'] },
    messages: [orderAttributes('order_placed', '210.75'), orderAttributes('order_cancelled', '210.75')],
  },
  {
    name: 'attributes: the docs example (4 keys, anything-but, String.Array, numeric)',
    scope: 'MessageAttributes',
    policy: {
      store: ['example_corp'],
      event: [{ 'anything-but': 'order_cancelled' }],
      customer_interests: ['rugby', 'football', 'baseball'],
      price_usd: [{ numeric: ['>=', 100] }],
    },
    messages: [orderAttributes('order_placed', '210.75'), orderAttributes('order_placed', '99')],
  },
  {
    name: 'body: S3 event records, nested prefixes',
    scope: 'MessageBody',
    policy: { Records: { s3: { object: { key: [{ prefix: 'auto-' }] } }, eventName: [{ prefix: 'ObjectCreated:' }] } },
    messages: [s3Event('auto-insurance-2314.xml', 'ObjectCreated:Put'), s3Event('home-2314.xml', 'ObjectCreated:Put')],
  },
  {
    name: 'body: $or of metrics with a nested $or',
    scope: 'MessageBody',
    policy: {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: {
        scope: ['Service'],
        $or: [{ source: ['aws.cloudwatch'] }, { type: ['CloudWatch Alarm State Change'] }],
      },
    },
    messages: [
      { namespace: 'AWS/ES', detail: { scope: 'Service', type: 'CloudWatch Alarm State Change' } },
      { metricName: 'NetworkIn', detail: { scope: 'Service', source: 'aws.cloudwatch' } },
    ],
  },
  {
    name: 'body: CIDR and numeric range',
    scope: 'MessageBody',
    policy: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }], bytes: [{ numeric: ['>', 0, '<=', 1500] }] } },
    messages: [
      { detail: { sourceIPAddress: '10.0.0.17', bytes: 512 } },
      { detail: { sourceIPAddress: '192.168.1.1', bytes: 512 } },
    ],
  },
];

const iterations = 200_000;
const byPolicy: Record<string, number> = {};
let sink = 0;
for (const scenario of scenarios) {
  const policy = compileFilterPolicy(JSON.stringify(scenario.policy), scenario.scope);
  const evaluate =
    scenario.scope === 'MessageAttributes'
      ? (message: unknown) => policy.matchesAttributes(message as Record<string, MessageAttribute>)
      : (message: unknown) => policy.matchesParsedBody(message);
  const { messages } = scenario;
  for (let i = 0; i < 20_000; i++) if (evaluate(messages[i % messages.length])) sink++;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (evaluate(messages[i % messages.length])) sink++;
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  byPolicy[scenario.name] = Math.round((elapsed / iterations) * 1000) / 1000;
}
const values = Object.values(byPolicy);
const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
process.stdout.write(
  `${JSON.stringify({
    figure: 'filter-policy evaluation',
    us_per_eval: Math.round(mean * 1000) / 1000,
    max_us_per_eval: Math.max(...values),
    goal: '< 5',
    by_policy: byPolicy,
    matched: sink,
  })}\n`,
);
