import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { QueryState } from "../../components/States";
import { useAreaNames } from "../districts/hooks";
import { useFiscalPeriod } from "./Period";

/** The service's name for cases no district event placed yet. */
const UNASSIGNED = "(未割当)";

/** 地区ごとの課題: household issue categories per district per month of a 年度. */
export function DistrictIssuesPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const names = useAreaNames();
  const { from, to, picker } = useFiscalPeriod();
  const query = useQuery({
    queryKey: ["district-issues", from, to],
    queryFn: () => ok(api.reporting.GET("/district-issues", { params: { query: { from, to } } })),
  });
  const rows = query.data ?? [];
  // Only the categories that occur, in the code list's order.
  const seen = new Set(rows.flatMap((r) => Object.keys(r.counts)));
  const categories = codes.options("household_issue_categories").filter((o) => seen.has(o.value));
  for (const code of seen) if (!categories.some((c) => c.value === code)) categories.push({ value: code, label: code });
  const month = (m: string) => {
    const [year, mm] = m.split("-");
    return t("statistics.districts.monthValue", { year, month: Number(mm) });
  };
  return (
    <section aria-labelledby="districts-title">
      <h1 id="districts-title">{t("statistics.districts.title")}</h1>
      <form className="filters" aria-label={t("statistics.period.fiscalYear")} onSubmit={(e) => e.preventDefault()}>
        {picker}
      </form>
      <QueryState isLoading={query.isLoading || codes.isLoading} error={query.error} isEmpty={!rows.length} emptyText={t("statistics.districts.empty")}>
        <div className="table-scroll" role="region" aria-label={t("statistics.districts.caption")} tabIndex={0}>
          <table className="data" data-testid="district-issues">
            <caption>{t("statistics.districts.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("statistics.districts.district")}</th>
                <th scope="col">{t("statistics.districts.month")}</th>
                {categories.map((c) => (
                  <th key={c.value} scope="col" className="num">
                    {c.label}
                  </th>
                ))}
                <th scope="col" className="num">
                  {t("statistics.districts.total")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.district_id}-${r.month}`} data-district={r.district_id}>
                  <th scope="row" className="nowrap">{r.district_id === UNASSIGNED ? t("statistics.districts.unassigned") : names(r.district_id)}</th>
                  <td className="nowrap">{month(r.month)}</td>
                  {categories.map((c) => (
                    <td key={c.value} className="num">
                      {r.counts[c.value] ?? 0}
                    </td>
                  ))}
                  <td className="num total">{Object.values(r.counts).reduce((a, b) => a + b, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
    </section>
  );
}
