import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/districts";
import { rulesOf } from "../../api/rules";
import { useStaff } from "../../auth/useStaff";
import { SelectField, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { ErrorNotice, QueryState } from "../../components/States";
import { formatDate } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { COVERING_DEPARTMENTS, jstToday, thisMonth, useDistrictsRights } from "./common";
import { useAreaNames, useAreaOptions } from "./hooks";

type Row = components["schemas"]["ScheduleRow"];
const STATUSES = ["open", "handled", "escalated"] as const;
/** Rows a page of the schedule shows. */
const LIMIT = 50;

/** 地域事業月間スケジュール: a month's district meetings and events; each department says whether it handles one. */
export function SchedulePage() {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const districts = useAreaOptions("district_council");
  const [month, setMonth] = useState(thisMonth());
  const [district, setDistrict] = useState("");
  const [status, setStatusOnly] = useState("");
  const [offset, setOffset] = useState(0);
  const setStatus = (s: string) => {
    setStatusOnly(s);
    setOffset(0);
  };
  const valid = /^\d{4}-\d{2}$/.test(month);
  const query = useQuery({
    queryKey: ["district-schedule", month, district, status, offset],
    queryFn: () =>
      ok(
        api.districts.GET("/schedule", {
          params: { query: { month: valid ? month : undefined, district_id: district || undefined, status: status || undefined, limit: LIMIT, offset } },
        }),
      ),
  });
  const page = query.data;
  const total = page ? Object.values(page.counts).reduce((a, b) => a + b, 0) : 0;
  return (
    <section aria-labelledby="schedule-title">
      <h1 id="schedule-title">{t("districtsDesk.schedule.title")}</h1>
      <p className="hint">{t("districtsDesk.schedule.hint")}</p>
      <div className="filters">
        <TextField name="month" type="month" label={t("districtsDesk.schedule.month")} value={month} onChange={(v) => { setMonth(v); setOffset(0); }} />
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={district} onChange={(v) => { setDistrict(v); setOffset(0); }} placeholder={t("districtsDesk.all")} options={districts} />
      </div>
      {page && (
        <ul className="counts" aria-label={t("districtsDesk.schedule.countsLabel")}>
          <li>
            <button type="button" aria-pressed={status === ""} onClick={() => setStatus("")}>
              {t("districtsDesk.all")} <span className="count">{total}</span>
            </button>
          </li>
          {STATUSES.map((s) => (
            <li key={s}>
              <button type="button" aria-pressed={status === s} data-status={s} onClick={() => setStatus(s)}>
                {t(`districtsDesk.schedule.statuses.${s}`)} <span className="count">{page.counts[s] ?? 0}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        <ScheduleTable items={page?.items ?? []} caption={t("districtsDesk.schedule.title")} />
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
      {rights.write && <ScheduleForm />}
    </section>
  );
}

/** 他課との調整: the events every answering department declined, for managers to coordinate. */
export function EscalationsPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState("");
  const [offset, setOffset] = useState(0);
  const valid = /^\d{4}-\d{2}$/.test(month);
  const query = useQuery({
    queryKey: ["district-schedule", "escalations", month, offset],
    queryFn: () => ok(api.districts.GET("/schedule/escalations", { params: { query: { month: valid ? month : undefined, limit: LIMIT, offset } } })),
  });
  return (
    <section aria-labelledby="escalations-title">
      <h1 id="escalations-title">{t("districtsDesk.schedule.escalationsTitle")}</h1>
      <p className="hint">{t("districtsDesk.schedule.escalationsHint")}</p>
      <div className="filters">
        <TextField name="month" type="month" label={t("districtsDesk.schedule.month")} value={month} onChange={(v) => { setMonth(v); setOffset(0); }} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        <ScheduleTable items={query.data?.items ?? []} caption={t("districtsDesk.schedule.escalationsTitle")} />
        {query.data && <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />}
      </QueryState>
    </section>
  );
}

function ScheduleTable({ items, caption }: { items: Row[]; caption: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const names = useAreaNames();
  const staff = useStaff();
  const answers = (COVERING_DEPARTMENTS as readonly string[]).includes(staff.department) && (staff.role === "worker" || staff.role === "manager");
  const departments = (list: string[]) => list.map((d) => t(`departments.${d}`, { defaultValue: d })).join("、");
  return (
    <table className="data schedule">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("districtsDesk.schedule.held_on")}</th>
          <th scope="col">{t("districtsDesk.files.district")}</th>
          <th scope="col">{t("districtsDesk.schedule.eventTitle")}</th>
          <th scope="col">{t("districtsDesk.schedule.kind")}</th>
          <th scope="col">{t("districtsDesk.schedule.place")}</th>
          <th scope="col">{t("districtsDesk.schedule.handled_by")}</th>
          <th scope="col">{t("districtsDesk.schedule.declined_by")}</th>
          <th scope="col">{t("districtsDesk.schedule.status")}</th>
          {answers && <th scope="col">{t("districtsDesk.schedule.yourAnswer", { department: t(`departments.${staff.department}`) })}</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.event_id} data-event={e.event_id} data-status={e.status}>
            <td>{formatDate(e.held_on)}</td>
            <td>{names(e.district_id)}</td>
            <td>{e.title}</td>
            <td>{codes.label("district_event_kinds", e.kind)}</td>
            <td>{e.place ?? ""}</td>
            <td data-field="handled_by">{departments(e.handled_by)}</td>
            <td data-field="declined_by">{departments(e.declined_by)}</td>
            <td>
              <span className={`status status-${e.status}`}>{t(`districtsDesk.schedule.statuses.${e.status}`)}</span>
            </td>
            {answers && (
              <td>
                <CoverageButtons event={e} department={staff.department} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 対応する・対応しない for the signed-in staff member's own department (the service takes it from the token). */
function CoverageButtons({ event, department }: { event: Row; department: string }) {
  const { t } = useTranslation();
  const current = event.handled_by.includes(department) ? true : event.declined_by.includes(department) ? false : null;
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (handles: boolean) =>
      ok(api.districts.POST("/schedule/{event_id}/coverage", { params: { path: { event_id: event.event_id } }, body: { handles, expected_version: event.version } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["district-schedule"] }),
  });
  return (
    <div className="actions coverage" role="group" aria-label={`${event.title} ${t("districtsDesk.schedule.yourAnswer", { department: t(`departments.${department}`) })}`}>
      <button type="button" aria-pressed={current === true} disabled={mutation.isPending} onClick={() => current !== true && mutation.mutate(true)}>
        {t("districtsDesk.schedule.handles")}
      </button>
      <button type="button" aria-pressed={current === false} disabled={mutation.isPending} onClick={() => current !== false && mutation.mutate(false)}>
        {t("districtsDesk.schedule.declines")}
      </button>
      {mutation.error != null && <ErrorNotice error={mutation.error} />}
    </div>
  );
}

function ScheduleForm() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const districts = useAreaOptions("district_council");
  const empty = { district_id: "", title: "", kind: "", held_on: jstToday(), place: "" };
  const [form, setForm] = useState(empty);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "ScheduleBody", f);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/schedule", {
          body: { district_id: form.district_id, title: form.title.trim(), kind: form.kind, held_on: form.held_on, place: form.place.trim() || null },
        }),
      ),
    [["district-schedule"]],
    () => setForm({ ...empty, district_id: form.district_id }),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="schedule-form" title={t("districtsDesk.schedule.form.title")} submit={t("districtsDesk.schedule.form.submit")} run={() => mutation.mutate()} refresh={[["district-schedule"]]} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={form.district_id} onChange={set("district_id")} placeholder={t("form.choose")} options={districts} required error={err.district_id} />
      <TextField name="title" label={t("districtsDesk.schedule.eventTitle")} value={form.title} onChange={set("title")} rules={rule("title")} error={err.title} />
      <SelectField name="kind" label={t("districtsDesk.schedule.kind")} value={form.kind} onChange={set("kind")} placeholder={t("form.choose")} options={codes.options("district_event_kinds")} required error={err.kind} />
      <TextField name="held_on" type="date" label={t("districtsDesk.schedule.held_on")} value={form.held_on} onChange={set("held_on")} rules={{ required: true }} error={err.held_on} />
      <TextField name="place" label={t("districtsDesk.schedule.place")} value={form.place} onChange={set("place")} rules={rule("place")} error={err.place} />
    </CommandForm>
  );
}
