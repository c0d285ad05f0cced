import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/districts";
import { rulesOf } from "../../api/rules";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Redacted, Withheld } from "../../components/States";
import { formatDate, formatDateTime, isoToJstInput, jstInputToIso } from "../../time";
import { CommandForm, fieldErrors, serviceToday, useCommand, YesNo } from "../loans/common";
import { ActionItemTable } from "../conferences/Work";
import { APPROACHES, FREQUENCIES, lines, useDistrictsRights, VISIT_OUTCOMES, WATCHER_ROLES } from "./common";
import { useAreaNames, useAreaOptions, withCurrent } from "./hooks";

type Detail = components["schemas"]["DistrictCaseDetail"];
const PAGE = 20;
const STATUSES = ["concern", "watched"] as const;

/** 地区の個別支援一覧: the cases districts look after, counted by status, filtered and paged by the service. */
export function DistrictCaseListPage() {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const [status, setStatus] = useState("");
  const [district, setDistrict] = useState("");
  const [offset, setOffset] = useState(0);
  const districts = useAreaOptions("district_council");
  const names = useAreaNames();
  const query = useQuery({
    queryKey: ["district-cases", status, district, offset],
    queryFn: () =>
      ok(
        api.districts.GET("/cases", {
          params: { query: { status: status || undefined, district_id: district || undefined, limit: PAGE, offset } },
        }),
      ),
  });
  const page = query.data;
  const total = page ? Object.values(page.counts).reduce((a, b) => a + b, 0) : 0;
  return (
    <section aria-labelledby="district-cases-title">
      <h1 id="district-cases-title">{t("districtsDesk.cases.title")}</h1>
      <div className="filters">
        <SelectField
          name="district_id"
          label={t("districtsDesk.files.district")}
          value={district}
          onChange={(v) => {
            setDistrict(v);
            setOffset(0);
          }}
          placeholder={t("districtsDesk.all")}
          options={districts}
        />
        {rights.write && (
          <Link className="button" to="/districts/concerns/new">
            {t("districtsDesk.cases.newConcern")}
          </Link>
        )}
      </div>
      {page && (
        <ul className="counts" aria-label={t("districtsDesk.cases.countsLabel")}>
          <li>
            <button type="button" aria-pressed={status === ""} onClick={() => { setStatus(""); setOffset(0); }}>
              {t("districtsDesk.all")} <span className="count">{total}</span>
            </button>
          </li>
          {STATUSES.map((s) => (
            <li key={s}>
              <button type="button" aria-pressed={status === s} data-status={s} onClick={() => { setStatus(s); setOffset(0); }}>
                {t(`districtsDesk.caseStatus.${s}`)} <span className="count">{page.counts[s] ?? 0}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        {page && (
          <>
            <table className="data">
              <caption className="visually-hidden">{t("districtsDesk.cases.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("districtsDesk.fields.case_id")}</th>
                  <th scope="col">{t("districtsDesk.files.district")}</th>
                  <th scope="col">{t("districtsDesk.fields.status")}</th>
                  <th scope="col">{t("districtsDesk.fields.concerns")}</th>
                  <th scope="col">{t("districtsDesk.fields.visit_count")}</th>
                  <th scope="col">{t("districtsDesk.fields.last_visit")}</th>
                  <th scope="col">{t("districtsDesk.fields.watch")}</th>
                  <th scope="col">{t("districtsDesk.fields.updated_at")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => (
                  <tr key={c.case_id} data-case={c.case_id}>
                    <td>
                      <Link to={`/districts/cases/${encodeURIComponent(c.case_id)}`}>{c.case_id}</Link>
                    </td>
                    <td>{names(c.district_id)}</td>
                    <td>
                      <span className={`status status-${c.status}`}>{t(`districtsDesk.caseStatus.${c.status}`, { defaultValue: c.status })}</span>
                      {c.refused && <span className="tag">{t("districtsDesk.fields.refused")}</span>}
                    </td>
                    <td>{c.concerns}</td>
                    <td>{c.visit_count}</td>
                    <td>
                      {formatDateTime(c.last_visited_at)}
                      {c.last_visit_outcome && <div className="detail">{t(`districtsDesk.visitOutcome.${c.last_visit_outcome}`, { defaultValue: c.last_visit_outcome })}</div>}
                    </td>
                    <td>
                      {c.watch_frequency && t(`districtsDesk.frequency.${c.watch_frequency}`, { defaultValue: c.watch_frequency })}
                      {c.watch_approach && <div className="detail">{t(`districtsDesk.approach.${c.watch_approach}`, { defaultValue: c.watch_approach })}</div>}
                    </td>
                    <td>{formatDateTime(c.updated_at)}</td>
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

type ConcernForm = { referral_id: string; case_id: string; district_id: string; reported_by: string; reporter: string; concern: string };

/** 見守りの気づき: from a referral the team accepted, or on a case (new or already looked after). */
export function ConcernFormPanel({ caseId, districtId }: { caseId?: string; districtId?: string | null }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState<ConcernForm>({
    referral_id: params.get("referral_id") ?? "",
    case_id: caseId ?? params.get("case_id") ?? "",
    district_id: districtId ?? params.get("district_id") ?? "",
    reported_by: "",
    reporter: "",
    concern: "",
  });
  const districts = useAreaOptions("district_council");
  const accepted = useQuery({
    queryKey: ["referrals", "districts", "accepted-for-concerns"],
    queryFn: () => ok(api.districts.GET("/referrals/inbox", { params: { query: { status: "accepted", limit: 100 } } })),
    enabled: !caseId,
  });
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/watch-concerns", {
          body: {
            referral_id: form.referral_id || null,
            case_id: form.case_id.trim() || null,
            district_id: form.district_id,
            reported_by: form.reported_by,
            reporter: form.reporter.trim() || null,
            concern: form.concern,
          },
        }),
      ),
    [["district-cases"], ["district-case"]],
    (reply) => {
      if (!caseId) navigate(`/districts/cases/${encodeURIComponent(reply.case_id)}`);
      else setForm({ ...form, reporter: "", concern: "" });
    },
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof ConcernForm) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "ConcernBody", f);
  return (
    <CommandForm
      id="concern"
      title={caseId ? t("districtsDesk.concernForm.addToCase") : t("districtsDesk.concernForm.title")}
      submit={t("districtsDesk.concernForm.submit")}
      run={() => mutation.mutate()}
      refresh={[["district-case"]]}
      error={mutation.error}
      pending={mutation.isPending}
    >
      {!caseId && (
        <>
          <SelectField
            name="referral_id"
            label={t("districtsDesk.concernForm.fromReferral")}
            hint={t("districtsDesk.concernForm.fromReferralHint")}
            value={form.referral_id}
            onChange={set("referral_id")}
            placeholder={t("districtsDesk.concernForm.noReferral")}
            options={(accepted.data?.items ?? []).map((r) => ({
              value: r.referral_id,
              label: `${formatDateTime(r.made_at)} ${t(`departments.${r.source_department}`)} — ${r.reason_category ? codes.label("referral_reasons", r.reason_category) : ""} (${r.case_id})`,
            }))}
            error={err.referral_id}
          />
          <TextField name="case_id" label={t("districtsDesk.fields.case_id")} hint={t("districtsDesk.concernForm.caseHint")} value={form.case_id} onChange={set("case_id")} rules={rule("case_id")} error={err.case_id} />
        </>
      )}
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={form.district_id} onChange={set("district_id")} placeholder={t("form.choose")} options={withCurrent(districts, form.district_id)} required error={err.district_id} />
      <SelectField name="reported_by" label={t("districtsDesk.fields.reported_by")} value={form.reported_by} onChange={set("reported_by")} options={codes.options("consultation_sources")} placeholder={t("form.choose")} required error={err.reported_by} />
      <TextField name="reporter" label={t("districtsDesk.fields.reporter")} value={form.reporter} onChange={set("reporter")} rules={rule("reporter")} error={err.reporter} />
      <TextArea name="concern" label={t("districtsDesk.fields.concern")} hint={t("districtsDesk.concernForm.concernHint")} value={form.concern} onChange={set("concern")} rules={rule("concern")} error={err.concern} rows={3} />
    </CommandForm>
  );
}

export function NewConcernPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="new-concern-title">
      <h1 id="new-concern-title">{t("districtsDesk.concernForm.title")}</h1>
      <ConcernFormPanel />
    </section>
  );
}

type Entry = { at: string; kind: string; title: string; body: ReactNode };

function entriesOf(c: Detail, t: (k: string, o?: Record<string, unknown>) => string, label: (list: string, code: string) => string): Entry[] {
  const withheld = <Withheld />;
  const entries: Entry[] = [
    ...c.concerns.map((x) => ({
      at: x.raised_at,
      kind: "concern",
      title: t("districtsDesk.entry.concern"),
      body: (
        <>
          <div>
            {label("consultation_sources", x.reported_by)}
            {x.reporter ? `（${x.reporter}）` : c.redacted.includes("concerns.reporter") ? <> {withheld}</> : null}
          </div>
          <div className="words">{x.concern ?? withheld}</div>
          {x.referral_id && <div className="detail">{t("districtsDesk.fields.referral_id")}: {x.referral_id}</div>}
        </>
      ),
    })),
    ...c.visits.map((x) => ({
      at: x.visited_at,
      kind: "visit",
      title: t("districtsDesk.entry.visit"),
      body: (
        <>
          <div>
            <strong>{t(`districtsDesk.visitOutcome.${x.outcome}`)}</strong>
            {x.visitors.length > 0 && <span className="detail"> {x.visitors.join("、")}</span>}
          </div>
          {x.note ? <div className="words">{x.note}</div> : c.redacted.includes("visits.note") ? withheld : null}
        </>
      ),
    })),
    ...(c.watch_over
      ? [
          {
            at: c.watch_over.started_on,
            kind: "watch",
            title: t("districtsDesk.entry.watchStarted"),
            body: (
              <div>
                {t(`districtsDesk.approach.${c.watch_over.approach}`)}・{t(`districtsDesk.frequency.${c.watch_over.frequency}`)}
              </div>
            ),
          },
        ]
      : []),
    ...c.salon_attendance.map((x) => ({
      at: x.attended_on,
      kind: "salon",
      title: t("districtsDesk.entry.salon"),
      body: (
        <div>
          {x.salon_name}
          {x.first_visit && <span className="tag">{t("districtsDesk.fields.first_visit")}</span>}
        </div>
      ),
    })),
    ...c.volunteer_roles.map((x) => ({
      at: x.started_on,
      kind: "role",
      title: t("districtsDesk.entry.role"),
      body: (
        <div>
          {x.activity}：{x.role}
        </div>
      ),
    })),
  ];
  // A bare date (YYYY-MM-DD) sorts as the start of its day in JST.
  const instant = (at: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T00:00:00+09:00` : at).getTime();
  return entries.sort((a, b) => instant(a.at) - instant(b.at));
}

/** 個別支援記録: one case's concerns, visits, watch-over, salons and roles as one history, and what staff record next. */
export function DistrictCasePage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useDistrictsRights();
  const { caseId = "" } = useParams();
  const names = useAreaNames();
  const query = useQuery({
    queryKey: ["district-case", caseId],
    queryFn: () => ok(api.districts.GET("/cases/{case_id}", { params: { path: { case_id: caseId } } })),
  });
  const items = useQuery({
    queryKey: ["action-items", "case", caseId],
    queryFn: () => ok(api.conferences.GET("/action-items", { params: { query: { case_id: caseId } } })),
  });
  const c = query.data;
  const tt = (k: string, o?: Record<string, unknown>) => t(k, o ?? {});
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {c && (
        <section aria-labelledby="district-case-title">
          <h1 id="district-case-title">
            {t("districtsDesk.cases.detailTitle")} <span className="case-id">{c.case_id}</span>{" "}
            <span className={`status status-${c.status}`} data-status={c.status}>
              {t(`districtsDesk.caseStatus.${c.status}`, { defaultValue: c.status ?? "" })}
            </span>
          </h1>
          <Redacted fields={c.redacted} />
          <dl className="facts">
            <dt>{t("districtsDesk.files.district")}</dt>
            <dd data-field="district_id">{names(c.district_id ?? "")}</dd>
            <dt>{t("districtsDesk.fields.refused")}</dt>
            <dd data-field="refused">{c.refused ? <strong>{t("districtsDesk.cases.refusedFlag")}</strong> : <YesNo value={false} />}</dd>
            <dt>{t("districtsDesk.cases.watchNow")}</dt>
            <dd data-field="watch">
              {c.watch_over ? (
                <>
                  {t(`districtsDesk.approach.${c.watch_over.approach}`)}・{t(`districtsDesk.frequency.${c.watch_over.frequency}`)}（
                  {formatDate(c.watch_over.started_on)}〜）
                  <div className="detail">
                    {c.watch_over.watchers.map((w) => `${w.name}（${t(`districtsDesk.watcherRole.${w.role}`, { defaultValue: w.role })}）`).join("、")}
                  </div>
                </>
              ) : (
                t("districtsDesk.cases.notWatched")
              )}
            </dd>
          </dl>
          <p>
            <Link to={`/cases/${encodeURIComponent(c.case_id)}`}>{t("districtsDesk.cases.openCase")}</Link>
          </p>
          <h2 id="district-timeline-title">{t("districtsDesk.cases.timeline")}</h2>
          <ol className="timeline" aria-labelledby="district-timeline-title">
            {entriesOf(c, tt, codes.label).map((e, n) => (
              <li key={n} className="entry" data-entry={e.kind}>
                <div>
                  <strong>{e.title}</strong> <span className="detail">{/^\d{4}-\d{2}-\d{2}$/.test(e.at) ? formatDate(e.at) : formatDateTime(e.at)}</span>
                </div>
                {e.body}
              </li>
            ))}
          </ol>
          <h2>{t("districtsDesk.cases.actionItems")}</h2>
          <QueryState isLoading={items.isLoading} error={items.error} isEmpty={!items.data?.items.length}>
            {items.data && <ActionItemTable items={items.data.items} />}
          </QueryState>
          {rights.write && <CaseCommands c={c} />}
        </section>
      )}
    </QueryState>
  );
}

function CaseCommands({ c }: { c: Detail }) {
  return (
    <>
      <VisitForm c={c} />
      {c.watch_over ? <EndWatchForm c={c} /> : <WatchForm c={c} />}
      <SalonForm c={c} />
      <RoleForm c={c} />
      <ConcernFormPanel caseId={c.case_id} districtId={c.district_id} />
    </>
  );
}

const refreshOf = (caseId: string) => [["district-case", caseId], ["district-cases"], ["district-salons"], ["district-volunteers"]];

function nowJstInput(): string {
  return isoToJstInput(new Date().toISOString());
}

function VisitForm({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const [visitedAt, setVisitedAt] = useState(nowJstInput());
  const [outcome, setOutcome] = useState("");
  const [visitors, setVisitors] = useState("");
  const [note, setNote] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/cases/{case_id}/outreach-visits", {
          params: { path: { case_id: c.case_id } },
          body: {
            visited_at: visitedAt ? jstInputToIso(visitedAt) : "",
            outcome: outcome as "reached",
            visitors: lines(visitors),
            note: note || null,
            expected_version: c.version,
          },
        }),
      ),
    refreshOf(c.case_id),
    () => {
      setOutcome("");
      setNote("");
    },
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="visit" title={t("districtsDesk.visitForm.title")} submit={t("districtsDesk.visitForm.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.case_id)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="visited_at" type="datetime-local" label={t("districtsDesk.fields.visited_at")} value={visitedAt} onChange={setVisitedAt} rules={{ required: true }} error={err.visited_at} />
      <SelectField name="outcome" label={t("districtsDesk.fields.outcome")} value={outcome} onChange={setOutcome} options={VISIT_OUTCOMES.map((o) => ({ value: o, label: t(`districtsDesk.visitOutcome.${o}`) }))} placeholder={t("form.choose")} required error={err.outcome} />
      <TextArea name="visitors" label={t("districtsDesk.fields.visitors")} value={visitors} onChange={setVisitors} rows={2} error={err.visitors} />
      <TextArea name="note" label={t("districtsDesk.fields.note")} value={note} onChange={setNote} rules={rulesOf("districts", "VisitBody", "note")} rows={2} error={err.note} />
    </CommandForm>
  );
}

type WatcherInput = { name: string; role: string };

function WatchForm({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const [watchers, setWatchers] = useState<WatcherInput[]>([{ name: "", role: "" }]);
  const [frequency, setFrequency] = useState("");
  const [approach, setApproach] = useState("");
  const [startedOn, setStartedOn] = useState(serviceToday());
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/cases/{case_id}/watch-over", {
          params: { path: { case_id: c.case_id } },
          body: {
            watchers: watchers.filter((w) => w.name.trim() || w.role) as components["schemas"]["Watcher"][],
            frequency: frequency as "daily",
            approach: approach as "in_contact",
            started_on: startedOn,
            expected_version: c.version,
          },
        }),
      ),
    refreshOf(c.case_id),
  );
  const err = fieldErrors(mutation.error);
  const setWatcher = (n: number, patch: Partial<WatcherInput>) => setWatchers(watchers.map((w, i) => (i === n ? { ...w, ...patch } : w)));
  return (
    <CommandForm id="watch" title={t("districtsDesk.watchForm.title")} submit={t("districtsDesk.watchForm.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.case_id)} error={mutation.error} pending={mutation.isPending}>
      {c.refused && <p className="hint">{t("districtsDesk.watchForm.refusedHint")}</p>}
      <fieldset className={`field${err.watchers ? " invalid" : ""}`}>
        <legend>{t("districtsDesk.fields.watchers")}</legend>
        {watchers.map((w, n) => (
          <div key={n} className="filters entry-row" role="group" aria-label={`${t("districtsDesk.fields.watchers")} ${n + 1}`}>
            <TextField name={`watchers.${n}.name`} label={t("districtsDesk.fields.watcher_name")} value={w.name} onChange={(name) => setWatcher(n, { name })} error={err[`watchers.${n}.name`]} />
            <SelectField name={`watchers.${n}.role`} label={t("districtsDesk.fields.watcher_role")} value={w.role} onChange={(role) => setWatcher(n, { role })} options={WATCHER_ROLES.map((r) => ({ value: r, label: t(`districtsDesk.watcherRole.${r}`) }))} placeholder={t("form.choose")} error={err[`watchers.${n}.role`]} />
            {watchers.length > 1 && (
              <button type="button" className="secondary" onClick={() => setWatchers(watchers.filter((_, i) => i !== n))}>
                {t("districtsDesk.watchForm.removeWatcher")}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setWatchers([...watchers, { name: "", role: "" }])}>
          {t("districtsDesk.watchForm.addWatcher")}
        </button>
        {err.watchers && (
          <small className="field-error" role="alert">
            {err.watchers}
          </small>
        )}
      </fieldset>
      <SelectField name="frequency" label={t("districtsDesk.fields.frequency")} value={frequency} onChange={setFrequency} options={FREQUENCIES.map((f) => ({ value: f, label: t(`districtsDesk.frequency.${f}`) }))} placeholder={t("form.choose")} required error={err.frequency} />
      <SelectField name="approach" label={t("districtsDesk.fields.approach")} value={approach} onChange={setApproach} options={APPROACHES.map((a) => ({ value: a, label: t(`districtsDesk.approach.${a}`) }))} placeholder={t("form.choose")} required error={err.approach} />
      <TextField name="started_on" type="date" label={t("districtsDesk.fields.started_on")} value={startedOn} onChange={setStartedOn} rules={{ required: true }} error={err.started_on} />
    </CommandForm>
  );
}

function EndWatchForm({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/cases/{case_id}/watch-over/end", {
          params: { path: { case_id: c.case_id } },
          body: { reason, expected_version: c.version },
        }),
      ),
    refreshOf(c.case_id),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="end-watch" title={t("districtsDesk.endWatchForm.title")} submit={t("districtsDesk.endWatchForm.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.case_id)} error={mutation.error} pending={mutation.isPending} danger>
      <TextArea name="reason" label={t("districtsDesk.fields.reason")} value={reason} onChange={setReason} rules={rulesOf("districts", "EndWatchBody", "reason")} rows={2} error={err.reason} />
    </CommandForm>
  );
}

function SalonForm({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const [salon, setSalon] = useState(c.salon_attendance.at(-1)?.salon_name ?? "");
  const [attendedOn, setAttendedOn] = useState(serviceToday());
  const [note, setNote] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/cases/{case_id}/salon-attendance", {
          params: { path: { case_id: c.case_id } },
          body: { salon_name: salon, attended_on: attendedOn, note: note || null, expected_version: c.version },
        }),
      ),
    refreshOf(c.case_id),
    () => setNote(""),
  );
  const err = fieldErrors(mutation.error);
  const rule = (f: string) => rulesOf("districts", "SalonBody", f);
  return (
    <CommandForm id="salon" title={t("districtsDesk.salonForm.title")} submit={t("districtsDesk.salonForm.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.case_id)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="salon_name" label={t("districtsDesk.fields.salon_name")} value={salon} onChange={setSalon} rules={rule("salon_name")} error={err.salon_name} />
      <TextField name="attended_on" type="date" label={t("districtsDesk.fields.attended_on")} value={attendedOn} onChange={setAttendedOn} rules={{ required: true }} error={err.attended_on} />
      <TextArea name="salon_note" label={t("districtsDesk.fields.note")} value={note} onChange={setNote} rules={rule("note")} rows={2} error={err.note} />
    </CommandForm>
  );
}

function RoleForm({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const [role, setRole] = useState("");
  const [activity, setActivity] = useState("");
  const [startedOn, setStartedOn] = useState(serviceToday());
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/cases/{case_id}/volunteer-roles", {
          params: { path: { case_id: c.case_id } },
          body: { role, activity, started_on: startedOn, expected_version: c.version },
        }),
      ),
    refreshOf(c.case_id),
    () => {
      setRole("");
      setActivity("");
    },
  );
  const err = fieldErrors(mutation.error);
  const rule = (f: string) => rulesOf("districts", "RoleBody", f);
  return (
    <CommandForm id="role" title={t("districtsDesk.roleForm.title")} submit={t("districtsDesk.roleForm.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.case_id)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="role" label={t("districtsDesk.fields.role")} hint={t("districtsDesk.roleForm.roleHint")} value={role} onChange={setRole} rules={rule("role")} error={err.role} />
      <TextField name="activity" label={t("districtsDesk.fields.activity")} hint={t("districtsDesk.roleForm.activityHint")} value={activity} onChange={setActivity} rules={rule("activity")} error={err.activity} />
      <TextField name="role_started_on" type="date" label={t("districtsDesk.fields.started_on")} value={startedOn} onChange={setStartedOn} rules={{ required: true }} error={err.started_on} />
    </CommandForm>
  );
}

