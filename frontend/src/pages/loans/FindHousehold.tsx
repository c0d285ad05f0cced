import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, ok } from "../../api/client";
import { TextField } from "../../components/Field";
import { QueryState } from "../../components/States";
import { formatDateTime } from "../../time";

type Found = { household_id: string; registered_at: string; members: { person_id: string; name?: string | null }[] };

/**
 * 世帯の検索: a household that comes back to the desk, found by a member's name (kanji or kana) among
 * those the desk registered; ``pick`` renders what a found household (and each member) offers.
 */
export function FindHousehold({ pick }: { pick: (household: Found) => ReactNode }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [criteria, setCriteria] = useState("");
  const query = useQuery({
    queryKey: ["loan-households", criteria],
    queryFn: () => ok(api.loans.GET("/households", { params: { query: { name: criteria, limit: 20 } } })),
    enabled: criteria.length > 0,
  });
  return (
    <section className="panel" aria-labelledby="find-household-title">
      <h2 id="find-household-title">{t("loansDesk.find.title")}</h2>
      <form
        className="search"
        role="search"
        aria-label={t("loansDesk.find.title")}
        onSubmit={(e) => {
          e.preventDefault();
          setCriteria(name.trim());
        }}
      >
        <TextField name="member_name" type="search" label={t("loansDesk.find.name")} hint={t("loansDesk.find.hint")} value={name} onChange={setName} rules={{ required: true, maxLength: 100 }} />
        <div className="actions">
          <button type="submit">{t("form.search")}</button>
        </div>
      </form>
      {criteria && (
        <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length} emptyText={t("loansDesk.find.none", { name: criteria })}>
          {query.data && (
            <table className="data">
              <caption>{t("loansDesk.find.results", { count: query.data.items.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("loansDesk.history.members")}</th>
                  <th scope="col">{t("loansDesk.find.registeredAt")}</th>
                  <th scope="col">{t("loansDesk.find.action")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((h) => (
                  <tr key={h.household_id} data-household={h.household_id}>
                    <td>{h.members.map((m) => m.name ?? m.person_id).join("、")}</td>
                    <td>{formatDateTime(h.registered_at)}</td>
                    <td>{pick(h)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      )}
    </section>
  );
}
