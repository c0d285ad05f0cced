import { useTranslation } from "react-i18next";

/** The reporting desk's screens (routes under /reporting/). */
export default function ReportingDesk() {
  const { t } = useTranslation();
  return <h1>{t("departments.reporting")}</h1>;
}
