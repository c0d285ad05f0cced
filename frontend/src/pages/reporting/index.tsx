import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router-dom";

import { AreaStatisticsPage } from "./AreaStatistics";
import { AuditPage } from "./Audit";
import { DistrictIssuesPage } from "./DistrictIssues";
import { FollowUpsPage } from "./FollowUps";
import { ReferralFlowPage } from "./Flow";
import { StatisticsPage } from "./Statistics";
import "./reporting.css";

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t("state.notFound")}</h1>;
}

/** The reporting desk's screens (記録と共有), routed under /reporting/; the case view itself is /cases/:id. */
export default function ReportingDesk() {
  return (
    <Routes>
      <Route index element={<Navigate to="statistics" replace />} />
      <Route path="statistics" element={<StatisticsPage />} />
      <Route path="referral-flow" element={<ReferralFlowPage />} />
      <Route path="district-issues" element={<DistrictIssuesPage />} />
      <Route path="areas" element={<AreaStatisticsPage />} />
      <Route path="follow-ups" element={<FollowUpsPage />} />
      <Route path="cases/:caseId/audit" element={<AuditPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
