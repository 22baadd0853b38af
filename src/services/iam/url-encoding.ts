/**
 * IAM returns every policy document percent-encoded (RFC 3986): the role's
 * AssumeRolePolicyDocument, inline policies and managed policy versions. Clients decode it
 * (boto3 does so itself; SDK v3 callers use `decodeURIComponent`). A `%` that was already in the
 * document comes back as `%25`, so an encoded ARN inside a condition survives the round trip.
 * Evidence: shared/aws-reference/recorded-responses/services/iam/test_iam.snapshot.json
 * (TestIAMPolicyEncoding) and https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
 * ("The policy document returned in this structure is URL-encoded compliant with RFC 3986").
 */

/** `encodeURIComponent`, plus the characters it leaves that RFC 3986 reserves: `!'()*`. */
export function encodePolicyDocument(document: string): string {
  return encodeURIComponent(document).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
