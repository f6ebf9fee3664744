import { randomUUID } from 'node:crypto';
import {
  hashSecret,
  newRefreshToken,
  parseRefreshToken,
  secretMatches,
} from './refresh-token-format';

describe('refresh token format', () => {
  const id = randomUUID();

  it('carries the row id and a 256-bit secret whose hash is stored', () => {
    const sut = newRefreshToken(id);
    const parts = parseRefreshToken(sut.token);
    expect(parts).toEqual({ id, secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(sut.secretHash).toBe(hashSecret(parts!.secret));
    expect(sut.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(sut.token).not.toContain(sut.secretHash);
  });

  it('never issues the same secret twice', () => {
    expect(newRefreshToken(id).token).not.toBe(newRefreshToken(id).token);
  });

  it.each([
    '',
    'no-dot',
    `${id}`,
    `${id}.`,
    `not-a-uuid.${'a'.repeat(43)}`,
    `${id}.${'a'.repeat(42)}`,
    `${id}.${'a'.repeat(44)}`,
    `${id}.${'a'.repeat(42)}=`,
    `${id.toUpperCase()}.${'a'.repeat(43)}`,
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
  ])('refuses the malformed token %j', (token) => {
    expect(parseRefreshToken(token)).toBeNull();
  });

  it('matches only the secret that was hashed', () => {
    const sut = newRefreshToken(id);
    const { secret } = parseRefreshToken(sut.token)!;
    expect(secretMatches(secret, sut.secretHash)).toBe(true);
    const other = parseRefreshToken(newRefreshToken(id).token)!.secret;
    expect(secretMatches(other, sut.secretHash)).toBe(false);
    expect(secretMatches(secret, 'ab')).toBe(false);
  });
});
