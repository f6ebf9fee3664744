import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { InjectConfig } from '../../config/config.module';
import type { RuncellConfig } from '../../config/runcell-config';
import { ReadOptions, readRows } from '../../database/read-rows';
import { UserAccount } from './user-account';
import { UserEntity, UserRole } from './user.entity';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: UserRole;
}

/** Read on every authenticated request: one fixed statement, the account columns only. */
const ACCOUNT_BY_ID = 'SELECT id, email, name, role, created_at FROM users WHERE id = $1';

interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  created_at: Date;
}

@Injectable()
export class UsersRepository {
  private readonly hotRead: ReadOptions;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectConfig() config: RuncellConfig,
  ) {
    this.hotRead = { prepared: config.database.preparedStatements };
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The account (never the password hash) without building a query each time. */
  async findAccountById(id: string): Promise<UserAccount | null> {
    const rows = await readRows<AccountRow>(this.users, ACCOUNT_BY_ID, [id], this.hotRead);
    const [row] = rows;
    return row
      ? { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at }
      : null;
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
   * Creates `email` as an admin with the given hash; never changes an existing account. Returns
   * the role the address ends up with: `created`, or the existing account's role. Safe when
   * several replicas run it at once.
   */
  async insertAdmin(user: Omit<NewUser, 'role'>): Promise<'created' | UserRole> {
    const inserted = await this.insert({ ...user, role: 'admin' });
    if (inserted) return 'created';
    const existing = await this.findByEmail(user.email);
    if (!existing) throw new Error('The admin account vanished while it was being created');
    return existing.role;
  }
}
