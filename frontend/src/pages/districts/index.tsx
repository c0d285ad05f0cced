import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router-dom";

import { DistrictCaseListPage, DistrictCasePage, NewConcernPage } from "./Cases";
import { AreasPage } from "./Areas";
import { DistrictFilePage, DistrictFilesPage } from "./Files";
import { DistrictActionItemsPage, SalonAttendancePage, VolunteersPage } from "./Lists";
import { HelpersPage, ResourcesPage } from "./Registry";
import { ActivityStatsPage, ResourcePage } from "./Later";
import { EscalationsPage, SchedulePage } from "./Schedule";
import { DeskConsultationPage, NetworkMeetingPage, NetworkMeetingsPage, SupportTeamPage } from "./Network";
import { ActivityQueuePage, ActivityRecordPage, MyActivityRecordsPage, StaffMeetingPage } from "./ActivityRecords";
import "../conferences/conferences.css";
import "./districts.css";

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t("state.notFound")}</h1>;
}

/** The districts desk's screens (地区), routed under /districts/. */
export default function DistrictsDesk() {
  return (
    <Routes>
      <Route index element={<Navigate to="cases" replace />} />
      <Route path="cases" element={<DistrictCaseListPage />} />
      <Route path="cases/:caseId" element={<DistrictCasePage />} />
      <Route path="concerns/new" element={<NewConcernPage />} />
      <Route path="salons" element={<SalonAttendancePage />} />
      <Route path="volunteers" element={<VolunteersPage />} />
      <Route path="action-items" element={<DistrictActionItemsPage />} />
      <Route path="areas" element={<AreasPage />} />
      <Route path="files" element={<DistrictFilesPage />} />
      <Route path="files/:districtId/:year" element={<DistrictFilePage />} />
      <Route path="resources" element={<ResourcesPage />} />
      <Route path="resources/:resourceId" element={<ResourcePage />} />
      <Route path="activity-records/statistics" element={<ActivityStatsPage />} />
      <Route path="helpers" element={<HelpersPage />} />
      <Route path="schedule" element={<SchedulePage />} />
      <Route path="schedule/escalations" element={<EscalationsPage />} />
      <Route path="teams" element={<SupportTeamPage />} />
      <Route path="network-meetings" element={<NetworkMeetingsPage />} />
      <Route path="network-meetings/:meetingId" element={<NetworkMeetingPage />} />
      <Route path="desk" element={<DeskConsultationPage />} />
      <Route path="activity-records" element={<MyActivityRecordsPage />} />
      <Route path="activity-records/queue" element={<ActivityQueuePage />} />
      <Route path="activity-records/meeting" element={<StaffMeetingPage />} />
      <Route path="activity-records/:recordId" element={<ActivityRecordPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
