import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreatePlatformApplicationCommand,
  CreatePlatformEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointAttributesCommand,
  ListEndpointsByPlatformApplicationCommand,
  ListSubscriptionsCommand,
  SetEndpointAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { platformEndpoint } from '../../../src/services/sns/platform.js';
import type { SnsState } from '../../../src/services/sns/state.js';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertSnsError, createTopic, invalidParameter, snsFor } from './sns-helpers.js';

const endpointNotFound = { code: 'NotFound', status: 404, message: 'Endpoint does not exist' };
const applicationNotFound = { code: 'NotFound', status: 404, message: 'PlatformApplication does not exist' };
const endpointArnPattern = new RegExp(
  `^arn:aws:sns:us-east-1:${account}:endpoint/ADM/my-app/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
);

describe('SNS platform endpoints', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let application: string;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    application = await createApplication('my-app');
  });

  async function createApplication(name: string, platform = 'ADM'): Promise<string> {
    const { PlatformApplicationArn } = await sns.send(
      new CreatePlatformApplicationCommand({
        Name: name,
        Platform: platform,
        Attributes: { PlatformCredential: 'secret', PlatformPrincipal: 'id' },
      }),
    );
    assert.ok(PlatformApplicationArn);
    return PlatformApplicationArn;
  }

  async function createEndpoint(
    token: string,
    options: { CustomUserData?: string; Attributes?: Record<string, string>; app?: string } = {},
  ): Promise<string> {
    const { EndpointArn } = await sns.send(
      new CreatePlatformEndpointCommand({
        PlatformApplicationArn: options.app ?? application,
        Token: token,
        CustomUserData: options.CustomUserData,
        Attributes: options.Attributes,
      }),
    );
    assert.ok(EndpointArn);
    return EndpointArn;
  }

  async function attributesOf(arn: string): Promise<Record<string, string> | undefined> {
    return (await sns.send(new GetEndpointAttributesCommand({ EndpointArn: arn }))).Attributes;
  }

  const badAttributes: Array<[string, Record<string, string>, string]> = [
    ['PlatformPrincipal', { PlatformPrincipal: 'dummy' }, 'Invalid attribute name: PlatformPrincipal'],
    ['PlatformCredential', { PlatformCredential: 'dummy' }, 'Invalid attribute name: PlatformCredential'],
    ['an unknown name', { InvalidKey: 'dummy' }, 'Invalid attribute name: InvalidKey'],
    [
      'CustomUserData over 2048 bytes',
      { CustomUserData: 'é'.repeat(1025) },
      'Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding',
    ],
  ];

  describe('CreatePlatformEndpoint', () => {
    test('returns an endpoint ARN under the application, enabled, with its token', async () => {
      const arn = await createEndpoint('token_1');
      assert.match(arn, endpointArnPattern);
      assert.deepEqual(await attributesOf(arn), { Enabled: 'true', Token: 'token_1' });
    });

    test('answers the same ARN for the same token when the attributes asked for match', async () => {
      const arn = await createEndpoint('token_1', { CustomUserData: 'foo' });
      assert.equal(await createEndpoint('token_1', { CustomUserData: 'foo' }), arn);
      assert.equal(await createEndpoint('token_1'), arn);
    });

    test('refuses the same token with different attributes, naming the endpoint', async () => {
      const arn = await createEndpoint('token_1', { CustomUserData: 'foo' });
      await assertSnsError(
        sns.send(
          new CreatePlatformEndpointCommand({
            PlatformApplicationArn: application,
            Token: 'token_1',
            CustomUserData: 'bar',
          }),
        ),
        invalidParameter(
          `Invalid parameter: Token Reason: Endpoint ${arn} already exists with the same Token, but different attributes.`,
        ),
      );
      await assertSnsError(
        sns.send(
          new CreatePlatformEndpointCommand({
            PlatformApplicationArn: application,
            Token: 'token_1',
            Attributes: { Enabled: 'false' },
          }),
        ),
        invalidParameter(
          `Invalid parameter: Token Reason: Endpoint ${arn} already exists with the same Token, but different attributes.`,
        ),
      );
    });

    test('makes a new endpoint for a token another application has', async () => {
      const other = await createApplication('other-app');
      const first = await createEndpoint('token_1');
      const second = await createEndpoint('token_1', { app: other });
      assert.notEqual(first, second);
      assert.ok(second.includes(':endpoint/ADM/other-app/'));
    });

    test('keeps CustomUserData given as a member or an attribute, the attribute first', async () => {
      const member = await createEndpoint('token_1', { CustomUserData: 'bar' });
      assert.deepEqual(await attributesOf(member), { CustomUserData: 'bar', Enabled: 'true', Token: 'token_1' });
      const both = await createEndpoint('token_2', { CustomUserData: 'bar', Attributes: { CustomUserData: 'foo' } });
      assert.deepEqual(await attributesOf(both), { CustomUserData: 'foo', Enabled: 'true', Token: 'token_2' });
    });

    test('creates a disabled endpoint when asked', async () => {
      const arn = await createEndpoint('token_1', { Attributes: { Enabled: 'false' } });
      assert.deepEqual(await attributesOf(arn), { Enabled: 'false', Token: 'token_1' });
    });

    test('accepts empty attributes', async () => {
      assert.match(await createEndpoint('token_1', { Attributes: {} }), endpointArnPattern);
    });

    for (const [what, attributes, reason] of badAttributes) {
      test(`refuses ${what} among the attributes`, async () => {
        await assertSnsError(
          sns.send(
            new CreatePlatformEndpointCommand({
              PlatformApplicationArn: application,
              Token: 'token_1',
              Attributes: attributes,
            }),
          ),
          invalidParameter(`Invalid parameter: Attributes Reason: ${reason}`),
        );
      });
    }

    test('refuses an APNS token over 400 characters', async () => {
      const ios = await createApplication('ios', 'APNS');
      await assertSnsError(
        sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: ios, Token: 'a'.repeat(401) })),
        invalidParameter(
          'Invalid parameter: Token Reason: iOS device tokens must be no more than 400 hexadecimal characters',
        ),
      );
    });

    test('answers NotFound for an application that does not exist', async () => {
      await assertSnsError(
        sns.send(
          new CreatePlatformEndpointCommand({
            PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app/ADM/nothing`,
            Token: 'token_1',
          }),
        ),
        applicationNotFound,
      );
    });
  });

  describe('GetEndpointAttributes', () => {
    test('answers NotFound for an endpoint that does not exist', async () => {
      const arn = await createEndpoint('token_1');
      await assertSnsError(sns.send(new GetEndpointAttributesCommand({ EndpointArn: `${arn}a` })), endpointNotFound);
    });

    test('refuses an ARN with the wrong number of slashes', async () => {
      await assertSnsError(
        sns.send(new GetEndpointAttributesCommand({ EndpointArn: application })),
        invalidParameter(
          'Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.',
        ),
      );
    });
  });

  describe('SetEndpointAttributes', () => {
    test('disables the endpoint', async () => {
      const arn = await createEndpoint('token_1');
      await sns.send(new SetEndpointAttributesCommand({ EndpointArn: arn, Attributes: { Enabled: 'false' } }));
      assert.deepEqual(await attributesOf(arn), { Enabled: 'false', Token: 'token_1' });
    });

    test('changes the token and user data; the new token finds the endpoint again', async () => {
      const arn = await createEndpoint('token_1');
      await sns.send(
        new SetEndpointAttributesCommand({
          EndpointArn: arn,
          Attributes: { Token: 'token_2', CustomUserData: 'user-42', Enabled: 'true' },
        }),
      );
      assert.deepEqual(await attributesOf(arn), { CustomUserData: 'user-42', Enabled: 'true', Token: 'token_2' });
      assert.equal(await createEndpoint('token_2'), arn);
      assert.notEqual(await createEndpoint('token_1'), arn);
    });

    test('refuses no attributes with the front end validation error', async () => {
      const arn = await createEndpoint('token_1');
      await assertSnsError(sns.send(new SetEndpointAttributesCommand({ EndpointArn: arn, Attributes: {} })), {
        code: 'ValidationError',
        status: 400,
        message:
          "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null",
      });
    });

    for (const [what, attributes, reason] of badAttributes) {
      test(`refuses ${what} among the attributes`, async () => {
        const arn = await createEndpoint('token_1');
        await assertSnsError(
          sns.send(new SetEndpointAttributesCommand({ EndpointArn: arn, Attributes: attributes })),
          invalidParameter(`Invalid parameter: Attributes Reason: ${reason}`),
        );
      });
    }

    test('answers NotFound for an endpoint that does not exist', async () => {
      const arn = await createEndpoint('token_1');
      await assertSnsError(
        sns.send(new SetEndpointAttributesCommand({ EndpointArn: `${arn}a`, Attributes: { Enabled: 'false' } })),
        endpointNotFound,
      );
    });

    test('refuses an ARN with the wrong number of slashes', async () => {
      await assertSnsError(
        sns.send(new SetEndpointAttributesCommand({ EndpointArn: application, Attributes: { Enabled: 'false' } })),
        invalidParameter(
          'Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.',
        ),
      );
    });
  });

  describe('DeleteEndpoint', () => {
    test('deletes the endpoint, and succeeds again for one that is gone', async () => {
      const arn = await createEndpoint('token_1');
      await sns.send(new DeleteEndpointCommand({ EndpointArn: arn }));
      await assertSnsError(sns.send(new GetEndpointAttributesCommand({ EndpointArn: arn })), endpointNotFound);
      const again = await sns.send(new DeleteEndpointCommand({ EndpointArn: arn }));
      assert.equal(again.$metadata.httpStatusCode, 200);
      const { Endpoints } = await sns.send(
        new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn: application }),
      );
      assert.deepEqual(Endpoints, []);
    });

    test('leaves the subscriptions to the endpoint in place', async () => {
      const arn = await createEndpoint('token_1');
      const topic = await createTopic(sns, 'news');
      await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'application', Endpoint: arn }));
      await sns.send(new DeleteEndpointCommand({ EndpointArn: arn }));
      const { Subscriptions } = await sns.send(new ListSubscriptionsCommand({}));
      assert.deepEqual(
        Subscriptions?.map((subscription) => [subscription.Protocol, subscription.Endpoint]),
        [['application', arn]],
      );
    });
  });

  describe('platformEndpoint (for Publish and application subscriptions)', () => {
    test('answers the endpoint, its platform and whether it and its application are enabled', async () => {
      const state = { deps: { db: cloud.server.nimbus.db } } as unknown as SnsState;
      const arn = await createEndpoint('token_1', { CustomUserData: 'user-42', Attributes: { Enabled: 'false' } });
      assert.deepEqual(platformEndpoint(state, arn), {
        arn,
        account,
        region: 'us-east-1',
        enabled: false,
        token: 'token_1',
        customUserData: 'user-42',
        platform: 'ADM',
        applicationEnabled: true,
      });
      await sns.send(new DeleteEndpointCommand({ EndpointArn: arn }));
      assert.equal(platformEndpoint(state, arn), undefined);
    });
  });

  describe('ListEndpointsByPlatformApplication', () => {
    test('lists the endpoints with their attributes', async () => {
      const arn = await createEndpoint('token_1');
      const output = await sns.send(
        new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn: application }),
      );
      assert.deepEqual(output.Endpoints, [{ EndpointArn: arn, Attributes: { Enabled: 'true', Token: 'token_1' } }]);
      assert.equal(output.NextToken, undefined);
    });

    test('pages by 100 in creation order with a NextToken', async () => {
      const arns: string[] = [];
      for (let index = 0; index < 130; index += 1) arns.push(await createEndpoint(`token_${index}`));
      const first = await sns.send(
        new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn: application }),
      );
      assert.equal(first.Endpoints?.length, 100);
      assert.ok(first.NextToken);
      const second = await sns.send(
        new ListEndpointsByPlatformApplicationCommand({
          PlatformApplicationArn: application,
          NextToken: first.NextToken,
        }),
      );
      assert.equal(second.NextToken, undefined);
      assert.deepEqual(
        [...(first.Endpoints ?? []), ...(second.Endpoints ?? [])].map((endpoint) => endpoint.EndpointArn),
        arns,
      );
    });

    test('answers NotFound for an application that does not exist', async () => {
      await assertSnsError(
        sns.send(
          new ListEndpointsByPlatformApplicationCommand({
            PlatformApplicationArn: `arn:aws:sns:us-east-1:${account}:app/ADM/nothing`,
          }),
        ),
        applicationNotFound,
      );
    });
  });
});
