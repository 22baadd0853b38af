import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';
import { clientEnv, python, run, skipBoto3 } from './tools.js';

/** Runs a Python snippet with boto3 clients `sts` and `iam` bound to Nimbus; returns its JSON output. */
async function runPython(endpoint: string, body: string): Promise<unknown> {
  const script = `
import json, boto3, botocore
sts = boto3.client('sts', endpoint_url=${JSON.stringify(endpoint)})
iam = boto3.client('iam', endpoint_url=${JSON.stringify(endpoint)})
out = {}
${body}
print(json.dumps(out, default=str))
`;
  const result = await run(python, ['-c', script], clientEnv());
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('boto3', { skip: skipBoto3 }, () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('sts.get_caller_identity returns account 000000000000', async () => {
    const out = (await runPython(cloud.endpoint, `out = sts.get_caller_identity()`)) as {
      Account: string;
      Arn: string;
    };
    assert.equal(out.Account, '000000000000');
    assert.equal(out.Arn, 'arn:aws:iam::000000000000:root');
  });

  test('an IAM user key made with boto3 signs as that user', async () => {
    const out = (await runPython(
      cloud.endpoint,
      `
iam.create_user(UserName='py-user')
key = iam.create_access_key(UserName='py-user')['AccessKey']
as_user = boto3.client('sts', endpoint_url=${JSON.stringify(cloud.endpoint)},
  aws_access_key_id=key['AccessKeyId'], aws_secret_access_key=key['SecretAccessKey'])
out = as_user.get_caller_identity()
`,
    )) as { Arn: string; UserId: string };
    assert.equal(out.Arn, 'arn:aws:iam::000000000000:user/py-user');
    assert.match(out.UserId, /^AIDA/);
  });

  test('errors carry AWS code, message and status', async () => {
    const out = (await runPython(
      cloud.endpoint,
      `
try:
    iam.get_role(RoleName='missing-role')
except botocore.exceptions.ClientError as e:
    out = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'],
           'status': e.response['ResponseMetadata']['HTTPStatusCode']}
`,
    )) as { code: string; message: string; status: number };
    assert.deepEqual(out, {
      code: 'NoSuchEntity',
      message: 'The role with name missing-role cannot be found.',
      status: 404,
    });
  });

  test('sts.assume_role then using the credentials maps back to the role account', async () => {
    const out = (await runPython(
      cloud.endpoint,
      `
creds = sts.assume_role(RoleArn='arn:aws:iam::999999999999:role/py', RoleSessionName='py-session')['Credentials']
session = boto3.client('sts', endpoint_url=${JSON.stringify(cloud.endpoint)},
  aws_access_key_id=creds['AccessKeyId'], aws_secret_access_key=creds['SecretAccessKey'],
  aws_session_token=creds['SessionToken'])
out = session.get_caller_identity()
`,
    )) as { Account: string; Arn: string };
    assert.equal(out.Account, '999999999999');
    assert.equal(out.Arn, 'arn:aws:sts::999999999999:assumed-role/py/py-session');
  });
});
