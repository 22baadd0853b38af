import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  CreateSMSSandboxPhoneNumberCommand,
  DeleteSMSSandboxPhoneNumberCommand,
  GetSMSAttributesCommand,
  GetSMSSandboxAccountStatusCommand,
  ListOriginationNumbersCommand,
  ListPhoneNumbersOptedOutCommand,
  ListSMSSandboxPhoneNumbersCommand,
  OptInPhoneNumberCommand,
  SetSMSAttributesCommand,
  type SNSClient,
  VerifySMSSandboxPhoneNumberCommand,
} from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import {
  isValidPhoneNumber,
  optOutPhoneNumber,
  type SmsStateView,
  sandboxOneTimePassword,
} from '../../../src/services/sns/sms.js';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertSnsError, invalidParameter, snsFor } from './sns-helpers.js';

const scope = { account, region: 'us-east-1' };

describe('SNS SMS', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let state: SmsStateView;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
    state = { deps: { db: cloud.server.nimbus.db }, now: () => cloud.clock.now() } as unknown as SmsStateView;
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    // The first SNS request runs SNS's migrations; the opt-out helpers write to its tables.
    await sns.send(new GetSMSSandboxAccountStatusCommand({}));
  });

  async function smsAttributes(names?: string[], client = sns): Promise<Record<string, string> | undefined> {
    return (await client.send(new GetSMSAttributesCommand({ attributes: names }))).attributes;
  }

  describe('SetSMSAttributes and GetSMSAttributes', () => {
    test('answers MonthlySpendLimit 1 in a region where nothing was set', async () => {
      assert.deepEqual(await smsAttributes(), { MonthlySpendLimit: '1' });
    });

    test('keeps the attributes set and answers all of them or those asked for', async () => {
      await sns.send(
        new SetSMSAttributesCommand({
          attributes: {
            DefaultSMSType: 'Promotional',
            DefaultSenderID: 'LSTest',
            DeliveryStatusSuccessSamplingRate: '100',
          },
        }),
      );
      assert.deepEqual(await smsAttributes(), {
        DefaultSMSType: 'Promotional',
        DefaultSenderID: 'LSTest',
        DeliveryStatusSuccessSamplingRate: '100',
        MonthlySpendLimit: '1',
      });
      assert.deepEqual(await smsAttributes(['DefaultSMSType', 'DefaultSenderID']), {
        DefaultSMSType: 'Promotional',
        DefaultSenderID: 'LSTest',
      });
    });

    test('keeps each region and account apart', async () => {
      await sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Transactional' } }));
      assert.deepEqual(await smsAttributes(undefined, snsFor(cloud, 'eu-west-1')), { MonthlySpendLimit: '1' });
      assert.deepEqual(await smsAttributes(undefined, snsFor(cloud, 'us-east-1', '222222222222')), {
        MonthlySpendLimit: '1',
      });
    });

    test('clears a setting given an empty value', async () => {
      await sns.send(
        new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Transactional', MonthlySpendLimit: '5' } }),
      );
      await sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: '', MonthlySpendLimit: '' } }));
      assert.deepEqual(await smsAttributes(), { MonthlySpendLimit: '1' });
    });

    test('refuses a name that is not an SMS attribute, misspellings included', async () => {
      for (const name of ['InvalidAttribute', 'DefaultSendID']) {
        await assertSnsError(
          sns.send(new SetSMSAttributesCommand({ attributes: { [name]: 'value' } })),
          invalidParameter(`${name} is not a valid attribute`),
        );
      }
    });

    test('refuses an SMS type other than Promotional and Transactional', async () => {
      await assertSnsError(
        sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Invalid' } })),
        invalidParameter('DefaultSMSType is invalid'),
      );
    });

    test('refuses a sender ID of more than 11 characters or without a letter', async () => {
      for (const id of ['A'.repeat(12), '12345']) {
        await assertSnsError(
          sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSenderID: id } })),
          invalidParameter('DefaultSenderID is invalid'),
        );
      }
    });

    test('changes nothing when one attribute is refused', async () => {
      await assertSnsError(
        sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSenderID: 'Shop', DefaultSMSType: 'Loud' } })),
        invalidParameter('DefaultSMSType is invalid'),
      );
      assert.deepEqual(await smsAttributes(), { MonthlySpendLimit: '1' });
    });
  });

  describe('CheckIfPhoneNumberIsOptedOut', () => {
    test('answers false for a number that did not opt out, true for one that did', async () => {
      const check = async (phoneNumber: string) =>
        (await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }))).isOptedOut;
      assert.equal(await check('+15551234567'), false);
      assert.equal(optOutPhoneNumber(state, scope, '+15551234567'), true);
      assert.equal(await check('+15551234567'), true);
      assert.equal(await check('15551234567'), true);
      assert.equal(
        (
          await snsFor(cloud, 'eu-west-1').send(
            new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15551234567' }),
          )
        ).isOptedOut,
        false,
      );
    });

    test('refuses a number that is not E.164', async () => {
      await assertSnsError(
        sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+44742LALALA' })),
        invalidParameter('Invalid parameter: PhoneNumber Reason: input incorrectly formatted'),
      );
    });
  });

  describe('ListPhoneNumbersOptedOut', () => {
    test('answers an empty list when no number opted out', async () => {
      const output = await sns.send(new ListPhoneNumbersOptedOutCommand({}));
      assert.deepEqual(output.phoneNumbers, []);
      assert.equal(output.nextToken, undefined);
    });

    test('pages the opted-out numbers by 100', async () => {
      const numbers: string[] = [];
      for (let index = 0; index < 120; index += 1) {
        const number = `+1555000${String(index).padStart(4, '0')}`;
        numbers.push(number);
        optOutPhoneNumber(state, scope, number);
      }
      const first = await sns.send(new ListPhoneNumbersOptedOutCommand({}));
      assert.equal(first.phoneNumbers?.length, 100);
      assert.ok(first.nextToken);
      const second = await sns.send(new ListPhoneNumbersOptedOutCommand({ nextToken: first.nextToken }));
      assert.equal(second.nextToken, undefined);
      assert.deepEqual([...(first.phoneNumbers ?? []), ...(second.phoneNumbers ?? [])], numbers);
    });
  });

  describe('OptInPhoneNumber', () => {
    test('takes a number off the opt-out list', async () => {
      optOutPhoneNumber(state, scope, '+15551234567');
      const output = await sns.send(new OptInPhoneNumberCommand({ phoneNumber: '+15551234567' }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual((await sns.send(new ListPhoneNumbersOptedOutCommand({}))).phoneNumbers, []);
    });

    test('succeeds for a number that is not opted out', async () => {
      const output = await sns.send(new OptInPhoneNumberCommand({ phoneNumber: '+15559999999' }));
      assert.equal(output.$metadata.httpStatusCode, 200);
    });

    test('refuses a number that is not E.164', async () => {
      await assertSnsError(
        sns.send(new OptInPhoneNumberCommand({ phoneNumber: 'NAA+15551234567' })),
        invalidParameter('Invalid parameter: PhoneNumber Reason: input incorrectly formatted'),
      );
    });
  });

  describe('SMS sandbox', () => {
    test('answers that the account is not in the sandbox', async () => {
      assert.equal((await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox, false);
    });

    test('adds a number as pending and verifies it with its one-time password', async () => {
      await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567' }));
      const list = async () => (await sns.send(new ListSMSSandboxPhoneNumbersCommand({}))).PhoneNumbers;
      assert.deepEqual(await list(), [{ PhoneNumber: '+15551234567', Status: 'Pending' }]);
      const password = sandboxOneTimePassword(state, scope, '+15551234567');
      assert.match(password ?? '', /^\d{6}$/);
      await sns.send(
        new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567', OneTimePassword: password as string }),
      );
      assert.deepEqual(await list(), [{ PhoneNumber: '+15551234567', Status: 'Verified' }]);
    });

    test('refuses a wrong one-time password and keeps the number pending', async () => {
      await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567' }));
      const wrong = sandboxOneTimePassword(state, scope, '+15551234567') === '000000' ? '111111' : '000000';
      await assertSnsError(
        sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567', OneTimePassword: wrong })),
        { code: 'VerificationException', status: 400, message: 'Invalid one-time password.' },
      );
      const { PhoneNumbers } = await sns.send(new ListSMSSandboxPhoneNumbersCommand({}));
      assert.equal(PhoneNumbers?.[0]?.Status, 'Pending');
    });

    test('answers ResourceNotFound to verify or delete a number that was never added', async () => {
      const notFound = { code: 'ResourceNotFound', status: 404, message: 'Phone number does not exist.' };
      await assertSnsError(
        sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567', OneTimePassword: '123456' })),
        notFound,
      );
      await assertSnsError(sns.send(new DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567' })), notFound);
    });

    test('refuses to add an opted-out number', async () => {
      optOutPhoneNumber(state, scope, '+15551234567');
      await assertSnsError(sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: '+15551234567' })), {
        code: 'OptedOut',
        status: 400,
        message: 'Phone number is opted out.',
      });
    });

    test('deletes a number and pages the list by MaxResults', async () => {
      for (const number of ['+15550000001', '+15550000002', '+15550000003']) {
        await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
      }
      await sns.send(new DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber: '+15550000002' }));
      const first = await sns.send(new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 1 }));
      assert.deepEqual(first.PhoneNumbers, [{ PhoneNumber: '+15550000001', Status: 'Pending' }]);
      const second = await sns.send(
        new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 1, NextToken: first.NextToken }),
      );
      assert.deepEqual(second.PhoneNumbers, [{ PhoneNumber: '+15550000003', Status: 'Pending' }]);
      assert.equal(second.NextToken, undefined);
    });

    test('refuses a number the model does not allow', async () => {
      await assertSnsError(sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: 'abc' })), {
        code: 'ValidationError',
        status: 400,
        message:
          "1 validation error detected: Value at 'phoneNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(\\+[0-9]{8,}|[0-9]{0,9})$",
      });
    });
  });

  describe('ListOriginationNumbers', () => {
    test('answers an empty list: no number is leased locally', async () => {
      const output = await sns.send(new ListOriginationNumbersCommand({}));
      assert.deepEqual(output.PhoneNumbers, []);
      assert.equal(output.NextToken, undefined);
    });
  });

  describe('isValidPhoneNumber', () => {
    test('takes E.164 numbers, with or without +, and single separators between digits', () => {
      for (const number of ['+123123123', '+15551234567', '15551234567', '+1-555-123-4567', '+1.555.1234567']) {
        assert.equal(isValidPhoneNumber(number), true, number);
      }
    });

    test('refuses the numbers AWS refuses', () => {
      for (const number of [
        'invalid-number',
        '+1a234',
        'NAA+15551234567',
        '+15--551234567',
        '+15551234567.',
        '/+15551234567',
        '+0123456789',
        '+1234567890123456',
      ]) {
        assert.equal(isValidPhoneNumber(number), false, number);
      }
    });
  });
});
