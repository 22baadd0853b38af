/**
 * What bucket and object ACL requests share
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html): grantees, the
 * `x-amz-grant-*` headers, AccessControlPolicy documents, and the rule that a request names its
 * grants by exactly one of a canned ACL, grant headers or a document. The canned ACLs differ
 * (bucket-configs.ts, object-extras.ts).
 */
import type * as T from '../../generated/s3/types.js';
import { invalidArgument, invalidRequest, s3Error } from './errors.js';

export const groups = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
  LogDelivery: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
} as const;
const groupUris: ReadonlySet<string> = new Set(Object.values(groups));
const canonicalId = /^[0-9a-f]{64}$/;

export const userGrant = (id: string, permission: T.Permission): T.Grant => ({
  Grantee: { ID: id, Type: 'CanonicalUser' },
  Permission: permission,
});

export const groupGrant = (uri: string, permission: T.Permission): T.Grant => ({
  Grantee: { Type: 'Group', URI: uri },
  Permission: permission,
});

/** A grant to everyone or to every AWS account. */
export const isPublic = (grant: T.Grant) =>
  grant.Grantee?.URI === groups.AllUsers || grant.Grantee?.URI === groups.AuthenticatedUsers;

const grantHeaders = [
  ['GrantFullControl', 'x-amz-grant-full-control', 'FULL_CONTROL'],
  ['GrantRead', 'x-amz-grant-read', 'READ'],
  ['GrantReadACP', 'x-amz-grant-read-acp', 'READ_ACP'],
  ['GrantWrite', 'x-amz-grant-write', 'WRITE'],
  ['GrantWriteACP', 'x-amz-grant-write-acp', 'WRITE_ACP'],
] as const;

/** What a request may say about an ACL (CreateBucket says all but a document). */
export type AclRequest = Partial<Record<(typeof grantHeaders)[number][0], string>> & {
  ACL?: string;
  AccessControlPolicy?: T.AccessControlPolicy;
};

export function hasGrantHeaders(input: AclRequest): boolean {
  return grantHeaders.some(([member]) => input[member] !== undefined);
}

/** The grants of `x-amz-grant-*` headers: `id="..."`, `uri="..."`, `emailAddress="..."`, comma-separated. */
function headerGrants(input: AclRequest): T.Grant[] {
  const grants: T.Grant[] = [];
  for (const [member, header, permission] of grantHeaders) {
    const value = input[member];
    if (value === undefined) continue;
    for (const part of value.split(',')) {
      const match = /^\s*(id|uri|emailAddress)\s*=\s*"([^"]*)"\s*$/.exec(part);
      if (!match) throw invalidArgument('Argument format not recognized', header, value);
      const [, kind, grantee = ''] = match;
      if (kind === 'id') {
        if (!canonicalId.test(grantee)) throw invalidArgument('Invalid id', 'id', grantee);
        grants.push(userGrant(grantee, permission));
      } else if (kind === 'uri') {
        if (!groupUris.has(grantee)) throw invalidArgument('Invalid group uri', 'uri', grantee);
        grants.push(groupGrant(grantee, permission));
      } else {
        grants.push({ Grantee: { EmailAddress: grantee, Type: 'AmazonCustomerByEmail' }, Permission: permission });
      }
    }
  }
  return grants;
}

const malformedAcl = () =>
  s3Error(
    'MalformedACLError',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

/** An AccessControlPolicy document's grants (test_s3 test_s3_bucket_acl_exceptions put-bucket-acp-acl-*). */
function documentGrants(policy: T.AccessControlPolicy): T.Grant[] {
  if (!policy.Owner?.ID || !policy.Grants) throw malformedAcl();
  for (const grant of policy.Grants) {
    const grantee = grant.Grantee;
    if (!grantee || !grant.Permission) throw malformedAcl();
    if (grantee.Type === 'CanonicalUser') {
      if (!grantee.ID) throw malformedAcl();
      if (!canonicalId.test(grantee.ID)) throw invalidArgument('Invalid id', 'CanonicalUser/ID', grantee.ID);
    } else if (grantee.Type === 'Group') {
      if (!grantee.URI || !groupUris.has(grantee.URI)) {
        throw invalidArgument('Invalid group uri', 'Group/URI', grantee.URI ?? '');
      }
    } else if (grantee.Type !== 'AmazonCustomerByEmail' || !grantee.EmailAddress) {
      throw malformedAcl();
    }
  }
  return policy.Grants;
}

/**
 * The grants a request names by exactly one of a canned ACL (given to `canned`), grant headers
 * or a document; undefined when it names none, or MissingSecurityHeader when `required`.
 */
export function requestedGrants(
  input: AclRequest,
  canned: (acl: string) => T.Grant[],
  required: boolean,
): T.Grant[] | undefined {
  const hasHeaders = hasGrantHeaders(input);
  const unexpected = () => s3Error('UnexpectedContent', 400, 'This request does not support content');
  if (input.ACL !== undefined) {
    if (hasHeaders) throw invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
    if (input.AccessControlPolicy) throw unexpected();
    return canned(input.ACL);
  }
  if (hasHeaders) {
    if (input.AccessControlPolicy) throw unexpected();
    return headerGrants(input);
  }
  if (input.AccessControlPolicy) return documentGrants(input.AccessControlPolicy);
  if (!required) return undefined;
  throw s3Error('MissingSecurityHeader', 400, 'Your request was missing a required header', {
    MissingHeaderName: 'x-amz-acl',
  });
}
