"""The loans desk's refusals, in its own words.

::

    shared.errors.DomainError
    ├── NotFound
    │   ├── LoanConsultationNotFound     no consultation with that id was opened
    │   └── LoanApplicationNotFound      no application with that id was submitted
    ├── InvalidCommand                   (code-list misses raise it directly via CodeLists.require)
    │   ├── InvalidTerms                 approval terms that cannot make a repayment schedule
    │   └── RepaymentExceedsOutstanding  a repayment larger than what is still owed
    └── IllegalTransition
        ├── ConsultationClosed           the consultation is closed: open a new one
        └── WrongApplicationStatus       the application's status forbids the command

Every message says what was wrong and how to fix it.
"""

from __future__ import annotations

from shared.errors import IllegalTransition, InvalidCommand, NotFound

__all__ = [
    "ConsultationClosed",
    "InvalidTerms",
    "LoanApplicationNotFound",
    "LoanConsultationNotFound",
    "RepaymentExceedsOutstanding",
    "WrongApplicationStatus",
]


class LoanConsultationNotFound(NotFound):
    """貸付相談なし: no consultation with that id was opened."""


class LoanApplicationNotFound(NotFound):
    """申請なし: no loan application with that id was submitted."""


class InvalidTerms(InvalidCommand):
    """貸付条件の誤り: the terms cannot produce a repayment schedule."""


class RepaymentExceedsOutstanding(InvalidCommand):
    """過入金: the repayment is larger than the outstanding balance."""


class ConsultationClosed(IllegalTransition):
    """相談終結済: the consultation is closed and accepts no more records."""


class WrongApplicationStatus(IllegalTransition):
    """状態不整合: the application's current status forbids the command."""

    def __init__(self, message: str, *, status: str, field: str | None = None) -> None:
        super().__init__(message, field=field, reason="application_status", ctx={"status": status})
        self.status = status
