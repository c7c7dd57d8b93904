"""Sign-in and roles: what each role sees on each page, counted in rows and names, and one
test per attack (URL parameters, forged widget values, exports, the cache, the command line,
passwords, sign-out)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DEMO_END, as_admin
from streamlit.testing.v1 import AppTest

from dashboard import users
from dashboard.access import OWNER, AccessDeniedError
from dashboard.export import to_csv_bytes
from dashboard.scoring import leaderboard
from dashboard.store import Store
from dashboard.views.activity import activity_view
from dashboard.views.self_check import summary_for
from dashboard.views.team_review import EXPORT_KEYS, leaderboard_csv, team_review, with_goals

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "web" / "app.py")
PASSWORD = "correct horse battery"


def cli(*args, db):
    cmd = [sys.executable, "-m", "dashboard", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          cwd=Path(APP).parents[1])  # fmt: skip


@pytest.fixture
def org(demo_store, monkeypatch):
    """The demo organisation with one user of each role; the manager manages one team and
    the rep is a person of another team."""
    board = leaderboard(demo_store, DEMO_END)
    teams = sorted(board["team"].unique())
    managed, other = teams[0], teams[1]
    rep = board[board["team"] == other].iloc[0]
    colleague = board[(board["team"] == other) & (board["rep_id"] != rep["rep_id"])].iloc[0]
    outsider = board[board["team"] == managed].iloc[0]
    for email, role, kw in (
        ("admin@example.com", "admin", {}),
        ("manager@example.com", "manager", {"teams": [managed]}),
        ("rep@example.com", "rep", {"rep_email": rep["email"]}),
        ("viewer@example.com", "viewer", {}),
    ):
        users.add_user(demo_store, email, role, by=OWNER, password=PASSWORD, **kw)
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(demo_store.path))
    return {"store": demo_store, "board": board, "managed": managed, "other": other,
            "rep": rep, "colleague": colleague, "outsider": outsider}  # fmt: skip


def as_user(email: str | None, page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if email:
        at.session_state["signed_in"] = email
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def grid(at: AppTest, column: str):
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def test_nobody_signed_in_gets_the_sign_in_page_and_no_figures(org):
    at = as_user(None)
    assert not at.exception
    assert at.title[0].value == "Social Selling Index"
    assert at.text_input(key="sign_in_email") is not None
    assert not at.dataframe and not at.metric


def test_admin_sees_every_rep_on_the_team_review(org):
    at = as_user("admin@example.com")
    assert not at.exception, at.exception
    assert len(grid(at, "rank")) == len(org["board"])


def test_manager_sees_only_the_teams_they_manage(org):
    at = as_user("manager@example.com", query={"team": org["other"]})  # another team in the URL
    assert not at.exception, at.exception
    shown = grid(at, "rank")
    assert set(shown["team"]) == {org["managed"]}
    assert len(shown) == (org["board"]["team"] == org["managed"]).sum()
    assert at.multiselect(key="teams").options == [org["managed"]]


def test_viewer_sees_company_figures_and_no_person(org):
    at = as_user("viewer@example.com")
    assert not at.exception, at.exception
    assert grid(at, "rank") is None  # no leaderboard
    names = set(org["board"]["rep"])
    text = " ".join(str(e.value) for e in at.markdown) + " ".join(str(m.value) for m in at.metric)
    assert not any(name in text for name in names)
    assert at.metric[0].label == "Average SSI" or at.metric  # the KPIs are there
    view = team_review(
        org["store"], [], DEMO_END, 90, users.viewer_for(org["store"], "viewer@example.com")
    )
    everyone = team_review(org["store"], [], DEMO_END, 90)
    assert view.board.empty and view.signals.empty and view.rises.empty
    assert view.kpis == everyone.kpis  # the company's figures, without the people


def test_rep_sees_only_their_own_self_check_whatever_the_url_says(org):
    rep, colleague = org["rep"], org["colleague"]
    at = as_user("rep@example.com", query={"rep": str(colleague["rep_id"])})
    assert not at.exception, at.exception
    assert any("not one you may open" in w.value for w in at.warning)
    assert rep["rep"] in " ".join(m.value for m in at.markdown)
    assert at.metric[0].label == "SSI" and at.metric[0].value == f"{rep['ssi']:.1f}"
    assert not at.selectbox  # no picker: the self-check is the signed-in person's
    text = " ".join(m.value for m in at.markdown)
    assert colleague["rep"] not in text


def test_rep_pages_are_only_their_self_check_and_about(org):
    at = as_user("rep@example.com")
    assert at.title[0].value == "Rep self-check"
    with pytest.raises(AccessDeniedError):
        team_review(
            org["store"], [], DEMO_END, 90, users.viewer_for(org["store"], "rep@example.com")
        )
    with pytest.raises(AccessDeniedError):
        activity_view(org["store"], [], DEMO_END, 90, "week", "searches",
                      users.viewer_for(org["store"], "rep@example.com"))  # fmt: skip


def test_a_forged_widget_value_or_url_opens_nothing_outside_scope(org):
    """A picker value outside the options (AppTest cannot send one, so the page's own
    guard is shown through the URL) and the view-model behind it both refuse."""
    outsider = org["board"][org["board"]["team"] != org["managed"]].iloc[0]
    at = as_user("manager@example.com", query={"rep": str(outsider["rep_id"])})
    at.switch_page("app_pages/self_check.py")
    at.query_params["rep"] = str(outsider["rep_id"])
    at.run()
    assert not at.exception, at.exception
    assert any("not one you may open" in w.value for w in at.warning)
    assert not [m for m in at.metric if m.label == "SSI"]
    manager = users.viewer_for(org["store"], "manager@example.com")
    with pytest.raises(AccessDeniedError):
        summary_for(org["store"], manager, int(outsider["rep_id"]), DEMO_END)
    assert summary_for(org["store"], manager, int(org["outsider"]["rep_id"]), DEMO_END)


def test_exports_and_activity_hold_only_the_scope(org):
    manager = users.viewer_for(org["store"], "manager@example.com")
    view = team_review(org["store"], [org["other"]], DEMO_END, 90, manager)
    assert view.board.empty  # asked for another team: nothing of it
    own = team_review(org["store"], manager.team_scope([], [org["managed"], org["other"]]),
                      DEMO_END, 90, manager)  # fmt: skip
    assert set(own.board["team"]) == {org["managed"]}  # what the download button exports
    scope = manager.team_scope([], [org["managed"], org["other"]])
    csv = leaderboard_csv(org["store"], scope, DEMO_END, manager).decode("utf-8-sig")
    shown = with_goals(org["store"], own.board, DEMO_END, manager)[EXPORT_KEYS]
    assert csv == to_csv_bytes(shown).decode("utf-8-sig")
    assert len(csv.splitlines()) == len(own.board) + 1 > 2
    stranger = org["board"][org["board"]["team"] == org["other"]]["email"].iloc[0]
    assert stranger not in csv and org["other"] not in csv
    act = activity_view(org["store"], [org["managed"]], DEMO_END, 90, "week", "searches", manager)
    assert set(act.reps["team"]) == {org["managed"]}
    viewer = users.viewer_for(org["store"], "viewer@example.com")
    nobody = leaderboard_csv(org["store"], [], DEMO_END, viewer).decode("utf-8-sig")
    assert nobody.splitlines() == [",".join(EXPORT_KEYS)]  # the header, no person
    company = activity_view(org["store"], [], DEMO_END, 90, "week", "searches", viewer)
    assert company.reps.empty and company.adoption.seats > 0


def test_a_cached_page_is_never_served_to_another_user(org):
    admin = as_user("admin@example.com")
    assert len(grid(admin, "rank")) == len(org["board"])
    manager = as_user("manager@example.com")  # same process, same cache
    assert set(grid(manager, "rank")["team"]) == {org["managed"]}


def test_a_rep_cannot_upload_or_undo(org, tmp_path):
    at = as_user("rep@example.com")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/upload.py")  # not among a rep's pages at all
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI\nMallory,East,99\n")
    db = org["store"].path
    org["store"].close()
    out = cli("import", str(f), "--as", "rep@example.com", db=db)
    assert out.returncode == 1 and "rep@example.com (rep) may not upload files" in out.stderr
    out = cli("undo", "1", "--as", "manager@example.com", db=db)
    assert out.returncode == 1 and "may not undo imports" in out.stderr
    with Store(db) as s:
        assert s.df_sql("select count(*) as n from reps where name = 'Mallory'")["n"][0] == 0
        assert s.df_sql("select status from imports where import_id = 1")["status"][0] == "loaded"


def test_the_command_line_as_a_user_is_scoped_like_the_pages(org):
    db = org["store"].path
    org["store"].close()
    out = cli("leaderboard", "--format", "csv", "--as", "manager@example.com", db=db)
    assert out.returncode == 0, out.stderr
    teams = {line.split(",")[3] for line in out.stdout.splitlines()[1:]}
    assert teams == {org["managed"]}
    out = cli("rep", org["colleague"]["rep"], "--as", "rep@example.com", db=db)
    assert out.returncode == 1 and "no rep you may open is called" in out.stderr
    out = cli("rep", org["rep"]["rep"], "--as", "rep@example.com", db=db)
    assert out.returncode == 0 and org["rep"]["rep"] in out.stdout
    out = cli("leaderboard", "--as", "viewer@example.com", db=db)
    assert out.returncode == 1 and "may not see other people's detail" in out.stderr
    out = cli("leaderboard", "--as", "nobody@example.com", db=db)
    assert out.returncode == 1 and "is not a user" in out.stderr


def test_five_wrong_passwords_lock_the_account_from_that_source_only(org):
    store, now = org["store"], datetime(2026, 11, 23, 9, 0)
    messages = []
    for _ in range(10):
        with pytest.raises(users.SignInError) as caught:
            users.sign_in(store, "manager@example.com", "wrong password", "10.0.0.9", now=now)
        messages.append(str(caught.value))
    assert messages[:5] == ["wrong e-mail or password"] * 5
    assert all("locked" in m for m in messages[5:])
    with pytest.raises(users.SignInError, match="locked"):  # even the right one, for now
        users.sign_in(store, "manager@example.com", PASSWORD, "10.0.0.9", now=now)
    # The owner, signing in from elsewhere, is not locked out by a stranger's guesses.
    assert (
        users.sign_in(store, "manager@example.com", PASSWORD, "10.0.0.1", now=now).role == "manager"
    )
    later = now + timedelta(minutes=users.LOCK_MINUTES + 1)
    assert (
        users.sign_in(store, "manager@example.com", PASSWORD, "10.0.0.9", now=later).role
        == "manager"
    )


def test_sign_in_says_and_takes_the_same_for_unknown_and_known_accounts(org):
    import time

    store, now = org["store"], datetime(2026, 11, 23, 9, 0)

    def attempt(email: str) -> tuple[str, float]:
        start = time.perf_counter()
        with pytest.raises(users.SignInError) as caught:
            users.sign_in(store, email, "wrong password", "10.0.0.7", now=now)
        return str(caught.value), time.perf_counter() - start

    said = {}
    for email in ("admin@example.com", "nobody-here@example.com"):
        runs = [attempt(email) for _ in range(7)]
        said[email] = [m for m, _ in runs]
        said[email + " time"] = sorted(t for _, t in runs[:5])[2]
    assert said["admin@example.com"] == said["nobody-here@example.com"]  # "locked" for both
    known, unknown = said["admin@example.com time"], said["nobody-here@example.com time"]
    assert 0.5 < unknown / known < 2, (known, unknown)  # 14 ms against 900 ms told them apart


def test_an_admin_unlocks_an_account_and_sets_a_new_password(org):
    store, now = org["store"], datetime.now()
    for _ in range(users.LOCK_AFTER):
        with pytest.raises(users.SignInError):
            users.sign_in(store, "rep@example.com", "wrong password", "10.0.0.5", now=now)
    assert users.list_users(store).set_index("email").loc["rep@example.com", "locked_until"] > now
    with pytest.raises(users.SignInError, match="locked"):
        users.sign_in(store, "rep@example.com", PASSWORD, "10.0.0.5", now=now)
    users.unlock(store, "rep@example.com", by=as_admin("admin@example.com"))
    assert users.sign_in(store, "rep@example.com", PASSWORD, "10.0.0.5", now=now).role == "rep"
    users.set_password(
        store, "rep@example.com", "a brand new password", by=as_admin("admin@example.com")
    )
    with pytest.raises(users.SignInError, match="wrong e-mail or password"):
        users.sign_in(store, "rep@example.com", PASSWORD, "10.0.0.5", now=now)
    assert users.sign_in(store, "rep@example.com", "a brand new password", "10.0.0.5").role == "rep"
    log = users.audit_log(store)
    assert log["action"].tolist()[:2] == ["password reset", "account unlocked"]
    assert "a brand new password" not in log.to_string()
    # The same from the command line.
    db = store.path
    store.close()
    out = subprocess.run([sys.executable, "-m", "dashboard", "users", "password", "rep@example.com",
                          "--password-stdin", "--db", str(db)], input="another new password\n",
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0 and "another new password" not in out.stdout + out.stderr, out.stderr
    assert cli("users", "unlock", "rep@example.com", db=db).returncode == 0
    with Store(db) as s:
        assert users.sign_in(s, "rep@example.com", "another new password", "x").role == "rep"


def test_the_sign_in_form_signs_in_and_sign_out_ends_the_session(org):
    at = as_user(None)
    at.text_input(key="sign_in_email").input("Manager@Example.com")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Team review"
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "Social Selling Index" and grid(at, "rank") is None
    at.run()  # a later rerun of the same session stays signed out
    assert grid(at, "rank") is None


def test_a_removed_user_is_signed_out_at_the_next_rerun(org):
    at = as_user("manager@example.com")
    assert grid(at, "rank") is not None
    users.remove_user(org["store"], "manager@example.com", by=as_admin("admin@example.com"))
    at.run()
    assert grid(at, "rank") is None and at.title[0].value == "Social Selling Index"


def test_first_run_creates_the_first_admin(tmp_path, monkeypatch):
    path = tmp_path / "new.duckdb"
    Store(path).close()
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(path))
    at = as_user(None)
    assert any("Create the first admin" in s.value for s in at.subheader)
    at.text_input(key="first_email").input("boss@example.com")
    at.text_input(key="first_password").input(PASSWORD)
    at.text_input(key="first_again").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    with Store(path) as s:
        assert users.get_account(s, "boss@example.com").role == "admin"
        assert users.audit_log(s)["action"].tolist() == ["user added"]


def test_oidc_sign_in_maps_the_email_claim_and_refuses_strangers(org):
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "c", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}  # fmt: skip
    at.user = {"is_logged_in": True, "email": "manager@example.com"}
    at.run()
    assert not at.exception, at.exception
    assert set(grid(at, "rank")["team"]) == {org["managed"]}
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert any("Ask your admin" in w.value for w in at.warning)
    assert grid(at, "rank") is None


def test_demo_mode_says_so_and_switches_roles(demo_store, monkeypatch):
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(demo_store.path))
    at = as_user(None)
    assert any("Demo" in i.value for i in at.info)
    admin_rows = len(grid(at, "rank"))
    at.sidebar.radio(key="demo_role").set_value("manager").run()
    manager_rows = len(grid(at, "rank"))
    assert 0 < manager_rows < admin_rows
    at.sidebar.radio(key="demo_role").set_value("rep").run()
    assert at.title[0].value == "Rep self-check" and not at.selectbox


def test_role_changes_and_uploads_are_audited(org, tmp_path):
    store = org["store"]
    users.set_role(store, "viewer@example.com", "manager", by=as_admin("admin@example.com"),
                   teams=[org["other"]])  # fmt: skip
    log = users.audit_log(store)
    assert log.iloc[0]["action"] == "role changed"
    assert log.iloc[0]["detail"] == "viewer@example.com: viewer -> manager"
    assert log.iloc[0]["actor"] == "admin@example.com"
    with pytest.raises(Exception, match="last admin"):
        users.remove_user(store, "admin@example.com", by=as_admin("admin@example.com"))


def test_a_rep_sees_the_team_ranking_anonymised_or_named_as_the_admin_set(org):
    from dashboard.views.self_check import team_ranking

    store, rep = org["store"], org["rep"]
    text, ranking = team_ranking(store, users.viewer_for(store, "rep@example.com"), DEMO_END)
    team = org["board"][org["board"]["team"] == org["other"]]
    assert (
        text.startswith("You are ") and f"of {int(team['listed'].sum())} in {org['other']}" in text
    )
    assert set(ranking["rep"]) == {"You", "a colleague"}  # the default: anonymised
    assert (ranking["rep"] == "You").sum() == 1
    users.set_setting(store, "rep_leaderboard", "names", by=as_admin("admin@example.com"))
    _, named = team_ranking(store, users.viewer_for(store, "rep@example.com"), DEMO_END)
    assert rep["rep"] in set(named["rep"]) and org["colleague"]["rep"] in set(named["rep"])
    at = as_user("rep@example.com")
    assert not at.exception, at.exception
    assert any(m.value.startswith("You are ") for m in at.markdown)


def test_a_manager_uploads_only_when_allowed_and_only_for_their_teams(org, tmp_path):
    store, managed, other = org["store"], org["managed"], org["other"]
    mixed = tmp_path / "ssi_2026-11-20.csv"
    mixed.write_text(f"Name,Team,SSI\nNew Mine,{managed},50\nNew Theirs,{other},60\n")
    own = tmp_path / "ssi_2026-11-19.csv"
    own.write_text(f"Name,Team,SSI\nNew Mine,{managed},50\n")
    db = store.path
    store.close()
    refused = cli("import", str(own), "--as", "manager@example.com", db=db)
    assert refused.returncode == 1 and "may not upload files" in refused.stderr
    with Store(db) as s:
        users.set_setting(s, "managers_upload", "yes", by=as_admin("admin@example.com"))
    out = cli("import", str(mixed), "--as", "manager@example.com", db=db)
    assert out.returncode == 2
    assert (f"ssi_2026-11-20.csv, line 3, column 'team': value '{other}': expected one of your "
            f"teams: {managed}") in out.stderr  # fmt: skip
    out = cli("import", str(own), "--as", "manager@example.com", db=db)
    assert out.returncode == 0, out.stderr
    with Store(db) as s:
        names = set(s.df_sql("select name from reps where name like 'New %'")["name"])
        assert names == {"New Mine"}
        log = users.audit_log(s)
        assert log.iloc[0]["actor"] == "manager@example.com" and log.iloc[0]["action"] == "import"


ALL_PAGES = ["app_pages/team_review.py", "app_pages/activity.py", "app_pages/self_check.py",
             "app_pages/upload.py", "app_pages/users.py", "app_pages/about.py",
             "app_pages/notifications.py"]  # fmt: skip
PAGES_OF = {
    "admin": set(ALL_PAGES),
    "manager": {ALL_PAGES[0], ALL_PAGES[1], ALL_PAGES[2], ALL_PAGES[5], ALL_PAGES[6]},
    "rep": {ALL_PAGES[2], ALL_PAGES[5], ALL_PAGES[6]},
    "viewer": {ALL_PAGES[0], ALL_PAGES[1], ALL_PAGES[5], ALL_PAGES[6]},
}


def signed_in_with_oidc(email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "s" * 32, "client_id": "c", "client_secret": "x",
                          "server_metadata_url": "http://127.0.0.1:1/.well-known/x"}  # fmt: skip
    at.user = {"is_logged_in": True, "email": email}
    return at.run()


def names_shown(at: AppTest, everyone: set[str]) -> set[str]:
    """Every person's name in the page's tables, pickers and text."""
    found: set[str] = set()
    for frame in (d.value for d in at.dataframe):
        for column in ("rep", "name", "Rep"):
            if column in frame.columns:
                found |= set(frame[column].astype(str)) & everyone
    texts = [str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning]]
    texts += [str(o) for box in at.selectbox for o in box.options]
    texts += [str(o) for box in at.multiselect for o in box.options]
    for name in everyone:
        if any(name in t or name.replace(" ", "\\ ") in t for t in texts):
            found.add(name)
    return found


@pytest.mark.parametrize("role", ["admin", "manager", "rep", "viewer"])
def test_every_role_on_every_page_sees_only_its_people(org, role):
    board = org["board"]
    everyone = set(board["rep"])
    scope = {
        "admin": everyone,
        "manager": set(board[board["team"] == org["managed"]]["rep"]),
        "rep": {org["rep"]["rep"]},
        "viewer": set(),
    }[role]
    seen: set[str] = set()
    for page in ALL_PAGES:
        at = signed_in_with_oidc(f"{role}@example.com")
        if page not in PAGES_OF[role]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page)
            continue
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        shown = names_shown(at, everyone)
        assert shown <= scope, (page, sorted(shown - scope)[:5])
        seen |= shown
    # Each role sees all of its scope somewhere (the team review lists every name in it).
    if role in ("admin", "manager"):
        assert seen == scope
    if role == "rep":
        assert seen == scope


def test_names_stay_text_in_every_chart(org):
    from dashboard.web import charts

    link = '<a href="http://evil.invalid">Eve</a> <b>Bold</b>'
    board = org["board"].head(3).copy()
    board["rep"] = [link, "Ann", "Bob"]
    board["team"] = [link, "East", "East"]
    figures = [charts.pillar_stacks(board), charts.pillar_heatmap(board),
               charts.team_bars(board.rename(columns={"rep": "x"})),
               charts.reps_trend({link: org["store"].df_sql("select current_date as day, 50.0 as rolling_avg")}),
               charts.activity_scatter(board.rename(columns={"rep": "name"}).assign(searches=[1, 2, 3]),
                                       "searches", "Searches", "ssi", [])]  # fmt: skip
    for fig in figures:
        spec = fig.to_json()
        assert "<a href" not in spec and "<b>" not in spec
        assert "&lt;a href" in spec


def test_uploaded_files_are_private_and_deleted_when_read(tmp_path, store):
    import stat
    import time

    from dashboard.access import OWNER
    from dashboard.views.uploads import (
        check_upload,
        held_upload,
        import_held_upload,
        sweep_uploads,
        upload_folder,
    )

    mine = upload_folder(store.path, "session1")
    old = upload_folder(store.path, "session0")
    assert stat.S_IMODE(mine.stat().st_mode) == 0o700
    assert stat.S_IMODE(mine.parent.stat().st_mode) == 0o700
    with held_upload(mine, "team.csv", b"Name,SSI\nAnn,50\n") as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_bytes().startswith(b"Name")
    assert list(mine.iterdir()) == []
    with pytest.raises(RuntimeError), held_upload(mine, "x.csv", b"x"):
        raise RuntimeError("a failure while it is read")
    assert list(mine.iterdir()) == []  # deleted on an error too
    connections = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   b"Ann,Lee,https://x,ann@example.com,Acme,AE,20 Nov 2026\n")  # fmt: skip
    refused = check_upload(store, OWNER, mine, "Connections.csv", connections, None, None, None, ())
    assert not refused.check.ok and list(mine.iterdir()) == []  # a refusal
    good = b"Name,Team,Date,SSI\nAnn Lee,East,2026-11-20,50\n"
    checked = check_upload(store, OWNER, mine, "team.csv", good, None, None, None, ())
    assert checked.check.ok and len(checked.preview) == 1 and list(mine.iterdir()) == []
    assert (
        import_held_upload(store, OWNER, mine, "team.csv", good, None, None, None, {}).rows_loaded
        == 1
    )
    assert list(mine.iterdir()) == []  # an import
    (old / "left.csv").write_bytes(b"x")  # a process killed while reading
    sweep_uploads(mine, now=time.time() + 2 * 24 * 3600)
    assert not old.exists() and mine.exists()  # a session left for a day is swept


def test_the_first_user_must_be_an_admin(store):
    with pytest.raises(Exception, match="the first user must be an admin"):
        users.add_user(store, "rep@example.com", "viewer", by=OWNER)
    assert users.user_count(store) == 0
    users.add_user(store, "boss@example.com", "admin", by=OWNER)
    assert (
        users.add_user(store, "v@example.com", "viewer", by=as_admin("boss@example.com")).role
        == "viewer"
    )


def test_a_name_search_answers_only_within_scope_and_alike_for_the_unknown(org):
    from dashboard.errors import NotFoundError
    from dashboard.scoring.summary import find_rep

    store, board = org["store"], org["board"]
    rep, manager = (
        users.viewer_for(store, "rep@example.com"),
        users.viewer_for(store, "manager@example.com"),
    )
    team_of = dict(zip(board["rep_id"], board["team"], strict=True))
    names = set(board["rep"]) | set(board["email"])
    for letters in ["a", "e", "i", "o", "n", "r", "%", "_", "@"]:
        for viewer, allowed in ((rep, lambda r: r == rep.rep_id),
                                (manager, lambda r: team_of[r] == org["managed"])):  # fmt: skip
            try:
                found, _ = find_rep(store, letters, viewer)
                assert allowed(found), (viewer.role, letters)
            except NotFoundError as err:
                said = str(err)
                # Whoever is named in the answer is in scope.
                shown = {n for n in names if n in said}
                in_scope = set(board[board["rep_id"].map(allowed)][["rep", "email"]].stack())
                assert shown <= in_scope, (viewer.role, letters, shown - in_scope)
    # A real person outside the scope and a made-up name get the same words.
    outsider = org["outsider"]["rep"] if org["outsider"]["team"] != org["managed"] else None
    for viewer, person in ((rep, org["colleague"]["rep"]), (manager, org["rep"]["rep"])):
        with pytest.raises(NotFoundError) as real:
            find_rep(store, person, viewer)
        with pytest.raises(NotFoundError) as made_up:
            find_rep(store, "Nobody Atall", viewer)
        assert str(real.value).replace(person, "X") == str(made_up.value).replace(
            "Nobody Atall", "X"
        )
    assert outsider is None  # the fixture's outsider is the manager's own
    # The command line answers the same: a rep's one-letter search lists nobody else.
    own = org["rep"]["email"]
    store.close()  # the command line waits for a store another process holds
    for letter in "aeo":
        run = cli("rep", letter, "--as", "rep@example.com", db=store.path)
        emails = {e for e in board["email"] if e in run.stdout + run.stderr}
        assert emails <= {own}, emails
        assert "Traceback" not in run.stderr


def test_a_manager_upload_cannot_take_or_overwrite_another_teams_person(org, tmp_path):
    store, managed = org["store"], org["managed"]
    theirs = org["rep"]  # a person of another team
    users.set_setting(store, "managers_upload", "yes", by=as_admin("admin@example.com"))
    before = store.df_sql("select rep_id, day, ssi, team_id from snapshots order by all")
    day = (DEMO_END).isoformat()
    by_email = tmp_path / "by_email.csv"
    by_email.write_text(f"Name,Email,Team,Date,SSI\nX,{theirs['email']},{managed},{day},99\n")
    by_name = tmp_path / "by_name.csv"
    by_name.write_text(f"Name,Team,Date,SSI\nNew Person,{managed},{day},40\n"
                       f"{theirs['rep']},{managed},{day},99\n")  # fmt: skip
    db = store.path
    store.close()
    for path, line in ((by_email, 2), (by_name, 3)):
        out = cli("import", str(path), "--as", "manager@example.com", db=db)
        assert out.returncode == 2, out.stderr
        assert (
            f"{path.name}, line {line}: expected a person of your teams ({managed}) or someone new"
        ) in out.stderr
        assert org["other"] not in out.stderr  # the other team is not named
    with Store(db) as s:
        after = s.df_sql("select rep_id, day, ssi, team_id from snapshots order by all")
        assert after.equals(before)
        assert s.df_sql("select count(*) as n from reps where name = 'New Person'")["n"][0] == 0


def test_demo_mode_ends_for_good_at_the_first_real_import_or_user(demo_store, tmp_path):
    from dashboard.ingest import ImportOptions, import_file
    from dashboard.ingest.importer import undo_import

    store = demo_store
    assert store.scalar("is_demo_store")
    demo_id = int(store.df_sql("select max(import_id) as i from imports")["i"][0])
    real = tmp_path / "ssi_2026-11-20.csv"
    real.write_text("Name,Team,SSI\nReal Person,Real Team,50\n")
    undo_import(store, demo_id)
    assert store.scalar("is_demo_store")  # still nothing but the demo's import
    visitor = import_file(store, real, ImportOptions(in_demo=True))  # the demo's own visitor
    assert store.scalar("is_demo_store")
    undo_import(store, visitor.import_id)
    result = import_file(store, real, ImportOptions())  # the command line, a signed-in user
    assert not store.scalar("is_demo_store")
    undo_import(store, result.import_id)  # undone, the real import still ended the demo
    assert not store.scalar("is_demo_store")


def test_a_demo_that_once_had_a_user_stays_signed_in_only(demo_store, monkeypatch):
    users.add_user(demo_store, "boss@example.com", "admin", by=OWNER, password=PASSWORD)
    users.add_user(demo_store, "two@example.com", "admin", by=OWNER, password=PASSWORD)
    users.remove_user(demo_store, "two@example.com", by=OWNER)
    assert not demo_store.scalar("is_demo_store")
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(demo_store.path))
    at = as_user(None)
    assert not at.metric and not any("Demo" in i.value for i in at.info)
    assert at.text_input(key="sign_in_email") is not None


def test_racing_first_admin_forms_make_one_admin(tmp_path):
    import threading

    path = tmp_path / "new.duckdb"
    with Store(path) as store:
        outcomes: list[str] = []
        start = threading.Barrier(6)

        def race(i: int) -> None:
            start.wait()
            try:
                users.add_first_admin(store, f"admin{i}@example.com", PASSWORD)  # fmt: skip
                outcomes.append("admin")
            except Exception as exc:  # noqa: BLE001 - the words are the assertion
                outcomes.append(str(exc))

        threads = [threading.Thread(target=race, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outcomes.count("admin") == 1, outcomes
        assert set(outcomes) - {"admin"} <= {"an admin exists already; sign in instead"}
        assert users.user_count(store) == 1


SMALL_ORG = (
    "Name,Email,Team,Date,SSI,Brand,People,Insights,Relationships\n"
    "Solo Person,solo@example.com,Solo,2026-11-20,61.5,15,15.5,16,15\n"
    "Pair One,p1@example.com,Pair,2026-11-20,50,12.5,12.5,12.5,12.5\n"
    "Pair Two,p2@example.com,Pair,2026-11-20,70,17.5,17.5,17.5,17.5\n"
    + "".join(f"Big {i},b{i}@example.com,Big,2026-11-20,{40 + i},10,10,10,{10 + i}\n"
              for i in range(4))
)  # fmt: skip


def test_small_groups_figures_are_withheld_from_viewers_and_reps(load, store):
    from datetime import date

    load("small_org.csv", SMALL_ORG)
    day = date(2026, 11, 20)
    users.add_user(store, "admin@example.com", "admin", by=OWNER, password=PASSWORD)
    users.add_user(store, "viewer@example.com", "viewer", by=OWNER, password=PASSWORD)
    users.add_user(store, "p1@example.com", "rep", by=OWNER, password=PASSWORD)
    viewer = users.viewer_for(store, "viewer@example.com")
    solo = team_review(store, ["Solo"], day, 90, viewer)
    assert solo.kpis.withheld and solo.kpis.average_ssi is None and solo.kpis.reps == 1
    assert solo.averages[solo.averages["team"] == "Solo"]["ssi"].isna().all()
    everyone = team_review(store, [], day, 90, viewer)
    rows = everyone.comparison.set_index("team")
    assert rows["ssi"].isna().to_dict() == {"Big": False, "Pair": True, "Solo": True}
    assert not everyone.kpis.withheld and everyone.kpis.average_ssi is not None
    last = everyone.averages[everyone.averages["day"] == everyone.averages["day"].max()]
    assert last.set_index("team")[["ssi", "brand"]].isna().all(axis=1).to_dict() == {
        "Company": False, "Big": False, "Pair": True, "Solo": True}  # fmt: skip
    assert set(everyone.radar_series()) == {"Big", "Company"}
    # An admin sees every figure; a rep of the team of two sees no team average.
    admin = users.viewer_for(store, "admin@example.com")
    assert team_review(store, ["Solo"], day, 90, admin).kpis.average_ssi == 61.5
    rep = users.viewer_for(store, "p1@example.com")
    mine = summary_for(store, rep, rep.rep_id, day)
    assert set(mine.team_average.values()) == {None} and mine.team_size == 2
    assert mine.company_average["ssi"] is not None  # seven reps: shown


def test_a_manager_compares_only_their_own_teams(load, store):
    from datetime import date

    load("small_org.csv", SMALL_ORG)
    day = date(2026, 11, 20)
    users.add_user(store, "admin@example.com", "admin", by=OWNER, password=PASSWORD)
    users.add_user(store, "m@example.com", "manager", by=OWNER, teams=["Big"], password=PASSWORD)
    manager = users.viewer_for(store, "m@example.com")
    view = team_review(store, ["Big"], day, 90, manager)
    assert view.comparison["team"].tolist() == ["Big"]
    assert set(view.averages["team"]) == {"Big", "Company"}
    assert set(view.radar_series()) == {"Big", "Company"}


def test_each_role_sees_only_the_goals_and_events_of_its_scope(demo_store, monkeypatch):
    """The demo's goals (the company's, two teams', three reps' of the first team) and events
    (everyone's, a team's, a rep's) on the Goals page, per role."""
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(demo_store.path))
    people = demo_store.df("rep_names")
    first_team = sorted(people["team"].dropna().unique())[0]
    goal_reps = {g.email for g in demo_store.rows("every_goal") if g.rep_id is not None}
    at = as_user(None, "app_pages/goals.py")
    assert not at.exception, at.exception

    def scopes(column: str = "goal") -> set[str]:
        return set(grid(at, column)["scope"])

    everything = scopes()
    assert {"company", f"team: {first_team}"} < everything and len(grid(at, "goal")) == 7
    assert len(grid(at, "title")) == 3  # every event
    at.sidebar.radio(key="demo_role").set_value("manager").run()
    assert not at.exception, at.exception
    managed = scopes()
    assert all(s == "company" or first_team in s or s.startswith("rep: ") for s in managed)
    assert {s.removeprefix("rep: ") for s in managed if s.startswith("rep: ")} == goal_reps
    assert len(grid(at, "title")) == 3  # everyone's, the team's, a rep of the team's
    at.sidebar.radio(key="demo_role").set_value("rep").run()
    assert not at.exception, at.exception
    mine = scopes()
    own = people[people["team"] == first_team].iloc[0]["email"]
    assert all(s in ("company", f"team: {first_team}", f"rep: {own}") for s in mine)
    assert not at.get("form")  # nothing to set
    assert all(s in ("everyone", f"team: {first_team}", f"rep: {own}")
               for s in grid(at, "title")["scope"])  # fmt: skip


def test_each_user_changes_their_own_notifications_and_the_link_unsubscribes(org):
    """My notifications saves the signed-in user's own settings (audited); the link in a
    message turns them off without signing in, and a forged token changes nothing."""
    from dashboard.notify import settings as ns

    at = signed_in_with_oidc("manager@example.com")
    at.switch_page("app_pages/notifications.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="mine_weekday").set_value(3)
    at.selectbox(key="mine_hour").set_value(16)
    at.button(key="FormSubmitter:mine_form-Save").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    mine = ns.settings_of(org["store"], "manager@example.com")
    assert (mine.weekday, mine.hour, mine.digest) == (3, 16, True)
    assert ns.settings_of(org["store"], "rep@example.com") == ns.defaults("rep@example.com")
    token = ns.unsubscribe_token(org["store"], "manager@example.com")
    forged = as_user(None, query={"token": "x" + token})
    forged.switch_page("app_pages/unsubscribe.py").run()
    assert "not one we know" in forged.info[0].value and not forged.success
    link = as_user(None, query={"token": token})
    link.switch_page("app_pages/unsubscribe.py").run()
    assert not link.exception
    assert "manager@example.com will get no more" in link.success[0].value.replace("\\", "")
    assert not ns.settings_of(org["store"], "manager@example.com").digest


def test_an_admin_sets_another_users_notifications_on_the_users_page(org):
    from dashboard.notify import settings as ns

    at = signed_in_with_oidc("admin@example.com")
    at.switch_page("app_pages/users.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="notify_email").set_value("rep@example.com").run()
    at.toggle(key="admin_notify_digest").set_value(False)
    at.multiselect(key="admin_notify_alerts").set_value(["ssi_drop"])
    at.button(key="FormSubmitter:admin_notify_form-Save").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    theirs = ns.settings_of(org["store"], "rep@example.com")
    assert (theirs.digest, theirs.alerts) == (False, ("ssi_drop",))
    log = users.audit_log(org["store"])
    changed = log[log["action"] == "notifications changed"]
    assert changed["actor"].tolist() == ["admin@example.com"]
    assert "rep@example.com: no digest" in changed["detail"].iloc[0]
