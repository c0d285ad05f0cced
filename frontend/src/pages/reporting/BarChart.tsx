import { useId } from "react";
import { useTranslation } from "react-i18next";

export type ChartSeries = { code: string; label: string };
export type ChartRow = { code: string; label: string; values: number[] };

/** Colours told apart with the common colour-vision deficiencies (Okabe–Ito, then darker tones). */
const COLOURS = [
  "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
  "#004c7a", "#9a6a00", "#006b4e", "#8a4f72", "#3a7ea6", "#8f3f00", "#a39a2e", "#666666",
];

const LABEL_WIDTH = 260;
const BAR_WIDTH = 520;
const ROW = 26;
const GAP = 8;

/**
 * A horizontal stacked bar chart drawn as SVG: one bar per row, one segment per series.
 * Accessible: the SVG is one image whose title names the chart and whose description reads out
 * each row's total; the same figures are in the table it accompanies. Rows without any count are
 * drawn as empty bars so the rows line up with the table.
 */
export function BarChart({ title, series, rows }: { title: string; series: ChartSeries[]; rows: ChartRow[] }) {
  const { t } = useTranslation();
  const id = useId();
  const totals = rows.map((r) => r.values.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const height = rows.length * (ROW + GAP) + GAP;
  const description = rows
    .map((r, i) => `${r.label}: ${totals[i]}`)
    .concat(`${t("statistics.tables.total")}: ${totals.reduce((a, b) => a + b, 0)}`)
    .join("、");
  return (
    <figure className="bar-chart">
      <svg
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        viewBox={`0 0 ${LABEL_WIDTH + BAR_WIDTH + 60} ${height}`}
        width="100%"
        data-testid="bar-chart"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {rows.map((row, i) => {
          const y = GAP + i * (ROW + GAP);
          let x = LABEL_WIDTH;
          return (
            <g key={row.code} data-row={row.code} data-total={totals[i]}>
              <text x={LABEL_WIDTH - 8} y={y + ROW / 2} textAnchor="end" dominantBaseline="central" className="bar-label">
                {row.label}
              </text>
              <rect x={LABEL_WIDTH} y={y} width={BAR_WIDTH} height={ROW} className="bar-track" />
              {row.values.map((v, j) => {
                if (!v) return null;
                const w = (v / max) * BAR_WIDTH;
                const seg = (
                  <rect key={series[j]?.code ?? j} x={x} y={y} width={w} height={ROW} fill={COLOURS[j % COLOURS.length]}>
                    <title>{`${row.label} / ${series[j]?.label ?? ""}: ${v}`}</title>
                  </rect>
                );
                x += w;
                return seg;
              })}
              <text x={x + 6} y={y + ROW / 2} dominantBaseline="central" className="bar-total">
                {totals[i]}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="visually-hidden">{t("statistics.tables.legend")}: </span>
        <ul className="legend">
          {series.map((s, j) => (
            <li key={s.code}>
              <span className="swatch" aria-hidden="true" style={{ background: COLOURS[j % COLOURS.length] }} />
              {s.label}
            </li>
          ))}
        </ul>
        <p className="hint">{t("statistics.tables.chartNote")}</p>
      </figcaption>
    </figure>
  );
}
