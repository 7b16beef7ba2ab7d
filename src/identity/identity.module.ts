import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AccessDenialInterceptor, AccessDenials } from './access-denials';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';
import { AuthController, MeController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { DemoSeeder } from './demo-seed';
import { IdentityHousekeeping } from './identity-housekeeping';
import { LoginThrottle } from './login-throttle';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      // a KeyObject, not the string: jsonwebtoken otherwise tries (and fails, throwing) to parse the string as a
      // public key on every verify, which was 6 % of the API's CPU under load (npm run bench, --cpu-prof)
      useFactory: (c: AppConfig) => ({
        secret: createSecretKey(Buffer.from(c.jwtSecret, 'utf8')) as unknown as string,
        signOptions: { expiresIn: c.accessTokenTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, MeController, UsersController, ApiTokensController],
  providers: [
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
    AccessDenials,
    { provide: APP_INTERCEPTOR, useClass: AccessDenialInterceptor },
    AuthService,
    LoginThrottle,
    UsersService,
    ApiTokensService,
    DemoSeeder,
    IdentityHousekeeping,
  ],
  exports: [JwtModule, AuthGuard, AuthService, UsersService, DemoSeeder],
})
export class IdentityModule {}
