/**
 * AWS Identity and Access Management. https://docs.aws.amazon.com/IAM/latest/APIReference/
 *
 * IAM is global: its state is scoped by account alone. The operations live with their resources
 * (users.ts, groups.ts, roles.ts, ...), each file exporting a table of operation methods checked
 * with `satisfies Partial<IamOperations<RequestContext>>`, so the compiler holds every method to
 * the generated signature. The provider is those tables put together, and the role lookup STS
 * uses. Operations no table has answer 501 from the dispatcher, naming the operation.
 */
import { type IamOperations, iamOperations } from '../../generated/iam/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { accessKeyOperations } from './access-keys.js';
import { accountOperations } from './account.js';
import { attachmentOperations } from './attachments.js';
import { groupOperations } from './groups.js';
import { inlinePolicyOperations } from './inline-policies.js';
import { instanceProfileOperations } from './instance-profiles.js';
import { oidcProviderOperations } from './oidc-providers.js';
import { policyOperations } from './policies.js';
import { policyVersionOperations } from './policy-versions.js';
import { roleOperations } from './roles.js';
import type { IamRoleLookup, IamRoleSummary } from './roles-lookup.js';
import { IamState } from './state.js';
import { iamMigrations, type RoleRow } from './store.js';
import { userOperations } from './users.js';

export const operations = iamOperations;
export const migrations: Migration[] = iamMigrations;

function operationTables(state: IamState) {
  const tables = {
    ...userOperations(state),
    ...groupOperations(state),
    ...roleOperations(state),
    ...inlinePolicyOperations(state),
    ...attachmentOperations(state),
    ...policyOperations(state),
    ...policyVersionOperations(state),
    ...accessKeyOperations(state),
    ...instanceProfileOperations(state),
    ...oidcProviderOperations(state),
    ...accountOperations(state),
  };
  return tables satisfies Partial<IamOperations<RequestContext>>;
}

/** Every IAM operation Nimbus implements, typed as the generated interface types them. */
export type IamOperationTable = ReturnType<typeof operationTables>;

/**
 * The provider object: the role lookup here, and every operation table assigned onto it by
 * createProvider, where `satisfies` checks the whole against the generated interface. (The class
 * cannot declare `implements Partial<IamOperations>` itself: with no operation in its own body,
 * TypeScript's weak-type check refuses it.)
 */
export class IamProvider implements IamRoleLookup, Provider {
  readonly #state: IamState;

  constructor(state: IamState) {
    this.#state = state;
  }

  /** The role STS is asked to assume (AssumeRole, AssumeRoleWithWebIdentity). */
  findRole(account: string, roleName: string): IamRoleSummary | undefined {
    const role = this.#state.store.find<RoleRow>('iam_roles', account, roleName.toLowerCase());
    if (!role) return undefined;
    return { RoleId: role.id, RoleName: role.name, Arn: role.arn, MaxSessionDuration: role.max_session_duration };
  }
}

export function createProvider(deps: ServiceDeps): IamProvider & IamOperationTable {
  const state = new IamState(deps);
  const provider = Object.assign(new IamProvider(state), operationTables(state));
  return provider satisfies Partial<IamOperations<RequestContext>> & IamRoleLookup;
}
