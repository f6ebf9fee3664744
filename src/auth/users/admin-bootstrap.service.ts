import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../../config';
import { passwordProblem } from './account-rules';
import { isValidEmail, normalizeEmail } from './email';
import { UsersService } from './users.service';

/**
 * Makes the first admin from `ADMIN_EMAIL` / `ADMIN_PASSWORD` at start-up by creating the account.
 * Idempotent, so every replica may run it. A non-admin account already holding the address stops
 * the start-up: promoting it would hand the admin role to whoever registered that email first.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bootstrapAdminEmail, bootstrapAdminPassword } = this.config.auth;
    if (bootstrapAdminEmail === undefined) return;
    const email = normalizeEmail(bootstrapAdminEmail);
    if (!isValidEmail(email)) throw new Error('ADMIN_EMAIL is not a valid email address');
    const problem = passwordProblem(bootstrapAdminPassword ?? '', email);
    if (problem !== undefined) throw new Error(`ADMIN_PASSWORD is not acceptable: ${problem}`);
    const outcome = await this.users.ensureAdmin({
      email,
      name: 'Administrator',
      password: bootstrapAdminPassword as string,
    });
    if (outcome === 'taken-by-user') {
      throw new Error(
        'ADMIN_EMAIL belongs to an existing non-admin account, which is never promoted (anyone ' +
          'could have registered it). Choose another ADMIN_EMAIL, or delete that account or ' +
          "grant it the role yourself in SQL (UPDATE users SET role = 'admin' ...) once you " +
          'have checked who owns it.',
      );
    }
    if (outcome === 'created') this.logger.log('Admin account created from ADMIN_EMAIL');
  }
}
