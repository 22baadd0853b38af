import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreatePlatformApplicationCommand,
  CreatePlatformEndpointCommand,
  DeletePlatformApplicationCommand,
  GetEndpointAttributesCommand,
  GetPlatformApplicationAttributesCommand,
  ListEndpointsByPlatformApplicationCommand,
  ListPlatformApplicationsCommand,
  SetPlatformApplicationAttributesCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertSnsError, invalidParameter, snsFor } from './sns-helpers.js';

const credentials = { PlatformCredential: 'client-secret', PlatformPrincipal: 'client-id' };
const applicationNotFound = { code: 'NotFound', status: 404, message: 'PlatformApplication does not exist' };
const nullAttributes = {
  code: 'ValidationError',
  status: 400,
  message:
    "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null",
};

describe('SNS platform applications', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function createApplication(
    name: string,
    platform = 'ADM',
    attributes: Record<string, string> = credentials,
    client = sns,
  ): Promise<string> {
    const { PlatformApplicationArn } = await client.send(
      new CreatePlatformApplicationCommand({ Name: name, Platform: platform, Attributes: attributes }),
    );
    assert.ok(PlatformApplicationArn);
    return PlatformApplicationArn;
  }

  async function attributesOf(arn: string): Promise<Record<string, string> | undefined> {
    return (await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn }))).Attributes;
  }

  describe('CreatePlatformApplication', () => {
    test('returns an ARN naming the region, account, platform and name', async () => {
      assert.equal(await createApplication('my-app'), `arn:aws:sns:us-east-1:${account}:app/ADM/my-app`);
    });

    test('accepts every platform SNS supports', async () => {
      for (const platform of ['ADM', 'APNS', 'APNS_SANDBOX', 'GCM', 'BAIDU', 'MPNS', 'WNS']) {
        assert.equal(await createApplication('app', platform), `arn:aws:sns:us-east-1:${account}:app/${platform}/app`);
      }
    });

    test('accepts names of 256 characters with dots, dashes and underscores', async () => {
      const name = `my.app_1-${'a'.repeat(247)}`;
      assert.equal(name.length, 256);
      assert.ok((await createApplication(name)).endsWith(`:app/ADM/${name}`));
    });

    test('takes a GCM key without a principal', async () => {
      const arn = await createApplication('android', 'GCM', { PlatformCredential: 'server-key' });
      assert.equal(arn, `arn:aws:sns:us-east-1:${account}:app/GCM/android`);
    });

    test('answers the same ARN for a name that exists, with the new attributes', async () => {
      const arn = await createApplication('my-app');
      const again = await createApplication('my-app', 'ADM', { ...credentials, SuccessFeedbackSampleRate: '10' });
      assert.equal(again, arn);
      assert.deepEqual(await attributesOf(arn), { Enabled: 'true', SuccessFeedbackSampleRate: '10' });
    });

    test('refuses a platform SNS does not support', async () => {
      await assertSnsError(
        sns.send(new CreatePlatformApplicationCommand({ Name: 'app', Platform: 'AAA', Attributes: credentials })),
        invalidParameter('Invalid parameter: Platform Reason: AAA is not supported'),
      );
    });

    test('refuses an empty name, a name of 257 characters and a name with other characters', async () => {
      const long = 'a'.repeat(257);
      const cases: Array<[string, string]> = [
        ['', 'Invalid parameter:  Reason: cannot be empty'],
        [long, `Invalid parameter: ${long} Reason: must be at most 256 characters long`],
        [
          '@name',
          "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'",
        ],
      ];
      for (const [name, message] of cases) {
        await assertSnsError(
          sns.send(new CreatePlatformApplicationCommand({ Name: name, Platform: 'ADM', Attributes: credentials })),
          invalidParameter(message),
        );
      }
    });

    test('refuses no attributes with the front end validation error', async () => {
      await assertSnsError(
        sns.send(new CreatePlatformApplicationCommand({ Name: 'app', Platform: 'ADM', Attributes: {} })),
        nullAttributes,
      );
    });

    test('refuses a principal without a credential and a credential without a principal', async () => {
      await assertSnsError(
        sns.send(
          new CreatePlatformApplicationCommand({
            Name: 'app',
            Platform: 'ADM',
            Attributes: { PlatformPrincipal: 'id' },
          }),
        ),
        invalidParameter(
          'Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential',
        ),
      );
      await assertSnsError(
        sns.send(
          new CreatePlatformApplicationCommand({
            Name: 'app',
            Platform: 'APNS',
            Attributes: { PlatformCredential: 'k' },
          }),
        ),
        invalidParameter(
          'Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal',
        ),
      );
    });

    test('refuses an attribute name SNS does not know', async () => {
      await assertSnsError(
        sns.send(
          new CreatePlatformApplicationCommand({
            Name: 'app',
            Platform: 'ADM',
            Attributes: { ...credentials, Colour: 'blue' },
          }),
        ),
        invalidParameter('Invalid parameter: Attributes Reason: Invalid attribute name: Colour'),
      );
    });

    test('refuses a success sample rate outside 0 to 100', async () => {
      await assertSnsError(
        sns.send(
          new CreatePlatformApplicationCommand({
            Name: 'app',
            Platform: 'ADM',
            Attributes: { ...credentials, SuccessFeedbackSampleRate: '101' },
          }),
        ),
        invalidParameter(
          'Invalid parameter: Attributes Reason: Invalid value for attribute: SuccessFeedbackSampleRate: must be an integer between 0 and 100',
        ),
      );
    });
  });

  describe('GetPlatformApplicationAttributes', () => {
    test('answers Enabled and never the credentials', async () => {
      const arn = await createApplication('my-app');
      assert.deepEqual(await attributesOf(arn), { Enabled: 'true' });
    });

    test('answers the authentication method of GCM and APNS applications', async () => {
      const gcm = await createApplication('android', 'GCM', { PlatformCredential: 'server-key' });
      assert.deepEqual(await attributesOf(gcm), { Enabled: 'true', AuthenticationMethod: 'Key' });
      const serviceAccount = JSON.stringify({ type: 'service_account', private_key: '-----BEGIN PRIVATE KEY-----' });
      const fcm = await createApplication('fcm', 'GCM', { PlatformCredential: serviceAccount });
      assert.equal((await attributesOf(fcm))?.AuthenticationMethod, 'Token');
      const apns = await createApplication('ios', 'APNS', {
        PlatformCredential: 'signing-key',
        PlatformPrincipal: 'KEYID12345',
        ApplePlatformTeamID: 'TEAM123456',
        ApplePlatformBundleID: 'com.example.app',
      });
      assert.deepEqual(await attributesOf(apns), {
        Enabled: 'true',
        ApplePlatformTeamID: 'TEAM123456',
        ApplePlatformBundleID: 'com.example.app',
        AuthenticationMethod: 'Token',
      });
    });

    test('answers NotFound for an application that does not exist', async () => {
      await assertSnsError(
        sns.send(
          new GetPlatformApplicationAttributesCommand({
            PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app/ADM/nothing`,
          }),
        ),
        applicationNotFound,
      );
    });

    test('refuses an ARN of one element and one with the wrong number of slashes', async () => {
      await assertSnsError(
        sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: 'test' })),
        invalidParameter(
          'Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1',
        ),
      );
      await assertSnsError(
        sns.send(
          new GetPlatformApplicationAttributesCommand({
            PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app`,
          }),
        ),
        invalidParameter(
          'Invalid parameter: PlatformApplicationArn Reason: Wrong number of slashes in relative portion of the ARN.',
        ),
      );
    });

    test('answers NotFound for another account and refuses another region', async () => {
      const arn = await createApplication('my-app');
      await assertSnsError(
        snsFor(cloud, 'us-east-1', '222222222222').send(
          new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn }),
        ),
        applicationNotFound,
      );
      await assertSnsError(
        snsFor(cloud, 'eu-west-1').send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn })),
        invalidParameter('Invalid parameter: PlatformApplicationArn'),
      );
    });
  });

  describe('SetPlatformApplicationAttributes', () => {
    test('adds to the attributes answered', async () => {
      const arn = await createApplication('my-app');
      await sns.send(
        new SetPlatformApplicationAttributesCommand({
          PlatformApplicationArn: arn,
          Attributes: { SuccessFeedbackSampleRate: '50' },
        }),
      );
      assert.deepEqual(await attributesOf(arn), { Enabled: 'true', SuccessFeedbackSampleRate: '50' });
    });

    test('removes a setting given an empty value and replaces the credentials', async () => {
      const topic = `arn:aws:sns:us-east-1:${account}:events`;
      const arn = await createApplication('my-app', 'ADM', { ...credentials, EventEndpointCreated: topic });
      assert.equal((await attributesOf(arn))?.EventEndpointCreated, topic);
      await sns.send(
        new SetPlatformApplicationAttributesCommand({
          PlatformApplicationArn: arn,
          Attributes: { EventEndpointCreated: '', PlatformCredential: 'new-secret', PlatformPrincipal: 'new-id' },
        }),
      );
      assert.deepEqual(await attributesOf(arn), { Enabled: 'true' });
    });

    test('refuses no attributes before looking the application up', async () => {
      await assertSnsError(
        sns.send(
          new SetPlatformApplicationAttributesCommand({
            PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app/ADM/nothing`,
            Attributes: {},
          }),
        ),
        nullAttributes,
      );
    });

    test('answers NotFound for an application that does not exist, whatever the attributes', async () => {
      const cases: Array<Record<string, string>> = [
        { PlatformPrincipal: 'id' },
        { PlatformCredential: 'secret' },
        { dummy: 'dummy' },
      ];
      for (const attributes of cases) {
        await assertSnsError(
          sns.send(
            new SetPlatformApplicationAttributesCommand({
              PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app/ADM/nothing`,
              Attributes: attributes,
            }),
          ),
          applicationNotFound,
        );
      }
    });

    test('refuses a principal without a credential on an application', async () => {
      const arn = await createApplication('my-app');
      await assertSnsError(
        sns.send(
          new SetPlatformApplicationAttributesCommand({
            PlatformApplicationArn: arn,
            Attributes: { PlatformPrincipal: 'id' },
          }),
        ),
        invalidParameter(
          'Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential',
        ),
      );
    });

    test('refuses an ARN of one element', async () => {
      await assertSnsError(
        sns.send(
          new SetPlatformApplicationAttributesCommand({
            PlatformApplicationArn: 'test',
            Attributes: { Enabled: 'true' },
          }),
        ),
        invalidParameter(
          'Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1',
        ),
      );
    });
  });

  describe('ListPlatformApplications', () => {
    test('lists the applications of the account and region with their attributes', async () => {
      const arn = await createApplication('my-app');
      await createApplication('elsewhere', 'ADM', credentials, snsFor(cloud, 'eu-west-1'));
      await createApplication('theirs', 'ADM', credentials, snsFor(cloud, 'us-east-1', '222222222222'));
      const output = await sns.send(new ListPlatformApplicationsCommand({}));
      assert.deepEqual(output.PlatformApplications, [{ PlatformApplicationArn: arn, Attributes: { Enabled: 'true' } }]);
      assert.equal(output.NextToken, undefined);
    });

    test('pages by 100 with a NextToken', async () => {
      for (let index = 0; index < 150; index += 1) await createApplication(`app-${String(index).padStart(3, '0')}`);
      const first = await sns.send(new ListPlatformApplicationsCommand({}));
      assert.equal(first.PlatformApplications?.length, 100);
      assert.ok(first.NextToken);
      const second = await sns.send(new ListPlatformApplicationsCommand({ NextToken: first.NextToken }));
      assert.equal(second.PlatformApplications?.length, 50);
      assert.equal(second.NextToken, undefined);
      const names = [...(first.PlatformApplications ?? []), ...(second.PlatformApplications ?? [])].map((app) =>
        app.PlatformApplicationArn?.split('/').at(-1),
      );
      assert.equal(new Set(names).size, 150);
    });
  });

  describe('DeletePlatformApplication', () => {
    test('deletes the application and its endpoints', async () => {
      const arn = await createApplication('my-app');
      const { EndpointArn } = await sns.send(
        new CreatePlatformEndpointCommand({ PlatformApplicationArn: arn, Token: 'token_1' }),
      );
      await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn: arn }));
      await assertSnsError(
        sns.send(new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn: arn })),
        applicationNotFound,
      );
      await assertSnsError(sns.send(new GetEndpointAttributesCommand({ EndpointArn })), {
        code: 'NotFound',
        status: 404,
        message: 'Endpoint does not exist',
      });
      assert.deepEqual((await sns.send(new ListPlatformApplicationsCommand({}))).PlatformApplications, []);
    });

    test('succeeds for an application that does not exist', async () => {
      const output = await sns.send(
        new DeletePlatformApplicationCommand({
          PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app/ADM/nothing`,
        }),
      );
      assert.equal(output.$metadata.httpStatusCode, 200);
    });
  });
});
