import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';

/** A refusal (4xx) is an answer; only a lost connection or a server failure is worth one more try. */
function retryable(failureCount: number, error: unknown): boolean {
  if (failureCount >= 1) return false;
  return !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
}

/**
 * The dashboard's server-state cache. Freshness comes from the `/dashboard` socket's hints (see
 * `live-invalidation.ts`), not from focus: a page refetches what it shows when a hint says it changed, and on every
 * visit (a short stale time only merges the mounts of one render).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: retryable, staleTime: 2_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
