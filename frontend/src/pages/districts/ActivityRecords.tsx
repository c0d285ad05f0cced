import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import type { components } from "../../api/generated/districts";
import { rulesOf } from "../../api/rules";
import { useStaff } from "../../auth/useStaff";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { jstToday, thisMonth, useDistrictsRights } from "./common";
import { useAreaNames, useAreaOptions } from "./hooks";

type Record = components["schemas"]["ActivityRecordView"];
type Entry = { on: string; district_id: string; purpose: string; done: string; impressions: string };
const STATUSES = ["draft", "submitted", "manager_approved", "approved", "returned"] as const;
const KEY = ["activity-records"];
const PAGE = 24;

/** The approval step the signed-in staff member takes: 地域福祉課長 (manager), 局長 (director), or none. */
function useStep(): "manager" | "director" | null {
  const staff = useStaff();
  if (staff.department !== "districts") return null;
  return staff.role === "manager" ? "manager" : staff.role === "director" ? "director" : null;
}

function StatusBadge({ record }: { record: Pick<Record, "status"> }) {
  const { t } = useTranslation();
  return <span className={`status status-${record.status}`}>{t(`districtsDesk.activity.statuses.${record.status}`)}</span>;
}

function authorOf(r: Pick<Record, "author_name" | "staff_id">): string {
  return r.author_name ?? r.staff_id;
}

/** 自分の地区活動記録: my records by month, a new month's record, and what the approvers said. */
export function MyActivityRecordsPage() {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: [...KEY, "mine", offset],
    queryFn: () => ok(api.districts.GET("/activity-records/mine", { params: { query: { limit: PAGE, offset } } })),
  });
  const page = query.data;
  return (
    <section aria-labelledby="my-activity-title">
      <h1 id="my-activity-title">{t("districtsDesk.activity.mineTitle")}</h1>
      <p className="hint">{t("districtsDesk.activity.mineHint")}</p>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length} emptyText={t("districtsDesk.activity.noneYet")}>
        <RecordTable items={page?.items ?? []} caption={t("districtsDesk.activity.mineTitle")} showAuthor={false} />
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
      {rights.write && <NewRecordForm />}
    </section>
  );
}

function NewRecordForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [month, setMonth] = useState(thisMonth());
  const mutation = useCommand(
    () => ok(api.districts.POST("/activity-records", { body: { month, entries: [] } })),
    [KEY],
    (made) => navigate(`/districts/activity-records/${encodeURIComponent(made.record_id)}`),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="new-activity" title={t("districtsDesk.activity.newTitle")} submit={t("districtsDesk.activity.create")} run={() => mutation.mutate()} refresh={[KEY]} error={mutation.error} pending={mutation.isPending}>
      <TextField name="month" type="month" label={t("districtsDesk.activity.month")} value={month} onChange={setMonth} rules={{ required: true }} error={err.month} />
    </CommandForm>
  );
}

function RecordTable({ items, caption, showAuthor = true, showRemarks = false }: { items: Record[]; caption: string; showAuthor?: boolean; showRemarks?: boolean }) {
  const { t } = useTranslation();
  return (
    <table className="data activity-records">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("districtsDesk.activity.month")}</th>
          {showAuthor && <th scope="col">{t("districtsDesk.activity.author")}</th>}
          <th scope="col">{t("districtsDesk.activity.status")}</th>
          <th scope="col">{t("districtsDesk.activity.entryCount")}</th>
          <th scope="col">{t("districtsDesk.activity.submissions")}</th>
          {showRemarks && <th scope="col">{t("districtsDesk.activity.remarks")}</th>}
          <th scope="col">{t("districtsDesk.activity.updatedAt")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.record_id} data-record={r.record_id} data-status={r.status}>
            <td>
              <Link to={`/districts/activity-records/${encodeURIComponent(r.record_id)}`}>{r.month}</Link>
            </td>
            {showAuthor && <td>{authorOf(r)}</td>}
            <td>
              <StatusBadge record={r} />
            </td>
            <td>{r.entry_count}</td>
            <td>{r.submissions}</td>
            {showRemarks && (
              <td>
                <RemarkList record={r} compact />
              </td>
            )}
            <td>{formatDateTime(r.updated_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The comments, returns and approvals of a record, oldest first. */
function RemarkList({ record, compact = false }: { record: Record; compact?: boolean }) {
  const { t } = useTranslation();
  if (!record.remarks.length) return compact ? null : <p className="empty">{t("districtsDesk.activity.noRemarks")}</p>;
  return (
    <ul className={compact ? "remarks compact" : "remarks"} aria-label={t("districtsDesk.activity.remarks")}>
      {record.remarks.map((r, n) => (
        <li key={n} data-kind={r.kind}>
          <strong>
            {t(`districtsDesk.activity.steps.${r.step}`)} {t(`districtsDesk.activity.remarkKinds.${r.kind}`)}
          </strong>
          {r.text && <span className="remark-text">「{r.text}」</span>}
          <small className="detail">
            {r.by_name ?? r.by}・{formatDateTime(r.at)}
          </small>
        </li>
      ))}
    </ul>
  );
}

/** One record: its entries (editable by its author as a draft or once returned), remarks and approval. */
export function ActivityRecordPage() {
  const { t } = useTranslation();
  const { recordId = "" } = useParams();
  const staff = useStaff();
  const step = useStep();
  const query = useQuery({
    queryKey: [...KEY, "one", recordId],
    queryFn: () => ok(api.districts.GET("/activity-records/{record_id}", { params: { path: { record_id: recordId } } })),
    // Another staff member may have decided a moment ago: what the record waits for is always read anew.
    staleTime: 0,
  });
  const record = query.data;
  const mine = record?.staff_id === staff.id;
  const editable = mine && (record?.status === "draft" || record?.status === "returned");
  const decides = record != null && !mine && step != null && record.waiting_for === step;
  return (
    <section aria-labelledby="activity-record-title">
      <p>
        <Link to="/districts/activity-records">{t("districtsDesk.activity.backToMine")}</Link>
      </p>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {record && (
          <>
            <h1 id="activity-record-title">{t("districtsDesk.activity.recordTitle", { month: record.month, author: authorOf(record) })}</h1>
            <dl className="facts">
              <dt>{t("districtsDesk.activity.status")}</dt>
              <dd data-testid="activity-status">
                <StatusBadge record={record} />
                {record.waiting_for && <span className="detail"> {t(`districtsDesk.activity.waitingFor.${record.waiting_for}`)}</span>}
              </dd>
              <dt>{t("districtsDesk.activity.submissions")}</dt>
              <dd>{record.submissions}</dd>
            </dl>
            <h2>{t("districtsDesk.activity.remarks")}</h2>
            <RemarkList record={record} />
            {editable ? (
              <EntryEditor key={`${record.record_id}-${record.version}`} record={record} />
            ) : (
              <>
                <h2>{t("districtsDesk.activity.entries")}</h2>
                <EntryTable record={record} />
              </>
            )}
            {decides && <ApprovalForm record={record} step={step} />}
          </>
        )}
      </QueryState>
    </section>
  );
}

function EntryTable({ record }: { record: Record }) {
  const { t } = useTranslation();
  const names = useAreaNames();
  if (!record.entries.length) return <p className="empty">{t("districtsDesk.activity.noEntries")}</p>;
  return (
    <table className="data activity-entries">
      <caption className="visually-hidden">{t("districtsDesk.activity.entries")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("districtsDesk.activity.fields.on")}</th>
          <th scope="col">{t("districtsDesk.activity.fields.district_id")}</th>
          <th scope="col">{t("districtsDesk.activity.fields.purpose")}</th>
          <th scope="col">{t("districtsDesk.activity.fields.done")}</th>
          <th scope="col">{t("districtsDesk.activity.fields.impressions")}</th>
        </tr>
      </thead>
      <tbody>
        {record.entries.map((e, n) => (
          <tr key={n}>
            <td>{formatDate(e.on)}</td>
            <td>{names(e.district_id)}</td>
            <td>{e.purpose}</td>
            <td>{e.done}</td>
            <td>{e.impressions ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The author's entries as a whole: add, change, remove, save (修正) and submit (提出・再提出). */
function EntryEditor({ record }: { record: Record }) {
  const { t } = useTranslation();
  const districts = useAreaOptions("district_council");
  const [entries, setEntries] = useState<Entry[]>(
    record.entries.map((e) => ({ on: e.on, district_id: e.district_id, purpose: e.purpose, done: e.done, impressions: e.impressions ?? "" })),
  );
  const defaultDay = jstToday().startsWith(record.month) ? jstToday() : `${record.month}-01`;
  const setEntry = (n: number, change: Partial<Entry>) => setEntries(entries.map((e, i) => (i === n ? { ...e, ...change } : e)));
  const body = () =>
    entries.map((e) => ({ on: e.on, district_id: e.district_id, purpose: e.purpose.trim(), done: e.done.trim(), impressions: e.impressions.trim() || null }));
  const refresh = [KEY];
  const save = useCommand(
    () =>
      ok(
        api.districts.PUT("/activity-records/{record_id}", {
          params: { path: { record_id: record.record_id } },
          body: { entries: body(), expected_version: record.version },
        }),
      ),
    refresh,
  );
  const submit = useCommand(
    async () => {
      const saved = await ok(
        api.districts.PUT("/activity-records/{record_id}", {
          params: { path: { record_id: record.record_id } },
          body: { entries: body(), expected_version: record.version },
        }),
      );
      return ok(
        api.districts.POST("/activity-records/{record_id}/submit", {
          params: { path: { record_id: record.record_id } },
          body: { expected_version: saved.version },
        }),
      );
    },
    refresh,
  );
  const error = submit.error ?? save.error;
  const err = fieldErrors(error);
  const rule = (f: string) => rulesOf("districts", "ActivityEntryBody", f);
  return (
    <CommandForm
      id="activity-entries"
      title={record.status === "returned" ? t("districtsDesk.activity.reworkTitle") : t("districtsDesk.activity.entries")}
      submit={record.status === "returned" ? t("districtsDesk.activity.resubmit") : t("districtsDesk.activity.submit")}
      run={() => submit.mutate()}
      refresh={refresh}
      error={error}
      pending={submit.isPending || save.isPending}
    >
      {entries.length === 0 && <p className="empty">{t("districtsDesk.activity.noEntries")}</p>}
      {err.entries && (
        <p className="field-error" role="alert">
          {err.entries}
        </p>
      )}
      {entries.map((e, n) => (
        <fieldset key={n} className="entry" data-entry={n}>
          <legend>{t("districtsDesk.activity.entryN", { n: n + 1 })}</legend>
          <TextField name={`entries.${n}.on`} type="date" label={t("districtsDesk.activity.fields.on")} value={e.on} onChange={(on) => setEntry(n, { on })} rules={{ required: true }} error={err[`entries.${n}.on`]} />
          <SelectField name={`entries.${n}.district_id`} label={t("districtsDesk.activity.fields.district_id")} value={e.district_id} onChange={(district_id) => setEntry(n, { district_id })} options={districts} placeholder={t("form.choose")} required error={err[`entries.${n}.district_id`]} />
          <TextField name={`entries.${n}.purpose`} label={t("districtsDesk.activity.fields.purpose")} value={e.purpose} onChange={(purpose) => setEntry(n, { purpose })} rules={rule("purpose")} error={err[`entries.${n}.purpose`]} />
          <TextArea name={`entries.${n}.done`} label={t("districtsDesk.activity.fields.done")} value={e.done} onChange={(done) => setEntry(n, { done })} rules={rule("done")} rows={3} error={err[`entries.${n}.done`]} />
          <TextArea name={`entries.${n}.impressions`} label={t("districtsDesk.activity.fields.impressions")} value={e.impressions} onChange={(impressions) => setEntry(n, { impressions })} rules={rule("impressions")} rows={3} error={err[`entries.${n}.impressions`]} />
          <div className="actions">
            <button type="button" onClick={() => setEntries(entries.filter((_, i) => i !== n))}>
              {t("districtsDesk.activity.removeEntry")}
            </button>
          </div>
        </fieldset>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setEntries([...entries, { on: defaultDay, district_id: "", purpose: "", done: "", impressions: "" }])}>
          {t("districtsDesk.activity.addEntry")}
        </button>
        <button type="button" disabled={save.isPending || submit.isPending} onClick={() => save.mutate()}>
          {t("districtsDesk.activity.save")}
        </button>
      </div>
    </CommandForm>
  );
}

/** 承認・コメント・差し戻し at the approver's step (課長, then 局長). */
function ApprovalForm({ record, step }: { record: Record; step: "manager" | "director" }) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const queryClient = useQueryClient();
  const path = { record_id: record.record_id };
  const mutation = useMutation({
    mutationFn: (action: "approve" | "comment" | "return") => {
      const words = text.trim();
      if (action === "approve")
        return ok(api.districts.POST("/activity-records/{record_id}/approve", { params: { path }, body: { comment: words || null, expected_version: record.version } }));
      if (action === "comment")
        return ok(api.districts.POST("/activity-records/{record_id}/comment", { params: { path }, body: { comment: words, expected_version: record.version } }));
      return ok(api.districts.POST("/activity-records/{record_id}/return", { params: { path }, body: { reason: words, expected_version: record.version } }));
    },
    onSuccess: async () => {
      setText("");
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
  const err = fieldErrors(mutation.error);
  const run = (action: "approve" | "comment" | "return") => mutation.mutate(action);
  return (
    <CommandForm id="activity-approval" title={t("districtsDesk.activity.approvalTitle", { step: t(`districtsDesk.activity.steps.${step}`) })} submit={t("districtsDesk.activity.approve")} run={() => run("approve")} refresh={[KEY]} error={mutation.error} pending={mutation.isPending}>
      <TextArea name="remark" label={t("districtsDesk.activity.remarkLabel")} hint={t("districtsDesk.activity.remarkHint")} value={text} onChange={setText} rules={{ maxLength: 2000 }} error={err.reason ?? err.comment} />
      <div className="actions">
        <button type="button" disabled={mutation.isPending} onClick={() => run("comment")}>
          {t("districtsDesk.activity.comment")}
        </button>
        <button type="button" className="danger" disabled={mutation.isPending} onClick={() => run("return")}>
          {t("districtsDesk.activity.return")}
        </button>
      </div>
    </CommandForm>
  );
}

/** 承認待ち: the records waiting for my step (課長: submitted; 局長: approved by the 課長). */
export function ActivityQueuePage() {
  const { t } = useTranslation();
  const step = useStep();
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: [...KEY, "queue", offset],
    queryFn: () => ok(api.districts.GET("/activity-records/queue", { params: { query: { limit: PAGE, offset } } })),
    staleTime: 0,
  });
  const page = query.data;
  return (
    <section aria-labelledby="activity-queue-title">
      <h1 id="activity-queue-title">{t("districtsDesk.activity.queueTitle")}</h1>
      <p className="hint">{step ? t(`districtsDesk.activity.queueHint.${step}`) : ""}</p>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length} emptyText={t("districtsDesk.activity.queueEmpty")}>
        <RecordTable items={page?.items ?? []} caption={t("districtsDesk.activity.queueTitle")} showRemarks />
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
    </section>
  );
}

/** 職員会議: the month's records of all district staff, their status and the approvers' remarks. */
export function StaffMeetingPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(thisMonth());
  const [status, setStatus] = useState("");
  const [offset, setOffset] = useState(0);
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const query = useQuery({
    queryKey: [...KEY, "meeting", month, status, offset],
    queryFn: () =>
      ok(api.districts.GET("/activity-records", { params: { query: { month, status: (status || undefined) as Record["status"] | undefined, limit: PAGE, offset } } })),
    enabled: valid,
  });
  const page = query.data;
  const counts: { [status: string]: number } = page?.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const choose = (s: string) => {
    setStatus(s);
    setOffset(0);
  };
  return (
    <section aria-labelledby="staff-meeting-title">
      <h1 id="staff-meeting-title">{t("districtsDesk.activity.meetingTitle")}</h1>
      <p className="hint">{t("districtsDesk.activity.meetingHint")}</p>
      <div className="filters">
        <TextField name="month" type="month" label={t("districtsDesk.activity.month")} value={month} onChange={(m) => { setMonth(m); setOffset(0); }} rules={{ required: true }} error={valid ? undefined : t("districtsDesk.activity.monthInvalid")} />
      </div>
      {page && (
        <ul className="counts" aria-label={t("districtsDesk.activity.countsLabel")}>
          <li>
            <button type="button" aria-pressed={status === ""} onClick={() => choose("")}>
              {t("districtsDesk.all")} <span className="count">{total}</span>
            </button>
          </li>
          {STATUSES.map((s) => (
            <li key={s}>
              <button type="button" aria-pressed={status === s} data-status={s} onClick={() => choose(s)}>
                {t(`districtsDesk.activity.statuses.${s}`)} <span className="count">{counts[s] ?? 0}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <QueryState isLoading={valid && query.isLoading} error={query.error} isEmpty={!page?.items.length} emptyText={t("districtsDesk.activity.meetingEmpty")}>
        <RecordTable items={page?.items ?? []} caption={t("districtsDesk.activity.meetingTitle")} showRemarks />
        {page && <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />}
      </QueryState>
    </section>
  );
}
