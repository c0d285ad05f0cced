/**
 * 同意台帳 and 記録の統合 on the person page: the consents and statutory sharing records of one
 * person (GET /people/{id}/consents), consent given to departments or agencies for purposes until a
 * date, its withdrawal, statutory 支援会議 sharing, and linking a duplicate record of the person.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/intake";
import { rulesOf } from "../../api/rules";
import { Checkbox, SelectField, TextField } from "../../components/Field";
import { QueryState } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { fieldError, Refusal } from "./Casework";
import { PersonPicker, type PersonRow } from "./PersonPicker";
import { useIntakeWrites } from "./common";

type Ledger = components["schemas"]["ConsentLedger"];
type LedgerRecord = components["schemas"]["ConsentRecord"];
type Recipient = { kind: "department" | "agency"; id: string };
const PURPOSES = ["support_coordination", "case_conference"] as const;

function useRecipientLabel() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  return (r: { kind: string; id: string }) =>
    r.kind === "department" ? t(`departments.${r.id}`, { defaultValue: r.id }) : codes.label("external_agencies", r.id);
}

export function ConsentLedgerSection({ personId }: { personId: string }) {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ["consents", personId],
    queryFn: () => ok(api.intake.GET("/people/{person_id}/consents", { params: { path: { person_id: personId } } })),
  });
  const ledger = query.data;
  return (
    <section aria-labelledby="consents-title">
      <h2 id="consents-title">{t("casework.consents.title")}</h2>
      <QueryState isLoading={query.isLoading} error={query.error}>
        {ledger && (
          <>
            {ledger.records.length ? <LedgerTable ledger={ledger} /> : <p className="empty">{t("casework.consents.none")}</p>}
            {writes && <GrantForm ledger={ledger} />}
            {writes && <StatutoryForm ledger={ledger} />}
          </>
        )}
      </QueryState>
    </section>
  );
}

function LedgerTable({ ledger }: { ledger: Ledger }) {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const recipient = useRecipientLabel();
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  return (
    <table className="data" aria-labelledby="consents-title">
      <thead>
        <tr>
          <th scope="col">{t("casework.consents.recordKind")}</th>
          <th scope="col">{t("casework.consents.recipients")}</th>
          <th scope="col">{t("casework.consents.purposes")}</th>
          <th scope="col">{t("casework.consents.givenAt")}</th>
          <th scope="col">{t("casework.consents.validUntil")}</th>
          <th scope="col">{t("casework.consents.state")}</th>
        </tr>
      </thead>
      <tbody>
        {ledger.records.map((r) => (
          <tr key={r.record_id} data-record={r.record_id} className={r.in_force ? undefined : "inactive"}>
            <td>
              {t(`casework.consents.kind.${r.kind}`)}
              {r.meeting_id && (
                <div className="detail">
                  {t("casework.consents.meeting")}: {r.meeting_id}
                </div>
              )}
            </td>
            <td>{r.recipients.map(recipient).join("、")}</td>
            <td>{r.purposes.map((p) => t(`purposes.${p}`, { defaultValue: p })).join("、") || "—"}</td>
            <td>{formatDateTime(r.given_at)}</td>
            <td>{formatDate(r.valid_until) || "—"}</td>
            <td>
              <State record={r} />
              {writes && r.kind === "consent" && r.in_force && !r.withdrawn_at && (
                withdrawing === r.record_id ? (
                  <WithdrawForm ledger={ledger} record={r} onDone={() => setWithdrawing(null)} />
                ) : (
                  <div className="actions">
                    <button type="button" className="secondary" onClick={() => setWithdrawing(r.record_id)}>
                      {t("casework.consents.withdraw")}
                    </button>
                  </div>
                )
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function State({ record }: { record: LedgerRecord }) {
  const { t } = useTranslation();
  if (record.withdrawn_at)
    return <span className="status status-declined">{t("casework.consents.withdrawnAt", { time: formatDateTime(record.withdrawn_at) })}</span>;
  if (record.in_force) return <span className="status status-completed">{t("casework.consents.inForce")}</span>;
  return <span className="status">{t("casework.consents.expired")}</span>;
}

function useLedgerRefresh(personId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ["consents", personId] });
}

function WithdrawForm({ ledger, record, onDone }: { ledger: Ledger; record: LedgerRecord; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useLedgerRefresh(ledger.person_id);
  const [reason, setReason] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/people/{person_id}/consents/{consent_id}/withdraw", {
          params: { path: { person_id: ledger.person_id, consent_id: record.record_id } },
          body: { reason: reason || null, expected_version: ledger.version },
        }),
      ),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
  return (
    <form
      aria-label={t("casework.consents.withdrawTitle")}
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <TextField name="withdraw_reason" label={t("casework.consents.withdrawReason")} value={reason} onChange={setReason} rules={rulesOf("intake", "WithdrawBody", "reason")} error={fieldError(mutation.error, "reason")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <div className="actions">
        <button type="submit" disabled={mutation.isPending}>
          {t("casework.consents.withdrawSubmit")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("form.cancel")}
        </button>
      </div>
    </form>
  );
}

/** Recipients as rows of kind + department/agency selects (one at least). */
function RecipientsField({ value, onChange, error }: { value: Recipient[]; onChange: (v: Recipient[]) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const set = (n: number, patch: Partial<Recipient>) => onChange(value.map((r, m) => (m === n ? { ...r, ...patch } : r)));
  return (
    <fieldset className={`recipients${error ? " invalid" : ""}`}>
      <legend>{t("casework.consents.recipients")}</legend>
      {value.map((r, n) => (
        <div key={n} className="filters" role="group" aria-label={t("casework.consents.recipientN", { n: n + 1 })}>
          <SelectField name={`recipient-kind-${n}`} label={t("casework.consents.recipientKind")} value={r.kind} onChange={(kind) => set(n, { kind: kind as Recipient["kind"], id: "" })} options={(["department", "agency"] as const).map((k) => ({ value: k, label: t(`casework.consents.recipientKinds.${k}`) }))} />
          <SelectField name={`recipient-${n}`} label={t("casework.consents.recipient")} value={r.id} onChange={(id) => set(n, { id })} options={r.kind === "department" ? codes.options("departments").filter((d) => d.value !== "intake") : codes.options("external_agencies")} placeholder={t("form.choose")} required />
          {value.length > 1 && (
            <button type="button" className="secondary" onClick={() => onChange(value.filter((_, m) => m !== n))}>
              {t("casework.consents.removeRecipient")}
            </button>
          )}
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...value, { kind: "department", id: "" }])}>
        {t("casework.consents.addRecipient")}
      </button>
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </fieldset>
  );
}

function GrantForm({ ledger }: { ledger: Ledger }) {
  const { t } = useTranslation();
  const refresh = useLedgerRefresh(ledger.person_id);
  const [recipients, setRecipients] = useState<Recipient[]>([{ kind: "department", id: "" }]);
  const [purpose, setPurpose] = useState<string>("support_coordination");
  const [validUntil, setValidUntil] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/people/{person_id}/consents", {
          params: { path: { person_id: ledger.person_id } },
          body: { recipients, purposes: [purpose], valid_until: validUntil, expected_version: ledger.version },
        }),
      ),
    onSuccess: async () => {
      setRecipients([{ kind: "department", id: "" }]);
      setValidUntil("");
      await refresh();
    },
  });
  return (
    <form
      className="panel"
      aria-labelledby="grant-title"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h3 id="grant-title">{t("casework.consents.grantTitle")}</h3>
      <RecipientsField value={recipients} onChange={setRecipients} error={fieldError(mutation.error, "recipients")} />
      <SelectField name="purpose" label={t("casework.consents.purpose")} value={purpose} onChange={setPurpose} options={PURPOSES.map((p) => ({ value: p, label: t(`purposes.${p}`) }))} error={fieldError(mutation.error, "purposes")} />
      <TextField name="valid_until" type="date" label={t("casework.consents.validUntil")} value={validUntil} onChange={setValidUntil} rules={{ required: true }} error={fieldError(mutation.error, "valid_until")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.consents.grant")}
      </button>
    </form>
  );
}

function StatutoryForm({ ledger }: { ledger: Ledger }) {
  const { t } = useTranslation();
  const refresh = useLedgerRefresh(ledger.person_id);
  const [recipients, setRecipients] = useState<Recipient[]>([{ kind: "department", id: "" }]);
  const [meetingId, setMeetingId] = useState("");
  const [secrecy, setSecrecy] = useState(false);
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/people/{person_id}/statutory-sharing", {
          params: { path: { person_id: ledger.person_id } },
          body: {
            meeting_id: meetingId,
            recipients,
            secrecy_duty_acknowledged: secrecy,
            basis: "self_reliance_support_meeting",
            expected_version: ledger.version,
          },
        }),
      ),
    onSuccess: async () => {
      setRecipients([{ kind: "department", id: "" }]);
      setMeetingId("");
      setSecrecy(false);
      await refresh();
    },
  });
  const secrecyError = fieldError(mutation.error, "secrecy_duty_acknowledged");
  return (
    <form
      className="panel"
      aria-labelledby="statutory-title"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h3 id="statutory-title">{t("casework.consents.statutoryTitle")}</h3>
      <TextField name="meeting_id" label={t("casework.consents.meetingId")} value={meetingId} onChange={setMeetingId} rules={rulesOf("intake", "StatutorySharingBody", "meeting_id")} error={fieldError(mutation.error, "meeting_id")} />
      <RecipientsField value={recipients} onChange={setRecipients} error={fieldError(mutation.error, "recipients")} />
      <div className={`field${secrecyError ? " invalid" : ""}`}>
        <Checkbox name="secrecy_duty_acknowledged" label={t("casework.consents.secrecy")} checked={secrecy} onChange={setSecrecy} />
        {secrecyError && (
          <small className="field-error" role="alert">
            {secrecyError}
          </small>
        )}
      </div>
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending}>
        {t("casework.consents.statutorySubmit")}
      </button>
    </form>
  );
}

/** 同一人物の記録の統合: pick the other record by search and say why it is the same person. */
export function LinkSection({ person }: { person: PersonRow }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [duplicate, setDuplicate] = useState<PersonRow | null>(null);
  const [reason, setReason] = useState("");
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["person", person.person_id] }),
      queryClient.invalidateQueries({ queryKey: ["people"] }),
    ]);
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/people/{person_id}/links", {
          params: { path: { person_id: person.person_id } },
          body: { duplicate_person_id: duplicate?.person_id ?? "", reason, expected_version: person.version },
        }),
      ),
    onSuccess: async () => {
      setDuplicate(null);
      setReason("");
      await refresh();
    },
  });
  return (
    <section aria-labelledby="link-title">
      <h2 id="link-title">{t("casework.link.sectionTitle")}</h2>
      {person.linked_person_ids.length > 0 && (
        <p>
          {t("casework.link.linked")}:{" "}
          {person.linked_person_ids.map((id, n) => (
            <span key={id}>
              {n > 0 && "、"}
              <Link to={`/intake/people/${encodeURIComponent(id)}`}>{id}</Link>
            </span>
          ))}
        </p>
      )}
      <form
        className="panel"
        aria-labelledby="link-form-title"
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        <h3 id="link-form-title">{t("casework.link.title")}</h3>
        <p className="hint">{t("casework.link.intro")}</p>
        <PersonPicker chosen={duplicate} onChoose={setDuplicate} exclude={person.person_id} error={fieldError(mutation.error, "duplicate_person_id")} />
        <TextField name="link_reason" label={t("casework.link.reason")} value={reason} onChange={setReason} rules={rulesOf("intake", "LinkBody", "reason")} error={fieldError(mutation.error, "reason")} />
        <Refusal error={mutation.error} onReload={() => void refresh()} />
        <button type="submit" disabled={mutation.isPending || !duplicate}>
          {t("casework.link.submit")}
        </button>
      </form>
    </section>
  );
}
