import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";

import { api, ApiError, ok } from "../../api/client";
import { rulesOf } from "../../api/rules";
import { TextArea, TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Withheld, Unplaced } from "../../components/States";
import { formatDate } from "../../time";
import { useIntakeWrites } from "./common";

type Criteria = { name: string; birth_date: string; address: string; phone: string };
const EMPTY: Criteria = { name: "", birth_date: "", address: "", phone: "" };

/** 本人検索: kana or kanji, birth date, address, phone; the search runs on the service and pages there. */
export function PeopleSearchPage() {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const [form, setForm] = useState<Criteria>(EMPTY);
  const [criteria, setCriteria] = useState<Criteria | null>(null);
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["people", criteria, offset],
    enabled: criteria !== null,
    queryFn: () =>
      ok(
        api.intake.GET("/people", {
          params: {
            query: {
              name: criteria?.name || undefined,
              birth_date: criteria?.birth_date || undefined,
              address: criteria?.address || undefined,
              phone: criteria?.phone || undefined,
              limit: 20,
              offset,
            },
          },
        }),
      ),
  });
  const set = (k: keyof Criteria) => (v: string) => setForm({ ...form, [k]: v });
  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title">{t("people.searchTitle")}</h1>
      <form
        className="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setCriteria({ ...form });
        }}
      >
        <TextField name="name" type="search" label={t("fields.name")} hint={t("people.nameHint")} value={form.name} onChange={set("name")} />
        <TextField name="birth_date" type="date" label={t("fields.birth_date")} value={form.birth_date} onChange={set("birth_date")} />
        <TextField name="address" label={t("fields.address")} value={form.address} onChange={set("address")} />
        <TextField name="phone" type="tel" label={t("fields.phone")} value={form.phone} onChange={set("phone")} />
        <div className="actions">
          <button type="submit">{t("form.search")}</button>
          {writes && (
            <Link className="button secondary" to="/intake/people/new">
              {t("people.register")}
            </Link>
          )}
        </div>
      </form>
      {criteria && (
        <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length} emptyText={t("people.none")}>
          {query.data && (
            <>
              <table className="data">
                <caption>{t("people.results", { total: query.data.total })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("fields.name_kanji")}</th>
                    <th scope="col">{t("fields.name_kana")}</th>
                    <th scope="col">{t("fields.birth_date")}</th>
                    <th scope="col">{t("fields.address")}</th>
                    <th scope="col">{t("people.linked")}</th>
                  </tr>
                </thead>
                <tbody>
                  {query.data.items.map((p) => (
                    <tr key={p.person_id}>
                      <td>
                        <Link to={`/intake/people/${encodeURIComponent(p.person_id)}`}>{p.name_kanji ?? p.person_id}</Link>
                      </td>
                      <td>{p.name_kana ?? (p.redacted.includes("name_kana") ? <Withheld /> : "")}</td>
                      <td>{formatDate(p.birth_date)}</td>
                      <td>{p.address ?? (p.redacted.includes("address") ? <Withheld /> : "")}</td>
                      <td>{p.linked_person_ids.length || ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />
            </>
          )}
        </QueryState>
      )}
    </section>
  );
}

type PersonForm = { name_kanji: string; name_kana: string; birth_date: string; address: string; phone: string; care_notes: string };

/** 本人登録: the person's details; care notes are special-care (要配慮個人情報). */
export function RegisterPersonPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form, setForm] = useState<PersonForm>({ name_kanji: "", name_kana: "", birth_date: "", address: "", phone: "", care_notes: "" });
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/people", {
          body: {
            name_kanji: form.name_kanji || null,
            name_kana: form.name_kana || null,
            birth_date: form.birth_date || null,
            address: form.address || null,
            phone: form.phone || null,
            care_notes: form.care_notes || null,
          },
        }),
      ),
    onSuccess: (data) => navigate(`/intake/people/${encodeURIComponent(String((data as { person_id?: string }).person_id))}`),
  });
  const err = mutation.error instanceof ApiError ? mutation.error.fields : {};
  const set = (k: keyof PersonForm) => (v: string) => setForm({ ...form, [k]: v });
  const rule = (f: string) => rulesOf("intake", "RegisterPersonBody", f);
  return (
    <section aria-labelledby="register-title">
      <h1 id="register-title">{t("people.registerTitle")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        <TextField name="name_kanji" label={t("fields.name_kanji")} value={form.name_kanji} onChange={set("name_kanji")} rules={rule("name_kanji")} error={err.name_kanji} />
        <TextField name="name_kana" label={t("fields.name_kana")} value={form.name_kana} onChange={set("name_kana")} rules={rule("name_kana")} error={err.name_kana} />
        <TextField name="birth_date" type="date" label={t("fields.birth_date")} value={form.birth_date} onChange={set("birth_date")} error={err.birth_date} />
        <TextField name="address" label={t("fields.address")} value={form.address} onChange={set("address")} rules={rule("address")} error={err.address} />
        <TextField name="phone" type="tel" label={t("fields.phone")} value={form.phone} onChange={set("phone")} rules={rule("phone")} error={err.phone} />
        <TextArea name="care_notes" label={t("fields.care_notes")} hint={t("people.careHint")} value={form.care_notes} onChange={set("care_notes")} rules={rule("care_notes")} error={err.care_notes} />
        <Unplaced error={mutation.error} />
        <div className="actions">
          <button type="submit" disabled={mutation.isPending}>
            {t("people.register")}
          </button>
        </div>
      </form>
    </section>
  );
}
