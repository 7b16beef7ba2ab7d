import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../../common/actor';
import { ApiProblems } from '../../common/openapi';
import { fingerprintOf, idempotencyKeyOf, IdempotentRequest, IdempotentResult } from '../../database/idempotency';

/**
 * The request's Idempotency-Key, as the store needs it: the caller's key (keys are per user), and the fingerprint of
 * the method, the path and the body as sent. Undefined without the header; a malformed header is a 400.
 */
export const Idempotency = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotentRequest | undefined => {
  const req = ctx.switchToHttp().getRequest<Request & { actor: Actor }>();
  const key = idempotencyKeyOf(req.headers['idempotency-key']);
  if (key === undefined) return undefined;
  const path = req.originalUrl.split('?')[0];
  return { scope: req.actor.userId, key, fingerprint: fingerprintOf(req.method, path, req.body) };
});

/** Documents the header on a mutating route: a repeat returns the first response; another body under the key is 422. */
export function IdempotentRoute() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Send the same key again (same body) and you get the first response, with `Idempotent-Replayed: true`, and nothing is done twice; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED.',
    }),
    ApiProblems(400, 422),
  );
}

/** The response of an idempotent request: its status, and the header that tells a replay. */
export function reply<T>(res: Response, result: IdempotentResult<T>): T {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status);
  return result.body;
}
