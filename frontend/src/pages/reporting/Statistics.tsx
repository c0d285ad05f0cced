import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { api, ApiError, ok } from "../../api/client";
import type { components } from "../../api/generated/reporting";
import { SelectField } from "../../components/Field";
import { ErrorNotice, QueryState } from "../../components/States";
import { formatDate } from "../../time";
import { BarChart } from "./BarChart";
import { saveBlob } from "./download";
import { useFiscalPeriod } from "./Period";

type StatTable = components["schemas"]["StatTableView"];
type TableKey = StatTable["key"];
const TABLES: TableKey[] = ["table1", "table2", "table3"];

/** 統計表 (表1–表3) for a 年度: the table, its bar chart, and the CSV / Excel downloads. */
export function StatisticsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { from, to, picker } = useFiscalPeriod();
  const table: TableKey = TABLES.find((k) => k === params.get("table")) ?? "table1";
  const query = useQuery({
    queryKey: ["statistics", table, from, to],
    // format=json (the default): the documented StatTableView; the route's other types are files.
    queryFn: async () =>
      (await ok(api.reporting.GET("/statistics/{table}", { params: { path: { table }, query: { from, to } } }))) as StatTable,
  });
  const download = useMutation({
    mutationFn: async (what: "csv" | "xlsx") => {
      const { data, error, response } =
        what === "csv"
          ? await api.reporting.GET("/statistics/{table}", {
              params: { path: { table }, query: { from, to, format: "csv" } },
              parseAs: "blob",
            })
          : await api.reporting.GET("/statistics.xlsx", { params: { query: { from, to } }, parseAs: "blob" });
      if (!response.ok || !data) throw new ApiError(response.status, error);
      const base = what === "csv" ? `${table}_${from}_${to}.csv` : `statistics_${from}_${to}.xlsx`;
      saveBlob(data as Blob, base);
    },
  });
  const data = query.data;
  return (
    <section aria-labelledby="statistics-title">
      <h1 id="statistics-title">{t("statistics.tables.title")}</h1>
      <form className="filters" aria-label={t("statistics.period.fiscalYear")} onSubmit={(e) => e.preventDefault()}>
        {picker}
        <SelectField
          name="table"
          label={t("statistics.tables.which")}
          value={table}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.set("table", v);
            setParams(next, { replace: true });
          }}
          options={TABLES.map((k) => ({ value: k, label: t(`statistics.tables.${k}`) }))}
        />
      </form>
      <div className="actions" role="group" aria-label={t("statistics.tables.downloads")}>
        <button type="button" className="secondary" disabled={download.isPending} onClick={() => download.mutate("csv")}>
          {t("statistics.tables.csv")}
        </button>
        <button type="button" className="secondary" disabled={download.isPending} onClick={() => download.mutate("xlsx")}>
          {t("statistics.tables.excel")}
        </button>
        {download.isPending && <span role="status">{t("statistics.tables.downloading")}</span>}
      </div>
      {download.error && <ErrorNotice error={download.error} />}
      <QueryState isLoading={query.isLoading} error={query.error}>
        {data && <StatTableView table={data} />}
      </QueryState>
    </section>
  );
}

function StatTableView({ table }: { table: StatTable }) {
  const { t } = useTranslation();
  const [from = "", to = ""] = table.period;
  const grouped = table.columns.some((c) => c.group);
  const groups: { label: string; span: number }[] = [];
  for (const c of table.columns) {
    const label = c.group_label ?? "";
    const last = groups[groups.length - 1];
    if (last && last.label === label) last.span += 1;
    else groups.push({ label, span: 1 });
  }
  const summed = table.columns.filter((c) => c.in_row_total !== false);
  // A table with grouped columns (表3) is charted by its groups: five colours read better than twenty.
  const series = grouped
    ? [...new Map(summed.map((c) => [c.group ?? c.code, { code: c.group ?? c.code, label: c.group_label ?? c.label }])).values()]
    : summed.map((c) => ({ code: c.code, label: c.label }));
  const chartRows = table.rows
    .filter((r) => r.total > 0)
    .map((r) => ({
      code: r.code,
      label: r.label,
      values: series.map((s) =>
        summed.filter((c) => (grouped ? (c.group ?? c.code) : c.code) === s.code).reduce((a, c) => a + (r.values[c.code] ?? 0), 0),
      ),
    }));
  const title = `${table.title}（${formatDate(from)} ～ ${formatDate(to)}）`;
  return (
    <>
      <div className="table-scroll" role="region" aria-label={table.title} tabIndex={0}>
        <table className="data stat-table" data-testid={`stat-${table.key}`}>
          <caption>{title}</caption>
          <thead>
            {grouped && (
              <tr>
                <td />
                {groups.map((g, i) => (
                  <th key={i} scope="colgroup" colSpan={g.span}>
                    {g.label}
                  </th>
                ))}
                <td />
              </tr>
            )}
            <tr>
              <th scope="col">{table.row_header}</th>
              {table.columns.map((c) => (
                <th key={c.code} scope="col" data-code={c.code}>
                  {c.label}
                  {c.in_row_total === false && <small className="hint"> （{t("statistics.tables.notInTotal")}）</small>}
                </th>
              ))}
              <th scope="col">{t("statistics.tables.total")}</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.code} data-row={r.code}>
                <th scope="row">{r.label}</th>
                {table.columns.map((c) => (
                  <td key={c.code} className="num" data-code={c.code}>
                    {r.values[c.code] ?? 0}
                  </td>
                ))}
                <td className="num total" data-code="total">
                  {r.total}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-row="total">
              <th scope="row">{t("statistics.tables.total")}</th>
              {table.columns.map((c) => (
                <td key={c.code} className="num" data-code={c.code}>
                  {table.column_totals[c.code] ?? 0}
                </td>
              ))}
              <td className="num total" data-code="total">
                {table.total}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <h2>{t("statistics.tables.chart")}</h2>
      {chartRows.length ? (
        <BarChart
          title={t("statistics.tables.chartOf", { title: table.title, from: formatDate(from), to: formatDate(to) })}
          series={series}
          rows={chartRows}
        />
      ) : (
        <p className="empty">{t("statistics.tables.chartEmpty")}</p>
      )}
    </>
  );
}
