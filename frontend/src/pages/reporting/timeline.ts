/**
 * What a timeline entry shows at a glance: the facts staff read (words, codes as labels, amounts,
 * dates), in this order; ids, version stamps and who/when fields (already in the entry's head) stay
 * in the entry's "details". Codes are shown with the labels of the code lists they belong to.
 */
export type FieldKind =
  | { kind: "text" }
  | { kind: "codes"; list: string }
  | { kind: "amount" }
  | { kind: "date" }
  | { kind: "bool" }
  | { kind: "priority" }
  | { kind: "target" }
  | { kind: "labels"; prefix: string }
  | { kind: "plan" };

const text = { kind: "text" } as const;
const codes = (list: string): FieldKind => ({ kind: "codes", list });
/** A value of a fixed vocabulary of a service (not a code list), labelled by the catalogue under ``prefix``. */
const labels = (prefix: string): FieldKind => ({ kind: "labels", prefix });

export const TIMELINE_FIELDS: Record<string, FieldKind> = {
  issues: codes("household_issue_categories"),
  issues_added: codes("household_issue_categories"),
  source: codes("consultation_sources"),
  counterpart: codes("consultation_sources"),
  party: codes("consultation_sources"),
  channel: codes("contact_channels"),
  fund_type: codes("loan_fund_types"),
  response: codes("responses"),
  responses: codes("responses"),
  reason_category: codes("referral_reasons"),
  target: { kind: "target" },
  priority: { kind: "priority" },
  urgency: { kind: "priority" },
  outcome: codes("referral_outcomes"),
  own_words: text,
  wishes: text,
  summary: text,
  concern: text,
  description: text,
  reason_detail: text,
  reason: text,
  note: text,
  comment: text,
  purpose: text,
  decisions: text,
  person_wishes: text,
  goal: text,
  steps: { kind: "plan" },
  activity: text,
  approach: labels("districtsDesk.approach"),
  destination: text,
  subject_description: text,
  source_detail: text,
  urgency_reason: text,
  salon_name: text,
  frequency: labels("districtsDesk.frequency"),
  issues_text: text,
  person_picture: text,
  family_picture: text,
  strengths: text,
  obstacles: text,
  requested_amount: { kind: "amount" },
  amount: { kind: "amount" },
  monthly_amount: { kind: "amount" },
  amount_unpaid: { kind: "amount" },
  outstanding_after: { kind: "amount" },
  due_on: { kind: "date" },
  due_date: { kind: "date" },
  scheduled_for: { kind: "date" },
  held_at: { kind: "date" },
  deadline: { kind: "date" },
  valid_until: { kind: "date" },
  disbursed_on: { kind: "date" },
  paid_on: { kind: "date" },
  isolated: { kind: "bool" },
  reached_service: { kind: "bool" },
  issue_category: codes("district_issue_categories"),
  consulter: text,
  next_steps: text,
  held_on: { kind: "date" },
  consent_to_share: { kind: "bool" },
};

const yen = new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY" });

export function formatAmount(value: unknown): string {
  return typeof value === "number" ? yen.format(value) : String(value);
}
