/**
 * Every filter policy AWS refused in the recorded responses, with AWS's exact text. Case ids are
 * <test>/<snapshot key> of shared/aws-reference/recorded-responses/services/sns/
 * test_sns_filter_policy.snapshot.json (TestSNSFilterPolicyConditions cases were sent through
 * Subscribe, so their text is the "Attributes Reason" form; TestSNSFilterPolicyCrud cases through
 * SetSubscriptionAttributes) and test_sns.snapshot.json. The policies are the recorded tests' own,
 * sent as Python's json.dumps writes them (with spaces: AWS quotes them back compacted).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileFilterPolicy,
  FilterPolicyError,
  type FilterPolicyScope,
  parseFilterPolicyScope,
} from '../../../src/core/filter-policy/index.js';

interface RecordedRefusal {
  id: string;
  policy: string;
  scope: FilterPolicyScope;
  via: 'subscribe' | 'set';
  message: string;
}

function refusal(policy: string, scope: FilterPolicyScope): FilterPolicyError {
  try {
    compileFilterPolicy(policy, scope);
  } catch (error) {
    if (error instanceof FilterPolicyError) return error;
    throw error;
  }
  assert.fail(`accepted ${policy}`);
}

/** Python's json.dumps: ", " and ": " separators. */
function dumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(dumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${dumps(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

const values = (n: number) => Array.from({ length: n }, (_, i) => `value${i}`);

const recorded: RecordedRefusal[] = [
  {
    id: 'test_validate_policy/error-condition-list',
    policy: '{"key": [["value"]]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Match value must be String, number, true, false, or null\n at [Source: (String)"{"key":[["value"]]}"; line: 1, column: 10]',
  },

  {
    id: 'test_validate_policy/error-condition-operator',
    policy: '{"key": [{"wrong-operator": true}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wrong-operator\n at [Source: (String)"{"key":[{"wrong-operator":true}]}"; line: 1, column: 31]',
  },

  {
    id: 'test_validate_policy/error-condition-two-operators',
    policy: '{"key": [{"suffix": "value", "prefix": "value2"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Only one key allowed in match expression\n at [Source: (String)"{"key":[{"suffix":"value","prefix":"value2"}]}"; line: 1, column: 37]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-empty-array',
    policy: '{"key": []}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed\n at [Source: (String)"{"key":[]}"; line: 1, column: 10]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-is-numeric',
    policy: '{"key": [{"suffix": 100}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string\n at [Source: (String)"{"key":[{"suffix":100}]}"; line: 1, column: 22]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-is-none',
    policy: '{"key": [{"suffix": null}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string\n at [Source: (String)"{"key":[{"suffix":null}]}"; line: 1, column: 23]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-is-not-list-and-operator',
    policy: '{"key": {"suffix": "value"}}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: "suffix" must be an object or an array\n at [Source: (String)"{"key":{"suffix":"value"}}"; line: 1, column: 19]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-empty-list',
    policy: '{"key": [{"suffix": []}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string\n at [Source: (String)"{"key":[{"suffix":[]}]}"; line: 1, column: 20]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-list-wrong-type',
    policy: '{"key": [{"suffix": ["test", "test2"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string\n at [Source: (String)"{"key":[{"suffix":["test","test2"]}]}"; line: 1, column: 20]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-is-not-list-two-ops',
    policy: '{"key": {"suffix": "value", "prefix": "value"}}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: "suffix" must be an object or an array\n at [Source: (String)"{"key":{"suffix":"value","prefix":"value"}}"; line: 1, column: 19]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-is-not-list-and-no-operator',
    policy: '{"key": {"not-an-operator": "value"}}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: "not-an-operator" must be an object or an array\n at [Source: (String)"{"key":{"not-an-operator":"value"}}"; line: 1, column: 28]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-bad-type',
    policy: '{"key": [{"cidr": ["bad-filter"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: prefix match pattern must be a string\n at [Source: (String)"{"key":[{"cidr":["bad-filter"]}]}"; line: 1, column: 18]',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-bad-cidr-str',
    policy: '{"key": [{"cidr": "bad-filter"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: "Invalid parameter: Attributes Reason: FilterPolicy: Malformed CIDR, one '/' required",
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-bad-cidr-str-slash',
    policy: '{"key": [{"cidr": "bad-filter/64"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Nonstandard IP address: bad-filter',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-bad-cidr-str-slash-2',
    policy: '{"key": [{"cidr": "bad-/64filter"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Malformed CIDR, mask bits must be an integer',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-bad-cidr-v4',
    policy: '{"key": [{"cidr": "xx.11.xx/8"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Nonstandard IP address: xx.11.xx',
  },

  {
    id: 'test_validate_policy_string_operators/error-condition-bad-cidr-v6',
    policy: '{"key": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Nonstandard IP address: xxxx:db8:1234:1a00::',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-empty',
    policy: '{"key": [{"numeric": []}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Invalid member in numeric match: ]\n at [Source: (String)"{"key":[{"numeric":[]}]}"; line: 1, column: 22]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-operator',
    policy: '{"key": [{"numeric": ["operator"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized numeric range operator: operator\n at [Source: (String)"{"key":[{"numeric":["operator"]}]}"; line: 1, column: 32]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-operator-order',
    policy: '{"key": [{"numeric": [1, "<="]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Invalid member in numeric match: 1\n at [Source: (String)"{"key":[{"numeric":[1,"<="]}]}"; line: 1, column: 22]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-type',
    policy: '{"key": [{"numeric": ["=", "000"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Value of equals must be numeric\n at [Source: (String)"{"key":[{"numeric":["=","000"]}]}"; line: 1, column: 26]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-missing-value',
    policy: '{"key": [{"numeric": [">="]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Value of >= must be numeric\n at [Source: (String)"{"key":[{"numeric":[">="]}]}"; line: 1, column: 26]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-range-order',
    policy: '{"key": [{"numeric": ["<", 100, ">", 10]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Too many elements in numeric expression\n at [Source: (String)"{"key":[{"numeric":["<",100,">",10]}]}"; line: 1, column: 30]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-range-operators',
    policy: '{"key": [{"numeric": [">=", 1, ">", 2]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Bad numeric range operator: >\n at [Source: (String)"{"key":[{"numeric":[">=",1,">",2]}]}"; line: 1, column: 31]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-value-order',
    policy: '{"key": [{"numeric": [">", 3, "<", 1]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top\n at [Source: (String)"{"key":[{"numeric":[">",3,"<",1]}]}"; line: 1, column: 33]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-missing-range-value',
    policy: '{"key": [{"numeric": [">", 20, "<="]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Value of <= must be numeric\n at [Source: (String)"{"key":[{"numeric":[">",20,"<="]}]}"; line: 1, column: 33]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-missing-range-operator',
    policy: '{"key": [{"numeric": [">", 20, 30]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Bad value in numeric range: 30\n at [Source: (String)"{"key":[{"numeric":[">",20,30]}]}"; line: 1, column: 30]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-second-range-operator',
    policy: '{"key": [{"numeric": [">", 20, "test"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Bad numeric range operator: test\n at [Source: (String)"{"key":[{"numeric":[">",20,"test"]}]}"; line: 1, column: 34]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-range-value-1-type',
    policy: '{"key": [{"numeric": [">", "20", "<", "30"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Value of > must be numeric\n at [Source: (String)"{"key":[{"numeric":[">","20","<","30"]}]}"; line: 1, column: 26]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-wrong-range-value-2-type',
    policy: '{"key": [{"numeric": [">", 20, "<", "30"]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Value of < must be numeric\n at [Source: (String)"{"key":[{"numeric":[">",20,"<","30"]}]}"; line: 1, column: 33]',
  },

  {
    id: 'test_validate_policy_numeric_operator/error-numeric-too-many-range',
    policy: '{"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Too many terms in numeric range expression\n at [Source: (String)"{"key":[{"numeric":[">",20,"<",30,"<",50]}]}"; line: 1, column: 36]',
  },

  {
    id: 'test_validate_policy_exists_operator/error-condition-none',
    policy: '{"key": [{"exists": null}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false.\n at [Source: (String)"{"key":[{"exists":null}]}"; line: 1, column: 23]',
  },

  {
    id: 'test_validate_policy_exists_operator/error-condition-string',
    policy: '{"key": [{"exists": "no"}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false.\n at [Source: (String)"{"key":[{"exists":"no"}]}"; line: 1, column: 20]',
  },

  {
    id: 'test_validate_policy_nested_anything_but_operator/error-condition-wrong-operator',
    policy: '{"key": [{"anything-but": {"wrong-operator": null}}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: wrong-operator\n at [Source: (String)"{"key":[{"anything-but":{"wrong-operator":null}}]}"; line: 1, column: 47]',
  },

  {
    id: 'test_validate_policy_nested_anything_but_operator/error-condition-anything-but-suffix',
    policy: '{"key": [{"anything-but": {"suffix": "test"}}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: suffix\n at [Source: (String)"{"key":[{"anything-but":{"suffix":"test"}}]}"; line: 1, column: 36]',
  },

  {
    id: 'test_validate_policy_nested_anything_but_operator/error-condition-anything-but-exists',
    policy: '{"key": [{"anything-but": {"exists": false}}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: exists\n at [Source: (String)"{"key":[{"anything-but":{"exists":false}}]}"; line: 1, column: 40]',
  },

  {
    id: 'test_validate_policy_nested_anything_but_operator/error-condition-anything-but-prefix-wrong-type',
    policy: '{"key": [{"anything-but": {"prefix": false}}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      'Invalid parameter: Attributes Reason: FilterPolicy: prefix match pattern must be a string\n at [Source: (String)"{"key":[{"anything-but":{"prefix":false}}]}"; line: 1, column: 40]',
  },

  {
    id: 'test_policy_complexity_with_or/error-complexity-or-flat',
    policy:
      '{"source": ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"]}, {"metricType": ["MetricType", "TestType", "TestType2", "TestType3"], "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4]}]}]}',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex',
  },

  {
    id: 'test_policy_complexity_with_or/error-complexity-or-nested',
    policy:
      '{"$or": [{"metricName": ["CPUUtilization", "ReadLatency", "TestValue"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}], "detail": {"scope": ["Service", "Test"], "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm State Change", "TestValue", "TestValue2"]}]}}',
    scope: 'MessageBody',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex',
  },

  {
    id: 'test_sub_filter_policy_nested_property/sub-filter-policy-nested-error',
    policy: '{"object": {"key": [{"prefix": "auto-"}]}}',
    scope: 'MessageAttributes',
    via: 'set',
    message: 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
  },

  {
    id: 'test_sub_filter_policy_nested_property_constraints/sub-filter-policy-nested-error-too-many-combinations',
    policy:
      '{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}}, "key_d": {"key_e": ["value_one", "value_two", "value_three"]}, "key_f": ["value_one", "value_two", "value_three"]}',
    scope: 'MessageBody',
    via: 'set',
    message: 'Invalid parameter: FilterPolicy: Filter policy is too complex',
  },

  {
    id: 'test_sub_filter_policy_nested_property_constraints/sub-filter-policy-max-attr-keys',
    policy:
      '{"key_a": ["value_one"], "key_b": ["value_two"], "key_c": ["value_three"], "key_d": ["value_four"], "key_e": ["value_five"], "key_f": ["value_six"]}',
    scope: 'MessageBody',
    via: 'set',
    message: 'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys',
  },

  {
    id: 'test_sub_filter_policy_nested_property_constraints/sub-filter-policy-rule-no-list',
    policy: '{"key_a": "value_one"}',
    scope: 'MessageBody',
    via: 'set',
    message:
      'Invalid parameter: FilterPolicy: "key_a" must be an object or an array\n at [Source: (String)"{"key_a":"value_one"}"; line: 1, column: 11]',
  },
  {
    id: 'test_policy_complexity/error-complexity-in-one-condition',
    policy: dumps({ key: values(151) }),
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex',
  },
  {
    id: 'test_policy_complexity/error-complexity-in-two-conditions',
    policy: dumps({ key1: values(100), key2: values(51) }),
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex',
  },
  {
    id: 'test_policy_complexity/error-complexity-too-many-fields',
    policy: dumps({
      key1: ['value1'],
      key2: ['value2'],
      key3: ['value3'],
      key4: ['value4'],
      key5: ['value5'],
      key6: ['value6'],
    }),
    scope: 'MessageAttributes',
    via: 'subscribe',
    message: 'Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys',
  },
  {
    // test_sns.snapshot.json, TestSNSSubscriptionCrud::test_validate_set_sub_attributes
    id: 'test_validate_set_sub_attributes/invalid-json-filter-policy',
    policy: '{invalidjson}',
    scope: 'MessageAttributes',
    via: 'set',
    message:
      "Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]",
  },
  {
    // test_sns.snapshot.json, TestSNSSubscriptionCrudV2::test_subscribe_invalid_filter_policy; the
    // test's input is not in the recording: "invalid" is what the message says was read.
    id: 'test_subscribe_invalid_filter_policy/subscribe-invalid-filter-policy',
    policy: 'invalid',
    scope: 'MessageAttributes',
    via: 'subscribe',
    message:
      "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. Unrecognized token 'invalid': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 8]",
  },
];

describe('compileFilterPolicy: recorded AWS refusals', () => {
  for (const row of recorded) {
    test(`${row.id}: refused with AWS's text`, () => {
      const error = refusal(row.policy, row.scope);
      assert.equal(row.via === 'subscribe' ? error.subscribeMessage : error.message, row.message);
    });
  }

  test('test_policy_complexity_with_or: 150 combinations are accepted', () => {
    const policy = {
      source: ['aws.cloudwatch', 'aws.events', 'aws.test'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency', 'TestVal', 'TestVal2', 'TestVal3', 'TestVal4'] },
        {
          metricType: ['MetricType', 'TestType', 'TestType2', 'TestType3'],
          $or: [{ metricId: [1234, 4321, 5678, 9012] }, { spaceId: [1, 2, 3, 4, 5, 6, 7] }],
        },
      ],
    };
    assert.doesNotThrow(() => compileFilterPolicy(dumps(policy), 'MessageAttributes'));
  });

  test('test_validate_policy_nested_anything_but_operator: the accepted anything-but forms compile', () => {
    for (const policy of [
      { key: [{ 'anything-but': { prefix: 'test-' } }] },
      { key: [{ 'anything-but': ['test', 'test2'] }] },
      { key: [{ 'anything-but': 'test' }] },
    ]) {
      assert.doesNotThrow(() => compileFilterPolicy(dumps(policy), 'MessageAttributes'));
    }
  });

  test('test_set_subscription_filter_policy_scope/sub-attrs-filter-scope-error: an unknown scope is refused', () => {
    assert.equal(parseFilterPolicyScope('MessageBody'), 'MessageBody');
    assert.throws(
      () => parseFilterPolicyScope('RandomValue'),
      (error: unknown) =>
        error instanceof FilterPolicyError &&
        error.message ===
          'Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes',
    );
  });
});
