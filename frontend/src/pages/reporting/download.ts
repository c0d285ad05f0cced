/**
 * Saves a file the service answered (CSV, Excel) under its name. The request carries the bearer
 * token, so a plain link cannot fetch it: the body is read as a blob and handed to the browser.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

