import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

export type NewRefreshTokenRow = Pick<
  RefreshTokenEntity,
  'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'
>;

@Injectable()
export class RefreshTokensRepository {
  constructor(
    @InjectRepository(RefreshTokenEntity)
    private readonly tokens: Repository<RefreshTokenEntity>,
  ) {}

  findById(id: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  async insert(row: NewRefreshTokenRow): Promise<void> {
    await this.tokens.insert(row);
  }

  /**
   * Stores `next` and revokes `currentId` in favour of it, in one transaction. Returns false (and
   * stores nothing) when `currentId` was already revoked, e.g. by a concurrent rotation.
   */
  rotate(currentId: string, next: NewRefreshTokenRow): Promise<boolean> {
    return this.tokens.manager.transaction(async (manager) => {
      await manager.insert(RefreshTokenEntity, next);
      const result = await manager.update(
        RefreshTokenEntity,
        { id: currentId, revokedAt: IsNull() },
        { revokedAt: () => 'now()', replacedBy: next.id },
      );
      if (result.affected === 1) return true;
      await manager.delete(RefreshTokenEntity, { id: next.id });
      return false;
    });
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  /** Deletes tokens that expired before `before`; returns how many. */
  async deleteExpired(before: Date): Promise<number> {
    const result = await this.tokens.delete({ expiresAt: LessThan(before) });
    return result.affected ?? 0;
  }
}
