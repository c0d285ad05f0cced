/**
 * 年度 (the council's fiscal year): April to March. 2026年度 = 2026-04-01 .. 2027-03-31.
 * The statistics screens keep the chosen year in the URL (?fy=2026), so a reload or a shared link
 * shows the same period.
 */
import { useSearchParams } from "react-router-dom";

/** The first fiscal year the code lists know (codes-2014.1). */
export const FIRST_FISCAL_YEAR = 2014;

/** The fiscal year a moment falls in, by its JST calendar date. */
export function fiscalYearOf(now: Date = new Date()): number {
  const jst = new Date(now.getTime() + 9 * 3600_000);
  const year = jst.getUTCFullYear();
  return jst.getUTCMonth() >= 3 ? year : year - 1;
}

/** The API's period (from/to, inclusive JST days) of a fiscal year. */
export function fiscalPeriod(year: number): { from: string; to: string } {
  return { from: `${year}-04-01`, to: `${year + 1}-03-31` };
}

/** The years a picker offers, newest first. */
export function fiscalYears(now: Date = new Date()): number[] {
  const years: number[] = [];
  for (let y = fiscalYearOf(now); y >= FIRST_FISCAL_YEAR; y -= 1) years.push(y);
  return years;
}

/** The fiscal year chosen on the screen (?fy=), the current one by default. */
export function useFiscalYear(): [number, (year: number) => void] {
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get("fy"));
  const year = Number.isInteger(raw) && raw >= FIRST_FISCAL_YEAR && raw <= fiscalYearOf() ? raw : fiscalYearOf();
  const set = (y: number) => {
    const next = new URLSearchParams(params);
    next.set("fy", String(y));
    setParams(next, { replace: true });
  };
  return [year, set];
}
