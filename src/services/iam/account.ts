/**
 * The account's IAM settings: its alias (CreateAccountAlias, DeleteAccountAlias,
 * ListAccountAliases) and GetAccountSummary. An alias is unique across all accounts and an
 * account has at most one (https://docs.aws.amazon.com/IAM/latest/UserGuide/console-account-alias.html).
 */
import { EntityAlreadyExistsException, NoSuchEntityException } from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type { RequestContext } from '../service-types.js';
import { quotaExceeded } from './errors.js';
import type { IamState } from './state.js';

/**
 * The quotas GetAccountSummary reports: AWS's defaults
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), as LocalStack's
 * recorded summary gives them.
 */
const quotas = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  RolesQuota: 1000,
  PoliciesQuota: 1500,
  InstanceProfilesQuota: 1000,
  ServerCertificatesQuota: 20,
  PolicyVersionsInUseQuota: 10000,
  PolicySizeQuota: 6144,
  VersionsPerPolicyQuota: 5,
  GroupsPerUserQuota: 10,
  SigningCertificatesPerUserQuota: 2,
  AccessKeysPerUserQuota: 2,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  AttachedPoliciesPerUserQuota: 10,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  RolePolicySizeQuota: 10240,
  AssumeRolePolicySizeQuota: 2048,
  GlobalEndpointTokenVersion: 1,
};

export function accountOperations(state: IamState) {
  const { store } = state;
  return {
    createAccountAlias(ctx, input) {
      const owner = store.accountWithAlias(input.AccountAlias);
      if (owner?.account === ctx.account) return;
      if (owner) throw new EntityAlreadyExistsException(`The account alias ${input.AccountAlias} already exists.`);
      if (store.account(ctx.account, state.now()).alias !== null) throw quotaExceeded('AccountAliasesPerAccount', 1);
      store.setAccountAlias(ctx.account, input.AccountAlias);
    },

    deleteAccountAlias(ctx, input) {
      if (store.account(ctx.account, state.now()).alias !== input.AccountAlias) {
        throw new NoSuchEntityException(`The account alias ${input.AccountAlias} cannot be found.`);
      }
      store.setAccountAlias(ctx.account, null);
    },

    listAccountAliases(ctx) {
      const alias = store.account(ctx.account, state.now()).alias;
      return { AccountAliases: alias === null ? [] : [alias], IsTruncated: false };
    },

    getAccountSummary(ctx) {
      const account = ctx.account;
      return {
        SummaryMap: {
          Users: store.count('iam_users', account),
          Groups: store.count('iam_groups', account),
          Roles: store.count('iam_roles', account),
          Policies: store.count('iam_policies', account),
          PolicyVersionsInUse: store.countPolicyVersions(account),
          InstanceProfiles: store.count('iam_instance_profiles', account),
          Providers: store.countOidcProviders(account),
          ServerCertificates: 0,
          MFADevices: 0,
          MFADevicesInUse: 0,
          AccountMFAEnabled: 0,
          AccountAccessKeysPresent: 0,
          AccountPasswordPresent: 0,
          AccountSigningCertificatesPresent: 0,
          ...quotas,
        },
      };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
