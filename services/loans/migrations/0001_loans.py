"""The loans desk's read tables: consultations and their contacts, applications and their schedules,
households registered here, and the follow-up list (要フォロー).

Revision ID: loans_0001
"""

from shared.columns import table_revision

revision = "loans_0001"
down_revision = None

upgrade, downgrade = table_revision(
    """
    loan_households:
        household_id   id    key
        member_ids     text  required
        registered_at  time  required
        version        int   required
    loan_consultations:
        consultation_id      id     key
        household_id         id     required index
        person_id            id
        fund_type            code   required
        kind                 code   required
        initial              bool   required
        status               state  required
        outcome              code
        reached_service      bool
        issues               text   required
        responses            text   required
        contact_count        int    required
        summary              text   required
        loan_application_id  id
        opened_at            time   required index
        closed_at            time
        version              int    required
    loan_contacts:
        contact_id       id    key
        consultation_id  id    required index
        household_id     id    required
        fund_type        code  required
        kind             code  required
        channel          code  required
        counterpart      code  required
        initial          bool  required
        contacted_at     time  required index
    loan_applications:
        application_id    id      key
        household_id      id      required index
        person_id         id      required
        consultation_id   id
        fund_type         code    required
        status            state   required index
        requested_amount  bigint  required
        purpose           text    required
        amount            bigint
        instalment_count  int
        monthly_amount    bigint
        first_due_date    day
        grace_months      int
        disbursed_on      day
        outstanding       bigint  required
        missed_count      int     required
        arrears_count     int     required
        arrears_amount    bigint  required
        decision_reason   text
        submitted_at      time    required index
        updated_at        time    required
        version           int     required
    loan_instalments:
        application_id    id      key
        number            int     key
        due_date          day     required
        amount            bigint  required
        paid              bigint  required
        postponed_months  int     required
        missed            bool    required
    loan_follow_ups:
        consultation_id  id    key
        household_id     id    required index
        person_id        id
        fund_type        code  required
        kind             code  required
        issues           text  required
        outcome          code  required
        closed_at        time  required index
    """
)
