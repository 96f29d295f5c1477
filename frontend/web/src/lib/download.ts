// Saving fetched files: downloads that need the bearer token cannot be
// plain links, so they are fetched and handed to the browser as a blob.

/** saveBlob offers blob to the user as a file named filename. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** today is the current UTC date as YYYY-MM-DD, for file names. */
export const today = () => new Date().toISOString().slice(0, 10);
