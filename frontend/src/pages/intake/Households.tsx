/** 世帯: list and search households (by address or member), register one, one household with its
 * members; a registered person joins, a member leaves. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";

import { api, ok } from "../../api/client";
import type { components } from "../../api/generated/intake";
import { rulesOf } from "../../api/rules";
import { TextField } from "../../components/Field";
import { Pager } from "../../components/Pager";
import { QueryState, Redacted, Withheld } from "../../components/States";
import { formatDate, formatDateTime } from "../../time";
import { fieldError, Refusal } from "./Casework";
import { PersonPicker, type PersonRow } from "./PersonPicker";
import { useIntakeWrites } from "./common";

type Household = components["schemas"]["HouseholdView"];
type Member = components["schemas"]["HouseholdMemberView"];

export function HouseholdListPage() {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const [address, setAddress] = useState("");
  const [criteria, setCriteria] = useState("");
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ["households", criteria, offset],
    queryFn: () => ok(api.intake.GET("/households", { params: { query: { address: criteria || undefined, limit: 20, offset } } })),
  });
  return (
    <section aria-labelledby="households-title">
      <h1 id="households-title">{t("casework.households.title")}</h1>
      <form
        className="search"
        role="search"
        aria-label={t("casework.households.searchTitle")}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setCriteria(address);
        }}
      >
        <TextField name="address" type="search" label={t("casework.households.address")} value={address} onChange={setAddress} />
        <div className="actions">
          <button type="submit">{t("form.search")}</button>
          {writes && (
            <Link className="button secondary" to="/intake/households/new">
              {t("casework.households.register")}
            </Link>
          )}
        </div>
      </form>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={!query.data?.items.length} emptyText={t("casework.households.none")}>
        {query.data && (
          <>
            <table className="data">
              <caption>{t("casework.households.results", { total: query.data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("casework.common.householdId")}</th>
                  <th scope="col">{t("casework.households.address")}</th>
                  <th scope="col">{t("casework.households.members")}</th>
                  <th scope="col">{t("casework.households.memberCount")}</th>
                  <th scope="col">{t("people.registeredAt")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((h) => (
                  <tr key={h.household_id} data-household={h.household_id}>
                    <td>
                      <Link to={`/intake/households/${encodeURIComponent(h.household_id)}`}>{h.household_id}</Link>
                    </td>
                    <td>{h.address ?? (h.redacted.includes("address") ? <Withheld /> : "")}</td>
                    <td data-field="members">
                      <MemberNames household={h} />
                    </td>
                    <td>{h.members.length}</td>
                    <td>{formatDateTime(h.registered_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={query.data.total} limit={query.data.limit} offset={query.data.offset} onOffset={setOffset} />
          </>
        )}
      </QueryState>
    </section>
  );
}

export function RegisterHouseholdPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [address, setAddress] = useState("");
  const [member, setMember] = useState<PersonRow | null>(null);
  const [relationship, setRelationship] = useState("本人");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/households", {
          body: {
            address: address || null,
            members: member ? [{ person_id: member.person_id, relationship: relationship || null }] : [],
          },
        }),
      ),
    onSuccess: (data) => navigate(`/intake/households/${encodeURIComponent(String((data as { household_id?: string }).household_id))}`),
  });
  return (
    <section aria-labelledby="register-household-title">
      <h1 id="register-household-title">{t("casework.households.registerTitle")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        <TextField name="address" label={t("casework.households.address")} value={address} onChange={setAddress} rules={rulesOf("intake", "RegisterHouseholdBody", "address")} error={fieldError(mutation.error, "address")} />
        <h2>{t("casework.households.firstMember")}</h2>
        <PersonPicker chosen={member} onChoose={setMember} error={fieldError(mutation.error, "members")} />
        {member && <TextField name="relationship" label={t("casework.households.relationship")} hint={t("casework.households.relationshipHint")} value={relationship} onChange={setRelationship} />}
        <Refusal error={mutation.error} onReload={() => undefined} />
        <div className="actions">
          <button type="submit" disabled={mutation.isPending}>
            {t("casework.households.register")}
          </button>
        </div>
      </form>
    </section>
  );
}

export function HouseholdPage() {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const { householdId = "" } = useParams();
  const query = useQuery({
    queryKey: ["household", householdId],
    queryFn: () => ok(api.intake.GET("/households/{household_id}", { params: { path: { household_id: householdId } } })),
  });
  const h = query.data;
  return (
    <QueryState isLoading={query.isLoading} error={query.error}>
      {h && (
        <section aria-labelledby="household-title">
          <h1 id="household-title">
            {t("casework.households.detailTitle")} <small>{h.household_id}</small>
          </h1>
          <Redacted fields={h.redacted} />
          <dl className="facts">
            <dt>{t("casework.households.address")}</dt>
            <dd>{h.address}</dd>
            <dt>{t("people.registeredAt")}</dt>
            <dd>{formatDateTime(h.registered_at)}</dd>
          </dl>
          <div className="actions">
            {writes && (
              <Link className="button" to={`/intake/consultations/new?household_id=${encodeURIComponent(h.household_id)}`}>
                {t("casework.households.newConsultation")}
              </Link>
            )}
            <Link className="button secondary" to={`/cases/${encodeURIComponent(h.household_id)}`}>
              {t("consultations.openCase")}
            </Link>
          </div>
          <Members household={h} />
          {h.former_members.length > 0 && (
            <>
              <h2 id="former-title">{t("casework.households.formerMembers")}</h2>
              <MemberTable household={h} members={h.former_members} labelledBy="former-title" />
            </>
          )}
          {writes && <JoinForm household={h} />}
        </section>
      )}
    </QueryState>
  );
}

function Members({ household }: { household: Household }) {
  const { t } = useTranslation();
  return (
    <>
      <h2 id="members-title">{t("casework.households.members")}</h2>
      {household.members.length ? (
        <MemberTable household={household} members={household.members} labelledBy="members-title" current />
      ) : (
        <p className="empty">{t("state.empty")}</p>
      )}
    </>
  );
}

function MemberTable({ household, members, labelledBy, current }: { household: Household; members: Member[]; labelledBy: string; current?: boolean }) {
  const writes = useIntakeWrites();
  const { t } = useTranslation();
  const [leaving, setLeaving] = useState<string | null>(null);
  return (
    <table className="data" aria-labelledby={labelledBy}>
      <thead>
        <tr>
          <th scope="col">{t("fields.name")}</th>
          <th scope="col">{t("casework.households.relationship")}</th>
          <th scope="col">{t("casework.households.joinedOn")}</th>
          <th scope="col">{current ? t("referrals.col.actions") : t("casework.households.leftOn")}</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={`${m.person_id}-${m.joined_on ?? ""}`} data-member={m.person_id}>
            <td>
              <MemberName member={m} withheld={household.redacted.includes("members.name")} />
            </td>
            <td>{m.relationship}</td>
            <td>{formatDate(m.joined_on)}</td>
            <td>
              {!current ? (
                formatDate(m.left_on)
              ) : !writes ? (
                "—"
              ) : leaving === m.person_id ? (
                <LeaveForm household={household} member={m} onDone={() => setLeaving(null)} />
              ) : (
                <button type="button" className="secondary" onClick={() => setLeaving(m.person_id)}>
                  {t("casework.households.leave")}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A member's name as the household's view gives it (非開示 where withheld), linked to the person. */
function MemberName({ member, withheld }: { member: Member; withheld: boolean }) {
  return (
    <>
      <Link to={`/intake/people/${encodeURIComponent(member.person_id)}`}>{member.name ?? member.person_id}</Link>
      {withheld && (
        <>
          {" "}
          <Withheld />
        </>
      )}
    </>
  );
}

/** The members' names in one cell of the household list. */
function MemberNames({ household }: { household: Household }) {
  if (household.redacted.includes("members.name")) return <Withheld />;
  return <>{household.members.map((m) => m.name ?? m.person_id).join("、")}</>;
}

function useHouseholdRefresh(householdId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["household", householdId] }),
      queryClient.invalidateQueries({ queryKey: ["households"] }),
      queryClient.invalidateQueries({ queryKey: ["person"] }),
    ]);
}

function LeaveForm({ household, member, onDone }: { household: Household; member: Member; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useHouseholdRefresh(household.household_id);
  const [leftOn, setLeftOn] = useState("");
  const [reason, setReason] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/households/{household_id}/members/{person_id}/leave", {
          params: { path: { household_id: household.household_id, person_id: member.person_id } },
          body: { left_on: leftOn || null, reason: reason || null, expected_version: household.version },
        }),
      ),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
  return (
    <form
      aria-label={t("casework.households.leaveTitle", { name: member.person_id })}
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <TextField name="left_on" type="date" label={t("casework.households.leftOn")} value={leftOn} onChange={setLeftOn} error={fieldError(mutation.error, "left_on")} />
      <TextField name="leave_reason" label={t("casework.households.leaveReason")} value={reason} onChange={setReason} rules={rulesOf("intake", "LeaveBody", "reason")} error={fieldError(mutation.error, "reason")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <div className="actions">
        <button type="submit" disabled={mutation.isPending}>
          {t("casework.households.leaveSubmit")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("form.cancel")}
        </button>
      </div>
    </form>
  );
}

function JoinForm({ household }: { household: Household }) {
  const { t } = useTranslation();
  const refresh = useHouseholdRefresh(household.household_id);
  const [person, setPerson] = useState<PersonRow | null>(null);
  const [relationship, setRelationship] = useState("");
  const [joinedOn, setJoinedOn] = useState("");
  const mutation = useMutation({
    mutationFn: () =>
      ok(
        api.intake.POST("/households/{household_id}/members", {
          params: { path: { household_id: household.household_id } },
          body: {
            member: { person_id: person?.person_id ?? "", relationship: relationship || null },
            joined_on: joinedOn || null,
            expected_version: household.version,
          },
        }),
      ),
    onSuccess: async () => {
      setPerson(null);
      setRelationship("");
      setJoinedOn("");
      await refresh();
    },
  });
  return (
    <form
      className="panel"
      aria-labelledby="join-title"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h2 id="join-title">{t("casework.households.addMember")}</h2>
      <PersonPicker chosen={person} onChoose={setPerson} error={fieldError(mutation.error, "member")} />
      <TextField name="relationship" label={t("casework.households.relationship")} hint={t("casework.households.relationshipHint")} value={relationship} onChange={setRelationship} error={fieldError(mutation.error, "member.relationship")} />
      <TextField name="joined_on" type="date" label={t("casework.households.joinedOn")} value={joinedOn} onChange={setJoinedOn} error={fieldError(mutation.error, "joined_on")} />
      <Refusal error={mutation.error} onReload={() => void refresh()} />
      <button type="submit" disabled={mutation.isPending || !person}>
        {t("casework.households.addMemberSubmit")}
      </button>
    </form>
  );
}
