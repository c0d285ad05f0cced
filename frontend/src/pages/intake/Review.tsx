/** スーパーバイズの点検一覧 and フォローアップ予定: the lists an intake desk works through. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { Subject } from "./Consultations";

type Queue = "unacknowledged" | "uncommented" | "never";

/**
 * A manager's review queue: open consultations whose supervisor comments await the worker
 * (``unacknowledged_comments=true``), open consultations with none awaiting, or those no supervisor
 * ever commented on (``commented=false``: to review next).
 * A worker opens the same list to find the comments left for them.
 */
export function ReviewQueuePage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const [queue, setQueue] = useState<Queue>("unacknowledged");
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["consultations", "review", queue, offset],
    queryFn: () =>
      ok(
        api.intake.GET("/consultations", {
          params: {
            query:
              queue === "never"
                ? { status: "open", commented: false, limit: 20, offset }
                : { status: "open", unacknowledged_comments: queue === "unacknowledged", limit: 20, offset },
          },
        }),
      ),
  });
  return (
    <section aria-labelledby="review-title">
      <h1 id="review-title">{t("casework.review.title")}</h1>
      <div className="tabs" role="group" aria-label={t("casework.review.queues")}>
        {(["unacknowledged", "uncommented", "never"] as const).map((q) => (
          <button
            key={q}
            type="button"
            aria-pressed={queue === q}
            onClick={() => {
              setQueue(q);
              setOffset(0);
            }}
          >
            {t(`casework.review.queue.${q}`)}
          </button>
        ))}
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length} emptyText={t("casework.review.empty")}>
        {query.data && (
          <>
            <table className="data" data-queue={queue}>
              <caption>
                {t(`casework.review.queue.${queue}`)}（{query.data.total}）
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("fields.opened_at")}</th>
                  <th scope="col">{t("fields.subject_name")}</th>
                  <th scope="col">{t("fields.urgency")}</th>
                  <th scope="col">{t("fields.issues")}</th>
                  <th scope="col">{t("consultations.contacts")}</th>
                  <th scope="col">{t("casework.review.awaiting")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((c) => (
                  <tr key={c.consultation_id} data-consultation={c.consultation_id} className={c.urgency !== "normal" ? "urgent" : undefined}>
                    <td>
                      <Link to={`/intake/consultations/${encodeURIComponent(c.consultation_id)}`}>{formatDateTime(c.opened_at)}</Link>
                    </td>
                    <td data-field="subject_name">
                      <Subject row={c} />
                    </td>
                    <td>{t(`priority.${c.urgency}`)}</td>
                    <td>{c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}</td>
                    <td>{c.contact_count}</td>
                    <td>{c.unacknowledged_comments}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />
          </>
        )}
      </QueryState>
    </section>
  );
}

function isoDay(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** フォローアップ予定: open consultations' follow-ups due by a date (a week ahead by default), soonest first. */
export function FollowUpsDuePage() {
  const { t } = useTranslation();
  const today = isoDay(new Date());
  const [until, setUntil] = useState(isoDay(new Date(Date.now() + 7 * 86400_000)));
  const [shown, setShown] = useState(until);
  const query = useQuery({
    queryKey: ["follow-ups", shown],
    queryFn: () => ok(api.intake.GET("/follow-ups", { params: { query: { until: shown || undefined, limit: 100 } } })),
  });
  return (
    <section aria-labelledby="follow-ups-due-title">
      <h1 id="follow-ups-due-title">{t("casework.followUp.listTitle")}</h1>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setShown(until);
        }}
      >
        <TextField name="until" type="date" label={t("casework.followUp.until")} value={until} onChange={setUntil} />
        <div className="actions">
          <button type="submit">{t("casework.followUp.show")}</button>
        </div>
      </form>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length} emptyText={t("casework.followUp.none")}>
        {query.data && (
          <table className="data">
            <caption className="visually-hidden">{t("casework.followUp.listTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("casework.followUp.dueOn")}</th>
                <th scope="col">{t("fields.subject_name")}</th>
                <th scope="col">{t("casework.followUp.purpose")}</th>
                <th scope="col">{t("casework.followUp.consultation")}</th>
              </tr>
            </thead>
            <tbody>
              {query.data.items.map((f) => {
                const overdue = f.due_on < today;
                return (
                  <tr key={f.follow_up_id} className={overdue ? "overdue" : undefined} data-follow-up={f.follow_up_id}>
                    <td>
                      {formatDate(f.due_on)}
                      {overdue && <strong className="flag"> {t("casework.followUp.overdue")}</strong>}
                    </td>
                    <td data-field="subject_name">
                      <Subject row={{ subject_name: f.subject_name ?? null, person_id: f.person_id ?? null, household_id: null, redacted: f.redacted }} />
                    </td>
                    <td>{f.purpose ?? <Withheld />}</td>
                    <td>
                      <Link to={`/intake/consultations/${encodeURIComponent(f.consultation_id)}`}>{t("casework.common.open")}</Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}
