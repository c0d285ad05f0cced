import type { ReactElement } from "react";
import { useTranslation } from "react-i18next";

import { SelectField } from "../../components/Field";
import { formatDate } from "../../time";
import { fiscalPeriod, fiscalYears, useFiscalYear } from "./fiscal";

/** The 年度 picker of the statistics screens; answers the chosen period for the API. */
export function useFiscalPeriod(): { year: number; from: string; to: string; picker: ReactElement } {
  const { t } = useTranslation();
  const [year, setYear] = useFiscalYear();
  const { from, to } = fiscalPeriod(year);
  const picker = (
    <div className="period">
      <SelectField
        name="fiscal_year"
        label={t("statistics.period.fiscalYear")}
        hint={t("statistics.period.hint")}
        value={String(year)}
        onChange={(v) => setYear(Number(v))}
        options={fiscalYears().map((y) => ({ value: String(y), label: t("statistics.period.fiscalYearOption", { year: y }) }))}
      />
      <p className="period-range" data-testid="period">
        {t("statistics.period.range", { from: formatDate(from), to: formatDate(to) })}
      </p>
    </div>
  );
  return { year, from, to, picker };
}
