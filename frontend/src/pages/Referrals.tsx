import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ApiError, ok } from "../api/client";
import { useCodeLists } from "../api/codes";
import type { components } from "../api/generated/intake";
import { rulesOf } from "../api/rules";
import { isManager } from "../auth/staff";
import { useStaff } from "../auth/useStaff";
import { SelectField, TextArea } from "../components/Field";
import { Pager } from "../components/Pager";
import { ErrorNotice, QueryState, Withheld } from "../components/States";
import { formatDateTime, isPast } from "../time";

type Referral = components["schemas"]["ReferralView"];
type Box = "inbox" | "outbox" | "escalations";
const STATUSES = ["made", "accepted", "declined", "completed", "cancelled", "expired"] as const;
/** How often the inbox asks for new referrals (an automatic referral appears without a reload). */
export const REFERRAL_POLL_MS = 4000;

/** The referral desk of the signed-in staff member's department (every desk has the same routes). */
export function useDesk() {
  const staff = useStaff();
  const department = staff.department === "reporting" ? "intake" : staff.department;
  return { department, client: api[department] as unknown as typeof api.intake };
}

export function useReferralBox(box: Box, status: string, offset: number, enabled = true) {
  const { department, client } = useDesk();
  return useQuery({
    queryKey: ["referrals", department, box, status, offset],
    queryFn: () =>
      ok(
        box === "escalations"
          ? client.GET("/referrals/escalations", { params: { query: { limit: 50 } } })
          : client.GET(`/referrals/${box}`, {
              params: { query: { status: status || undefined, limit: 20, offset } },
            }),
      ),
    refetchInterval: REFERRAL_POLL_MS,
    enabled,
  });
}

export function ReferralsPage() {
  const { t } = useTranslation();
  const staff = useStaff();
  const [box, setBox] = useState<Box>("inbox");
  const [status, setStatus] = useState("");
  const [offset, setOffset] = useState(0);
  const query = useReferralBox(box, status, offset);
  const boxes: Box[] = isManager(staff) ? ["inbox", "outbox", "escalations"] : ["inbox", "outbox"];
  const page = query.data;
  return (
    <section aria-labelledby="referrals-title">
      <h1 id="referrals-title">{t("referrals.title")}</h1>
      <div className="tabs" role="group" aria-label={t("referrals.boxes")}>
        {boxes.map((b) => (
          <button
            key={b}
            type="button"
            aria-pressed={box === b}
            onClick={() => {
              setBox(b);
              setOffset(0);
              setStatus("");
            }}
          >
            {t(`referrals.box.${b}`)}
          </button>
        ))}
      </div>
      {page && box !== "escalations" && (
        <ul className="counts" aria-label={t("referrals.countsLabel")}>
          <li>
            <button type="button" aria-pressed={status === ""} onClick={() => setStatus("")}>
              {t("referrals.all")} {Object.values(page.counts).reduce((a, b) => a + b, 0)}
            </button>
          </li>
          {STATUSES.map((s) => (
            <li key={s}>
              <button
                type="button"
                aria-pressed={status === s}
                data-status={s}
                onClick={() => {
                  setStatus(s);
                  setOffset(0);
                }}
              >
                {t(`referrals.status.${s}`)} <span className="count">{page.counts[s] ?? 0}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <QueryState
        isLoading={query.isLoading}
        error={query.error}
        isEmpty={!page?.items.length}
        emptyText={t("referrals.empty")}
      >
        {page && <ReferralTable box={box} items={page.items} />}
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
    </section>
  );
}

function ReferralTable({ box, items }: { box: Box; items: Referral[] }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const now = new Date();
  return (
    <table className="data">
      <caption className="visually-hidden">{t(`referrals.box.${box}`)}</caption>
      <thead>
        <tr>
          <th scope="col">{t("referrals.col.madeAt")}</th>
          <th scope="col">{t("referrals.col.deadline")}</th>
          <th scope="col">{t("referrals.col.status")}</th>
          <th scope="col">{t("referrals.col.priority")}</th>
          <th scope="col">{box === "inbox" ? t("referrals.col.from") : t("referrals.col.to")}</th>
          <th scope="col">{t("referrals.col.reason")}</th>
          <th scope="col">{t("referrals.col.case")}</th>
          <th scope="col">{t("referrals.col.actions")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => {
          const overdue = (r.status === "made" && isPast(r.deadline, now)) || r.status === "expired";
          const party =
            box === "inbox"
              ? t(`departments.${r.source_department}`)
              : r.target_kind === "department"
                ? t(`departments.${r.target}`)
                : codes.label("external_agencies", r.target);
          return (
            <tr key={r.referral_id} className={overdue ? "overdue" : undefined} data-referral={r.referral_id}>
              <td>{formatDateTime(r.made_at)}</td>
              <td>
                {formatDateTime(r.deadline)}
                {overdue && <strong className="flag"> {t("referrals.overdue")}</strong>}
              </td>
              <td>
                <span className={`status status-${r.status}`}>{t(`referrals.status.${r.status}`)}</span>
                {r.automatic && <span className="tag">{t("referrals.automatic")}</span>}
              </td>
              <td>{t(`priority.${r.priority}`)}</td>
              <td>{party}</td>
              <td>
                {r.reason_category ? codes.reason(r.reason_category) : <Withheld />}
                {r.reason_detail && <div className="detail">{r.reason_detail}</div>}
                {r.redacted.includes("reason_detail") && (
                  <div className="detail">
                    <Withheld />
                  </div>
                )}
                {r.decline_reason && (
                  <div className="detail">
                    {t("referrals.declineReason")}: {r.decline_reason}
                  </div>
                )}
                {r.outcome && (
                  <div className="detail">
                    {t("referrals.outcome")}: {codes.label("referral_outcomes", r.outcome)}
                  </div>
                )}
              </td>
              <td>
                <Link to={`/cases/${encodeURIComponent(r.case_id)}`}>{r.case_id}</Link>
              </td>
              <td>
                <ReferralActions box={box} referral={r} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

type Action = "accept" | "decline" | "complete" | "cancel" | "outcome";

function actionsFor(box: Box, r: Referral): Action[] {
  if (box === "inbox") {
    if (r.status === "made" || r.status === "expired") return ["accept", "decline"];
    if (r.status === "accepted") return ["complete"];
    return [];
  }
  const open = r.status === "made" || r.status === "expired" || r.status === "accepted";
  if (r.target_kind === "external" && !r.outcome && r.status !== "cancelled") return open ? ["outcome", "cancel"] : [];
  return r.status === "made" || r.status === "expired" ? ["cancel"] : [];
}

/** What a desk does with a referral it accepted: the screen that takes it up (its case comes from the referral). */
const TAKE_UP: Partial<Record<string, { path: string; key: string }>> = {
  districts: { path: "/districts/concerns/new", key: "districtsDesk.concernForm.title" },
  conferences: { path: "/conferences/new", key: "conferencesDesk.schedule.title" },
};

function ReferralActions({ box, referral }: { box: Box; referral: Referral }) {
  const { t } = useTranslation();
  const { department } = useDesk();
  const [open, setOpen] = useState<Action | null>(null);
  const actions = actionsFor(box, referral);
  if (!actions.length) return null;
  if (open) return <AnswerForm action={open} referral={referral} onDone={() => setOpen(null)} />;
  const takeUp = box === "inbox" && referral.status === "accepted" ? TAKE_UP[department] : undefined;
  return (
    <div className="actions">
      {takeUp && (
        <Link className="button" to={`${takeUp.path}?referral_id=${encodeURIComponent(referral.referral_id)}`}>
          {t(takeUp.key)}
        </Link>
      )}
      {actions.map((a) => (
        <button key={a} type="button" onClick={() => setOpen(a)}>
          {t(`referrals.action.${a}`)}
        </button>
      ))}
    </div>
  );
}

function AnswerForm({ action, referral, onDone }: { action: Action; referral: Referral; onDone: () => void }) {
  const { t } = useTranslation();
  const { client } = useDesk();
  const codes = useCodeLists();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState("");
  const needsReason = action === "decline" || action === "cancel";
  const needsOutcome = action === "complete" || action === "outcome";
  const mutation = useMutation({
    mutationFn: () => {
      const path = { params: { path: { referral_id: referral.referral_id }, header: { "If-Match": `"${referral.version}"` } } };
      switch (action) {
        case "accept":
          return ok(client.POST("/referrals/{referral_id}/accept", { ...path, body: { note: text || null } }));
        case "decline":
          return ok(client.POST("/referrals/{referral_id}/decline", { ...path, body: { reason: text } }));
        case "cancel":
          return ok(client.POST("/referrals/{referral_id}/cancel", { ...path, body: { reason: text } }));
        case "complete":
          return ok(client.POST("/referrals/{referral_id}/complete", { ...path, body: { outcome, note: text || null } }));
        case "outcome":
          return ok(client.POST("/referrals/{referral_id}/outcome", { ...path, body: { outcome, note: text || null } }));
      }
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["referrals"] });
      onDone();
    },
  });
  const error = mutation.error instanceof ApiError ? mutation.error : null;
  return (
    <form
      className="answer"
      aria-label={t(`referrals.action.${action}`)}
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      {needsOutcome && (
        <SelectField
          name="outcome"
          label={t("referrals.outcome")}
          value={outcome}
          onChange={setOutcome}
          options={codes.options("referral_outcomes")}
          placeholder={t("form.choose")}
          required
          error={error?.fields.outcome}
        />
      )}
      <TextArea
        name={needsReason ? "reason" : "note"}
        label={needsReason ? t("referrals.reason") : t("referrals.note")}
        value={text}
        onChange={setText}
        rows={2}
        rules={needsReason ? rulesOf("intake", "ReasonBody", "reason") : rulesOf("intake", "AcceptBody", "note")}
        error={error?.fields.reason ?? error?.fields.note}
      />
      {mutation.error && !(error && (error.fields.reason || error.fields.note || error.fields.outcome)) && (
        <ErrorNotice error={mutation.error} />
      )}
      {error?.isConflict && (
        <button type="button" onClick={() => void queryClient.invalidateQueries({ queryKey: ["referrals"] })}>
          {t("conflict.reload")}
        </button>
      )}
      <div className="actions">
        <button type="submit" disabled={mutation.isPending}>
          {t(`referrals.action.${action}`)}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("form.cancel")}
        </button>
      </div>
    </form>
  );
}
