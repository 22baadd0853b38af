import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddPermissionCommand,
  GetQueueAttributesCommand,
  RemovePermissionCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const arn = 'arn:aws:sqs:us-east-1:111111111111:orders';

interface Statement {
  Sid: string;
  Effect: string;
  Principal: { AWS: string | string[] };
  Action: string | string[];
  Resource: string;
}

interface Policy {
  Version: string;
  Id: string;
  Statement: Statement[];
}

function statement(label: string, principal: string | string[] = 'arn:aws:iam::111111111111:root'): Statement {
  return { Sid: label, Effect: 'Allow', Principal: { AWS: principal }, Action: 'SQS:ReceiveMessage', Resource: arn };
}

/** SDK v3 names an error that the JSON model lacks by its x-amzn-query-error code. */
function labelError(label: string, reason: string) {
  return {
    name: 'InvalidParameterValue',
    queryCode: 'InvalidParameterValue',
    status: 400,
    message: `Value ${label} for parameter Label is invalid. Reason: ${reason}`,
  };
}

const queueDoesNotExist = {
  name: 'QueueDoesNotExist',
  queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
  status: 400,
  message: 'The specified queue does not exist.',
};

describe('SQS permissions', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  let url: string;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    url = await createQueue(sqs, 'orders');
  });

  function add(label: string, accounts = ['111111111111'], actions = ['ReceiveMessage']) {
    return sqs.send(
      new AddPermissionCommand({ QueueUrl: url, Label: label, AWSAccountIds: accounts, Actions: actions }),
    );
  }

  function remove(label: string) {
    return sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: label }));
  }

  async function policy(): Promise<Policy | undefined> {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
    return Attributes?.Policy === undefined ? undefined : (JSON.parse(Attributes.Policy) as Policy);
  }

  describe('AddPermission', () => {
    test('answers an empty 200 and writes a statement into the Policy attribute', async () => {
      const output = await add('crossaccountpermission');
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(Object.keys(output), ['$metadata']);
      const written = await policy();
      assert.equal(written?.Version, '2008-10-17');
      assert.ok(written?.Id.startsWith(`${arn}/`), written?.Id);
      assert.deepEqual(written?.Statement, [statement('crossaccountpermission')]);
    });

    test('names several accounts in a list of root principals', async () => {
      await add('crossaccountpermission', ['668614515564', '111111111111']);
      const [only] = (await policy())?.Statement ?? [];
      assert.ok(Array.isArray(only?.Principal.AWS));
      assert.deepEqual([...(only?.Principal.AWS ?? [])].sort(), [
        'arn:aws:iam::111111111111:root',
        'arn:aws:iam::668614515564:root',
      ]);
      assert.equal(only?.Action, 'SQS:ReceiveMessage');
    });

    test('adds a second statement for a different label', async () => {
      await add('crossaccountpermission');
      await add('crossaccountpermission2');
      const written = await policy();
      assert.deepEqual(written?.Statement, [statement('crossaccountpermission'), statement('crossaccountpermission2')]);
    });

    test('returns InvalidParameterValue for a label that already exists', async () => {
      await add('crossaccountpermission');
      await assertSqsError(
        add('crossaccountpermission', ['222222222222']),
        labelError('crossaccountpermission', 'Already exists.'),
      );
      assert.deepEqual((await policy())?.Statement, [statement('crossaccountpermission')]);
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      const command = new AddPermissionCommand({
        QueueUrl: `${cloud.endpoint}/111111111111/nobody`,
        Label: 'crossaccountpermission',
        AWSAccountIds: ['111111111111'],
        Actions: ['ReceiveMessage'],
      });
      await assertSqsError(sqs.send(command), queueDoesNotExist);
    });
  });

  describe('RemovePermission', () => {
    test('answers an empty 200 and removes the statement of that label', async () => {
      await add('crossaccountpermission');
      await add('crossaccountpermission2');
      const output = await remove('crossaccountpermission');
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual((await policy())?.Statement, [statement('crossaccountpermission2')]);
    });

    test('removes the Policy attribute with its last statement', async () => {
      await add('crossaccountpermission', ['668614515564', '111111111111']);
      await remove('crossaccountpermission');
      const output = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
      assert.equal(output.Attributes, undefined);
    });

    test('lets the label be added again once removed', async () => {
      await add('crossaccountpermission', ['668614515564', '111111111111']);
      await remove('crossaccountpermission');
      await add('crossaccountpermission');
      assert.deepEqual((await policy())?.Statement, [statement('crossaccountpermission')]);
    });

    test('returns InvalidParameterValue for a label the policy does not have', async () => {
      await add('crossaccountpermission');
      await assertSqsError(
        remove('crossaccountpermission2'),
        labelError('crossaccountpermission2', "can't find label."),
      );
      assert.deepEqual((await policy())?.Statement, [statement('crossaccountpermission')]);
    });

    test('returns InvalidParameterValue for a label on a queue without a policy', async () => {
      await add('crossaccountpermission2');
      await remove('crossaccountpermission2');
      await assertSqsError(
        remove('crossaccountpermission2'),
        labelError('crossaccountpermission2', "can't find label."),
      );
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      const command = new RemovePermissionCommand({
        QueueUrl: `${cloud.endpoint}/111111111111/nobody`,
        Label: 'crossaccountpermission',
      });
      await assertSqsError(sqs.send(command), queueDoesNotExist);
    });
  });
});
