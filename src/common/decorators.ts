import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor } from './actor';
import { Permission } from './permissions';

export const PERMISSION_KEY = 'hto:permission';
export const PUBLIC_KEY = 'hto:public';

/** Every route declares either the permission it needs or that it is public; the access matrix test enforces it. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().actor;
});
