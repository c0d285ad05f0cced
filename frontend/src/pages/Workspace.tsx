import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

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
