import { useTranslation } from "react-i18next";

/** The loans desk's screens (routes under /loans/). */
export default function LoansDesk() {
  const { t } = useTranslation();
  return <h1>{t("departments.loans")}</h1>;
}
