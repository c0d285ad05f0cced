import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import { useCodeLists } from "../../api/codes";
import type { components } from "../../api/generated/districts";
import { rulesOf } from "../../api/rules";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Redacted, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { CommandForm, fieldErrors, toInt, useCommand } from "../loans/common";
import { thisFiscalYear, useDistrictsRights } from "./common";
import { useAreaNames, useAreaOptions } from "./hooks";

type FileDetail = components["schemas"]["DistrictFileDetail"];

const FILES_PAGE = 50;

/** 地区ファイル一覧: the districts' files of a fiscal year (or of one district over the years). */
export function DistrictFilesPage() {
  const { t } = useTranslation();
  const rights = useDistrictsRights();
  const names = useAreaNames();
  const districts = useAreaOptions("district_council");
  const [year, setYear] = useState(String(thisFiscalYear()));
  const [district, setDistrict] = useState("");
  const [offset, setOffset] = useState(0);
  const fiscalYear = Number.parseInt(year, 10);
  const query = useQuery({
    queryKey: ["district-files", year, district, offset],
    queryFn: () =>
      ok(
        api.districts.GET("/district-files", {
          params: {
            query: { fiscal_year: Number.isFinite(fiscalYear) ? fiscalYear : undefined, district_id: district || undefined, limit: FILES_PAGE, offset },
          },
        }),
      ),
  });
  return (
    <section aria-labelledby="district-files-title">
      <h1 id="district-files-title">{t("districtsDesk.files.title")}</h1>
      <p className="hint">{t("districtsDesk.files.hint")}</p>
      <div className="filters">
        <TextField name="fiscal_year" type="number" label={t("districtsDesk.files.fiscal_year")} value={year} onChange={(v) => { setYear(v); setOffset(0); }} />
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={district} onChange={(v) => { setDistrict(v); setOffset(0); }} placeholder={t("districtsDesk.all")} options={districts} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        <table className="data">
          <caption className="visually-hidden">{t("districtsDesk.files.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.files.district")}</th>
              <th scope="col">{t("districtsDesk.files.fiscal_year")}</th>
              <th scope="col">{t("districtsDesk.files.csw_id")}</th>
              <th scope="col">{t("districtsDesk.files.goal")}</th>
              <th scope="col">{t("districtsDesk.files.evaluation")}</th>
              <th scope="col">{t("districtsDesk.fields.updated_at")}</th>
            </tr>
          </thead>
          <tbody>
            {query.data?.items.map((f) => (
              <tr key={f.file_id} data-district={f.district_id}>
                <td>
                  <Link to={`/districts/files/${encodeURIComponent(f.district_id)}/${f.fiscal_year}`}>{names(f.district_id)}</Link>
                </td>
                <td>{t("districtsDesk.files.yearValue", { year: f.fiscal_year })}</td>
                <td>{f.csw_id}</td>
                <td>{f.goal}</td>
                <td>{f.evaluation ?? <span className="detail">{t("districtsDesk.files.notEvaluated")}</span>}</td>
                <td>{formatDateTime(f.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {query.data && <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />}
      </QueryState>
      {rights.write && <OpenFileForm />}
    </section>
  );
}

function OpenFileForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const districts = useAreaOptions("district_council");
  const [form, setForm] = useState({ district_id: "", fiscal_year: String(thisFiscalYear()), csw_id: "", goal: "" });
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("districts", "DistrictFileBody", f);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/district-files", {
          body: { district_id: form.district_id, fiscal_year: toInt(form.fiscal_year), csw_id: form.csw_id.trim(), goal: form.goal },
        }),
      ),
    [["district-files"]],
    (reply) => navigate(`/districts/files/${encodeURIComponent(reply.district_id)}/${reply.fiscal_year}`),
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm
      id="open-file"
      title={t("districtsDesk.files.openForm.title")}
      submit={t("districtsDesk.files.openForm.submit")}
      run={() => mutation.mutate()}
      refresh={[["district-files"]]}
      error={mutation.error}
      pending={mutation.isPending}
    >
      <SelectField name="district_id" label={t("districtsDesk.files.district")} value={form.district_id} onChange={set("district_id")} placeholder={t("form.choose")} options={districts} required error={err.district_id} />
      <TextField name="fiscal_year" type="number" label={t("districtsDesk.files.fiscal_year")} value={form.fiscal_year} onChange={set("fiscal_year")} rules={rule("fiscal_year")} error={err.fiscal_year} />
      <TextField name="csw_id" label={t("districtsDesk.files.csw_id")} value={form.csw_id} onChange={set("csw_id")} rules={rule("csw_id")} error={err.csw_id} />
      <TextArea name="goal" label={t("districtsDesk.files.goal")} value={form.goal} onChange={set("goal")} rules={rule("goal")} error={err.goal} rows={2} />
    </CommandForm>
  );
}

/** 地区カルテ: one district's file of a fiscal year, and what district staff record on it. */
export function DistrictFilePage() {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const rights = useDistrictsRights();
  const names = useAreaNames();
  const { districtId = "", year = "" } = useParams();
  const fiscalYear = Number.parseInt(year, 10);
  const query = useQuery({
    queryKey: ["district-file", districtId, fiscalYear],
    queryFn: () => ok(api.districts.GET("/district-files/{district_id}/{fiscal_year}", { params: { path: { district_id: districtId, fiscal_year: fiscalYear } } })),
  });
  const f = query.data;
  const categories = codes.options("population_categories");
  // Population in the code list's order (総人口, 世帯数, 高齢者...), unknown codes last.
  const order = (code: string) => {
    const i = categories.findIndex((c) => c.value === code);
    return i < 0 ? categories.length : i;
  };
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {f && (
        <section aria-labelledby="district-file-title">
          <h1 id="district-file-title">
            {t("districtsDesk.files.detailTitle")}：{f.district_name}（{t("districtsDesk.files.yearValue", { year: f.fiscal_year })}）
          </h1>
          <Redacted fields={[...new Set(f.helpers.flatMap((h) => h.redacted ?? []))]} />
          <dl className="facts">
            <dt>{t("districtsDesk.files.area_path")}</dt>
            <dd>{f.area_path.map(names).join(" › ")}</dd>
            <dt>{t("districtsDesk.files.csw_id")}</dt>
            <dd data-field="csw_id">{f.csw_id}</dd>
            <dt>{t("districtsDesk.files.goal")}</dt>
            <dd data-field="goal" className="words">{f.goal}</dd>
            <dt>{t("districtsDesk.files.evaluation")}</dt>
            <dd data-field="evaluation" className="words">
              {f.evaluation ?? <span className="detail">{t("districtsDesk.files.notEvaluated")}</span>}
              {f.evaluated_at && <div className="detail">{formatDateTime(f.evaluated_at)}</div>}
            </dd>
          </dl>

          <h2 id="population-title">
            {t("districtsDesk.files.population")}
            {f.population_as_of && <span className="detail">（{t("districtsDesk.files.populationAsOf")} {formatDate(f.population_as_of)}）</span>}
          </h2>
          {Object.keys(f.population).length === 0 ? (
            <p className="empty">{t("districtsDesk.files.noPopulation")}</p>
          ) : (
            <table className="data population" aria-labelledby="population-title">
              <thead>
                <tr>
                  <th scope="col">{t("districtsDesk.files.category")}</th>
                  <th scope="col">{t("districtsDesk.files.count")}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(f.population)
                  .sort(([a], [b]) => order(a) - order(b))
                  .map(([code, n]) => (
                  <tr key={code} data-category={code}>
                    <th scope="row">{codes.label("population_categories", code)}</th>
                    <td className="number">{n.toLocaleString("ja-JP")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2 id="file-helpers-title">{t("districtsDesk.files.helpers")}</h2>
          <HelperTable items={f.helpers} labelledBy="file-helpers-title" resources={f.resources} />
          {rights.write && (
            <p>
              <Link to={`/districts/helpers?district_id=${encodeURIComponent(f.district_id)}`}>{t("districtsDesk.files.registerHelper")}</Link>
            </p>
          )}

          <h2 id="file-resources-title">{t("districtsDesk.files.resources")}</h2>
          <ResourceTable items={f.resources} labelledBy="file-resources-title" />
          {rights.write && (
            <p>
              <Link to={`/districts/resources?district_id=${encodeURIComponent(f.district_id)}`}>{t("districtsDesk.files.registerResource")}</Link>
            </p>
          )}

          {rights.write && (
            <div className="forms">
              <EvaluationForm file={f} />
              <PopulationForm file={f} categories={categories} />
              <CswForm file={f} />
            </div>
          )}
        </section>
      )}
    </QueryState>
  );
}

function fileKey(f: FileDetail) {
  return ["district-file", f.district_id, f.fiscal_year];
}

function filePath(f: FileDetail) {
  return { district_id: f.district_id, fiscal_year: f.fiscal_year };
}

function EvaluationForm({ file }: { file: FileDetail }) {
  const { t } = useTranslation();
  const [evaluation, setEvaluation] = useState(file.evaluation ?? "");
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/district-files/{district_id}/{fiscal_year}/evaluation", {
          params: { path: filePath(file) },
          body: { evaluation, expected_version: file.version },
        }),
      ),
    [fileKey(file), ["district-files"]],
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="evaluation" title={t("districtsDesk.files.evaluationForm.title")} submit={t("districtsDesk.files.evaluationForm.submit")} run={() => mutation.mutate()} refresh={[fileKey(file)]} error={mutation.error} pending={mutation.isPending}>
      <TextArea name="evaluation" label={t("districtsDesk.files.evaluation")} value={evaluation} onChange={setEvaluation} rules={rulesOf("districts", "EvaluationBody", "evaluation")} error={err.evaluation} rows={3} />
    </CommandForm>
  );
}

function PopulationForm({ file, categories }: { file: FileDetail; categories: { value: string; label: string }[] }) {
  const { t } = useTranslation();
  const [asOf, setAsOf] = useState(file.population_as_of ?? `${file.fiscal_year}-04-01`);
  const [counts, setCounts] = useState<Record<string, string>>(Object.fromEntries(Object.entries(file.population).map(([k, v]) => [k, String(v)])));
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/district-files/{district_id}/{fiscal_year}/population", {
          params: { path: filePath(file) },
          body: {
            as_of: asOf,
            counts: Object.fromEntries(Object.entries(counts).filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, toInt(v)])),
            expected_version: file.version,
          },
        }),
      ),
    [fileKey(file), ["district-files"]],
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="population" title={t("districtsDesk.files.populationForm.title")} submit={t("districtsDesk.files.populationForm.submit")} run={() => mutation.mutate()} refresh={[fileKey(file)]} error={mutation.error} pending={mutation.isPending}>
      <p className="hint">{t("districtsDesk.files.populationForm.hint")}</p>
      <TextField name="as_of" type="date" label={t("districtsDesk.files.populationAsOf")} value={asOf} onChange={setAsOf} rules={{ required: true }} error={err.as_of} />
      {categories.map((c) => (
        <TextField
          key={c.value}
          name={`counts.${c.value}`}
          type="number"
          label={c.label}
          value={counts[c.value] ?? ""}
          onChange={(v) => setCounts({ ...counts, [c.value]: v })}
          rules={{ min: 0 }}
          error={err[`counts.${c.value}`]}
        />
      ))}
      {err.counts && <small className="field-error" role="alert">{err.counts}</small>}
    </CommandForm>
  );
}

function CswForm({ file }: { file: FileDetail }) {
  const { t } = useTranslation();
  const [csw, setCsw] = useState(file.csw_id);
  const mutation = useCommand(
    () =>
      ok(
        api.districts.POST("/district-files/{district_id}/{fiscal_year}/csw", {
          params: { path: filePath(file) },
          body: { csw_id: csw.trim(), expected_version: file.version },
        }),
      ),
    [fileKey(file), ["district-files"]],
  );
  const err = fieldErrors(mutation.error);
  return (
    <CommandForm id="csw" title={t("districtsDesk.files.cswForm.title")} submit={t("districtsDesk.files.cswForm.submit")} run={() => mutation.mutate()} refresh={[fileKey(file)]} error={mutation.error} pending={mutation.isPending}>
      <TextField name="csw_id" label={t("districtsDesk.files.csw_id")} value={csw} onChange={setCsw} rules={rulesOf("districts", "CswBody", "csw_id")} error={err.csw_id} />
    </CommandForm>
  );
}

type Helper = components["schemas"]["HelperRow"];
type Resource = components["schemas"]["ResourceRow"];

/** The helpers (担い手) of a district or a search. */
export function HelperTable({ items, labelledBy, resources }: { items: Helper[]; labelledBy: string; resources?: Resource[] }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const names = useAreaNames();
  // The resource a helper runs or helps in, by name: the district file's own, else the registry's.
  const registry = useQuery({
    queryKey: ["district-resources", "all"],
    queryFn: () => ok(api.districts.GET("/resources", { params: { query: { limit: 200 } } })),
    enabled: !resources && items.some((h) => h.resource_id),
  });
  const resourceName = new Map((resources ?? registry.data?.items ?? []).map((r) => [r.resource_id, r.name]));
  if (!items.length) return <p className="empty">{t("state.empty")}</p>;
  return (
    <table className="data" aria-labelledby={labelledBy}>
      <thead>
        <tr>
          <th scope="col">{t("districtsDesk.registry.helperName")}</th>
          <th scope="col">{t("districtsDesk.registry.kind")}</th>
          <th scope="col">{t("districtsDesk.files.district")}</th>
          <th scope="col">{t("districtsDesk.registry.contact")}</th>
          <th scope="col">{t("districtsDesk.registry.resource")}</th>
          <th scope="col">{t("districtsDesk.registry.registered_at")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((h) => (
          <tr key={h.helper_id} data-helper={h.helper_id}>
            <td>{h.name}</td>
            <td>{codes.label("helper_kinds", h.kind)}</td>
            <td>{names(h.district_id)}</td>
            <td>{h.contact ?? (h.redacted?.includes("contact") ? <Withheld /> : "")}</td>
            <td>{h.resource_id ? (resourceName.get(h.resource_id) ?? h.resource_id) : ""}</td>
            <td>{formatDateTime(h.registered_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The local resources (地域資源) of a district or a search. */
export function ResourceTable({ items, labelledBy }: { items: Resource[]; labelledBy: string }) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const names = useAreaNames();
  if (!items.length) return <p className="empty">{t("state.empty")}</p>;
  return (
    <table className="data" aria-labelledby={labelledBy}>
      <thead>
        <tr>
          <th scope="col">{t("districtsDesk.registry.name")}</th>
          <th scope="col">{t("districtsDesk.registry.kind")}</th>
          <th scope="col">{t("districtsDesk.files.district")}</th>
          <th scope="col">{t("districtsDesk.registry.address")}</th>
          <th scope="col">{t("districtsDesk.registry.contact")}</th>
          <th scope="col">{t("districtsDesk.registry.serves")}</th>
          <th scope="col">{t("districtsDesk.registry.registered_at")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.resource_id} data-resource={r.resource_id}>
            <td>
              <Link to={`/districts/resources/${r.resource_id}`}>{r.name}</Link>
            </td>
            <td>{codes.label("local_resource_kinds", r.kind)}</td>
            <td>{names(r.district_id)}</td>
            <td>{r.address ?? ""}</td>
            <td>{r.contact ?? ""}</td>
            <td>{r.serves ?? ""}</td>
            <td>{formatDateTime(r.registered_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
