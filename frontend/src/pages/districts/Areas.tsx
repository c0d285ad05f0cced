import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import { rulesOf } from "../../api/rules";
import { useStaff } from "../../auth/useStaff";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { ErrorNotice, QueryState } from "../../components/States";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { AREA_KINDS, lines, thisFiscalYear } from "./common";
import { useAreaNames, useAreaOptions, useAreas } from "./hooks";

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
  const staff = useStaff();
  const defines = staff.department === "districts" && staff.role === "manager";
  // The service lists the areas in tree order (by each area's path from the city, its own id last).
  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="areas-title">
      <h1 id="areas-title">{t("districtsDesk.areas.title")}</h1>
      <p className="hint">{t("districtsDesk.areas.hint")}</p>
      <p>
        <Link to="/reporting/areas">{t("areasDesk.figuresLink")}</Link>
      </p>
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
      {defines && (
        <>
          <DefineAreaForm />
          <AddressesForm />
        </>
      )}
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

/** 圏域の設定 (district managers): a city, daily-life, district council or community-care area under its parent. */
function DefineAreaForm() {
  const { t } = useTranslation();
  const areas = useAreaOptions();
  const empty = { area_id: "", kind: "", name: "", parent_id: "", address_prefixes: "" };
  const [form, setForm] = useState(empty);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "AreaBody", f);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/areas", {
          body: {
            area_id: form.area_id.trim(),
            kind: form.kind as (typeof AREA_KINDS)[number],
            name: form.name.trim(),
            parent_id: form.parent_id || null,
            address_prefixes: lines(form.address_prefixes),
          },
        }),
      ),
    [["district-areas"]],
    () => setForm(empty),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="define-area" title={t("districtsDesk.areaForms.defineTitle")} submit={t("districtsDesk.areaForms.defineSubmit")} run={() => mutation.mutate()} refresh={[["district-areas"]]} error={mutation.error} pending={mutation.isPending}>
      <p className="hint">{t("districtsDesk.areaForms.defineHint")}</p>
      <TextField name="area_id" label={t("districtsDesk.areas.area_id")} value={form.area_id} onChange={set("area_id")} rules={rule("area_id")} error={err.area_id} />
      <SelectField name="area_kind" label={t("districtsDesk.areas.kind")} value={form.kind} onChange={set("kind")} placeholder={t("form.choose")} options={AREA_KINDS.map((k) => ({ value: k, label: t(`districtsDesk.areaKind.${k}`) }))} required error={err.kind} />
      <TextField name="area_name" label={t("districtsDesk.areas.name")} value={form.name} onChange={set("name")} rules={rule("name")} error={err.name} />
      <SelectField name="parent_id" label={t("districtsDesk.areaForms.parent")} value={form.parent_id} onChange={set("parent_id")} placeholder={t("districtsDesk.areaForms.noParent")} options={areas} error={err.parent_id} />
      <TextArea name="address_prefixes" label={t("districtsDesk.areas.prefixes")} hint={t("districtsDesk.areaForms.prefixesHint")} value={form.address_prefixes} onChange={set("address_prefixes")} rows={3} error={err.address_prefixes} />
    </CommandForm>
  );
}

/** 住所範囲の変更 (district managers): replace an area's address prefixes, on the version shown (409 when stale). */
function AddressesForm() {
  const { t } = useTranslation();
  const [areaId, setAreaId] = useState("");
  const [prefixes, setPrefixes] = useState("");
  const all = useAreas();
  // The version the form writes on is the one shown: a change made meanwhile is a 409, and the
  // conflict's reload brings the new version without losing the typed prefixes.
  const area = all.data?.items.find((a) => a.area_id === areaId);
  const choose = (id: string) => {
    const chosen = all.data?.items.find((a) => a.area_id === id);
    setAreaId(id);
    setPrefixes(chosen ? chosen.address_prefixes.join("\n") : "");
  };
  const mutation = useCommand(
    () =>
      ok(
        api.districts.PUT("/areas/{area_id}/address-prefixes", {
          params: { path: { area_id: areaId } },
          body: { address_prefixes: lines(prefixes), expected_version: area?.version ?? null },
        }),
      ),
    [["district-areas"]],
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm
      id="area-addresses"
      title={t("districtsDesk.areaForms.addressesTitle")}
      submit={t("districtsDesk.areaForms.addressesSubmit")}
      run={() => mutation.mutate()}
      refresh={[["district-areas"]]}
      error={mutation.error}
      pending={mutation.isPending}
    >
      <p className="hint">{t("districtsDesk.areaForms.addressesHint")}</p>
      <SelectField
        name="addresses_area_id"
        label={t("districtsDesk.areaForms.area")}
        value={areaId}
        onChange={choose}
        placeholder={t("form.choose")}
        options={(all.data?.items ?? []).map((a) => ({ value: a.area_id, label: `${a.name}（${a.area_id}）` }))}
        required
        error={err.area_id}
      />
      <TextArea name="addresses_prefixes" label={t("districtsDesk.areas.prefixes")} hint={t("districtsDesk.areaForms.prefixesHint")} value={prefixes} onChange={setPrefixes} rows={4} error={err.address_prefixes} />
    </CommandForm>
  );
}
