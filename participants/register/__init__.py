"""The participant register: the spreadsheet coordinators kept before PLP.

One row is one participant: registration, intake, a voortraject, one trajectory with
its credential, one placement, a dropout and an outflow. `read_register` turns a CSV or
XLSX file into rows; `plan_import` checks every cell against the records (a dry run,
with every problem named by spreadsheet row and column); `apply_import` saves a plan
that has no errors, all of it in one transaction, or nothing. `export_register` writes
the same format back, so export then import changes nothing.

By part: format (columns, reading), importing (plan), applying (save), exporting."""

from .applying import apply_import  # noqa: F401
from .exporting import (  # noqa: F401
    UNSAFE_PREFIXES,
    _xlsx,
    export_register,
    export_rows,
    register_state,
    row_from_records,
    safe_cell,
    template_xlsx,
)
from .format import (  # noqa: F401
    COLUMNS,
    DATE_COLUMNS,
    DATE_FORMATS,
    EXPLANATION,
    LIMITS,
    MAX_BYTES,
    MAX_ROWS,
    OUTFLOW_LABELS,
    REQUIRED,
    TRAJECTORY_KINDS,
    RegisterFile,
    RegisterFileError,
    _check_headers,
    _text,
    parse_date,
    read_register,
)
from .importing import (  # noqa: F401
    MAPPABLE,
    ImportPlan,
    Lookups,
    RowPlan,
    _comparable,
    _parse_row,
    closest,
    plan_import,
)
