import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { CONFIG, RuncellConfig } from '../config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { JwtStrategy } from './guards/jwt.strategy';
import { RolesGuard } from './guards/roles.guard';
import { PasswordHasher } from './passwords/password-hasher.service';
import { rateLimitThrottlers } from './rate-limit/rate-limit-throttlers';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RouteThrottler } from './rate-limit/route-throttler';
import { AccessTokenDenylist } from './tokens/access-token-denylist.service';
import { AccessTokenService } from './tokens/access-token.service';
import { RefreshTokenEntity } from './tokens/refresh-token.entity';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { RefreshTokensRepository } from './tokens/refresh-tokens.repository';
import { AdminBootstrapService } from './users/admin-bootstrap.service';
import { UserEntity } from './users/user.entity';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/**
 * Users, tokens and the global guards, in this order: authentication (fails closed), roles,
 * rate limits (per user once the user is known).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, RefreshTokenEntity]),
    PassportModule,
    JwtModule.register({}),
    ThrottlerModule.forRootAsync({
      inject: [CONFIG, REDIS_CLIENT],
      useFactory: (config: RuncellConfig, redis: Redis) => ({
        ...rateLimitThrottlers(config),
        storage: new ThrottlerStorageRedisService(redis),
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    UsersRepository,
    RefreshTokensRepository,
    PasswordHasher,
    UsersService,
    AccessTokenService,
    AccessTokenDenylist,
    RefreshTokenService,
    JwtStrategy,
    AuthService,
    AdminBootstrapService,
    RouteThrottler,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [UsersService, RefreshTokenService],
})
export class AuthModule {}
