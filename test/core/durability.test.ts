import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { killHard, spawnNimbus } from '../helpers/process.js';

const config = (endpoint: string, accessKeyId = '123456789012', secretAccessKey = 'test') => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
});

describe('durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('what was answered survives kill -9 of the server', async () => {
    const first = await spawnNimbus(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    const iam = new IAMClient(config(first.endpoint));
    await iam.send(new CreateUserCommand({ UserName: 'survivor' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'survivor' }));
    await fetch(`${first.endpoint}/_nimbus/clock?advance=5000`, { method: 'POST' });
    // No graceful shutdown: the process dies the moment the last answer has arrived.
    await killHard(first.child);

    const second = await spawnNimbus(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    try {
      const user = await new IAMClient(config(second.endpoint)).send(new GetUserCommand({ UserName: 'survivor' }));
      assert.equal(user.User?.Arn, 'arn:aws:iam::123456789012:user/survivor');
      const sts = new STSClient(
        config(second.endpoint, key.AccessKey?.AccessKeyId ?? '', key.AccessKey?.SecretAccessKey ?? ''),
      );
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, 'arn:aws:iam::123456789012:user/survivor');
      const clock = (await (await fetch(`${second.endpoint}/_nimbus/clock`)).json()) as { offsetSeconds: number };
      assert.ok(clock.offsetSeconds >= 5000, 'the clock offset survives too');
    } finally {
      await killHard(second.child);
    }
  });
});
