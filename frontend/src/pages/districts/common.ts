import { writesAt } from "../../auth/staff";
import { useStaff } from "../../auth/useStaff";
import { jstToday } from "../../time";

/** District staff (workers and managers) record concerns, visits, watch-overs, salons and roles. */
export function useDistrictsRights(): { write: boolean } {
  return { write: writesAt(useStaff(), "districts") };
}

export const VISIT_OUTCOMES = ["reached", "not_reached", "refused"] as const;
export const FREQUENCIES = ["daily", "weekly", "monthly", "when_passing"] as const;
export const APPROACHES = ["from_a_distance", "in_contact"] as const;
export const WATCHER_ROLES = ["neighbour", "welfare_commissioner", "residents_association", "district_council", "volunteer"] as const;

/** The lines of a text area (one visitor a line), blanks dropped. */
export function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

export const AREA_KINDS = ["city", "daily_life", "district_council", "community_care"] as const;
/** The departments that answer for a district event (対応する・対応しない). */
export const COVERING_DEPARTMENTS = ["intake", "loans", "districts", "conferences"] as const;

export { jstToday };

/** This month in Japan, YYYY-MM. */
export function thisMonth(): string {
  return jstToday().slice(0, 7);
}

/** This fiscal year (年度: April to March) in Japan. */
export function thisFiscalYear(): number {
  const [year, month] = jstToday().split("-").map(Number) as [number, number];
  return month >= 4 ? year : year - 1;
}
