import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { rulesOf } from "../../api/rules";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState } from "../../components/States";
import { formatDateTime, isoToJstInput, jstInputToIso } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { useConferencesRights } from "./common";

const PAGE = 20;
const STATUSES = ["scheduled", "held"] as const;

/** 会議一覧: conferences by case, kind and status, paged by the service. */
export function ConferenceListPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useConferencesRights();
  const [params] = useSearchParams();
  const [caseId, setCaseId] = useState(params.get("case_id") ?? "");
  const [kind, setKind] = useState("");
  const [status, setStatus] = useState("");
  const [offset, setOffset] = useState(0);
  const filter = (set: (v: string) => void) => (v: string) => {
    set(v);
    setOffset(0);
  };
  const query = useQuery({
    queryKey: ["conferences", caseId, kind, status, offset],
    queryFn: () =>
      ok(
        api.conferences.GET("/conferences", {
          params: { query: { case_id: caseId.trim() || undefined, kind: kind || undefined, status: status || undefined, limit: PAGE, offset } },
        }),
      ),
  });
  const page = query.data;
  return (
    <section aria-labelledby="conferences-title">
      <h1 id="conferences-title">{t("conferencesDesk.list.title")}</h1>
      <div className="filters">
        <TextField name="case_id" type="search" label={t("conferencesDesk.fields.case_id")} value={caseId} onChange={filter(setCaseId)} />
        <SelectField name="kind" label={t("conferencesDesk.fields.kind")} value={kind} onChange={filter(setKind)} options={codes.options("conference_kinds")} placeholder={t("conferencesDesk.all")} />
        <SelectField name="status" label={t("conferencesDesk.fields.status")} value={status} onChange={filter(setStatus)} options={STATUSES.map((s) => ({ value: s, label: t(`conferencesDesk.status.${s}`) }))} placeholder={t("conferencesDesk.all")} />
        {rights.write && (
          <Link className="button" to="/conferences/new">
            {t("conferencesDesk.list.new")}
          </Link>
        )}
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!page?.items.length}>
        {page && (
          <>
            <table className="data">
              <caption className="visually-hidden">{t("conferencesDesk.list.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("conferencesDesk.fields.scheduled_for")}</th>
                  <th scope="col">{t("conferencesDesk.fields.kind")}</th>
                  <th scope="col">{t("conferencesDesk.fields.status")}</th>
                  <th scope="col">{t("conferencesDesk.fields.basis_kind")}</th>
                  <th scope="col">{t("conferencesDesk.fields.participant_count")}</th>
                  <th scope="col">{t("conferencesDesk.fields.open_action_items")}</th>
                  <th scope="col">{t("conferencesDesk.fields.case_id")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => (
                  <tr key={c.conference_id} data-conference={c.conference_id}>
                    <td>
                      <Link to={`/conferences/${encodeURIComponent(c.conference_id)}`}>{formatDateTime(c.scheduled_for)}</Link>
                    </td>
                    <td>{codes.label("conference_kinds", c.kind)}</td>
                    <td>
                      <span className={`status status-${c.status === "held" ? "completed" : "accepted"}`}>{t(`conferencesDesk.status.${c.status}`, { defaultValue: c.status })}</span>
                      {c.held_at && <div className="detail">{formatDateTime(c.held_at)}</div>}
                    </td>
                    <td>{c.status === "held" ? t(`conferencesDesk.basisKind.${c.basis_kind}`, { defaultValue: c.basis_kind }) : ""}</td>
                    <td>
                      {c.participant_count}
                      {c.outside_participants > 0 && (
                        <div className="detail">
                          {t("conferencesDesk.fields.outside_participants")} {c.outside_participants}
                        </div>
                      )}
                    </td>
                    <td>{c.open_action_items}</td>
                    <td>
                      <Link to={`/cases/${encodeURIComponent(c.case_id)}`}>{c.case_id}</Link>
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

type ScheduleForm = { referral_id: string; case_id: string; kind: string; purpose: string; scheduled_for: string };

/** 会議の設定: from an accepted referral (its case) or for a case id. */
export function ScheduleConferencePage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState<ScheduleForm>({
    referral_id: params.get("referral_id") ?? "",
    case_id: params.get("case_id") ?? "",
    kind: "",
    purpose: "",
    scheduled_for: isoToJstInput(new Date().toISOString()),
  });
  const accepted = useQuery({
    queryKey: ["referrals", "conferences", "accepted-for-conferences"],
    queryFn: () => ok(api.conferences.GET("/referrals/inbox", { params: { query: { status: "accepted", limit: 100 } } })),
  });
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences", {
          body: {
            referral_id: form.referral_id || null,
            case_id: form.case_id.trim() || null,
            kind: form.kind,
            purpose: form.purpose,
            scheduled_for: form.scheduled_for ? jstInputToIso(form.scheduled_for) : "",
          },
        }),
      ),
    [["conferences"]],
    (reply) => navigate(`/conferences/${encodeURIComponent(reply.conference_id)}`),
  );
  const err = fieldErrors(mutation.error);
  const set = (k: keyof ScheduleForm) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("conferences", "ScheduleBody", f);
  return (
    <section aria-labelledby="schedule-title">
      <h1 id="schedule-title">{t("conferencesDesk.schedule.title")}</h1>
      <CommandForm id="schedule" title={t("conferencesDesk.schedule.title")} submit={t("conferencesDesk.schedule.submit")} run={() => mutation.mutate()} refresh={[]} error={mutation.error} pending={mutation.isPending}>
        <SelectField
          name="referral_id"
          label={t("conferencesDesk.schedule.fromReferral")}
          hint={t("conferencesDesk.schedule.fromReferralHint")}
          value={form.referral_id}
          onChange={set("referral_id")}
          placeholder={t("conferencesDesk.schedule.noReferral")}
          options={(accepted.data?.items ?? []).map((r) => ({
            value: r.referral_id,
            label: `${formatDateTime(r.made_at)} ${t(`departments.${r.source_department}`)} — ${r.reason_category ? codes.label("referral_reasons", r.reason_category) : ""} (${r.case_id})`,
          }))}
          error={err.referral_id}
        />
        <TextField name="case_id" label={t("conferencesDesk.fields.case_id")} hint={t("conferencesDesk.schedule.caseHint")} value={form.case_id} onChange={set("case_id")} rules={rule("case_id")} error={err.case_id} />
        <SelectField name="kind" label={t("conferencesDesk.fields.kind")} value={form.kind} onChange={set("kind")} options={codes.options("conference_kinds")} placeholder={t("form.choose")} required error={err.kind} />
        <TextArea name="purpose" label={t("conferencesDesk.fields.purpose")} hint={t("conferencesDesk.schedule.purposeHint")} value={form.purpose} onChange={set("purpose")} rules={rule("purpose")} error={err.purpose} rows={3} />
        <TextField name="scheduled_for" type="datetime-local" label={t("conferencesDesk.fields.scheduled_for")} value={form.scheduled_for} onChange={set("scheduled_for")} rules={{ required: true }} error={err.scheduled_for} />
      </CommandForm>
    </section>
  );
}
