import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import { SelectField, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { ErrorNotice, QueryState } from "../../components/States";
import { fieldErrors } from "../loans/common";
import { AREA_KINDS, thisFiscalYear } from "./common";
import { useAreaNames } from "./hooks";

const PAGE = 50;

/** 圏域: the areas as a hierarchy (city → daily-life areas → district councils / community-care areas),
 * and which areas an address falls in. */
export function AreasPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState("");
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["district-areas", kind, "page", offset],
    queryFn: () =>
      ok(
        api.districts.GET("/areas", {
          params: { query: { kind: kind ? (kind as (typeof AREA_KINDS)[number]) : undefined, limit: PAGE, offset } },
        }),
      ),
  });
  const names = useAreaNames();
  // The service lists the areas in tree order (by each area's path from the city, its own id last).
  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="areas-title">
      <h1 id="areas-title">{t("districtsDesk.areas.title")}</h1>
      <p className="hint">{t("districtsDesk.areas.hint")}</p>
      <AddressLookup />
      <div className="filters">
        <SelectField
          name="kind"
          label={t("districtsDesk.areas.kind")}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setOffset(0);
          }}
          placeholder={t("districtsDesk.all")}
          options={AREA_KINDS.map((k) => ({ value: k, label: t(`districtsDesk.areaKind.${k}`) }))}
        />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!items.length}>
        <table className="data">
          <caption className="visually-hidden">{t("districtsDesk.areas.treeLabel")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.areas.name")}</th>
              <th scope="col">{t("districtsDesk.areas.kind")}</th>
              <th scope="col">{t("districtsDesk.areas.area_id")}</th>
              <th scope="col">{t("districtsDesk.areas.prefixes")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.area_id} data-area={a.area_id}>
                <td style={{ paddingLeft: `${0.5 + (kind ? 0 : Math.max(a.path.length - 1, 0)) * 1.5}rem` }}>
                  {a.kind === "district_council" ? (
                    <Link to={`/districts/files/${encodeURIComponent(a.area_id)}/${thisFiscalYear()}`}>{a.name}</Link>
                  ) : (
                    a.name
                  )}
                  {kind && a.path.length > 1 && <div className="detail">{a.path.slice(0, -1).map(names).join(" › ")}</div>}
                </td>
                <td>{t(`districtsDesk.areaKind.${a.kind}`)}</td>
                <td>{a.area_id}</td>
                <td>{a.address_prefixes.join("、")}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {query.data && <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />}
      </QueryState>
    </section>
  );
}

/** 住所から圏域: the areas of an address, per kind, by its 町名・丁目. */
function AddressLookup() {
  const { t } = useTranslation();
  const [address, setAddress] = useState("");
  const lookup = useMutation({
    mutationFn: (a: string) => ok(api.districts.GET("/address-areas", { params: { query: { address: a } } })),
  });
  const names = useAreaNames();
  const err = fieldErrors(lookup.error);
  const found = lookup.data;
  return (
    <form
      className="panel address-lookup"
      aria-labelledby="address-lookup-title"
      onSubmit={(e) => {
        e.preventDefault();
        lookup.mutate(address.trim());
      }}
    >
      <h2 id="address-lookup-title">{t("districtsDesk.areas.lookupTitle")}</h2>
      <div className="filters">
        <TextField name="address" type="search" label={t("districtsDesk.areas.address")} value={address} onChange={setAddress} error={err.address} />
        <div className="actions">
          <button type="submit" disabled={lookup.isPending}>
            {t("districtsDesk.areas.lookup")}
          </button>
        </div>
      </div>
      {lookup.error != null && !err.address && <ErrorNotice error={lookup.error} />}
      {found && (
        <div role="status" className="lookup-result">
          {Object.keys(found.areas).length === 0 ? (
            <p className="empty">{t("districtsDesk.areas.noArea")}</p>
          ) : (
            <dl className="facts">
              <dt>{t("districtsDesk.areas.normalised")}</dt>
              <dd>{found.normalised}</dd>
              {Object.entries(found.areas).map(([k, id]) => (
                <div key={k} style={{ display: "contents" }}>
                  <dt>{t(`districtsDesk.areaKind.${k}`, { defaultValue: k })}</dt>
                  <dd data-kind={k}>
                    {k === "district_council" ? <Link to={`/districts/files/${encodeURIComponent(id)}/${thisFiscalYear()}`}>{names(id)}</Link> : names(id)}
                  </dd>
                </div>
              ))}
              <dt>{t("districtsDesk.areas.path")}</dt>
              <dd>{found.path.map(names).join(" › ")}</dd>
            </dl>
          )}
        </div>
      )}
    </form>
  );
}
