import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/conferences";
import { rulesOf } from "../../api/rules";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { DataTable } from "../../components/DataTable";
import { QueryState, Withheld } from "../../components/States";
import { formatDate, formatDateTime, isoToJstInput, jstInputToIso } from "../../time";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { StudyCases, Undertakings } from "./CaseStudy";
import { ASSIGNEE_KINDS, BASIS_KINDS, COUNCIL_DEPARTMENTS, PARTICIPANT_KINDS, useAssigneeLabel, useConferencesRights } from "./common";

type View = components["schemas"]["ConferenceView"];
type Item = components["schemas"]["ActionItemView"];

const refreshOf = (id: string) => [["conference", id], ["conferences"], ["action-items"], ["reviews"]];

/** 会議記録: the meeting, who took part on what basis, what was decided, who does what, the reviews;
 * details a department may not read are said to be 非開示, never shown empty. */
export function ConferencePage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useConferencesRights();
  const { conferenceId = "" } = useParams();
  const query = useQuery({
    queryKey: ["conference", conferenceId],
    queryFn: () => ok(api.conferences.GET("/conferences/{conference_id}", { params: { path: { conference_id: conferenceId } } })),
  });
  const c = query.data;
  const withheld = (f: string) => !!c?.redacted.includes(f);
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {c && (
        <section aria-labelledby="conference-title">
          <h1 id="conference-title">
            {t("conferencesDesk.detail.title")}：{codes.label("conference_kinds", c.kind)}{" "}
            <span className={`status status-${c.status === "held" ? "completed" : "accepted"}`} data-status={c.status}>
              {t(`conferencesDesk.status.${c.status}`, { defaultValue: c.status })}
            </span>
          </h1>
          {c.redacted.length > 0 && (
            <p className="redacted-note" data-withheld={c.redacted.join(" ")}>
              <strong>{t("conferencesDesk.detail.withheld")}</strong>{" "}
              {c.redacted.map((f) => t(`conferencesDesk.fields.${f.split(".").at(-1)}`, { defaultValue: f })).join("、")}
              {" — "}
              {t("conferencesDesk.detail.withheldWhy")}
            </p>
          )}
          <dl className="facts">
            <dt>{t("conferencesDesk.fields.case_id")}</dt>
            <dd>
              <Link to={`/cases/${encodeURIComponent(c.case_id)}`}>{c.case_id}</Link>
            </dd>
            <dt>{t("conferencesDesk.fields.scheduled_for")}</dt>
            <dd>{formatDateTime(c.scheduled_for)}</dd>
            <dt>{t("conferencesDesk.fields.purpose")}</dt>
            <dd data-field="purpose" className="words">{withheld("purpose") ? <Withheld /> : c.purpose}</dd>
            {c.referral_id && (
              <>
                <dt>{t("conferencesDesk.fields.referral_id")}</dt>
                <dd data-field="referral">
                  {c.referral_from ? t("conferencesDesk.views.referralFrom", { department: t(`departments.${c.referral_from}`, { defaultValue: c.referral_from }) }) : t("conferencesDesk.detail.referral")}{" "}
                  {c.referral_status && (
                    <span className={`status status-${c.referral_status}`} data-referral-status={c.referral_status}>
                      {t(`referrals.status.${c.referral_status}`, { defaultValue: c.referral_status })}
                    </span>
                  )}
                  <div className="detail">
                    <Link to="/referrals">{t("conferencesDesk.views.openReferrals")}</Link>
                  </div>
                </dd>
              </>
            )}
            <dt>{t("conferencesDesk.fields.held_at")}</dt>
            <dd data-field="held_at">{c.held_at ? formatDateTime(c.held_at) : t("conferencesDesk.detail.notHeld")}</dd>
            {c.status === "held" && (
              <>
                <dt>{t("conferencesDesk.fields.basis")}</dt>
                <dd data-field="basis">
                  {t(`conferencesDesk.basisKind.${c.basis.kind ?? "none"}`)}
                  {c.basis.reference && <div className="detail">{c.basis.reference}</div>}
                </dd>
                <dt>{t("conferencesDesk.fields.summary")}</dt>
                <dd data-field="summary" className="words">{withheld("summary") ? <Withheld /> : (c.summary ?? t("conferencesDesk.none"))}</dd>
                <dt>{t("conferencesDesk.fields.person_wishes")}</dt>
                <dd data-field="person_wishes" className="words">{withheld("person_wishes") ? <Withheld /> : (c.person_wishes ?? t("conferencesDesk.none"))}</dd>
              </>
            )}
          </dl>
          <p>
            <Link to={`/cases/${encodeURIComponent(c.case_id)}`}>{t("conferencesDesk.detail.openCase")}</Link>
            {rights.write && c.status === "held" && (
              <>
                {" ・ "}
                <Link to={`/conferences/${encodeURIComponent(c.conference_id)}/minutes`}>{t("conferencesDesk.views.openMinutes")}</Link>
              </>
            )}
          </p>
          {c.status === "held" && (
            <>
              <h2 id="participants-title">{t("conferencesDesk.fields.participants")}</h2>
              <table className="data" aria-labelledby="participants-title">
                <thead>
                  <tr>
                    <th scope="col">{t("conferencesDesk.fields.participant_name")}</th>
                    <th scope="col">{t("conferencesDesk.fields.organisation")}</th>
                    <th scope="col">{t("conferencesDesk.fields.participant_kind")}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.participants.map((p, n) => (
                    <tr key={n}>
                      <td>{p.name}</td>
                      <td>{p.organisation}</td>
                      <td>
                        {t(`conferencesDesk.participantKind.${p.kind}`)}
                        {p.department && <div className="detail">{t(`departments.${p.department}`, { defaultValue: p.department })}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2 id="decisions-title">{t("conferencesDesk.fields.decisions")}</h2>
              {withheld("decisions") ? (
                <p data-field="decisions">
                  <Withheld />
                </p>
              ) : c.decisions.length ? (
                <ul aria-labelledby="decisions-title" data-field="decisions">
                  {c.decisions.map((d, n) => (
                    <li key={n}>{d}</li>
                  ))}
                </ul>
              ) : (
                <p>{t("conferencesDesk.none")}</p>
              )}
              <h2>{t("conferencesDesk.fields.action_items")}</h2>
              {c.action_items.length ? <ItemTable c={c} /> : <p>{t("conferencesDesk.detail.noItems")}</p>}
              <h2 id="reviews-title">{t("conferencesDesk.fields.reviews")}</h2>
              {c.reviews.length ? (
                <ul aria-labelledby="reviews-title" data-field="reviews">
                  {c.reviews.map((r) => (
                    <li key={r.review_id}>
                      {formatDate(r.due_on)} {r.purpose ?? <Withheld />}
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t("conferencesDesk.detail.noReviews")}</p>
              )}
            </>
          )}
          {c.kind === "case_study" && <StudyCases c={c} />}
          <Undertakings c={c} />
          {rights.write && c.status !== "held" && <HeldForm c={c} />}
          {rights.write && c.status === "held" && (
            <>
              <AddItemForm c={c} />
              <ReviewForm c={c} />
            </>
          )}
        </section>
      )}
    </QueryState>
  );
}

function ItemTable({ c }: { c: View }) {
  const { t } = useTranslation();
  const rights = useConferencesRights();
  const assigneeLabel = useAssigneeLabel();
  const [completing, setCompleting] = useState<string | null>(null);
  const withheld = c.redacted.includes("action_items.description");
  return (
    <>
      <DataTable
        caption={t("conferencesDesk.fields.action_items")}
        hiddenCaption
        columns={[
          t("conferencesDesk.fields.description"),
          t("conferencesDesk.fields.assignee"),
          t("conferencesDesk.fields.due_on"),
          t("conferencesDesk.fields.done"),
        ]}
        items={c.action_items}
        row={(a) => (
          <tr key={a.action_id} data-action={a.action_id}>
            <td>{withheld ? <Withheld /> : a.description}</td>
            <td>
              {assigneeLabel(a.assignee_kind, a.assignee)}
              <div className="detail">{t(`conferencesDesk.assigneeKind.${a.assignee_kind}`, { defaultValue: a.assignee_kind })}</div>
              {a.referral_status && (
                <div className="detail" data-referral-status={a.referral_status}>
                  {t("conferencesDesk.detail.referral")}: {t(`referrals.status.${a.referral_status}`, { defaultValue: a.referral_status })}
                </div>
              )}
            </td>
            <td>{a.due_on ? formatDate(a.due_on) : t("conferencesDesk.none")}</td>
            <td>
              <span className={`status status-${a.done ? "completed" : "made"}`}>{a.done ? t("conferencesDesk.detail.doneYes") : t("conferencesDesk.detail.doneNo")}</span>
              {a.completed_at && (
                <div className="detail">
                  {formatDateTime(a.completed_at)} {a.completed_by_department && t(`departments.${a.completed_by_department}`, { defaultValue: a.completed_by_department })}
                </div>
              )}
              {a.done && (a.note || c.redacted.includes("action_items.note")) && (
                <div className="detail words" data-field="note">
                  {t("conferencesDesk.views.doneNote")}: {c.redacted.includes("action_items.note") ? <Withheld /> : a.note}
                </div>
              )}
              {!a.done && rights.completes(a.assignee_kind, a.assignee) && completing !== a.action_id && (
                <div className="actions">
                  <button type="button" onClick={() => setCompleting(a.action_id)}>
                    {t("conferencesDesk.complete.submit")}
                  </button>
                </div>
              )}
            </td>
          </tr>
        )}
      />
      {completing && (
        <CompleteForm c={c} item={c.action_items.find((a) => a.action_id === completing)!} onDone={() => setCompleting(null)} />
      )}
    </>
  );
}

function CompleteForm({ c, item, onDone }: { c: View; item: Item; onDone: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/action-items/{action_id}/complete", {
          params: { path: { conference_id: c.conference_id, action_id: item.action_id } },
          body: { note: note || null, expected_version: c.version },
        }),
      ),
    refreshOf(c.conference_id),
    onDone,
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="complete" title={t("conferencesDesk.complete.title")} submit={t("conferencesDesk.complete.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      {item.description && <p className="words">{item.description}</p>}
      <TextArea name="complete_note" label={t("conferencesDesk.fields.note")} value={note} onChange={setNote} rules={rulesOf("conferences", "CompleteBody", "note")} rows={2} error={err.note} />
    </CommandForm>
  );
}

type ParticipantInput = { name: string; organisation: string; kind: string; department: string };
type ItemInput = { description: string; assignee_kind: string; assignee: string; due_on: string };
const emptyParticipant = (): ParticipantInput => ({ name: "", organisation: "", kind: "", department: "" });
const emptyItem = (): ItemInput => ({ description: "", assignee_kind: "", assignee: "", due_on: "" });

function itemBody(i: ItemInput) {
  return {
    description: i.description,
    assignee_kind: i.assignee_kind as "department",
    assignee: i.assignee,
    due_on: i.due_on || null,
  };
}

/** One action item's inputs: what, the kind of assignee, who (a department, an agency, or written), by when. */
function ItemInputs({ item, onChange, prefix, err, legend }: { item: ItemInput; onChange: (i: ItemInput) => void; prefix: string; err: (f: string) => string | undefined; legend?: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const set = (k: keyof ItemInput) => (v: string) => onChange({ ...item, [k]: v, ...(k === "assignee_kind" ? { assignee: "" } : {}) });
  const assigneeOptions =
    item.assignee_kind === "department"
      ? COUNCIL_DEPARTMENTS.map((d) => ({ value: d, label: t(`departments.${d}`) }))
      : item.assignee_kind === "agency"
        ? codes.options("external_agencies")
        : null;
  const inputs = (
    <>
      <TextField name={`${prefix}description`} label={t("conferencesDesk.fields.description")} value={item.description} onChange={set("description")} rules={rulesOf("conferences", "ActionItemBody", "description")} error={err("description")} />
      <SelectField name={`${prefix}assignee_kind`} label={t("conferencesDesk.fields.assignee_kind")} value={item.assignee_kind} onChange={set("assignee_kind")} options={ASSIGNEE_KINDS.map((k) => ({ value: k, label: t(`conferencesDesk.assigneeKind.${k}`) }))} placeholder={t("form.choose")} required error={err("assignee_kind")} />
      {assigneeOptions ? (
        <SelectField name={`${prefix}assignee`} label={t("conferencesDesk.fields.assignee")} value={item.assignee} onChange={set("assignee")} options={assigneeOptions} placeholder={t("form.choose")} required error={err("assignee")} />
      ) : (
        <TextField name={`${prefix}assignee`} label={t("conferencesDesk.fields.assignee")} value={item.assignee} onChange={set("assignee")} rules={rulesOf("conferences", "ActionItemBody", "assignee")} error={err("assignee")} />
      )}
      <TextField name={`${prefix}due_on`} type="date" label={t("conferencesDesk.fields.due_on")} value={item.due_on} onChange={set("due_on")} error={err("due_on")} />
    </>
  );
  return legend ? (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="filters">{inputs}</div>
    </fieldset>
  ) : (
    inputs
  );
}

/** 会議の記録: when, who took part (every kind), on what basis, what was discussed and decided, who does what. */
function HeldForm({ c }: { c: View }) {
  const { t } = useTranslation();
  const [heldAt, setHeldAt] = useState(c.scheduled_for && new Date(c.scheduled_for) < new Date() ? isoToJstInput(c.scheduled_for) : isoToJstInput(new Date().toISOString()));
  const [participants, setParticipants] = useState<ParticipantInput[]>([emptyParticipant()]);
  const [basisKind, setBasisKind] = useState("none");
  const [reference, setReference] = useState("");
  const [summary, setSummary] = useState("");
  const [decisions, setDecisions] = useState<string[]>([""]);
  const [wishes, setWishes] = useState("");
  const [items, setItems] = useState<ItemInput[]>([]);
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/held", {
          params: { path: { conference_id: c.conference_id } },
          body: {
            held_at: heldAt ? jstInputToIso(heldAt) : "",
            participants: participants.map((p) => ({
              name: p.name,
              organisation: p.organisation,
              kind: p.kind as "staff",
              department: p.kind === "staff" && p.department ? p.department : null,
            })),
            basis: { kind: basisKind as "none", reference: reference.trim() || null },
            summary: summary || null,
            decisions: decisions.filter((d) => d.trim()),
            action_items: items.map(itemBody),
            person_wishes: wishes || null,
            expected_version: c.version,
          },
        }),
      ),
    refreshOf(c.conference_id),
  );
  const err = fieldErrors(mutation.error);
  const setParticipant = (n: number, patch: Partial<ParticipantInput>) => setParticipants(participants.map((p, i) => (i === n ? { ...p, ...patch } : p)));
  const rule = (f: string) => rulesOf("conferences", "HeldBody", f);
  return (
    <CommandForm id="held" title={t("conferencesDesk.held.title")} submit={t("conferencesDesk.held.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="held_at" type="datetime-local" label={t("conferencesDesk.fields.held_at")} value={heldAt} onChange={setHeldAt} rules={{ required: true }} error={err.held_at} />
      <fieldset className={`field${err.participants ? " invalid" : ""}`}>
        <legend>{t("conferencesDesk.fields.participants")}</legend>
        {participants.map((p, n) => (
          <div key={n} className="filters entry-row" role="group" aria-label={t("conferencesDesk.held.participantN", { n: n + 1 })} data-participant={n}>
            <TextField name={`participants.${n}.name`} label={t("conferencesDesk.fields.participant_name")} value={p.name} onChange={(name) => setParticipant(n, { name })} error={err[`participants.${n}.name`]} />
            <TextField name={`participants.${n}.organisation`} label={t("conferencesDesk.fields.organisation")} value={p.organisation} onChange={(organisation) => setParticipant(n, { organisation })} error={err[`participants.${n}.organisation`]} />
            <SelectField name={`participants.${n}.kind`} label={t("conferencesDesk.fields.participant_kind")} value={p.kind} onChange={(kind) => setParticipant(n, { kind })} options={PARTICIPANT_KINDS.map((k) => ({ value: k, label: t(`conferencesDesk.participantKind.${k}`) }))} placeholder={t("form.choose")} required error={err[`participants.${n}.kind`]} />
            {p.kind === "staff" && (
              <SelectField name={`participants.${n}.department`} label={t("conferencesDesk.fields.department")} value={p.department} onChange={(department) => setParticipant(n, { department })} options={COUNCIL_DEPARTMENTS.map((d) => ({ value: d, label: t(`departments.${d}`) }))} placeholder={t("conferencesDesk.none")} error={err[`participants.${n}.department`]} />
            )}
            {participants.length > 1 && (
              <button type="button" className="secondary" onClick={() => setParticipants(participants.filter((_, i) => i !== n))}>
                {t("conferencesDesk.held.removeParticipant")}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setParticipants([...participants, emptyParticipant()])}>
          {t("conferencesDesk.held.addParticipant")}
        </button>
        {err.participants && (
          <small className="field-error" role="alert">
            {err.participants}
          </small>
        )}
      </fieldset>
      <p className="hint">{t("conferencesDesk.held.outsideHint")}</p>
      <SelectField name="basis_kind" label={t("conferencesDesk.fields.basis_kind")} value={basisKind} onChange={setBasisKind} options={BASIS_KINDS.map((k) => ({ value: k, label: t(`conferencesDesk.basisKind.${k}`) }))} required error={err.basis ?? err["basis.kind"]} />
      <TextField name="basis_reference" label={t("conferencesDesk.fields.basis_reference")} value={reference} onChange={setReference} error={err["basis.reference"]} />
      <TextArea name="summary" label={t("conferencesDesk.fields.summary")} value={summary} onChange={setSummary} rules={rule("summary")} rows={3} error={err.summary} />
      <fieldset className="field">
        <legend>{t("conferencesDesk.fields.decisions")}</legend>
        {decisions.map((d, n) => (
          <div key={n} className="filters">
            <TextField name={`decisions.${n}`} label={t("conferencesDesk.held.decisionN", { n: n + 1 })} value={d} onChange={(v) => setDecisions(decisions.map((x, i) => (i === n ? v : x)))} error={err[`decisions.${n}`]} />
            {decisions.length > 1 && (
              <button type="button" className="secondary" aria-label={`${t("conferencesDesk.held.removeDecision")} ${n + 1}`} onClick={() => setDecisions(decisions.filter((_, i) => i !== n))}>
                {t("conferencesDesk.held.removeDecision")}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setDecisions([...decisions, ""])}>
          {t("conferencesDesk.held.addDecision")}
        </button>
      </fieldset>
      <TextArea name="person_wishes" label={t("conferencesDesk.fields.person_wishes")} value={wishes} onChange={setWishes} rules={rule("person_wishes")} rows={2} error={err.person_wishes} />
      <fieldset className="field">
        <legend>{t("conferencesDesk.fields.action_items")}</legend>
        {items.map((item, n) => (
          <div key={n} data-item={n}>
            <ItemInputs
              item={item}
              prefix={`action_items.${n}.`}
              legend={t("conferencesDesk.held.itemN", { n: n + 1 })}
              onChange={(v) => setItems(items.map((x, i) => (i === n ? v : x)))}
              err={(f) => err[`action_items[${n}].${f}`] ?? err[`action_items.${n}.${f}`]}
            />
            <button type="button" className="secondary" onClick={() => setItems(items.filter((_, i) => i !== n))}>
              {t("conferencesDesk.held.removeItem")}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setItems([...items, emptyItem()])}>
          {t("conferencesDesk.held.addItem")}
        </button>
      </fieldset>
    </CommandForm>
  );
}

function AddItemForm({ c }: { c: View }) {
  const { t } = useTranslation();
  const [item, setItem] = useState<ItemInput>(emptyItem());
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/action-items", {
          params: { path: { conference_id: c.conference_id } },
          body: { ...itemBody(item), expected_version: c.version },
        }),
      ),
    refreshOf(c.conference_id),
    () => setItem(emptyItem()),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="add-item" title={t("conferencesDesk.addItem.title")} submit={t("conferencesDesk.addItem.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      <ItemInputs item={item} onChange={setItem} prefix="item." err={(f) => err[f] ?? err[`item.${f}`]} />
    </CommandForm>
  );
}

function ReviewForm({ c }: { c: View }) {
  const { t } = useTranslation();
  const [dueOn, setDueOn] = useState("");
  const [purpose, setPurpose] = useState("");
  const mutation = useCommand(
    () =>
      ok(
        api.conferences.POST("/conferences/{conference_id}/reviews", {
          params: { path: { conference_id: c.conference_id } },
          body: { due_on: dueOn, purpose, expected_version: c.version },
        }),
      ),
    refreshOf(c.conference_id),
    () => {
      setDueOn("");
      setPurpose("");
    },
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="review" title={t("conferencesDesk.review.title")} submit={t("conferencesDesk.review.submit")} run={() => mutation.mutate()} refresh={refreshOf(c.conference_id)} error={mutation.error} pending={mutation.isPending}>
      <TextField name="review_due_on" type="date" label={t("conferencesDesk.fields.review_due_on")} value={dueOn} onChange={setDueOn} rules={{ required: true }} error={err.due_on} />
      <TextArea name="review_purpose" label={t("conferencesDesk.fields.review_purpose")} value={purpose} onChange={setPurpose} rules={rulesOf("conferences", "ReviewBody", "purpose")} rows={2} error={err.purpose} />
    </CommandForm>
  );
}
