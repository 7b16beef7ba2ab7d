import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  Type,
  UseInterceptors,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { Actor } from '../../common/actor';
import { AccessPolicy } from './access-policy';

const GATE_KEY = 'hto:access-gate';

interface Gate {
  policy: Type<AccessPolicy<string>>;
  level: string;
}

/**
 * Asks `policy` whether the actor may reach the object `:id` at `level` before the body, the query and the other
 * path parameters are validated (interceptors run before pipes): a stranger gets the same 404 whatever it sends, and
 * learns nothing from a 400. The service asks the policy again inside its transaction; this only puts the answer first.
 */
export function AccessFirst<L extends string>(policy: Type<AccessPolicy<L>>, level: NoInfer<L>) {
  return applyDecorators(SetMetadata(GATE_KEY, { policy, level }), UseInterceptors(AccessGate));
}

@Injectable()
export class AccessGate implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const gate = this.reflector.get<Gate | undefined>(GATE_KEY, ctx.getHandler());
    if (gate) {
      const req = ctx.switchToHttp().getRequest<Request & { actor: Actor }>();
      const policy = this.moduleRef.get(gate.policy, { strict: false });
      await policy.assert(this.dataSource.manager, req.actor, String(req.params.id), gate.level);
    }
    return next.handle();
  }
}
