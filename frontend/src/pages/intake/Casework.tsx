/**
 * 相談記録の支援経過: the casework panels of one consultation (assessment, the support plan on the
 * four-step ladder, follow-ups, reopen, identify the subject, refer the case, supervision). Each
 * panel sends one command of intake's API with the version it read; a stale version (409) shows
 * the Conflict notice and keeps what was typed, a refusal naming a field is shown beside it.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, ApiError, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/intake";
import { enumOf, rulesOf } from "../../api/rules";
import { useStaff } from "../../auth/useStaff";
import { CheckboxGroup, SelectField, TextArea, TextField } from "../../components/Field";
import { Unplaced, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { Conflict } from "./Consultations";
import "./casework.css";
import { PersonPicker, type PersonRow } from "./PersonPicker";
import { useIntakeWrites } from "./common";

export type Consultation = components["schemas"]["ConsultationView"];
type Step = { rung: string; action: string; kind: string; name: string; due_on: string };

const LADDER = "support_ladder";
const RESPONSIBLE_KINDS = ["department", "agency", "community", "person"] as const;

/** Invalidate what a consultation command changes: the record and the lists that show it. */
function useRefresh(consultationId: string) {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ["consultation", consultationId] }),
      queryClient.invalidateQueries({ queryKey: ["consultations"] }),
      queryClient.invalidateQueries({ queryKey: ["follow-ups"] }),
    ]);
  };
}

/** A refused command: 409 offers to reload (typed text stays); a refusal no field of the form shows appears here. */
export function Refusal({ error, onReload }: { error: unknown; onReload: () => void }) {
  if (error instanceof ApiError && error.isConflict) return <Conflict error={error} onReload={onReload} />;
  return <Unplaced error={error} />;
}

/** The server's message for a field (or for a nested field under it, e.g. ``steps.0.action``;
 * the domain names list items ``steps[0].action``, pydantic ``steps.0.action``: both match). */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const entries = Object.entries(error.fields).map(([f, m]) => [f.replace(/\[(\d+)\]/g, ".$1"), m] as const);
  return entries.find(([f]) => f === field)?.[1] ?? entries.find(([f]) => f.startsWith(`${field}.`))?.[1];
}

/**
 * One command's form in a panel. With ``startOpen`` it is a disclosure (details/summary) that staff
 * open when they need it, so a long consultation reads as its record first; without, always shown.
 */
function Panel({
  id,
  title,
  children,
  onSubmit,
  startOpen,
}: {
  id: string;
  title: string;
  children: ReactNode;
  onSubmit: () => void;
  startOpen?: boolean;
}) {
  const writes = useIntakeWrites();
  const [open, setOpen] = useState(startOpen ?? true);
  if (!writes) return null;
  const form = (
    <form
      className={startOpen === undefined ? "panel" : undefined}
      aria-labelledby={startOpen === undefined ? id : undefined}
      aria-label={startOpen === undefined ? undefined : title}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {startOpen === undefined && <h3 id={id}>{title}</h3>}
      {children}
    </form>
  );
  if (startOpen === undefined) return form;
  return (
    <details className="panel disclosure" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary id={id}>{title}</summary>
      {form}
    </details>
  );
}

// --- アセスメント ----------------------------------------------------------------------------------

const ASSESSMENT_TEXTS = ["person_picture", "family_picture", "wishes", "issues_text", "obstacles", "strengths"] as const;
type AssessmentText = (typeof ASSESSMENT_TEXTS)[number];

export function AssessmentSection({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const a = c.assessment as Record<string, unknown> | null | undefined;
  return (
    <section aria-labelledby="assessment-title">
      <h2 id="assessment-title">{t("casework.assessment.title")}</h2>
      {a ? (
        <dl className="facts" data-section="assessment">
          {ASSESSMENT_TEXTS.filter((k) => a[k]).map((k) => (
            <Fragment key={k}>
              <dt>{t(`fields.${k}`)}</dt>
              <dd className="words" data-field={k}>
                {String(a[k])}
              </dd>
            </Fragment>
          ))}
          <dt>{t("fields.issues")}</dt>
          <dd>{((a.issues as string[] | undefined) ?? []).map((i) => codes.label("household_issue_categories", i)).join("、")}</dd>
          <dt>{t("casework.assessment.recordedAt")}</dt>
          <dd>{formatDateTime(String(a.assessed_at ?? ""))}</dd>
        </dl>
      ) : (
        <p className="empty">{t("casework.assessment.none")}</p>
      )}
      {c.status === "open" && <AssessmentForm c={c} />}
    </section>
  );
}

function AssessmentForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const refresh = useRefresh(c.consultation_id);
  const a = (c.assessment ?? {}) as Record<string, unknown>;
  const [form, setForm] = useState<Record<AssessmentText, string>>(
    () => Object.fromEntries(ASSESSMENT_TEXTS.map((k) => [k, String(a[k] ?? "")])) as Record<AssessmentText, string>,
  );
  const [issues, setIssues] = useState<string[]>(() => (a.issues as string[] | undefined) ?? c.issues);
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/assessment", {
          params: { path: { consultation_id: c.consultation_id } },
          body: {
            person_picture: form.person_picture,
            family_picture: form.family_picture || null,
            wishes: form.wishes || null,
            issues_text: form.issues_text || null,
            obstacles: form.obstacles || null,
            strengths: form.strengths || null,
            issues,
            expected_version: c.version,
          },
        }),
      ),
    onSuccess: refresh,
  });
  const rule = (f: string) => rulesOf("intake", "AssessmentBody", f);
  return (
    <Panel id="assessment-form-title" title={t("casework.assessment.formTitle")} onSubmit={() => mutation.mutate()} startOpen={!c.assessment}>
      {ASSESSMENT_TEXTS.map((k) => (
        <TextArea
          key={k}
          name={k}
          label={t(`fields.${k}`)}
          value={form[k]}
          onChange={(v) => setForm({ ...form, [k]: v })}
          rules={rule(k)}
          rows={2}
          error={fieldError(mutation.error, k)}
        />
      ))}
      <CheckboxGroup
        name="assessment_issues"
        legend={t("fields.issues")}
        options={codes.options("household_issue_categories")}
        values={issues}
        onChange={setIssues}
        error={fieldError(mutation.error, "issues")}
      />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.assessment.submit")}
      </button>
    </Panel>
  );
}

// --- 支援計画（基本的な支援の順序） ---------------------------------------------------------------

function responsibleLabel(codes: ReturnType<typeof useCodeLists>, kind: string, name: string, t: (k: string) => string): string {
  if (kind === "department") return codes.label("departments", name);
  if (kind === "agency") return codes.label("external_agencies", name);
  return `${name}（${t(`casework.plan.kinds.${kind}`)}）`;
}

/** The plan shown on the ladder: the four rungs in their order, each with the steps set on it. */
export function SupportPlanSection({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const plan = c.support_plan as { goal?: string | null; steps?: { rung: string; action: string; responsible: { kind: string; name: string }; due_on?: string | null }[] | null; set_at?: string } | null | undefined;
  const rungs = codes.options(LADDER);
  const withheld = (field: string) => c.redacted?.includes(field);
  return (
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">{t("casework.plan.title")}</h2>
      {plan ? (
        <>
          <p>
            <strong>{t("casework.plan.goal")}:</strong> <span data-field="goal">{withheld("goal") ? <Withheld /> : plan.goal}</span>
          </p>
          {withheld("steps") ? (
            <p data-field="steps">
              <strong>{t("casework.plan.ladder")}:</strong> <Withheld />
            </p>
          ) : (
            <ol className="ladder" aria-label={t("casework.plan.ladder")}>
              {rungs.map((r, n) => {
                const steps = (plan.steps ?? []).filter((s) => s.rung === r.value);
                return (
                  <li key={r.value} className={steps.length ? "rung has-steps" : "rung"} data-rung={r.value}>
                    <div className="rung-head">
                      <span className="rung-number">{t("casework.plan.rungNumber", { n: n + 1 })}</span> {r.label}
                    </div>
                    {steps.length ? (
                      <ul>
                        {steps.map((s, m) => (
                          <li key={m}>
                            {s.action} — {responsibleLabel(codes, s.responsible.kind, s.responsible.name, t)}
                            {s.due_on ? `（${t("casework.plan.dueOn")} ${formatDate(s.due_on)}）` : ""}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p className="empty">{t("casework.plan.emptyRung")}</p>
                    )}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      ) : (
        <p className="empty">{t("casework.plan.none")}</p>
      )}
      {c.status === "open" && <SupportPlanForm c={c} />}
    </section>
  );
}

function SupportPlanForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const refresh = useRefresh(c.consultation_id);
  const plan = c.support_plan as { goal?: string | null; steps?: { rung: string; action: string; responsible: { kind: string; name: string }; due_on?: string | null }[] } | null | undefined;
  const blank: Step = { rung: "", action: "", kind: "department", name: "", due_on: "" };
  const [goal, setGoal] = useState(plan?.goal ?? "");
  const [steps, setSteps] = useState<Step[]>(() =>
    plan?.steps?.length
      ? plan.steps.map((s) => ({ rung: s.rung, action: s.action, kind: s.responsible.kind, name: s.responsible.name, due_on: s.due_on ?? "" }))
      : [blank],
  );
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.PUT("/consultations/{consultation_id}/support-plan", {
          params: { path: { consultation_id: c.consultation_id } },
          body: {
            goal: goal || null,
            steps: steps.map((s) => ({
              rung: s.rung,
              action: s.action,
              responsible: { kind: s.kind as "department" | "agency" | "community" | "person", name: s.name },
              due_on: s.due_on || null,
            })),
            expected_version: c.version,
          },
        }),
      ),
    onSuccess: refresh,
  });
  const set = (n: number, patch: Partial<Step>) => setSteps(steps.map((s, m) => (m === n ? { ...s, ...patch } : s)));
  const err = (n: number, f: string) => fieldError(mutation.error, `steps.${n}.${f}`);
  return (
    <Panel id="plan-form-title" title={t("casework.plan.formTitle")} onSubmit={() => mutation.mutate()} startOpen={!c.support_plan}>
      <TextArea name="goal" label={t("casework.plan.goal")} value={goal} onChange={setGoal} rows={2} rules={rulesOf("intake", "SupportPlanBody", "goal")} error={fieldError(mutation.error, "goal")} />
      {steps.map((s, n) => (
        <fieldset key={n} className="step">
          <legend>{t("casework.plan.step", { n: n + 1 })}</legend>
          <SelectField name={`rung-${n}`} label={t("casework.plan.rung")} value={s.rung} onChange={(rung) => set(n, { rung })} options={codes.options(LADDER).map((o, i) => ({ value: o.value, label: `${i + 1}. ${o.label}` }))} placeholder={t("form.choose")} required error={err(n, "rung")} />
          <TextField name={`action-${n}`} label={t("casework.plan.action")} value={s.action} onChange={(action) => set(n, { action })} rules={{ required: true, maxLength: 500 }} error={err(n, "action")} />
          <SelectField name={`kind-${n}`} label={t("casework.plan.responsibleKind")} value={s.kind} onChange={(kind) => set(n, { kind, name: "" })} options={RESPONSIBLE_KINDS.map((k) => ({ value: k, label: t(`casework.plan.kinds.${k}`) }))} required error={err(n, "responsible.kind")} />
          {s.kind === "department" || s.kind === "agency" ? (
            <SelectField name={`name-${n}`} label={t("casework.plan.responsibleName")} value={s.name} onChange={(name) => set(n, { name })} options={codes.options(s.kind === "department" ? "departments" : "external_agencies")} placeholder={t("form.choose")} required error={err(n, "responsible")} />
          ) : (
            <TextField name={`name-${n}`} label={t("casework.plan.responsibleName")} hint={t("casework.plan.responsibleNameHint")} value={s.name} onChange={(name) => set(n, { name })} rules={{ required: true, maxLength: 500 }} error={err(n, "responsible")} />
          )}
          <TextField name={`due-${n}`} type="date" label={t("casework.plan.dueOn")} value={s.due_on} onChange={(due_on) => set(n, { due_on })} error={err(n, "due_on")} />
          {steps.length > 1 && (
            <button type="button" className="secondary" onClick={() => setSteps(steps.filter((_, m) => m !== n))}>
              {t("casework.plan.removeStep")}
            </button>
          )}
        </fieldset>
      ))}
      {fieldError(mutation.error, "steps") && !steps.some((_, n) => fieldError(mutation.error, `steps.${n}`)) && (
        <p className="field-error" role="alert">
          {fieldError(mutation.error, "steps")}
        </p>
      )}
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <div className="actions">
        <button type="button" className="secondary" onClick={() => setSteps([...steps, blank])}>
          {t("casework.plan.addStep")}
        </button>
        <button type="submit" disabled={mutation.isPending}>
          {t("casework.plan.submit")}
        </button>
      </div>
    </Panel>
  );
}

// --- フォローアップ予定・再開 ---------------------------------------------------------------------

export function FollowUpForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const refresh = useRefresh(c.consultation_id);
  const [dueOn, setDueOn] = useState("");
  const [purpose, setPurpose] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/follow-ups", {
          params: { path: { consultation_id: c.consultation_id } },
          body: { due_on: dueOn, purpose, expected_version: c.version },
        }),
      ),
    onSuccess: async () => {
      setPurpose("");
      setDueOn("");
      await refresh();
    },
  });
  return (
    <Panel id="follow-up-form-title" title={t("casework.followUp.formTitle")} onSubmit={() => mutation.mutate()} startOpen={false}>
      <TextField name="due_on" type="date" label={t("casework.followUp.dueOn")} value={dueOn} onChange={setDueOn} rules={{ required: true }} error={fieldError(mutation.error, "due_on")} />
      <TextField name="purpose" label={t("casework.followUp.purpose")} value={purpose} onChange={setPurpose} rules={rulesOf("intake", "FollowUpBody", "purpose")} error={fieldError(mutation.error, "purpose")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.followUp.submit")}
      </button>
    </Panel>
  );
}

export function ReopenForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const refresh = useRefresh(c.consultation_id);
  const [reason, setReason] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/reopen", {
          params: { path: { consultation_id: c.consultation_id } },
          body: { reason, expected_version: c.version },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Panel id="reopen-title" title={t("casework.reopen.title")} onSubmit={() => mutation.mutate()}>
      <TextField name="reason" label={t("casework.reopen.reason")} value={reason} onChange={setReason} rules={rulesOf("intake", "ReopenBody", "reason")} error={fieldError(mutation.error, "reason")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.reopen.submit")}
      </button>
    </Panel>
  );
}

// --- 対象者の特定 -----------------------------------------------------------------------------------

export function IdentifyForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const refresh = useRefresh(c.consultation_id);
  const [person, setPerson] = useState<PersonRow | null>(null);
  const [household, setHousehold] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/identify", {
          params: { path: { consultation_id: c.consultation_id } },
          body: { person_id: person?.person_id ?? "", household_id: household || null, expected_version: c.version },
        }),
      ),
    onSuccess: refresh,
  });
  const households = (person?.households ?? []).filter((h) => !h.left_on);
  return (
    <Panel id="identify-title" title={t("casework.identify.title")} onSubmit={() => mutation.mutate()} startOpen={false}>
      <p className="hint">{t("casework.identify.intro")}</p>
      <PersonPicker
        chosen={person}
        onChoose={(p) => {
          setPerson(p);
          setHousehold(p?.households.find((h) => !h.left_on)?.household_id ?? "");
        }}
        error={fieldError(mutation.error, "person_id")}
      />
      {person && households.length > 0 && (
        <SelectField name="household_id" label={t("casework.identify.household")} value={household} onChange={setHousehold} options={households.map((h) => ({ value: h.household_id, label: `${h.household_id}${h.relationship ? `（${h.relationship}）` : ""}` }))} placeholder={t("casework.identify.noHousehold")} error={fieldError(mutation.error, "household_id")} />
      )}
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending || !person}>
        {t("casework.identify.submit")}
      </button>
    </Panel>
  );
}

// --- 紹介する ---------------------------------------------------------------------------------------

export function ReferralsSection({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  return (
    <section aria-labelledby="case-referrals-title">
      <h2 id="case-referrals-title">{t("casework.refer.listTitle")}</h2>
      {c.referrals.length ? (
        <table className="data">
          <caption className="visually-hidden">{t("casework.refer.listTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("referrals.col.madeAt")}</th>
              <th scope="col">{t("referrals.col.from")}</th>
              <th scope="col">{t("referrals.col.to")}</th>
              <th scope="col">{t("referrals.col.reason")}</th>
              <th scope="col">{t("referrals.col.status")}</th>
            </tr>
          </thead>
          <tbody>
            {c.referrals.map((r) => (
              <tr key={r.referral_id} data-referral={r.referral_id}>
                <td>{formatDateTime(r.made_at)}</td>
                <td>{t(`departments.${r.source_department}`)}</td>
                <td>{r.target_kind === "department" ? t(`departments.${r.target}`) : codes.label("external_agencies", r.target)}</td>
                <td>{codes.reason(r.reason_category)}</td>
                <td>
                  <span className={`status status-${r.status}`}>{t(`referrals.status.${r.status}`)}</span>
                  {r.outcome && <div className="detail">{codes.label("referral_outcomes", r.outcome)}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">{t("casework.refer.none")}</p>
      )}
      <ReferForm c={c} />
    </section>
  );
}

function ReferForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const refresh = useRefresh(c.consultation_id);
  const queryClient = useQueryClient();
  const blank = { target_kind: "department", target: "", reason_category: "", reason_detail: "", priority: "normal", deadline_days: "7", basis_kind: "auto" };
  const [form, setForm] = useState(blank);
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/referrals", {
          params: { path: { consultation_id: c.consultation_id } },
          body: {
            target_kind: form.target_kind as "department" | "external",
            target: form.target,
            reason_category: form.reason_category,
            reason_detail: form.reason_detail || null,
            priority: form.priority as "normal" | "urgent" | "same_day",
            deadline_days: form.deadline_days ? Number(form.deadline_days) : null,
            basis_kind: form.basis_kind as "auto" | "consent" | "statutory" | "none",
            purpose: "support_coordination",
          },
        }),
      ),
    onSuccess: async () => {
      setForm(blank);
      await Promise.all([refresh(), queryClient.invalidateQueries({ queryKey: ["referrals"] })]);
    },
  });
  const set = (k: keyof typeof blank) => (v: string) => setForm({ ...form, [k]: v, ...(k === "target_kind" ? { target: "" } : {}) });
  const reasons = [...codes.options("referral_reasons"), ...codes.options("household_issue_categories")];
  const targets = form.target_kind === "department" ? codes.options("departments").filter((d) => d.value !== "intake") : codes.options("external_agencies");
  return (
    <Panel id="refer-title" title={t("casework.refer.title")} onSubmit={() => mutation.mutate()} startOpen={false}>
      <SelectField name="target_kind" label={t("casework.refer.targetKind")} value={form.target_kind} onChange={set("target_kind")} options={(["department", "external"] as const).map((k) => ({ value: k, label: t(`casework.refer.kinds.${k}`) }))} error={fieldError(mutation.error, "target_kind")} />
      <SelectField name="target" label={t("casework.refer.target")} value={form.target} onChange={set("target")} options={targets} placeholder={t("form.choose")} required error={fieldError(mutation.error, "target")} />
      <SelectField name="reason_category" label={t("casework.refer.reason")} value={form.reason_category} onChange={set("reason_category")} options={reasons} placeholder={t("form.choose")} required error={fieldError(mutation.error, "reason_category")} />
      <TextArea name="reason_detail" label={t("casework.refer.detail")} hint={t("casework.refer.detailHint")} value={form.reason_detail} onChange={set("reason_detail")} rows={2} rules={rulesOf("intake", "ReferralBody", "reason_detail")} error={fieldError(mutation.error, "reason_detail")} />
      <SelectField name="priority" label={t("casework.refer.priority")} value={form.priority} onChange={set("priority")} options={enumOf("intake", "ReferralBody", "priority").map((p) => ({ value: p, label: t(`priority.${p}`) }))} error={fieldError(mutation.error, "priority")} />
      <TextField name="deadline_days" type="number" label={t("casework.refer.deadlineDays")} value={form.deadline_days} onChange={set("deadline_days")} rules={rulesOf("intake", "ReferralBody", "deadline_days")} error={fieldError(mutation.error, "deadline_days")} />
      <SelectField name="basis_kind" label={t("casework.refer.basis")} value={form.basis_kind} onChange={set("basis_kind")} options={(["auto", "consent", "statutory", "none"] as const).map((b) => ({ value: b, label: t(`casework.refer.basisKinds.${b}`) }))} error={fieldError(mutation.error, "basis_kind")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.refer.submit")}
      </button>
    </Panel>
  );
}

// --- スーパーバイズ ----------------------------------------------------------------------------------

export function SupervisionSection({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const staff = useStaff();
  const writes = useIntakeWrites();
  return (
    <section aria-labelledby="supervision-title">
      <h2 id="supervision-title">{t("casework.supervision.title")}</h2>
      {c.supervisor_comments.length ? (
        <ul className="comments" aria-label={t("casework.supervision.title")}>
          {c.supervisor_comments.map((m) => (
            <li key={m.comment_id} className={m.acknowledged_at ? "comment" : "comment awaiting"} data-comment={m.comment_id}>
              <p className="words">{m.comment ?? <Withheld />}</p>
              <p className="detail">
                {t("casework.supervision.reviewer")}: {m.reviewer_name ?? m.reviewer_id} · {formatDateTime(m.added_at)}
              </p>
              {m.acknowledged_at ? (
                <p className="detail" data-acknowledged>
                  {t("casework.supervision.acknowledged", { who: m.acknowledged_by_name ?? m.acknowledged_by ?? "", time: formatDateTime(m.acknowledged_at) })}
                </p>
              ) : (
                writes && <AcknowledgeButton c={c} commentId={m.comment_id} />
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">{t("casework.supervision.none")}</p>
      )}
      {staff.role === "manager" && <CommentForm c={c} />}
    </section>
  );
}

function AcknowledgeButton({ c, commentId }: { c: Consultation; commentId: string }) {
  const { t } = useTranslation();
  const refresh = useRefresh(c.consultation_id);
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/comments/{comment_id}/acknowledge", {
          params: { path: { consultation_id: c.consultation_id, comment_id: commentId } },
          body: { expected_version: c.version },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <div className="actions">
      <span className="status status-made">{t("casework.supervision.awaiting")}</span>
      <button type="button" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
        {t("casework.supervision.acknowledge")}
      </button>
      <Refusal error={mutation.error} onReload={() => void refresh()} />
    </div>
  );
}

function CommentForm({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  const refresh = useRefresh(c.consultation_id);
  const [comment, setComment] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/consultations/{consultation_id}/comments", {
          params: { path: { consultation_id: c.consultation_id } },
          body: { comment, expected_version: c.version },
        }),
      ),
    onSuccess: async () => {
      setComment("");
      await refresh();
    },
  });
  return (
    <Panel id="comment-form-title" title={t("casework.supervision.formTitle")} onSubmit={() => mutation.mutate()}>
      <TextArea name="comment" label={t("casework.supervision.comment")} value={comment} onChange={setComment} rows={3} rules={rulesOf("intake", "CommentBody", "comment")} error={fieldError(mutation.error, "comment")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.supervision.submit")}
      </button>
    </Panel>
  );
}

