/**
 * A round trip through the real AWS SDK v3 clients for IAM and STS: the client serializes a
 * command, a request handler captures the HTTP request it built, Nimbus's QueryProtocol parses it
 * against the generated model and must return the input the client was given; the handler then
 * answers with QueryProtocol's serialization of an output (or error), which the client must parse
 * into the same output (or the modelled error class).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as iamSdk from '@aws-sdk/client-iam';
import * as stsSdk from '@aws-sdk/client-sts';
import type { AwsError } from '../../src/errors/aws-error.js';
import { NoSuchEntityException } from '../../src/generated/iam/errors.js';
import { RegionDisabledException } from '../../src/generated/sts/errors.js';
import { linkModel, type RawModel } from '../../src/protocol/model.js';
import type { ServiceModel } from '../../src/protocol/model-types.js';
import { QueryProtocol } from '../../src/protocol/query/index.js';
import type { HttpRequest } from '../../src/protocol/types.js';
import { bodyBytes, normalise } from './vectors.js';

const protocol = new QueryProtocol();

async function load(name: string): Promise<ServiceModel> {
  const module = (await import(`../../src/generated/${name}/model.js`)) as { default: unknown };
  return linkModel(module.default as RawModel);
}

/** The parts of the SDK's HttpRequest (@smithy/protocol-http) the handler reads. */
interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

function toHttpRequest(request: SdkRequest): HttpRequest {
  const headers: HttpRequest['headers'] = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query = Object.entries(request.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((item) => [key, item ?? ''] as const))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  const body =
    typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from((request.body as Uint8Array) ?? []);
  return { method: request.method, path: request.path, query, headers, body };
}

/** What the handler answers: an output to serialize, or an error to throw on the wire. */
type Answer = { output: unknown } | { error: AwsError };

/**
 * A request handler that parses each request with QueryProtocol and records operation and
 * input, then answers with QueryProtocol's own serialization.
 */
function handlerFor(model: ServiceModel) {
  const seen: { operation?: string; input?: unknown } = {};
  let answer: Answer = { output: {} };
  const requestHandler = {
    async handle(sdkRequest: SdkRequest) {
      const request = toHttpRequest(sdkRequest);
      const operation = protocol.resolveOperation(model, request);
      seen.operation = operation.name;
      seen.input = protocol.parseRequest(model, operation, request);
      const ctx = { requestId: 'req-roundtrip' };
      const response =
        'error' in answer
          ? protocol.serializeError(model, operation, answer.error, ctx)
          : protocol.serializeOutput(model, operation, answer.output, ctx);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) headers[name] = String(value);
      return { response: { statusCode: response.status, headers, body: await bodyBytes(response) } };
    },
  };
  return {
    requestHandler,
    seen,
    answer(next: Answer) {
      answer = next;
    },
  };
}

const clientConfig = {
  region: 'us-east-1',
  endpoint: 'http://localhost:4566',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1,
};

/** The SDK's result without its `$metadata`. */
function withoutMetadata(result: object): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = result as Record<string, unknown>;
  return rest;
}

const created = new Date('2024-05-06T07:08:09Z');

describe('IAM through @aws-sdk/client-iam', async () => {
  const model = await load('iam');
  const handler = handlerFor(model);
  const client = new iamSdk.IAMClient({ ...clientConfig, requestHandler: handler.requestHandler });

  async function roundTrip(command: { input: object }, output: Record<string, unknown>): Promise<void> {
    handler.answer({ output });
    // biome-ignore lint/suspicious/noExplicitAny: each SDK command class has its own input and output types
    const result = await client.send(command as any);
    assert.equal(handler.seen.operation, command.constructor.name.replace(/Command$/, ''));
    assert.deepStrictEqual(await normalise(handler.seen.input), await normalise(command.input), 'the parsed input');
    assert.deepStrictEqual(withoutMetadata(result), output, 'the SDK reads our output');
  }

  const role = {
    Path: '/svc/',
    RoleName: 'app',
    RoleId: 'AROAEXAMPLE',
    Arn: 'arn:aws:iam::123456789012:role/svc/app',
    CreateDate: created,
    AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    Description: 'a <role> & "more"',
    MaxSessionDuration: 7200,
    Tags: [
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'a=b&c' },
    ],
    RoleLastUsed: { LastUsedDate: created, Region: 'eu-west-1' },
  };

  test('CreateRole with Tags, a permissions boundary and a duration', async () => {
    const command = new iamSdk.CreateRoleCommand({
      Path: '/svc/',
      RoleName: 'app',
      AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
      Description: 'a <role> & "more"',
      MaxSessionDuration: 7200,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
      Tags: [
        { Key: 'env', Value: 'dev' },
        { Key: 'team', Value: 'a=b&c' },
      ],
    });
    await roundTrip(command, { Role: role });
  });

  test('PutRolePolicy with a policy document full of reserved characters', async () => {
    const document = '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/+ %/*"}]}';
    await roundTrip(
      new iamSdk.PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'p1', PolicyDocument: document }),
      {},
    );
  });

  test('TagUser with a list of tags', async () => {
    const tags = [
      { Key: 'a', Value: '' },
      { Key: 'b', Value: 'ünïcødé ✓' },
    ];
    await roundTrip(new iamSdk.TagUserCommand({ UserName: 'alice', Tags: tags }), {});
  });

  test('CreatePolicy with Tags answers a policy with dates and counts', async () => {
    const command = new iamSdk.CreatePolicyCommand({
      PolicyName: 'p',
      Path: '/',
      PolicyDocument: '{}',
      Description: 'd',
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    const policy = {
      PolicyName: 'p',
      PolicyId: 'ANPA',
      Arn: 'arn:aws:iam::123456789012:policy/p',
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: created,
      UpdateDate: created,
      Tags: [{ Key: 'k', Value: 'v' }],
    };
    await roundTrip(command, { Policy: policy });
  });

  test('ListRoles with paging answers a list of roles and a marker', async () => {
    const command = new iamSdk.ListRolesCommand({ PathPrefix: '/svc/', Marker: 'm1', MaxItems: 10 });
    await roundTrip(command, {
      Roles: [role, { ...role, RoleName: 'other', Tags: [] }],
      IsTruncated: true,
      Marker: 'm2',
    });
  });

  test('UpdateAccountPasswordPolicy with booleans and integers', async () => {
    const command = new iamSdk.UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: 12,
      RequireSymbols: true,
      RequireNumbers: false,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 90,
      HardExpiry: false,
    });
    await roundTrip(command, {});
  });

  test('SimulatePrincipalPolicy with nested lists of structures', async () => {
    const command = new iamSdk.SimulatePrincipalPolicyCommand({
      PolicySourceArn: 'arn:aws:iam::123456789012:user/alice',
      ActionNames: ['s3:GetObject', 's3:PutObject'],
      ResourceArns: ['arn:aws:s3:::b/*'],
      ContextEntries: [
        { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.0.0.1', '10.0.0.2'], ContextKeyType: 'ipList' },
        { ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['true'], ContextKeyType: 'boolean' },
      ],
      MaxItems: 5,
    });
    const output = {
      EvaluationResults: [
        {
          EvalActionName: 's3:GetObject',
          EvalResourceName: 'arn:aws:s3:::b/*',
          EvalDecision: 'allowed',
          MatchedStatements: [{ SourcePolicyId: 'p', SourcePolicyType: 'user', StartPosition: { Line: 1, Column: 2 } }],
          MissingContextValues: [],
          EvalDecisionDetails: { 'arn:aws:iam::aws:policy/x': 'allowed' },
        },
      ],
      IsTruncated: false,
    };
    await roundTrip(command, output);
  });

  test('CreateOpenIDConnectProvider with two string lists', async () => {
    const command = new iamSdk.CreateOpenIDConnectProviderCommand({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });
    const output = {
      OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      Tags: [],
    };
    await roundTrip(command, output);
  });

  test('a modelled error reaches the SDK as its class, code and status', async () => {
    handler.answer({ error: new NoSuchEntityException('The role with name nope cannot be found.') });
    await assert.rejects(client.send(new iamSdk.GetRoleCommand({ RoleName: 'nope' })), (error: unknown) => {
      assert.ok(error instanceof iamSdk.NoSuchEntityException);
      assert.equal(error.message, 'The role with name nope cannot be found.');
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.equal(error.$metadata.requestId, 'req-roundtrip');
      return true;
    });
  });
});

describe('STS through @aws-sdk/client-sts', async () => {
  const model = await load('sts');
  const handler = handlerFor(model);
  const client = new stsSdk.STSClient({ ...clientConfig, requestHandler: handler.requestHandler });

  async function roundTrip(command: { input: object }, output: Record<string, unknown>): Promise<void> {
    handler.answer({ output });
    // biome-ignore lint/suspicious/noExplicitAny: each SDK command class has its own input and output types
    const result = await client.send(command as any);
    assert.equal(handler.seen.operation, command.constructor.name.replace(/Command$/, ''));
    assert.deepStrictEqual(await normalise(handler.seen.input), await normalise(command.input), 'the parsed input');
    assert.deepStrictEqual(withoutMetadata(result), output, 'the SDK reads our output');
  }

  const credentials = {
    AccessKeyId: 'ASIAEXAMPLE',
    SecretAccessKey: 'secret/with+chars=',
    SessionToken: 'token',
    Expiration: new Date('2024-05-06T08:08:09.123Z'),
  };

  test('AssumeRole with Tags, TransitiveTagKeys, PolicyArns and a duration', async () => {
    const command = new stsSdk.AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::123456789012:role/app',
      RoleSessionName: 'session@example.com',
      DurationSeconds: 900,
      ExternalId: 'ext',
      Policy: '{"Version":"2012-10-17"}',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { arn: 'arn:aws:iam::aws:policy/Other' }],
      Tags: [
        { Key: 'project', Value: 'nimbus' },
        { Key: 'cost', Value: '1' },
      ],
      TransitiveTagKeys: ['project'],
      SourceIdentity: 'alice',
    });
    const output = {
      Credentials: credentials,
      AssumedRoleUser: { AssumedRoleId: 'AROA:session', Arn: 'arn:aws:sts::123456789012:assumed-role/app/session' },
      PackedPolicySize: 6,
      SourceIdentity: 'alice',
    };
    await roundTrip(command, output);
  });

  test('GetFederationToken with PolicyArns and Tags', async () => {
    const command = new stsSdk.GetFederationTokenCommand({
      Name: 'bob',
      DurationSeconds: 3600,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    const output = {
      Credentials: credentials,
      FederatedUser: { FederatedUserId: '123456789012:bob', Arn: 'arn:aws:sts::123456789012:federated-user/bob' },
      PackedPolicySize: 1,
    };
    await roundTrip(command, output);
  });

  test('GetSessionToken with an MFA device', async () => {
    const command = new stsSdk.GetSessionTokenCommand({
      DurationSeconds: 43200,
      SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
      TokenCode: '123456',
    });
    await roundTrip(command, { Credentials: credentials });
  });

  test('AssumeRoleWithWebIdentity, which the SDK sends unsigned', async () => {
    const command = new stsSdk.AssumeRoleWithWebIdentityCommand({
      RoleArn: 'arn:aws:iam::123456789012:role/web',
      RoleSessionName: 'web',
      WebIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.e30.sig',
      ProviderId: 'www.amazon.com',
    });
    const output = {
      Credentials: credentials,
      SubjectFromWebIdentityToken: 'amzn1.account.x',
      AssumedRoleUser: { AssumedRoleId: 'AROA:web', Arn: 'arn:aws:sts::123456789012:assumed-role/web/web' },
      Provider: 'www.amazon.com',
      Audience: 'client.1',
    };
    await roundTrip(command, output);
  });

  test('GetCallerIdentity with no input', async () => {
    const output = { UserId: 'AIDA', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' };
    await roundTrip(new stsSdk.GetCallerIdentityCommand({}), output);
  });

  test('a modelled error with a 403 reaches the SDK as its class', async () => {
    handler.answer({ error: new RegionDisabledException('STS is not activated in this region.') });
    await assert.rejects(client.send(new stsSdk.GetCallerIdentityCommand({})), (error: unknown) => {
      assert.ok(error instanceof stsSdk.RegionDisabledException);
      assert.equal(error.$metadata.httpStatusCode, 403);
      return true;
    });
  });
});
