import { useEffect, useState } from 'react';

/** useObjectURL gives a blob: URL for a Blob while the component shows it,
 * and revokes it after, so previews do not leak memory. */
export function useObjectURL(blob: Blob | undefined | null): string | undefined {
  const [url, setURL] = useState<string>();
  useEffect(() => {
    if (!blob) {
      setURL(undefined);
      return;
    }
    const u = URL.createObjectURL(blob);
    setURL(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}
