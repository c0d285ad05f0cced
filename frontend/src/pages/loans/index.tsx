import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router-dom";

import { ApplicationListPage, ApplicationPage, NewApplicationPage } from "./Applications";
import { LoanConsultationListPage, LoanConsultationPage, OpenLoanConsultationPage } from "./Consultations";
import { HouseholdHistoryPage, HouseholdOpenPage } from "./History";
import "./loans.css";

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t("state.notFound")}</h1>;
}

/** The loans desk's screens (生活福祉資金), routed under /loans/. */
export default function LoansDesk() {
  return (
    <Routes>
      <Route index element={<Navigate to="consultations" replace />} />
      <Route path="consultations" element={<LoanConsultationListPage />} />
      <Route path="consultations/new" element={<OpenLoanConsultationPage />} />
      <Route path="consultations/:consultationId" element={<LoanConsultationPage />} />
      <Route path="applications" element={<ApplicationListPage />} />
      <Route path="applications/new" element={<NewApplicationPage />} />
      <Route path="applications/:applicationId" element={<ApplicationPage />} />
      <Route path="households" element={<HouseholdOpenPage />} />
      <Route path="households/:householdId" element={<HouseholdHistoryPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
