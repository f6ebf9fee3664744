import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { normalizeEmail } from './email';
import { toUserAccount, UserAccount } from './user-account';
import { UsersRepository } from './users.repository';

export interface NewAccount {
  email: string;
  name: string;
  password: string;
}

/** User accounts: creation, lookup and password checks. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  findById(id: string): Promise<UserAccount | null> {
    return this.users.findAccountById(id);
  }

  /** Creates a `user` account; 409 `EMAIL_TAKEN` when the address is in use. */
  async create(account: NewAccount): Promise<UserAccount> {
    return this.passwords.admit(async () => {
      const email = normalizeEmail(account.email);
      const created = await this.users.insert({
        email,
        name: account.name,
        passwordHash: await this.passwords.hash(account.password),
        role: 'user',
      });
      if (!created) throw new AppError(ErrorCode.EMAIL_TAKEN, 'This email is already registered.');
      return toUserAccount(created);
    });
  }

  /**
   * The account whose email and password match, or null. An unknown email costs one password
   * verification like a wrong password does, so timing does not reveal which emails exist.
   */
  async verifyCredentials(email: string, password: string): Promise<UserAccount | null> {
    return this.passwords.admit(async () => {
      const user = await this.users.findByEmail(normalizeEmail(email));
      if (!user) return this.passwords.verifyAgainstDummy(password).then(() => null);
      const matches = await this.passwords.verify(user.passwordHash, password);
      return matches ? toUserAccount(user) : null;
    });
  }

  /**
   * Creates `email` as an admin. An existing admin is left as it is; an existing non-admin
   * account is never promoted (whoever registered the address first would become admin).
   */
  async ensureAdmin(account: NewAccount): Promise<'created' | 'unchanged' | 'taken-by-user'> {
    const outcome = await this.users.insertAdmin({
      email: normalizeEmail(account.email),
      name: account.name,
      passwordHash: await this.passwords.hash(account.password),
    });
    if (outcome === 'created') return 'created';
    return outcome === 'admin' ? 'unchanged' : 'taken-by-user';
  }
}
