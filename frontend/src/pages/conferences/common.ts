import { useCodeLists } from "../../api/codes";
import { useStaff } from "../../auth/useStaff";
import { DEPARTMENTS } from "../../auth/staff";
import { useTranslation } from "react-i18next";

/** Conferences staff (workers and managers) schedule and record; the assigned department's staff
 * also record an action item done (the service checks which). */
export function useConferencesRights(): { write: boolean; completes: (assigneeKind: string, assignee: string) => boolean } {
  const staff = useStaff();
  const staffRole = staff.role === "worker" || staff.role === "manager";
  const write = staff.department === "conferences" && staffRole;
  return {
    write,
    completes: (kind, assignee) => write || (staffRole && kind === "department" && assignee === staff.department),
  };
}

export const PARTICIPANT_KINDS = ["staff", "agency", "resident", "person", "family", "expert"] as const;
/** Participants from outside the council: each gives a secrecy undertaking (守秘義務) before the details reach them. */
export const OUTSIDE_KINDS: readonly string[] = ["agency", "resident", "family", "expert"];
/** 助言の分野 of an advisory expert at a case-study meeting (事例検討会). */
export const EXPERTISE = ["law", "disability_advocacy", "guardianship", "other"] as const;
export const BASIS_KINDS = ["statutory", "consent", "none"] as const;
export const ASSIGNEE_KINDS = ["department", "agency", "community", "person"] as const;
export const COUNCIL_DEPARTMENTS = DEPARTMENTS.filter((d) => d !== "reporting");

/** An assignee in words: a department's name, an agency's label from the code list, else as written. */
export function useAssigneeLabel() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  return (kind: string, assignee: string) =>
    kind === "department"
      ? t(`departments.${assignee}`, { defaultValue: assignee })
      : kind === "agency"
        ? codes.label("external_agencies", assignee)
        : assignee;
}
