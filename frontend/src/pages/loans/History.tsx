import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { TextField } from "../../components/Field";
import { QueryState } from "../../components/States";
import { formatDateTime } from "../../time";
import { formatAmount, useLoansRights } from "./common";
import { FindHousehold } from "./FindHousehold";

/** Opens a household's loan history by its id. */
export function HouseholdOpenPage() {
  const { t } = useTranslation();
  const rights = useLoansRights(); // the search is the desk's own (its staff); an id opens any history
  const navigate = useNavigate();
  const [id, setId] = useState("");
  return (
    <section aria-labelledby="household-open-title">
      <h1 id="household-open-title">{t("loansDesk.history.openTitle")}</h1>
      {rights.write && <FindHousehold pick={(h) => <Link to={`/loans/households/${encodeURIComponent(h.household_id)}`}>{t("loansDesk.find.open")}</Link>} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) navigate(`/loans/households/${encodeURIComponent(id.trim())}`);
        }}
      >
        <TextField name="household_id" label={t("loansDesk.fields.household_id")} value={id} onChange={setId} rules={{ required: true, maxLength: 128 }} />
        <button type="submit">{t("loansDesk.history.open")}</button>
      </form>
    </section>
  );
}

/** 世帯の貸付履歴: every consultation, application and loan of a household, with arrears and referrals. */
export function HouseholdHistoryPage() {
  const { t } = useTranslation();
  const { householdId = "" } = useParams();
  const codes = useCodeLists();
  const query = useQuery({
    queryKey: ["loan-history", householdId],
    queryFn: () => ok(api.loans.GET("/households/{household_id}/history", { params: { path: { household_id: householdId } } })),
  });
  const h = query.data;
  const names = (h?.members ?? []).flatMap((m) => (m.name ? [m.name] : []));
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{t("loansDesk.history.title", { id: names.length ? names.join("・") : householdId })}</h1>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {h && (
          <>
            <p>
              <Link to={`/cases/${encodeURIComponent(h.household_id)}`}>{t("loansDesk.openCase")}</Link>
              {" ・ "}
              <Link to={`/loans/consultations/new?household_id=${encodeURIComponent(h.household_id)}`}>{t("loansDesk.consultations.new")}</Link>
            </p>
            {h.members.length > 0 && (
              <dl className="facts">
                <dt>{t("loansDesk.history.members")}</dt>
                <dd data-field="members">{h.members.map((m) => m.name ?? t("redaction.label")).join("、")}</dd>
                <dt>{t("loansDesk.fields.household_id")}</dt>
                <dd>{h.household_id}</dd>
              </dl>
            )}
            <ul className="cards loans-cards" aria-label={t("loansDesk.history.summary")}>
              <li className="card">
                <span>{t("loansDesk.history.consultations")}</span>
                <span className="card-figure">{h.summary.consultations}</span>
              </li>
              <li className="card">
                <span>{t("loansDesk.consultations.contactsCount")}</span>
                <span className="card-figure">{h.summary.contacts}</span>
              </li>
              <li className="card">
                <span>{t("loansDesk.history.applications")}</span>
                <span className="card-figure">{h.summary.applications}</span>
              </li>
              <li className="card">
                <span>{t("loansDesk.fields.outstanding")}</span>
                <span className="card-figure">{formatAmount(h.summary.outstanding)}</span>
              </li>
              <li className="card">
                <span>{t("loansDesk.fields.arrears")}</span>
                <span className={`card-figure${h.summary.in_arrears ? " flag" : ""}`}>
                  {h.summary.in_arrears ? formatAmount(h.summary.arrears_amount) : t("loansDesk.applications.noArrears")}
                </span>
              </li>
              <li className="card">
                <span>{t("loansDesk.history.openReferrals")}</span>
                <span className="card-figure">{h.summary.open_referrals}</span>
              </li>
            </ul>
            <h2>{t("loansDesk.history.consultations")}</h2>
            {h.consultations.length ? (
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("loansDesk.fields.opened_at")}</th>
                    <th scope="col">{t("loansDesk.fields.fund_type")}</th>
                    <th scope="col">{t("loansDesk.fields.issues")}</th>
                    <th scope="col">{t("loansDesk.fields.responses")}</th>
                    <th scope="col">{t("loansDesk.fields.contact_count")}</th>
                    <th scope="col">{t("loansDesk.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.consultations.map((c) => (
                    <tr key={c.consultation_id}>
                      <td>
                        <Link to={`/loans/consultations/${encodeURIComponent(c.consultation_id)}`}>{formatDateTime(c.opened_at)}</Link>
                      </td>
                      <td>{codes.label("loan_fund_types", c.fund_type)}</td>
                      <td>{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}</td>
                      <td>{c.responses.map((r) => codes.label("responses", r)).join("、")}</td>
                      <td>{c.contact_count}</td>
                      <td>
                        {t(`loansDesk.consultationStatus.${c.status}`)}
                        {c.outcome && <span className="detail"> {t(`loansDesk.outcome.${c.outcome}`, { defaultValue: c.outcome })}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="empty">{t("state.empty")}</p>
            )}
            <h2>{t("loansDesk.history.applications")}</h2>
            {h.applications.length ? (
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("loansDesk.fields.submitted_at")}</th>
                    <th scope="col">{t("loansDesk.fields.fund_type")}</th>
                    <th scope="col">{t("loansDesk.fields.requested_amount")}</th>
                    <th scope="col">{t("loansDesk.status")}</th>
                    <th scope="col">{t("loansDesk.fields.outstanding")}</th>
                    <th scope="col">{t("loansDesk.fields.arrears")}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.applications.map((a) => (
                    <tr key={a.application_id}>
                      <td>
                        <Link to={`/loans/applications/${encodeURIComponent(a.application_id)}`}>{formatDateTime(a.submitted_at)}</Link>
                      </td>
                      <td>{codes.label("loan_fund_types", a.fund_type)}</td>
                      <td>{formatAmount(a.requested_amount)}</td>
                      <td>{t(`loansDesk.applicationStatus.${a.status}`)}</td>
                      <td>{formatAmount(a.outstanding)}</td>
                      <td className={a.arrears_count > 0 ? "flag" : undefined}>
                        {a.arrears_count > 0 ? t("loansDesk.applications.arrearsShort", { count: a.arrears_count, amount: formatAmount(a.arrears_amount) }) : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="empty">{t("state.empty")}</p>
            )}
            {h.follow_ups.length > 0 && (
              <>
                <h2>{t("loansDesk.history.followUps")}</h2>
                <ul>
                  {h.follow_ups.map((f) => (
                    <li key={f.consultation_id}>
                      <Link to={`/loans/consultations/${encodeURIComponent(f.consultation_id)}`}>{formatDateTime(f.closed_at)}</Link>{" "}
                      {codes.label("loan_fund_types", f.fund_type)} {t(`loansDesk.outcome.${f.outcome}`, { defaultValue: f.outcome })}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <h2>{t("loansDesk.history.referrals")}</h2>
            {h.referrals.length ? (
              <ul>
                {h.referrals.map((r) => (
                  <li key={r.referral_id} data-referral={r.referral_id}>
                    {formatDateTime(r.made_at ?? "")} {t(`departments.${r.source_department}`)} → {t(`departments.${r.target}`, { defaultValue: codes.label("external_agencies", r.target) })}{" "}
                    {r.reason_category ? codes.reason(r.reason_category) : ""}{" "}
                    <span className={`status status-${r.status}`}>{t(`referrals.status.${r.status}`)}</span>
                    {r.automatic && <span className="tag">{t("referrals.automatic")}</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">{t("state.empty")}</p>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}
