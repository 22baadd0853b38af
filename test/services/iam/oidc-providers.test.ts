import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor } from './iam-helpers.js';

const url = 'https://token.actions.githubusercontent.com';
const arn = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
const thumbprint = '6938FD4D98BAB03FAADB97B34396831E3780AEA1';

describe('IAM OpenID Connect providers', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function create() {
    return iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: url,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: [thumbprint],
        Tags: [{ Key: 'env', Value: 'test' }],
      }),
    );
  }

  describe('CreateOpenIDConnectProvider', () => {
    test('returns the ARN named by the host, and its tags', async () => {
      const created = await create();
      assert.equal(created.OpenIDConnectProviderArn, arn);
      assert.deepEqual(created.Tags, [{ Key: 'env', Value: 'test' }]);
    });

    test('returns EntityAlreadyExists for a URL registered already', async () => {
      await create();
      await assertIamError(
        iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ThumbprintList: [thumbprint] })),
        {
          code: 'EntityAlreadyExists',
          status: 409,
          message: `Provider with url ${url} already exists.`,
        },
      );
    });

    test('refuses a URL that does not begin with https://', async () => {
      await assertIamError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://example.com' })), {
        code: 'InvalidInput',
        status: 400,
        message: 'Invalid Open ID Connect Provider URL. The URL must begin with https://.',
      });
      await assertIamError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'example.com' })), {
        code: 'ValidationError',
        status: 400,
        message: 'Invalid Open ID Connect Provider URL',
      });
    });
  });

  describe('GetOpenIDConnectProvider', () => {
    test('returns the URL without its scheme and the thumbprints in lower case', async () => {
      await create();
      const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      assert.equal(provider.Url, 'token.actions.githubusercontent.com');
      assert.deepEqual(provider.ClientIDList, ['sts.amazonaws.com']);
      assert.deepEqual(provider.ThumbprintList, [thumbprint.toLowerCase()]);
      assert.ok(provider.CreateDate instanceof Date);
    });

    test('returns NoSuchEntity for a provider that does not exist', async () => {
      await assertIamError(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `OpenIDConnect Provider not found for arn ${arn}`,
      });
    });
  });

  describe('client ids and thumbprints', () => {
    test('adds and removes client ids idempotently and replaces thumbprints', async () => {
      await create();
      for (let i = 0; i < 2; i++) {
        await iam.send(
          new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app' }),
        );
      }
      await iam.send(
        new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'absent' }),
      );
      await iam.send(
        new UpdateOpenIDConnectProviderThumbprintCommand({
          OpenIDConnectProviderArn: arn,
          ThumbprintList: ['a'.repeat(40), 'B'.repeat(40)],
        }),
      );
      const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      assert.deepEqual(provider.ClientIDList, ['sts.amazonaws.com', 'app']);
      assert.deepEqual(provider.ThumbprintList, ['a'.repeat(40), 'b'.repeat(40)]);
    });
  });

  describe('ListOpenIDConnectProviders, DeleteOpenIDConnectProvider', () => {
    test('lists and deletes providers; a second delete returns NoSuchEntity', async () => {
      await create();
      const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      assert.deepEqual(listed.OpenIDConnectProviderList, [{ Arn: arn }]);
      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      await assertIamError(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `OpenId connect Provider ${arn} cannot be found.`,
      });
    });
  });

  describe('TagOpenIDConnectProvider, ListOpenIDConnectProviderTags', () => {
    test('compares tag keys exactly', async () => {
      await create();
      await iam.send(
        new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'ENV', Value: 'x' }] }),
      );
      const { Tags } = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }));
      assert.deepEqual(Tags, [
        { Key: 'ENV', Value: 'x' },
        { Key: 'env', Value: 'test' },
      ]);
    });
  });
});
