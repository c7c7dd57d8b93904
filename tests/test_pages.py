"""AppTest for every page: runs on the demo and on an empty store; numbers match scoring."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import DEMO_END, snapshot_count
from streamlit.testing.v1 import AppTest

from dashboard import display
from dashboard.scoring import leaderboard
from dashboard.scoring.summary import rep_summary
from dashboard.store import Store

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "web" / "app.py")
PAGES = [
    "app_pages/team_review.py",
    "app_pages/self_check.py",
    "app_pages/upload.py",
    "app_pages/about.py",
    "app_pages/activity.py",
    "app_pages/goals.py",
]


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if page != PAGES[0]:
        at.run()
        at.switch_page(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture
def demo_app(demo_store, monkeypatch):
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(demo_store.path))
    return demo_store


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    Store(path).close()
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(path))
    monkeypatch.setenv("SSI_AUTH", "none")  # one person on one machine: no sign-in
    return path


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_store(demo_app, page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_store(empty_app, page):
    at = open_page(page)
    assert not at.exception, at.exception
    if page in PAGES[:2]:
        assert any("no SSI readings yet" in i.value for i in at.info)


def test_team_review_numbers_equal_the_scoring_layer(demo_app):
    at = open_page(PAGES[0])
    board = leaderboard(demo_app, DEMO_END)
    assert metric(at, "Average SSI").value == f"{board['ssi'].mean():.1f}"
    assert metric(at, "Leaders (SSI above 70)").value == str(int(board["leader"].sum()))
    assert metric(at, "Laggards (SSI below 30)").value == str(int(board["laggard"].sum()))
    shown = next(d for d in at.dataframe if "rank" in d.value.columns).value
    assert shown["rep"].tolist() == board["rep"].tolist()
    # As the grid shows them: sent as 32-bit floats of the one-decimal score (web/sent.py).
    assert [display.score(v) for v in shown["ssi"]] == [display.score(v) for v in board["ssi"]]


# The team review's tabs, chosen in turn: together they draw every chart of the page.
TAB_CHOICES = [{}, {"balance": "Per rep", "trend": "Pillars"}, {"trend": "Bands"},
               {"trend": "Compare reps"}]  # fmt: skip


def charts_sent(at: AppTest, tabs: dict[str, str] | None = None) -> list[dict]:
    """The plotly figures the page sent, with ``tabs`` (key: label) chosen first."""
    if tabs:
        for key, label in tabs.items():
            at.session_state[key] = label
        at.run()
    assert not at.exception
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def title_of(spec: dict) -> str:
    return spec["layout"]["title"]["text"]


def test_the_team_review_draws_only_the_charts_of_its_open_tabs(demo_app):
    """Charts in a closed tab are neither made nor sent (a tab chosen is a rerun)."""
    at = open_page(PAGES[0])
    first = [title_of(s) for s in charts_sent(at)]
    assert len(first) == 3 and "Average SSI over time" in first
    assert not any("over time" in t and "Pillar" in t for t in first)
    pillars = [title_of(s) for s in charts_sent(at, {"balance": "Per rep", "trend": "Pillars"})]
    assert len(pillars) == 3 and "Average SSI over time" not in pillars
    assert at.session_state["trend"] == "Pillars"


def test_every_chart_of_the_team_review_is_drawn_on_the_white_template(demo_app):
    """The template is plotly's default now, not set on each figure (which validated it
    again for every chart): each chart the page sends must still carry it."""
    specs = [spec for tabs in TAB_CHOICES for spec in charts_sent(open_page(PAGES[0]), tabs)]
    assert len({title_of(spec) for spec in specs}) == 8  # every chart of the page
    for spec in specs:
        template = spec["layout"]["template"]["layout"]
        assert template["plot_bgcolor"] == "white", spec["layout"].get("title")
        assert spec["layout"]["legend"]["orientation"] == "h"  # the rest of the layout too


def test_team_filter_is_read_from_and_kept_in_the_url(demo_app):
    board = leaderboard(demo_app, DEMO_END)
    team = board["team"].iloc[0]
    at = open_page(PAGES[0], {"team": team, "period": "30 days"})
    shown = next(d for d in at.dataframe if "rank" in d.value.columns).value
    assert set(shown["team"]) == {team}
    assert len(shown) == (board["team"] == team).sum()
    assert at.query_params["team"] == [team] or at.query_params["team"] == team
    assert at.query_params["period"] in ("30 days", ["30 days"])


def test_self_check_shows_the_reps_numbers(demo_app):
    board = leaderboard(demo_app, DEMO_END)
    rep_id = int(board["rep_id"].iloc[2])
    at = open_page(PAGES[1], {"rep": str(rep_id)})
    assert not at.exception
    summary = rep_summary(demo_app, rep_id, DEMO_END)
    expected = summary.reading
    assert metric(at, "SSI").value == f"{expected['ssi']:.1f}"
    team_rank = metric(at, "Rank in your team")
    assert team_rank.value == f"Top {expected['top_pct_team']}%"
    # LinkedIn's "Top N%" spelled out: which place, of how many.
    # The help is escaped markdown (a team name is text): "(1st of 9\\)" renders "(1st of 9)".
    assert f"of {expected['n_team']}\\)" in team_rank.help
    assert f"of {summary.company_size}\\)" in metric(at, "Rank in the company").help


def test_self_check_of_a_rep_without_a_recent_reading_says_why_unranked(demo_app):
    board = leaderboard(demo_app, DEMO_END)
    old = board[~board["listed"]].iloc[0]
    at = open_page(PAGES[1], {"rep": str(int(old["rep_id"])), "as_of": DEMO_END.isoformat()})
    assert not at.exception
    assert any("not ranked" in i.value for i in at.info)
    assert metric(at, "Rank in your team").value == "not ranked"
    assert metric(at, "SSI").value == f"{old['ssi']:.1f}"  # the last reading is still shown


def test_self_check_form_refuses_an_ssi_that_is_not_the_pillar_sum(demo_app):
    at = open_page(PAGES[1])
    before = snapshot_count(demo_app)
    at.text_input(key="rec_name").set_value("Ava Adams")
    at.number_input(key="rec_ssi").set_value(80.0)
    for p in ("brand", "people", "insights", "relationships"):
        at.number_input(key=f"rec_{p}").set_value(12.0)
    at.run()
    captions = [c.value.replace("\\", "") for c in at.caption]  # shown escaped, as text
    assert any("add up to 48.0" in c and "differs" in c for c in captions)
    at.button(key="rec_save").click().run()
    assert at.error and "not saved" in at.error[0].value
    assert any("add up to 48\\.0" in m.value for m in at.markdown)
    assert snapshot_count(demo_app) == before


def test_self_check_form_saves_nothing_when_nothing_is_typed(demo_app):
    at = open_page(PAGES[1])
    before = demo_app.df_sql("select count(*) as n from imports")["n"][0]
    at.text_input(key="rec_name").set_value("Ava Adams")
    at.run()
    at.button(key="rec_save").click().run()
    assert at.error and "not saved" in at.error[0].value
    assert any(
        "is empty; expected the SSI, the four pillars or both" in m.value for m in at.markdown
    )
    assert demo_app.df_sql("select count(*) as n from imports")["n"][0] == before


def test_self_check_form_saves_a_new_person_in_a_team(demo_app):
    at = open_page(PAGES[1])
    at.text_input(key="rec_name").set_value("New Person")
    at.selectbox(key="rec_team").set_value("Partnerships")
    for p in ("brand", "people", "insights", "relationships"):
        at.number_input(key=f"rec_{p}").set_value(12.0)
    at.run()  # the button is enabled once a name is typed
    at.button(key="rec_save").click().run()
    assert not at.error and "loaded 1 new" in at.success[0].value
    saved = demo_app.df_sql(
        "select s.ssi, t.name as team from snapshots s join reps r using (rep_id) "
        "join teams t using (team_id) where r.name = 'New Person'"
    )
    assert saved["ssi"].tolist() == [48.0]  # SSI left empty: the pillar sum
    assert saved["team"].tolist() == ["Partnerships"]


def test_self_check_form_records_for_the_chosen_rep(demo_app):
    board = leaderboard(demo_app, DEMO_END)
    rep = board.iloc[5]
    at = open_page(PAGES[1], {"rep": str(int(rep["rep_id"]))})
    assert not [t for t in at.text_input if t.key == "rec_name"]  # no name to retype
    at.date_input(key="rec_day").set_value(DEMO_END + timedelta(days=1))
    for p in ("brand", "people", "insights", "relationships"):
        at.number_input(key=f"rec_{p}").set_value(20.0)
    at.button(key="rec_save").click().run()
    assert not at.error, [e.value for e in at.error]
    rows = demo_app.df_sql(
        "select rep_id, ssi from snapshots where day = $day", {"day": DEMO_END + timedelta(days=1)}
    )
    assert rows["rep_id"].tolist() == [int(rep["rep_id"])]
    assert rows["ssi"].tolist() == [80.0]
    # The page is drawn again as of the saved day: it shows the reading just saved.
    assert at.query_params["as_of"] == (DEMO_END + timedelta(days=1)).isoformat()
    assert metric(at, "SSI").value == "80.0"
    assert "loaded 1 new" in at.success[0].value


def test_upload_imports_a_file_and_the_leaderboard_changes(demo_app):
    day = DEMO_END.isoformat()
    csv = (f"Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"
           f"Upload Tester,Mid-Market,{day},99,24.75,24.75,24.75,24.75\n").encode()  # fmt: skip
    at = open_page(PAGES[2])
    at.file_uploader(key="files_0").set_value(("upload.csv", csv, "text/csv")).run()
    assert not at.exception
    assert any("Team SSI export" in m.value for m in at.markdown)
    at.button(key="import").click().run()
    assert any("loaded 1 new" in s.value for s in at.success)
    board = leaderboard(demo_app, DEMO_END)
    assert board.iloc[0]["rep"] == "Upload Tester" and board.iloc[0]["rank"] == 1
    team = open_page(PAGES[0])
    shown = next(d for d in team.dataframe if "rank" in d.value.columns).value
    assert shown.iloc[0]["rep"] == "Upload Tester"


def test_upload_shows_errors_with_line_numbers_and_imports_nothing(demo_app):
    before = snapshot_count(demo_app)
    bad = b"Name,Date,SSI\nAnn,2026-11-20,40\nBob,2026-11-20,140\n"
    at = open_page(PAGES[2])
    at.file_uploader(key="files_0").set_value(("bad.csv", bad, "text/csv")).run()
    assert any("would not be imported" in e.value for e in at.error)
    text = " ".join(m.value for m in at.markdown)
    assert "Line 3, column 'SSI', value '140': expected an SSI from 0 to 100" in text.replace(
        "\\", ""
    )
    assert at.button(key="import").disabled
    assert snapshot_count(demo_app) == before


def test_estimate_agreement_is_shown_when_its_section_is_opened(demo_app):
    from dashboard.scoring import load_config
    from dashboard.scoring.memo import forget_all
    from dashboard.views import team_review as tr

    forget_all()
    at = open_page(PAGES[0])
    assert [e.label for e in at.expander][0] == "Estimated scores against reported ones"
    # Closed, it reads no estimate; opened (a rerun), it shows them.
    assert tr._company_estimates.kept(demo_app, DEMO_END, load_config()) is None
    at.session_state["estimate_check"] = True
    text = " ".join(m.value for m in at.run().markdown)
    assert tr._company_estimates.kept(demo_app, DEMO_END, load_config()) is not None
    a = tr.estimate_check(demo_app, [], DEMO_END)
    assert a["reps"] > 10 and -1 <= a["rank_correlation"] <= 1
    assert f"For {a['reps']} reps with both a reported reading" in text
    assert f"{a['rank_correlation']:.2f}" in text


def test_self_check_explains_the_estimate(demo_app):
    board = leaderboard(demo_app, DEMO_END)
    rep_id = int(board["rep_id"].iloc[0])
    summary = rep_summary(demo_app, rep_id, DEMO_END)
    points = sum(i["points"] for i in summary.estimate_inputs)
    assert points == pytest.approx(summary.estimate["ssi"])
    at = open_page(PAGES[1], {"rep": str(rep_id)})
    assert any("How your estimate is made" in e.label for e in at.expander)


def test_user_text_is_shown_as_text_not_markup(demo_app):
    name = "[click me](http://example.invalid) <b>bold</b>"
    csv = (f'Name,Date,SSI\n"{name}",{DEMO_END},40\n').encode()
    at = open_page(PAGES[2])
    at.file_uploader(key="files_0").set_value(("x_[y](z).csv", csv, "text/csv")).run()
    at.button(key="import").click().run()
    shown = next(s.value for s in at.success if "loaded 1 new" in s.value)
    assert "\\[y\\]\\(z\\)" in shown  # escaped: renders literally, never as a link


def test_undo_from_the_history(demo_app):
    before = snapshot_count(demo_app)
    at = open_page(PAGES[2])
    csv = f"Name,Date,SSI\nUndo Me,{DEMO_END},40\n".encode()
    at.file_uploader(key="files_0").set_value(("undo.csv", csv, "text/csv")).run()
    at.button(key="import").click().run()
    assert snapshot_count(demo_app) == before + 1
    newest = int(demo_app.df("import_log")["import_id"].max())
    at.selectbox(key="undo_id").set_value(newest).run()
    at.button(key="undo").click().run()
    assert snapshot_count(demo_app) == before
    assert any("undone" in s.value for s in at.success)


def test_unreadable_upload_is_explained_and_the_page_still_works(demo_app):
    at = open_page(PAGES[2])
    garbage = bytes(range(256)) * 8 + b"\x00\xd8" * 50
    at.file_uploader(key="files_0").set_value(("garbage.csv", garbage, "text/csv")).run()
    assert not at.exception
    assert any("is in an encoding other than UTF\\-8" in m.value for m in at.markdown)
    assert any(s.value == "Import history" for s in at.subheader)


def test_pages_follow_a_changed_scoring_config(demo_app, tmp_path, monkeypatch):
    """Labels, chart lines and gauge steps come from the config, not from literals."""
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[bands]\ntop_from = 80.0\n[groups]\nleader_above = 65.0\nbalanced_pillar_min = 12.0\n"
        "[coaching]\npillar_floor = 8.0\n"
    )
    monkeypatch.setenv("SSI_SCORING_CONFIG", str(rules))
    at = open_page(PAGES[0])
    assert not at.exception
    board = leaderboard(demo_app, DEMO_END)  # under the new rules too
    ranked = board[board["listed"]]
    assert metric(at, "Leaders (SSI above 65)").value == str(int((ranked["ssi"] > 65).sum()))
    assert metric(at, "Balanced (every pillar 12+)")
    charts = " ".join(json.dumps(spec) for tabs in TAB_CHOICES for spec in charts_sent(at, tabs))
    assert "every pillar 12" in charts and "red under 8, green from 12" in charts
    assert "balanced from 12" in charts and "top (80+)" in charts
    assert "every pillar 15" not in charts
    me = open_page(PAGES[1], {"rep": str(int(board["rep_id"].iloc[0]))})
    gauge = next(c.proto.spec for c in me.get("plotly_chart") if '"gauge"' in c.proto.spec)
    assert "[0.0,30.0,51.0,80.0,100]" in gauge.replace(" ", "")


ODD_NAMES = [
    "<script>alert(1)</script> [x](http://e.invalid) **b** $x$",
    "Ann\x01Lee",  # a control character, stored by a version that did not refuse it
    "🚀 " + "A" * 3000,
    "سارة الأحمد",
]


@pytest.fixture
def odd_app(tmp_path, monkeypatch):
    """A store holding what an import would now refuse or what sits at the edge of a range:
    BC and far-future dates, 0 and 100, missing pillars, names with any characters."""
    from datetime import date

    from dashboard.scoring.config import load_config
    from dashboard.scoring.team_days import summary_rules

    path = tmp_path / "odd.duckdb"
    today = date.today()
    with Store(path) as store, store.transaction() as cur:
        cur.execute(
            "insert into teams (team_id, name) values (1, 'Team [link](http://e.invalid) ~x~')"
        )
        cur.execute("insert into imports (import_id, file_name, content_hash, format, imported_at) "
                    "values (1, '<b>odd</b>.csv', 'h', 'test', now())")  # fmt: skip
        for rep_id, name in enumerate(ODD_NAMES, start=1):
            cur.execute("insert into reps values ($i, $n, null)", {"i": rep_id, "n": name})
        readings = [
            (1, "-0001-01-01", 100, 25, 25, 25, 25), (1, "0001-01-01", 0, 0, 0, 0, 0),
            (1, str(today), 100, 25, 25, 25, 25), (2, "2014-01-01", 50, None, None, None, None),
            (2, str(today - timedelta(days=1)), 0.0001, None, 0, None, 0),
            (3, "9999-12-31", 55, 10, 15, 15, 15), (3, str(today), 33, 8, 8, 8, 9),
            (4, str(today + timedelta(days=1)), 61.5, 15, 15, 15, 16.5),
        ]  # fmt: skip
        for rep_id, day, *scores in readings:
            cur.execute("insert into snapshots (rep_id, day, team_id, ssi, brand, people, "
                        "insights, relationships, import_id) values ($r, $d::date, 1, $s, $b, $p, $i, $l, 1)",
                        dict(zip("rdsbpil", [rep_id, day, *scores], strict=True)))  # fmt: skip
        cur.summed_again(summary_rules(load_config()), everything=True)  # rows written by hand
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(path))
    monkeypatch.setenv("SSI_AUTH", "none")
    return path


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_whatever_the_store_holds(odd_app, page):
    at = open_page(page)
    assert not at.exception, at.exception
    if page == PAGES[0]:
        shown = next(d for d in at.dataframe if "rank" in d.value.columns).value
        assert len(shown) >= 3


@pytest.mark.parametrize("rep_id", range(1, len(ODD_NAMES) + 1))
def test_self_check_renders_for_odd_people_and_readings(odd_app, rep_id):
    at = open_page(PAGES[1], {"rep": str(rep_id)})
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "<script>" not in text  # shown as text, escaped


PARITY_FILES = ["val_ssi_over_100.csv", "struct_short_row.csv", "date_9999.csv",
                "rep_conflicting_1000.csv", "enc_utf8_one_bad_byte.csv", "book_corrupt_zip.xlsx",
                "rep_every_row_bad.csv"]  # fmt: skip


@pytest.mark.parametrize("name", PARITY_FILES)
def test_the_upload_page_says_what_the_importer_says(demo_app, name):
    """The same hostile file through the page and through the importer: the same problems,
    the same count, nothing written."""
    from hostile_corpus import build

    from dashboard.errors import ImportRejectedError
    from dashboard.ingest import ImportOptions, import_file
    from dashboard.ingest.hints import PAGE_HINTS
    from dashboard.views.uploads import problem_lines

    case = next(c for c in build() if c.name == name)
    path = Path(demo_app.path).parent / name
    path.write_bytes(case.data)
    with pytest.raises(ImportRejectedError) as err:
        import_file(demo_app, path, ImportOptions(hints=PAGE_HINTS, dry_run=True))
    before = snapshot_count(demo_app)
    at = open_page(PAGES[2])
    at.file_uploader(key="files_0").set_value((name, case.data, "text/csv")).run()
    assert not at.exception
    assert any(f"{err.value.total:,} error(s)" in e.value for e in at.error)
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    for line in problem_lines(err.value.problems):
        assert line in shown
    assert at.button(key="import").disabled and snapshot_count(demo_app) == before


def test_activity_page_shows_the_view_models_numbers_and_keeps_filters_in_the_url(demo_app):
    from dashboard.views.activity import activity_view, rep_table

    board = leaderboard(demo_app, DEMO_END)
    team = board["team"].iloc[0]
    query = {"team": team, "as_of": DEMO_END.isoformat(), "period": "30 days",
             "metric": "searches", "grain": "week"}  # fmt: skip
    at = open_page("app_pages/activity.py", query)
    assert not at.exception, at.exception
    view = activity_view(demo_app, [team], DEMO_END, 30, "week", "searches")
    a = view.adoption
    assert metric(at, "Seats with data").value == f"{a.with_data} of {a.seats}"
    assert metric(at, "No data").value == str(a.no_data)
    assert metric(at, "Never active in the period").value == str(a.never_active)
    shown = next(d for d in at.dataframe if "searches" in d.value.columns).value
    expected = rep_table(view)
    assert set(shown["team"]) == {team} and len(shown) == len(expected)
    assert shown["searches"].tolist() == expected["searches"].tolist()
    from dashboard.web.ui import md_text

    assert md_text(view.correlation.reading) in [m.value for m in at.markdown]
    for key, wanted in query.items():
        assert at.query_params[key] in (wanted, [wanted])


def test_self_check_shows_the_reps_activity_against_the_team(demo_app):
    at = open_page(PAGES[1], {"rep": "3", "as_of": DEMO_END.isoformat()})
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["SSI over time", "Activity against your team"]
    # Drawn when its tab is chosen, in place of the SSI trend.
    titles = [
        title_of(spec) for spec in charts_sent(at, {"over_time": "Activity against your team"})
    ]
    assert sum("Your activity per week" in t for t in titles) == 1
    assert "Your SSI over time" not in titles


def test_a_kept_page_result_is_each_callers_own_and_goes_with_a_write(demo_app):
    """The team review's view is remembered as it is (scoring/memo.py): a caller that writes
    into its frames changes no other caller's, and a write to the store gives a new view."""
    from dashboard.access import OWNER
    from dashboard.views.team_review import team_review

    first = team_review(demo_app, [], DEMO_END, 90, OWNER)
    expected = first.board.copy()
    first.board.loc[first.board.index[0], "ssi"] = -1.0
    first.board["scribbled"] = 1
    second = team_review(demo_app, [], DEMO_END, 90, OWNER)
    assert second.board.equals(expected)
    assert second.board is not first.board
    demo_app.df_sql("select 1")  # a read changes nothing
    assert team_review(demo_app, [], DEMO_END, 90, OWNER).board.equals(expected)
    leader = expected.iloc[0]
    with demo_app.transaction() as cur:
        cur.execute("update snapshots set ssi = ssi - 50 where rep_id = $r and day = $d",
                    {"r": int(leader["rep_id"]), "d": leader["as_of"]})  # fmt: skip
        cur.execute(
            "update rep_latest set ssi = ssi - 50 where rep_id = $r", {"r": int(leader["rep_id"])}
        )
    after = team_review(demo_app, [], DEMO_END, 90, OWNER).board
    assert after.iloc[0]["rep_id"] != leader["rep_id"]


def test_reps_chosen_to_compare_are_still_chosen_after_another_tab(demo_app):
    at = open_page(PAGES[0])
    charts_sent(at, {"trend": "Compare reps"})
    board = leaderboard(demo_app, DEMO_END)
    reps = [int(r) for r in board["rep_id"].iloc[:2]]
    at.multiselect(key="compare_reps").set_value(reps).run()
    (chosen,) = [s for s in charts_sent(at) if title_of(s) == "Chosen reps over time"]
    assert len(chosen["data"]) == 2
    charts_sent(at, {"trend": "Pillars"})  # the picker is gone with its tab
    charts_sent(at, {"trend": "Compare reps"})
    assert at.multiselect(key="compare_reps").value == reps
    (again,) = [s for s in charts_sent(at) if title_of(s) == "Chosen reps over time"]
    assert len(again["data"]) == 2
