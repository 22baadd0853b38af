import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetAccessKeyInfoCommand, STSClient, type STSServiceException } from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';

describe('GetAccessKeyInfo', () => {
  let cloud: NimbusCloud;
  let sts: STSClient;
  before(async () => {
    cloud = await startCloud();
    sts = new STSClient(clientConfig(cloud));
  });
  after(() => cloud.stop());

  test('returns the account of a key that IAM issued in that account', async () => {
    const iam = new IAMClient(clientConfig(cloud, { accessKeyId: '555555555555' }));
    await iam.send(new CreateUserCommand({ UserName: 'keyed' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyed' }))).AccessKey!;
    const info = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: key.AccessKeyId }));
    assert.equal(info.Account, '555555555555');
  });

  test('returns 000000000000 for a key that Nimbus did not issue', async () => {
    const info = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }));
    assert.equal(info.Account, '000000000000');
  });

  test('returns ValidationError for a key id shorter than 16 characters, as the model requires', async () => {
    const error = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: '555555555555' })).then(
      () => assert.fail('expected the call to fail'),
      (caught: STSServiceException) => caught,
    );
    assert.equal(error.name, 'ValidationError');
    assert.equal(
      error.message,
      "1 validation error detected: Value '555555555555' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
    );
    assert.equal(error.$metadata.httpStatusCode, 400);
  });
});
