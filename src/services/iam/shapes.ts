/**
 * Rows to the shapes IAM answers with. Which members each operation returns differs, and is
 * AWS's, not a choice: CreateRole leaves out MaxSessionDuration and RoleLastUsed, GetRole has
 * both, ListRoles has MaxSessionDuration but no RoleLastUsed, tags or permissions boundary
 * (shared/aws-reference/recorded-responses/services/iam/test_iam.snapshot.json:
 * test_create_describe_role, test_role_with_tags; the List* pages say "this operation does not
 * return the following attributes: PermissionsBoundary, RoleLastUsed, Tags",
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html).
 */
import type * as T from '../../generated/iam/types.js';
import type { GroupRow, InstanceProfileRow, RoleRow, UserRow } from './store.js';
import { parseTags } from './tags.js';
import { encodePolicyDocument } from './url-encoding.js';

/**
 * A permissions boundary as AWS writes it: the type is `Policy`, not the model's enum value
 * `PermissionsBoundaryPolicy` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachedPermissionsBoundary.html:
 * "This data type can only have a value of Policy").
 */
export function boundaryOutput(arn: string | null): T.AttachedPermissionsBoundary | undefined {
  if (arn === null) return undefined;
  return {
    PermissionsBoundaryType: 'Policy' as unknown as T.PermissionsBoundaryAttachmentType,
    PermissionsBoundaryArn: arn,
  };
}

function withTags<Shape extends { Tags?: T.Tag[] }>(shape: Shape, tagsJson: string): Shape {
  const tags = parseTags(tagsJson);
  if (tags.length > 0) shape.Tags = tags;
  return shape;
}

/** A user as ListUsers and GetGroup give it. */
export function userSummary(row: UserRow): T.User {
  return { Path: row.path, UserName: row.name, UserId: row.id, Arn: row.arn, CreateDate: new Date(row.created_at) };
}

/** A user as CreateUser and GetUser give it: with its permissions boundary and tags. */
export function userDetail(row: UserRow): T.User {
  const user = userSummary(row);
  const boundary = boundaryOutput(row.boundary);
  if (boundary) user.PermissionsBoundary = boundary;
  return withTags(user, row.tags);
}

export function groupOutput(row: GroupRow): T.Group {
  return { Path: row.path, GroupName: row.name, GroupId: row.id, Arn: row.arn, CreateDate: new Date(row.created_at) };
}

/** The members every role answer has. */
function roleBase(row: RoleRow): T.Role {
  return {
    Path: row.path,
    RoleName: row.name,
    RoleId: row.id,
    Arn: row.arn,
    CreateDate: new Date(row.created_at),
    AssumeRolePolicyDocument: encodePolicyDocument(row.trust_policy),
  };
}

/** CreateRole and CreateServiceLinkedRole: no MaxSessionDuration, no RoleLastUsed. */
export function roleCreated(row: RoleRow): T.Role {
  const role = roleBase(row);
  const boundary = boundaryOutput(row.boundary);
  if (boundary) role.PermissionsBoundary = boundary;
  return withTags(role, row.tags);
}

/** GetRole: everything, RoleLastUsed empty (Nimbus does not track role use). */
export function roleDetail(row: RoleRow): T.Role {
  const role = roleBase(row);
  if (row.description !== null) role.Description = row.description;
  role.MaxSessionDuration = row.max_session_duration;
  const boundary = boundaryOutput(row.boundary);
  if (boundary) role.PermissionsBoundary = boundary;
  withTags(role, row.tags);
  role.RoleLastUsed = {};
  return role;
}

/** ListRoles: no tags, boundary or RoleLastUsed. */
export function roleSummary(row: RoleRow): T.Role {
  const role = roleBase(row);
  if (row.description !== null) role.Description = row.description;
  role.MaxSessionDuration = row.max_session_duration;
  return role;
}

/** UpdateRoleDescription answers the role without MaxSessionDuration and RoleLastUsed. */
export function roleAfterDescription(row: RoleRow): T.Role {
  const role = roleCreated(row);
  if (row.description !== null) role.Description = row.description;
  return role;
}

/** An instance profile with its role (the role's members as ListRoles gives them). */
export function instanceProfileOutput(
  row: InstanceProfileRow,
  role: RoleRow | undefined,
  includeTags: boolean,
): T.InstanceProfile {
  const profile: T.InstanceProfile = {
    Path: row.path,
    InstanceProfileName: row.name,
    InstanceProfileId: row.id,
    Arn: row.arn,
    CreateDate: new Date(row.created_at),
    Roles: role ? [roleBase(role)] : [],
  };
  if (includeTags) profile.Tags = parseTags(row.tags);
  return profile;
}
