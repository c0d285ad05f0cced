import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, ok } from "../../api/client";
import type { components } from "../../api/generated/intake";
import { TextField } from "../../components/Field";
import { QueryState } from "../../components/States";
import { formatDate } from "../../time";

export type PersonRow = components["schemas"]["PersonView"];

/** The name a screen shows for a person record (kanji, else kana, else the id). */
export function personName(p: Pick<PersonRow, "name_kanji" | "name_kana" | "person_id">): string {
  return p.name_kanji ?? p.name_kana ?? p.person_id;
}

/**
 * Pick a registered person by searching intake's register (GET /people): used to identify a
 * consultation's subject, link a duplicate record and add a household member. Not a form of its
 * own (it sits inside the form that uses the choice), so Enter in the name field searches.
 */
export function PersonPicker({
  chosen,
  onChoose,
  exclude,
  error,
}: {
  chosen: PersonRow | null;
  onChoose: (person: PersonRow | null) => void;
  exclude?: string;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState("");
  const [criteria, setCriteria] = useState<string | null>(null);
  const query = useQuery({
    queryKey: ["people", "picker", criteria],
    enabled: criteria !== null,
    queryFn: () => ok(api.intake.GET("/people", { params: { query: { name: criteria || undefined, limit: 10 } } })),
  });
  const items = (query.data?.items ?? []).filter((p) => p.person_id !== exclude);
  if (chosen) {
    return (
      <div className="picker chosen" role="group" aria-labelledby={`${id}-legend`}>
        <span id={`${id}-legend`} className="visually-hidden">
          {t("casework.picker.legend")}
        </span>
        <p>
          {t("casework.picker.chosen", { name: personName(chosen) })}{" "}
          <button type="button" className="secondary" onClick={() => onChoose(null)}>
            {t("casework.picker.change")}
          </button>
        </p>
        {error && (
          <small className="field-error" role="alert">
            {error}
          </small>
        )}
      </div>
    );
  }
  return (
    <fieldset className={`picker${error ? " invalid" : ""}`}>
      <legend>{t("casework.picker.legend")}</legend>
      <div
        className="filters"
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            setCriteria(name);
          }
        }}
      >
        <TextField name="picker_name" type="search" label={t("casework.picker.name")} value={name} onChange={setName} />
        <button type="button" className="secondary" onClick={() => setCriteria(name)}>
          {t("casework.picker.search")}
        </button>
      </div>
      {criteria !== null && (
        <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!items.length} emptyText={t("casework.picker.none")}>
          <ul className="picker-results" aria-label={t("casework.picker.results")}>
            {items.map((p) => (
              <li key={p.person_id}>
                <span>
                  {personName(p)} {p.name_kana && p.name_kanji ? `（${p.name_kana}）` : ""} {formatDate(p.birth_date)}
                </span>{" "}
                <button type="button" onClick={() => onChoose(p)} aria-label={`${t("casework.picker.choose")}: ${personName(p)}`}>
                  {t("casework.picker.choose")}
                </button>
              </li>
            ))}
          </ul>
        </QueryState>
      )}
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </fieldset>
  );
}
