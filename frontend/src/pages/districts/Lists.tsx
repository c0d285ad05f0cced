import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, ok } from "../../api/client";
import { SelectField, TextField } from "../../components/Field";
import { QueryState } from "../../components/States";
import { formatDate } from "../../time";
import { YesNo } from "../loans/common";
import { ActionItemsPage } from "../conferences/Work";
import { useAreaNames, useAreaOptions } from "./hooks";

const LIMIT = 200;

/** サロン参加記録: attendance by district and salon (the service lists the latest first). */
export function SalonAttendancePage() {
  const { t } = useTranslation();
  const [district, setDistrict] = useState("");
  const [salon, setSalon] = useState("");
  const districts = useAreaOptions("district_council");
  const names = useAreaNames();
  const query = useQuery({
    queryKey: ["district-salons", district, salon],
    queryFn: () =>
      ok(
        api.districts.GET("/salons/attendance", {
          params: { query: { district_id: district || undefined, salon_name: salon.trim() || undefined, limit: LIMIT } },
        }),
      ),
  });
  return (
    <section aria-labelledby="salons-title">
      <h1 id="salons-title">{t("districtsDesk.salons.title")}</h1>
      <div className="filters">
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={district} onChange={setDistrict} placeholder={t("districtsDesk.all")} options={districts} />
        <TextField name="salon_name" type="search" label={t("districtsDesk.salons.filterSalon")} value={salon} onChange={setSalon} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        <table className="data">
          <caption className="visually-hidden">{t("districtsDesk.salons.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.fields.attended_on")}</th>
              <th scope="col">{t("districtsDesk.fields.salon_name")}</th>
              <th scope="col">{t("districtsDesk.fields.first_visit")}</th>
              <th scope="col">{t("districtsDesk.files.district")}</th>
              <th scope="col">{t("districtsDesk.fields.case_id")}</th>
            </tr>
          </thead>
          <tbody>
            {query.data?.items.map((a) => (
              <tr key={a.attendance_id}>
                <td>{formatDate(a.attended_on)}</td>
                <td>{a.salon_name}</td>
                <td>
                  <YesNo value={a.first_visit} />
                </td>
                <td>{names(a.district_id)}</td>
                <td>
                  <Link to={`/districts/cases/${encodeURIComponent(a.case_id)}`}>{a.case_id}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </section>
  );
}

/** 担い手一覧: the volunteer roles people took on, by district. */
export function VolunteersPage() {
  const { t } = useTranslation();
  const [district, setDistrict] = useState("");
  const districts = useAreaOptions("district_council");
  const names = useAreaNames();
  const query = useQuery({
    queryKey: ["district-volunteers", district],
    queryFn: () => ok(api.districts.GET("/volunteers", { params: { query: { district_id: district || undefined, limit: LIMIT } } })),
  });
  return (
    <section aria-labelledby="volunteers-title">
      <h1 id="volunteers-title">{t("districtsDesk.volunteers.title")}</h1>
      <div className="filters">
        <SelectField name="district_id" label={t("districtsDesk.files.district")} value={district} onChange={setDistrict} placeholder={t("districtsDesk.all")} options={districts} />
      </div>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length}>
        <table className="data">
          <caption className="visually-hidden">{t("districtsDesk.volunteers.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("districtsDesk.fields.started_on")}</th>
              <th scope="col">{t("districtsDesk.fields.activity")}</th>
              <th scope="col">{t("districtsDesk.fields.role")}</th>
              <th scope="col">{t("districtsDesk.files.district")}</th>
              <th scope="col">{t("districtsDesk.fields.case_id")}</th>
            </tr>
          </thead>
          <tbody>
            {query.data?.items.map((v) => (
              <tr key={v.role_id}>
                <td>{formatDate(v.started_on)}</td>
                <td>{v.activity}</td>
                <td>{v.role}</td>
                <td>{names(v.district_id)}</td>
                <td>
                  <Link to={`/districts/cases/${encodeURIComponent(v.case_id)}`}>{v.case_id}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </section>
  );
}

/** 会議で分担した役割（地区）: the conferences' action items assigned to districts. */
export function DistrictActionItemsPage() {
  const { t } = useTranslation();
  return <ActionItemsPage assignee="districts" title={t("districtsDesk.actionItems.title")} hint={t("districtsDesk.actionItems.hint")} />;
}
