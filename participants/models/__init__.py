"""The case file's records, by family (each module says what it holds). Everything is
imported here: `participants.models.X` is how the rest of the code and the migrations
name them."""

from ..lifecycle import Phase  # noqa: F401
from .base import (  # noqa: F401
    clean_end_after_start,
    end_after_start,
    private_storage,
)
from .documents import (  # noqa: F401
    Attachment,
    PendingImport,
    attachment_path,
)
from .exits import (  # noqa: F401
    Dropout,
    DropoutRoute,
    Outflow,
    ReEntry,
)
from .learning import (  # noqa: F401
    Judgment,
    JudgmentItem,
    LearningGoal,
    Observation,
    ObservationStep,
    QualificationFile,
    Step,
    WorkProcess,
)
from .mentor import (  # noqa: F401
    MentorCheckin,
    MentorCheckinMail,
    MentorLink,
)
from .organisations import (  # noqa: F401
    DropoutReason,
    Mentor,
    Organisation,
)
from .participant import (  # noqa: F401
    PHASE_CSS,
    Intake,
    Participant,
)
from .progress import (  # noqa: F401
    FollowUp,
    ProgressDay,
    ProgressEntry,
    Reminder,
    Signal,
)
from .rollups import (  # noqa: F401
    NO_PREVIOUS,
    CoachOpenFiles,
    FigureEvent,
    FigureMonth,
    LessonDay,
    OpenPhaseDay,
    QualityIssue,
)
from .support import (  # noqa: F401
    GroupLesson,
    LearningPlace,
    LessonAttendance,
    SupportNeed,
)
from .trajectory import (  # noqa: F401
    Credential,
    CredentialKind,
    Pause,
    Placement,
    Trajectory,
    TrajectoryKind,
)
