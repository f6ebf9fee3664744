import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppError, ErrorCode } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { AuthenticatedRequest, AuthenticatedUser } from '../authenticated-user';
import { ACCESS_TOKEN_ALGORITHM, readAccessTokenClaims } from '../tokens/access-token-claims';
import { AccessTokenDenylist } from '../tokens/access-token-denylist.service';
import { UsersService } from '../users/users.service';

export const JWT_STRATEGY = 'jwt';

/**
 * Verifies the bearer access token with the algorithm, issuer and audience pinned, then checks
 * its type, the deny-list and that the user still exists.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @InjectConfig() config: RuncellConfig,
    private readonly users: UsersService,
    private readonly denylist: AccessTokenDenylist,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A prepared secret key: given a string, jsonwebtoken first tries (and fails) to parse it as
      // a public key on every verification, the largest CPU cost of an authenticated request.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(request: AuthenticatedRequest, payload: unknown): Promise<AuthenticatedUser> {
    const claims = readAccessTokenClaims(payload);
    if (!claims) throw invalidAccessToken();
    if (await this.denylist.isDenied(claims.jti)) throw invalidAccessToken();
    const user = await this.users.findById(claims.sub);
    if (!user) throw invalidAccessToken();
    request.accessToken = { jti: claims.jti, exp: claims.exp };
    return { id: user.id, email: user.email, role: user.role };
  }
}

export function invalidAccessToken(): AppError {
  return new AppError(ErrorCode.INVALID_TOKEN, 'The access token is invalid, expired or revoked.');
}
