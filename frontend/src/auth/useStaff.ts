import { createContext, useContext } from "react";

import type { Staff } from "./staff";

export const StaffContext = createContext<Staff | null>(null);

/** The signed-in staff member (inside AuthGate only). */
export function useStaff(): Staff {
  const staff = useContext(StaffContext);
  if (!staff) throw new Error("useStaff outside AuthGate");
  return staff;
}
