"""Every write to the case file. Each service runs in one transaction, validates the
rows it touches (full_clean plus the rules that span rows) and writes its audit entry
in that same transaction, so the change and its trace commit together or not at all.

By area: records (the file's lifecycle), reminders, documents, accounts, learning (the
learning route: catalogue, goals, observations)."""

from . import learning  # noqa: F401
from .accounts import (  # noqa: F401
    account_save,
    reference_save,
)
from .documents import (  # noqa: F401
    ANONYMOUS_NAME,
    MAGIC,
    attachment_add,
    attachment_delete,
    participant_anonymise,
    retention_due,
)
from .records import (  # noqa: F401
    NUMBER_ATTEMPTS,
    NUMBER_PREFIX,
    PHASE_MODELS,
    _action,
    _check_exit_date,
    _check_placement_overlap,
    _close_open_records,
    _insert_with_next_number,
    _save,
    credential_award,
    current_exit,
    dropout_record,
    intake_record,
    next_participant_number,
    outflow_record,
    participant_save,
    pause_save,
    placement_save,
    placement_switch,
    progress_entry_record,
    record_delete,
    reentry_record,
    signal_close,
    trajectory_save,
)
from .reminders import (  # noqa: F401
    add_months,
    followup_record,
    followups_due,
    reminder_done,
    reminder_save,
)
