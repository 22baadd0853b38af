/**
 * Filter pattern syntax, through FilterLogEvents: the examples of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html (and its
 * older page) over the guide's own sample events, each pattern one test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertLogsError, createGroupWithStreams, eventsAt, logsFor, putEvents } from './logs-helpers.js';

const messages = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[ERROR 420] INVALID ARGUMENTS',
  '[ERROR 500] INTERNAL SERVER ERROR',
  '[SUCCESS 200] AUTHORIZED REQUEST',
  'Exiting with ERRORCODE: -1',
  JSON.stringify({
    eventType: 'UpdateTrail',
    sourceIPAddress: '111.111.111.111',
    arrayKey: ['value', 'another value'],
    objectList: [
      { name: 'a', id: 1 },
      { name: 'b', id: 2 },
    ],
    SomeObject: null,
    ThisFlag: true,
  }),
  JSON.stringify({
    user: { id: 1, email: 'John.Stiles@example.com' },
    users: [
      { id: 2, email: 'John.Doe@example.com' },
      { id: 3, email: 'Jane.Doe@example.com' },
    ],
    actions: ['GET', 'PUT', 'DELETE'],
    coordinates: [
      [0, 1, 2],
      [4, 5, 6],
      [7, 8, 9],
    ],
  }),
  '{"level":"ERROR","latency":750,"service":"checkout"}',
  '{"level":"INFO","latency":20,"service":"cart"}',
  '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
  '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
  '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /index.html HTTP/1.0" 404 4355',
];

const all = messages.map((_, index) => index + 1);

/** Pattern -> the 1-based numbers of the messages it matches. */
const cases: Array<[string, number[]]> = [
  // Text
  ['', all],
  ['" "', all],
  ['ERROR', [1, 2, 3, 4, 5, 7, 10]],
  ['Exception', []],
  ['error', []],
  ['ERROR ARGUMENTS', [3, 4]],
  ['?ERROR ?ARGUMENTS', [1, 2, 3, 4, 5, 7, 10]],
  ['?ARGUMENTS ?AUTHORIZED', [2, 3, 4, 6]],
  ['"INTERNAL SERVER ERROR"', [5]],
  ['ERROR -ARGUMENTS', [1, 2, 5, 7, 10]],
  ['-ERROR', [6, 8, 9, 11, 12, 13, 14]],
  ['"ERROR" - "Exiting"', [1, 2, 3, 4, 5, 10]],
  ['REQUEST ?BAD ?SUCCESS', [1, 6]],
  ['%AUTHORIZED%', [2, 6]],
  ['%^\\[ERROR\\s4[0-9]{2}\\]%', [1, 2, 3, 4]],
  // JSON
  ['{ $.eventType = "UpdateTrail" }', [8]],
  ['{ $.sourceIPAddress != 123.123.* }', [8]],
  ['{ $.arrayKey[0] = "value" }', [8]],
  ['{ $.objectList[1].id = 2 }', [8]],
  ['{ $.SomeObject IS NULL }', [8]],
  ['{ $.SomeOtherObject NOT EXISTS }', [8, 9, 10, 11]],
  ['{ $.ThisFlag IS TRUE }', [8]],
  ['{ $.ThisFlag IS FALSE }', []],
  ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', [9]],
  ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', []],
  ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', [9]],
  ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', []],
  ['{ $.users = 1 }', []],
  ['{ $.users != 1 }', []],
  ['{ $.level = "ERROR" }', [10]],
  ['{$.level=ERROR}', [10]],
  ['{ $.level != "ERROR" }', [11]],
  ['{ $.latency >= 500 }', [10]],
  ['{ $.latency < 100 }', [11]],
  ['{ $.latency > +1000 }', []],
  ['{ $.latency <= 7.5e2 }', [10, 11]],
  ['{ $.latency = * }', [10, 11]],
  ['{ $.level = ERR* }', [10]],
  ['{ $.service = *art }', [11]],
  ['{ $.service = *eck* }', [10]],
  ['{ $.service = ch*ut }', []],
  ['{ $.level = "ERROR" || $.latency < 100 }', [10, 11]],
  ['{ $.service = %^ch% }', [10]],
  // Space-delimited
  ['[ip, user, username, timestamp, request, status_code, bytes]', [12, 13, 14]],
  ['[ip, user, username, timestamp, request, status_code = 500, bytes]', [13]],
  ['[ip, user, username, timestamp, request, status_code = 4*, bytes]', [14]],
  ['[ip, user, username, timestamp, request = *html*, status_code, bytes]', [14]],
  ['[..., status_code, bytes > 5000]', [13]],
  ['[ip, user, ..., status_code = 200 || status_code = 404, bytes]', [12, 14]],
  // Any line of four fields or more has a status_code here, and 'SERVER' is not 200.
  ['[ip, user, ..., status_code != 200, bytes]', [5, 7, 13, 14]],
  ['[w1 = "ERROR 400", ...]', [1]],
];

describe('FilterLogEvents filter patterns', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
    await createGroupWithStreams(logs, 'samples', ['s']);
    await putEvents(logs, 'samples', 's', eventsAt(cloud.clock.now() - 60_000, messages));
  });
  after(() => cloud.stop());

  for (const [pattern, expected] of cases) {
    test(`${pattern || '(empty)'} matches ${expected.length === 0 ? 'nothing' : `events ${expected.join(', ')}`}`, async () => {
      const { events } = await logs.send(
        new FilterLogEventsCommand({ logGroupName: 'samples', filterPattern: pattern }),
      );
      assert.deepEqual(
        (events ?? []).map((event) => messages.indexOf(event.message as string) + 1),
        expected,
      );
    });
  }

  describe('refusals', () => {
    const invalid: Array<[string, string]> = [
      ['ERROR:', 'Invalid character(s) in term'],
      ['user@example.com', 'Invalid character(s) in term'],
      ['"unterminated', 'Invalid filter pattern: unterminated quoted string'],
      ['%colou(r)%', 'Invalid regex: colou(r)'],
      ['%ERROR 4%', 'Invalid regex: ERROR 4'],
      ['{ $.level = }', "Invalid filter pattern: unexpected '}'"],
      ['{ $.latency > fast }', "Invalid filter pattern: 'fast' is not a number"],
      ['{ $.level = "x"', 'Invalid filter pattern: unexpected end of pattern'],
    ];
    for (const [pattern, message] of invalid) {
      test(`refuses ${pattern} with InvalidParameterException`, async () => {
        await assertLogsError(
          logs.send(new FilterLogEventsCommand({ logGroupName: 'samples', filterPattern: pattern })),
          'InvalidParameterException',
          message,
        );
      });
    }
  });
});
