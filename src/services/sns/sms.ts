/**
 * SMS: the account's SMS settings, the opt-out list, the SMS sandbox's destination numbers and
 * origination numbers, each per account and region. Nimbus sends no SMS: Publish keeps them for
 * inspection (publish.ts).
 * https://docs.aws.amazon.com/sns/latest/dg/sns-mobile-phone-number-as-subscriber.html
 *
 * Texts are real AWS answers from
 * shared/aws-reference/recorded-responses/services/sns/test_sns.snapshot.json (TestSNSSMS and
 * the opt-out tests of TestSNSSubscriptionCrudV2) unless a line says otherwise.
 *
 * - A number opts out on AWS when its owner replies STOP; locally `optOutPhoneNumber` stands in
 *   for that reply (for tests and the control plane).
 * - GetSMSSandboxAccountStatus answers IsInSandbox false: the sandbox protects a new sender's
 *   reputation and bill on real carriers, and limits sends to verified numbers; Nimbus reaches no
 *   carrier and delivers nowhere, so it behaves as an account moved out of the sandbox (publish
 *   to any number works). The sandbox number operations still keep and verify numbers, so that
 *   code which manages them runs; a created number's one-time password is read with
 *   `sandboxOneTimePassword`.
 */
import { randomInt } from 'node:crypto';
import {
  InvalidParameterException,
  OptedOutException,
  ResourceNotFoundException,
  VerificationException,
} from '../../generated/sns/errors.js';
import type { SnsOperations } from '../../generated/sns/operations.js';
import type * as T from '../../generated/sns/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidParameter, invalidParameterReason } from './errors.js';
import { platformStore } from './platform-store.js';
import type { SnsState } from './state.js';

/** https://docs.aws.amazon.com/sns/latest/api/API_SetSMSAttributes.html */
const smsAttributeNames = new Set([
  'MonthlySpendLimit',
  'DeliveryStatusIAMRole',
  'DeliveryStatusSuccessSamplingRate',
  'DefaultSenderID',
  'DefaultSMSType',
  'UsageReportS3Bucket',
]);
/** test_get_sms_attributes_from_unmodified_region: a region never set answers `MonthlySpendLimit: 1`. */
const defaultSmsAttributes: Readonly<Record<string, string>> = { MonthlySpendLimit: '1' };
/** "Each page returns up to 100 phone numbers" (ListPhoneNumbersOptedOut). */
const pageSize = 100;
/** ListSMSSandboxPhoneNumbers' MaxResults is 1 to 100 (the model); with none, a page is the most. */
const sandboxPageSize = 100;

/** E.164: an optional `+`, then 2 to 15 digits, the first not 0. */
const e164 = /^\+?[1-9]\d{1,14}$/;
/**
 * Digits with single `.`, `-` or `/` between them. AWS refuses `+15--551234567`, `+15551234567.`,
 * `/+15551234567`, `NAA+15551234567`, `invalid-number` and `+1a234` (test_subscribe_invalid_sms,
 * test_subscribe_bad_sms, test_publish_wrong_phone_format): a doubled, leading or trailing
 * separator, as a letter, makes a number invalid; a single one between digits is inferred to be
 * taken (as `+1-555-0100` is).
 */
const separated = /^\+?\d+(?:[./-]\d+)*$/;

/** Whether SNS accepts a phone number to publish to or to subscribe (`sms`). */
export function isValidPhoneNumber(phoneNumber: string): boolean {
  return separated.test(phoneNumber) && e164.test(phoneNumber.replace(/[./-]/g, ''));
}

/** A number as the opt-out list keeps it (`+` and digits), or undefined when it is not E.164. */
function optOutKey(phoneNumber: string): string | undefined {
  if (!e164.test(phoneNumber)) return undefined;
  return phoneNumber.startsWith('+') ? phoneNumber : `+${phoneNumber}`;
}

/** test_opt_in_invalid_number; CheckIfPhoneNumberIsOptedOut checks numbers the same way. */
function requireOptOutKey(phoneNumber: string): string {
  const key = optOutKey(phoneNumber);
  if (!key) throw invalidParameterReason('PhoneNumber', 'input incorrectly formatted');
  return key;
}

interface Scope {
  account: string;
  region: string;
}

/** What the functions below need of SnsState (a control route or a test may build just this). */
export type SmsStateView = Pick<SnsState, 'deps' | 'now'>;

/**
 * Marks a number opted out in an account and region, as its owner's STOP reply does on AWS.
 * Returns false (and changes nothing) for a number that is not E.164.
 */
export function optOutPhoneNumber(state: SmsStateView, scope: Scope, phoneNumber: string): boolean {
  const key = optOutKey(phoneNumber);
  if (!key) return false;
  platformStore(state.deps.db).optOut(scope, key, state.now());
  return true;
}

/** Whether a number is on the opt-out list of an account and region (publish skips it). */
export function isPhoneNumberOptedOut(state: SmsStateView, scope: Scope, phoneNumber: string): boolean {
  const key = optOutKey(phoneNumber.replace(/[./-]/g, ''));
  return key !== undefined && platformStore(state.deps.db).isOptedOut(scope, key);
}

/** The one-time password CreateSMSSandboxPhoneNumber "sent" to a number, while it is pending. */
export function sandboxOneTimePassword(state: SmsStateView, scope: Scope, phoneNumber: string): string | undefined {
  const row = platformStore(state.deps.db).sandboxNumber(scope, phoneNumber);
  return row && row.status === 'Pending' ? row.one_time_password : undefined;
}

/**
 * The value rules SetSMSAttributes documents. AWS's words are recorded for DefaultSMSType only
 * ("DefaultSMSType is invalid"); the others are said the same way.
 */
function checkSmsAttribute(name: string, value: string): void {
  let valid = true;
  switch (name) {
    case 'DefaultSMSType':
      valid = value === 'Promotional' || value === 'Transactional';
      break;
    case 'DefaultSenderID':
      // "1 - 11 alphanumeric characters, and it must contain at least one letter".
      valid = /^[A-Za-z0-9]{1,11}$/.test(value) && /[A-Za-z]/.test(value);
      break;
    case 'DeliveryStatusSuccessSamplingRate':
      // "An integer from 0 - 100".
      valid = /^\d{1,3}$/.test(value) && Number(value) <= 100;
      break;
    case 'MonthlySpendLimit':
      // "The maximum amount in USD": a whole number of dollars.
      valid = /^\d{1,9}$/.test(value);
      break;
  }
  if (!valid) throw new InvalidParameterException(`${name} is invalid`);
}

function pageToken(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function readPageToken(token: string | undefined): string {
  if (token === undefined) return '';
  const value = Buffer.from(token, 'base64url').toString('utf8');
  if (value.length === 0 || pageToken(value) !== token) throw invalidParameter('NextToken');
  return value;
}

function sandboxNumberNotFound(): ResourceNotFoundException {
  // Not recorded: AWS's wording for a number that is not in the sandbox list.
  return new ResourceNotFoundException('Phone number does not exist.');
}

export function smsOperations(state: SnsState) {
  const store = platformStore(state.deps.db);

  return {
    setSMSAttributes(ctx, input) {
      const given = input.attributes ?? {};
      // Names first: a misspelt name is "<Name> is not a valid attribute" whatever the value
      // (test_set_invalid_sms_attributes[TooLongID] sends DefaultSendID).
      for (const name of Object.keys(given)) {
        if (!smsAttributeNames.has(name)) throw new InvalidParameterException(`${name} is not a valid attribute`);
      }
      for (const [name, value] of Object.entries(given)) {
        if (value !== '') checkSmsAttribute(name, value);
      }
      for (const [name, value] of Object.entries(given)) {
        // An empty value clears a setting (MonthlySpendLimit goes back to its default).
        if (value === '') store.deleteSmsAttribute(ctx, name);
        else store.setSmsAttribute(ctx, name, value);
      }
      return {};
    },

    getSMSAttributes(ctx, input) {
      const all = { ...defaultSmsAttributes, ...store.smsAttributes(ctx) };
      const wanted = input.attributes ?? [];
      if (wanted.length === 0) return { attributes: all };
      const attributes: Record<string, string> = {};
      for (const name of wanted) {
        if (Object.hasOwn(all, name)) attributes[name] = all[name] as string;
      }
      return { attributes };
    },

    checkIfPhoneNumberIsOptedOut(ctx, input) {
      return { isOptedOut: store.isOptedOut(ctx, requireOptOutKey(input.phoneNumber)) };
    },

    listPhoneNumbersOptedOut(ctx, input) {
      const after = readPageToken(input.nextToken);
      const numbers = store.listOptedOut(ctx, after, pageSize + 1);
      const out: T.ListPhoneNumbersOptedOutResponse = { phoneNumbers: numbers.slice(0, pageSize) };
      if (numbers.length > pageSize) out.nextToken = pageToken(numbers[pageSize - 1] as string);
      return out;
    },

    optInPhoneNumber(ctx, input) {
      // A number that is not opted out opts in all the same (test_opt_in_non_existing_phone_number).
      // AWS lets a number opt in once every 30 days; that limit is not kept here, as its answer
      // is not recorded.
      store.optIn(ctx, requireOptOutKey(input.phoneNumber));
      return {};
    },

    createSMSSandboxPhoneNumber(ctx, input) {
      if (isPhoneNumberOptedOut(state, ctx, input.PhoneNumber)) {
        // Not recorded: AWS's wording for an opted-out destination.
        throw new OptedOutException('Phone number is opted out.');
      }
      const existing = store.sandboxNumber(ctx, input.PhoneNumber);
      if (existing?.status === 'Verified') return {};
      store.putSandboxNumber(ctx, {
        phone_number: input.PhoneNumber,
        status: 'Pending',
        one_time_password: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        language_code: input.LanguageCode ?? 'en-US',
        created_at: existing?.created_at ?? state.now(),
      });
      return {};
    },

    deleteSMSSandboxPhoneNumber(ctx, input) {
      if (!store.sandboxNumber(ctx, input.PhoneNumber)) throw sandboxNumberNotFound();
      store.deleteSandboxNumber(ctx, input.PhoneNumber);
      return {};
    },

    verifySMSSandboxPhoneNumber(ctx, input) {
      const row = store.sandboxNumber(ctx, input.PhoneNumber);
      if (!row) throw sandboxNumberNotFound();
      if (row.status === 'Verified') return {};
      if (row.one_time_password !== input.OneTimePassword) {
        // Not recorded: AWS's wording for a wrong one-time password.
        throw new VerificationException('Invalid one-time password.', { Status: 'Pending' });
      }
      store.putSandboxNumber(ctx, { ...row, status: 'Verified' });
      return {};
    },

    listSMSSandboxPhoneNumbers(ctx, input) {
      const limit = input.MaxResults ?? sandboxPageSize;
      const after = readPageToken(input.NextToken);
      const rows = store.listSandboxNumbers(ctx, after, limit + 1);
      const page = rows.slice(0, limit);
      const out: T.ListSMSSandboxPhoneNumbersResult = {
        PhoneNumbers: page.map((row) => ({ PhoneNumber: row.phone_number, Status: row.status })),
      };
      if (rows.length > limit) out.NextToken = pageToken((page.at(-1) as { phone_number: string }).phone_number);
      return out;
    },

    getSMSSandboxAccountStatus() {
      return { IsInSandbox: false };
    },

    listOriginationNumbers() {
      // No number is leased locally: Nimbus sends from no origination number.
      return { PhoneNumbers: [] };
    },
  } satisfies Partial<SnsOperations<RequestContext>>;
}
