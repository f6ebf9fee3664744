import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity, UserRole } from './user.entity';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: UserRole;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** `email` must already be normalised (trimmed, lower-cased). */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .where('lower(user.email) = :email', { email })
      .getOne();
  }

  /**
   * Inserts the user, or returns null when the email is already taken. The conflict is handled in
   * SQL rather than caught, so no failed statement (with the hash among its parameters) is logged.
   */
  async insert(user: NewUser): Promise<UserEntity | null> {
    const rows = await this.users.query<{ id: string }[]>(
      `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id`,
      [user.email, user.name, user.passwordHash, user.role],
    );
    return rows.length === 0 ? null : this.findById(rows[0].id);
  }

  /**
   * Makes `email` an admin: creates the account with the given hash, or promotes an existing one
   * without touching its password. Safe when several replicas run it at once.
   */
  async upsertAdmin(user: Omit<NewUser, 'role'>): Promise<'created' | 'promoted' | 'unchanged'> {
    const rows = await this.users.query<{ inserted: boolean }[]>(
      `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT ((lower(email))) DO UPDATE SET role = 'admin', updated_at = now()
         WHERE users.role <> 'admin'
       RETURNING (xmax = 0) AS inserted`,
      [user.email, user.name, user.passwordHash],
    );
    if (rows.length === 0) return 'unchanged';
    return rows[0].inserted ? 'created' : 'promoted';
  }
}
