import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import { rulesOf } from "../../api/rules";
import { SelectField, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState } from "../../components/States";
import { CommandForm, fieldErrors, useCommand } from "../loans/common";
import { useDistrictsRights } from "./common";
import { HelperTable, ResourceTable } from "./Files";
import { useAreaOptions } from "./hooks";

const LIMIT = 200;
/** Rows a page of the resource and helper lists shows. */
const PAGE = 50;

/** 地域資源: the registry's local resources, searched by kind, district, area or name; district staff register new ones. */
export function ResourcesPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useDistrictsRights();
  const [params] = useSearchParams();
  const districts = useAreaOptions("district_council");
  const areas = useAreaOptions();
  const [filter, setFilter] = useState({ kind: "", district_id: params.get("district_id") ?? "", area_id: "", name: "" });
  const [offset, setOffset] = useState(0);
  const set = (k: keyof typeof filter) => (v: string) => {
    setFilter({ ...filter, [k]: v });
    setOffset(0);
  };
  const query = useQuery({
    queryKey: ["district-resources", filter, offset],
    queryFn: () =>
      ok(
        api.districts.GET("/resources", {
          params: {
            query: {
              kind: filter.kind || undefined,
              district_id: filter.district_id || undefined,
              area_id: filter.area_id || undefined,
              name: filter.name.trim() || undefined,
              limit: PAGE,
              offset,
            },
          },
        }),
      ),
  });
  return (
    <section aria-labelledby="resources-title">
      <h1 id="resources-title">{t("districtsDesk.registry.resourcesTitle")}</h1>
      <p className="hint">{t("districtsDesk.registry.resourcesHint")}</p>
      <div className="filters">
        <SelectField name="kind" label={t("districtsDesk.registry.kind")} value={filter.kind} onChange={set("kind")} placeholder={t("districtsDesk.all")} options={codes.options("local_resource_kinds")} />
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={filter.district_id} onChange={set("district_id")} placeholder={t("districtsDesk.all")} options={districts} />
        <SelectField name="area_id" label={t("districtsDesk.registry.area")} value={filter.area_id} onChange={set("area_id")} placeholder={t("districtsDesk.all")} options={areas} />
        <TextField name="name" type="search" label={t("districtsDesk.registry.nameSearch")} value={filter.name} onChange={set("name")} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error}>
        <ResourceTable items={query.data?.items ?? []} labelledBy="resources-title" />
        {query.data && <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />}
      </QueryState>
      {rights.write && <ResourceForm initialDistrict={params.get("district_id") ?? ""} />}
    </section>
  );
}

function ResourceForm({ initialDistrict }: { initialDistrict: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const districts = useAreaOptions("district_council");
  const empty = { district_id: initialDistrict, kind: "", name: "", address: "", contact: "", serves: "" };
  const [form, setForm] = useState(empty);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "ResourceBody", f);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/resources", {
          body: {
            district_id: form.district_id,
            kind: form.kind,
            name: form.name.trim(),
            address: form.address.trim() || null,
            contact: form.contact.trim() || null,
            serves: form.serves.trim() || null,
          },
        }),
      ),
    [["district-resources"], ["district-file"]],
    () => setForm({ ...empty, district_id: form.district_id }),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="resource-form" title={t("districtsDesk.registry.resourceForm.title")} submit={t("districtsDesk.registry.resourceForm.submit")} run={() => mutation.mutate()} refresh={[["district-resources"]]} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={form.district_id} onChange={set("district_id")} placeholder={t("form.choose")} options={districts} required error={err.district_id} />
      <SelectField name="kind" label={t("districtsDesk.registry.kind")} value={form.kind} onChange={set("kind")} placeholder={t("form.choose")} options={codes.options("local_resource_kinds")} required error={err.kind} />
      <TextField name="name" label={t("districtsDesk.registry.name")} value={form.name} onChange={set("name")} rules={rule("name")} error={err.name} />
      <TextField name="address" label={t("districtsDesk.registry.address")} value={form.address} onChange={set("address")} rules={rule("address")} error={err.address} />
      <TextField name="contact" label={t("districtsDesk.registry.contact")} value={form.contact} onChange={set("contact")} rules={rule("contact")} error={err.contact} />
      <TextField name="serves" label={t("districtsDesk.registry.serves")} value={form.serves} onChange={set("serves")} rules={rule("serves")} error={err.serves} />
    </CommandForm>
  );
}

/** 担い手の名簿: the registry's helpers (民生委員, district volunteers, coordinators...), by kind, district or area. */
export function HelpersPage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useDistrictsRights();
  const [params] = useSearchParams();
  const districts = useAreaOptions("district_council");
  const areas = useAreaOptions();
  const [filter, setFilter] = useState({ kind: "", district_id: params.get("district_id") ?? "", area_id: "" });
  const [offset, setOffset] = useState(0);
  const set = (k: keyof typeof filter) => (v: string) => {
    setFilter({ ...filter, [k]: v });
    setOffset(0);
  };
  const query = useQuery({
    queryKey: ["district-helpers", filter, offset],
    queryFn: () =>
      ok(
        api.districts.GET("/helpers", {
          params: { query: { kind: filter.kind || undefined, district_id: filter.district_id || undefined, area_id: filter.area_id || undefined, limit: PAGE, offset } },
        }),
      ),
  });
  return (
    <section aria-labelledby="helpers-title">
      <h1 id="helpers-title">{t("districtsDesk.registry.helpersTitle")}</h1>
      <p className="hint">{t("districtsDesk.registry.helpersHint")}</p>
      <div className="filters">
        <SelectField name="kind" label={t("districtsDesk.registry.kind")} value={filter.kind} onChange={set("kind")} placeholder={t("districtsDesk.all")} options={codes.options("helper_kinds")} />
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={filter.district_id} onChange={set("district_id")} placeholder={t("districtsDesk.all")} options={districts} />
        <SelectField name="area_id" label={t("districtsDesk.registry.area")} value={filter.area_id} onChange={set("area_id")} placeholder={t("districtsDesk.all")} options={areas} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error}>
        <HelperTable items={query.data?.items ?? []} labelledBy="helpers-title" />
        {query.data && <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />}
      </QueryState>
      {rights.write && <HelperForm initialDistrict={params.get("district_id") ?? ""} />}
    </section>
  );
}

function HelperForm({ initialDistrict }: { initialDistrict: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const districts = useAreaOptions("district_council");
  const empty = { district_id: initialDistrict, kind: "", name: "", contact: "", resource_id: "" };
  const [form, setForm] = useState(empty);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "HelperBody", f);
  const resources = useQuery({
    queryKey: ["district-resources", { district_id: form.district_id }],
    queryFn: () => ok(api.districts.GET("/resources", { params: { query: { district_id: form.district_id, limit: LIMIT } } })),
    enabled: !!form.district_id,
  });
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/helpers", {
          body: {
            district_id: form.district_id,
            kind: form.kind,
            name: form.name.trim(),
            contact: form.contact.trim() || null,
            resource_id: form.resource_id || null,
          },
        }),
      ),
    [["district-helpers"], ["district-file"]],
    () => setForm({ ...empty, district_id: form.district_id }),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="helper-form" title={t("districtsDesk.registry.helperForm.title")} submit={t("districtsDesk.registry.helperForm.submit")} run={() => mutation.mutate()} refresh={[["district-helpers"]]} error={mutation.error} pending={mutation.isPending}>
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={form.district_id} onChange={set("district_id")} placeholder={t("form.choose")} options={districts} required error={err.district_id} />
      <SelectField name="kind" label={t("districtsDesk.registry.kind")} value={form.kind} onChange={set("kind")} placeholder={t("form.choose")} options={codes.options("helper_kinds")} required error={err.kind} />
      <TextField name="name" label={t("districtsDesk.registry.helperName")} value={form.name} onChange={set("name")} rules={rule("name")} error={err.name} />
      <TextField name="contact" label={t("districtsDesk.registry.contact")} value={form.contact} onChange={set("contact")} rules={rule("contact")} error={err.contact} />
      <SelectField
        name="resource_id"
        label={t("districtsDesk.registry.resource")}
        value={form.resource_id}
        onChange={set("resource_id")}
        placeholder={t("districtsDesk.none")}
        options={(resources.data?.items ?? []).map((r) => ({ value: r.resource_id, label: `${r.name}（${codes.label("local_resource_kinds", r.kind)}）` }))}
        error={err.resource_id}
      />
    </CommandForm>
  );
}
