import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/districts";
import { rulesOf } from "../../api/rules";
import { DataTable, TitledTable } from "../../components/DataTable";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { QueryState, Redacted } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { jstToday, thisMonth, useDistrictsRights } from "./common";
import { HelperTable } from "./Files";
import { useAreaNames } from "./hooks";

type Meeting = components["schemas"]["MeetingDetail"];
type Resource = components["schemas"]["ResourceDetail"];

const STATUSES = ["draft", "submitted", "manager_approved", "approved", "returned"] as const;

/** 会議後の地域課題の追加 (district staff): on the meeting's version shown; a change meanwhile is a 409. */
export function LaterIssueForm({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useDistrictsRights();
  const empty = { category: "", description: "", raised_on: jstToday() };
  const [form, setForm] = useState(empty);
  const set = (k: keyof typeof empty) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/network-meetings/{meeting_id}/issues", {
          params: { path: { meeting_id: meeting.meeting_id } },
          body: { ...form, description: form.description.trim(), expected_version: meeting.version },
        }),
      ),
    [["network-meeting", meeting.meeting_id], ["network-meetings"]],
    () => setForm(empty),
  );
  if (!rights.write) return null;
  const err = fieldErrors(mutation.error);
  const rule = (f: string) => rulesOf("districts", "LaterIssueBody", f);
  return (
    <CommandForm
      id="later-issue"
      title={t("districtsDesk.later.issueForm.title")}
      submit={t("districtsDesk.later.issueForm.submit")}
      run={() => mutation.mutate()}
      refresh={[["network-meeting", meeting.meeting_id]]}
      error={mutation.error}
      pending={mutation.isPending}
    >
      <p className="hint">{t("districtsDesk.later.issueForm.hint")}</p>
      <SelectField
        name="later_category"
        label={t("districtsDesk.later.issueForm.category")}
        value={form.category}
        onChange={set("category")}
        placeholder={t("form.choose")}
        options={codes.options("district_issue_categories")}
        required
        error={err.category}
      />
      <TextArea name="later_description" label={t("districtsDesk.later.issueForm.description")} value={form.description} onChange={set("description")} rows={3} rules={rule("description")} error={err.description} />
      <TextField name="later_raised_on" type="date" label={t("districtsDesk.later.issueForm.raisedOn")} value={form.raised_on} onChange={set("raised_on")} rules={{ required: true }} error={err.raised_on} />
    </CommandForm>
  );
}

/** 地域資源の詳細: its facts, whom it serves, the roles taken in it, its helpers and history; district staff edit it. */
export function ResourcePage() {
  const { t } = useTranslation();
  const { resourceId = "" } = useParams();
  const codes = useCodeLists();
  const names = useAreaNames();
  const query = useQuery({
    queryKey: ["district-resource", resourceId],
    queryFn: () => ok(api.districts.GET("/resources/{resource_id}", { params: { path: { resource_id: resourceId } } })),
  });
  const r = query.data;
  return (
    <section aria-labelledby="resource-title">
      <p>
        <Link to="/districts/resources">{t("districtsDesk.later.resource.back")}</Link>
      </p>
      <h1 id="resource-title">{r ? `${r.name}（${codes.label("local_resource_kinds", r.kind)}）` : t("districtsDesk.registry.resourcesTitle")}</h1>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {r && (
          <>
            <h2>{t("districtsDesk.later.resource.facts")}</h2>
            <dl className="facts" data-testid="resource-facts">
              <dt>{t("districtsDesk.later.resource.district")}</dt>
              <dd>{names(r.district_id)}</dd>
              <dt>{t("districtsDesk.registry.address")}</dt>
              <dd>{r.address ?? ""}</dd>
              <dt>{t("districtsDesk.registry.contact")}</dt>
              <dd>{r.contact ?? ""}</dd>
              <dt>{t("districtsDesk.registry.serves")}</dt>
              <dd>{r.serves ?? ""}</dd>
              <dt>{t("districtsDesk.later.resource.served")}</dt>
              <dd>
                {t("districtsDesk.later.resource.attendances", { count: r.attendances, people: r.participants })}
                {" / "}
                {t("districtsDesk.later.resource.volunteerRoles", { count: r.volunteer_roles })}
              </dd>
              <dt>{t("districtsDesk.registry.registered_at")}</dt>
              <dd>
                {formatDateTime(r.registered_at)}（{t("districtsDesk.later.resource.version", { version: r.version })}）
              </dd>
            </dl>
            <ResourceRoles resourceId={resourceId} />
            <h2 id="resource-helpers">{t("districtsDesk.later.resource.helpers")}</h2>
            <HelperTable items={r.helpers} labelledBy="resource-helpers" />
            <ResourceHistory resourceId={resourceId} />
            <ResourceEditForm resource={r} />
          </>
        )}
      </QueryState>
    </section>
  );
}

function ResourceRoles({ resourceId }: { resourceId: string }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ["district-resource", resourceId, "roles"],
    queryFn: () => ok(api.districts.GET("/resources/{resource_id}/roles", { params: { path: { resource_id: resourceId } } })),
  });
  const items = query.data?.items ?? [];
  return (
    <>
      <h2 id="resource-roles">{t("districtsDesk.later.resource.roles")}</h2>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!items.length} emptyText={t("districtsDesk.none")}>
        <DataTable
          labelledBy="resource-roles"
          columns={[t("districtsDesk.fields.case_id"), t("districtsDesk.later.resource.role"), t("districtsDesk.later.resource.activity"), t("districtsDesk.later.resource.startedOn")]}
          items={items}
          row={(x) => (
            <tr key={x.role_id} data-role={x.role_id}>
              <td>{x.case_id ? <Link to={`/districts/cases/${x.case_id}`}>{x.case_id}</Link> : "—"}</td>
              <td>{x.role}</td>
              <td>{x.activity}</td>
              <td>{formatDate(x.started_on)}</td>
            </tr>
          )}
        />
        <Redacted fields={[...new Set(items.flatMap((x) => x.redacted ?? []))]} />
      </QueryState>
    </>
  );
}

function ResourceHistory({ resourceId }: { resourceId: string }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ["district-resource", resourceId, "history"],
    queryFn: () => ok(api.districts.GET("/resources/{resource_id}/history", { params: { path: { resource_id: resourceId } } })),
  });
  const items = query.data?.items ?? [];
  return (
    <>
      <h2 id="resource-history">{t("districtsDesk.later.resource.history")}</h2>
      <QueryState isLoading={query.isLoading} error={query.error}>
        <DataTable
          labelledBy="resource-history"
          testId="resource-history"
          columns={[t("districtsDesk.later.resource.at"), t("districtsDesk.later.resource.step"), t("districtsDesk.later.resource.changedFields"), t("districtsDesk.later.resource.by")]}
          items={items}
          row={(h) => (
            <tr key={h.version} data-step={h.step}>
              <td>{formatDateTime(h.at)}</td>
              <td>{t(`districtsDesk.later.resource.steps.${h.step}`, { defaultValue: h.step })}</td>
              <td>{(h.changed_fields ?? []).map((f) => t(`districtsDesk.registry.${f}`, { defaultValue: f })).join("、")}</td>
              <td>{h.by_name ?? h.by}</td>
            </tr>
          )}
        />
      </QueryState>
    </>
  );
}

/** 地域資源の変更 (district staff): the facts as a whole, on the version shown (409 when stale). */
function ResourceEditForm({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const initial = { name: resource.name, address: resource.address ?? "", contact: resource.contact ?? "", serves: resource.serves ?? "" };
  const [form, setForm] = useState(initial);
  const set = (k: keyof typeof initial) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const key = ["district-resource", resource.resource_id];
  const mutation = useCommand(
    () =>
      ok(
        api.districts.PUT("/resources/{resource_id}", {
          params: { path: { resource_id: resource.resource_id } },
          body: {
            name: form.name.trim(),
            address: form.address.trim() || null,
            contact: form.contact.trim() || null,
            serves: form.serves.trim() || null,
            expected_version: resource.version,
          },
        }),
      ),
    [key, ["district-resources"]],
  );
  if (!rights.write) return null;
  const err = fieldErrors(mutation.error);
  const rule = (f: string) => rulesOf("districts", "ResourceChangeBody", f);
  return (
    <CommandForm
      id="resource-edit"
      title={t("districtsDesk.later.resource.editTitle")}
      submit={t("districtsDesk.later.resource.editSubmit")}
      run={() => mutation.mutate()}
      refresh={[key]}
      error={mutation.error}
      pending={mutation.isPending}
    >
      <p className="hint">{t("districtsDesk.later.resource.editHint")}</p>
      <TextField name="edit_name" label={t("districtsDesk.registry.name")} value={form.name} onChange={set("name")} rules={rule("name")} error={err.name} />
      <TextField name="edit_address" label={t("districtsDesk.registry.address")} value={form.address} onChange={set("address")} rules={rule("address")} error={err.address} />
      <TextField name="edit_contact" label={t("districtsDesk.registry.contact")} value={form.contact} onChange={set("contact")} rules={rule("contact")} error={err.contact} />
      <TextField name="edit_serves" label={t("districtsDesk.registry.serves")} value={form.serves} onChange={set("serves")} rules={rule("serves")} error={err.serves} />
    </CommandForm>
  );
}

/** 地区活動記録の承認状況 (managers, the 局長, reporting): a month's records counted by approval step. */
export function ActivityStatsPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(thisMonth());
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const query = useQuery({
    queryKey: ["activity-record-statistics", month],
    queryFn: () => ok(api.reporting.GET("/statistics/activity-records", { params: { query: { month } } })),
    enabled: valid,
  });
  const data = query.data;
  const counts: { [status: string]: number } = data?.counts ?? {};
  return (
    <section aria-labelledby="activity-stats-title">
      <h1 id="activity-stats-title">{t("districtsDesk.later.stats.title")}</h1>
      <p className="hint">{t("districtsDesk.later.stats.hint")}</p>
      <div className="filters">
        <TextField name="month" type="month" label={t("districtsDesk.later.stats.month")} value={month} onChange={setMonth} rules={{ required: true }} error={valid ? undefined : t("districtsDesk.activity.monthInvalid")} />
      </div>
      <QueryState isLoading={query.isLoading && valid} error={query.error}>
        {data && (
          <>
            <DataTable
              caption={t("districtsDesk.later.stats.counts")}
              testId="activity-counts"
              columns={[...STATUSES.map((s) => ({ label: t(`districtsDesk.activity.statuses.${s}`), num: true })), { label: t("districtsDesk.later.stats.total"), num: true }]}
              items={[data]}
              row={(d) => (
                <tr key="counts">
                  {STATUSES.map((s) => (
                    <td key={s} className="num" data-status={s}>
                      {counts[s] ?? 0}
                    </td>
                  ))}
                  <td className="num" data-status="total">
                    {d.total}
                  </td>
                </tr>
              )}
            />
            <TitledTable
              id="activity-stats-records"
              title={t("districtsDesk.later.stats.records")}
              empty={t("districtsDesk.later.stats.empty")}
              columns={[
                t("districtsDesk.later.stats.author"),
                t("districtsDesk.activity.status"),
                { label: t("districtsDesk.later.stats.submissions"), num: true },
                { label: t("districtsDesk.later.stats.returns"), num: true },
                { label: t("districtsDesk.later.stats.comments"), num: true },
                t("districtsDesk.later.stats.updatedAt"),
              ]}
              items={data.records}
              row={(r) => (
                <tr key={r.record_id} data-record={r.record_id} data-status={r.status}>
                  <td>{r.author_name ?? r.staff_id}</td>
                  <td>
                    <span className={`status status-${r.status}`}>{t(`districtsDesk.activity.statuses.${r.status}`)}</span>
                  </td>
                  <td className="num">{r.submissions}</td>
                  <td className="num">{r.returns}</td>
                  <td className="num">{r.comments}</td>
                  <td>{formatDateTime(r.updated_at)}</td>
                </tr>
              )}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}
