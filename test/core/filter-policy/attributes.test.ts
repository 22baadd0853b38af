/**
 * MessageAttributes scope: each case is a policy and a message's attributes, and whether SNS
 * delivers. Cases name their source: an AWS docs page (sns/latest/dg/<page>.html) or a recorded
 * behaviour (test_sns_filter_policy.snapshot.json, <class>::<test>).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFilterPolicy, type MessageAttribute } from '../../../src/core/filter-policy/index.js';

type Attributes = Record<string, MessageAttribute>;

const str = (value: string): MessageAttribute => ({ DataType: 'String', StringValue: value });
const num = (value: string): MessageAttribute => ({ DataType: 'Number', StringValue: value });
const arr = (values: unknown[]): MessageAttribute => ({
  DataType: 'String.Array',
  StringValue: JSON.stringify(values),
});
const bin = (): MessageAttribute => ({ DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) });

interface Case {
  source: string;
  policy: unknown;
  matches: Attributes[];
  misses: Attributes[];
}

const cases: Case[] = [
  {
    source: 'string-value-matching.html: exact matching',
    policy: { customer_interests: ['rugby', 'tennis'] },
    matches: [
      { customer_interests: str('rugby') },
      { customer_interests: str('tennis') },
      { customer_interests: arr(['rugby', 'tennis']) },
    ],
    misses: [{ customer_interests: str('baseball') }, { customer_interests: arr(['baseball']) }],
  },
  {
    // The current page: "For String.Array type attributes, it matches if none of the array elements are listed".
    source: 'string-value-matching.html: anything-but matching',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    matches: [
      { customer_interests: str('baseball') },
      { customer_interests: str('football') },
      { customer_interests: arr(['baseball', 'football']) },
    ],
    misses: [{ customer_interests: str('rugby') }, { customer_interests: arr(['rugby', 'baseball']) }, {}],
  },
  {
    source: 'string-value-matching.html: anything-but with a prefix',
    policy: { event: [{ 'anything-but': { prefix: 'order-' } }] },
    matches: [{ event: str('data-entry') }, { event: str('order_number') }],
    misses: [{ event: str('order-cancelled') }],
  },
  {
    source: 'string-value-matching.html: prefix matching',
    policy: { customer_interests: [{ prefix: 'bas' }] },
    matches: [{ customer_interests: str('baseball') }, { customer_interests: str('basketball') }],
    misses: [{ customer_interests: str('rugby') }],
  },
  {
    source: 'string-value-matching.html: suffix matching',
    policy: { customer_interests: [{ suffix: 'ball' }] },
    matches: [{ customer_interests: str('baseball') }, { customer_interests: str('basketball') }],
    misses: [{ customer_interests: str('rugby') }],
  },
  {
    source: 'string-value-matching.html: equals-ignore-case matching',
    policy: { customer_interests: [{ 'equals-ignore-case': 'tennis' }] },
    matches: [{ customer_interests: str('TENNIS') }, { customer_interests: str('Tennis') }],
    misses: [{ customer_interests: str('baseball') }],
  },
  {
    source: 'string-value-matching.html: IP address matching',
    policy: { source_ip: [{ cidr: '10.0.0.0/24' }] },
    matches: [{ source_ip: str('10.0.0.0') }, { source_ip: str('10.0.0.255') }],
    misses: [{ source_ip: str('10.1.1.0') }, { source_ip: str('not an address') }],
  },
  {
    source: 'numeric-value-matching.html: exact matching',
    policy: { price_usd: [{ numeric: ['=', 301.5] }] },
    matches: [{ price_usd: num('301.5') }, { price_usd: num('3.015e2') }],
    misses: [{ price_usd: num('301.6') }, { price_usd: str('301.5') }],
  },
  {
    source: 'numeric-value-matching.html: anything-but matching',
    policy: { price: [{ 'anything-but': [100, 500] }] },
    matches: [{ price: num('101') }, { price: num('100.1') }],
    misses: [{ price: num('100') }, { price: num('500.0') }],
  },
  {
    source: 'numeric-value-matching.html: value range matching, below zero',
    policy: { price_usd: [{ numeric: ['<', 0] }] },
    matches: [{ price_usd: num('-1') }, { price_usd: num('-0.5') }],
    misses: [{ price_usd: num('0') }, { price_usd: num('3') }],
  },
  {
    source: 'numeric-value-matching.html: value range matching, above zero up to 150',
    policy: { price_usd: [{ numeric: ['>', 0, '<=', 150] }] },
    matches: [{ price_usd: num('150') }, { price_usd: num('0.01') }],
    misses: [{ price_usd: num('0') }, { price_usd: num('150.5') }, { price_usd: str('100') }],
  },
  {
    source: 'and-or-logic.html: AND logic',
    policy: { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] },
    matches: [{ customer_interests: str('rugby'), price_usd: num('100.5') }],
    misses: [
      { customer_interests: str('rugby'), price_usd: num('100') },
      { customer_interests: str('tennis'), price_usd: num('200') },
      { customer_interests: str('rugby') },
    ],
  },
  {
    source: 'and-or-logic.html: OR logic',
    policy: { customer_interests: ['rugby', 'football', 'baseball'] },
    matches: [{ customer_interests: str('football') }, { customer_interests: str('baseball') }],
    misses: [{ customer_interests: str('tennis') }],
  },
  {
    source: 'and-or-logic.html: OR operator',
    policy: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
    matches: [
      { source: str('aws.cloudwatch'), metricName: str('CPUUtilization') },
      { source: str('aws.cloudwatch'), namespace: str('AWS/EC2') },
    ],
    misses: [
      { source: str('aws.cloudwatch'), metricName: str('ReadLatency') },
      { source: str('aws.events'), namespace: str('AWS/EC2') },
    ],
  },
  {
    source: 'attribute-key-matching.html: exists true',
    policy: { store: [{ exists: true }] },
    matches: [{ store: str('fans'), customer_interests: arr(['baseball', 'basketball']) }],
    misses: [{ customer_interests: arr(['baseball', 'basketball']) }, {}],
  },
  {
    source: 'attribute-key-matching.html: exists false (never matches an empty set of attributes)',
    policy: { store: [{ exists: false }] },
    matches: [{ customer_interests: arr(['baseball', 'basketball']) }],
    misses: [{ store: str('fans'), customer_interests: arr(['baseball', 'basketball']) }, {}],
  },
  {
    source: 'example-filter-policies.html: a policy that accepts the example message',
    policy: {
      store: ['example_corp'],
      event: [{ 'anything-but': 'order_cancelled' }],
      customer_interests: ['rugby', 'football', 'baseball'],
      price_usd: [{ numeric: ['>=', 100] }],
    },
    matches: [exampleMessage()],
    misses: [{ ...exampleMessage(), event: str('order_cancelled') }],
  },
  {
    source: 'example-filter-policies.html: a policy that rejects the example message',
    policy: {
      store: ['example_corp'],
      event: ['order_cancelled'],
      encrypted: [false],
      customer_interests: ['basketball', 'baseball'],
    },
    matches: [],
    misses: [exampleMessage()],
  },
  {
    source: 'subscription-filter-policy-constraints.html: Binary attributes are ignored',
    policy: { photo: [{ exists: false }] },
    matches: [{ photo: bin(), other: str('x') }],
    misses: [{ photo: bin() }],
  },
  {
    source: 'attribute typing: a Number is not a string, a String is not a number',
    policy: { n: [100], s: ['100'] },
    matches: [{ n: num('1e2'), s: str('100') }],
    misses: [
      { n: str('100'), s: str('100') },
      { n: num('100'), s: num('100') },
    ],
  },
  {
    source: 'TestSNSFilterPolicyAttributes::test_filter_policy',
    policy: { attr1: [{ numeric: ['>', 0, '<=', 100] }] },
    matches: [{ attr1: num('99') }],
    misses: [{ attr1: num('111') }],
  },
  {
    source: 'TestSNSFilterPolicyAttributes::test_filter_policy (null or anything-but, no attributes)',
    policy: { attr1: [null, { 'anything-but': 'whatever' }] },
    matches: [{ attr1: str('something') }],
    misses: [{}],
  },
  {
    source: 'TestSNSFilterPolicyAttributes::test_exists_filter_policy (exists true)',
    policy: { store: [{ exists: true }] },
    matches: [{ store: num('99'), def: num('99') }],
    misses: [{ attr1: num('111') }],
  },
  {
    source: 'TestSNSFilterPolicyAttributes::test_exists_filter_policy (exists false)',
    policy: { store: [{ exists: false }] },
    matches: [{ def: num('99') }],
    misses: [{ store: num('99'), def: num('99') }],
  },
  {
    source: 'TestSNSFilterPolicyAttributes::test_exists_filter_policy_attributes_array',
    policy: { store: ['value1'] },
    matches: [{ store: str('value1') }, { store: arr(['value1', 'value2']) }],
    misses: [{ store: arr(['value2', 'value3']) }],
  },
  {
    source: 'attribute names with dots are names, not paths',
    policy: { 'order.id': ['1'] },
    matches: [{ 'order.id': str('1') }],
    misses: [{ order: str('1') }],
  },
];

function exampleMessage(): Attributes {
  return {
    customer_interests: arr(['soccer', 'rugby', 'hockey']),
    store: str('example_corp'),
    event: str('order_placed'),
    price_usd: num('210.75'),
  };
}

describe('FilterPolicy.matchesAttributes', () => {
  for (const { source, policy, matches, misses } of cases) {
    test(`${source}: delivers the matching messages and no others`, () => {
      const compiled = compileFilterPolicy(JSON.stringify(policy), 'MessageAttributes');
      for (const attributes of matches)
        assert.equal(compiled.matchesAttributes(attributes), true, JSON.stringify(attributes));
      for (const attributes of misses)
        assert.equal(compiled.matchesAttributes(attributes), false, JSON.stringify(attributes));
    });
  }

  test('a MessageAttributes policy never matches a body', () => {
    const compiled = compileFilterPolicy('{"a": ["x"]}', 'MessageAttributes');
    assert.equal(compiled.matchesBody('{"a": "x"}'), false);
  });
});
