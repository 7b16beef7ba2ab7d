import { AsyncLocalStorage } from 'node:async_hooks';
import { Actor } from './actor';

export interface RequestContext {
  requestId: string;
  clientAddress?: string;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Per-request facts (request id, caller address, actor) for logs and the audit trail, without threading them through every call. */
export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
};
