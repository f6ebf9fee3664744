import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../common';
import { AuthService } from './auth.service';
import type { AuthenticatedUser, PresentedAccessToken } from './authenticated-user';
import { CurrentAccessToken, CurrentUser } from './decorators/current-user.decorator';
import { AuthTokensDto, MeDto } from './dto/auth-response.dto';
import { LoginDto } from './dto/login.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { RegisterDto } from './dto/register.dto';
import { RateLimit } from './rate-limit/rate-limit.decorator';

@ApiTags('auth')
@ApiTooManyRequestsResponse({ description: 'Rate limited (`RATE_LIMITED`, with `Retry-After`)' })
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @RateLimit('register')
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiCreatedResponse({ type: AuthTokensDto })
  @ApiBadRequestResponse({ description: 'Invalid fields (`VALIDATION_FAILED`)' })
  @ApiConflictResponse({ description: 'The email is registered (`EMAIL_TAKEN`)' })
  register(@Body() body: RegisterDto): Promise<AuthTokensDto> {
    return this.auth.register(body);
  }

  @Public()
  @RateLimit('login', 'loginAddress')
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (`INVALID_CREDENTIALS`)' })
  login(@Body() body: LoginDto): Promise<AuthTokensDto> {
    return this.auth.login(body);
  }

  @Public()
  @RateLimit('refresh')
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old one is revoked)' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, revoked or reused (`INVALID_TOKEN`)' })
  refresh(@Body() body: RefreshTokenDto): Promise<AuthTokensDto> {
    return this.auth.refresh(body.refresh_token);
  }

  @ApiBearerAuth('user')
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Sign out: revoke the refresh token's family and this access token" })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid access token' })
  logout(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentAccessToken() accessToken: PresentedAccessToken,
    @Body() body: RefreshTokenDto,
  ): Promise<void> {
    return this.auth.logout(user, accessToken, body.refresh_token);
  }

  @ApiBearerAuth('user')
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: MeDto })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid access token' })
  me(@CurrentUser() user: AuthenticatedUser): Promise<MeDto> {
    return this.auth.me(user);
  }
}
