"""Every write to the case file. Each service runs in one transaction, validates the
rows it touches (full_clean plus the rules that span rows) and writes its audit entry
in that same transaction, so the change and its trace commit together or not at all.

By area: records (the file's lifecycle), reminders, documents, accounts, mentor (the
workplace mentor's link), support (support needs, group lessons, learning places),
learning (the learning route: catalogue, goals, observations)."""

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
from .mentor import (  # noqa: F401
    mentor_checkin_record,
    mentor_checkins_send,
    mentor_link_audit,
    mentor_link_make,
    mentor_link_revoke,
    mentor_link_verify,
    mentor_observation_record,
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
    pause_end,
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
from .support import (  # noqa: F401
    attendance_mark_parse,
    attendance_mark_text,
    attendance_record,
    learning_place_save,
    lesson_plan,
    lesson_save,
    support_need_save,
    support_need_settle,
)
