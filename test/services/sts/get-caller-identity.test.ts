import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';

describe('GetCallerIdentity', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  describe('behaviour', () => {
    test('returns account 000000000000 and its root for the default test credentials', async () => {
      const sts = new STSClient(clientConfig(cloud));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, '000000000000');
      assert.equal(identity.Arn, 'arn:aws:iam::000000000000:root');
      assert.equal(identity.UserId, '000000000000');
    });

    test('returns the account a 12-digit access key id names', async () => {
      const sts = new STSClient(clientConfig(cloud, { accessKeyId: '123456789012' }));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, '123456789012');
      assert.equal(identity.Arn, 'arn:aws:iam::123456789012:root');
    });

    test('answers the same in every region the client signs for', async () => {
      for (const region of ['eu-west-1', 'ap-southeast-2']) {
        const sts = new STSClient(clientConfig(cloud, { region }));
        const identity = await sts.send(new GetCallerIdentityCommand({}));
        assert.equal(identity.Account, '000000000000');
      }
    });

    test('carries the request id in the response metadata', async () => {
      const sts = new STSClient(clientConfig(cloud));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(identity.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(identity.$metadata.httpStatusCode, 200);
    });
  });
});
