import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { QueryState } from "../../components/States";
import { useFiscalPeriod } from "./Period";

const COUNTS = ["made", "accepted", "declined", "completed", "expired"] as const;

/** A referral's target by its label: a department of the council or an outside agency. */
export function useTargetLabel(): (target: string) => string {
  const { t } = useTranslation();
  const codes = useCodeLists();
  return (target) => t(`departments.${target}`, { defaultValue: codes.label("external_agencies", target) });
}

/** 紹介の流れ: referrals per department pair in a 年度, what became of them, the median wait to accept. */
export function ReferralFlowPage() {
  const { t } = useTranslation();
  const { from, to, picker } = useFiscalPeriod();
  const target = useTargetLabel();
  const query = useQuery({
    queryKey: ["referral-flow", from, to],
    queryFn: () => ok(api.reporting.GET("/referral-flow", { params: { query: { from, to } } })),
  });
  const rows = query.data ?? [];
  // The service answers hours (2 decimals); minutes read better for the same-day answers most get.
  const wait = (hours: number) => {
    if (hours * 60 < 1) return t("statistics.flow.underAMinute");
    if (hours < 1) return t("statistics.flow.minutes", { minutes: Math.round(hours * 60) });
    if (hours < 48) return t("statistics.flow.hours", { hours: Math.round(hours * 10) / 10 });
    return t("statistics.flow.days", { days: Math.round((hours / 24) * 10) / 10 });
  };
  return (
    <section aria-labelledby="flow-title">
      <h1 id="flow-title">{t("statistics.flow.title")}</h1>
      <form className="filters" aria-label={t("statistics.period.fiscalYear")} onSubmit={(e) => e.preventDefault()}>
        {picker}
      </form>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!rows.length} emptyText={t("statistics.flow.empty")}>
        <div className="table-scroll" role="region" aria-label={t("statistics.flow.caption")} tabIndex={0}>
          <table className="data" data-testid="referral-flow">
            <caption>{t("statistics.flow.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("statistics.flow.source")}</th>
                <th scope="col">{t("statistics.flow.target")}</th>
                {COUNTS.map((k) => (
                  <th key={k} scope="col" className="num">
                    {t(`statistics.flow.${k}`)}
                  </th>
                ))}
                <th scope="col" className="num">
                  {t("statistics.flow.median")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.source_department}-${r.target}`}>
                  <th scope="row">{t(`departments.${r.source_department}`, { defaultValue: r.source_department })}</th>
                  <td>{target(r.target)}</td>
                  {COUNTS.map((k) => (
                    <td key={k} className="num" data-code={k}>
                      {r[k]}
                    </td>
                  ))}
                  <td className="num">
                    {r.median_hours_to_accept == null ? t("statistics.flow.none") : wait(r.median_hours_to_accept)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
    </section>
  );
}
