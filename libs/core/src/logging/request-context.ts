import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContextData {
  correlationId: string;
  orgId?: string;
  /** For rate limiting and the audit log only; never for identity or authorization. */
  clientIp?: string;
  /** The account security log's "device" column (issue 18); never for identity. */
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

/** Carries the correlation id (and org id, once known) through HTTP handlers, jobs and agent commands. */
export const RequestContext = {
  run<T>(data: Partial<RequestContextData>, fn: () => T): T {
    return storage.run(
      {
        correlationId: data.correlationId ?? randomUUID(),
        orgId: data.orgId,
        clientIp: data.clientIp,
        userAgent: data.userAgent,
      },
      fn,
    );
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  },
  setOrgId(orgId: string): void {
    const store = storage.getStore();
    if (store) store.orgId = orgId;
  },
};
