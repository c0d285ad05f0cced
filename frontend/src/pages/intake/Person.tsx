import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { QueryState, Redacted, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { ConsentLedgerSection, LinkSection } from "./Consents";
import { useIntakeWrites } from "./common";

/** 本人情報: the person, their households, their consultations; links to open one and to the case view. */
export function PersonPage() {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const { personId = "" } = useParams();
  const codes = useCodeLists();
  const person = useQuery({
    queryKey: ["person", personId],
    queryFn: () => ok(api.intake.GET("/people/{person_id}", { params: { path: { person_id: personId } } })),
  });
  const consultations = useQuery({
    queryKey: ["consultations", "person", personId],
    queryFn: () => ok(api.intake.GET("/consultations", { params: { query: { person_id: personId, limit: 50 } } })),
  });
  const p = person.data;
  const households = p?.households.filter((h) => !h.left_on) ?? [];
  const newConsultation = p
    ? `/intake/consultations/new?person_id=${encodeURIComponent(p.person_id)}` +
      (households.length === 1 ? `&household_id=${encodeURIComponent(households[0]!.household_id)}` : "")
    : "";
  const shown = (field: string, value: string | null | undefined) =>
    p?.redacted.includes(field) ? <Withheld /> : value || "—";
  return (
    <QueryState isLoading={person.isLoading} error={person.error}>
      {p && (
        <section aria-labelledby="person-title">
          <h1 id="person-title">{p.name_kanji ?? (p.redacted.includes("name_kanji") ? <Withheld /> : t("people.unnamed"))}</h1>
          <Redacted fields={p.redacted} />
          <dl className="facts">
            {/* A withheld field says so; an empty one shows a dash. */}
            <dt>{t("fields.name_kana")}</dt>
            <dd>{shown("name_kana", p.name_kana)}</dd>
            <dt>{t("fields.birth_date")}</dt>
            <dd>{shown("birth_date", formatDate(p.birth_date))}</dd>
            <dt>{t("fields.address")}</dt>
            <dd>{shown("address", p.address)}</dd>
            <dt>{t("fields.phone")}</dt>
            <dd>{shown("phone", p.phone)}</dd>
            {p.care_notes && (
              <>
                <dt>{t("fields.care_notes")}</dt>
                <dd className="words">{p.care_notes}</dd>
              </>
            )}
            <dt>{t("casework.households.title")}</dt>
            <dd>
              {households.length
                ? households.map((h, n) => (
                    <span key={h.household_id}>
                      {n > 0 && "、"}
                      <Link to={`/intake/households/${encodeURIComponent(h.household_id)}`}>{h.household_id}</Link>
                      {h.relationship ? `（${h.relationship}）` : ""}
                    </span>
                  ))
                : "—"}
            </dd>
            <dt>{t("people.registeredAt")}</dt>
            <dd>{formatDateTime(p.registered_at)}</dd>
          </dl>
          <div className="actions">
            {writes && (
              <Link className="button" to={newConsultation}>
                {t("nav.newConsultation")}
              </Link>
            )}
            <Link className="button secondary" to={`/cases/${encodeURIComponent(p.case_id)}`}>
              {t("consultations.openCase")}
            </Link>
          </div>
          <h2>{t("consultations.title")}</h2>
          <QueryState isLoading={consultations.isLoading} error={consultations.error} isEmpty={!consultations.data?.items.length}>
            <ul>
              {consultations.data?.items.map((c) => (
                <li key={c.consultation_id}>
                  <Link to={`/intake/consultations/${encodeURIComponent(c.consultation_id)}`}>
                    {formatDateTime(c.opened_at)} — {c.issues.map((i) => codes.label("household_issue_categories", i)).join("、")}
                  </Link>{" "}
                  ({t(`consultations.${c.status}`)})
                </li>
              ))}
            </ul>
          </QueryState>
          <ConsentLedgerSection personId={p.person_id} />
          {writes && <LinkSection person={p} />}
        </section>
      )}
    </QueryState>
  );
}
