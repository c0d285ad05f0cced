import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../api/client";

import { linksFor } from "../components/Layout";
import { isManager } from "../auth/staff";
import { useStaff } from "../auth/useStaff";
import { useReferralBox } from "./Referrals";

/** The workspace chosen by the signed-in staff member's department and role. */
export function WorkspacePage() {
  const { t } = useTranslation();
  const staff = useStaff();
  const hasDesk = staff.department !== "reporting";
  const inbox = useReferralBox("inbox", "", 0, hasDesk);
  const escalations = useReferralBox("escalations", "", 0, hasDesk && isManager(staff));
  const counts = inbox.data?.counts ?? {};
  return (
    <section aria-labelledby="workspace-title">
      <h1 id="workspace-title">{t("workspace.title", { desk: t(`departments.${staff.department}`) })}</h1>
      <p>{t("workspace.greeting", { name: staff.name })}</p>
      {hasDesk && (
        <div className="cards">
          <Link className="card" to="/referrals">
            <span className="card-title">{t("workspace.unanswered")}</span>
            <span className="card-figure" data-testid="unanswered-count">
              {(counts.made ?? 0) + (counts.expired ?? 0)}
            </span>
          </Link>
          <Link className="card" to="/referrals">
            <span className="card-title">{t("workspace.inProgress")}</span>
            <span className="card-figure">{counts.accepted ?? 0}</span>
          </Link>
          {isManager(staff) && (
            <Link className="card" to="/referrals">
              <span className="card-title">{t("workspace.escalations")}</span>
              <span className="card-figure">{escalations.data?.total ?? 0}</span>
            </Link>
          )}
        </div>
      )}
      <DeskCards />
      <h2>{t("workspace.screens")}</h2>
      <ul className="screen-links">
        {linksFor(staff)
          .filter((l) => l.to !== "/")
          .map((l) => (
            <li key={l.to}>
              <Link to={l.to}>{t(l.key)}</Link>
            </li>
          ))}
      </ul>
    </section>
  );
}

/** A day ahead of the services' (UTC) today by ``days``, as YYYY-MM-DD. */
function daysAhead(days: number): string {
  return new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
}

/** The districts and conferences desks' own figures: open action items, reviews due within a week. */
function DeskCards() {
  const { t } = useTranslation();
  const staff = useStaff();
  const districts = staff.department === "districts";
  const conferences = staff.department === "conferences";
  const assignee = districts ? "districts" : "";
  const items = useQuery({
    queryKey: ["action-items", assignee, "open"],
    queryFn: () => ok(api.conferences.GET("/action-items", { params: { query: { assignee: assignee || undefined, done: false, limit: 200 } } })),
    enabled: districts || conferences,
  });
  const until = daysAhead(7);
  const reviews = useQuery({
    queryKey: ["reviews", until],
    queryFn: () => ok(api.conferences.GET("/reviews", { params: { query: { until, limit: 200 } } })),
    enabled: conferences,
  });
  if (!districts && !conferences) return null;
  return (
    <div className="cards">
      <Link className="card" to={districts ? "/districts/action-items" : "/conferences/action-items"}>
        <span className="card-title">{t(districts ? "districtsDesk.workspace.openItems" : "conferencesDesk.workspace.openItems")}</span>
        <span className="card-figure" data-testid="open-action-items">
          {items.data?.items.length ?? 0}
        </span>
      </Link>
      {conferences && (
        <Link className="card" to="/conferences/reviews">
          <span className="card-title">{t("conferencesDesk.workspace.reviewsDue")}</span>
          <span className="card-figure" data-testid="reviews-due">
            {reviews.data?.items.length ?? 0}
          </span>
        </Link>
      )}
    </div>
  );
}
