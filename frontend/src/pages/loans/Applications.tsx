import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/loans";
import { rulesOf } from "../../api/rules";
import { SelectField, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { ErrorNotice, QueryState, Redacted, Unplaced } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { CommandForm, fieldErrors, formatAmount, Household, serviceToday, toInt, useCommand, useLoansRights } from "./common";

type Application = components["schemas"]["ApplicationView"];
type ConsultationRow = components["schemas"]["ConsultationRow"];
type Status = Application["status"];
export const APPLICATION_STATUSES: Status[] = ["submitted", "under_review", "approved", "denied", "withdrawn", "repaying", "repaid"];
const PAGE = 20;
/** The rule (shared/referrals/rules/loans.yaml) that refers a denied household to 家計相談. */
export const DENIAL_RULE = "loans.denied_to_budget_consultation";

/** 借入申請・貸付の一覧: filtered and paged by the service, with counts per status. */
export function ApplicationListPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useLoansRights();
  const [status, setStatus] = useState("");
  const [fundType, setFundType] = useState("");
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["loan-applications", status, fundType, offset],
    queryFn: () =>
      ok(
        api.loans.GET("/applications", {
          params: { query: { status: status || undefined, fund_type: fundType || undefined, limit: PAGE, offset } },
        }),
      ),
  });
  const page = query.data;
  return (
    <section aria-labelledby="loan-applications-title">
      <h1 id="loan-applications-title">{t("loansDesk.applications.title")}</h1>
      <div className="filters">
        <SelectField
          name="status"
          label={t("loansDesk.status")}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setOffset(0);
          }}
          options={APPLICATION_STATUSES.map((s) => ({ value: s, label: `${t(`loansDesk.applicationStatus.${s}`)} (${page?.counts.by_status[s] ?? 0})` }))}
          placeholder={t("loansDesk.all")}
        />
        <SelectField
          name="fund_type"
          label={t("loansDesk.fields.fund_type")}
          value={fundType}
          onChange={(v) => {
            setFundType(v);
            setOffset(0);
          }}
          options={codes.options("loan_fund_types")}
          placeholder={t("loansDesk.all")}
        />
        {rights.write && (
          <Link className="button" to="/loans/applications/new">
            {t("loansDesk.applications.new")}
          </Link>
        )}
      </div>
      {rights.decide && <ArrearsCheck />}
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        {page && (
          <>
            <table className="data">
              <caption className="visually-hidden">{t("loansDesk.applications.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("loansDesk.fields.submitted_at")}</th>
                  <th scope="col">{t("loansDesk.fields.subject_name")}</th>
                  <th scope="col">{t("loansDesk.fields.fund_type")}</th>
                  <th scope="col">{t("loansDesk.fields.requested_amount")}</th>
                  <th scope="col">{t("loansDesk.status")}</th>
                  <th scope="col">{t("loansDesk.fields.outstanding")}</th>
                  <th scope="col">{t("loansDesk.fields.arrears")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((a) => (
                  <tr key={a.application_id} data-application={a.application_id} className={a.arrears_count > 0 ? "urgent" : undefined}>
                    <td>
                      <Link to={`/loans/applications/${encodeURIComponent(a.application_id)}`}>{formatDateTime(a.submitted_at)}</Link>
                    </td>
                    <td>
                      <Household row={a} />
                    </td>
                    <td>{codes.label("loan_fund_types", a.fund_type)}</td>
                    <td>{formatAmount(a.requested_amount)}</td>
                    <td>
                      <span className={`status status-${a.status}`}>{t(`loansDesk.applicationStatus.${a.status}`)}</span>
                    </td>
                    <td>{a.status === "repaying" || a.status === "repaid" ? formatAmount(a.outstanding) : ""}</td>
                    <td>{a.arrears_count > 0 ? t("loansDesk.applications.arrearsShort", { count: a.arrears_count, amount: formatAmount(a.arrears_amount) }) : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />
          </>
        )}
      </QueryState>
    </section>
  );
}

/** 日次の滞納確認 (managers): marks every overdue instalment now, as the nightly run does. */
function ArrearsCheck() {
  const { t } = useTranslation();
  const mutation = useCommand(() => ok(api.loans.POST("/loans/arrears-check", { body: {} })), [["loan-applications"], ["loan-application"]]);
  return (
    <div className="actions">
      <button type="button" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
        {t("loansDesk.applications.arrearsCheck")}
      </button>
      {mutation.data && (
        <span role="status">{t("loansDesk.applications.arrearsChecked", { checked: mutation.data.checked, missed: mutation.data.missed.length })}</span>
      )}
      {mutation.error != null && <ErrorNotice error={mutation.error} />}
    </div>
  );
}

/** 借入申請の受付: the household, the borrower, the fund and the amount asked for. */
export function NewApplicationPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState({
    household_id: params.get("household_id") ?? "",
    person_id: params.get("person_id") ?? "",
    consultation_id: params.get("consultation_id") ?? "",
    fund_type: "",
    requested_amount: "",
    purpose: "",
  });
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/applications", {
          body: {
            household_id: form.household_id.trim(),
            person_id: form.person_id.trim(),
            consultation_id: form.consultation_id.trim() || null,
            fund_type: form.fund_type,
            requested_amount: toInt(form.requested_amount),
            purpose: form.purpose,
          },
        }),
      ),
    [["loan-applications"]],
    (a) => navigate(`/loans/applications/${encodeURIComponent(a.application_id)}`),
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("loans", "ApplicationRequest", f);
  return (
    <section aria-labelledby="new-application-title">
      <h1 id="new-application-title">{t("loansDesk.applications.newTitle")}</h1>
      <form
        aria-labelledby="new-application-title"
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        <TextField name="household_id" label={t("loansDesk.fields.household_id")} value={form.household_id} onChange={set("household_id")} rules={rule("household_id")} error={err.household_id} />
        <TextField name="person_id" label={t("loansDesk.fields.borrower_id")} value={form.person_id} onChange={set("person_id")} rules={rule("person_id")} error={err.person_id} />
        <TextField name="consultation_id" label={t("loansDesk.fields.consultation_id")} value={form.consultation_id} onChange={set("consultation_id")} rules={rule("consultation_id")} error={err.consultation_id} />
        <SelectField name="fund_type" label={t("loansDesk.fields.fund_type")} value={form.fund_type} onChange={set("fund_type")} options={codes.options("loan_fund_types")} placeholder={t("form.choose")} required error={err.fund_type} />
        <TextField name="requested_amount" type="number" label={t("loansDesk.fields.requested_amount_yen")} value={form.requested_amount} onChange={set("requested_amount")} rules={rule("requested_amount")} error={err.requested_amount} />
        <TextField name="purpose" label={t("loansDesk.fields.purpose")} value={form.purpose} onChange={set("purpose")} rules={rule("purpose")} error={err.purpose} />
        <Unplaced error={mutation.error} />
        <div className="actions">
          <button type="submit" disabled={mutation.isPending}>
            {t("loansDesk.applications.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}

const STEPS: Status[] = ["submitted", "under_review", "approved", "repaying", "repaid"];

/** Where the application stands on 申請 → 審査 → 貸付決定 → 償還中 → 償還完了 (or 不承認・取下げ). */
function Lifecycle({ status }: { status: Status }) {
  const { t } = useTranslation();
  const ended = status === "denied" || status === "withdrawn";
  const reached = ended ? 1 : STEPS.indexOf(status);
  const steps: Status[] = ended ? ["submitted", "under_review", status] : STEPS;
  return (
    <ol className="lifecycle" aria-label={t("loansDesk.applications.lifecycle")}>
      {steps.map((s, n) => (
        <li key={s} className={s === status ? "current" : n <= reached ? "done" : undefined} aria-current={s === status ? "step" : undefined}>
          {t(`loansDesk.applicationStatus.${s}`)}
        </li>
      ))}
    </ol>
  );
}

/** 借入申請・貸付: the application through its lifecycle, the schedule, arrears, and the referral a denial makes. */
export function ApplicationPage() {
  const { t } = useTranslation();
  const { applicationId = "" } = useParams();
  const codes = useCodeLists();
  const rights = useLoansRights();
  const query = useQuery({
    queryKey: ["loan-application", applicationId],
    queryFn: () => ok(api.loans.GET("/applications/{application_id}", { params: { path: { application_id: applicationId } } })),
  });
  const a = query.data;
  const consultations = useQuery({
    queryKey: ["loan-consultations", "household", a?.household_id],
    queryFn: () => ok(api.loans.GET("/consultations", { params: { query: { household_id: a?.household_id ?? "", limit: 50 } } })),
    enabled: Boolean(a?.household_id),
  });
  const aboutThisLoan = (consultations.data?.items ?? []).filter((c) => c.loan_application_id === applicationId);
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {a && (
        <section aria-labelledby="application-title">
          <h1 id="application-title">
            {t("loansDesk.applications.detailTitle")}{" "}
            <span className={`status status-${a.status}`} data-status={a.status}>
              {t(`loansDesk.applicationStatus.${a.status}`)}
            </span>
          </h1>
          <Lifecycle status={a.status} />
          <Redacted fields={a.redacted} />
          {a.status === "denied" && <AutomaticReferral householdId={a.household_id} />}
          <dl className="facts">
            <dt>{t("loansDesk.fields.subject_name")}</dt>
            <dd>
              <Household row={a} />
            </dd>
            <dt>{t("loansDesk.fields.submitted_at")}</dt>
            <dd>{formatDateTime(a.submitted_at)}</dd>
            <dt>{t("loansDesk.fields.fund_type")}</dt>
            <dd>{codes.label("loan_fund_types", a.fund_type)}</dd>
            <dt>{t("loansDesk.fields.requested_amount")}</dt>
            <dd>{formatAmount(a.requested_amount)}</dd>
            {a.purpose != null && (
              <>
                <dt>{t("loansDesk.fields.purpose")}</dt>
                <dd>{a.purpose || t("loansDesk.none")}</dd>
              </>
            )}
            {a.consultation_id && (
              <>
                <dt>{t("loansDesk.fields.consultation_id")}</dt>
                <dd>
                  <Link to={`/loans/consultations/${encodeURIComponent(a.consultation_id)}`}>{a.consultation_id}</Link>
                </dd>
              </>
            )}
            {a.decision_reason != null && a.decision_reason !== "" && (
              <>
                <dt>{t("loansDesk.fields.decision_reason")}</dt>
                <dd data-field="decision_reason">{a.decision_reason}</dd>
              </>
            )}
            {a.amount != null && (
              <>
                <dt>{t("loansDesk.fields.amount")}</dt>
                <dd>{formatAmount(a.amount)}</dd>
                <dt>{t("loansDesk.fields.terms")}</dt>
                <dd>
                  {t("loansDesk.applications.terms", {
                    count: a.instalment_count ?? 0,
                    monthly: formatAmount(a.monthly_amount ?? 0),
                    first: formatDate(a.first_due_date ?? ""),
                    grace: a.grace_months ?? 0,
                  })}
                </dd>
              </>
            )}
            {a.disbursed_on && (
              <>
                <dt>{t("loansDesk.fields.disbursed_on")}</dt>
                <dd>{formatDate(a.disbursed_on)}</dd>
                <dt>{t("loansDesk.fields.outstanding")}</dt>
                <dd>{formatAmount(a.outstanding)}</dd>
                <dt>{t("loansDesk.fields.arrears")}</dt>
                <dd className={a.arrears_count > 0 ? "flag" : undefined} data-field="arrears">
                  {a.arrears_count > 0
                    ? t("loansDesk.applications.arrears", { count: a.arrears_count, amount: formatAmount(a.arrears_amount), missed: a.missed_count })
                    : t("loansDesk.applications.noArrears")}
                </dd>
              </>
            )}
            <dt>{t("loansDesk.case")}</dt>
            <dd>
              <Link to={`/cases/${encodeURIComponent(a.household_id)}`}>{t("loansDesk.openCase")}</Link>
            </dd>
          </dl>
          {a.schedule.length > 0 && <Schedule application={a} />}
          {a.disbursed_on && <LoanConsultations items={aboutThisLoan} loading={consultations.isLoading} error={consultations.error} />}
          {rights.write && <Actions application={a} decide={rights.decide} consultations={aboutThisLoan} />}
          {rights.write && (
            <p>
              <Link
                className="button"
                to={`/loans/consultations/new?${new URLSearchParams({ household_id: a.household_id, person_id: a.person_id ?? "", loan_application_id: a.application_id }).toString()}`}
              >
                {t("loansDesk.applications.consultAbout")}
              </Link>
            </p>
          )}
        </section>
      )}
    </QueryState>
  );
}

function Schedule({ application }: { application: Application }) {
  const { t } = useTranslation();
  return (
    <>
      <h2 id="schedule-title">{t("loansDesk.applications.schedule")}</h2>
      <table className="data" aria-labelledby="schedule-title">
        <thead>
          <tr>
            <th scope="col">{t("loansDesk.schedule.number")}</th>
            <th scope="col">{t("loansDesk.schedule.due_date")}</th>
            <th scope="col">{t("loansDesk.schedule.amount")}</th>
            <th scope="col">{t("loansDesk.schedule.paid")}</th>
            <th scope="col">{t("loansDesk.schedule.remaining")}</th>
            <th scope="col">{t("loansDesk.schedule.state")}</th>
          </tr>
        </thead>
        <tbody>
          {application.schedule.map((i) => (
            <tr key={i.number} className={i.missed && i.remaining > 0 ? "urgent" : undefined}>
              <td>{i.number}</td>
              <td>
                {formatDate(i.due_date)}
                {i.postponed_months > 0 && <span className="tag">{t("loansDesk.schedule.postponed", { months: i.postponed_months })}</span>}
              </td>
              <td>{formatAmount(i.amount)}</td>
              <td>{formatAmount(i.paid)}</td>
              <td>{formatAmount(i.remaining)}</td>
              <td>
                {i.remaining === 0 ? t("loansDesk.schedule.paidUp") : i.missed ? <span className="flag">{t("loansDesk.schedule.missed")}</span> : t("loansDesk.schedule.due")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** 自動つなぎ: the referral the denial fired (loans' outbox, narrowed to the household, by rule). */
function AutomaticReferral({ householdId }: { householdId: string }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ["loan-referrals", householdId],
    queryFn: () => ok(api.loans.GET("/referrals/outbox", { params: { query: { case_id: householdId, limit: 50 } } })),
    // The rule fires when the denial has travelled through Kafka: look again until it is there.
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.rule_id === DENIAL_RULE) ? 15_000 : 2_000),
  });
  const referral = query.data?.items.find((r) => r.rule_id === DENIAL_RULE);
  return (
    <div className="panel" role="status" aria-live="polite" data-automatic-referral={referral?.referral_id ?? ""}>
      {referral ? (
        <p>
          <strong>{t("loansDesk.applications.referred")}</strong>{" "}
          <span className={`status status-${referral.status}`}>{t(`referrals.status.${referral.status}`)}</span>{" "}
          <span className="detail">
            {t("loansDesk.applications.referredDetail", {
              target: t(`departments.${referral.target}`, { defaultValue: referral.target }),
              made: formatDateTime(referral.made_at ?? ""),
              deadline: formatDateTime(referral.deadline ?? ""),
            })}
          </span>{" "}
          <Link className="nowrap" to="/referrals">{t("loansDesk.applications.toOutbox")}</Link>
        </p>
      ) : query.error ? (
        <ErrorNotice error={query.error} />
      ) : (
        <p className="loading">{t("loansDesk.applications.referralPending")}</p>
      )}
    </div>
  );
}

/** この貸付についての相談: the consultations opened about this loan (借受世帯からの相談), newest first. */
function LoanConsultations({ items, loading, error }: { items: ConsultationRow[]; loading: boolean; error: unknown }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  return (
    <>
      <h2 id="loan-consultations-title">{t("loansDesk.applications.consultationsTitle")}</h2>
      <QueryState isLoading={loading} error={error}>
        {items.length ? (
          <ul className="timeline" aria-labelledby="loan-consultations-title">
            {items.map((c) => (
              <li key={c.consultation_id} data-consultation={c.consultation_id}>
                <div className="entry-head">
                  <Link to={`/loans/consultations/${encodeURIComponent(c.consultation_id)}`}>{formatDateTime(c.opened_at)}</Link>
                  <span>{codes.label("loan_consultation_kinds", c.kind)}</span>
                  <span className={`status status-${c.status}`}>{t(`loansDesk.consultationStatus.${c.status}`)}</span>
                  <span>{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}</span>
                  {c.responses.length > 0 && <span data-field="responses">{c.responses.map((r) => codes.label("responses", r)).join("、")}</span>}
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">{t("state.empty")}</p>
        )}
      </QueryState>
    </>
  );
}

function Actions({ application: a, decide, consultations }: { application: Application; decide: boolean; consultations: ConsultationRow[] }) {
  const { t } = useTranslation();
  const s = a.status;
  const show = {
    review: s === "submitted",
    approve: s === "under_review" && decide,
    deny: s === "under_review" && decide,
    disburse: s === "approved",
    repay: s === "repaying",
    grace: s === "repaying" && decide,
    withdraw: s === "submitted" || s === "under_review" || s === "approved",
  };
  if (!Object.values(show).some(Boolean)) return null;
  return (
    <>
      <h2>{t("loansDesk.applications.nextTitle")}</h2>
      {s === "under_review" && !decide && <p className="hint">{t("loansDesk.applications.managerDecides")}</p>}
      {show.review && <ReviewForm application={a} />}
      {show.approve && <ApproveForm application={a} />}
      {show.deny && <DenyForm application={a} />}
      {show.disburse && <DisburseForm application={a} />}
      {show.repay && <RepaymentForm application={a} />}
      {show.grace && <GraceForm application={a} consultations={consultations} />}
      {show.withdraw && <WithdrawForm application={a} />}
    </>
  );
}

type FormProps = { application: Application };
const refreshOf = (a: Application) => [["loan-application", a.application_id], ["loan-applications"], ["loan-history", a.household_id]];
const path = (a: Application) => ({ params: { path: { application_id: a.application_id } } });

function ReviewForm({ application: a }: FormProps) {
  const { t } = useTranslation();
  const mutation = useCommand(() => ok(api.loans.POST("/applications/{application_id}/review", { ...path(a), body: { expected_version: a.version } })), refreshOf(a));
  return (
    <CommandForm id="review" title={t("loansDesk.applications.reviewTitle")} submit={t("loansDesk.applications.review")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending}>
      <p className="hint">{t("loansDesk.applications.reviewHint")}</p>
    </CommandForm>
  );
}

function ApproveForm({ application: a }: FormProps) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ amount: String(a.requested_amount), instalment_count: "", first_due_date: "", monthly_amount: "", grace_months: "0" });
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/applications/{application_id}/approve", {
          ...path(a),
          body: {
            amount: toInt(form.amount),
            instalment_count: toInt(form.instalment_count),
            first_due_date: form.first_due_date,
            monthly_amount: form.monthly_amount.trim() ? toInt(form.monthly_amount) : null,
            grace_months: toInt(form.grace_months || "0"),
            expected_version: a.version,
          },
        }),
      ),
    refreshOf(a),
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("loans", "ApproveRequest", f);
  return (
    <CommandForm id="approve" title={t("loansDesk.applications.approveTitle")} submit={t("loansDesk.applications.approve")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="amount" type="number" label={t("loansDesk.fields.amount_yen")} value={form.amount} onChange={set("amount")} rules={rule("amount")} error={err.amount} />
      <TextField name="instalment_count" type="number" label={t("loansDesk.fields.instalment_count")} value={form.instalment_count} onChange={set("instalment_count")} rules={rule("instalment_count")} error={err.instalment_count} />
      <TextField name="first_due_date" type="date" label={t("loansDesk.fields.first_due_date")} value={form.first_due_date} onChange={set("first_due_date")} rules={rule("first_due_date")} error={err.first_due_date} />
      <TextField name="monthly_amount" type="number" label={t("loansDesk.fields.monthly_amount_yen")} hint={t("loansDesk.applications.monthlyHint")} value={form.monthly_amount} onChange={set("monthly_amount")} rules={rule("monthly_amount")} error={err.monthly_amount} />
      <TextField name="grace_months" type="number" label={t("loansDesk.fields.grace_months")} value={form.grace_months} onChange={set("grace_months")} rules={rule("grace_months")} error={err.grace_months} />
    </CommandForm>
  );
}

function DenyForm({ application: a }: FormProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const mutation = useCommand(
    () => ok(api.loans.POST("/applications/{application_id}/deny", { ...path(a), body: { reason, expected_version: a.version } })),
    [...refreshOf(a), ["loan-referrals", a.household_id]],
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="deny" title={t("loansDesk.applications.denyTitle")} submit={t("loansDesk.applications.deny")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending} danger>
      <p className="hint">{t("loansDesk.applications.denyHint")}</p>
      <TextField name="reason" label={t("loansDesk.fields.deny_reason")} value={reason} onChange={setReason} rules={rulesOf("loans", "ReasonRequest", "reason")} error={err.reason} />
    </CommandForm>
  );
}

function DisburseForm({ application: a }: FormProps) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ amount: String(a.amount ?? ""), disbursed_on: serviceToday() });
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/applications/{application_id}/disbursement", {
          ...path(a),
          body: { amount: toInt(form.amount), disbursed_on: form.disbursed_on, expected_version: a.version },
        }),
      ),
    refreshOf(a),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="disburse" title={t("loansDesk.applications.disburseTitle")} submit={t("loansDesk.applications.disburse")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="amount" type="number" label={t("loansDesk.fields.amount_yen")} value={form.amount} onChange={(amount) => setForm({ ...form, amount })} rules={rulesOf("loans", "DisburseRequest", "amount")} error={err.amount} />
      <TextField name="disbursed_on" type="date" label={t("loansDesk.fields.disbursed_on")} value={form.disbursed_on} onChange={(disbursed_on) => setForm({ ...form, disbursed_on })} rules={rulesOf("loans", "DisburseRequest", "disbursed_on")} error={err.disbursed_on} />
    </CommandForm>
  );
}

function RepaymentForm({ application: a }: FormProps) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ amount: String(a.monthly_amount ?? ""), paid_on: serviceToday() });
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/applications/{application_id}/repayments", {
          ...path(a),
          body: { amount: toInt(form.amount), paid_on: form.paid_on, expected_version: a.version },
        }),
      ),
    refreshOf(a),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="repay" title={t("loansDesk.applications.repayTitle")} submit={t("loansDesk.applications.repay")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="amount" type="number" label={t("loansDesk.fields.amount_yen")} value={form.amount} onChange={(amount) => setForm({ ...form, amount })} rules={rulesOf("loans", "RepaymentRequest", "amount")} error={err.amount} />
      <TextField name="paid_on" type="date" label={t("loansDesk.fields.paid_on")} value={form.paid_on} onChange={(paid_on) => setForm({ ...form, paid_on })} rules={rulesOf("loans", "RepaymentRequest", "paid_on")} error={err.paid_on} />
    </CommandForm>
  );
}

function GraceForm({ application: a, consultations }: FormProps & { consultations: ConsultationRow[] }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [form, setForm] = useState({ months: "", reason: "", from_instalment: "", consultation_id: "" });
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/applications/{application_id}/grace", {
          ...path(a),
          body: {
            months: toInt(form.months),
            reason: form.reason,
            from_instalment: form.from_instalment.trim() ? toInt(form.from_instalment) : null,
            consultation_id: form.consultation_id.trim() || null,
            expected_version: a.version,
          },
        }),
      ),
    refreshOf(a),
    () => setForm({ months: "", reason: "", from_instalment: "", consultation_id: "" }),
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("loans", "GraceRequest", f);
  return (
    <CommandForm id="grace" title={t("loansDesk.applications.graceTitle")} submit={t("loansDesk.applications.grace")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="months" type="number" label={t("loansDesk.fields.grace_months_postpone")} value={form.months} onChange={set("months")} rules={rule("months")} error={err.months} />
      <TextField name="grace_reason" label={t("loansDesk.fields.grace_reason")} value={form.reason} onChange={set("reason")} rules={rule("reason")} error={err.reason} />
      <TextField name="from_instalment" type="number" label={t("loansDesk.fields.from_instalment")} hint={t("loansDesk.applications.fromHint")} value={form.from_instalment} onChange={set("from_instalment")} rules={rule("from_instalment")} error={err.from_instalment} />
      <SelectField
        name="grace_consultation_id"
        label={t("loansDesk.applications.graceConsultation")}
        hint={t("loansDesk.applications.graceConsultationHint")}
        value={form.consultation_id}
        onChange={set("consultation_id")}
        options={consultations.map((c) => ({
          value: c.consultation_id,
          label: `${formatDateTime(c.opened_at)} ${codes.label("loan_consultation_kinds", c.kind)}（${t(`loansDesk.consultationStatus.${c.status}`)}）`,
        }))}
        placeholder={t("loansDesk.none")}
        error={err.consultation_id}
      />
    </CommandForm>
  );
}

function WithdrawForm({ application: a }: FormProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const mutation = useCommand(
    () => ok(api.loans.POST("/applications/{application_id}/withdraw", { ...path(a), body: { reason, expected_version: a.version } })),
    refreshOf(a),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="withdraw" title={t("loansDesk.applications.withdrawTitle")} submit={t("loansDesk.applications.withdraw")} run={() => mutation.mutate()} refresh={refreshOf(a)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="withdraw_reason" label={t("loansDesk.fields.withdraw_reason")} value={reason} onChange={setReason} rules={rulesOf("loans", "WithdrawRequest", "reason")} error={err.reason} />
    </CommandForm>
  );
}
