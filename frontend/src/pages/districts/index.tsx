import { useTranslation } from "react-i18next";

/** The districts desk's screens (routes under /districts/). */
export default function DistrictsDesk() {
  const { t } = useTranslation();
  return <h1>{t("departments.districts")}</h1>;
}
