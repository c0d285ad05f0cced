import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Route, Routes } from "react-router-dom";

import { Layout } from "./components/Layout";
import { ConsultationListPage, ConsultationPage, OpenConsultationPage } from "./pages/intake/Consultations";
import { PeopleSearchPage, RegisterPersonPage } from "./pages/intake/People";
import { HouseholdListPage, HouseholdPage, RegisterHouseholdPage } from "./pages/intake/Households";
import { PersonPage } from "./pages/intake/Person";
import { FollowUpsDuePage, ReviewQueuePage } from "./pages/intake/Review";
import { ReferralsPage } from "./pages/Referrals";
import { CaseOpenPage, CaseViewPage } from "./pages/reporting/CaseView";
import { WorkspacePage } from "./pages/Workspace";
import { DESK_ROUTES } from "./routes";

export function App() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<WorkspacePage />} />
        <Route path="/referrals" element={<ReferralsPage />} />
        <Route path="/intake/people" element={<PeopleSearchPage />} />
        <Route path="/intake/people/new" element={<RegisterPersonPage />} />
        <Route path="/intake/people/:personId" element={<PersonPage />} />
        <Route path="/intake/consultations" element={<ConsultationListPage />} />
        <Route path="/intake/consultations/new" element={<OpenConsultationPage />} />
        <Route path="/intake/consultations/:consultationId" element={<ConsultationPage />} />
        <Route path="/intake/households" element={<HouseholdListPage />} />
        <Route path="/intake/households/new" element={<RegisterHouseholdPage />} />
        <Route path="/intake/households/:householdId" element={<HouseholdPage />} />
        <Route path="/intake/follow-ups" element={<FollowUpsDuePage />} />
        <Route path="/intake/review" element={<ReviewQueuePage />} />
        <Route path="/cases" element={<CaseOpenPage />} />
        <Route path="/cases/:caseId" element={<CaseViewPage />} />
        {DESK_ROUTES.map(({ path, page: Page }) => (
          <Route key={path} path={path} element={<Suspense fallback={<Loading />}>{<Page />}</Suspense>} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

function Loading() {
  const { t } = useTranslation();
  return <p role="status">{t("state.loading")}</p>;
}

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t("state.notFound")}</h1>;
}

