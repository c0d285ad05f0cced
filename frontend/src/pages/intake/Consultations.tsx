import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { api, ApiError, ok } from "../../api/client";
import { useStaff } from "../../auth/useStaff";
import type { components } from "../../api/generated/intake";
import { useCodeLists } from "../../api/codes";
import { enumOf, rulesOf } from "../../api/rules";
import { Checkbox, CheckboxGroup, SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Redacted, Unplaced, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { AssessmentSection, FollowUpForm, IdentifyForm, ReferralsSection, ReopenForm, SupervisionSection, SupportPlanSection } from "./Casework";
import { useIntakeWrites } from "./common";

/** 相談一覧: filtered and paged by the service, with counts by status. */
export function ConsultationListPage() {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [status, setStatus] = useState<"" | "open" | "closed">("open");
  const [urgency, setUrgency] = useState("");
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["consultations", status, urgency, offset],
    queryFn: () =>
      ok(
        api.intake.GET("/consultations", {
          params: {
            query: {
              status: status || undefined,
              urgency: (urgency || undefined) as "normal" | "urgent" | "same_day" | undefined,
              limit: 20,
              offset,
            },
          },
        }),
      ),
  });
  return (
    <section aria-labelledby="consultations-title">
      <h1 id="consultations-title">{t("consultations.title")}</h1>
      <div className="filters">
        <SelectField
          name="status"
          label={t("consultations.status")}
          value={status}
          onChange={(v) => {
            setStatus(v as "" | "open" | "closed");
            setOffset(0);
          }}
          options={[
            { value: "open", label: `${t("consultations.open")} (${query.data?.counts.open ?? "…"})` },
            { value: "closed", label: `${t("consultations.closed")} (${query.data?.counts.closed ?? "…"})` },
          ]}
          placeholder={t("consultations.all")}
        />
        <SelectField
          name="urgency"
          label={t("fields.urgency")}
          value={urgency}
          onChange={(v) => {
            setUrgency(v);
            setOffset(0);
          }}
          options={enumOf("intake", "OpenConsultationBody", "urgency").map((u) => ({ value: u, label: t(`priority.${u}`) }))}
          placeholder={t("consultations.all")}
        />
        {writes && (
          <Link className="button" to="/intake/consultations/new">
            {t("nav.newConsultation")}
          </Link>
        )}
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        {query.data && (
          <>
            <table className="data">
              <caption className="visually-hidden">{t("consultations.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("fields.opened_at")}</th>
                  <th scope="col">{t("fields.subject_name")}</th>
                  <th scope="col">{t("fields.urgency")}</th>
                  <th scope="col">{t("fields.issues")}</th>
                  <th scope="col">{t("fields.source")}</th>
                  <th scope="col">{t("consultations.contacts")}</th>
                  <th scope="col">{t("consultations.status")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((c) => (
                  <tr key={c.consultation_id} className={c.urgency !== "normal" ? "urgent" : undefined}>
                    <td>
                      <Link to={`/intake/consultations/${encodeURIComponent(c.consultation_id)}`}>{formatDateTime(c.opened_at)}</Link>
                    </td>
                    <td data-field="subject_name">
                      <Subject row={c} />
                    </td>
                    <td>{t(`priority.${c.urgency}`)}</td>
                    <td>{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}</td>
                    <td>{codes.label("consultation_sources", c.source)}</td>
                    <td>{c.contact_count}</td>
                    <td>{t(`consultations.${c.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />
          </>
        )}
      </QueryState>
    </section>
  );
}

type OpenForm = {
  source: string;
  source_detail: string;
  channel: string;
  issues: string[];
  own_words: string;
  wishes: string;
  urgency: string;
  subject_description: string;
  isolated: boolean;
};

/** 相談受付: who brought it, how, the issues, the person's own words; the subject may be unidentified. */
export function OpenConsultationPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const personId = params.get("person_id");
  const householdId = params.get("household_id");
  const [form, setForm] = useState<OpenForm>({
    source: "",
    source_detail: "",
    channel: "",
    issues: [],
    own_words: "",
    wishes: "",
    urgency: "normal",
    subject_description: "",
    isolated: false,
  });
  const [missing, setMissing] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations", {
          body: {
            source: form.source,
            source_detail: form.source_detail || null,
            channel: form.channel,
            issues: form.issues,
            own_words: form.own_words || null,
            wishes: form.wishes || null,
            urgency: form.urgency as "normal" | "urgent" | "same_day",
            subject_description: form.subject_description || null,
            isolated: form.isolated,
            person_id: personId,
            household_id: householdId,
          },
        }),
      ),
    onSuccess: (data) =>
      navigate(`/intake/consultations/${encodeURIComponent(String((data as { consultation_id?: string }).consultation_id))}`),
  });
  const err = { ...missing, ...(mutation.error instanceof ApiError ? mutation.error.fields : {}) };
  const set = (k: keyof OpenForm) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("intake", "OpenConsultationBody", f);
  return (
    <section aria-labelledby="open-title">
      <h1 id="open-title">{t("consultations.openTitle")}</h1>
      {personId && <p>{t("consultations.forPerson", { id: personId })}</p>}
      {householdId && <p>{t("casework.households.forHousehold", { id: householdId })}</p>}
      <form
        noValidate={false}
        onSubmit={(e) => {
          e.preventDefault();
          // A checkbox group has no native "required": say so beside it, as the server would.
          if (!form.issues.length) {
            setMissing({ issues: t("consultations.issuesRequired") });
            return;
          }
          setMissing({});
          mutation.mutate();
        }}
      >
        <SelectField name="source" label={t("fields.source")} value={form.source} onChange={set("source")} options={codes.options("consultation_sources")} placeholder={t("form.choose")} required error={err.source} />
        <TextField name="source_detail" label={t("fields.source_detail")} value={form.source_detail} onChange={set("source_detail")} rules={rule("source_detail")} error={err.source_detail} />
        <SelectField name="channel" label={t("fields.channel")} value={form.channel} onChange={set("channel")} options={codes.options("contact_channels")} placeholder={t("form.choose")} required error={err.channel} />
        <CheckboxGroup name="issues" legend={t("fields.issues")} options={codes.options("household_issue_categories")} values={form.issues} onChange={(issues) => setForm({ ...form, issues })} required error={err.issues} />
        <TextArea name="own_words" label={t("fields.own_words")} value={form.own_words} onChange={set("own_words")} rules={rule("own_words")} error={err.own_words} />
        <TextArea name="wishes" label={t("fields.wishes")} value={form.wishes} onChange={set("wishes")} rules={rule("wishes")} error={err.wishes} rows={2} />
        <SelectField name="urgency" label={t("fields.urgency")} value={form.urgency} onChange={set("urgency")} options={enumOf("intake", "OpenConsultationBody", "urgency").map((u) => ({ value: u, label: t(`priority.${u}`) }))} error={err.urgency} />
        {!personId && !householdId && (
          <TextField name="subject_description" label={t("fields.subject_description")} hint={t("consultations.subjectHint")} value={form.subject_description} onChange={set("subject_description")} rules={rule("subject_description")} error={err.subject_description} />
        )}
        <Checkbox name="isolated" label={t("fields.isolated")} checked={form.isolated} onChange={(isolated) => setForm({ ...form, isolated })} />
        <Unplaced error={mutation.error} />
        <div className="actions">
          <button type="submit" disabled={mutation.isPending}>
            {t("consultations.openSubmit")}
          </button>
        </div>
      </form>
    </section>
  );
}

/** 相談記録: the consultation, its contacts, and the commands staff give next (contact, close). */
export function ConsultationPage() {
  const writes = useIntakeWrites();
  const staff = useStaff();
  const { t } = useTranslation();
  const { consultationId = "" } = useParams();
  const codes = useCodeLists();
  const query = useQuery({
    queryKey: ["consultation", consultationId],
    queryFn: () => ok(api.intake.GET("/consultations/{consultation_id}", { params: { path: { consultation_id: consultationId } } })),
  });
  const c = query.data;
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {c && (
        <section aria-labelledby="consultation-title">
          <h1 id="consultation-title">
            {t("consultations.detailTitle")} <span className={`status status-${c.status}`}>{t(`consultations.${c.status}`)}</span>
          </h1>
          <Redacted fields={c.redacted ?? []} reason={staff.role === "auditor" ? t("redaction.auditor") : undefined} />
          <dl className="facts">
            <dt>{t("fields.opened_at")}</dt>
            <dd>{formatDateTime(c.opened_at)}</dd>
            {c.opened_by_name && (
              <>
                <dt>{t("casework.review.openedBy")}</dt>
                <dd>{c.opened_by_name}</dd>
              </>
            )}
            <dt>{t("fields.source")}</dt>
            <dd>{codes.label("consultation_sources", c.source)}</dd>
            <dt>{t("fields.channel")}</dt>
            <dd>{codes.label("contact_channels", c.channel)}</dd>
            <dt>{t("fields.issues")}</dt>
            <dd>{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}</dd>
            <dt>{t("fields.urgency")}</dt>
            <dd>{t(`priority.${c.urgency}`)}</dd>
            <dt>{t("fields.own_words")}</dt>
            <dd className="words">{c.redacted?.includes("own_words") ? <Withheld /> : c.own_words}</dd>
            {c.subject_description && (
              <>
                <dt>{t("fields.subject_description")}</dt>
                <dd>{c.subject_description}</dd>
              </>
            )}
            {c.person_id && (
              <>
                <dt>{t("casework.identify.subject")}</dt>
                <dd data-field="person_id">
                  <PersonLink personId={c.person_id} />
                </dd>
              </>
            )}
            {c.household_id && (
              <>
                <dt>{t("casework.identify.household")}</dt>
                <dd data-field="household_id">
                  <Link to={`/intake/households/${encodeURIComponent(c.household_id)}`}>{c.household_id}</Link>
                </dd>
              </>
            )}
            {c.outcome && (
              <>
                <dt>{t("fields.outcome")}</dt>
                <dd data-field="outcome">
                  {t(`closeOutcome.${c.outcome}`)} {c.closing_note ? `— ${c.closing_note}` : ""}
                </dd>
              </>
            )}
            <dt>{t("consultations.case")}</dt>
            <dd>
              <Link to={`/cases/${encodeURIComponent(c.case_id)}`}>{t("consultations.openCase")}</Link>
            </dd>
          </dl>
          <h2 id="contacts-title">{t("consultations.contactsTitle")}</h2>
          {c.contacts.length ? (
            <ol className="contacts" aria-labelledby="contacts-title">
              {c.contacts.map((k, n) => (
                <li key={String(k.contact_id ?? n)}>
                  {formatDateTime(String(k.contacted_at ?? ""))} {codes.label("contact_channels", String(k.channel ?? ""))}
                  （{codes.label("consultation_sources", String(k.party ?? ""))}・{t(`contactOutcome.${String(k.outcome ?? "reached")}`)}）{" "}
                  {String(k.summary ?? "")}
                </li>
              ))}
            </ol>
          ) : (
            <p className="empty">{t("state.empty")}</p>
          )}
          {c.status === "open" && writes && <ContactForm consultationId={c.consultation_id} version={c.version} />}
          <AssessmentSection c={c} />
          <SupportPlanSection c={c} />
          <section aria-labelledby="follow-ups-title">
            <h2 id="follow-ups-title">{t("consultations.followUps")}</h2>
            {c.follow_ups.length > 0 ? (
              <ul aria-labelledby="follow-ups-title">
                {c.follow_ups.map((f) => (
                  <li key={f.follow_up_id}>
                    {formatDate(f.due_on)} {f.purpose ?? <Withheld />} {f.done ? `（${t("consultations.done")}）` : ""}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">{t("state.empty")}</p>
            )}
            {c.status === "open" && <FollowUpForm c={c} />}
          </section>
          <SupervisionSection c={c} />
          <ReferralsSection c={c} />
          {!c.person_id && c.status === "open" && <IdentifyForm c={c} />}
          {c.status === "closed" && <ReopenForm c={c} />}
          {c.status === "open" && writes && <CloseForm consultationId={c.consultation_id} version={c.version} />}
        </section>
      )}
    </QueryState>
  );
}

function ContactForm({ consultationId, version }: { consultationId: string; version: number }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ channel: "", party: "self", outcome: "reached", summary: "" });
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/contacts", {
          params: { path: { consultation_id: consultationId } },
          body: {
            channel: form.channel,
            party: form.party,
            outcome: form.outcome as "reached" | "not_reached" | "refused",
            summary: form.summary || null,
            expected_version: version,
          },
        }),
      ),
    onSuccess: async () => {
      setForm({ ...form, summary: "" });
      await queryClient.invalidateQueries({ queryKey: ["consultation", consultationId] });
    },
  });
  const err = mutation.error instanceof ApiError ? mutation.error : null;
  return (
    <form
      className="panel"
      aria-labelledby="contact-title"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h2 id="contact-title">{t("consultations.addContact")}</h2>
      <SelectField name="channel" label={t("fields.channel")} value={form.channel} onChange={(channel) => setForm({ ...form, channel })} options={codes.options("contact_channels")} placeholder={t("form.choose")} required error={err?.fields.channel} />
      <SelectField name="party" label={t("fields.party")} value={form.party} onChange={(party) => setForm({ ...form, party })} options={codes.options("consultation_sources")} required error={err?.fields.party} />
      <SelectField name="contact_outcome" label={t("fields.contact_outcome")} value={form.outcome} onChange={(outcome) => setForm({ ...form, outcome })} options={enumOf("intake", "ContactBody", "outcome").map((o) => ({ value: o, label: t(`contactOutcome.${o}`) }))} error={err?.fields.outcome} />
      <TextArea name="summary" label={t("fields.summary")} value={form.summary} onChange={(summary) => setForm({ ...form, summary })} rules={rulesOf("intake", "ContactBody", "summary")} error={err?.fields.summary} />
      <Conflict error={err} onReload={() => void queryClient.invalidateQueries({ queryKey: ["consultation", consultationId] })} />
      <Unplaced error={err?.isConflict ? null : mutation.error} />
      <button type="submit" disabled={mutation.isPending}>
        {t("consultations.recordContact")}
      </button>
    </form>
  );
}

function CloseForm({ consultationId, version }: { consultationId: string; version: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState("");
  const [note, setNote] = useState("");
  const [destination, setDestination] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/close", {
          params: { path: { consultation_id: consultationId } },
          body: {
            outcome: outcome as "solved" | "connected_to_service" | "referred_outside" | "person_declined" | "lost_contact",
            destination: destination || null,
            note: note || null,
            expected_version: version,
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["consultation", consultationId] }),
  });
  const err = mutation.error instanceof ApiError ? mutation.error : null;
  return (
    <form
      className="panel"
      aria-labelledby="close-title"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h2 id="close-title">{t("consultations.closeTitle")}</h2>
      <SelectField name="outcome" label={t("fields.outcome")} value={outcome} onChange={setOutcome} options={enumOf("intake", "CloseBody", "outcome").map((o) => ({ value: o, label: t(`closeOutcome.${o}`) }))} placeholder={t("form.choose")} required error={err?.fields.outcome} />
      <TextField name="destination" label={t("fields.destination")} value={destination} onChange={setDestination} rules={rulesOf("intake", "CloseBody", "destination")} error={err?.fields.destination} />
      <TextArea name="note" label={t("fields.note")} value={note} onChange={setNote} rules={rulesOf("intake", "CloseBody", "note")} error={err?.fields.note} rows={2} />
      <Conflict error={err} onReload={() => void queryClient.invalidateQueries({ queryKey: ["consultation", consultationId] })} />
      <Unplaced error={err?.isConflict ? null : mutation.error} />
      <button type="submit" disabled={mutation.isPending}>
        {t("consultations.close")}
      </button>
    </form>
  );
}

/** A stale edit (409): say so and offer to reload the record; what was typed stays in the form. */
export function Conflict({ error, onReload }: { error: ApiError | null; onReload: () => void }) {
  const { t } = useTranslation();
  if (!error?.isConflict) return null;
  return (
    <div className="error-notice" role="alert">
      <p>
        {t("conflict.message")}
        {/* A stale version says all in the sentence above; a state that changed says which. */}
        {error.code !== "conflict" && ` ${error.explanation}`}
      </p>
      <button type="button" onClick={onReload}>
        {t("conflict.reload")}
      </button>
    </div>
  );
}

/** The subject's name (their ID until it has loaded, or when it cannot be read), linking to them. */
type ConsultationRow = components["schemas"]["ConsultationRow"];

/** 対象者 of a list row: the person's name, withheld, or whom the consultation is about before identification. */
export function Subject({ row }: { row: Pick<ConsultationRow, "subject_name" | "person_id" | "household_id" | "redacted"> }) {
  const { t } = useTranslation();
  if (row.redacted?.includes("subject_name")) return <Withheld />;
  if (row.subject_name && row.person_id) return <Link to={`/intake/people/${encodeURIComponent(row.person_id)}`}>{row.subject_name}</Link>;
  return <span className="detail">{t(row.household_id ? "consultations.householdOnly" : "consultations.unidentified")}</span>;
}

function PersonLink({ personId }: { personId: string }) {
  const person = useQuery({
    queryKey: ["person", personId],
    queryFn: () => ok(api.intake.GET("/people/{person_id}", { params: { path: { person_id: personId } } })),
  });
  return (
    <>
      <Link to={`/intake/people/${encodeURIComponent(personId)}`}>{person.data?.name_kanji ?? personId}</Link>
      {person.data?.name_kanji && <span className="detail"> {personId}</span>}
    </>
  );
}
