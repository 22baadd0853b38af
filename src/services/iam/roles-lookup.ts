/**
 * What IAM offers other services in-process: STS looks up the role it is asked to assume.
 * The IAM provider implements this beside its AWS operations.
 */
export interface IamRoleSummary {
  RoleId: string;
  RoleName: string;
  Arn: string;
  /** Seconds; 3600 unless the role says otherwise. */
  MaxSessionDuration: number;
}

export interface IamRoleLookup {
  /** The role of that name in that account, or undefined. */
  findRole(account: string, roleName: string): IamRoleSummary | undefined;
}
