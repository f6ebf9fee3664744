import { readAccessTokenClaims } from './access-token-claims';

describe('readAccessTokenClaims', () => {
  const valid = {
    sub: 'user-1',
    jti: 'jti-1',
    type: 'access',
    iat: 1_700_000_000,
    exp: 1_700_000_900,
  };

  it('keeps the claims of an access token', () => {
    expect(readAccessTokenClaims({ ...valid, iss: 'runcell', aud: 'runcell-api' })).toEqual(valid);
  });

  it.each([
    ['a refresh token', { ...valid, type: 'refresh' }],
    ['a token without a type', { ...valid, type: undefined }],
    ['a token without a subject', { ...valid, sub: undefined }],
    ['an empty subject', { ...valid, sub: '' }],
    ['a token without a jti', { ...valid, jti: undefined }],
    ['a token without an expiry', { ...valid, exp: undefined }],
    ['a token with a textual expiry', { ...valid, exp: '1700000900' }],
  ])('refuses %s', (_label, payload) => {
    expect(readAccessTokenClaims(payload)).toBeNull();
  });

  it.each([null, 'a string', 42])('refuses the payload %j', (payload) => {
    expect(readAccessTokenClaims(payload)).toBeNull();
  });
});
