import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, ok } from "../../api/client";
import type { components } from "../../api/generated/conferences";
import { rulesOf } from "../../api/rules";
import { Checkbox, SelectField, TextArea, TextField } from "../../components/Field";
import { TitledTable } from "../../components/DataTable";
import { Withheld } from "../../components/States";
import { useStaff } from "../../auth/useStaff";
import { formatDate, formatDateTime } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { EXPERTISE, OUTSIDE_KINDS, useConferencesRights } from "./common";

type View = components["schemas"]["ConferenceView"];
type StudyCase = components["schemas"]["StudyCaseView"];

const refreshOf = (id: string) => [["conference", id], ["conferences"]];

/** 守秘義務の誓約: who from outside the council undertook secrecy, when, recorded by whom; the
 * participants from outside still without one (their minutes withhold the details). */
export function Undertakings({ c }: { c: View }) {
  const { t } = useTranslation();
  const rights = useConferencesRights();
  const missing = c.participants.filter(
    (p) => OUTSIDE_KINDS.includes(p.kind) && !c.undertakings.some((u) => u.participant_name === p.name && u.organisation === p.organisation),
  );
  return (
    <section aria-labelledby="undertakings-title">
      <TitledTable
        id="undertakings-title"
        title={t("conferencesDesk.undertakings.title")}
        empty={t("conferencesDesk.undertakings.none")}
        columns={[
          t("conferencesDesk.fields.participant_name"),
          t("conferencesDesk.fields.organisation"),
          t("conferencesDesk.fields.undertaken_on"),
          t("conferencesDesk.fields.undertaking_reference"),
          t("conferencesDesk.fields.recorded_by"),
        ]}
        items={c.undertakings}
        row={(u) => (
          <tr key={`${u.participant_name}/${u.organisation}`} data-undertaking={u.participant_name}>
            <td>{u.participant_name}</td>
            <td>
              {u.organisation}
              <div className="detail">{t(`conferencesDesk.participantKind.${u.participant_kind}`, { defaultValue: u.participant_kind })}</div>
            </td>
            <td>{formatDate(u.undertaken_on)}</td>
            <td>{u.reference ?? t("conferencesDesk.none")}</td>
            <td>
              <span data-field="recorded_by" title={u.recorded_by}>{u.recorded_by_name ?? u.recorded_by}</span>
              <div className="detail">{formatDateTime(u.recorded_at)}</div>
            </td>
          </tr>
        )}
      />
      {missing.length > 0 && (
        <p className="hint" data-missing-undertakings={missing.map((p) => p.name).join(" ")}>
          <strong>{t("conferencesDesk.undertakings.missing")}</strong> {missing.map((p) => `${p.name}（${p.organisation}）`).join("、")}
        </p>
      )}
      {rights.write && <UndertakingForm c={c} />}
    </section>
  );
}

function UndertakingForm({ c }: { c: View }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [organisation, setOrganisation] = useState("");
  const [kind, setKind] = useState("");
  const [undertakenOn, setUndertakenOn] = useState("");
  const [reference, setReference] = useState("");
  const outside = c.participants.filter((p) => OUTSIDE_KINDS.includes(p.kind));
  const reset = () => {
    setName("");
    setOrganisation("");
    setKind("");
    setUndertakenOn("");
    setReference("");
  };
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/undertakings", {
          params: { path: { conference_id: c.conference_id } },
          body: {
            participant_name: name,
            organisation,
            participant_kind: kind as "expert",
            undertaken_on: undertakenOn,
            reference: reference.trim() || null,
            expected_version: c.version,
          },
        }),
      ),
    refreshOf(c.conference_id),
    reset,
  );
  const err = fieldErrors(mutation.error);
  const rule = (f: string) => rulesOf("conferences", "UndertakingBody", f);
  // After the meeting, pick one who took part; before it, write the expected participant.
  const pick = c.status === "held" && outside.length > 0;
  return (
    <CommandForm id="undertaking" title={t("conferencesDesk.undertakings.formTitle")} submit={t("conferencesDesk.undertakings.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      {pick ? (
        <SelectField
          name="undertaking_participant"
          label={t("conferencesDesk.fields.participant_name")}
          value={String(outside.findIndex((p) => p.name === name && p.organisation === organisation)).replace("-1", "")}
          onChange={(v) => {
            const p = v === "" ? undefined : outside[Number(v)];
            setName(p?.name ?? "");
            setOrganisation(p?.organisation ?? "");
            setKind(p?.kind ?? "");
          }}
          options={outside.map((p, n) => ({ value: String(n), label: `${p.name}（${p.organisation}）` }))}
          placeholder={t("form.choose")}
          required
          error={err.participant_name ?? err.organisation ?? err.participant_kind}
        />
      ) : (
        <>
          <TextField name="undertaking_name" label={t("conferencesDesk.fields.participant_name")} value={name} onChange={setName} rules={rule("participant_name")} error={err.participant_name} />
          <TextField name="undertaking_organisation" label={t("conferencesDesk.fields.organisation")} value={organisation} onChange={setOrganisation} rules={rule("organisation")} error={err.organisation} />
          <SelectField
            name="undertaking_kind"
            label={t("conferencesDesk.fields.participant_kind")}
            value={kind}
            onChange={setKind}
            options={OUTSIDE_KINDS.map((k) => ({ value: k, label: t(`conferencesDesk.participantKind.${k}`) }))}
            placeholder={t("form.choose")}
            required
            error={err.participant_kind}
          />
        </>
      )}
      <TextField name="undertaken_on" type="date" label={t("conferencesDesk.fields.undertaken_on")} value={undertakenOn} onChange={setUndertakenOn} rules={{ required: true }} error={err.undertaken_on} />
      <TextField name="undertaking_reference" label={t("conferencesDesk.fields.undertaking_reference")} value={reference} onChange={setReference} rules={rule("reference")} error={err.reference} />
      <p className="hint">{t("conferencesDesk.undertakings.hint")}</p>
    </CommandForm>
  );
}

/** 事例検討会: the cases presented (by any department, without identifying details) and the advice on each. */
export function StudyCases({ c }: { c: View }) {
  const { t } = useTranslation();
  const rights = useConferencesRights();
  const staff = useStaff();
  const presents = staff.role === "worker" || staff.role === "manager";
  return (
    <section aria-labelledby="study-cases-title">
      <h2 id="study-cases-title">{t("conferencesDesk.studyCases.title")}</h2>
      {c.study_cases.length ? (
        <ol className="study-cases" aria-labelledby="study-cases-title">
          {c.study_cases.map((s) => (
            <li key={s.study_case_id} data-study-case={s.study_case_id}>
              <StudyCaseEntry c={c} s={s} advises={rights.write && c.status === "held"} />
            </li>
          ))}
        </ol>
      ) : (
        <p>{t("conferencesDesk.studyCases.none")}</p>
      )}
      {presents && <PresentForm c={c} />}
    </section>
  );
}

function StudyCaseEntry({ c, s, advises }: { c: View; s: StudyCase; advises: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="words">{s.summary ?? <Withheld />}</p>
      <p className="detail">
        {t(`departments.${s.presented_by_department}`, { defaultValue: s.presented_by_department })}
        {" ・ "}
        {s.reached_service ? t("conferencesDesk.studyCases.reached") : t("conferencesDesk.studyCases.notReached")}
        {s.discussed_case_id && (
          <>
            {" ・ "}
            {t("conferencesDesk.fields.case_id")}: {s.discussed_case_id}
          </>
        )}
      </p>
      <h3>{t("conferencesDesk.studyCases.advice")}</h3>
      {s.advice.length ? (
        <ul data-field="advice">
          {s.advice.map((a, n) => (
            <li key={n}>
              <strong>
                {a.adviser_name}（{t(`conferencesDesk.expertise.${a.expertise}`, { defaultValue: a.expertise })}）
              </strong>{" "}
              {a.advice ?? <Withheld />}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("conferencesDesk.studyCases.noAdvice")}</p>
      )}
      {advises && <AdviceForm c={c} s={s} />}
    </>
  );
}

function PresentForm({ c }: { c: View }) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState("");
  const [caseId, setCaseId] = useState("");
  const [reached, setReached] = useState(false);
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/study-cases", {
          params: { path: { conference_id: c.conference_id } },
          body: { summary, discussed_case_id: caseId.trim() || null, reached_service: reached, expected_version: c.version },
        }),
      ),
    refreshOf(c.conference_id),
    () => {
      setSummary("");
      setCaseId("");
      setReached(false);
    },
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="present-case" title={t("conferencesDesk.studyCases.formTitle")} submit={t("conferencesDesk.studyCases.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      <TextArea name="study_summary" label={t("conferencesDesk.fields.study_summary")} hint={t("conferencesDesk.studyCases.summaryHint")} value={summary} onChange={setSummary} rules={rulesOf("conferences", "StudyCaseBody", "summary")} rows={3} error={err.summary} />
      <TextField name="discussed_case_id" label={t("conferencesDesk.fields.discussed_case_id")} hint={t("conferencesDesk.studyCases.caseHint")} value={caseId} onChange={setCaseId} rules={rulesOf("conferences", "StudyCaseBody", "discussed_case_id")} error={err.discussed_case_id} />
      <Checkbox name="reached_service" label={t("conferencesDesk.fields.reached_service")} checked={reached} onChange={setReached} />
    </CommandForm>
  );
}

function AdviceForm({ c, s }: { c: View; s: StudyCase }) {
  const { t } = useTranslation();
  const [adviser, setAdviser] = useState("");
  const [expertise, setExpertise] = useState("");
  const [advice, setAdvice] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/study-cases/{study_case_id}/advice", {
          params: { path: { conference_id: c.conference_id, study_case_id: s.study_case_id } },
          body: { adviser_name: adviser, expertise: expertise as "law", advice, expected_version: c.version },
        }),
      ),
    refreshOf(c.conference_id),
    () => {
      setAdviser("");
      setExpertise("");
      setAdvice("");
    },
  );
  const err = fieldErrors(mutation.error);
  const id = `advice-${s.study_case_id}`;
  return (
    <CommandForm id={id} title={t("conferencesDesk.studyCases.adviceTitle")} submit={t("conferencesDesk.studyCases.adviceSubmit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      <SelectField
        name={`${id}-adviser`}
        label={t("conferencesDesk.fields.adviser_name")}
        value={adviser}
        onChange={setAdviser}
        options={c.participants.map((p) => ({ value: p.name, label: `${p.name}（${p.organisation}）` }))}
        placeholder={t("form.choose")}
        required
        error={err.adviser_name}
      />
      <SelectField
        name={`${id}-expertise`}
        label={t("conferencesDesk.fields.expertise")}
        value={expertise}
        onChange={setExpertise}
        options={EXPERTISE.map((k) => ({ value: k, label: t(`conferencesDesk.expertise.${k}`) }))}
        placeholder={t("form.choose")}
        required
        error={err.expertise}
      />
      <TextArea name={`${id}-text`} label={t("conferencesDesk.fields.advice")} value={advice} onChange={setAdvice} rules={rulesOf("conferences", "AdviceBody", "advice")} rows={2} error={err.advice} />
    </CommandForm>
  );
}
