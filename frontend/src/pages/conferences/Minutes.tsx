import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { TitledTable } from "../../components/DataTable";
import { SelectField } from "../../components/Field";
import { QueryState, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { OUTSIDE_KINDS, useAssigneeLabel } from "./common";

/** 議事録（送付用）: what the minutes may show one participant (GET /conferences/{id}/minutes), printable.
 * Details a participant may not read (no basis for sharing, or no secrecy undertaking recorded) are
 * left out and the page says why. */
export function MinutesPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const assigneeLabel = useAssigneeLabel();
  const { conferenceId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const conference = useQuery({
    queryKey: ["conference", conferenceId],
    queryFn: () => ok(api.conferences.GET("/conferences/{conference_id}", { params: { path: { conference_id: conferenceId } } })),
  });
  const participants = conference.data?.participants ?? [];
  const chosen = Number.parseInt(params.get("participant") ?? "0", 10);
  const participant = participants[Number.isFinite(chosen) ? chosen : 0];
  const minutes = useQuery({
    queryKey: ["conference-minutes", conferenceId, participant?.name, participant?.organisation],
    queryFn: () =>
      ok(
        api.conferences.GET("/conferences/{conference_id}/minutes", {
          params: { path: { conference_id: conferenceId }, query: { participant_name: participant!.name, organisation: participant!.organisation } },
        }),
      ),
    enabled: !!participant,
  });
  const m = minutes.data;
  return (
    <section aria-labelledby="minutes-title" className="minutes">
      <h1 id="minutes-title">{t("conferencesDesk.minutes.title")}</h1>
      <p className="hint no-print">{t("conferencesDesk.minutes.hint")}</p>
      <QueryState isLoading={conference.isLoading} error={conference.error}>
        {conference.data && conference.data.status !== "held" ? (
          <p className="empty">{t("conferencesDesk.minutes.notHeld")}</p>
        ) : (
          <>
            <div className="filters no-print">
              <SelectField
                name="participant"
                label={t("conferencesDesk.minutes.recipient")}
                value={String(participants.indexOf(participant!))}
                onChange={(v) => setParams({ participant: v }, { replace: true })}
                options={participants.map((p, n) => ({ value: String(n), label: `${p.name}（${p.organisation}・${t(`conferencesDesk.participantKind.${p.kind}`)}）` }))}
              />
              <div className="actions">
                <button type="button" className="secondary" onClick={() => window.print()}>
                  {t("conferencesDesk.minutes.print")}
                </button>
              </div>
            </div>
            <QueryState isLoading={minutes.isLoading} error={minutes.error}>
              {m && (
                <article aria-label={t("conferencesDesk.minutes.title")} data-details-shown={String(m.details_shown)}>
                  <dl className="facts">
                    <dt>{t("conferencesDesk.fields.kind")}</dt>
                    <dd>{codes.label("conference_kinds", m.kind)}</dd>
                    <dt>{t("conferencesDesk.fields.held_at")}</dt>
                    <dd>{formatDateTime(m.held_at)}</dd>
                    <dt>{t("conferencesDesk.minutes.recipient")}</dt>
                    <dd data-field="participant">
                      {m.participant.name}（{m.participant.organisation}）
                      <div className="detail">{t(`conferencesDesk.participantKind.${m.participant.kind}`)}</div>
                    </dd>
                    <dt>{t("conferencesDesk.fields.basis")}</dt>
                    <dd>
                      {t(`conferencesDesk.basisKind.${m.basis.kind ?? "none"}`)}
                      {m.basis.reference && <div className="detail">{m.basis.reference}</div>}
                    </dd>
                    <dt>{t("conferencesDesk.minutes.undertaking")}</dt>
                    <dd data-field="undertaking">
                      {m.undertaking_recorded
                        ? t("conferencesDesk.minutes.undertakingYes")
                        : OUTSIDE_KINDS.includes(m.participant.kind)
                          ? t("conferencesDesk.minutes.undertakingNo")
                          : t("conferencesDesk.minutes.undertakingNotNeeded")}
                    </dd>
                    {m.case_id && (
                      <>
                        <dt>{t("conferencesDesk.fields.case_id")}</dt>
                        <dd>
                          <Link to={`/cases/${encodeURIComponent(m.case_id)}`}>{m.case_id}</Link>
                        </dd>
                      </>
                    )}
                  </dl>
                  {!m.details_shown && (
                    <p className="redacted-note" role="note" data-withheld={m.redacted.join(" ")}>
                      <strong>{t("conferencesDesk.minutes.detailsWithheld")}</strong>{" "}
                      {m.undertaking_recorded ? t("conferencesDesk.minutes.noBasis") : t("conferencesDesk.minutes.noUndertaking")}
                    </p>
                  )}
                  <h2>{t("conferencesDesk.fields.purpose")}</h2>
                  <p className="words" data-field="purpose">{m.details_shown ? (m.purpose ?? t("conferencesDesk.none")) : <Withheld />}</p>
                  <h2>{t("conferencesDesk.fields.summary")}</h2>
                  <p className="words" data-field="summary">{m.details_shown ? (m.summary ?? t("conferencesDesk.none")) : <Withheld />}</p>
                  <h2 id="minutes-decisions">{t("conferencesDesk.fields.decisions")}</h2>
                  {!m.details_shown ? (
                    <p data-field="decisions">
                      <Withheld />
                    </p>
                  ) : m.decisions.length ? (
                    <ul aria-labelledby="minutes-decisions" data-field="decisions">
                      {m.decisions.map((d, n) => (
                        <li key={n}>{d}</li>
                      ))}
                    </ul>
                  ) : (
                    <p>{t("conferencesDesk.none")}</p>
                  )}
                  <h2>{t("conferencesDesk.fields.person_wishes")}</h2>
                  <p className="words" data-field="person_wishes">{m.details_shown ? (m.person_wishes ?? t("conferencesDesk.none")) : <Withheld />}</p>
                  <TitledTable
                    id="minutes-items"
                    title={t("conferencesDesk.fields.action_items")}
                    empty={t("conferencesDesk.detail.noItems")}
                    columns={[t("conferencesDesk.fields.description"), t("conferencesDesk.fields.assignee"), t("conferencesDesk.fields.due_on")]}
                    items={m.action_items}
                    row={(a, n) => (
                      <tr key={n}>
                        <td>{m.details_shown ? a.description : <Withheld />}</td>
                        <td>{assigneeLabel(a.assignee_kind, a.assignee)}</td>
                        <td>{a.due_on ? formatDate(a.due_on) : t("conferencesDesk.none")}</td>
                      </tr>
                    )}
                  />
                  {m.study_cases.map((s, n) => (
                    <section key={n} aria-label={t("conferencesDesk.minutes.studyCase", { n: n + 1 })}>
                      <h2>{t("conferencesDesk.minutes.studyCase", { n: n + 1 })}</h2>
                      <p className="words">{m.details_shown ? s.summary : <Withheld />}</p>
                      <ul>
                        {s.advice.map((a, k) => (
                          <li key={k}>
                            {a.adviser_name}（{t(`conferencesDesk.expertise.${a.expertise}`, { defaultValue: a.expertise })}）: {m.details_shown ? a.advice : <Withheld />}
                          </li>
                        ))}
                      </ul>
                    </section>
                  ))}
                </article>
              )}
            </QueryState>
          </>
        )}
      </QueryState>
      <p className="no-print">
        <Link to={`/conferences/${encodeURIComponent(conferenceId)}`}>{t("conferencesDesk.minutes.back")}</Link>
      </p>
    </section>
  );
}
