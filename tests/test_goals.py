"""Goals and their pace, against figures computed by hand; who may see and set them."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.access import OWNER, AccessDeniedError, Viewer
from dashboard.actions.goals import GoalRefusedError, add_goal, remove_goal
from dashboard.errors import NotFoundError
from dashboard.scoring.goals import Goal, default_goal, goal_paces, paces, quarter_of
from dashboard.scoring.team_days import keep_current

AS_OF = date(2026, 2, 5)
READINGS = """name,email,team,date,ssi,brand,people,insights,relationships
Ann Lee,ann@example.com,East,2026-01-01,40,10,10,10,10
Ann Lee,ann@example.com,East,2026-01-15,46,12,12,11,11
Ann Lee,ann@example.com,East,2026-02-05,52,13,13,13,13
Bob Ray,bob@example.com,East,2026-01-01,60,15,15,15,15
Bob Ray,bob@example.com,East,2026-02-05,62,,,,
Cid Poe,cid@example.com,West,2026-01-01,30,8,8,7,7
"""


def goal(metric="ssi", target=60.0, start=date(2026, 1, 1), due=date(2026, 3, 1), **scope):
    return Goal(None, metric, target, start, due, **scope)


@pytest.fixture
def scenario(load, store):
    load("readings.csv", READINGS)
    return store


@pytest.fixture(params=["from readings", "from the team-day summary"])
def summed(request, scenario):
    """Team values are read from the team-day summary once it is summed under the rules in
    force, and from every reading before: both give the same figures."""
    if request.param == "from the team-day summary":
        keep_current(scenario)
    return scenario


def by_hand(pace, start, current, attainment_pct, verdict, needed):
    assert (
        pace.start_value == pytest.approx(start) if start is not None else pace.start_value is None
    )
    assert pace.current == pytest.approx(current) if current is not None else pace.current is None
    if attainment_pct is None:
        assert pace.attainment_pct is None
    else:
        assert pace.attainment_pct == pytest.approx(attainment_pct)
    assert pace.verdict == verdict
    if needed is None:
        assert pace.needed_per_week is None
    else:
        assert pace.needed_per_week == pytest.approx(needed)


def test_a_team_goal_reads_the_average_of_its_listed_reps(summed):
    (east,) = paces(summed, [goal(team="East")], AS_OF)
    # Start: (40 + 60) / 2 = 50. Now: (52 + 62) / 2 = 57: 7 of the 10 points, 70 %, after
    # 35 of 59 days (59.3 %): more than 10 points ahead. 3 points in 24 days: 0.875 a week.
    by_hand(east, 50, 57, 70, "ahead", 3 / (24 / 7))
    assert east.expected == pytest.approx(50 + 10 * 35 / 59)


def test_a_rep_goal_reads_the_reps_latest_reading_dated(scenario):
    missed, met_early, pillar = paces(scenario, [
        goal(target=50, start=date(2026, 1, 10), due=date(2026, 1, 31), rep_id=1),
        goal(target=50, start=date(2026, 1, 10), due=date(2026, 3, 31), rep_id=1),
        goal("brand", 20, due=date(2026, 3, 31), rep_id=2),
    ], AS_OF)  # fmt: skip
    # Due on 31 January, judged then: the 15 January reading (46) against the target 50,
    # from 40 (the 1 January reading, the latest before the start).
    by_hand(missed, 40, 46, 60, "missed", None)
    assert (missed.start_value_day, missed.current_day) == (date(2026, 1, 1), date(2026, 1, 15))
    # The same target by the end of March: 52 on 5 February, met early.
    by_hand(met_early, 40, 52, 120, "met", None)
    # Bob's newest reading gives no pillar: his brand is the 1 January reading's, 15, so no
    # way done after 35 of 89 days; 5 points in 54 days.
    by_hand(pillar, 15, 15, 0, "behind", 5 / (54 / 7))
    assert pillar.current_day == date(2026, 1, 1)


def test_a_goal_without_data_says_so_and_is_never_behind(scenario):
    activity, unknown_rep = paces(scenario, [
        goal("inmails_sent", 20, team="West"), goal(rep_id=99),
    ], AS_OF)  # fmt: skip
    for pace in (activity, unknown_rep):
        by_hand(pace, None, None, None, "no data", None)


def test_a_goal_before_its_start_is_not_started(scenario):
    (later,) = paces(scenario, [goal(start=date(2026, 3, 1), due=date(2026, 6, 30))], AS_OF)
    assert later.verdict == "not started" and later.attainment_pct is None


def test_the_company_starts_with_the_default_goal_of_the_quarter(summed):
    assert quarter_of(date(2026, 2, 5)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    (company,) = goal_paces(summed, OWNER, AS_OF)
    assert company.goal == default_goal(AS_OF) and company.goal.target == 70
    # (40 + 60 + 30) / 3 to (52 + 62 + 30) / 3 = 48: 4.67 of 26.67 points after 35 of 89
    # days; 22 points in 54 days.
    by_hand(company, 130 / 3, 48, 100 * (48 - 130 / 3) / (70 - 130 / 3), "behind", 22 / (54 / 7))
    add_goal(summed, OWNER, "ssi", 55, date(2026, 3, 31), date(2026, 1, 1))
    (own,) = goal_paces(summed, OWNER, AS_OF)
    assert own.goal.goal_id is not None and own.goal.target == 55


def test_who_sees_which_goal(scenario):
    add_goal(scenario, OWNER, "ssi", 60, date(2026, 3, 1), date(2026, 1, 1), team="East")
    add_goal(scenario, OWNER, "ssi", 40, date(2026, 3, 1), date(2026, 1, 1), team="West")
    add_goal(scenario, OWNER, "ssi", 50, date(2026, 3, 1), date(2026, 1, 1), rep="ann@example.com")
    add_goal(scenario, OWNER, "ssi", 65, date(2026, 3, 1), date(2026, 1, 1), rep="bob@example.com")

    def seen(viewer):
        return sorted(p.goal.scope for p in goal_paces(scenario, viewer, AS_OF))

    everything = ["company", "rep: ann@example.com", "rep: bob@example.com", "team: East",
                  "team: West"]  # fmt: skip
    assert seen(OWNER) == everything
    assert seen(Viewer("m@x", "manager", teams=("East",))) == everything[:4]
    ann = Viewer("ann@example.com", "rep", rep_id=1)
    assert seen(ann) == ["company", "rep: ann@example.com", "team: East"]
    assert seen(Viewer("v@x", "viewer")) == ["company", "team: East", "team: West"]
    # A rep of East sees the team's goal, but not a figure of a team of fewer than three.
    east = next(p for p in goal_paces(scenario, ann, AS_OF) if p.goal.team == "East")
    assert east.withheld and east.current is None and east.verdict == "no data"


def test_a_manager_sets_goals_for_their_teams_and_reps_only(scenario):
    manager = Viewer("m@x", "manager", teams=("East",))
    start, due = date(2026, 1, 1), date(2026, 3, 1)
    goal_id = add_goal(scenario, manager, "people", 15, due, start, team="East")
    add_goal(scenario, manager, "ssi", 60, due, start, rep="ann@example.com")
    for scope in ({"team": "West"}, {"rep": "cid@example.com"}, {}):
        with pytest.raises(AccessDeniedError):
            add_goal(scenario, manager, "ssi", 60, due, start, **scope)
    with pytest.raises(AccessDeniedError):
        add_goal(scenario, Viewer("ann@example.com", "rep", rep_id=1), "ssi", 60, due, start,
                 rep="ann@example.com")  # fmt: skip
    other = Viewer("n@x", "manager", teams=("West",))
    with pytest.raises(NotFoundError, match="no goal #"):
        remove_goal(scenario, other, goal_id)
    assert "removed" in remove_goal(scenario, manager, goal_id)
    audit = scenario.df("audit_log", {"limit": 10})
    assert audit["action"].tolist()[:3] == ["goal removed", "goal set", "goal set"]


@pytest.mark.parametrize(("metric", "target", "extra", "message"), [
    ("ssi", 120, {}, "from 0 to 100"),
    ("brand", 30, {}, "from 0 to 25"),
    ("nonsense", 10, {}, "not a goal metric"),
    ("balanced_share", 50, {"rep": "ann@example.com"}, "team's or the company's"),
    ("ssi", 60, {"team": "East", "rep": "ann@example.com"}, "not both"),
])  # fmt: skip
def test_a_goal_that_cannot_be_is_refused_and_nothing_is_written(scenario, metric, target,
                                                                   extra, message):  # fmt: skip
    with pytest.raises(GoalRefusedError, match=message):
        add_goal(scenario, OWNER, metric, target, date(2026, 3, 1), date(2026, 1, 1), **extra)
    assert scenario.rows("every_goal") == []


def test_a_due_day_before_the_start_and_unknown_scopes_are_refused(scenario):
    with pytest.raises(GoalRefusedError, match="must come after"):
        add_goal(scenario, OWNER, "ssi", 60, date(2026, 1, 1), date(2026, 3, 1))
    with pytest.raises(NotFoundError, match="no team 'North'"):
        add_goal(scenario, OWNER, "ssi", 60, date(2026, 3, 1), team="North")
    with pytest.raises(NotFoundError, match="no rep has the e-mail"):
        add_goal(scenario, OWNER, "ssi", 60, date(2026, 3, 1), rep="zed@example.com")


@pytest.mark.backends("duckdb")  # the page opens the store by its file
def test_the_goals_page_shows_the_figures_computed_by_hand(scenario, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from test_pages import APP

    add_goal(scenario, OWNER, "ssi", 60, date(2026, 3, 1), date(2026, 1, 1), team="East")
    add_goal(scenario, OWNER, "ssi", 50, date(2026, 1, 31), date(2026, 1, 10),
             rep="ann@example.com")  # fmt: skip
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(scenario.path))
    monkeypatch.setenv("SSI_AUTH", "none")
    scenario.close()  # the page opens the store itself
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("app_pages/goals.py")
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "verdict" in d.value.columns).set_index("scope")
    east, ann = table.loc["team: East"], table.loc["rep: ann@example.com"]
    assert (east["start"], east["now"], east["done_pct"], east["verdict"]) == (
        50,
        57,
        70,
        "▲ ahead",
    )
    assert east["per_week"] == 0.9
    assert (ann["start"], ann["now"], ann["verdict"], ann["now_day"]) == (
        40,
        46,
        "✗ missed",
        date(2026, 1, 15),
    )
