export const ACCESS_TOKEN_TYPE = 'access';
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

/** The claims of a verified access token that the service relies on. */
export interface AccessTokenClaims {
  sub: string;
  jti: string;
  type: typeof ACCESS_TOKEN_TYPE;
  iat: number;
  exp: number;
}

/**
 * The claims of a payload whose signature, issuer and audience were already verified, or null
 * when it is not an access token (a refresh or foreign token, or one missing a claim).
 */
export function readAccessTokenClaims(payload: unknown): AccessTokenClaims | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { sub, jti, type, iat, exp } = payload as Record<string, unknown>;
  if (type !== ACCESS_TOKEN_TYPE) return null;
  if (typeof sub !== 'string' || sub === '' || typeof jti !== 'string' || jti === '') return null;
  if (!Number.isInteger(iat) || !Number.isInteger(exp)) return null;
  return { sub, jti, type, iat: iat as number, exp: exp as number };
}
