import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { enumOf, rulesOf } from "../../api/rules";
import { Checkbox, CheckboxGroup, SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Redacted, Unplaced } from "../../components/States";
import { formatDateTime } from "../../time";
import { CommandForm, fieldErrors, formatAmount, Household, useCommand, useLoansRights, YesNo } from "./common";
import { FindHousehold } from "./FindHousehold";

const PAGE = 20;

/** 貸付相談一覧: filtered and paged by the service, with the period's 延件数 and 実数. */
export function LoanConsultationListPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useLoansRights();
  const [status, setStatus] = useState("");
  const [fundType, setFundType] = useState("");
  const [kind, setKind] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [initialOnly, setInitialOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const filter = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setOffset(0);
  };
  const query = useQuery({
    queryKey: ["loan-consultations", status, fundType, kind, from, to, initialOnly, offset],
    queryFn: () =>
      ok(
        api.loans.GET("/consultations", {
          params: {
            query: {
              status: status || undefined,
              fund_type: fundType || undefined,
              kind: kind || undefined,
              from: from || undefined,
              to: to || undefined,
              initial: initialOnly || undefined,
              limit: PAGE,
              offset,
            },
          },
        }),
      ),
  });
  const page = query.data;
  return (
    <section aria-labelledby="loan-consultations-title">
      <h1 id="loan-consultations-title">{t("loansDesk.consultations.title")}</h1>
      <div className="filters">
        <SelectField name="status" label={t("loansDesk.status")} value={status} onChange={filter(setStatus)} options={["open", "closed"].map((s) => ({ value: s, label: t(`loansDesk.consultationStatus.${s}`) }))} placeholder={t("loansDesk.all")} />
        <SelectField name="fund_type" label={t("loansDesk.fields.fund_type")} value={fundType} onChange={filter(setFundType)} options={codes.options("loan_fund_types")} placeholder={t("loansDesk.all")} />
        <SelectField name="kind" label={t("loansDesk.fields.kind")} value={kind} onChange={filter(setKind)} options={codes.options("loan_consultation_kinds")} placeholder={t("loansDesk.all")} />
        <TextField name="from" type="date" label={t("loansDesk.from")} value={from} onChange={filter(setFrom)} />
        <TextField name="to" type="date" label={t("loansDesk.to")} value={to} onChange={filter(setTo)} />
        <Checkbox name="initial" label={t("loansDesk.consultations.initialOnly")} checked={initialOnly} onChange={filter(setInitialOnly)} />
        {rights.write && (
          <Link className="button" to="/loans/consultations/new">
            {t("loansDesk.consultations.new")}
          </Link>
        )}
      </div>
      {page && (
        <ul className="counts" aria-label={t("loansDesk.consultations.countsLabel")}>
          <li className="card">
            <span>{t("loansDesk.consultations.contactsCount")}</span>
            <span className="card-figure" data-count="contacts">{page.counts.contacts}</span>
          </li>
          <li className="card">
            <span>{t("loansDesk.consultations.initialCount")}</span>
            <span className="card-figure" data-count="initial">{page.counts.initial}</span>
          </li>
          <li className="card">
            <span>{t("loansDesk.consultations.listed")}</span>
            <span className="card-figure">{page.total}</span>
          </li>
        </ul>
      )}
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        {page && (
          <>
            <table className="data">
              <caption className="visually-hidden">{t("loansDesk.consultations.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("loansDesk.fields.opened_at")}</th>
                  <th scope="col">{t("loansDesk.fields.subject_name")}</th>
                  <th scope="col">{t("loansDesk.fields.fund_type")}</th>
                  <th scope="col">{t("loansDesk.fields.kind")}</th>
                  <th scope="col">{t("loansDesk.fields.issues")}</th>
                  <th scope="col">{t("loansDesk.fields.contact_count")}</th>
                  <th scope="col">{t("loansDesk.fields.initial")}</th>
                  <th scope="col">{t("loansDesk.status")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => (
                  <tr key={c.consultation_id} data-consultation={c.consultation_id}>
                    <td>
                      <Link to={`/loans/consultations/${encodeURIComponent(c.consultation_id)}`}>{formatDateTime(c.opened_at)}</Link>
                    </td>
                    <td>
                      <Household row={c} />
                    </td>
                    <td>{codes.label("loan_fund_types", c.fund_type)}</td>
                    <td>{codes.label("loan_consultation_kinds", c.kind)}</td>
                    <td>{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}</td>
                    <td>{c.contact_count}</td>
                    <td>
                      <YesNo value={c.initial} />
                    </td>
                    <td>
                      <span className={`status status-${c.status}`}>{t(`loansDesk.consultationStatus.${c.status}`)}</span>
                      {c.outcome && <span className="detail"> {t(`loansDesk.outcome.${c.outcome}`, { defaultValue: c.outcome })}</span>}
                    </td>
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

/** 世帯の登録: a person and their household, registered at the loans desk before the first consultation. */
function RegisterHousehold({ onRegistered }: { onRegistered: (householdId: string, personId: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [kana, setKana] = useState("");
  const [address, setAddress] = useState("");
  const [memberName, setMemberName] = useState("");
  const [relationship, setRelationship] = useState("");
  const mutation = useCommand(
    async () => {
      const person = await ok(api.loans.POST("/people", { body: { name_kanji: name || null, name_kana: kana.trim() || null } }));
      const members = [{ person_id: person.person_id, relationship: "本人" }];
      if (memberName.trim()) {
        // 世帯員: a mother's child, a borrower's son — registered with the household in one step.
        const member = await ok(api.loans.POST("/people", { body: { name_kanji: memberName.trim() } }));
        members.push({ person_id: member.person_id, relationship: relationship.trim() || "世帯員" });
      }
      const household = await ok(api.loans.POST("/households", { body: { address: address || null, members } }));
      return { household: household.household_id, person: person.person_id };
    },
    [],
    (ids) => onRegistered(ids.household, ids.person),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="register-household" title={t("loansDesk.register.title")} submit={t("loansDesk.register.submit")} run={() => mutation.mutate()} refresh={[]} error={mutation.error} pending={mutation.isPending}>
      <p className="hint">{t("loansDesk.register.hint")}</p>
      <TextField name="name_kanji" label={t("loansDesk.register.name")} value={name} onChange={setName} rules={{ ...rulesOf("loans", "RegisterPersonBody", "name_kanji"), required: true }} error={err.name_kanji} />
      <TextField name="name_kana" label={t("loansDesk.register.kana")} value={kana} onChange={setKana} rules={rulesOf("loans", "RegisterPersonBody", "name_kana")} error={err.name_kana} />
      <TextField name="address" label={t("loansDesk.register.address")} value={address} onChange={setAddress} rules={rulesOf("loans", "RegisterHouseholdBody", "address")} error={err.address} />
      <TextField name="member_name" label={t("loansDesk.register.memberName")} value={memberName} onChange={setMemberName} rules={rulesOf("loans", "RegisterPersonBody", "name_kanji")} />
      <TextField name="member_relationship" label={t("loansDesk.register.memberRelationship")} value={relationship} onChange={setRelationship} rules={rulesOf("loans", "HouseholdMember", "relationship")} />
    </CommandForm>
  );
}

type OpenForm = {
  household_id: string;
  person_id: string;
  fund_type: string;
  kind: string;
  channel: string;
  counterpart: string;
  initial: boolean;
  issues: string[];
  summary: string;
  loan_application_id: string;
};

/** 貸付相談の受付: the household, the fund asked about, how and with whom, the household's issues. */
export function OpenLoanConsultationPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState<OpenForm>({
    household_id: params.get("household_id") ?? "",
    person_id: params.get("person_id") ?? "",
    fund_type: "",
    kind: "",
    channel: "",
    counterpart: "self",
    initial: true,
    issues: [],
    summary: "",
    loan_application_id: params.get("loan_application_id") ?? "",
  });
  const [chosen, setChosen] = useState(""); // the name of the member 世帯を探す chose, shown beside the ids
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/consultations", {
          body: {
            household_id: form.household_id.trim(),
            person_id: form.person_id.trim() || null,
            fund_type: form.fund_type,
            kind: form.kind,
            channel: form.channel,
            counterpart: form.counterpart,
            initial: form.initial,
            issues: form.issues,
            summary: form.summary,
            loan_application_id: form.loan_application_id.trim() || null,
          },
        }),
      ),
    [["loan-consultations"]],
    (c) => navigate(`/loans/consultations/${encodeURIComponent(c.consultation_id)}`),
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof OpenForm) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("loans", "OpenConsultationRequest", f);
  return (
    <section aria-labelledby="open-loan-title">
      <h1 id="open-loan-title">{t("loansDesk.consultations.openTitle")}</h1>
      {!form.household_id && (
        <FindHousehold
          pick={(h) =>
            h.members.map((m) => (
              <button key={m.person_id} type="button" className="secondary" onClick={() => {
                  setForm({ ...form, household_id: h.household_id, person_id: m.person_id });
                  setChosen(m.name ?? "");
                }}>
                {t("loansDesk.find.use", { name: m.name ?? m.person_id })}
              </button>
            ))
          }
        />
      )}
      {!form.household_id && <RegisterHousehold onRegistered={(household_id, person_id) => setForm({ ...form, household_id, person_id })} />}
      {chosen && form.household_id && (
        <p className="chosen" data-field="chosen">
          {t("loansDesk.find.chosen", { name: chosen })}{" "}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setForm({ ...form, household_id: "", person_id: "" });
              setChosen("");
            }}
          >
            {t("loansDesk.find.again")}
          </button>
        </p>
      )}
      <form
        aria-labelledby="open-loan-title"
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        <TextField name="household_id" label={t("loansDesk.fields.household_id")} hint={t("loansDesk.consultations.householdHint")} value={form.household_id} onChange={set("household_id")} rules={rule("household_id")} error={err.household_id} />
        <TextField name="person_id" label={t("loansDesk.fields.person_id")} value={form.person_id} onChange={set("person_id")} rules={rule("person_id")} error={err.person_id} />
        <SelectField name="fund_type" label={t("loansDesk.fields.fund_type")} value={form.fund_type} onChange={set("fund_type")} options={codes.options("loan_fund_types")} placeholder={t("form.choose")} required error={err.fund_type} />
        <SelectField name="kind" label={t("loansDesk.fields.kind")} value={form.kind} onChange={set("kind")} options={codes.options("loan_consultation_kinds")} placeholder={t("form.choose")} required error={err.kind} />
        <SelectField name="channel" label={t("loansDesk.fields.channel")} value={form.channel} onChange={set("channel")} options={codes.options("contact_channels")} placeholder={t("form.choose")} required error={err.channel} />
        <SelectField name="counterpart" label={t("loansDesk.fields.counterpart")} value={form.counterpart} onChange={set("counterpart")} options={codes.options("consultation_sources")} required error={err.counterpart} />
        <Checkbox name="initial" label={t("loansDesk.fields.initialLong")} checked={form.initial} onChange={(initial) => setForm({ ...form, initial })} />
        <CheckboxGroup name="issues" legend={t("loansDesk.fields.issues")} options={codes.options("household_issue_categories")} values={form.issues} onChange={(issues) => setForm({ ...form, issues })} error={err.issues} />
        <TextArea name="summary" label={t("loansDesk.fields.summary")} hint={t("loansDesk.sensitiveHint")} value={form.summary} onChange={set("summary")} rules={rule("summary")} error={err.summary} />
        <TextField name="loan_application_id" label={t("loansDesk.consultations.onLoan")} hint={t("loansDesk.consultations.onLoanHint")} value={form.loan_application_id} onChange={set("loan_application_id")} rules={rule("loan_application_id")} error={err.loan_application_id} />
        <Unplaced error={mutation.error} />
        <div className="actions">
          <button type="submit" disabled={mutation.isPending}>
            {t("loansDesk.consultations.openSubmit")}
          </button>
        </div>
      </form>
    </section>
  );
}

/** 貸付相談: the consultation, its contacts (延件数), issues and responses, and what staff do next. */
export function LoanConsultationPage() {
  const { t } = useTranslation();
  const { consultationId = "" } = useParams();
  const codes = useCodeLists();
  const rights = useLoansRights();
  const key = ["loan-consultation", consultationId];
  const query = useQuery({
    queryKey: key,
    queryFn: () => ok(api.loans.GET("/consultations/{consultation_id}", { params: { path: { consultation_id: consultationId } } })),
  });
  const c = query.data;
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {c && (
        <section aria-labelledby="loan-consultation-title">
          <h1 id="loan-consultation-title">
            {t("loansDesk.consultations.detailTitle")}{" "}
            <span className={`status status-${c.status}`}>{t(`loansDesk.consultationStatus.${c.status}`)}</span>
          </h1>
          <Redacted fields={c.redacted} />
          <dl className="facts">
            <dt>{t("loansDesk.fields.subject_name")}</dt>
            <dd>
              <Household row={c} />
            </dd>
            <dt>{t("loansDesk.fields.opened_at")}</dt>
            <dd>{formatDateTime(c.opened_at)}</dd>
            <dt>{t("loansDesk.fields.fund_type")}</dt>
            <dd>{codes.label("loan_fund_types", c.fund_type)}</dd>
            <dt>{t("loansDesk.fields.kind")}</dt>
            <dd>{codes.label("loan_consultation_kinds", c.kind)}</dd>
            <dt>{t("loansDesk.fields.initialLong")}</dt>
            <dd>
              <YesNo value={c.initial} />
            </dd>
            <dt>{t("loansDesk.fields.contact_count")}</dt>
            <dd data-field="contact_count">{c.contact_count}</dd>
            <dt>{t("loansDesk.fields.issues")}</dt>
            <dd data-field="issues">{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、") || t("loansDesk.none")}</dd>
            <dt>{t("loansDesk.fields.responses")}</dt>
            <dd data-field="responses">{c.responses.map((r) => codes.label("responses", r)).join("、") || t("loansDesk.none")}</dd>
            {c.summary != null && (
              <>
                <dt>{t("loansDesk.fields.summary")}</dt>
                <dd className="words">{c.summary}</dd>
              </>
            )}
            {c.outcome && (
              <>
                <dt>{t("loansDesk.fields.outcome")}</dt>
                <dd data-field="outcome">{t(`loansDesk.outcome.${c.outcome}`, { defaultValue: c.outcome })}</dd>
                <dt>{t("loansDesk.fields.closed_at")}</dt>
                <dd>{formatDateTime(c.closed_at)}</dd>
              </>
            )}
            {c.loan_application_id && (
              <>
                <dt>{t("loansDesk.fields.application")}</dt>
                <dd>
                  <Link to={`/loans/applications/${encodeURIComponent(c.loan_application_id)}`}>{c.loan_application_id}</Link>
                </dd>
              </>
            )}
            <dt>{t("loansDesk.case")}</dt>
            <dd>
              <Link to={`/cases/${encodeURIComponent(c.household_id)}`}>{t("loansDesk.openCase")}</Link>
            </dd>
          </dl>
          <h2>{t("loansDesk.consultations.contactsTitle")}</h2>
          {c.contacts?.length ? (
            <ol className="timeline" aria-label={t("loansDesk.consultations.contactsTitle")}>
              {c.contacts.map((k) => (
                <li key={k.contact_id}>
                  <div className="entry-head">
                    <strong>{formatDateTime(k.contacted_at)}</strong>
                    <span>{codes.label("contact_channels", k.channel)}</span>
                    <span>{codes.label("consultation_sources", k.counterpart)}</span>
                    {k.initial && <span className="tag">{t("loansDesk.fields.initial")}</span>}
                  </div>
                </li>
              ))}
            </ol>
          ) : (
            <p className="empty">{t("state.empty")}</p>
          )}
          <HouseholdApplications householdId={c.household_id} consultationId={c.consultation_id} />
          <HouseholdReferrals householdId={c.household_id} />
          {rights.write && c.status === "open" && (
            <>
              <h2>{t("loansDesk.consultations.nextTitle")}</h2>
              <ContactForm consultationId={c.consultation_id} version={c.version} />
              <IssuesForm consultationId={c.consultation_id} version={c.version} recorded={c.issues} />
              <ResponseForm consultationId={c.consultation_id} version={c.version} />
              <CloseForm consultationId={c.consultation_id} version={c.version} />
              <ReferForm householdId={c.household_id} personId={c.person_id ?? ""} />
              <p>
                <Link
                  className="button"
                  to={`/loans/applications/new?${new URLSearchParams({ household_id: c.household_id, person_id: c.person_id ?? "", consultation_id: c.consultation_id }).toString()}`}
                >
                  {t("loansDesk.applications.newFromConsultation")}
                </Link>
              </p>
            </>
          )}
        </section>
      )}
    </QueryState>
  );
}

type Props = { consultationId: string; version: number };
const refreshOf = (id: string) => [["loan-consultation", id], ["loan-consultations"]];

function ContactForm({ consultationId, version }: Props) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [form, setForm] = useState({ channel: "", counterpart: "self", note: "" });
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/consultations/{consultation_id}/contacts", {
          params: { path: { consultation_id: consultationId } },
          body: { ...form, expected_version: version },
        }),
      ),
    refreshOf(consultationId),
    () => setForm({ ...form, note: "" }),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="loan-contact" title={t("loansDesk.consultations.addContact")} submit={t("loansDesk.consultations.recordContact")} run={() => mutation.mutate()} refresh={refreshOf(consultationId)} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="channel" label={t("loansDesk.fields.channel")} value={form.channel} onChange={(channel) => setForm({ ...form, channel })} options={codes.options("contact_channels")} placeholder={t("form.choose")} required error={err.channel} />
      <SelectField name="counterpart" label={t("loansDesk.fields.counterpart")} value={form.counterpart} onChange={(counterpart) => setForm({ ...form, counterpart })} options={codes.options("consultation_sources")} required error={err.counterpart} />
      <TextArea name="note" label={t("loansDesk.fields.note")} value={form.note} onChange={(note) => setForm({ ...form, note })} rules={rulesOf("loans", "ContactRequest", "note")} error={err.note} rows={2} />
    </CommandForm>
  );
}

function IssuesForm({ consultationId, version, recorded }: Props & { recorded: readonly string[] }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [issues, setIssues] = useState<string[]>([]);
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/consultations/{consultation_id}/issues", {
          params: { path: { consultation_id: consultationId } },
          body: { issues, expected_version: version },
        }),
      ),
    refreshOf(consultationId),
    () => setIssues([]),
  );
  const err = fieldErrors(mutation.error);
  const options = codes.options("household_issue_categories").filter((o) => !recorded.includes(o.value));
  return (
    <CommandForm id="loan-issues" title={t("loansDesk.consultations.addIssues")} submit={t("loansDesk.consultations.recordIssues")} run={() => mutation.mutate()} refresh={refreshOf(consultationId)} error={mutation.error} pending={mutation.isPending}>
      <CheckboxGroup name="issues" legend={t("loansDesk.consultations.moreIssues")} options={options} values={issues} onChange={setIssues} error={err.issues} />
    </CommandForm>
  );
}

function ResponseForm({ consultationId, version }: Props) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [response, setResponse] = useState("");
  const [note, setNote] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/consultations/{consultation_id}/responses", {
          params: { path: { consultation_id: consultationId } },
          body: { response, note, expected_version: version },
        }),
      ),
    refreshOf(consultationId),
    () => {
      setResponse("");
      setNote("");
    },
  );
  const err = fieldErrors(mutation.error);
  const groups = codes.data?.lists.response_groups ?? [];
  const entries = codes.data?.lists.responses ?? [];
  const options = entries.map((r) => ({
    value: r.code,
    label: `${r.label}（${groups.find((g) => g.code === r.group)?.label ?? ""}）`,
  }));
  return (
    <CommandForm id="loan-response" title={t("loansDesk.consultations.addResponse")} submit={t("loansDesk.consultations.recordResponse")} run={() => mutation.mutate()} refresh={refreshOf(consultationId)} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="response" label={t("loansDesk.fields.response")} value={response} onChange={setResponse} options={options} placeholder={t("form.choose")} required error={err.response} />
      <TextArea name="response_note" label={t("loansDesk.fields.note")} value={note} onChange={setNote} rules={rulesOf("loans", "ResponseRequest", "note")} error={err.note} rows={2} />
    </CommandForm>
  );
}

function CloseForm({ consultationId, version }: Props) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState("");
  const [note, setNote] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/consultations/{consultation_id}/close", {
          params: { path: { consultation_id: consultationId } },
          body: { outcome: outcome as "solved_by_other_means", note, expected_version: version },
        }),
      ),
    refreshOf(consultationId),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="loan-close" title={t("loansDesk.consultations.closeTitle")} submit={t("loansDesk.consultations.close")} run={() => mutation.mutate()} refresh={refreshOf(consultationId)} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="outcome" label={t("loansDesk.fields.outcome")} value={outcome} onChange={setOutcome} options={enumOf("loans", "CloseConsultationRequest", "outcome").map((o) => ({ value: o, label: t(`loansDesk.outcome.${o}`) }))} placeholder={t("form.choose")} required error={err.outcome} />
      <TextArea name="close_note" label={t("loansDesk.fields.note")} value={note} onChange={setNote} rules={rulesOf("loans", "CloseConsultationRequest", "note")} error={err.note} rows={2} />
    </CommandForm>
  );
}

/** この世帯の紹介: the referrals the loans desk made for the household, with their answers or outcomes. */
/** The household's loan applications and loans (those submitted from this consultation marked), each linked. */
function HouseholdApplications({ householdId, consultationId }: { householdId: string; consultationId: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["loan-applications", "household", householdId, offset],
    queryFn: () => ok(api.loans.GET("/applications", { params: { query: { household_id: householdId, limit: PAGE, offset } } })),
  });
  const page = query.data;
  return (
    <>
      <h2 id="consultation-applications-title">{t("loansDesk.consultationApplications.title")}</h2>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {page?.items.length ? (
          <>
            <table className="data" aria-labelledby="consultation-applications-title">
              <thead>
                <tr>
                  <th scope="col">{t("loansDesk.fields.submitted_at")}</th>
                  <th scope="col">{t("loansDesk.fields.fund_type")}</th>
                  <th scope="col">{t("loansDesk.fields.requested_amount")}</th>
                  <th scope="col">{t("loansDesk.status")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((a) => (
                  <tr key={a.application_id} data-application={a.application_id}>
                    <td>
                      <Link to={`/loans/applications/${encodeURIComponent(a.application_id)}`}>{formatDateTime(a.submitted_at)}</Link>
                      {a.consultation_id === consultationId && <span className="tag">{t("loansDesk.consultationApplications.fromThis")}</span>}
                    </td>
                    <td>{codes.label("loan_fund_types", a.fund_type)}</td>
                    <td>{formatAmount(a.requested_amount)}</td>
                    <td>
                      <span className={`status status-${a.status}`}>{t(`loansDesk.applicationStatus.${a.status}`)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />
          </>
        ) : (
          <p className="empty">{t("loansDesk.consultationApplications.none")}</p>
        )}
      </QueryState>
    </>
  );
}

function HouseholdReferrals({ householdId }: { householdId: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const query = useQuery({
    queryKey: ["loan-referrals", householdId],
    queryFn: () => ok(api.loans.GET("/referrals/outbox", { params: { query: { case_id: householdId, limit: 50 } } })),
  });
  const items = query.data?.items ?? [];
  const target = (kind: string, code: string) => (kind === "external" ? codes.label("external_agencies", code) : t(`departments.${code}`, { defaultValue: code }));
  return (
    <>
      <h2>{t("loansDesk.consultations.referralsTitle")}</h2>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {items.length ? (
          <ul className="timeline" aria-label={t("loansDesk.consultations.referralsTitle")}>
            {items.map((r) => (
              <li key={r.referral_id} data-referral={r.referral_id}>
                <div className="entry-head">
                  <strong>{target(r.target_kind, r.target)}</strong>
                  <span>{codes.reason(r.reason_category)}</span>
                  <span className={`status status-${r.status}`}>{t(`referrals.status.${r.status}`)}</span>
                  {r.outcome && (
                    <span data-field="referral_outcome">
                      {t("referrals.outcome")}: {codes.label("referral_outcomes", r.outcome)}
                    </span>
                  )}
                  <span>{formatDateTime(r.made_at ?? "")}</span>
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">{t("state.empty")}</p>
        )}
        {items.length > 0 && (
          <p>
            <Link to="/referrals">{t("loansDesk.consultations.toOutbox")}</Link>
          </p>
        )}
      </QueryState>
    </>
  );
}

/** 紹介: refer the household (or one of its members) to an outside agency or another department. */
function ReferForm({ householdId, personId }: { householdId: string; personId: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const empty = { target_kind: "external", target: "", person_id: personId, reason_category: "", reason_detail: "", deadline_days: "7" };
  const [form, setForm] = useState(empty);
  const refresh = [["loan-referrals", householdId], ["loan-history", householdId], ["referrals"]];
  const mutation = useCommand(
    () =>
      ok(
        api.loans.POST("/referrals", {
          body: {
            case_id: householdId,
            household_id: householdId,
            person_id: form.person_id.trim() || null,
            target_kind: form.target_kind as "external" | "department",
            target: form.target,
            reason_category: form.reason_category,
            reason_detail: form.reason_detail || null,
            deadline_days: form.deadline_days.trim() ? Number(form.deadline_days) : null,
            priority: "normal",
            basis_kind: "none",
          },
        }),
      ),
    refresh,
    () => setForm(empty),
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("loans", "ReferralRequest", f);
  const targets =
    form.target_kind === "external"
      ? codes.options("external_agencies")
      : ["intake", "districts", "conferences"].map((d) => ({ value: d, label: t(`departments.${d}`) }));
  const reasons = [...codes.options("household_issue_categories"), ...codes.options("referral_reasons")];
  return (
    <CommandForm id="loan-refer" title={t("loansDesk.consultations.referTitle")} submit={t("loansDesk.consultations.refer")} run={() => mutation.mutate()} refresh={refresh} error={mutation.error} pending={mutation.isPending}>
      <SelectField
        name="target_kind"
        label={t("loansDesk.consultations.referTargetKind")}
        value={form.target_kind}
        onChange={(target_kind) => setForm({ ...form, target_kind, target: "" })}
        options={[
          { value: "external", label: t("loansDesk.consultations.referExternal") },
          { value: "department", label: t("loansDesk.consultations.referDepartment") },
        ]}
        required
        error={err.target_kind}
      />
      <SelectField name="target" label={t("loansDesk.consultations.referTarget")} value={form.target} onChange={set("target")} options={targets} placeholder={t("form.choose")} required error={err.target} />
      <TextField name="refer_person_id" label={t("loansDesk.consultations.referPerson")} value={form.person_id} onChange={set("person_id")} rules={rule("person_id")} error={err.person_id} />
      <SelectField name="reason_category" label={t("loansDesk.consultations.referReason")} value={form.reason_category} onChange={set("reason_category")} options={reasons} placeholder={t("form.choose")} required error={err.reason_category} />
      <TextArea name="reason_detail" label={t("loansDesk.consultations.referDetail")} hint={t("loansDesk.consultations.referDetailHint")} value={form.reason_detail} onChange={set("reason_detail")} rules={rule("reason_detail")} error={err.reason_detail} rows={2} />
      <TextField name="deadline_days" type="number" label={t("loansDesk.consultations.referDeadline")} value={form.deadline_days} onChange={set("deadline_days")} rules={rule("deadline_days")} error={err.deadline_days} />
    </CommandForm>
  );
}
