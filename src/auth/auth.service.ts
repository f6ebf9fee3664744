import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common';
import { toAuthTokensDto, toUserDto } from './auth-response.mapper';
import { AuthenticatedUser, PresentedAccessToken } from './authenticated-user';
import { AuthTokensDto, MeDto } from './dto/auth-response.dto';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { AccessTokenDenylist } from './tokens/access-token-denylist.service';
import { AccessTokenService } from './tokens/access-token.service';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { passwordProblem } from './users/account-rules';
import { UserAccount } from './users/user-account';
import { UsersService } from './users/users.service';

/** Sign-up, sign-in, token refresh and sign-out. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly denylist: AccessTokenDenylist,
  ) {}

  async register(dto: RegisterDto): Promise<AuthTokensDto> {
    const problem = passwordProblem(dto.password, dto.email);
    if (problem !== undefined) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is invalid.', [
        { field: 'password', message: problem },
      ]);
    }
    const user = await this.users.create(dto);
    return this.startSession(user);
  }

  async login(dto: LoginDto): Promise<AuthTokensDto> {
    const user = await this.users.verifyCredentials(dto.email, dto.password);
    if (!user) {
      throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is incorrect.');
    }
    return this.startSession(user);
  }

  async refresh(refreshToken: string): Promise<AuthTokensDto> {
    const next = await this.refreshTokens.rotate(refreshToken);
    const user = await this.users.findById(next.userId);
    if (!user) {
      throw new AppError(
        ErrorCode.INVALID_TOKEN,
        'The refresh token is invalid, expired or revoked.',
      );
    }
    return toAuthTokensDto(await this.accessTokens.sign(user.id), next.token, user);
  }

  /**
   * Denies the access token used for the call and revokes the refresh token's family when it is
   * one of the caller's own; a foreign or unknown refresh token is ignored, not disclosed.
   */
  async logout(
    caller: AuthenticatedUser,
    accessToken: PresentedAccessToken,
    refreshToken: string,
  ): Promise<void> {
    await this.refreshTokens.revokeFamily(refreshToken, caller.id);
    await this.denylist.deny(accessToken.jti, accessToken.exp);
  }

  async me(caller: AuthenticatedUser): Promise<MeDto> {
    const user = await this.users.findById(caller.id);
    if (!user) throw new AppError(ErrorCode.INVALID_TOKEN, 'The user no longer exists.');
    return { user: toUserDto(user) };
  }

  private async startSession(user: UserAccount): Promise<AuthTokensDto> {
    const access = await this.accessTokens.sign(user.id);
    const refresh = await this.refreshTokens.issue(user.id);
    return toAuthTokensDto(access, refresh.token, user);
  }
}
