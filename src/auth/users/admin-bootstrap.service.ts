import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../../config';
import { passwordProblem } from './account-rules';
import { isValidEmail, normalizeEmail } from './email';
import { UsersService } from './users.service';

/**
 * Makes the first admin from `ADMIN_EMAIL` / `ADMIN_PASSWORD` at start-up: creates the account,
 * or promotes an existing one. Idempotent, so every replica may run it.
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
    if (outcome !== 'unchanged') this.logger.log(`Admin account ${outcome} from ADMIN_EMAIL`);
  }
}
