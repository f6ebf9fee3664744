import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { InjectConfig, RuncellConfig } from '../../config';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from './access-token-claims';

export interface SignedAccessToken {
  token: string;
  expiresIn: number;
}

/** Signs access tokens: HS256 JWTs with `iss`, `aud`, `sub`, `jti`, `type`, `iat`, `exp`. */
@Injectable()
export class AccessTokenService {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly jwt: JwtService,
  ) {}

  async sign(userId: string): Promise<SignedAccessToken> {
    const { jwtSecret, jwtIssuer, jwtAudience, accessTokenTtlSeconds } = this.config.auth;
    const token = await this.jwt.signAsync(
      { type: ACCESS_TOKEN_TYPE },
      {
        secret: jwtSecret,
        algorithm: ACCESS_TOKEN_ALGORITHM,
        issuer: jwtIssuer,
        audience: jwtAudience,
        subject: userId,
        jwtid: randomUUID(),
        expiresIn: accessTokenTtlSeconds,
      },
    );
    return { token, expiresIn: accessTokenTtlSeconds };
  }
}
