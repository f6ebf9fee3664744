import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { RefreshTokenEntity } from './refresh-token.entity';
import { newRefreshToken, parseRefreshToken, secretMatches } from './refresh-token-format';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export interface IssuedRefreshToken {
  token: string;
  userId: string;
}

/** Opaque refresh tokens, stored hashed, rotated on use; reuse revokes the whole family. */
@Injectable()
export class RefreshTokenService {
  private readonly logger = new Logger(RefreshTokenService.name);

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly tokens: RefreshTokensRepository,
  ) {}

  /** A token starting a new family (a login or a registration). */
  async issue(userId: string): Promise<IssuedRefreshToken> {
    const id = randomUUID();
    const { token, secretHash } = newRefreshToken(id);
    await this.tokens.insert({
      id,
      userId,
      familyId: randomUUID(),
      tokenHash: secretHash,
      expiresAt: this.expiry(),
    });
    return { token, userId };
  }

  /**
   * Exchanges a valid token for the next one of its family. A token already rotated is a sign of
   * theft: the whole family is revoked and the call fails like any invalid token.
   */
  async rotate(presented: string): Promise<IssuedRefreshToken> {
    const current = await this.findGenuine(presented);
    if (!current) throw invalidRefreshToken();
    if (current.revokedAt !== null) {
      if (current.replacedBy !== null) await this.revokeReusedFamily(current);
      throw invalidRefreshToken();
    }
    if (current.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken();

    const id = randomUUID();
    const { token, secretHash } = newRefreshToken(id);
    const rotated = await this.tokens.rotate(current.id, {
      id,
      userId: current.userId,
      familyId: current.familyId,
      tokenHash: secretHash,
      expiresAt: this.expiry(),
    });
    if (!rotated) {
      await this.revokeReusedFamily(current);
      throw invalidRefreshToken();
    }
    return { token, userId: current.userId };
  }

  /** Revokes the family of `presented` when it is a genuine token of `userId`; else does nothing. */
  async revokeFamily(presented: string, userId: string): Promise<boolean> {
    const current = await this.findGenuine(presented);
    if (!current || current.userId !== userId) return false;
    await this.tokens.revokeFamily(current.familyId);
    return true;
  }

  /** Removes tokens expired before `before` (for the maintenance job); returns how many. */
  purgeExpired(before: Date = new Date()): Promise<number> {
    return this.tokens.deleteExpired(before);
  }

  private async findGenuine(presented: string): Promise<RefreshTokenEntity | null> {
    const parts = parseRefreshToken(presented);
    if (!parts) return null;
    const row = await this.tokens.findById(parts.id);
    return row && secretMatches(parts.secret, row.tokenHash) ? row : null;
  }

  private async revokeReusedFamily(token: RefreshTokenEntity): Promise<void> {
    this.logger.warn(
      { userId: token.userId, familyId: token.familyId },
      'A rotated refresh token was reused; its family is revoked',
    );
    await this.tokens.revokeFamily(token.familyId);
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000);
  }
}

function invalidRefreshToken(): AppError {
  return new AppError(ErrorCode.INVALID_TOKEN, 'The refresh token is invalid, expired or revoked.');
}
