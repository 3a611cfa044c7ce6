import { useMutation, useQueryClient, type MutationKey, type QueryKey } from '@tanstack/react-query';
import type { Feedback } from '../components/feedback';

export interface ApiMutationOptions<TVariables, TData, TContext> {
  mutationFn: (variables: TVariables) => Promise<TData>;
  /** Where success and failure are told; without it the caller reads `error` itself. */
  feedback?: Feedback;
  /** The success notice (none when omitted or null). */
  success?: (data: TData, variables: TVariables) => string | null;
  /** Names what failed in the error notice ("first.gcode: …"). */
  about?: (variables: TVariables) => string;
  /** Queries the change makes stale; refetched before the mutation settles, so `isPending` covers the new data. */
  invalidates?: (variables: TVariables, data: TData | undefined) => readonly QueryKey[];
  /**
   * Mutations under one key settle together: only the last one in flight refetches (an earlier refetch would undo a
   * later optimistic change), and socket hints for these queries wait for it (see live-invalidation.ts).
   */
  mutationKey?: MutationKey;
  /** Mutations of one scope run one after another, in the order they were asked for. */
  scope?: string;
  /** Optimistic change; returns what `rollback` needs. */
  optimistic?: (variables: TVariables) => TContext | Promise<TContext>;
  rollback?: (context: TContext) => void;
  onSuccess?: (data: TData, variables: TVariables) => void;
}

/**
 * Every change the dashboard makes goes through here: one busy state (`isPending`), one notice pattern (`feedback`),
 * the queries it makes stale refetched, optimistic changes undone when the server refuses.
 */
export function useApiMutation<TVariables = void, TData = unknown, TContext = undefined>(
  options: ApiMutationOptions<TVariables, TData, TContext>,
) {
  const client = useQueryClient();
  return useMutation<TData, Error, TVariables, TContext | undefined>({
    mutationFn: options.mutationFn,
    mutationKey: options.mutationKey,
    scope: options.scope ? { id: options.scope } : undefined,
    onMutate: async (variables) => {
      options.feedback?.clear();
      return options.optimistic ? await options.optimistic(variables) : undefined;
    },
    onSuccess: (data, variables) => {
      options.onSuccess?.(data, variables);
    },
    onError: (error, variables, context) => {
      if (context !== undefined) options.rollback?.(context);
      options.feedback?.fail(error, options.about?.(variables));
    },
    // The success notice comes once the stale queries are back, so it never sits beside the old data ("deleted" next
    // to the row it deleted).
    onSettled: async (data, error, variables) => {
      const keys = options.invalidates?.(variables, data) ?? [];
      const last = !options.mutationKey || client.isMutating({ mutationKey: options.mutationKey }) <= 1;
      if (last) await Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey })));
      const text = error ? null : options.success?.(data as TData, variables);
      if (text) options.feedback?.succeed(text);
    },
  });
}
