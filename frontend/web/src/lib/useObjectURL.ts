import { useEffect, useState } from 'react';

/** useObjectURL gives a blob: URL for a Blob while the component shows it,
 * and revokes it after, so previews do not leak memory. */
export function useObjectURL(blob: Blob | undefined | null): string | undefined {
  const [made, setMade] = useState<{ blob: Blob; url: string }>();
  useEffect(() => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    // The URL is a resource outside React, made here and revoked in the cleanup.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setMade({ blob, url });
    return () => URL.revokeObjectURL(url);
  }, [blob]);
  // A URL made for an earlier blob has been revoked: never hand it out.
  return blob && made?.blob === blob ? made.url : undefined;
}
