import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";

import { api, ApiError, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/districts";
import { rulesOf } from "../../api/rules";
import { Checkbox, SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Redacted, Withheld } from "../../components/States";
import { formatDate, formatDateTime, isoToJstInput, jstInputToIso } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { jstToday, thisFiscalYear, thisMonth, useDistrictsRights } from "./common";
import { useAreaNames, useAreaOptions } from "./hooks";
import { LaterIssueForm } from "./Later";

type Team = components["schemas"]["TeamView"];
type Meeting = components["schemas"]["MeetingRow"];
type Consultation = components["schemas"]["DeskConsultationRow"];

/** The team roles of a district support team (network_member_kinds flagged team). */
const TEAM_KINDS = ["resident_coordinator", "welfare_commissioner", "csw"] as const;
const BASIS_KINDS = ["none", "consent", "statutory"] as const;
const LIMIT = 20;

/** A field's server message, whether the service named it `rows[0].f` (a rule) or `rows.0.f` (a shape). */
function rowError(err: Record<string, string>, list: string, n: number, f: string): string | undefined {
  return err[`${list}[${n}].${f}`] ?? err[`${list}.${n}.${f}`];
}

// --- 地区支援チーム -----------------------------------------------------------------------------------

type MemberInput = { kind: string; name: string; staff_id: string };

/** 地区支援チーム: a district's resident coordinator, 民生委員 and CSW; a change replaces the team (If-Match). */
export function SupportTeamPage() {
  const { t } = useTranslation();
  const districts = useAreaOptions("district_council");
  const [district, setDistrict] = useState("");
  const rights = useDistrictsRights();
  const query = useQuery({
    queryKey: ["support-team", district],
    enabled: !!district,
    retry: false,
    queryFn: async () => {
      try {
        return await ok(api.districts.GET("/support-teams/{district_id}", { params: { path: { district_id: district } } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null; // no team yet
        throw error;
      }
    },
  });
  const team = query.data ?? null;
  return (
    <section aria-labelledby="team-title">
      <h1 id="team-title">{t("districtsDesk.network.team.title")}</h1>
      <p className="hint">{t("districtsDesk.network.team.hint")}</p>
      <div className="filters">
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={district} onChange={setDistrict} placeholder={t("form.choose")} options={districts} />
      </div>
      {district && (
        <QueryState isLoading={query.isLoading} error={query.error} isEmpty={query.isSuccess && team === null} emptyText={t("districtsDesk.network.team.none")}>
          {team && <TeamTable team={team} />}
        </QueryState>
      )}
      {district && rights.write && !query.isLoading && <TeamForm key={`${district}-${team?.version ?? 0}`} district={district} team={team} />}
    </section>
  );
}

function TeamTable({ team }: { team: Team }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  return (
    <>
      <table className="data" data-team={team.district_id}>
        <caption className="visually-hidden">{t("districtsDesk.network.team.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("districtsDesk.network.fields.role")}</th>
            <th scope="col">{t("districtsDesk.network.fields.name")}</th>
            <th scope="col">{t("districtsDesk.network.fields.staff_id")}</th>
          </tr>
        </thead>
        <tbody>
          {team.members.map((m, n) => (
            <tr key={n} data-kind={m.kind}>
              <td>{codes.label("network_member_kinds", m.kind)}</td>
              <td>{m.name}</td>
              <td>{m.staff_id ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        {t("districtsDesk.network.team.version", { version: team.version, at: formatDateTime(team.updated_at) })}
        {team.note ? ` — ${team.note}` : ""}
      </p>
    </>
  );
}

function TeamForm({ district, team }: { district: string; team: Team | null }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const initial: MemberInput[] = team
    ? team.members.map((m) => ({ kind: m.kind, name: m.name, staff_id: m.staff_id ?? "" }))
    : TEAM_KINDS.map((kind) => ({ kind, name: "", staff_id: "" }));
  const [members, setMembers] = useState<MemberInput[]>(initial);
  const [note, setNote] = useState("");
  const setMember = (n: number, patch: Partial<MemberInput>) => setMembers(members.map((m, i) => (i === n ? { ...m, ...patch } : m)));
  const kinds = codes.options("network_member_kinds").filter((o) => (TEAM_KINDS as readonly string[]).includes(o.value));
  const refresh = [["support-team", district]];
  const mutation = useCommand(
    () =>
      ok(
        api.districts.PUT("/support-teams/{district_id}", {
          params: { path: { district_id: district } },
          body: {
            members: members.map((m) => ({ kind: m.kind, name: m.name.trim(), staff_id: m.staff_id.trim() || null })),
            note: note.trim() || null,
            expected_version: team?.version ?? null,
          },
        }),
      ),
    refresh,
    () => setNote(""),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="team-form" title={team ? t("districtsDesk.network.team.change") : t("districtsDesk.network.team.set")} submit={t("districtsDesk.network.team.submit")} run={() => mutation.mutate()} refresh={refresh} error={mutation.error} pending={mutation.isPending}>
      <fieldset className={`field wide${err.members ? " invalid" : ""}`}>
        <legend>{t("districtsDesk.network.fields.members")}</legend>
        {members.map((m, n) => (
          <div key={n} className="filters entry-row" role="group" aria-label={t("districtsDesk.network.team.memberN", { n: n + 1 })} data-member={n}>
            <SelectField name={`members.${n}.kind`} label={t("districtsDesk.network.fields.role")} value={m.kind} onChange={(kind) => setMember(n, { kind })} options={kinds} placeholder={t("form.choose")} required error={rowError(err, "members", n, "kind")} />
            <TextField name={`members.${n}.name`} label={t("districtsDesk.network.fields.name")} value={m.name} onChange={(name) => setMember(n, { name })} error={rowError(err, "members", n, "name")} />
            <TextField name={`members.${n}.staff_id`} label={t("districtsDesk.network.fields.staff_id")} hint={m.kind === "csw" ? t("districtsDesk.network.team.staffIdHint") : undefined} value={m.staff_id} onChange={(staff_id) => setMember(n, { staff_id })} error={rowError(err, "members", n, "staff_id")} />
            {members.length > 1 && (
              <button type="button" className="secondary" onClick={() => setMembers(members.filter((_, i) => i !== n))}>
                {t("districtsDesk.network.remove")}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setMembers([...members, { kind: "", name: "", staff_id: "" }])}>
          {t("districtsDesk.network.team.addMember")}
        </button>
        {err.members && (
          <small className="field-error" role="alert">
            {err.members}
          </small>
        )}
      </fieldset>
      <TextField name="note" label={t("districtsDesk.network.fields.note")} value={note} onChange={setNote} error={err.note} />
    </CommandForm>
  );
}

// --- 地区支援ネットワーク会議 ----------------------------------------------------------------------------

/** 地区支援ネットワーク会議: the monthly meetings per district, and the form that records one. */
export function NetworkMeetingsPage() {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const districts = useAreaOptions("district_council");
  const names = useAreaNames();
  const codes = useCodeLists();
  const [district, setDistrict] = useState("");
  const [month, setMonth] = useState("");
  const [offset, setOffset] = useState(0);
  const valid = /^\d{4}-\d{2}$/.test(month);
  const query = useQuery({
    queryKey: ["network-meetings", district, valid ? month : "", offset],
    queryFn: () =>
      ok(
        api.districts.GET("/network-meetings", {
          params: { query: { district_id: district || undefined, month: valid ? month : undefined, limit: LIMIT, offset } },
        }),
      ),
  });
  const page = query.data;
  return (
    <section aria-labelledby="meetings-title">
      <h1 id="meetings-title">{t("districtsDesk.network.meetings.title")}</h1>
      <p className="hint">{t("districtsDesk.network.meetings.hint")}</p>
      <div className="filters">
        <SelectField name="district_filter" label={t("districtsDesk.files.district")} value={district} onChange={(v) => (setDistrict(v), setOffset(0))} placeholder={t("districtsDesk.all")} options={districts} />
        <TextField name="month" type="month" label={t("districtsDesk.schedule.month")} value={month} onChange={(v) => (setMonth(v), setOffset(0))} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        <table className="data meetings">
          <caption className="visually-hidden">{t("districtsDesk.network.meetings.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.network.fields.held_on")}</th>
              <th scope="col">{t("districtsDesk.files.district")}</th>
              <th scope="col">{t("districtsDesk.network.fields.participants")}</th>
              <th scope="col">{t("districtsDesk.network.fields.cases_discussed")}</th>
              <th scope="col">{t("districtsDesk.network.fields.issues")}</th>
              <th scope="col">{t("districtsDesk.network.meetings.record")}</th>
            </tr>
          </thead>
          <tbody>
            {(page?.items ?? []).map((m: Meeting) => (
              <tr key={m.meeting_id} data-meeting={m.meeting_id}>
                <td className="nowrap">{formatDate(m.held_on)}</td>
                <td>{names(m.district_id)}</td>
                <td>{t("districtsDesk.network.meetings.participantCount", { count: m.participants.length, outside: m.outside_participants })}</td>
                <td>{m.cases_discussed}</td>
                <td>
                  <ul className="plain">
                    {m.issues.map((i) => (
                      <li key={i.issue_id}>
                        <span className="tag">{codes.label("district_issue_categories", i.category)}</span> {i.description}
                        {i.raised_on ? <small className="hint">（{t("districtsDesk.later.raisedOn", { date: formatDate(i.raised_on) })}）</small> : null}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <Link to={`/districts/network-meetings/${m.meeting_id}`}>{t("districtsDesk.network.meetings.open")}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
      <IssueAccumulation district={district} />
      {rights.write && <MeetingForm />}
    </section>
  );
}

/** ケースの積み上げ: this fiscal year's district issues from network meetings and desk consultations,
 * per district and month (reporting's statistics). */
function IssueAccumulation({ district }: { district: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const names = useAreaNames();
  const from = `${thisFiscalYear()}-04`;
  const to = thisMonth();
  const query = useQuery({
    queryKey: ["district-issue-accumulation", from, to, district],
    queryFn: () =>
      ok(
        api.reporting.GET("/statistics/district-issue-accumulation", {
          params: { query: { from_month: from, to_month: to, district_id: district || undefined } },
        }),
      ),
  });
  const body = query.data;
  return (
    <section aria-labelledby="accumulation-title">
      <h2 id="accumulation-title">{t("districtsDesk.network.accumulation.title")}</h2>
      <p className="hint">{t("districtsDesk.network.accumulation.hint", { from, to })}</p>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!body?.months.length}>
        <table className="data accumulation">
          <caption className="visually-hidden">{t("districtsDesk.network.accumulation.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.schedule.month")}</th>
              <th scope="col">{t("districtsDesk.files.district")}</th>
              <th scope="col">{t("districtsDesk.network.accumulation.meeting")}</th>
              <th scope="col">{t("districtsDesk.network.accumulation.desk")}</th>
              <th scope="col">{t("districtsDesk.network.accumulation.total")}</th>
              <th scope="col">{t("districtsDesk.network.fields.category")}</th>
            </tr>
          </thead>
          <tbody>
            {(body?.months ?? []).map((m) => (
              <tr key={`${m.month}-${m.district_id}`} data-month={m.month} data-district={m.district_id}>
                <td className="nowrap">{m.month.replace("-", "/")}</td>
                <td>{names(m.district_id)}</td>
                <td>{m.meeting_issues}</td>
                <td>{m.desk_consultations}</td>
                <td>{m.total}</td>
                <td>
                  {Object.entries(m.by_category)
                    .map(([code, n]) => `${codes.label("district_issue_categories", code)} ${n}`)
                    .join("、")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </section>
  );
}

/** One network meeting: who took part, the district issues, the cases shared (words for district staff only). */
export function NetworkMeetingPage() {
  const { t } = useTranslation();
  const { meetingId = "" } = useParams();
  const names = useAreaNames();
  const codes = useCodeLists();
  const query = useQuery({
    queryKey: ["network-meeting", meetingId],
    queryFn: () => ok(api.districts.GET("/network-meetings/{meeting_id}", { params: { path: { meeting_id: meetingId } } })),
  });
  const m = query.data;
  return (
    <section aria-labelledby="meeting-title">
      <p>
        <Link to="/districts/network-meetings">{t("districtsDesk.network.meetings.back")}</Link>
      </p>
      <h1 id="meeting-title">
        {t("districtsDesk.network.meetings.one")}
        {m ? ` ${formatDate(m.held_on)} ${names(m.district_id)}` : ""}
      </h1>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {m && (
          <>
            {m.minutes && <p>{m.minutes}</p>}
            <p className="hint">{t("districtsDesk.network.meetings.teamVersion", { version: m.team_version, outside: m.outside_participants })}</p>
            <h2>{t("districtsDesk.network.fields.participants")}</h2>
            <ul className="plain" aria-label={t("districtsDesk.network.fields.participants")}>
              {m.participants.map((p, n) => (
                <li key={n}>
                  {p.name}（{codes.label("network_member_kinds", p.kind)}
                  {p.organisation ? `・${p.organisation}` : ""}）
                </li>
              ))}
            </ul>
            <h2>{t("districtsDesk.network.fields.issues")}</h2>
            {m.issues.length ? (
              <ul className="plain" aria-label={t("districtsDesk.network.fields.issues")}>
                {m.issues.map((i) => (
                  <li key={i.issue_id} data-issue={i.category}>
                    <span className="tag">{codes.label("district_issue_categories", i.category)}</span> {i.description}
                    {i.raised_on ? <small className="hint">（{t("districtsDesk.later.raisedOn", { date: formatDate(i.raised_on) })}）</small> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">{t("districtsDesk.none")}</p>
            )}
            <h2>{t("districtsDesk.network.fields.cases")}</h2>
            {m.cases.length ? (
              <table className="data">
                <caption className="visually-hidden">{t("districtsDesk.network.fields.cases")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("districtsDesk.fields.case_id")}</th>
                    <th scope="col">{t("districtsDesk.network.fields.basis")}</th>
                    <th scope="col">{t("districtsDesk.network.fields.summary")}</th>
                    <th scope="col">{t("districtsDesk.network.fields.next_steps")}</th>
                  </tr>
                </thead>
                <tbody>
                  {m.cases.map((c) => (
                    <tr key={c.discussion_id} data-discussion={c.discussion_id}>
                      <td>{c.case_id ? <Link to={`/districts/cases/${c.case_id}`}>{c.case_id}</Link> : t("districtsDesk.network.anonymous")}</td>
                      <td>
                        {t(`districtsDesk.network.basisKind.${c.basis_kind}`, { defaultValue: c.basis_kind })}
                        {c.basis_reference ? `（${c.basis_reference}）` : ""}
                      </td>
                      <td>{c.redacted?.includes("summary") ? <Withheld /> : c.summary}</td>
                      <td>{c.redacted?.includes("next_steps") ? <Withheld /> : (c.next_steps ?? "")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="empty">{t("districtsDesk.none")}</p>
            )}
            <Redacted fields={[...new Set(m.cases.flatMap((c) => c.redacted ?? []))]} />
            <LaterIssueForm meeting={m} />
          </>
        )}
      </QueryState>
    </section>
  );
}

type ParticipantInput = { name: string; kind: string; organisation: string };
type CaseInput = { case_id: string; basis_kind: string; basis_reference: string; summary: string; next_steps: string };
type IssueInput = { category: string; description: string };

function MeetingForm() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const districts = useAreaOptions("district_council");
  const [district, setDistrict] = useState("");
  const [heldOn, setHeldOn] = useState(jstToday());
  const [participants, setParticipants] = useState<ParticipantInput[]>([{ name: "", kind: "", organisation: "" }]);
  const [cases, setCases] = useState<CaseInput[]>([]);
  const [issues, setIssues] = useState<IssueInput[]>([]);
  const [minutes, setMinutes] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const setP = (n: number, patch: Partial<ParticipantInput>) => setParticipants(participants.map((p, i) => (i === n ? { ...p, ...patch } : p)));
  const setC = (n: number, patch: Partial<CaseInput>) => setCases(cases.map((c, i) => (i === n ? { ...c, ...patch } : c)));
  const setI = (n: number, patch: Partial<IssueInput>) => setIssues(issues.map((x, i) => (i === n ? { ...x, ...patch } : x)));
  const rule = (f: string) => rulesOf("districts", "MeetingBody", f);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/network-meetings", {
          body: {
            district_id: district,
            held_on: heldOn,
            participants: participants.map((p) => ({ name: p.name.trim(), kind: p.kind, organisation: p.organisation.trim() || null })),
            cases: cases.map((c) => ({
              case_id: c.case_id.trim() || null,
              basis: { kind: c.basis_kind as (typeof BASIS_KINDS)[number], reference: c.basis_reference.trim() || null },
              summary: c.summary.trim(),
              next_steps: c.next_steps.trim() || null,
            })),
            issues: issues.map((x) => ({ category: x.category, description: x.description.trim() })),
            minutes: minutes.trim() || null,
          },
        }),
      ),
    [["network-meetings"]],
    (reply) => {
      setDone(reply.meeting_id);
      setParticipants([{ name: "", kind: "", organisation: "" }]);
      setCases([]);
      setIssues([]);
      setMinutes("");
    },
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="meeting-form" title={t("districtsDesk.network.meetings.form")} submit={t("districtsDesk.network.meetings.submit")} run={() => (setDone(null), mutation.mutate())} refresh={[["network-meetings"]]} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={district} onChange={setDistrict} placeholder={t("form.choose")} options={districts} required error={err.district_id} />
      <TextField name="held_on" type="date" label={t("districtsDesk.network.fields.held_on")} value={heldOn} onChange={setHeldOn} rules={{ required: true }} error={err.held_on} />
      <fieldset className={`field wide${err.participants ? " invalid" : ""}`}>
        <legend>{t("districtsDesk.network.fields.participants")}</legend>
        <p className="hint">{t("districtsDesk.network.meetings.participantsHint")}</p>
        {participants.map((p, n) => (
          <div key={n} className="filters entry-row" role="group" aria-label={t("districtsDesk.network.meetings.participantN", { n: n + 1 })} data-participant={n}>
            <TextField name={`participants.${n}.name`} label={t("districtsDesk.network.fields.name")} value={p.name} onChange={(name) => setP(n, { name })} error={rowError(err, "participants", n, "name")} />
            <SelectField name={`participants.${n}.kind`} label={t("districtsDesk.network.fields.member_kind")} value={p.kind} onChange={(kind) => setP(n, { kind })} options={codes.options("network_member_kinds")} placeholder={t("form.choose")} required error={rowError(err, "participants", n, "kind")} />
            <TextField name={`participants.${n}.organisation`} label={t("districtsDesk.network.fields.organisation")} value={p.organisation} onChange={(organisation) => setP(n, { organisation })} error={rowError(err, "participants", n, "organisation")} />
            {participants.length > 1 && (
              <button type="button" className="secondary" onClick={() => setParticipants(participants.filter((_, i) => i !== n))}>
                {t("districtsDesk.network.remove")}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setParticipants([...participants, { name: "", kind: "", organisation: "" }])}>
          {t("districtsDesk.network.meetings.addParticipant")}
        </button>
        {err.participants && (
          <small className="field-error" role="alert">
            {err.participants}
          </small>
        )}
      </fieldset>
      <fieldset className="field wide">
        <legend>{t("districtsDesk.network.fields.cases")}</legend>
        <p className="hint">{t("districtsDesk.network.meetings.casesHint")}</p>
        {cases.map((c, n) => (
          <div key={n} className="filters entry-row" role="group" aria-label={t("districtsDesk.network.meetings.caseN", { n: n + 1 })} data-case={n}>
            <TextField name={`cases.${n}.case_id`} label={t("districtsDesk.fields.case_id")} hint={t("districtsDesk.network.meetings.caseIdHint")} value={c.case_id} onChange={(case_id) => setC(n, { case_id })} error={rowError(err, "cases", n, "case_id")} />
            <SelectField name={`cases.${n}.basis`} label={t("districtsDesk.network.fields.basis")} value={c.basis_kind} onChange={(basis_kind) => setC(n, { basis_kind })} options={BASIS_KINDS.map((k) => ({ value: k, label: t(`districtsDesk.network.basisKind.${k}`) }))} required error={rowError(err, "cases", n, "basis")} />
            <TextField name={`cases.${n}.basis_reference`} label={t("districtsDesk.network.fields.basis_reference")} value={c.basis_reference} onChange={(basis_reference) => setC(n, { basis_reference })} error={rowError(err, "cases", n, "basis.reference")} />
            <TextArea name={`cases.${n}.summary`} label={t("districtsDesk.network.fields.summary")} value={c.summary} onChange={(summary) => setC(n, { summary })} rows={2} error={rowError(err, "cases", n, "summary")} />
            <TextArea name={`cases.${n}.next_steps`} label={t("districtsDesk.network.fields.next_steps")} value={c.next_steps} onChange={(next_steps) => setC(n, { next_steps })} rows={2} error={rowError(err, "cases", n, "next_steps")} />
            <button type="button" className="secondary" onClick={() => setCases(cases.filter((_, i) => i !== n))}>
              {t("districtsDesk.network.remove")}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setCases([...cases, { case_id: "", basis_kind: "none", basis_reference: "", summary: "", next_steps: "" }])}>
          {t("districtsDesk.network.meetings.addCase")}
        </button>
      </fieldset>
      <fieldset className="field wide">
        <legend>{t("districtsDesk.network.fields.issues")}</legend>
        {issues.map((x, n) => (
          <div key={n} className="filters entry-row" role="group" aria-label={t("districtsDesk.network.meetings.issueN", { n: n + 1 })} data-issue-row={n}>
            <SelectField name={`issues.${n}.category`} label={t("districtsDesk.network.fields.category")} value={x.category} onChange={(category) => setI(n, { category })} options={codes.options("district_issue_categories")} placeholder={t("form.choose")} required error={rowError(err, "issues", n, "category")} />
            <TextField name={`issues.${n}.description`} label={t("districtsDesk.network.fields.description")} value={x.description} onChange={(description) => setI(n, { description })} error={rowError(err, "issues", n, "description")} />
            <button type="button" className="secondary" onClick={() => setIssues(issues.filter((_, i) => i !== n))}>
              {t("districtsDesk.network.remove")}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setIssues([...issues, { category: "", description: "" }])}>
          {t("districtsDesk.network.meetings.addIssue")}
        </button>
      </fieldset>
      <TextArea name="minutes" label={t("districtsDesk.network.fields.minutes")} value={minutes} onChange={setMinutes} rules={rule("minutes")} rows={2} error={err.minutes} />
      {done && (
        <p role="status" className="success">
          {t("districtsDesk.network.meetings.recorded")} <Link to={`/districts/network-meetings/${done}`}>{t("districtsDesk.network.meetings.open")}</Link>
        </p>
      )}
    </CommandForm>
  );
}

// --- 福祉なんでも相談窓口 --------------------------------------------------------------------------------

/** 福祉なんでも相談窓口: a consultation taken at the district desk goes to 総合相談窓口 as a referral. */
export function DeskConsultationPage() {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const districts = useAreaOptions("district_council");
  const names = useAreaNames();
  const codes = useCodeLists();
  const [district, setDistrict] = useState("");
  const [month, setMonth] = useState(thisMonth());
  const [offset, setOffset] = useState(0);
  const valid = /^\d{4}-\d{2}$/.test(month);
  const query = useQuery({
    queryKey: ["desk-consultations", district, valid ? month : "", offset],
    queryFn: () =>
      ok(
        api.districts.GET("/desk-consultations", {
          params: { query: { district_id: district || undefined, month: valid ? month : undefined, limit: LIMIT, offset } },
        }),
      ),
  });
  const page = query.data;
  return (
    <section aria-labelledby="desk-title">
      <h1 id="desk-title">{t("districtsDesk.network.desk.title")}</h1>
      <p className="hint">{t("districtsDesk.network.desk.hint")}</p>
      {rights.write && <DeskForm />}
      <h2>{t("districtsDesk.network.desk.list")}</h2>
      <div className="filters">
        <SelectField name="district_filter" label={t("districtsDesk.files.district")} value={district} onChange={(v) => (setDistrict(v), setOffset(0))} placeholder={t("districtsDesk.all")} options={districts} />
        <TextField name="month_filter" type="month" label={t("districtsDesk.schedule.month")} value={month} onChange={(v) => (setMonth(v), setOffset(0))} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        <table className="data desk">
          <caption className="visually-hidden">{t("districtsDesk.network.desk.list")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.network.fields.taken_at")}</th>
              <th scope="col">{t("districtsDesk.files.district")}</th>
              <th scope="col">{t("districtsDesk.network.fields.channel")}</th>
              <th scope="col">{t("districtsDesk.network.fields.consulter")}</th>
              <th scope="col">{t("districtsDesk.network.fields.summary")}</th>
              <th scope="col">{t("districtsDesk.network.fields.category")}</th>
              <th scope="col">{t("districtsDesk.network.desk.consentColumn")}</th>
            </tr>
          </thead>
          <tbody>
            {(page?.items ?? []).map((c: Consultation) => (
              <tr key={c.consultation_id} data-consultation={c.consultation_id}>
                <td className="nowrap">{formatDateTime(c.taken_at)}</td>
                <td>{names(c.district_id)}</td>
                <td>{codes.label("contact_channels", c.channel)}</td>
                <td>{c.redacted?.includes("consulter") ? <Withheld /> : (c.consulter ?? "")}</td>
                <td>{c.redacted?.includes("summary") ? <Withheld /> : c.summary}</td>
                <td>{codes.label("district_issue_categories", c.issue_category)}</td>
                <td>{c.consent_to_share ? t("form.yes") : t("form.no")}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
    </section>
  );
}

function DeskForm() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const districts = useAreaOptions("district_council");
  const empty = { district_id: "", taken_at: isoToJstInput(new Date().toISOString()), channel: "interview", consulter: "", summary: "", issue_category: "", case_id: "" };
  const [form, setForm] = useState(empty);
  const [consent, setConsent] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "DeskConsultationBody", f);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/desk-consultations", {
          body: {
            district_id: form.district_id,
            taken_at: jstInputToIso(form.taken_at),
            channel: form.channel,
            consulter: form.consulter.trim() || null,
            summary: form.summary.trim(),
            issue_category: form.issue_category,
            case_id: form.case_id.trim() || null,
            consent_to_share: consent,
          },
        }),
      ),
    [["desk-consultations"]],
    (reply) => {
      setSent(reply.referral_id);
      setForm({ ...empty, district_id: form.district_id });
      setConsent(false);
    },
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="desk-form" title={t("districtsDesk.network.desk.form")} submit={t("districtsDesk.network.desk.submit")} run={() => (setSent(null), mutation.mutate())} refresh={[["desk-consultations"]]} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={form.district_id} onChange={set("district_id")} placeholder={t("form.choose")} options={districts} required error={err.district_id} />
      <TextField name="taken_at" type="datetime-local" label={t("districtsDesk.network.fields.taken_at")} value={form.taken_at} onChange={set("taken_at")} rules={{ required: true }} error={err.taken_at} />
      <SelectField name="channel" label={t("districtsDesk.network.fields.channel")} value={form.channel} onChange={set("channel")} options={codes.options("contact_channels")} required error={err.channel} />
      <TextField name="consulter" label={t("districtsDesk.network.fields.consulter")} hint={t("districtsDesk.network.desk.consulterHint")} value={form.consulter} onChange={set("consulter")} rules={rule("consulter")} error={err.consulter} />
      <TextArea name="summary" label={t("districtsDesk.network.fields.summary")} value={form.summary} onChange={set("summary")} rules={rule("summary")} rows={3} error={err.summary} />
      <SelectField name="issue_category" label={t("districtsDesk.network.fields.category")} value={form.issue_category} onChange={set("issue_category")} options={codes.options("district_issue_categories")} placeholder={t("form.choose")} required error={err.issue_category} />
      <TextField name="case_id" label={t("districtsDesk.fields.case_id")} hint={t("districtsDesk.network.desk.caseIdHint")} value={form.case_id} onChange={set("case_id")} rules={rule("case_id")} error={err.case_id} />
      <Checkbox name="consent_to_share" label={t("districtsDesk.network.fields.consent_to_share")} checked={consent} onChange={setConsent} />
      <p className="hint">{t("districtsDesk.network.desk.consentHint")}</p>
      {sent && (
        <p role="status" className="success" data-referral={sent}>
          {t("districtsDesk.network.desk.sent")}
        </p>
      )}
    </CommandForm>
  );
}
