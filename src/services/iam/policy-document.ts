/**
 * Checks of policy documents, with the MalformedPolicyDocument texts IAM answers:
 * - identity policies (managed policy versions, inline user/group/role policies): "Syntax errors
 *   in policy." for what is not policy grammar, then version, principal, actions and resources
 *   (versitygw's tests against live IAM; moto's validator for the order of checks);
 * - trust policies (a role's AssumeRolePolicyDocument): "This policy contains invalid Json"
 *   (shared/aws-reference/recorded-responses/services/iam/test_iam.snapshot.json,
 *   test_create_role_with_malformed_assume_role_policy_document) and the texts versitygw
 *   recorded for empty statements, principals and resources.
 * Sizes are counted without white space, as IAM does
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length).
 */
import { MalformedPolicyDocumentException } from '../../generated/iam/errors.js';
import { quotaExceeded } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const trustPolicySizeLimit = 2048;

function malformed(message: string): MalformedPolicyDocumentException {
  return new MalformedPolicyDocumentException(message);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(document: string): Json | undefined {
  try {
    return JSON.parse(document) as Json;
  } catch {
    return undefined;
  }
}

/** A document's size as IAM counts it: its JSON without white space outside strings. */
export function policySize(document: string): number {
  const parsed = parse(document);
  return parsed === undefined ? document.length : JSON.stringify(parsed).length;
}

function statementsOf(statement: Json | undefined): Json[] | undefined {
  if (Array.isArray(statement)) return statement;
  if (isObject(statement)) return [statement];
  return undefined;
}

const topLevel = new Set(['Version', 'Id', 'Statement']);
const statementElements = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const versions = new Set(['2008-10-17', '2012-10-17']);

function isStringOrStrings(value: Json | undefined): boolean {
  if (value === undefined || typeof value === 'string') return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function listOf(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The grammar every policy shares: what a statement may hold and of which types. */
function checkStatementSyntax(statement: Json): boolean {
  if (!isObject(statement)) return false;
  for (const key of Object.keys(statement)) if (!statementElements.has(key)) return false;
  const effect = statement.Effect;
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) return false;
  if ('Action' in statement && 'NotAction' in statement) return false;
  if ('Resource' in statement && 'NotResource' in statement) return false;
  if ('Principal' in statement && 'NotPrincipal' in statement) return false;
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'])
    if (!isStringOrStrings(statement[key])) return false;
  if ('Sid' in statement && typeof statement.Sid !== 'string') return false;
  if ('Condition' in statement) {
    const condition = statement.Condition;
    if (!isObject(condition)) return false;
    for (const operator of Object.values(condition)) {
      if (!isObject(operator)) return false;
      for (const value of Object.values(operator))
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) return false;
    }
  }
  return true;
}

function checkAction(action: string): void {
  if (action === '*') return;
  const parts = action.split(':');
  if (parts.length === 1) throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  if (parts.length > 2) throw malformed('Actions/Condition can contain only one colon.');
  const vendor = parts[0] as string;
  if (!/^[a-zA-Z0-9\-.]+$/.test(vendor)) throw malformed(`Vendor ${vendor} is not valid`);
}

function checkResource(resource: string): void {
  if (resource === '*') return;
  if (!resource.includes(':')) throw malformed(`Resource ${resource} must be in ARN format or "*".`);
}

/**
 * An identity policy: a managed policy version or an inline policy of a user, group or role.
 * Throws MalformedPolicyDocument with IAM's text for the first problem found.
 */
export function checkIdentityPolicy(document: string): void {
  const policy = parse(document);
  if (!isObject(policy)) throw malformed('Syntax errors in policy.');
  for (const key of Object.keys(policy)) if (!topLevel.has(key)) throw malformed('Syntax errors in policy.');
  const version = policy.Version;
  if (version !== undefined && (typeof version !== 'string' || !versions.has(version)))
    throw malformed('Syntax errors in policy.');
  if ('Id' in policy && typeof policy.Id !== 'string') throw malformed('Syntax errors in policy.');
  const statements = statementsOf(policy.Statement);
  if (!statements || statements.length === 0 || !statements.every(checkStatementSyntax))
    throw malformed('Syntax errors in policy.');
  if (version !== '2012-10-17') throw malformed('Policy document must be version 2012-10-17 or greater.');
  const objects = statements as JsonObject[];
  for (const statement of objects) {
    if ('Principal' in statement || 'NotPrincipal' in statement)
      throw malformed('Policy document should not specify a principal.');
    // Effect is matched case-insensitively by the grammar but exactly by the legacy parser.
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
      throw malformed('The policy failed legacy parsing');
  }
  const sids = new Set<string>();
  for (const statement of objects) {
    const sid = statement.Sid;
    if (typeof sid !== 'string' || sid === '') continue;
    if (sids.has(sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
    sids.add(sid);
  }
  for (const statement of objects) {
    const actions = listOf(statement.Action ?? statement.NotAction);
    if (actions.length === 0) throw malformed('Policy statement must contain actions.');
  }
  for (const statement of objects) {
    const resources = listOf(statement.Resource ?? statement.NotResource);
    if (resources.length === 0) throw malformed('Policy statement must contain resources.');
    for (const resource of resources) checkResource(resource);
  }
  for (const statement of objects)
    for (const action of listOf(statement.Action ?? statement.NotAction)) checkAction(action);
}

/** A role's trust policy (AssumeRolePolicyDocument). */
export function checkTrustPolicy(document: string): void {
  const policy = parse(document);
  if (!isObject(policy)) throw malformed('This policy contains invalid Json');
  if (JSON.stringify(policy).length > trustPolicySizeLimit) throw quotaExceeded('ACLSizePerRole', trustPolicySizeLimit);
  if (!('Statement' in policy)) throw malformed('Missing required field Statement');
  const statements = statementsOf(policy.Statement);
  if (!statements) throw malformed('This policy contains invalid Json');
  if (statements.length === 0) throw malformed('Could not parse the policy: Statement is empty!');
  for (const statement of statements) {
    if (!isObject(statement)) throw malformed('This policy contains invalid Json');
    if (!('Effect' in statement)) throw malformed('Missing required field Effect');
    const principal = statement.Principal ?? statement.NotPrincipal;
    if (principal === undefined) throw malformed('Missing required field Principal');
    if (isObject(principal) && Object.keys(principal).length === 0)
      throw malformed('Missing required field Principal cannot be empty!');
    if ('NotPrincipal' in statement && statement.Effect === 'Allow')
      throw malformed('Allow with NotPrincipal is not allowed.');
    if ('Resource' in statement) throw malformed('Has prohibited field Resource');
    if ('NotResource' in statement) throw malformed('AssumeRole policy must not contain resources.');
    for (const action of listOf(statement.Action ?? statement.NotAction)) {
      if (!action.toLowerCase().startsWith('sts:'))
        throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
  }
}
