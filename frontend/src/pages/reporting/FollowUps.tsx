import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import { QueryState } from "../../components/States";
import { formatDateTime } from "../../time";

/** 要フォロー: cases that reached no service, or whose support stalled; each opens its case view. */
export function FollowUpsPage() {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: ["follow-ups"], queryFn: () => ok(api.reporting.GET("/follow-ups")) });
  const items = query.data ?? [];
  return (
    <section aria-labelledby="follow-ups-title">
      <h1 id="follow-ups-title">{t("statistics.followUps.title")}</h1>
      <p>{t("statistics.followUps.intro")}</p>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!items.length} emptyText={t("statistics.followUps.empty")}>
        <table className="data" data-testid="follow-ups">
          <caption>{t("statistics.followUps.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("statistics.followUps.caseId")}</th>
              <th scope="col">{t("statistics.followUps.reason")}</th>
              <th scope="col">{t("statistics.followUps.department")}</th>
              <th scope="col">{t("statistics.followUps.since")}</th>
              <th scope="col">{t("statistics.followUps.reference")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={`${i.case_id}-${i.reason}-${i.reference_id}`} data-case={i.case_id} data-reason={i.reason}>
                <th scope="row">
                  <Link to={`/cases/${encodeURIComponent(i.case_id)}`} aria-label={`${t("statistics.followUps.open")} ${i.case_id}`}>
                    {i.case_id}
                  </Link>
                </th>
                <td className="nowrap">{t(`statistics.followUps.reasons.${i.reason}`, { defaultValue: i.reason })}</td>
                <td className="nowrap">{t(`departments.${i.department}`, { defaultValue: i.department })}</td>
                <td className="nowrap">{formatDateTime(i.since)}</td>
                <td className="id">{i.reference_id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </section>
  );
}
