"""The report's events and their monthly sums, and the records failing a data-quality
check that spans tables, kept by triggers (participants/models/rollups.py).

A write to a participant's trajectories, dropouts, outflows (and their follow-ups),
re-entries, credentials, support needs or observation steps (and the goals' work
processes) recomputes
that participant's events of the figures those records feed (delete them, insert them
again from the records, each with the participant's previous date of the same figure)
and their failing records. Triggers on the events keep the
monthly sums, adding and subtracting as ProgressDay does (migration 0014).

PostgreSQL: statement triggers over transition tables (one recompute per statement for
all the participants it touched, so COPY and bulk inserts stay cheap); the recompute
first locks the participants' rows, so two transactions writing records of the same
participant recompute one after the other and the second sees the first's rows.
SQLite: row triggers (SQLite has one writer at a time)."""

from django.db import migrations, models


def _families(match):
    """Per family: the figures it holds, the tables that feed it, and the SELECT of its
    events (figure, item, pid, d). `match(column)` restricts a participant column."""
    steps = (
        "SELECT s.participant_id AS pid, g.work_process_id AS wp, s.date AS d, s.step AS step, "
        "s.observation_id AS obs FROM participants_observationstep s "
        f"JOIN participants_learninggoal g ON g.id = s.goal_id WHERE {match('s.participant_id')}"
    )
    mastered = f"SELECT pid, wp, MIN(d) AS d FROM ({steps}) st WHERE step = 4 GROUP BY pid, wp"
    still = (
        "EXISTS (SELECT 1 FROM participants_followup f WHERE f.outflow_id = o.id AND f.months = {months} "
        "AND f.still_active)"
    )
    # Rule 7 (still active on a day, per kind): the participant's state can change only
    # on the dates of their records; at each, whether a trajectory of the kind runs and
    # the participant has not left (an exit on or before it without a re-entry between).
    breakpoints = " UNION ".join(
        f"SELECT participant_id AS pid, {column} AS b FROM {table} WHERE {column} IS NOT NULL "
        f"AND {match('participant_id')}"
        for table, column in (
            ("participants_trajectory", "start"),
            ("participants_trajectory", '"end"'),
            ("participants_dropout", "date"),
            ("participants_outflow", "date"),
            ("participants_reentry", "date"),
        )
    )
    left = (
        "EXISTS (SELECT 1 FROM {table} x WHERE x.participant_id = k.pid AND x.date <= bp.b AND NOT EXISTS "
        "(SELECT 1 FROM participants_reentry r WHERE r.participant_id = k.pid AND r.date >= x.date "
        "AND r.date <= bp.b))"
    )
    running = (
        "EXISTS (SELECT 1 FROM participants_trajectory t WHERE t.participant_id = k.pid AND t.kind = k.kind "
        'AND t.start <= bp.b AND (t."end" IS NULL OR t."end" > bp.b))'
    )
    states = (
        f"SELECT k.pid, k.kind, bp.b, CASE WHEN {running} AND NOT {left.format(table='participants_dropout')} "
        f"AND NOT {left.format(table='participants_outflow')} THEN 1 ELSE 0 END AS active "
        "FROM (SELECT DISTINCT participant_id AS pid, kind FROM participants_trajectory "
        f"WHERE start IS NOT NULL AND {match('participant_id')}) k JOIN ({breakpoints}) bp ON bp.pid = k.pid"
    )
    return {
        "active": (
            ["lopend_in", "lopend_uit"],
            "SELECT CASE WHEN active = 1 THEN 'lopend_in' ELSE 'lopend_uit' END AS figure, kind AS item, "
            "pid, b AS d FROM (SELECT pid, kind, b, active, LAG(active, 1, 0) OVER "
            f"(PARTITION BY pid, kind ORDER BY b) AS before FROM ({states}) s) w WHERE active <> before",
        ),
        # Rule 1 (the first start of any kind) and rules 2-3 (a start per kind).
        "trajectory": (
            ["instroom", "traject"],
            "SELECT 'instroom' AS figure, '' AS item, participant_id AS pid, MIN(start) AS d "
            f"FROM participants_trajectory WHERE start IS NOT NULL AND {match('participant_id')} "
            "GROUP BY participant_id "
            "UNION SELECT 'traject', kind, participant_id, start FROM participants_trajectory "
            f"WHERE start IS NOT NULL AND {match('participant_id')}",
        ),
        # Rules 5 and 14: dropouts, per reason (its id; "" for none) and per route.
        "dropout": (
            ["uitval", "uitval_reden", "uitval_route"],
            "SELECT 'uitval' AS figure, '' AS item, participant_id AS pid, date AS d "
            f"FROM participants_dropout WHERE {match('participant_id')} "
            "UNION SELECT 'uitval_reden', COALESCE(CAST(reason_id AS TEXT), ''), participant_id, date "
            f"FROM participants_dropout WHERE {match('participant_id')} "
            "UNION SELECT 'uitval_route', route, participant_id, date "
            f"FROM participants_dropout WHERE {match('participant_id')}",
        ),
        # Rule 6: outflows, per kind, to work or education (every kind but "anders"), and
        # still in work or education at 6 and 12 months.
        "outflow": (
            ["uitstroom", "uitstroom_soort", "uitstroom_werk", "uitstroom_duurzaam"],
            "SELECT 'uitstroom' AS figure, '' AS item, o.participant_id AS pid, o.date AS d "
            f"FROM participants_outflow o WHERE {match('o.participant_id')} "
            "UNION SELECT 'uitstroom_soort', o.kind, o.participant_id, o.date "
            f"FROM participants_outflow o WHERE {match('o.participant_id')} "
            "UNION SELECT 'uitstroom_werk', '', o.participant_id, o.date "
            f"FROM participants_outflow o WHERE o.kind <> 'anders' AND {match('o.participant_id')} "
            "UNION SELECT 'uitstroom_duurzaam', '', o.participant_id, o.date "
            f"FROM participants_outflow o WHERE {match('o.participant_id')} "
            f"AND {still.format(months=6)} AND {still.format(months=12)}",
        ),
        # Rule 10: the first step 4 per work process (item) and the participant's days
        # with one; rule 11: a step above the previous step of the same work process.
        "learning": (
            ["beheerst_wp", "beheerst", "gegroeid"],
            f"SELECT 'beheerst_wp' AS figure, CAST(wp AS TEXT) AS item, pid, d FROM ({mastered}) m1 "
            f"UNION SELECT 'beheerst', '', pid, d FROM ({mastered}) m2 "
            "UNION SELECT 'gegroeid', '', pid, d FROM (SELECT pid, d, step, LAG(step) OVER "
            f"(PARTITION BY pid, wp ORDER BY d, obs) AS prev FROM ({steps}) st) w "
            "WHERE prev IS NOT NULL AND step > prev",
        ),
        # Rule 15: support needs opened (since) and settled (closed_on, status "geregeld"),
        # in all and per kind.
        "support": (
            ["steun_start", "steun_start_soort", "steun_geregeld", "steun_geregeld_soort"],
            "SELECT 'steun_start' AS figure, '' AS item, participant_id AS pid, since AS d "
            f"FROM participants_supportneed WHERE {match('participant_id')} "
            "UNION SELECT 'steun_start_soort', kind, participant_id, since "
            f"FROM participants_supportneed WHERE {match('participant_id')} "
            "UNION SELECT 'steun_geregeld', '', participant_id, closed_on FROM participants_supportneed "
            f"WHERE status = 'geregeld' AND closed_on IS NOT NULL AND {match('participant_id')} "
            "UNION SELECT 'steun_geregeld_soort', kind, participant_id, closed_on FROM participants_supportneed "
            f"WHERE status = 'geregeld' AND closed_on IS NOT NULL AND {match('participant_id')}",
        ),
    }


# The data-quality checks of participants/quality.py that span tables (or, for a missing
# start, find no index): the failing records, per check code.
def _issues(match):
    before_first = (
        "NOT EXISTS (SELECT 1 FROM participants_trajectory t WHERE t.participant_id = x.participant_id "
        "AND t.start <= x.date)"
    )
    return (
        "SELECT 'trajectory_start' AS code, participant_id AS pid, id AS record FROM participants_trajectory "
        f"WHERE start IS NULL AND {match('participant_id')} "
        "UNION ALL SELECT 'dropout_date', x.participant_id, x.id FROM participants_dropout x "
        f"WHERE {match('x.participant_id')} AND {before_first} "
        "UNION ALL SELECT 'outflow_date', x.participant_id, x.id FROM participants_outflow x "
        f"WHERE {match('x.participant_id')} AND {before_first} "
        "UNION ALL SELECT 'credential_date', c.participant_id, c.id FROM participants_credential c "
        "JOIN participants_trajectory t ON t.id = c.trajectory_id "
        f"WHERE {match('c.participant_id')} AND t.start > c.awarded_on"
    )


def _insert(family, match) -> str:
    if family == "quality":
        return (
            "INSERT INTO participants_qualityissue (code, participant_id, record_id) "
            f"SELECT code, pid, record FROM ({_issues(match)}) AS q;"
        )
    events = _families(match)[family][1]
    return (
        "INSERT INTO participants_figureevent (figure, item, participant_id, date, prev_date) "
        "SELECT figure, item, pid, d, LAG(d) OVER (PARTITION BY figure, item, pid ORDER BY d) "
        f"FROM ({events}) AS e;"
    )


def _recompute(family, match) -> str:
    if family == "quality":
        return f"DELETE FROM participants_qualityissue WHERE {match('participant_id')}; " + _insert(family, match)
    names = ", ".join(f"'{f}'" for f in _families(match)[family][0])
    return (
        f"DELETE FROM participants_figureevent WHERE {match('participant_id')} AND figure IN ({names}); "
        + _insert(family, match)
    )


FAMILIES = ["active", "trajectory", "dropout", "outflow", "learning", "support", "quality"]


# The tables that feed each family, with (PostgreSQL) the participants a statement's
# rows touch, and (SQLite) those one row touches (`{row}` is NEW or OLD).
SOURCES = {
    # (A credential names a trajectory: its participant's check may change too.)
    "participants_trajectory": (
        ["trajectory", "active", "quality"],
        "SELECT participant_id FROM {rows} UNION SELECT c.participant_id FROM participants_credential c "
        "WHERE c.trajectory_id IN (SELECT id FROM {rows})",
        "SELECT {row}.participant_id UNION SELECT participant_id FROM participants_credential "
        "WHERE trajectory_id = {row}.id",
    ),
    "participants_dropout": (
        ["dropout", "active", "quality"],
        "SELECT participant_id FROM {rows}",
        "{row}.participant_id",
    ),
    "participants_outflow": (
        ["outflow", "active", "quality"],
        "SELECT participant_id FROM {rows}",
        "{row}.participant_id",
    ),
    "participants_credential": (["quality"], "SELECT participant_id FROM {rows}", "{row}.participant_id"),
    "participants_reentry": (["active"], "SELECT participant_id FROM {rows}", "{row}.participant_id"),
    "participants_followup": (
        ["outflow"],
        "SELECT participant_id FROM {rows} UNION SELECT o.participant_id FROM participants_outflow o "
        "WHERE o.id IN (SELECT outflow_id FROM {rows})",
        "SELECT {row}.participant_id UNION SELECT participant_id FROM participants_outflow WHERE id = {row}.outflow_id",
    ),
    "participants_observationstep": (["learning"], "SELECT participant_id FROM {rows}", "{row}.participant_id"),
    "participants_supportneed": (["support"], "SELECT participant_id FROM {rows}", "{row}.participant_id"),
    # A goal's work process changes: its steps move to another (participant, work process).
    "participants_learninggoal": (
        ["learning"],
        "SELECT s.participant_id FROM participants_observationstep s WHERE s.goal_id IN (SELECT id FROM {rows})",
        "SELECT participant_id FROM participants_observationstep WHERE goal_id = {row}.id",
    ),
}
EVENTS = {"insert": ("new_rows",), "update": ("old_rows", "new_rows"), "delete": ("old_rows",)}
TABLES = {"new_rows": "NEW TABLE AS new_rows", "old_rows": "OLD TABLE AS old_rows"}

MONTH_KEY = "(month, figure, item, prev_month)"
PG_MONTHS = (
    "SELECT figure, item, date_trunc('month', date)::date AS month, "
    "COALESCE(date_trunc('month', prev_date)::date, DATE '0001-01-01') AS prev_month, COUNT(*) AS n "
    "FROM {rows} GROUP BY 1, 2, 3, 4"
)
PG_ADD = (
    "INSERT INTO participants_figuremonth (figure, item, month, prev_month, n) "
    f"SELECT * FROM ({PG_MONTHS}) AS d ORDER BY month, figure, item, prev_month "
    f"ON CONFLICT {MONTH_KEY} DO UPDATE SET n = participants_figuremonth.n + EXCLUDED.n;"
)
PG_SUBTRACT = (
    f"UPDATE participants_figuremonth AS fm SET n = fm.n - d.n FROM ({PG_MONTHS}) AS d "
    "WHERE fm.month = d.month AND fm.figure = d.figure AND fm.item = d.item AND fm.prev_month = d.prev_month;"
)
SQLITE_MONTH = "strftime('%Y-%m-01', {row}.date)"
SQLITE_PREV = "COALESCE(strftime('%Y-%m-01', {row}.prev_date), '0001-01-01')"
SQLITE_ADD = (
    "INSERT INTO participants_figuremonth (figure, item, month, prev_month, n) "
    f"VALUES (NEW.figure, NEW.item, {SQLITE_MONTH.format(row='NEW')}, {SQLITE_PREV.format(row='NEW')}, 1) "
    f"ON CONFLICT {MONTH_KEY} DO UPDATE SET n = n + 1;"
)
SQLITE_SUBTRACT = (
    "UPDATE participants_figuremonth SET n = n - 1 WHERE figure = OLD.figure AND item = OLD.item "
    f"AND month = {SQLITE_MONTH.format(row='OLD')} AND prev_month = {SQLITE_PREV.format(row='OLD')};"
)


def _pg_function(name, body, tables, table):
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END; $$ LANGUAGE plpgsql; "
        f"CREATE TRIGGER {name} AFTER {name.rsplit('_', 1)[1].upper()} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
    )


def _postgresql(execute):
    months = {"insert": PG_ADD.format(rows="new_rows"), "delete": PG_SUBTRACT.format(rows="old_rows")}
    months["update"] = PG_SUBTRACT.format(rows="old_rows") + PG_ADD.format(rows="new_rows")
    for event, rows in EVENTS.items():
        tables = " ".join(TABLES[r] for r in rows)
        execute(_pg_function(f"plp_figure_month_{event}", months[event], tables, "participants_figureevent"))
    for family in FAMILIES:
        body = _recompute(family, lambda column: f"{column} = ANY(pids)")
        execute(
            f"CREATE FUNCTION plp_figure_events_{family}(pids bigint[]) RETURNS void AS $$ BEGIN "
            "IF pids IS NULL THEN RETURN; END IF; "
            "PERFORM 1 FROM participants_participant WHERE id = ANY(pids) ORDER BY id FOR NO KEY UPDATE; "
            f"{body} END; $$ LANGUAGE plpgsql;"
        )
    for table, (families, touched, _row) in SOURCES.items():
        for event, rows in EVENTS.items():
            if table == "participants_learninggoal" and event != "update":
                continue  # a new goal has no steps; a goal's steps go before it
            pids = " UNION ".join(touched.format(rows=r) for r in rows)
            body = " ".join(
                f"PERFORM plp_figure_events_{family}((SELECT array_agg(DISTINCT x.p) FROM ({pids}) AS x(p)));"
                for family in families
            )
            tables = " ".join(TABLES[r] for r in rows)
            execute(_pg_function(f"plp_fe_{table.split('_', 1)[1]}_{event}", body, tables, table))
    execute(
        _pg_function(
            "plp_fe_participant_delete",
            "DELETE FROM participants_figureevent WHERE participant_id IN (SELECT id FROM old_rows); "
            "DELETE FROM participants_qualityissue WHERE participant_id IN (SELECT id FROM old_rows);",
            TABLES["old_rows"],
            "participants_participant",
        )
    )


def _sqlite(execute):
    execute(
        "CREATE TRIGGER plp_figure_month_insert AFTER INSERT ON participants_figureevent "
        f"FOR EACH ROW BEGIN {SQLITE_ADD} END;"
    )
    execute(
        "CREATE TRIGGER plp_figure_month_update AFTER UPDATE ON participants_figureevent "
        f"FOR EACH ROW BEGIN {SQLITE_SUBTRACT} {SQLITE_ADD} END;"
    )
    execute(
        "CREATE TRIGGER plp_figure_month_delete AFTER DELETE ON participants_figureevent "
        f"FOR EACH ROW BEGIN {SQLITE_SUBTRACT} END;"
    )
    for table, (families, _touched, touched) in SOURCES.items():
        short = table.split("_", 1)[1]
        # On an update, the old participant too when the row moved to another.
        moved = "OLD.participant_id IS NOT NEW.participant_id"
        if table == "participants_followup":
            moved += " OR OLD.outflow_id IS NOT NEW.outflow_id"
        for event, row, when in (
            ("insert", "NEW", ""),
            ("update", "NEW", ""),
            ("update_old", "OLD", f"WHEN {moved}"),
            ("delete", "OLD", ""),
        ):
            if table == "participants_learninggoal" and event != "update":
                continue
            body = " ".join(
                _recompute(family, lambda column, r=row: f"{column} IN ({touched.format(row=r)})")
                for family in families
            )
            execute(
                f"CREATE TRIGGER plp_fe_{short}_{event} AFTER {event.split('_')[0].upper()} ON {table} "
                f"FOR EACH ROW {when} BEGIN {body} END;"
            )
    execute(
        "CREATE TRIGGER plp_fe_participant_delete AFTER DELETE ON participants_participant "
        "FOR EACH ROW BEGIN DELETE FROM participants_figureevent WHERE participant_id = OLD.id; "
        "DELETE FROM participants_qualityissue WHERE participant_id = OLD.id; END;"
    )


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor

    def execute(sql):
        schema_editor.execute(sql, params=None)

    if vendor == "postgresql":
        _postgresql(execute)
    elif vendor == "sqlite":
        _sqlite(execute)
    for family in FAMILIES:
        execute(_insert(family, lambda column: "1 = 1"))


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    triggers = [(f"plp_figure_month_{event}", "participants_figureevent") for event in EVENTS]
    triggers += [(f"plp_fe_{t.split('_', 1)[1]}_{event}", t) for t in SOURCES for event in [*EVENTS, "update_old"]]
    triggers.append(("plp_fe_participant_delete", "participants_participant"))
    for name, table in triggers:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
    if vendor == "postgresql":
        for family in FAMILIES:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS plp_figure_events_{family}(bigint[])", params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0025_merge_learning_route")]

    operations = [
        migrations.CreateModel(
            name="FigureEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("figure", models.CharField(max_length=20)),
                ("item", models.CharField(blank=True, max_length=40)),
                ("participant_id", models.BigIntegerField()),
                ("date", models.DateField()),
                ("prev_date", models.DateField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["date"], name="figure_event_date"),
                    models.Index(fields=["prev_date"], name="figure_event_prev_date"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("participant_id", "figure", "item", "date"), name="figure_event_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FigureMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("figure", models.CharField(max_length=20)),
                ("item", models.CharField(blank=True, max_length=40)),
                ("month", models.DateField()),
                ("prev_month", models.DateField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "figure", "item", "prev_month"), name="figure_month_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="QualityIssue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=30)),
                ("participant_id", models.BigIntegerField()),
                ("record_id", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["code", "participant_id"], name="quality_issue_code")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("participant_id", "code", "record_id"), name="quality_issue_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(up, down),
    ]
