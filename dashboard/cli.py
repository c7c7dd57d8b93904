"""The command line: ``python -m dashboard COMMAND``. Errors go to stderr, never a traceback."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from dashboard.display import EXPORT_DECIMALS, rounded
from dashboard.errors import DashboardError, ImportRejectedError, NotFoundError, unlisted_count
from dashboard.fields import public_name
from dashboard.store import Store, resolve_db_path

EXIT_INVALID = 2
EXIT_ERROR = 1


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_CommandParser)
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", help="store file, or a postgresql:// address "
                    "(default $SSI_DASHBOARD_DB or data/ssi.duckdb)")  # fmt: skip
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--as", dest="as_user", metavar="EMAIL",
                     help="run as this dashboard user, with exactly what their role may see "
                          "(default: the machine's owner, an admin)")  # fmt: skip

    p = sub.add_parser("import", parents=[db, who], help="import CSV, TSV, XLSX or SSI JSON files")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--rep", help="the person a one-person file belongs to")
    p.add_argument("--team", help="team for rows that name none")
    p.add_argument("--date", type=_date, help="date for files without a date column")
    p.add_argument("--map", action="append", default=[], metavar="HEADER=field",
                   help="read a header the importer does not know as this field")  # fmt: skip
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--owner", action="append", default=[], metavar="OWNER=EMAIL",
                   help="a deal file: read this CRM owner as the rep with this e-mail "
                        "('OWNER=' leaves their deals out)")  # fmt: skip
    p.add_argument("--rate", action="append", default=[], metavar="CODE=RATE",
                   help="a deal file: the store's currency per unit of this one (EUR=1.08)")  # fmt: skip
    p.add_argument("--currency", metavar="CODE",
                   help="a deal file: the currency of amounts that name none")  # fmt: skip

    sub.add_parser(
        "init", parents=[db], help="create or upgrade the store's tables (a file or PostgreSQL)"
    )
    p = sub.add_parser("demo", parents=[db], help="build the demo organisation")
    p.add_argument("--reps", type=int, default=48)
    p.add_argument("--days", type=int, default=548)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--end", type=_date, help="last day of the demo (default today)")
    p.add_argument("--samples", type=Path, help="also write example upload files here")

    p = sub.add_parser("leaderboard", parents=[db, who], help="the team leaderboard")
    p.add_argument("--team", action="append", help="only this team (repeatable)")
    p.add_argument("--date", type=_date, help="as of this date (default: newest reading)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")

    p = sub.add_parser("outcomes", parents=[db, who],
                       help="deals won and created per rep, beside SSI, and how they compare")  # fmt: skip
    p.add_argument("--team", action="append", help="only this team (repeatable)")
    p.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD",
                   help="the period's first day (default: the last complete quarter)")  # fmt: skip
    p.add_argument(
        "--to", dest="end", type=_date, metavar="YYYY-MM-DD", help="the period's last day"
    )
    p.add_argument("--format", choices=["table", "json"], default="table")

    p = sub.add_parser("rep", parents=[db, who], help="one rep's self-check")
    p.add_argument("name")
    p.add_argument("--date", type=_date)
    p.add_argument("--format", choices=["table", "json"], default="table")

    sub.add_parser("imports", parents=[db, who], help="list the import log")
    p = sub.add_parser("backup", parents=[db], help="copy every table to a new folder")
    p.add_argument("folder", type=Path)
    p = sub.add_parser("restore", parents=[db],
                       help="make a new store (--db) from a backup folder")  # fmt: skip
    p.add_argument("folder", type=Path)
    p = sub.add_parser("undo", parents=[db, who], help="undo an import")
    p.add_argument("import_id", type=int)

    p = sub.add_parser("users", parents=[db], help="dashboard users and their roles")
    users_sub = p.add_subparsers(dest="users_command", required=True, parser_class=_CommandParser)
    # --db after the subcommand too (`users add EMAIL --db PATH`); SUPPRESS keeps a --db
    # given before it from being overwritten by this one's default.
    db_after = argparse.ArgumentParser(add_help=False)
    db_after.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    u = users_sub.add_parser("add", parents=[db_after], help="add a user")
    u.add_argument("email")
    u.add_argument("--role", choices=["admin", "manager", "rep", "viewer"], required=True)
    u.add_argument("--team", action="append", default=[], help="a team a manager manages")
    u.add_argument("--rep-email", "--rep", dest="rep_email", metavar="PERSON",
                   help="a rep's person in the exports, by e-mail or exact name, if not the "
                        "user's e-mail")  # fmt: skip
    u.add_argument("--password-stdin", action="store_true",
                   help="read a built-in password from standard input (else: OIDC only)")  # fmt: skip
    users_sub.add_parser("list", parents=[db_after], help="list users")
    u = users_sub.add_parser("remove", parents=[db_after], help="remove a user")
    u.add_argument("email")
    u = users_sub.add_parser("role", parents=[db_after], help="change a user's role")
    u.add_argument("email")
    u.add_argument("role", choices=["admin", "manager", "rep", "viewer"])
    u.add_argument("--team", action="append", default=None, help="a team a manager manages")
    u.add_argument("--rep-email", "--rep", dest="rep_email", metavar="PERSON")
    u = users_sub.add_parser("unlock", parents=[db_after],
                             help="lift every sign-in lock of a user")  # fmt: skip
    u.add_argument("email")
    u = users_sub.add_parser("password", parents=[db_after],
                             help="set a user's password (read from standard input); ends "
                                  "their sessions and lifts their locks")  # fmt: skip
    u.add_argument("email")
    u.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the password from standard input (never the command line)")  # fmt: skip
    _goal_commands(sub, db, who)
    _report_commands(sub, db, who)
    _notify_commands(sub, db)
    return parser


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time; expected YYYY-MM-DDTHH:MM"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _notify_commands(sub, db: argparse.ArgumentParser) -> None:
    """digest send and alerts check, for cron or a systemd timer (docs/DEPLOY.md)."""
    after = _after_subcommand()
    at = argparse.ArgumentParser(add_help=False)
    at.add_argument("--at", type=_moment, metavar="YYYY-MM-DDTHH:MM",
                    help="act as if it were this time, UTC (to check a schedule)")  # fmt: skip
    p = sub.add_parser("digest", parents=[db], help="the weekly digests")
    digest = p.add_subparsers(dest="digest_command", required=True, parser_class=_CommandParser)
    d = digest.add_parser("send", parents=[after, at],
                          help="send every digest due (each once a week), and any that failed")  # fmt: skip
    d.add_argument("--to", metavar="EMAIL", help="only this user's digest, due or not")
    d.add_argument("--dry-run", action="store_true",
                   help="write what would be sent to --out, send and keep nothing")  # fmt: skip
    d.add_argument("--out", type=Path, metavar="DIR", help="where --dry-run writes (.eml, .pdf)")
    p = sub.add_parser("alerts", parents=[db], help="alerts on the newest data")
    alerts = p.add_subparsers(dest="alerts_command", required=True, parser_class=_CommandParser)
    a = alerts.add_parser("check", parents=[after, at],
                          help="find new alerts and send each once to the people in scope")  # fmt: skip
    a.add_argument("--dry-run", action="store_true", help="say who would get what; send nothing")


def _after_subcommand(as_help: str | None = None) -> argparse.ArgumentParser:
    """--db (and --as, with ``as_help``) also after a subcommand (`goals list --as EMAIL`);
    SUPPRESS keeps one given before the subcommand from being overwritten by a default."""
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    if as_help:
        after.add_argument("--as", dest="as_user", metavar="EMAIL", default=argparse.SUPPRESS,
                           help=as_help)  # fmt: skip
    return after


def _report_commands(sub, db: argparse.ArgumentParser, who: argparse.ArgumentParser) -> None:
    """report pdf: the team review or a self-check as a PDF file, scoped as on the pages."""
    after = _after_subcommand("make it as this dashboard user sees it")
    p = sub.add_parser("report", parents=[db, who], help="reports as files")
    reports = p.add_subparsers(dest="report_command", required=True, parser_class=_CommandParser)
    r = reports.add_parser("pdf", parents=[after],
                           help="the team review (--team, or every team you may see) or a "
                                "rep's self-check (--rep) as a PDF")  # fmt: skip
    of = r.add_mutually_exclusive_group()
    of.add_argument("--team", action="append", help="a team of the review (repeatable)")
    of.add_argument("--rep", metavar="EMAIL", help="this rep's self-check (e-mail or name)")
    r.add_argument("--date", type=_date, help="as of this date (default: as the page)")
    r.add_argument("--period", default="90 days", help="the review's trend period "
                   "(30 days, 90 days, 6 months, 12 months, 18 months)")  # fmt: skip
    r.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")


def _goal_commands(sub, db: argparse.ArgumentParser, who: argparse.ArgumentParser) -> None:
    """goals add|list|import|remove and events add|list|remove; --db and --as also after
    the subcommand (`goals list --as EMAIL`)."""
    after = _after_subcommand("run as this dashboard user, scoped as on the pages")
    p = sub.add_parser("goals", parents=[db, who], help="goals and their pace")
    goals = p.add_subparsers(dest="goals_command", required=True, parser_class=_CommandParser)
    g = goals.add_parser(
        "add", parents=[after], help="set a goal (the company's, a team's or a rep's)"
    )
    g.add_argument("--metric", required=True,
                   help="ssi, a pillar (brand, people, insights, relationships), "
                        "balanced_share, or an activity metric (goals list shows them)")  # fmt: skip
    g.add_argument("--target", required=True, type=float)
    g.add_argument("--by", required=True, type=_date, help="the due day, YYYY-MM-DD")
    g.add_argument("--from", dest="start", type=_date, help="the start day (default today)")
    scope = g.add_mutually_exclusive_group()
    scope.add_argument("--team", help="a team's goal")
    scope.add_argument("--rep", metavar="EMAIL", help="a rep's goal, by their e-mail")
    g = goals.add_parser("list", parents=[after], help="every goal you may see, with its pace")
    g.add_argument("--format", choices=["table", "json"], default="table")
    g.add_argument("--date", type=_date, help="as of this day (default: the store's newest)")
    g = goals.add_parser(
        "import", parents=[after], help="set the goals of a goal file (CSV or XLSX)"
    )
    g.add_argument("file", type=Path)
    g.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    g = goals.add_parser("remove", parents=[after], help="remove a goal")
    g.add_argument("goal_id", type=int)
    g = goals.add_parser("template", parents=[after], help="print the goal file template")

    p = sub.add_parser("events", parents=[db, who], help="dated events the charts mark")
    events = p.add_subparsers(dest="events_command", required=True, parser_class=_CommandParser)
    e = events.add_parser("add", parents=[after], help="note an event")
    e.add_argument("--date", required=True, type=_date)
    e.add_argument("--title", required=True)
    scope = e.add_mutually_exclusive_group()
    scope.add_argument("--team", help="a team's event")
    scope.add_argument("--rep", metavar="EMAIL", help="a rep's event, by their e-mail")
    e = events.add_parser("list", parents=[after], help="every event you may see")
    e.add_argument("--format", choices=["table", "json"], default="table")
    e = events.add_parser("remove", parents=[after], help="remove an event")
    e.add_argument("event_id", type=int)


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser: an unknown option is reported with that command's usage
    (`import --bogus` shows how `import` is used, not the list of commands)."""

    def parse_known_args(self, args=None, namespace=None):
        parsed, extra = super().parse_known_args(args, namespace)
        if extra:
            self.error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed, extra


class _PrintableStream:
    """stdout/stderr with control characters escaped: a name holding ESC sequences cannot
    take over the terminal of whoever runs `leaderboard` or `rep`."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from dashboard.display import printable

        return self._stream.write(printable(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not isinstance(sys.stdout, _PrintableStream):
        sys.stdout, sys.stderr = _PrintableStream(sys.stdout), _PrintableStream(sys.stderr)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        # `... | head` closed the pipe: the reader has what it wanted. Point stdout at
        # devnull so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ImportRejectedError as exc:
        print(exc.summary(), file=sys.stderr)
        return EXIT_INVALID
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: say so in one line, never a traceback
        if os.environ.get("SSI_DEBUG"):
            raise
        print(f"error: unexpected failure ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_ERROR


def cmd_import(args) -> int:
    location = resolve_db_path(args.db)
    if args.dry_run and isinstance(location, Path) and not location.exists():
        # A dry run writes nothing, not even a new store: it checks against an empty one.
        with tempfile.TemporaryDirectory(prefix="ssi-dry-run-") as folder:
            with Store(Path(folder) / "empty.duckdb") as empty:
                return _import_files(empty, args)
    return _import_files(Store(args.db, on_wait=_say_waiting), args)


def _import_files(store: Store, args) -> int:
    from dashboard.actions.imports import import_upload
    from dashboard.ingest import ImportOptions
    from dashboard.ingest.plan import exchange_rate
    from dashboard.scoring.team_days import keep_current

    viewer = _viewer(store, args)
    viewer.require("upload")
    owners = dict(_owner(text) for text in args.owner)
    rates = dict(exchange_rate(text) for text in args.rate)
    failed = 0
    for path in args.files:
        options = ImportOptions(rep=args.rep, team=args.team, day=args.date, mapping=args.map,
                                dry_run=args.dry_run, owners=owners, rates=rates,
                                currency=args.currency)  # fmt: skip
        try:
            result = import_upload(store, viewer, path, options)
        except ImportRejectedError as exc:
            failed += 1
            print(f"{path.name}: rejected, nothing written; {exc.total} error(s):", file=sys.stderr)
            print(exc.summary(), file=sys.stderr)
            continue
        print(f"{path.name}: detected {result.format}")
        for note in result.notes:
            print(f"  {note}")
        for col in result.columns:
            target = public_name(col.field) or "-"
            print(f"  column {col.index + 1} '{col.header}' -> {target} ({col.how})")
        for warning in result.warnings:
            print(f"  warning: {warning}")
        if more := unlisted_count(result.warnings, result.warning_count):
            print(f"  ... and {more:,} more warning(s)")
        print(result.summary())
    if not args.dry_run:
        keep_current(store)  # a store whose every file was refused is summed all the same
        from dashboard.notify.alerts import after_import

        told = after_import(store)
        if told:
            print(f"alerts: {sum(o.status == 'sent' for o in told)} message(s) sent, "
                  f"{sum(o.status == 'failed' for o in told)} failed (kept)")  # fmt: skip
    return EXIT_INVALID if failed else 0


def _owner(text: str) -> tuple[str, str]:
    """'OWNER=EMAIL' -> (owner, e-mail); the owner may hold '=', the e-mail may not."""
    if "=" not in text:
        raise DashboardError(f"--owner {text!r}: expected OWNER=EMAIL")
    owner, email = text.rsplit("=", 1)
    return owner.strip(), email.strip()


def cmd_outcomes(args) -> int:
    from dashboard.views.outcomes import JSON_FIGURES, Period, outcomes_report

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    viewer = _viewer(store, args)
    if (args.start is None) != (args.end is None):
        raise DashboardError("give both --from and --to, or neither (the last complete quarter)")
    if args.start is not None and args.end < args.start:
        raise DashboardError("--to is before --from; expected a period that runs forward")
    period = Period(args.start, args.end) if args.start is not None else None
    view = outcomes_report(store, args.team or [], period, viewer)
    if args.format == "json":
        _print_json(view.as_dict())
        return 0
    print(outcomes_text(view, JSON_FIGURES))
    return 0


def outcomes_text(view, figures: list[str]) -> str:
    """The outcomes as the command's table: the period, per rep, the bands, the comparisons."""
    from dashboard.display import fmt, money, score, shortened

    cur = view.currency
    lines = [f"outcomes {view.period.words} ({view.period.start} to {view.period.end}); "
             f"SSI and {view.activity_label} over {view.period.lag_words}; amounts in "
             f"{cur or 'no currency yet (no deals)'}"]  # fmt: skip
    t = view.totals
    lines.append(f"{t.reps} reps: {t.deals_created} deals created ({money(t.created_amount, cur)}), "
                 f"{t.deals_won} won ({money(t.won_amount, cur)}), win rate "
                 f"{fmt(t.win_rate, '{:.0%}')}")  # fmt: skip
    if len(view.reps):
        shown = view.reps[["rep", "email", "team", *figures]].copy()
        for col in ("rep", "email", "team"):
            shown[col] = shown[col].map(shortened)
        for col in ("created_amount", "won_amount"):
            shown[col] = [money(v, cur) for v in shown[col]]
        shown["win_rate"] = [fmt(v, "{:.0%}") for v in shown["win_rate"]]
        shown["ssi_start"] = [score(v) for v in shown["ssi_start"]]
        shown["ssi_change"] = [fmt(v, "{:+.1f}") for v in shown["ssi_change"]]
        lines += ["", _table(shown)]
    lines += ["", "won amount per rep by SSI band at the period's start:"]
    for b in view.bands.itertuples():
        if b.won_per_rep is None or b.won_per_rep != b.won_per_rep:
            lines.append(f"  {b.band}: {b.reps} rep(s), too few to say")
        else:
            lines.append(f"  {b.band}: {b.reps} rep(s), {int(b.deals_won)} deal(s) won, "
                         f"{money(b.won_per_rep, cur)} per rep")  # fmt: skip
    lines += ["", "comparisons between reps:"]
    for c in view.comparisons:
        lines.append(f"  n={c.n}, deals={c.deals}: {c.sentence}")
    return "\n".join(lines)


def cmd_demo(args) -> int:
    from dashboard.demo import check_size, generate, generate_stream, load_demo
    from dashboard.samples import write_samples

    check_size(args.reps, args.days)  # before a store is made for a demo that cannot be
    store = Store(args.db, on_wait=_say_waiting)
    size = {"reps": args.reps, "days": args.days, "seed": args.seed, "end": args.end}
    # The sample files need the whole organisation in memory; the store alone does not.
    data = generate(**size) if args.samples else generate_stream(**size)
    import_id = load_demo(store, data, f"demo organisation (seed {args.seed})")
    counts = store.rows("demo_counts")[0]
    print(f"demo: {counts.reps:,} reps, {counts.snapshots:,} snapshots, "
          f"{counts.activity:,} activity rows into {store.location} (import #{import_id})")  # fmt: skip
    if args.samples:
        written = write_samples(data, args.samples)
        print(f"sample files: {', '.join(p.name for p in written)} in {args.samples}")
    return 0


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _table(frame: pd.DataFrame) -> str:
    """A table for the terminal: a missing value is a dash, as on the pages (never NaN,
    <NA>, NaT or None)."""
    return frame.astype(object).where(frame.notna(), "-").to_string(index=False)


def _json_safe(value):
    """NaN and infinities are not JSON: they become null, at any depth."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return rounded(value, EXPORT_DECIMALS) if math.isfinite(value) else None
    return value


def _print_json(data) -> None:
    print(json.dumps(_json_safe(data), default=_json_default, indent=1, allow_nan=False))


def _viewer(store: Store, args):
    """Who a command runs for: ``--as EMAIL`` (scoped like the pages), else the owner."""
    from dashboard.access import OWNER
    from dashboard.users import viewer_for

    if not getattr(args, "as_user", None):
        return OWNER
    found = viewer_for(store, args.as_user)
    if found is None:
        raise NotFoundError(f"{args.as_user} is not a user of this dashboard; `users list`")
    return found


def cmd_leaderboard(args) -> int:
    from dashboard.scoring import LEADERBOARD_KEYS, leaderboard
    from dashboard.scoring.leaderboard import default_as_of
    from dashboard.views.team_review import review_scope

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    viewer = _viewer(store, args)
    viewer.require("team_review")
    viewer.require("people")
    # Only the teams the viewer may see are known to them: another team is named as one
    # that does not exist, and never listed.
    teams = review_scope(store, viewer, args.team or [])
    board = viewer.people_in_scope(leaderboard(store, args.date, teams=teams))[LEADERBOARD_KEYS]
    if args.date is None and len(board):
        from dashboard.views.team_review import newer_readings_note

        newest = store.rows("date_range")[0].last_day
        note = newer_readings_note(default_as_of(store), newest, choose="Give --date")
        if note:  # on stderr: stdout stays the table scripts read
            print(note, file=sys.stderr)
    if args.format == "json":
        _print_json(_records(board))
    elif args.format == "csv":
        from dashboard.export import safe_frame

        safe_frame(board).to_csv(sys.stdout, index=False)
    else:
        from dashboard.display import rounded_columns, shortened

        shown = rounded_columns(board, ["ssi", "brand", "people", "insights", "relationships",
                                         "ssi_change_7d", "ssi_change_30d"])  # fmt: skip
        shown["rep"] = shown["rep"].map(shortened)
        shown["team"] = shown["team"].map(shortened)
        print(_table(shown) if len(shown) else "no readings in the store yet")
    return 0


def cmd_rep(args) -> int:
    from dashboard.scoring.summary import find_rep
    from dashboard.views.self_check import summary_for

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    viewer = _viewer(store, args)
    viewer.require("self_check")
    rep_id, _ = find_rep(store, args.name, viewer)
    summary = summary_for(store, viewer, rep_id, args.date)
    if args.format == "json":
        _print_json(summary.as_dict())
        return 0
    from dashboard import display
    from dashboard.views.self_check import standing_text

    r, t = summary.reading, standing_text(summary)
    print(f"{summary.rep} ({summary.team}), reading of {summary.as_of} ({t.age})")
    if t.unlisted:
        print(f"  {t.unlisted}")
    print(f"  SSI {display.score(r['ssi'])}  band: {r['band']}")
    print(f"  rank: {t.team_rank_help}")
    print(f"        {t.company_rank_help}")
    for p in ("brand", "people", "insights", "relationships"):
        print(f"  {p:<14}{display.score(r[p]):>5}   team "
              f"{display.score(summary.team_average[p]):>5}")  # fmt: skip
    print(f"  7-day change: {t.change_7d}")
    print(f"  {t.balance}")
    print(f"  forecast: {t.forecast}")
    if summary.estimate:
        print(f"  estimated SSI from activity: {display.score(summary.estimate['ssi'])} "
              "(estimated)")  # fmt: skip
    print("  what to do next:")
    for rec in summary.recommendations:
        gain = (
            ""
            if rec["expected_gain"] is None
            else f" (+{display.score(rec['expected_gain'])} est.)"
        )
        print(f"   - [{rec['pillar']}] {rec['action']}{gain}")
    for sig in summary.signals:
        print(f"  signal: {sig['signal']}: {sig['detail']}")
    return 0


def cmd_imports(args) -> int:
    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    _viewer(store, args).require("upload")
    log = store.df("import_log")
    print(_table(log) if len(log) else "no imports yet")
    return 0


def cmd_undo(args) -> int:
    from dashboard.actions.imports import undo

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    print(undo(store, _viewer(store, args), args.import_id))
    return 0


def cmd_users(args) -> int:
    from dashboard import users
    from dashboard.access import OWNER

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    if args.users_command == "list":
        table = users.list_users(store)
        print(_table(table) if len(table) else "no users yet: the dashboard "
              "asks for the first admin (or add one: users add EMAIL --role admin)")  # fmt: skip
    elif args.users_command == "add":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        account = users.add_user(store, args.email, args.role, by=OWNER, teams=args.team,
                                 password=password, rep_email=args.rep_email)  # fmt: skip
        print(f"{account.email} added as {account.role}")
    elif args.users_command == "remove":
        users.remove_user(store, args.email, by=OWNER)
        print(f"{args.email} removed")
    elif args.users_command == "unlock":
        users.unlock(store, args.email, by=OWNER)
        print(f"{args.email} unlocked")
    elif args.users_command == "password":
        users.set_password(store, args.email, sys.stdin.readline().rstrip("\n"), by=OWNER)
        print(f"{args.email} has a new password; their sessions have ended")
    else:
        account = users.set_role(store, args.email, args.role, by=OWNER, teams=args.team,
                                 rep_email=args.rep_email)  # fmt: skip
        print(f"{account.email} is now {account.role}")
    return 0


def cmd_goals(args) -> int:
    from dashboard.actions import goals as act
    from dashboard.scoring.goals import activity_labels, goal_paces
    from dashboard.scoring.leaderboard import default_as_of
    from dashboard.views.goals import GOAL_FIELDS, goal_records, goals_table, template_csv

    if args.goals_command == "template":
        sys.stdout.write(template_csv().decode())
        return 0
    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    viewer = _viewer(store, args)
    if args.goals_command == "add":
        goal_id = act.add_goal(store, viewer, args.metric, args.target, args.by, args.start,
                               args.team, args.rep)  # fmt: skip
        print(f"goal #{goal_id} set")
    elif args.goals_command == "remove":
        print(act.remove_goal(store, viewer, args.goal_id))
    elif args.goals_command == "import":
        result = act.import_goal_file(store, viewer, args.file, dry_run=args.dry_run)
        for note in result.notes:
            print(f"  {note}")
        print(result.summary() if not args.dry_run
              else f"{result.file_name}: {result.goals} goal(s) would be set")  # fmt: skip
    else:
        as_of = args.date or default_as_of(store) or date.today()
        paces = goal_paces(store, viewer, as_of)
        if args.format == "json":
            _print_json([{k: r[k] for k in [*GOAL_FIELDS, "start_value_day", "current_day",
                                             "metric_label", "withheld"]}
                         for r in goal_records(paces, activity_labels(store))])  # fmt: skip
        else:
            print(f"goals as of {as_of}")
            table = goals_table(paces, activity_labels(store))
            print(_table(table) if paces else "no goals you may see")
    return 0


def cmd_events(args) -> int:
    from dashboard.actions import goals as act
    from dashboard.scoring.events import visible_events
    from dashboard.views.goals import events_table

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    viewer = _viewer(store, args)
    if args.events_command == "add":
        event_id = act.add_event(store, viewer, args.date, args.title, args.team, args.rep)
        print(f"event #{event_id} noted")
    elif args.events_command == "remove":
        print(act.remove_event(store, viewer, args.event_id))
    else:
        table = events_table(visible_events(store, viewer))
        if args.format == "json":
            _print_json(_records(table))
        else:
            print(_table(table) if len(table) else "no events you may see")
    return 0


def cmd_report(args) -> int:
    from dashboard.views.team_review import PERIODS

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    viewer = _viewer(store, args)
    if args.period not in PERIODS:
        raise NotFoundError(f"no period called {args.period!r}; one of: {', '.join(PERIODS)}")
    if args.rep:
        from dashboard.reports.self_check import self_check_pdf
        from dashboard.scoring.summary import find_rep

        viewer.require("self_check")
        rep_id, _ = find_rep(store, args.rep, viewer)
        made = self_check_pdf(store, viewer, rep_id, args.date)
    else:
        from dashboard.reports.team_review import team_review_pdf

        made = team_review_pdf(store, viewer, args.team or [], args.date, args.period)
    if args.out.parent and not args.out.parent.is_dir():
        raise NotFoundError(f"no folder {args.out.parent} to write {args.out.name} in")
    args.out.write_bytes(made)
    print(f"wrote {args.out} ({len(made) // 1024} KB)")
    return 0


def cmd_digest(args) -> int:
    from dashboard.notify.send import send_digests

    if args.dry_run != bool(args.out):
        raise DashboardError("--dry-run and --out go together: --dry-run --out DIR")
    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    outcomes = send_digests(store, args.at, args.to, args.out)
    if not args.dry_run and not args.to:  # alerts are checked at digest time too
        from dashboard.notify.alerts import check_alerts

        outcomes += check_alerts(store, args.at.date() if args.at else None)
    return _said(outcomes)


def cmd_alerts(args) -> int:
    from dashboard.notify.alerts import check_alerts

    store = Store(args.db, must_exist=True, on_wait=_say_waiting)
    outcomes = check_alerts(store, args.at.date() if args.at else None, dry_run=args.dry_run)
    if not outcomes:
        print("no new alert for anyone")
    return _said(outcomes)


def _said(outcomes) -> int:
    """One line per recipient; failed when any message failed (it is kept, and sent again
    by the next run)."""
    for o in outcomes:
        print(f"{o.status:<8} {o.email}: {o.detail}")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("sent", "written", "failed")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    return EXIT_ERROR if counts["failed"] else 0


def cmd_init(args) -> int:
    from dashboard.scoring.team_days import keep_current

    store = Store(args.db, on_wait=_say_waiting)
    if keep_current(store):  # a new store, one migrated to version 8, or other scoring rules
        print(f"{store.location}: team averages per day summed with the current scoring rules")
    print(f"{store.location}: ready, schema version {store.schema_version()}, "
          f"{store.scalar('count_snapshots'):,} snapshots")  # fmt: skip
    return 0


def cmd_backup(args) -> int:
    from dashboard.store.backup import backup

    counts = backup(Store(args.db, must_exist=True, on_wait=_say_waiting), args.folder)
    print(f"backed up {sum(counts.values()):,} rows of {len(counts)} tables to {args.folder}")
    return 0


def cmd_restore(args) -> int:
    from dashboard.store import resolve_db_path
    from dashboard.store.backup import restore
    from dashboard.store.postgres import safe_url

    target = resolve_db_path(args.db)
    counts = restore(args.folder, target)
    where = safe_url(target) if isinstance(target, str) else target
    print(f"restored {sum(counts.values()):,} rows of {len(counts)} tables into {where}")
    return 0


COMMANDS = {"import": cmd_import, "demo": cmd_demo, "leaderboard": cmd_leaderboard,
            "outcomes": cmd_outcomes,
            "rep": cmd_rep, "imports": cmd_imports, "undo": cmd_undo, "backup": cmd_backup,
            "restore": cmd_restore, "users": cmd_users, "init": cmd_init,
            "goals": cmd_goals, "events": cmd_events, "report": cmd_report,
            "digest": cmd_digest, "alerts": cmd_alerts}  # fmt: skip
