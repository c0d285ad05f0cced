import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import type { components } from "../../api/generated/reporting";
import { SelectField } from "../../components/Field";
import { QueryState } from "../../components/States";

type Kind = components["schemas"]["AreaStatisticsView"]["kind"];
type Figures = components["schemas"]["AreaFiguresView"];
const KINDS: Kind[] = ["district_council", "daily_life", "community_care", "city"];
const COLUMNS = [
  ["people", "people"],
  ["households", "households"],
  ["open_cases", "openCases"],
  ["open_consultations", "openConsultations"],
  ["resources", "resources"],
  ["helpers", "helpers"],
] as const;

/** 圏域別の集計: per area of a kind, registered people and households (placed by address), open cases,
 * resources and helpers, and what no area of the kind holds. Only names and counts: no address. */
export function AreaStatisticsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const kind: Kind = KINDS.find((k) => k === params.get("kind")) ?? "district_council";
  const query = useQuery({
    queryKey: ["area-statistics", kind],
    queryFn: () => ok(api.reporting.GET("/statistics/areas", { params: { query: { kind } } })),
  });
  const data = query.data;
  const kindLabel = t(`areasDesk.kinds.${kind}`);
  const row = (label: string, r: Figures, className?: string, area?: string) => (
    <tr key={area ?? label} className={className} data-area={area ?? ""}>
      <th scope="row">{label}</th>
      <td>{r.parent_name ?? r.parent_id ?? ""}</td>
      {COLUMNS.map(([field]) => (
        <td key={field} className="num">
          {r[field]}
        </td>
      ))}
    </tr>
  );
  return (
    <section aria-labelledby="area-statistics-title">
      <h1 id="area-statistics-title">{t("areasDesk.title")}</h1>
      <p className="hint">{t("areasDesk.hint")}</p>
      <form className="filters" aria-label={t("areasDesk.kind")} onSubmit={(e) => e.preventDefault()}>
        <SelectField
          name="kind"
          label={t("areasDesk.kind")}
          value={kind}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.set("kind", v);
            setParams(next, { replace: true });
          }}
          options={KINDS.map((k) => ({ value: k, label: t(`areasDesk.kinds.${k}`) }))}
        />
      </form>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!!data && !data.areas.length} emptyText={t("areasDesk.empty")}>
        {data && (
          <>
            <div className="table-scroll" role="region" aria-label={t("areasDesk.caption", { kind: kindLabel })} tabIndex={0}>
              <table className="data" data-testid="area-statistics">
                <caption>{t("areasDesk.caption", { kind: kindLabel })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("areasDesk.area")}</th>
                    <th scope="col">{t("areasDesk.parent")}</th>
                    {COLUMNS.map(([field, key]) => (
                      <th key={field} scope="col" className="num">
                        {t(`areasDesk.${key}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.areas.map((a) => row(a.name ?? a.area_id ?? "", a, undefined, a.area_id ?? undefined))}
                  {row(t("areasDesk.unmapped"), data.unmapped, "unmapped", "unmapped")}
                </tbody>
                <tfoot>{row(t("areasDesk.total"), data.totals, "total", "total")}</tfoot>
              </table>
            </div>
            <p className="hint">{t("areasDesk.withoutAddress", { count: data.without_address })}</p>
          </>
        )}
      </QueryState>
    </section>
  );
}
