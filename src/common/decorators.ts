import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from './openapi';
import { Actor } from './actor';
import { Permission } from './permissions';

export const PERMISSION_KEY = 'hto:permission';
export const PUBLIC_KEY = 'hto:public';

/**
 * Every route declares either the permission it needs or that it is public; the access matrix test enforces it.
 * The same declaration writes the route's security into the OpenAPI document: bearer (with 401 and 403) or none.
 */
export const RequirePermission = (permission: Permission) =>
  applyDecorators(SetMetadata(PERMISSION_KEY, permission), ApiBearerAuth(), ApiProblems(401, 403));
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().actor;
});
