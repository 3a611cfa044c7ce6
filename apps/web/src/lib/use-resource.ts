import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from './api';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
  set: (data: T) => void;
}

/** Loads once per key; a later answer for an older key is dropped. */
export function useResource<T>(key: string | null, load: () => Promise<T>): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(key !== null);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(async () => {
    if (key === null) return;
    const current = ++generation.current;
    setLoading(true);
    try {
      const loaded = await loader.current();
      if (current !== generation.current) return;
      setData(loaded);
      setError(null);
    } catch (failure) {
      if (current === generation.current) setError(messageOf(failure));
    } finally {
      if (current === generation.current) setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, error, loading, reload, set: setData };
}
