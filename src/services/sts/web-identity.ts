/**
 * The claims of a web identity token (an OIDC ID token, a JWT) for AssumeRoleWithWebIdentity.
 * Nimbus reads the claims and the expiry but does not verify the signature against the
 * provider's keys: it has no network access to the provider, and local tests mint their own.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import type { AwsError } from '../../errors/aws-error.js';
import { ExpiredTokenException, InvalidIdentityTokenException } from '../../generated/sts/errors.js';

export interface WebIdentityClaims {
  subject: string;
  audience: string;
  /** The issuer without its scheme, as STS reports it (`accounts.google.com`). */
  provider: string;
}

function invalid(): AwsError {
  return new InvalidIdentityTokenException(
    'The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token from the identity provider and then retry the request.',
  );
}

export function readWebIdentityToken(token: string, now: number): WebIdentityClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid();
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  if (claims === null || typeof claims !== 'object') throw invalid();
  const exp = claims.exp;
  if (typeof exp === 'number' && exp * 1000 <= now) {
    throw new ExpiredTokenException(
      'The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request.',
    );
  }
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  return {
    subject: typeof claims.sub === 'string' ? claims.sub : '',
    audience: typeof aud === 'string' ? aud : '',
    provider: iss.replace(/^https?:\/\//, ''),
  };
}
