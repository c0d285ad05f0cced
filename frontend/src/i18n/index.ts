import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import { en } from "./en";
import { ja } from "./ja";

const STORED = "tsunagu.language";

/** Japanese by default; English when the staff member chose it (remembered in this browser). */
export function setupI18n(): void {
  const chosen = localStorage.getItem(STORED);
  void i18n.use(initReactI18next).init({
    resources: { ja: { translation: ja }, en: { translation: en } },
    lng: chosen === "en" ? "en" : "ja",
    fallbackLng: "ja",
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  i18n.on("languageChanged", (lng) => {
    localStorage.setItem(STORED, lng);
    document.documentElement.lang = lng;
  });
  document.documentElement.lang = i18n.language;
}

