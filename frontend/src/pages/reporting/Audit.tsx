import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";

import { api, ApiError, ok } from "../../api/client";
import type { components } from "../../api/generated/reporting";
import { useStaff } from "../../auth/useStaff";
import { QueryState } from "../../components/States";
import { formatDateTime } from "../../time";

type ChainCheck = components["schemas"]["ChainCheck"];

/** Who may see this page (the service decides; the screen only explains a refusal). */
function refused(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403;
}

/**
 * 閲覧記録と改ざん検知 of one case, for managers and auditors: every read of the case (here and in
 * every other service) and the verification of its hash chains, the broken event named when one is.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const { caseId = "" } = useParams();
  const path = { params: { path: { case_id: caseId } } };
  const verify = useQuery({
    queryKey: ["verify", caseId],
    queryFn: () => ok(api.reporting.GET("/cases/{case_id}/verify", path)),
    retry: false,
  });
  const log = useQuery({
    queryKey: ["access-log", caseId],
    queryFn: () => ok(api.reporting.GET("/cases/{case_id}/access-log", path)),
    retry: false,
  });
  const refusal = [verify.error, log.error].find(refused);
  if (refusal) return <Refusal error={refusal} />;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">
        {t("statistics.audit.title")} <span className="case-id">{caseId}</span>
      </h1>
      <p>
        <Link to={`/cases/${encodeURIComponent(caseId)}`}>{t("statistics.audit.backToCase")}</Link>
      </p>
      <h2>{t("statistics.audit.verifyTitle")}</h2>
      <QueryState isLoading={verify.isLoading} error={verify.error}>
        {verify.data && <ChainResult check={verify.data} />}
      </QueryState>
      <h2>{t("statistics.audit.logTitle")}</h2>
      <AccessLog caseId={caseId} log={log} />
    </section>
  );
}

function Refusal({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="refusal-title" className="refusal">
      <h1 id="refusal-title">{t("statistics.audit.refusedTitle")}</h1>
      <div className="error-notice" role="alert">
        <p>{t("statistics.audit.refusedBody")}</p>
        <p className="hint">{t("statistics.audit.refusedDetail", { message: error.explanation })}</p>
      </div>
    </section>
  );
}

/** A problem of the chain check in words, with the event (version) it names. */
function useProblemText(): (problem: string) => string {
  const { t } = useTranslation();
  return (problem) => {
    const m = /^([\w-]+): version (\d+)(?: is missing \(next stored is (\d+)\)|: (predecessor)|: (content))/.exec(problem);
    if (!m) return problem;
    const [, store = "", version = "", next, predecessor] = m;
    const dept = t(`departments.${store}`, { defaultValue: store });
    if (next) return t("statistics.audit.problemMissing", { store: dept, version, next });
    if (predecessor) return t("statistics.audit.problemReordered", { store: dept, version });
    return t("statistics.audit.problemAltered", { store: dept, version });
  };
}

function ChainResult({ check }: { check: ChainCheck }) {
  const { t } = useTranslation();
  const text = useProblemText();
  if (check.ok) {
    return (
      <p role="status" className="ok verified" data-testid="chain-result">
        <span aria-hidden="true">✔ </span>
        {t("statistics.audit.verifiedOk", { streams: check.streams, events: check.events_checked })}
      </p>
    );
  }
  const broken = Object.entries(check.problems);
  return (
    <div role="alert" className="error-notice" data-testid="chain-result">
      <p>{t("statistics.audit.broken", { count: broken.length })}</p>
      <ul>
        {broken.map(([stream, problems]) => (
          <li key={stream}>
            {t("statistics.audit.brokenStream", { stream })}
            <ul>
              {problems.map((p) => (
                <li key={p}>{text(p)}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A field or purpose by its label: the shared catalogue first, then this desk's, else as sent. */
function useNames() {
  const { t } = useTranslation();
  return {
    field: (f: string) => t(`fields.${f}`, { defaultValue: t(`statistics.audit.fieldNames.${f}`, { defaultValue: f }) }),
    purpose: (p: string) => t(`purposes.${p}`, { defaultValue: t(`statistics.audit.purposes.${p}`, { defaultValue: p }) }),
  };
}

function AccessLog({
  caseId,
  log,
}: {
  caseId: string;
  log: { isLoading: boolean; error: unknown; data?: components["schemas"]["AccessRecord"][] | undefined };
}) {
  const { t } = useTranslation();
  const staff = useStaff();
  const names = useNames();
  const rows = log.data ?? [];
  return (
    <QueryState isLoading={log.isLoading} error={log.error} isEmpty={!rows.length} emptyText={t("statistics.audit.empty")}>
      <div className="table-scroll" role="region" aria-label={t("statistics.audit.logCaption")} tabIndex={0}>
        <table className="data" data-testid="access-log" data-case={caseId}>
          <caption>{t("statistics.audit.logCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("statistics.audit.viewedAt")}</th>
              <th scope="col">{t("statistics.audit.viewer")}</th>
              <th scope="col">{t("statistics.audit.purpose")}</th>
              <th scope="col">{t("statistics.audit.where")}</th>
              <th scope="col">{t("statistics.audit.fields")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, n) => (
              <tr key={n} className={r.viewer_id === staff.id ? "mine" : undefined} data-viewer={r.viewer_id}>
                <td>{formatDateTime(r.viewed_at)}</td>
                <td>
                  {r.viewer_id === staff.id ? staff.name : (r.viewer_name ?? r.viewer_id)}
                  {r.viewer_id === staff.id && <strong> {t("statistics.audit.you")}</strong>}
                  <br />
                  <small>
                    {t(`departments.${r.viewer_department}`, { defaultValue: r.viewer_department })}・
                    {t(`roles.${r.viewer_role}`, { defaultValue: r.viewer_role })}
                  </small>
                </td>
                <td className="nowrap">
                  {names.purpose(r.purpose)}
                  {r.as_of && (
                    <>
                      <br />
                      <small>{t("statistics.audit.asOf", { time: formatDateTime(r.as_of) })}</small>
                    </>
                  )}
                </td>
                <td>
                  {t(`departments.${r.service}`, { defaultValue: r.service })}
                  <br />
                  <code>{r.route}</code>
                </td>
                <td>
                  {r.fields_shown?.map(names.field).join("、")}
                  {(r.fields_redacted?.length ?? 0) > 0 && (
                    <div className="withheld-list">
                      {t("statistics.audit.redacted")}: {r.fields_redacted?.map(names.field).join("、")}
                    </div>
                  )}
                  {(r.redacted_entries ?? 0) > 0 && (
                    <div className="withheld-list">{t("statistics.audit.redactedEntries", { count: r.redacted_entries })}</div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </QueryState>
  );
}
