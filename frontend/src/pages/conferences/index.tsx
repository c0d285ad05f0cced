import { useTranslation } from "react-i18next";
import { Route, Routes } from "react-router-dom";

import { ConferencePage } from "./Conference";
import { ConferenceListPage, ScheduleConferencePage } from "./Conferences";
import { MinutesPage } from "./Minutes";
import { ActionItemsPage, ReviewsPage } from "./Work";
import "./conferences.css";

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t("state.notFound")}</h1>;
}

/** The conferences desk's screens (ケース会議・地域ケア会議), routed under /conferences/. */
export default function ConferencesDesk() {
  return (
    <Routes>
      <Route index element={<ConferenceListPage />} />
      <Route path="new" element={<ScheduleConferencePage />} />
      <Route path="action-items" element={<ActionItemsPage />} />
      <Route path="reviews" element={<ReviewsPage />} />
      <Route path=":conferenceId" element={<ConferencePage />} />
      <Route path=":conferenceId/minutes" element={<MinutesPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
