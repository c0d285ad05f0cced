import { writesAt } from "../../auth/staff";
import { useStaff } from "../../auth/useStaff";

/** Whether the signed-in staff member may act at the consultation desk (intake's workers and
 * managers): others, its auditors among them, read the records and see no forms they could not send. */
export function useIntakeWrites(): boolean {
  return writesAt(useStaff(), "intake");
}
