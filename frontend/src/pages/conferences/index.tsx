import { useTranslation } from "react-i18next";

/** The conferences desk's screens (routes under /conferences/). */
export default function ConferencesDesk() {
  const { t } = useTranslation();
  return <h1>{t("departments.conferences")}</h1>;
}
