import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { messageOf } from '../lib/api';
import { Notice, Spinner } from './ui';

/**
 * What a query shows: a spinner until its first answer, its data (with the error of a failed refetch above it), or
 * the error alone when nothing was ever loaded.
 */
export function QueryState<T>({
  query,
  children,
  loading = 'Loading',
}: {
  query: Pick<UseQueryResult<T>, 'data' | 'error'>;
  children: (data: T) => ReactNode;
  loading?: string;
}) {
  const error = query.error && <Notice tone="error">{messageOf(query.error)}</Notice>;
  if (query.data === undefined) return error || <Spinner label={loading} />;
  return (
    <>
      {error}
      {children(query.data)}
    </>
  );
}
