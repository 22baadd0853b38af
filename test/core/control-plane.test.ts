import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../helpers/cloud.js';

describe('control plane', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('GET /_nimbus/health lists the services in LocalStack health shape', async () => {
    const response = await fetch(`${cloud.endpoint}/_nimbus/health`);
    assert.equal(response.status, 200);
    const health = (await response.json()) as { services: Record<string, string>; version: string };
    assert.ok(['available', 'running'].includes(health.services.sts ?? ''));
    assert.ok(['available', 'running'].includes(health.services.iam ?? ''));
    assert.match(health.version, /^\d+\.\d+\.\d+/);
  });

  test('GET /_localstack/health answers the same for tools that wait on it', async () => {
    const response = await fetch(`${cloud.endpoint}/_localstack/health`);
    assert.equal(response.status, 200);
    const health = (await response.json()) as { services: Record<string, string> };
    assert.ok('iam' in health.services);
  });

  test('POST /_nimbus/clock?advance=N moves the clock N seconds forward', async () => {
    const before = (await (await fetch(`${cloud.endpoint}/_nimbus/clock`)).json()) as { epochMillis: number };
    const response = await fetch(`${cloud.endpoint}/_nimbus/clock?advance=86400`, { method: 'POST' });
    assert.equal(response.status, 200);
    const after = (await response.json()) as { epochMillis: number; offsetSeconds: number };
    assert.ok(after.epochMillis - before.epochMillis >= 86_400_000);
    assert.ok(after.offsetSeconds >= 86_400);
    assert.ok(Math.abs(cloud.clock.now() - after.epochMillis) < 5000);
  });

  test('POST /_nimbus/clock with a negative advance answers 400', async () => {
    const response = await fetch(`${cloud.endpoint}/_nimbus/clock`, { method: 'POST', body: '{"advance": -5}' });
    assert.equal(response.status, 400);
  });

  test('POST /_nimbus/reset?service=iam empties IAM only', async () => {
    const iam = new IAMClient(clientConfig(cloud));
    await iam.send(new CreateUserCommand({ UserName: 'to-be-reset' }));
    const response = await fetch(`${cloud.endpoint}/_nimbus/reset?service=iam`, { method: 'POST' });
    assert.deepEqual(await response.json(), { reset: ['iam'] });
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'to-be-reset' })), { name: 'NoSuchEntityException' });
  });

  test('POST /_nimbus/reset with an unknown service answers 404', async () => {
    const response = await fetch(`${cloud.endpoint}/_nimbus/reset?service=nope`, { method: 'POST' });
    assert.equal(response.status, 404);
  });

  test('GET then POST /_nimbus/state carries all state to another Nimbus', async () => {
    const iam = new IAMClient(clientConfig(cloud, { accessKeyId: '123456789012' }));
    await iam.send(new CreateUserCommand({ UserName: 'exported' }));
    const exported = await (await fetch(`${cloud.endpoint}/_nimbus/state`)).text();

    const other = await startCloud();
    try {
      const imported = await fetch(`${other.endpoint}/_nimbus/state`, { method: 'POST', body: exported });
      assert.equal(imported.status, 200);
      const otherIam = new IAMClient(clientConfig(other, { accessKeyId: '123456789012' }));
      const user = await otherIam.send(new GetUserCommand({ UserName: 'exported' }));
      assert.equal(user.User?.Arn, 'arn:aws:iam::123456789012:user/exported');
    } finally {
      await other.stop();
    }
  });

  test('POST /_nimbus/state with something else answers 400 and keeps the state', async () => {
    const response = await fetch(`${cloud.endpoint}/_nimbus/state`, { method: 'POST', body: '{"format":"other"}' });
    assert.equal(response.status, 400);
  });

  test('an unknown control route answers 404', async () => {
    const response = await fetch(`${cloud.endpoint}/_nimbus/nothing-here`);
    assert.equal(response.status, 404);
  });
});
