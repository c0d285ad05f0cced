/** Times are shown in Japan Standard Time whatever the browser's zone: staff read JST. */
const ZONE = "Asia/Tokyo";

const dateTime = new Intl.DateTimeFormat("ja-JP", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat("ja-JP", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${dateTime.format(new Date(iso))} JST` : "";
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  // A bare date (YYYY-MM-DD) is a calendar day, not an instant: show it as written.
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.replaceAll("-", "/") : dateOnly.format(new Date(iso));
}

/** A `datetime-local` input's value (read as JST) as an ISO instant with the +09:00 offset. */
export function jstInputToIso(value: string): string {
  return `${value.length === 16 ? `${value}:00` : value}+09:00`;
}

/** An instant as a `datetime-local` value in JST. */
export function isoToJstInput(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + 9 * 3600_000);
  return shifted.toISOString().slice(0, 16);
}

export function isPast(iso: string | null | undefined, now: Date = new Date()): boolean {
  return !!iso && new Date(iso).getTime() < now.getTime();
}

/** A typed JST date and time (`2026-04-01 09:30`, `2026/4/1 9:30`, `2026-04-01T09:30`; a bare date
 * is its midnight) as an ISO instant with the +09:00 offset, or null when it is not one. Unlike a
 * `datetime-local` input, whose placeholder follows the browser's locale (mm/dd/yyyy), the text reads
 * the same for every member of staff. */
export function jstTextToIso(value: string): string | null {
  const m = /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/.exec(value);
  if (!m) return null;
  const two = (n: string | undefined) => (n ?? "0").padStart(2, "0");
  const iso = `${m[1]}-${two(m[2])}-${two(m[3])}T${two(m[4])}:${two(m[5])}:${two(m[6])}+09:00`;
  return Number.isNaN(new Date(iso).getTime()) ? null : iso;
}

/** An instant as JST text for {@link jstTextToIso} (`2026-04-01 09:30`). */
export function isoToJstText(iso: string): string {
  return isoToJstInput(iso).replace("T", " ");
}

/** Today in Japan, YYYY-MM-DD: the council's calendar day, which the services count dates by
 * (a date after it is refused as in the future). */
export function jstToday(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}
