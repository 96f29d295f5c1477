import { useEffect, useState } from 'react';

/** useDebounced follows value, settling only after it has not changed for
 * ms milliseconds (so typing does not fire a search per key). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}
