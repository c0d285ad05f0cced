import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { ApiError } from "../../api/client";
import { writesAt } from "../../auth/staff";
import { useStaff } from "../../auth/useStaff";
import { ErrorNotice, Unplaced, Withheld } from "../../components/States";
import { Conflict } from "../intake/Consultations";
import { formatAmount } from "../reporting/timeline";
import { jstToday } from "../../time";

export { formatAmount };

/** Loans staff (worker or manager) write; managers also decide (貸付決定・不承認・償還猶予). */
export function useLoansRights(): { write: boolean; decide: boolean } {
  const staff = useStaff();
  return { write: writesAt(staff, "loans"), decide: staff.department === "loans" && staff.role === "manager" };
}

/**
 * 相談者・世帯: a record's household, linked to its loan history and named by its person (or first
 * member) as the desk registered them; 非開示 where the name is withheld from the viewer, the id
 * where another desk registered the household.
 */
export function Household({ row }: { row: { household_id: string; subject_name?: string | null; redacted?: string[] } }) {
  const { t } = useTranslation();
  const withheld = row.redacted?.includes("subject_name");
  return (
    <span className="household" data-household={row.household_id}>
      <Link to={`/loans/households/${encodeURIComponent(row.household_id)}`}>{row.subject_name ?? (withheld ? t("loansDesk.household") : row.household_id)}</Link>
      {withheld && (
        <>
          {" "}
          <Withheld />
        </>
      )}
    </span>
  );
}

/** The server's per-field messages of a failed command (beside each field). */
export function fieldErrors(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fields : {};
}

/**
 * One command form of a record: a titled panel, its fields, the server's refusal beside the field it
 * names (or as a notice), a 409 with a reload, and the record's queries refreshed on success.
 */
export function CommandForm({
  id,
  title,
  submit,
  run,
  refresh,
  error,
  pending,
  children,
  danger,
}: {
  id: string;
  title: string;
  submit: string;
  run: () => void;
  refresh: readonly unknown[][];
  error: unknown;
  pending: boolean;
  children: ReactNode;
  danger?: boolean;
}) {
  const queryClient = useQueryClient();
  // A 409 naming a field of the form is a refusal of that field's value (e.g. districts' approach
  // after a refusal), shown beside it; any other 409 (a stale version, a state that changed
  // meanwhile) offers a reload; any other refusal no field shows is a notice.
  const reload = () => refresh.forEach((queryKey) => void queryClient.invalidateQueries({ queryKey }));
  return (
    <form
      className="panel"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        run();
      }}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      {children}
      <Unplaced error={error}>
        {(e) => (e instanceof ApiError && e.isConflict ? <Conflict error={e} onReload={reload} /> : <ErrorNotice error={e} />)}
      </Unplaced>
      <div className="actions">
        <button type="submit" disabled={pending} className={danger ? "danger" : undefined}>
          {submit}
        </button>
      </div>
    </form>
  );
}

/** A mutation whose success refreshes the given queries (the record, its lists, its history). */
export function useCommand<T>(call: () => Promise<T>, refresh: readonly unknown[][], onDone?: (data: T) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: async (data) => {
      await Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      onDone?.(data);
    },
  });
}

/** A yes/no fact. */
export function YesNo({ value }: { value: boolean | null | undefined }) {
  const { t } = useTranslation();
  return <>{value ? t("form.yes") : t("form.no")}</>;
}

/** Today as the services count days (in Japan, YYYY-MM-DD): the default of a disbursement's or
 * payment's date, which the desk refuses after its today. */
export const serviceToday = jstToday;

/** An integer from a number input, or NaN (the server then says what is wrong). */
export function toInt(value: string): number {
  return value.trim() === "" ? Number.NaN : Math.trunc(Number(value));
}
