/**
 * What SNS keeps instead of sending (email, SMS, mobile push), for tests to assert on, and the
 * signing certificate that SigningCertURL names:
 *
 *   GET    /_nimbus/sns[?accountId=&region=]     every kept message, by kind (email, sms, application)
 *   DELETE /_nimbus/sns                          forget them
 *   GET    /_nimbus/sns/SimpleNotificationService-<id>.pem   the certificate
 *   POST   /_nimbus/sns/sms-opt-outs?accountId=&region=&phoneNumber=   opt a number out, as if
 *          its owner had replied STOP
 *   GET    /_nimbus/sns/sms-sandbox-otp?accountId=&region=&phoneNumber=  the one-time password
 *          CreateSMSSandboxPhoneNumber "sent"
 *
 * and LocalStack's paths and shapes, so that suites written against it run unchanged:
 *
 *   GET|DELETE /_aws/sns/platform-endpoint-messages[?accountId=&region=&endpointArn=]
 *   GET|DELETE /_aws/sns/sms-messages[?accountId=&region=&phoneNumber=]
 *   GET        /_aws/sns/subscription-tokens/<subscription ARN>
 */
import type { ControlAnswer, ControlRequest } from '../service-types.js';
import { optOutPhoneNumber, sandboxOneTimePassword } from './sms.js';
import type { SnsState } from './state.js';
import type { RecordRow } from './store.js';

const defaultAccount = '000000000000';
const defaultRegion = 'us-east-1';

function grouped(rows: RecordRow[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const row of rows) {
    let list = out[row.target];
    if (!list) {
      list = [];
      out[row.target] = list;
    }
    list.push(JSON.parse(row.record));
  }
  return out;
}

export function inspect(state: SnsState, request: ControlRequest): ControlAnswer {
  const { method, path, query } = request;
  const store = state.store;
  if (path.startsWith('/_nimbus/sns/SimpleNotificationService-')) {
    if (path.slice('/_nimbus/sns/'.length) !== state.signer.certificateName())
      return { status: 404, json: { error: 'no such certificate' } };
    return { status: 200, text: state.signer.certificatePem(), contentType: 'application/x-pem-file' };
  }
  if (path === '/_nimbus/sns/sms-opt-outs' || path === '/_nimbus/sns/sms-sandbox-otp') {
    const scope = { account: query.get('accountId') ?? defaultAccount, region: query.get('region') ?? defaultRegion };
    const phone = query.get('phoneNumber') ?? '';
    if (path.endsWith('opt-outs')) {
      if (method !== 'POST') return { status: 405, json: { error: 'use POST' } };
      const done = state.deps.db.transaction(() => optOutPhoneNumber(state, scope, phone));
      return done
        ? { status: 200, json: { optedOut: phone } }
        : { status: 400, json: { error: `not a phone number: ${phone}` } };
    }
    const password = sandboxOneTimePassword(state, scope, phone);
    return password
      ? { status: 200, json: { phoneNumber: phone, oneTimePassword: password } }
      : { status: 404, json: { error: `no pending sandbox number ${phone}` } };
  }
  if (path === '/_nimbus/sns' || path === '/_nimbus/sns/') {
    const scope = { account: query.get('accountId') ?? undefined, region: query.get('region') ?? undefined };
    if (method === 'DELETE') {
      state.deps.db.transaction(() => {
        for (const kind of ['email', 'sms', 'application']) store.deleteRecords(kind, scope);
      });
      return { status: 204 };
    }
    return {
      status: 200,
      json: {
        email: store.records('email', scope).map((row) => JSON.parse(row.record)),
        sms: store.records('sms', scope).map((row) => JSON.parse(row.record)),
        application: store.records('application', scope).map((row) => JSON.parse(row.record)),
      },
    };
  }
  const localstack: Record<string, { kind: string; key: string; target: string }> = {
    '/_aws/sns/platform-endpoint-messages': {
      kind: 'application',
      key: 'platform_endpoint_messages',
      target: 'endpointArn',
    },
    '/_aws/sns/sms-messages': { kind: 'sms', key: 'sms_messages', target: 'phoneNumber' },
  };
  const route = localstack[path.replace(/\/+$/, '')];
  if (route) {
    const region = query.get('region') ?? defaultRegion;
    const scope = {
      account: query.get('accountId') ?? defaultAccount,
      region,
      target: query.get(route.target) ?? undefined,
    };
    if (method === 'DELETE') {
      state.deps.db.transaction(() => store.deleteRecords(route.kind, scope));
      return { status: 204 };
    }
    return { status: 200, json: { [route.key]: grouped(store.records(route.kind, scope)), region } };
  }
  if (path.startsWith('/_aws/sns/subscription-tokens/')) {
    const arn = decodeURIComponent(path.slice('/_aws/sns/subscription-tokens/'.length));
    const row = store.subscription(arn);
    if (!row?.token) {
      return { status: 404, json: { error: `Could not find a subscription token for ${arn}`, subscription_arn: arn } };
    }
    return { status: 200, json: { subscription_token: row.token, subscription_arn: arn } };
  }
  return { status: 404, json: { error: `no SNS route ${path}` } };
}
