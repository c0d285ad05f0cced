import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import type { components } from "../../api/generated/conferences";
import { useCodeLists } from "../../api/codes";
import { SelectField, TextField } from "../../components/Field";
import { DataTable } from "../../components/DataTable";
import { QueryState, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { COUNCIL_DEPARTMENTS, useAssigneeLabel } from "./common";

type Row = components["schemas"]["ActionItemRow"];

/** Action items as a table: who, by when, done or not, and the conference and case they belong to. */
export function ActionItemTable({ items }: { items: Row[] }) {
  const { t } = useTranslation();
  const assigneeLabel = useAssigneeLabel();
  return (
    <DataTable
      caption={t("conferencesDesk.actionItems.title")}
      hiddenCaption
      columns={[
        t("conferencesDesk.fields.description"),
        t("conferencesDesk.fields.due_on"),
        t("conferencesDesk.fields.assignee"),
        t("conferencesDesk.actionItems.state"),
        t("conferencesDesk.fields.conference_id"),
        t("conferencesDesk.fields.case_id"),
      ]}
      items={items}
      row={(a) => (
        <tr key={a.action_id} data-action={a.action_id}>
          <td>{a.redacted.includes("description") ? <Withheld /> : a.description}</td>
          <td>{a.due_on ? formatDate(a.due_on) : t("conferencesDesk.none")}</td>
          <td>
            {assigneeLabel(a.assignee_kind, a.assignee)}
            <div className="detail">{t(`conferencesDesk.assigneeKind.${a.assignee_kind}`, { defaultValue: a.assignee_kind })}</div>
            {a.referral_status && (
              <div className="detail" data-referral-status={a.referral_status}>
                {t("conferencesDesk.views.referralStatus")}: <span className={`status status-${a.referral_status}`}>{t(`referrals.status.${a.referral_status}`, { defaultValue: a.referral_status })}</span>
              </div>
            )}
          </td>
          <td>
            <span className={`status status-${a.done ? "completed" : "made"}`}>
              {a.done ? t("conferencesDesk.detail.doneYes") : t("conferencesDesk.detail.doneNo")}
            </span>
            {a.completed_at && <div className="detail">{formatDateTime(a.completed_at)}</div>}
            {a.done && (a.note || a.redacted.includes("note")) && (
              <div className="detail words" data-field="note">
                {t("conferencesDesk.views.doneNote")}: {a.redacted.includes("note") ? <Withheld /> : a.note}
              </div>
            )}
          </td>
          <td>
            <Link className="nowrap" to={`/conferences/${encodeURIComponent(a.conference_id)}`}>{t("conferencesDesk.detail.title")}</Link>
          </td>
          <td>
            <Link to={`/cases/${encodeURIComponent(a.case_id)}`}>{a.case_id}</Link>
          </td>
        </tr>
      )}
    />
  );
}

/** 役割分担の一覧: action items by assignee and state (districts staff open theirs from here). */
export function ActionItemsPage({ assignee: initial = "", title, hint }: { assignee?: string; title?: string; hint?: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [assignee, setAssignee] = useState(initial);
  const [state, setState] = useState("open");
  const query = useQuery({
    queryKey: ["action-items", assignee, state],
    queryFn: () =>
      ok(
        api.conferences.GET("/action-items", {
          params: { query: { assignee: assignee || undefined, done: state === "" ? undefined : state === "done", limit: 200 } },
        }),
      ),
  });
  const options = [
    ...COUNCIL_DEPARTMENTS.map((d) => ({ value: d, label: t(`departments.${d}`) })),
    ...codes.options("external_agencies"),
  ];
  return (
    <section aria-labelledby="action-items-title">
      <h1 id="action-items-title">{title ?? t("conferencesDesk.actionItems.title")}</h1>
      {hint && <p className="hint">{hint}</p>}
      <div className="filters">
        <SelectField name="assignee" label={t("conferencesDesk.fields.assignee")} value={assignee} onChange={setAssignee} options={options} placeholder={t("conferencesDesk.all")} />
        <SelectField
          name="state"
          label={t("conferencesDesk.actionItems.state")}
          value={state}
          onChange={setState}
          options={[
            { value: "open", label: t("conferencesDesk.actionItems.open") },
            { value: "done", label: t("conferencesDesk.actionItems.done") },
          ]}
          placeholder={t("conferencesDesk.all")}
        />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        {query.data && <ActionItemTable items={query.data.items} />}
      </QueryState>
    </section>
  );
}

function weekAhead(): string {
  return new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
}

/** 経過確認の予定: reviews due on or before a day (a week ahead by default). */
export function ReviewsPage() {
  const { t } = useTranslation();
  const [until, setUntil] = useState(weekAhead());
  const query = useQuery({
    queryKey: ["reviews", until],
    queryFn: () => ok(api.conferences.GET("/reviews", { params: { query: { until: until || undefined, limit: 200 } } })),
  });
  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">{t("conferencesDesk.reviews.title")}</h1>
      <div className="filters">
        <TextField name="until" type="date" label={t("conferencesDesk.fields.until")} hint={t("conferencesDesk.reviews.hint")} value={until} onChange={setUntil} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        <table className="data">
          <caption className="visually-hidden">{t("conferencesDesk.reviews.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("conferencesDesk.fields.review_due_on")}</th>
              <th scope="col">{t("conferencesDesk.fields.review_purpose")}</th>
              <th scope="col">{t("conferencesDesk.fields.conference_id")}</th>
              <th scope="col">{t("conferencesDesk.fields.case_id")}</th>
            </tr>
          </thead>
          <tbody>
            {query.data?.items.map((r) => (
              <tr key={r.review_id} data-review={r.review_id}>
                <td>{formatDate(r.due_on)}</td>
                <td>{r.purpose}</td>
                <td>
                  <Link className="nowrap" to={`/conferences/${encodeURIComponent(r.conference_id)}`}>{t("conferencesDesk.detail.title")}</Link>
                </td>
                <td>
                  <Link to={`/cases/${encodeURIComponent(r.case_id)}`}>{r.case_id}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </section>
  );
}
