import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface RefreshTokenParts {
  /** The row id: lookups are by id, never by the secret. */
  id: string;
  secret: string;
}

/** A new opaque refresh token `<row id>.<32 random bytes, base64url>` and its stored hash. */
export function newRefreshToken(id: string): { token: string; secretHash: string } {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** The parts of a well-formed refresh token, or null. */
export function parseRefreshToken(token: string): RefreshTokenParts | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  return UUID.test(id) && SECRET.test(secret) ? { id, secret } : null;
}

/** SHA-256 is enough here: the secret has 256 bits of entropy, nothing to brute-force. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares the secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
