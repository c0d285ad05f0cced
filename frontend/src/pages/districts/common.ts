import { useStaff } from "../../auth/useStaff";

/** District staff (workers and managers) record concerns, visits, watch-overs, salons and roles. */
export function useDistrictsRights(): { write: boolean } {
  const staff = useStaff();
  return { write: staff.department === "districts" && (staff.role === "worker" || staff.role === "manager") };
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
