/**
 * MessageBody scope: each case is a policy and message bodies, and whether SNS delivers. Cases
 * name their source: a recorded behaviour (test_sns_filter_policy.snapshot.json,
 * TestSNSFilterPolicyBody::<test>: which of the published messages arrived) or an AWS docs page
 * (sns/latest/dg/<page>.html).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFilterPolicy } from '../../../src/core/filter-policy/index.js';

interface Case {
  source: string;
  policy: unknown;
  matches: unknown[];
  misses: unknown[];
}

const s3Created = {
  Records: [
    {
      eventSource: 'aws:s3',
      eventTime: '2022-11-21T03:41:29.743Z',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: 'insurance-bucket-demo', arn: 'arn:aws:s3:::insurance-bucket-demo' },
        object: { key: 'auto-insurance-2314.xml', size: 17 },
      },
    },
  ],
};
const withRecord = (change: (record: Record<string, unknown>) => void): unknown => {
  const copy = structuredClone(s3Created);
  change(copy.Records[0] as unknown as Record<string, unknown>);
  return copy;
};

const cases: Case[] = [
  {
    source: 'test_filter_policy_on_message_body',
    policy: {
      object: { key: [{ prefix: 'auto-' }, 'hardcodedvalue'], nested_key: [{ exists: false }] },
      test: [{ exists: false }],
    },
    matches: [{ object: { key: 'auto-test' } }, { object: { key: 'hardcodedvalue' } }],
    misses: [
      { object: { key: 'test-auto' } },
      { object: { key: 'auto-test' }, test: 'just-exists' },
      { object: { key: 'auto-test', nested_key: 'just-exists' } },
      { object: { test: 'auto-test' } },
      { test: 'auto-test' },
      'Regular string message',
    ],
  },
  {
    source: 'test_filter_policy_on_message_body_dot_attribute (a dotted policy key)',
    policy: { 'object.nested': ['string.value'] },
    matches: [{ object: { nested: 'string.value' } }, { 'object.nested': 'string.value' }],
    misses: [{ object: { nested: 'test-auto' } }],
  },
  {
    source: 'test_filter_policy_on_message_body_dot_attribute (deeper)',
    policy: { 'object.nested.test': ['string.value'] },
    matches: [
      { object: { nested: { test: 'string.value' } } },
      { 'object.nested.test': 'string.value' },
      { 'object.nested': { test: 'string.value' } },
      { object: { 'nested.test': 'string.value' } },
    ],
    misses: [{ object: { nested: { test: 'string.notvalue' } } }],
  },
  {
    source: 'test_filter_policy_on_message_body_array_attributes',
    policy: { headers: { 'route-to': ['queue1'] } },
    matches: [{ headers: { 'route-to': ['queue1'] } }, { headers: { 'route-to': ['queue1', 'queue2'] } }],
    misses: [{ headers: { 'route-to': ['queue3'] } }, { headers: { 'route-to': ['queue2'] } }],
  },
  {
    source: 'test_filter_policy_on_message_body_array_of_object_attributes',
    policy: { Records: { s3: { object: { key: [{ prefix: 'auto-' }] } }, eventName: [{ prefix: 'ObjectCreated:' }] } },
    matches: [
      s3Created,
      {
        Records: [
          // a list of lists of objects: "it works in AWS"
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { object: [[{ key: 'auto-insurance-2314.xml' }]] },
          },
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectRemoved:Delete',
            s3: { object: { key: 'home-insurance-2314.xml' } },
          },
        ],
      },
    ],
    misses: [
      withRecord((record) => {
        record.eventName = 'ObjectRemoved:Delete';
      }),
      withRecord((record) => {
        (record.s3 as { object: { key: string } }).object.key = 'home-insurance-2314.xml';
      }),
    ],
  },
  {
    source: 'test_filter_policy_on_message_body_or_attribute',
    policy: {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: {
        scope: ['Service'],
        $or: [{ source: ['aws.cloudwatch'] }, { type: ['CloudWatch Alarm State Change'] }],
      },
    },
    matches: [
      { metricName: 'CPUUtilization', detail: { scope: 'Service', source: 'aws.cloudwatch' } },
      { metricName: 'ReadLatency', detail: { scope: 'Service', source: 'aws.cloudwatch' } },
      { namespace: 'AWS/EC2', detail: { scope: 'Service', source: 'aws.cloudwatch' } },
      { namespace: 'AWS/ES', detail: { scope: 'Service', source: 'aws.cloudwatch' } },
      { metricName: 'CPUUtilization', detail: { scope: 'Service', type: 'CloudWatch Alarm State Change' } },
    ],
    misses: [
      { metricName: 'CPUUtilization', detail: { scope: 'aws.cloudwatch', type: 'CloudWatch Alarm State Change' } },
      { metricName: 'CPUUtilization', detail: { scope: 'Service', type: 'CPUUtilization' } },
      { metricName: 'CPUUtilization', detail: { type: 'CloudWatch Alarm State Change' } },
      { metricName: 'CPUUtilization', detail: { scope: 'Service' } },
      { metricName: 'CPUUtilization', scope: 'Service' },
      { metricName: 'AWS/EC2', detail: { scope: 'Service', type: 'CloudWatch Alarm State Change' } },
      { namespace: 'CPUUtilization', detail: { scope: 'Service', type: 'CloudWatch Alarm State Change' } },
    ],
  },
  {
    source: 'test_filter_policy_empty_array_payload',
    policy: { detail: { eventVersion: [''] } },
    matches: [
      {
        version: '0',
        'detail-type': 'EC2 Instance Launch Successful',
        source: 'aws.autoscaling',
        resources: [],
        detail: { eventVersion: '', responseElements: null },
      },
    ],
    misses: [{ detail: { eventVersion: 'x' } }, { detail: {} }],
  },
  {
    source: 'test_filter_policy_ip_address_condition',
    policy: {
      detail: {
        $or: [
          { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] },
          { sourceIPAddressV6: [{ cidr: '2001:db8:1234:1a00::/64' }] },
        ],
      },
    },
    matches: [
      { id: '1', detail: { sourceIPAddress: '10.0.0.255' } },
      { id: '3', detail: { sourceIPAddressV6: '2001:0db8:1234:1a00:0000:0000:0000:0000' } },
    ],
    misses: [
      { id: '2', detail: { sourceIPAddress: '10.0.0.256' } },
      { id: '4', detail: { sourceIPAddressV6: '2001:0db8:123f:1a01:0000:0000:0000:0000' } },
    ],
  },
  {
    source: 'test_filter_policy_large_complex_payload (a dotted key inside nested keys)',
    policy: { detail: { 'payload.nested.another-level.deep': { 'inside-list': [{ prefix: 'q-test' }] } } },
    matches: [
      { detail: { payload: { nested: { 'another-level': { deep: [{ 'inside-list': ['a', 'q-test-1'] }] } } } } },
    ],
    misses: [{ detail: { payload: { nested: { 'another-level': { deep: [{ 'inside-list': ['a'] }] } } } } }],
  },
  {
    source: 'string-value-matching.html: anything-but on a body array (a value that is not excluded)',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    matches: [{ customer_interests: 'baseball' }, { customer_interests: ['rugby', 'baseball'] }],
    misses: [{ customer_interests: 'rugby' }, { customer_interests: ['rugby', 'tennis'] }, {}],
  },
  {
    source: 'attribute-key-matching.html: exists on a body',
    policy: { store: [{ exists: true }] },
    matches: [{ store: 'fans', customer_interests: ['baseball', 'basketball'] }],
    misses: [{ customer_interests: ['baseball', 'basketball'] }, { store: null }, { store: [] }, { store: { a: 1 } }],
  },
  {
    source: 'attribute-key-matching.html: exists false on a body',
    policy: { store: [{ exists: false }] },
    matches: [{ customer_interests: ['baseball', 'basketball'] }, { store: null }, { store: { a: 1 } }],
    misses: [{ store: 'fans' }, { store: ['fans'] }],
  },
  {
    source: 'null, true and false match only themselves',
    policy: { a: [null], b: [true] },
    matches: [
      { a: null, b: true },
      { a: [1, null], b: [false, true] },
    ],
    misses: [{ b: true }, { a: null, b: 'true' }, { a: 'null', b: true }],
  },
  {
    source: 'numeric-value-matching.html: numbers match numbers, never strings',
    policy: { price: [{ numeric: ['>', 10, '<', 20] }, 5] },
    matches: [{ price: 11 }, { price: 5.0 }, { price: [1, 19.5] }],
    misses: [{ price: '11' }, { price: 20 }, { price: '5' }],
  },
  {
    source: 'fields under one array element match within that element',
    policy: { items: { name: ['x'], size: [{ numeric: ['>', 1] }] } },
    matches: [
      {
        items: [
          { name: 'y', size: 5 },
          { name: 'x', size: 2 },
        ],
      },
    ],
    misses: [
      {
        items: [
          { name: 'x', size: 1 },
          { name: 'y', size: 2 },
        ],
      },
    ],
  },
  {
    source: 'keys named like Object.prototype members are ordinary keys',
    policy: { constructor: ['a'], toString: [{ exists: false }] },
    matches: [{ constructor: 'a' }],
    misses: [{ constructor: 'b' }, {}, { constructor: 'a', toString: 'x' }],
  },
];

describe('FilterPolicy.matchesBody', () => {
  for (const { source, policy, matches, misses } of cases) {
    test(`${source}: delivers the matching bodies and no others`, () => {
      const compiled = compileFilterPolicy(JSON.stringify(policy), 'MessageBody');
      for (const body of matches) {
        assert.equal(compiled.matchesBody(JSON.stringify(body)), true, JSON.stringify(body));
        assert.equal(compiled.matchesParsedBody(body), true, JSON.stringify(body));
      }
      for (const body of misses) assert.equal(compiled.matchesBody(JSON.stringify(body)), false, JSON.stringify(body));
    });
  }

  test('a body that is not a JSON object matches nothing (test_filter_policy_on_message_body)', () => {
    const compiled = compileFilterPolicy('{"a": [{"exists": false}]}', 'MessageBody');
    assert.equal(compiled.matchesBody('{}'), true);
    for (const body of ['Regular string message', '"Regular string message"', '[]', '5', 'null', '{"a":']) {
      assert.equal(compiled.matchesBody(body), false, body);
    }
    assert.equal(compiled.matchesParsedBody(['a']), false);
  });

  test('a MessageBody policy never matches attributes', () => {
    const compiled = compileFilterPolicy('{"a": ["x"]}', 'MessageBody');
    assert.equal(compiled.matchesAttributes({ a: { DataType: 'String', StringValue: 'x' } }), false);
  });
});
