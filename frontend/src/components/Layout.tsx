import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "react-oidc-context";
import { NavLink } from "react-router-dom";

import { isManager, type Department, type Staff } from "../auth/staff";
import { useStaff } from "../auth/useStaff";

type Link = { to: string; key: string; managers?: boolean; writers?: boolean; notAuditors?: boolean; approvers?: boolean };

/** The menu entries the signed-in staff member may use (managers' screens, forms only writers submit). */
export function linksFor(staff: Staff): Link[] {
  const writer = staff.role === "worker" || staff.role === "manager";
  return NAV[staff.department].filter(
    (l) =>
      (!l.managers || isManager(staff)) &&
      (!l.writers || writer) &&
      (!l.notAuditors || staff.role !== "auditor") &&
      (!l.approvers || staff.role === "manager" || staff.role === "director"),
  );
}

/** Reporting's figures for the managers (and auditors) of the other desks: their own work in numbers. */
const FIGURES: Link[] = [
  { to: "/reporting/statistics", key: "statistics.nav.tables", managers: true },
  { to: "/reporting/referral-flow", key: "statistics.nav.flow", managers: true },
  { to: "/reporting/follow-ups", key: "statistics.nav.followUps", managers: true },
];

/** The monthly district schedule, where every desk answers for its own department (対応する・対応しない),
 * and the events no department takes, for the managers (他課との調整). */
const SCHEDULE: Link[] = [
  { to: "/districts/schedule", key: "districtsDesk.nav.schedule" },
  { to: "/districts/schedule/escalations", key: "districtsDesk.nav.escalations", managers: true, notAuditors: true },
];

/** Each desk's screens, in the order its staff use them. */
export const NAV: Record<Department, Link[]> = {
  intake: [
    { to: "/", key: "nav.workspace" },
    { to: "/referrals", key: "nav.referrals" },
    { to: "/intake/people", key: "nav.people" },
    { to: "/intake/consultations", key: "nav.consultations" },
    { to: "/intake/consultations/new", key: "nav.newConsultation", writers: true },
    { to: "/intake/households", key: "casework.nav.households" },
    { to: "/intake/follow-ups", key: "casework.nav.followUps" },
    { to: "/intake/review", key: "casework.nav.review" },
    { to: "/cases", key: "nav.caseView" },
    ...SCHEDULE,
    ...FIGURES,
    { to: "/reporting/areas", key: "areasDesk.nav" },
  ],
  loans: [
    { to: "/", key: "nav.workspace" },
    { to: "/referrals", key: "nav.referrals" },
    { to: "/loans/consultations", key: "nav.loanConsultations" },
    { to: "/loans/applications", key: "nav.applications" },
    { to: "/loans/households", key: "nav.loanHouseholds" },
    { to: "/cases", key: "nav.caseView" },
    ...SCHEDULE,
    ...FIGURES,
    { to: "/reporting/areas", key: "areasDesk.nav" },
  ],
  districts: [
    { to: "/", key: "nav.workspace" },
    { to: "/referrals", key: "nav.referrals" },
    { to: "/districts/cases", key: "nav.districtCases" },
    { to: "/districts/concerns/new", key: "districtsDesk.nav.newConcern", writers: true },
    { to: "/districts/action-items", key: "districtsDesk.nav.actionItems" },
    { to: "/districts/salons", key: "districtsDesk.nav.salons" },
    { to: "/districts/volunteers", key: "districtsDesk.nav.volunteers" },
    { to: "/districts/files", key: "districtsDesk.nav.files" },
    { to: "/districts/areas", key: "districtsDesk.nav.areas" },
    { to: "/districts/resources", key: "districtsDesk.nav.resources" },
    { to: "/districts/helpers", key: "districtsDesk.nav.helpers" },
    { to: "/districts/teams", key: "districtsDesk.nav.teams" },
    { to: "/districts/network-meetings", key: "districtsDesk.nav.networkMeetings" },
    { to: "/districts/desk", key: "districtsDesk.nav.desk", writers: true },
    ...SCHEDULE,
    { to: "/cases", key: "nav.caseView" },
    ...FIGURES,
    { to: "/reporting/district-issues", key: "statistics.nav.districts", managers: true },
    { to: "/reporting/areas", key: "areasDesk.nav" },
    { to: "/districts/activity-records", key: "districtsDesk.nav.activityRecords", writers: true },
    { to: "/districts/activity-records/queue", key: "districtsDesk.nav.activityQueue", approvers: true },
    { to: "/districts/activity-records/meeting", key: "districtsDesk.nav.staffMeeting", notAuditors: true },
    { to: "/districts/activity-records/statistics", key: "districtsDesk.later.stats.nav", managers: true },
  ],
  conferences: [
    { to: "/", key: "nav.workspace" },
    { to: "/referrals", key: "nav.referrals" },
    { to: "/conferences", key: "nav.conferences" },
    { to: "/conferences/new", key: "conferencesDesk.nav.schedule", writers: true },
    { to: "/conferences/action-items", key: "conferencesDesk.nav.actionItems" },
    { to: "/conferences/reviews", key: "conferencesDesk.nav.reviews" },
    { to: "/cases", key: "nav.caseView" },
    ...SCHEDULE,
    ...FIGURES,
    { to: "/reporting/areas", key: "areasDesk.nav" },
  ],
  reporting: [
    { to: "/", key: "nav.workspace" },
    { to: "/cases", key: "nav.caseView" },
    { to: "/reporting/statistics", key: "statistics.nav.tables" },
    { to: "/reporting/referral-flow", key: "statistics.nav.flow" },
    { to: "/reporting/district-issues", key: "statistics.nav.districts" },
    { to: "/reporting/areas", key: "areasDesk.nav" },
    { to: "/reporting/follow-ups", key: "statistics.nav.followUps" },
    { to: "/districts/activity-records/statistics", key: "districtsDesk.later.stats.nav" },
  ],
};

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const staff = useStaff();
  const auth = useAuth();
  const links = linksFor(staff);
  const other = i18n.language.startsWith("ja") ? "en" : "ja";
  return (
    <>
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header className="top">
        <span className="brand">{t("app.name")}</span>
        <span className="desk">{t(`departments.${staff.department}`)}</span>
        <span className="who">
          {staff.name}（{t(`roles.${staff.role}`)}）
        </span>
        <button type="button" className="link" lang={other} onClick={() => void i18n.changeLanguage(other)}>
          {t("app.otherLanguage")}
        </button>
        <button type="button" className="link" onClick={() => void auth.signoutRedirect()}>
          {t("auth.signOut")}
        </button>
      </header>
      <nav className="side" aria-label={t("nav.label")}>
        <ul>
          {links.map((l) => (
            <li key={l.to}>
              <NavLink to={l.to} end>
                {t(l.key)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
