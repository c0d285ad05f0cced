/** The signed-in staff member, as the services see them: the access token's claims. */
export type Department = "intake" | "loans" | "districts" | "conferences" | "reporting";
export type Role = "worker" | "manager" | "auditor" | "director";

export const DEPARTMENTS: readonly Department[] = ["intake", "loans", "districts", "conferences", "reporting"];

export interface Staff {
  id: string;
  name: string;
  department: Department;
  role: Role;
}

/** Reads the claims the services authorise on (``sub``, ``dept``, ``role``); null when they are missing. */
export function staffFromToken(accessToken: string | undefined): Staff | null {
  if (!accessToken) return null;
  const part = accessToken.split(".")[1];
  if (!part) return null;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    );
    const claims = JSON.parse(json) as Record<string, unknown>;
    const dept = claims.dept;
    const role = claims.role;
    if (typeof claims.sub !== "string" || !DEPARTMENTS.includes(dept as Department)) return null;
    if (role !== "worker" && role !== "manager" && role !== "auditor" && role !== "director") return null;
    const name = [claims.name, claims.preferred_username, claims.sub].find((v) => typeof v === "string") as string;
    return { id: claims.sub, name, department: dept as Department, role };
  } catch {
    return null;
  }
}

/** Whether ``staff`` acts at ``department``'s desk: its workers and managers write there; its
 * auditors (and the 局長, who approves) read, and no other department writes its records. */
export function writesAt(staff: Staff, department: Department): boolean {
  return staff.department === department && (staff.role === "worker" || staff.role === "manager");
}

export function isManager(staff: Staff): boolean {
  return staff.role === "manager" || staff.role === "auditor" || staff.role === "director";
}
