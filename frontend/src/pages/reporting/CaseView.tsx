import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { api, DEFAULT_PURPOSE, ok } from "../../api/client";
import type { components } from "../../api/generated/reporting";
import { isManager } from "../../auth/staff";
import { useStaff } from "../../auth/useStaff";
import { SelectField, TextField } from "../../components/Field";
import { useCodeLists } from "../../api/codes";
import { QueryState, Withheld } from "../../components/States";
import { formatDate, formatDateTime, isoToJstText, jstTextToIso } from "../../time";
import { formatAmount, TIMELINE_FIELDS } from "./timeline";

type Entry = components["schemas"]["TimelineEntry"];
export const PURPOSES = ["support_coordination", "case_conference", "supervision", "audit"] as const;

/** Where each desk's staff find a person or household without its id (its records' own searches). */
const FINDERS: Record<string, [string, string][]> = {
  intake: [["/intake/people", "nav.people"], ["/intake/consultations", "nav.consultations"]],
  loans: [["/loans/households", "nav.loanHouseholds"], ["/loans/consultations", "nav.loanConsultations"]],
  districts: [["/districts/cases", "nav.districtCases"]],
  conferences: [["/conferences", "nav.conferences"]],
};

/** Opens a case by its id (a person's or household's id, as every desk shows it), or says where the
 *  desk's own records find it. */
export function CaseOpenPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const finders = FINDERS[useStaff().department] ?? [];
  const [caseId, setCaseId] = useState("");
  return (
    <section aria-labelledby="case-open-title">
      <h1 id="case-open-title">{t("caseView.openTitle")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (caseId.trim()) navigate(`/cases/${encodeURIComponent(caseId.trim())}`);
        }}
      >
        <TextField name="case_id" label={t("caseView.caseId")} value={caseId} onChange={setCaseId} rules={{ required: true, maxLength: 128 }} />
        <button type="submit">{t("caseView.open")}</button>
      </form>
      {finders.length > 0 && (
        <section aria-labelledby="case-find-title">
          <h2 id="case-find-title">{t("caseView.findTitle")}</h2>
          <p className="hint">{t("caseView.findHint")}</p>
          <ul>
            {finders.map(([to, key]) => (
              <li key={to}>
                <Link to={to}>{t(key)}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

/** ケースの全体像: one timeline across departments; what is withheld is named; as-of replays the past. */
export function CaseViewPage() {
  const { t } = useTranslation();
  const staff = useStaff();
  const { caseId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const purpose = params.get("purpose") ?? DEFAULT_PURPOSE;
  const asOf = params.get("as_of");
  const [asOfInput, setAsOfInput] = useState(asOf ? isoToJstText(asOf) : "");
  const [asOfError, setAsOfError] = useState<string | undefined>();
  const query = useQuery({
    queryKey: ["case", caseId, purpose, asOf],
    queryFn: () =>
      ok(
        api.reporting.GET("/cases/{case_id}", {
          params: { path: { case_id: caseId }, query: { purpose, as_of: asOf ?? undefined }, header: { "X-Purpose": purpose } },
        }),
      ),
  });
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const view = query.data;
  return (
    <section aria-labelledby="case-title">
      <h1 id="case-title">
        {t("caseView.title")} <span className="case-id">{caseId}</span>
      </h1>
      <form
        className="filters"
        aria-label={t("caseView.controls")}
        onSubmit={(e) => {
          e.preventDefault();
          const iso = asOfInput.trim() ? jstTextToIso(asOfInput) : null;
          if (asOfInput.trim() && !iso) {
            setAsOfError(t("caseView.asOfInvalid"));
            return;
          }
          setAsOfError(undefined);
          setParam("as_of", iso);
        }}
      >
        <SelectField
          name="purpose"
          label={t("caseView.purpose")}
          value={purpose}
          onChange={(v) => setParam("purpose", v)}
          options={PURPOSES.map((p) => ({ value: p, label: t(`purposes.${p}`) }))}
        />
        <TextField
          name="as_of"
          label={t("caseView.asOf")}
          hint={t("caseView.asOfHint")}
          placeholder={t("caseView.asOfExample")}
          value={asOfInput}
          onChange={setAsOfInput}
          error={asOfError}
        />
        <div className="actions">
          <button type="submit">{t("caseView.replay")}</button>
          {asOf && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setAsOfInput("");
                setAsOfError(undefined);
                setParam("as_of", null);
              }}
            >
              {t("caseView.now")}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => window.print()}>
            {t("caseView.print")}
          </button>
        </div>
      </form>
      {asOf && (
        <p className="as-of-banner" role="status">
          {t("caseView.asOfBanner", { time: formatDateTime(asOf) })}
        </p>
      )}
      {isManager(staff) && (
        <p className="no-print">
          <Link to={`/reporting/cases/${encodeURIComponent(caseId)}/audit`}>{t("statistics.audit.link")}</Link>
        </p>
      )}
      <QueryState isLoading={query.isLoading} error={query.error}>
        {view && (
          <>
            <h2>{t("areasDesk.caseAreas")}</h2>
            {view.areas && view.areas.length > 0 ? (
              <ul className="case-areas" data-testid="case-areas">
                {view.areas.map((a) => (
                  <li key={a.area_id} data-area={a.area_id}>
                    {t(`areasDesk.kinds.${a.kind}`, { defaultValue: a.kind })}: {a.name}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="hint" data-testid="case-areas">
                {t("areasDesk.caseAreasNone")}
              </p>
            )}
            <h2>{t("caseView.departments")}</h2>
            <table className="data">
              <caption className="visually-hidden">{t("caseView.departments")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("caseView.department")}</th>
                  <th scope="col">{t("caseView.openConsultations")}</th>
                  <th scope="col">{t("caseView.lastEvent")}</th>
                </tr>
              </thead>
              <tbody>
                {view.statuses.map((s) => (
                  <tr key={s.department}>
                    <th scope="row">{t(`departments.${s.department}`)}</th>
                    <td>{s.open_consultations}</td>
                    <td>
                      {t(`events.${s.last_event_type}`, { defaultValue: s.last_event_type })} {formatDateTime(s.last_event_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {view.open_referrals.length > 0 && (
              <>
                <h2>{t("caseView.openReferrals")}</h2>
                <ul>
                  {view.open_referrals.map((r) => (
                    <li key={r.referral_id} className={r.overdue ? "overdue" : undefined}>
                      {t(`departments.${r.source_department}`)} → {t(`departments.${r.target}`, { defaultValue: r.target })}{" "}
                      {t(`referrals.status.${r.status}`, { defaultValue: r.status })} {t("referrals.col.deadline")} {formatDateTime(r.deadline)}
                      {r.overdue && <strong className="flag"> {t("referrals.overdue")}</strong>}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {view.next_follow_up && (
              <p>
                {t("caseView.nextFollowUp")}: {formatDate(view.next_follow_up.due_on)} {view.next_follow_up.purpose ?? <Withheld />}
              </p>
            )}
            <h2>{t("caseView.timeline")}</h2>
            <ol className="timeline" aria-label={t("caseView.timeline")}>
              {view.timeline.map((e) => (
                <TimelineItem key={e.event_id} entry={e} />
              ))}
            </ol>
          </>
        )}
      </QueryState>
    </section>
  );
}

function TimelineItem({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const shown = Object.entries(TIMELINE_FIELDS).filter(([k]) => present(entry.data[k]));
  const rest = Object.entries(entry.data).filter(([k, v]) => !(k in TIMELINE_FIELDS) && present(v));
  const render = (key: string, value: unknown): string => {
    const field = TIMELINE_FIELDS[key];
    switch (field?.kind) {
      case "codes":
        return (Array.isArray(value) ? value : [value])
          .map((v) => {
            const label = field.list === "referral_reasons" ? codes.reason(String(v)) : codes.label(field.list, String(v));
            // An outcome outside the referral list: a contact's or a consultation's own outcome words.
            return label !== String(v)
              ? label
              : t(`contactOutcome.${String(v)}`, { defaultValue: t(`closeOutcome.${String(v)}`, { defaultValue: String(v) }) });
          })
          .join("、");
      case "amount":
        return formatAmount(value);
      case "date":
        return typeof value === "string" && value.length > 10 ? formatDateTime(value) : formatDate(String(value));
      case "bool":
        return value ? t("form.yes") : t("form.no");
      case "priority":
        return t(`priority.${String(value)}`, { defaultValue: String(value) });
      case "target":
        return t(`departments.${String(value)}`, { defaultValue: codes.label("external_agencies", String(value)) });
      case "labels":
        return t(`${field.prefix}.${String(value)}`, { defaultValue: String(value) });
      case "plan":
        // A support plan's steps, each on its rung of the ladder, with who carries it.
        return (Array.isArray(value) ? (value as { rung?: string; action?: string; responsible?: { kind?: string; name?: string } }[]) : [])
          .map((s) => {
            const who = s.responsible?.kind === "department" ? t(`departments.${s.responsible.name ?? ""}`, { defaultValue: s.responsible.name ?? "" })
              : s.responsible?.kind === "agency" ? codes.label("external_agencies", s.responsible.name)
              : (s.responsible?.name ?? "");
            return `・${codes.label("support_ladder", s.rung)}：${s.action ?? ""}（${who}）`;
          })
          .join("\n");
      default:
        if (Array.isArray(value)) return value.map((v) => `・${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join("\n");
        return typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  };
  return (
    <li className={`entry dept-${entry.department}`} data-type={entry.type}>
      <div className="entry-head">
        {entry.occurred_at ? (
          <>
            <time dateTime={entry.occurred_at} data-field="occurred_at">{formatDateTime(entry.occurred_at)}</time>
            <span className="recorded" data-field="recorded_at">
              （<time dateTime={entry.time} title={t("statistics.timeline.recordedAtLabel")}>{t("statistics.timeline.recordedAt", { time: formatDateTime(entry.time) })}</time>）
            </span>
          </>
        ) : (
          <time dateTime={entry.time}>{formatDateTime(entry.time)}</time>
        )}
        <span className="dept">{t(`departments.${entry.department}`)}</span>
        <strong>{t(`events.${entry.type}`, { defaultValue: entry.type })}</strong>
        <span className="actor">{entry.actor.name ?? entry.actor.staff_id}</span>
      </div>
      {shown.length > 0 && (
        <dl className="entry-data">
          {shown.map(([k]) => (
            <div key={k} className={TIMELINE_FIELDS[k]?.kind === "text" || TIMELINE_FIELDS[k]?.kind === "plan" ? "wide" : undefined}>
              <dt>{t(`fields.${k}`, { defaultValue: k })}</dt>
              <dd>{entry.redacted.includes(k) ? <Withheld /> : render(k, entry.data[k])}</dd>
            </div>
          ))}
        </dl>
      )}
      {entry.redacted.length > 0 && (
        <p className="redacted-note">
          <strong>{t("redaction.label")}</strong>{" "}
          {entry.redacted.map((f) => t(`fields.${f}`, { defaultValue: f })).join("、")} — {t("redaction.reason")}
        </p>
      )}
      {rest.length > 0 && (
        <details className="entry-details">
          <summary>{t("caseView.details")}</summary>
          <dl className="entry-data">
            {rest.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && !value.length);
}
