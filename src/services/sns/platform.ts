/**
 * Mobile push: platform applications (one per app and push service) and their endpoints (one per
 * device token). Nothing is sent to a push service: Publish keeps what it would deliver for
 * inspection (publish.ts), and credentials are stored as given, never checked with the push
 * service the way AWS checks APNS certificates and GCM keys.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-mobile-application-as-subscriber.html
 *
 * Texts are real AWS answers from
 * shared/aws-reference/recorded-responses/services/sns/test_sns.snapshot.json
 * (TestSNSPlatformApplicationCrud, TestSNSPlatformEndpointCrud) unless a line says otherwise.
 */
import { randomUUID } from 'node:crypto';
import { ValidationException } from '../../errors/common.js';
import { NotFoundException } from '../../generated/sns/errors.js';
import type { SnsOperations } from '../../generated/sns/operations.js';
import type * as T from '../../generated/sns/types.js';
import type { RequestContext } from '../service-types.js';
import { checkArn, invalidParameter, invalidParameterReason } from './errors.js';
import { type PlatformApplicationRow, type PlatformEndpointRow, platformStore } from './platform-store.js';
import type { SnsState } from './state.js';

export { isValidPhoneNumber, smsOperations } from './sms.js';

/** test_create_platform_application_invalid_platform: "Platform Reason: AAA is not supported". */
const platforms = new Set(['ADM', 'APNS', 'APNS_SANDBOX', 'GCM', 'BAIDU', 'MPNS', 'WNS']);
const applicationNameChars = /^[A-Za-z0-9._-]+$/;
const maxApplicationName = 256;
/** "The results ... return a limited list of applications, up to 100" (ListPlatformApplications, ListEndpointsByPlatformApplication). */
const pageSize = 100;
/** test_create_platform_endpoint_with_invalid_attributes[Data_Too_Long]. */
const maxCustomUserDataBytes = 2048;
/**
 * AWS's limits on a device token, in the words client code matches on SNS's answers ("Invalid
 * parameter: Token Reason: must be at most 8192 bytes long in UTF-8 encoding", "... iOS device
 * tokens must be no more than 400 hexadecimal characters"); not in the recordings.
 */
const maxTokenBytes = 8192;
const maxApnsTokenChars = 400;

/**
 * The attributes SetPlatformApplicationAttributes documents
 * (https://docs.aws.amazon.com/sns/latest/api/API_SetPlatformApplicationAttributes.html), and
 * `Enabled`, which AWS answers on every application and turns to false when a push service
 * rejects its credentials: setting it lets a test see PlatformApplicationDisabled.
 */
const applicationAttributeNames = new Set([
  'PlatformCredential',
  'PlatformPrincipal',
  'EventEndpointCreated',
  'EventEndpointDeleted',
  'EventEndpointUpdated',
  'EventDeliveryFailure',
  'SuccessFeedbackRoleArn',
  'FailureFeedbackRoleArn',
  'SuccessFeedbackSampleRate',
  'ApplePlatformTeamID',
  'ApplePlatformBundleID',
  'Enabled',
]);
/** Never answered back by GetPlatformApplicationAttributes (test_get_platform_application_attributes). */
const credentialNames = new Set(['PlatformCredential', 'PlatformPrincipal']);
/** https://docs.aws.amazon.com/sns/latest/api/API_SetEndpointAttributes.html */
const endpointAttributeNames = new Set(['CustomUserData', 'Enabled', 'Token']);

/** What publish and subscribe need of an endpoint. */
export interface PlatformEndpoint {
  arn: string;
  account: string;
  region: string;
  enabled: boolean;
  token: string;
  customUserData?: string;
  /** ADM, APNS, GCM, ...: the key of a `MessageStructure: json` message meant for it. */
  platform: string;
  /** False once the application's `Enabled` is set to false (PlatformApplicationDisabled on publish). */
  applicationEnabled: boolean;
}

/** For Publish with TargetArn and for `application` subscriptions: the endpoint, or undefined. */
export function platformEndpoint(state: SnsState, endpointArn: string): PlatformEndpoint | undefined {
  const store = platformStore(state.deps.db);
  const row = store.endpoint(endpointArn);
  if (!row) return undefined;
  const application = store.application(row.application_arn);
  const applicationAttributes = JSON.parse(application?.attributes ?? '{}') as Record<string, string>;
  const endpoint: PlatformEndpoint = {
    arn: row.arn,
    account: row.account,
    region: row.region,
    enabled: row.enabled === 1,
    token: row.token,
    platform: application?.platform ?? '',
    applicationEnabled: parseEnabled(applicationAttributes.Enabled ?? 'true') === 1,
  };
  if (row.custom_user_data !== null) endpoint.customUserData = row.custom_user_data;
  return endpoint;
}

/** The ARN of an application: `arn:aws:sns:{region}:{account}:app/{platform}/{name}`. */
export function platformApplicationArn(region: string, account: string, platform: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:app/${platform}/${name}`;
}

/** "Value null at 'attributes'": a map that is required and empty, as AWS's front end sees it (an empty map is not sent). */
function requireAttributes(attributes: Record<string, string> | undefined): Record<string, string> {
  if (!attributes || Object.keys(attributes).length === 0) {
    throw new ValidationException(
      "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null",
      'ValidationError',
    );
  }
  return attributes;
}

/**
 * An ARN's resource part split at `/`: an application's has three parts (`app/GCM/name`), an
 * endpoint's four; another count is "Wrong number of slashes in relative portion of the ARN."
 * (test_set_platform_endpoint_attributes_invalid_arn).
 */
function resourceParts(member: string, arn: string, region: string, parts: number): string[] {
  const { resource } = checkArn(member, arn, region);
  const split = resource.split('/');
  if (split.length !== parts) {
    throw invalidParameterReason(member, 'Wrong number of slashes in relative portion of the ARN.');
  }
  return split;
}

function applicationNotFound(): NotFoundException {
  return new NotFoundException('PlatformApplication does not exist');
}

function endpointNotFound(): NotFoundException {
  return new NotFoundException('Endpoint does not exist');
}

/** The application an ARN in a request names, in the caller's account and region. */
function requireApplication(
  state: SnsState,
  ctx: RequestContext,
  arn: string,
  member = 'PlatformApplicationArn',
): PlatformApplicationRow {
  resourceParts(member, arn, ctx.region, 3);
  const row = platformStore(state.deps.db).application(arn);
  if (!row || row.account !== ctx.account) throw applicationNotFound();
  return row;
}

function requireEndpoint(state: SnsState, ctx: RequestContext, arn: string): PlatformEndpointRow {
  resourceParts('EndpointArn', arn, ctx.region, 4);
  const row = platformStore(state.deps.db).endpoint(arn);
  if (!row || row.account !== ctx.account) throw endpointNotFound();
  return row;
}

/** Application names: 1 to 256 of [A-Za-z0-9._-], each rule in its own words (test_create_platform_application_invalid_name). */
function checkApplicationName(name: string): void {
  let reason: string | undefined;
  if (name.length === 0) reason = 'cannot be empty';
  else if (name.length > maxApplicationName) reason = `must be at most ${maxApplicationName} characters long`;
  else if (!applicationNameChars.test(name)) {
    reason = "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'";
  }
  // The name itself stands where a member name would ("Invalid parameter:  Reason: cannot be empty").
  if (reason) throw invalidParameterReason(name, reason);
}

function invalidAttributeName(name: string): never {
  throw invalidParameterReason('Attributes', `Invalid attribute name: ${name}`);
}

function invalidAttributeValue(name: string, reason: string): never {
  throw invalidParameterReason('Attributes', `Invalid value for attribute: ${name}: ${reason}`);
}

/**
 * An application's attributes as a request gives them. A principal needs its credential, and a
 * credential its principal, except for GCM, whose key or token file has no principal
 * (test_create_platform_application_invalid_attributes; "For GCM ... there is no
 * PlatformPrincipal", https://docs.aws.amazon.com/sns/latest/api/API_CreatePlatformApplication.html).
 */
function checkApplicationAttributes(platform: string, attributes: Record<string, string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!applicationAttributeNames.has(name)) invalidAttributeName(name);
    // The range is the documented one ("Sample rate percentage (0-100)"); the wording follows the
    // recorded CustomUserData answer, as AWS's own for this attribute is not recorded.
    if (name === 'SuccessFeedbackSampleRate' && !(/^\d{1,3}$/.test(value) && Number(value) <= 100)) {
      invalidAttributeValue(name, 'must be an integer between 0 and 100');
    }
  }
  const hasPrincipal = Object.hasOwn(attributes, 'PlatformPrincipal');
  const hasCredential = Object.hasOwn(attributes, 'PlatformCredential');
  if (hasPrincipal && !hasCredential) {
    throw invalidParameterReason('Attributes', 'PlatformPrincipal attribute provided without PlatformCredential');
  }
  if (hasCredential && !hasPrincipal && platform !== 'GCM') {
    throw invalidParameterReason('Attributes', 'PlatformCredential attribute provided without PlatformPrincipal');
  }
}

/**
 * "AuthenticationMethod – Returns the credential type used when sending push notifications from
 * application to APNS/APNS_Sandbox, or application to GCM. APNS – Returns the token or
 * certificate. GCM – Returns the token or key."
 * (https://docs.aws.amazon.com/sns/latest/api/API_GetPlatformApplicationAttributes.html).
 */
function authenticationMethod(platform: string, attributes: Record<string, string>): string | undefined {
  const credential = attributes.PlatformCredential;
  if (credential === undefined) return undefined;
  if (platform === 'GCM') {
    // A service account's JSON key file is token credentials; anything else is an API key.
    try {
      const parsed = JSON.parse(credential) as { private_key?: unknown };
      if (parsed && typeof parsed === 'object' && typeof parsed.private_key === 'string') return 'Token';
    } catch {
      // Not JSON: a server key.
    }
    return 'Key';
  }
  if (platform === 'APNS' || platform === 'APNS_SANDBOX') {
    const certificate = (attributes.PlatformPrincipal ?? '').includes('BEGIN CERTIFICATE');
    const tokenBased = attributes.ApplePlatformTeamID !== undefined || attributes.ApplePlatformBundleID !== undefined;
    return !certificate && tokenBased ? 'Token' : 'Certificate';
  }
  return undefined;
}

/** What GetPlatformApplicationAttributes and ListPlatformApplications answer of an application. */
function answeredAttributes(row: PlatformApplicationRow): Record<string, string> {
  const stored = JSON.parse(row.attributes) as Record<string, string>;
  const out: Record<string, string> = { Enabled: stored.Enabled ?? 'true' };
  for (const [name, value] of Object.entries(stored)) {
    if (!credentialNames.has(name)) out[name] = value;
  }
  const method = authenticationMethod(row.platform, stored);
  if (method) out.AuthenticationMethod = method;
  return out;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** An endpoint's attributes as a request gives them (test_set_platform_endpoint_attributes_invalid_attributes). */
function checkEndpointAttributes(attributes: Record<string, string>): void {
  for (const name of Object.keys(attributes)) {
    if (!endpointAttributeNames.has(name)) invalidAttributeName(name);
  }
  const data = attributes.CustomUserData;
  if (data !== undefined && utf8Bytes(data) > maxCustomUserDataBytes) {
    invalidAttributeValue('CustomUserData', `must be at most ${maxCustomUserDataBytes} bytes long in UTF-8 encoding`);
  }
}

function checkToken(platform: string, token: string): void {
  if (utf8Bytes(token) > maxTokenBytes) {
    throw invalidParameterReason('Token', `must be at most ${maxTokenBytes} bytes long in UTF-8 encoding`);
  }
  if ((platform === 'APNS' || platform === 'APNS_SANDBOX') && token.length > maxApnsTokenChars) {
    throw invalidParameterReason(
      'Token',
      `iOS device tokens must be no more than ${maxApnsTokenChars} hexadecimal characters`,
    );
  }
}

/**
 * SNS reads `Enabled` as Java's Boolean.parseBoolean does ("true" in any case is true, anything
 * else false): an assumption, as no recorded answer sets another value.
 */
function parseEnabled(value: string): number {
  return value.toLowerCase() === 'true' ? 1 : 0;
}

function endpointAttributes(row: PlatformEndpointRow): Record<string, string> {
  const out: Record<string, string> = {};
  if (row.custom_user_data !== null) out.CustomUserData = row.custom_user_data;
  out.Enabled = row.enabled === 1 ? 'true' : 'false';
  out.Token = row.token;
  return out;
}

function pageToken(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function readPageToken(token: string | undefined): string {
  if (token === undefined) return '';
  const value = Buffer.from(token, 'base64url').toString('utf8');
  if (value.length === 0 || pageToken(value) !== token) throw invalidParameter('NextToken');
  return value;
}

export function platformOperations(state: SnsState) {
  const store = platformStore(state.deps.db);

  return {
    createPlatformApplication(ctx, input) {
      checkApplicationName(input.Name);
      if (!platforms.has(input.Platform)) {
        throw invalidParameterReason('Platform', `${input.Platform} is not supported`);
      }
      const attributes = requireAttributes(input.Attributes);
      checkApplicationAttributes(input.Platform, attributes);
      const arn = platformApplicationArn(ctx.region, ctx.account, input.Platform, input.Name);
      // Creating an application of a name that exists answers its ARN and replaces its
      // attributes, keeping its endpoints (an assumption: no recorded answer covers it).
      store.putApplication({
        arn,
        account: ctx.account,
        region: ctx.region,
        platform: input.Platform,
        name: input.Name,
        attributes: JSON.stringify(attributes),
        created_at: state.now(),
      });
      return { PlatformApplicationArn: arn };
    },

    deletePlatformApplication(ctx, input) {
      resourceParts('PlatformApplicationArn', input.PlatformApplicationArn, ctx.region, 3);
      // Idempotent: deleting one that does not exist succeeds. Its endpoints go with it: nothing
      // can list them afterwards (test_delete_endpoints_of_deleted_app answers NotFound for the
      // application), so none is kept that no call could reach.
      const row = store.application(input.PlatformApplicationArn);
      if (row && row.account === ctx.account) store.deleteApplication(row.arn);
    },

    getPlatformApplicationAttributes(ctx, input) {
      const row = requireApplication(state, ctx, input.PlatformApplicationArn);
      return { Attributes: answeredAttributes(row) };
    },

    setPlatformApplicationAttributes(ctx, input) {
      // The front end's null check comes before the lookup (..._non_existing_app[no-args]), the
      // attribute rules after it (..._non_existing_app[missing-credential]).
      const given = requireAttributes(input.Attributes);
      const row = requireApplication(state, ctx, input.PlatformApplicationArn);
      checkApplicationAttributes(row.platform, given);
      const attributes = JSON.parse(row.attributes) as Record<string, string>;
      for (const [name, value] of Object.entries(given)) {
        // An empty value removes an optional setting (an event topic, a feedback role).
        if (value === '' && !credentialNames.has(name)) delete attributes[name];
        else attributes[name] = value;
      }
      store.setApplicationAttributes(row.arn, JSON.stringify(attributes));
    },

    listPlatformApplications(ctx, input) {
      const after = readPageToken(input.NextToken);
      const rows = store.listApplications(ctx, after, pageSize + 1);
      const page = rows.slice(0, pageSize);
      const out: T.ListPlatformApplicationsResponse = {
        PlatformApplications: page.map((row) => ({
          PlatformApplicationArn: row.arn,
          Attributes: answeredAttributes(row),
        })),
      };
      if (rows.length > pageSize) out.NextToken = pageToken((page.at(-1) as PlatformApplicationRow).arn);
      return out;
    },

    createPlatformEndpoint(ctx, input) {
      const application = requireApplication(state, ctx, input.PlatformApplicationArn);
      const given = input.Attributes ?? {};
      checkEndpointAttributes(given);
      if (input.CustomUserData !== undefined && utf8Bytes(input.CustomUserData) > maxCustomUserDataBytes) {
        throw invalidParameterReason(
          'CustomUserData',
          `must be at most ${maxCustomUserDataBytes} bytes long in UTF-8 encoding`,
        );
      }
      checkToken(application.platform, input.Token);
      // CustomUserData may come as a member and as an attribute; the attribute wins (as
      // LocalStack's snapshot-validated provider has it, test_create_platform_endpoint_double_custom_data).
      const customUserData = given.CustomUserData ?? input.CustomUserData;
      const enabled = given.Enabled === undefined ? undefined : parseEnabled(given.Enabled);

      const existing = store.endpointByToken(application.arn, input.Token);
      if (existing) {
        // "Idempotent, so if the requester already owns an endpoint with the same device token and
        // attributes, that endpoint's ARN is returned"; what the request sets must match
        // (test_create_platform_endpoint_idempotency).
        const differs =
          (customUserData !== undefined && (existing.custom_user_data ?? '') !== customUserData) ||
          (enabled !== undefined && existing.enabled !== enabled);
        if (differs) {
          throw invalidParameterReason(
            'Token',
            `Endpoint ${existing.arn} already exists with the same Token, but different attributes.`,
          );
        }
        return { EndpointArn: existing.arn };
      }

      const arn = `arn:aws:sns:${application.region}:${application.account}:endpoint/${application.platform}/${application.name}/${randomUUID()}`;
      store.insertEndpoint({
        arn,
        application_arn: application.arn,
        account: application.account,
        region: application.region,
        token: input.Token,
        enabled: enabled ?? 1,
        custom_user_data: customUserData ? customUserData : null,
        created_at: state.now(),
      });
      return { EndpointArn: arn };
    },

    deleteEndpoint(ctx, input) {
      resourceParts('EndpointArn', input.EndpointArn, ctx.region, 4);
      // Idempotent. Subscriptions to the endpoint stay: "When you delete an endpoint that is also
      // subscribed to a topic, then you must also unsubscribe the endpoint from the topic"
      // (https://docs.aws.amazon.com/sns/latest/api/API_DeleteEndpoint.html;
      // test_delete_platform_endpoint_with_subscription lists it after the delete).
      const row = store.endpoint(input.EndpointArn);
      if (row && row.account === ctx.account) store.deleteEndpoint(row.arn);
    },

    getEndpointAttributes(ctx, input) {
      return { Attributes: endpointAttributes(requireEndpoint(state, ctx, input.EndpointArn)) };
    },

    setEndpointAttributes(ctx, input) {
      const given = requireAttributes(input.Attributes);
      const row = requireEndpoint(state, ctx, input.EndpointArn);
      checkEndpointAttributes(given);
      const application = store.application(row.application_arn);
      const token = given.Token ?? row.token;
      if (given.Token !== undefined) checkToken(application?.platform ?? '', token);
      let customUserData = row.custom_user_data;
      if (given.CustomUserData !== undefined) customUserData = given.CustomUserData || null;
      store.updateEndpoint(row.arn, {
        token,
        enabled: given.Enabled === undefined ? row.enabled : parseEnabled(given.Enabled),
        custom_user_data: customUserData,
      });
    },

    listEndpointsByPlatformApplication(ctx, input) {
      const application = requireApplication(state, ctx, input.PlatformApplicationArn);
      const afterText = readPageToken(input.NextToken);
      const after = afterText === '' ? 0 : Number(afterText);
      if (!Number.isSafeInteger(after)) throw invalidParameter('NextToken');
      const rows = store.listEndpoints(application.arn, after, pageSize + 1);
      const page = rows.slice(0, pageSize);
      const out: T.ListEndpointsByPlatformApplicationResponse = {
        Endpoints: page.map((row) => ({ EndpointArn: row.arn, Attributes: endpointAttributes(row) })),
      };
      if (rows.length > pageSize) out.NextToken = pageToken(String((page.at(-1) as PlatformEndpointRow).id));
      return out;
    },
  } satisfies Partial<SnsOperations<RequestContext>>;
}
