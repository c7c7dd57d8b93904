"""The use cases that write (dashboard/actions/): each checks the viewer's right and scope,
writes, keeps the summaries and audits in one transaction, for the pages and the CLI alike."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.access import OWNER, AccessDeniedError, Viewer
from dashboard.actions.imports import import_upload, undo
from dashboard.actions.readings import record_reading
from dashboard.errors import NotFoundError, StoreError
from dashboard.ingest import ImportOptions
from dashboard.scoring.team_days import summary_is_current

TEAMS = "Name,Email,Team,Date,SSI\nAnn Lee,ann@x.com,East,2026-11-02,40\nBob Roy,bob@x.com,West,2026-11-02,50\n"
PILLARS = {"brand": 10.0, "people": 11.0, "insights": 12.0, "relationships": 13.0}
DAY = date(2026, 11, 9)


@pytest.fixture
def people(store, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(TEAMS)
    import_upload(store, OWNER, path, ImportOptions())
    ids = {r.name: r.rep_id for r in store.rows("rep_names")}
    return ids


def audit_lines(store) -> list[tuple[str, str]]:
    return [(r.actor, r.action) for r in store.df("audit_log", {"limit": 50}).itertuples()]


def readings(store) -> list[tuple]:
    return store.df_sql("select rep_id, day, ssi from snapshots order by all").values.tolist()


def test_an_upload_is_audited_and_summed_in_its_own_transaction(store, people):
    assert audit_lines(store) == [(OWNER.email, "import")]
    assert summary_is_current(store)  # the team days under the rules in force


def test_an_upload_whose_audit_fails_writes_nothing(store, people, tmp_path, monkeypatch):
    """The audit is part of the write: if it cannot be written, neither is the import."""
    from dashboard.actions import imports

    before = readings(store)
    path = tmp_path / "more.csv"
    path.write_text("Name,Team,Date,SSI\nAnn Lee,East,2026-11-09,44\n")

    def broken(cur, *args):
        raise StoreError("the audit could not be written")

    monkeypatch.setattr(imports, "audit", broken)
    with pytest.raises(StoreError, match="audit"):
        import_upload(store, OWNER, path, ImportOptions())
    assert readings(store) == before
    assert store.scalar("count_imports") == 1


def test_undo_needs_the_right_and_is_audited(store, people, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text("Name,Team,Date,SSI\nAnn Lee,East,2026-11-09,44\n")
    result = import_upload(store, OWNER, path, ImportOptions())
    manager = Viewer("m@x.com", "manager", teams=("East",), managers_upload=True)
    with pytest.raises(AccessDeniedError):
        undo(store, manager, result.import_id)
    assert undo(store, OWNER, result.import_id).endswith("undone")
    assert audit_lines(store)[0] == (OWNER.email, "undo")


def test_a_managers_upload_is_scoped_by_the_use_case(store, people, tmp_path):
    from dashboard.errors import ImportRejectedError

    path = tmp_path / "west.csv"
    path.write_text("Name,Team,Date,SSI\nBob Roy,West,2026-11-09,55\n")
    manager = Viewer("m@x.com", "manager", teams=("East",), managers_upload=True)
    with pytest.raises(ImportRejectedError, match="expected one of your teams: East"):
        import_upload(store, manager, path, ImportOptions())
    with pytest.raises(AccessDeniedError):  # managers may upload only when the admin allows
        import_upload(store, Viewer("m@x.com", "manager", teams=("East",)), path, ImportOptions())


def test_who_may_type_in_a_reading_for_whom(store, people):
    ann, bob = people["Ann Lee"], people["Bob Roy"]
    rep = Viewer("ann@x.com", "rep", rep_id=ann)
    east = Viewer("m@x.com", "manager", teams=("East",))  # no upload right: typing is not
    refused = [(rep, bob), (east, bob), (rep, None), (east, None),
               (Viewer("v@x.com", "viewer"), ann)]  # fmt: skip
    for viewer, whom in refused:
        with pytest.raises(AccessDeniedError):
            record_reading(store, viewer, whom, DAY, None, PILLARS, name="New Person", team="East")
    assert len(readings(store)) == 2  # nothing written
    record_reading(store, rep, ann, DAY, 46, PILLARS)
    record_reading(store, east, ann, date(2026, 11, 10), None, PILLARS)
    record_reading(store, OWNER, None, DAY, None, PILLARS, name="New Person", team="North")
    assert len(readings(store)) == 5
    assert [a for _, a in audit_lines(store)].count("reading typed in") == 3
    new = store.df_sql("select r.name, t.name as team from snapshots s join reps r using "
                       "(rep_id) join teams t using (team_id) where r.name = 'New Person'")  # fmt: skip
    assert new.values.tolist() == [["New Person", "North"]]


def test_a_reading_for_someone_unknown_says_no_more_than_for_someone_out_of_scope(store, people):
    rep = Viewer("ann@x.com", "rep", rep_id=people["Ann Lee"])
    with pytest.raises(AccessDeniedError) as outside:
        record_reading(store, rep, people["Bob Roy"], DAY, None, PILLARS)
    with pytest.raises(AccessDeniedError) as unknown:
        record_reading(store, rep, 999, DAY, None, PILLARS)
    assert (
        str(outside.value) == str(unknown.value) == "you may not record a reading for that person"
    )
    with pytest.raises(NotFoundError, match="not in the store"):  # an admin may know
        record_reading(store, OWNER, 999, DAY, None, PILLARS)


def test_user_changes_need_the_admins_right_whoever_calls_them(store, people):
    """The right is checked by the change itself, not by the page or the command line."""
    from dashboard import users

    users.add_user(store, "boss@x.com", "admin", by=OWNER, password="a long enough password")
    manager = Viewer("m@x.com", "manager", teams=("East",), managers_upload=True)
    changes = [
        lambda: users.add_user(store, "new@x.com", "viewer", by=manager),
        lambda: users.set_role(store, "boss@x.com", "viewer", by=manager),
        lambda: users.remove_user(store, "boss@x.com", by=manager),
        lambda: users.set_password(store, "boss@x.com", "another long password", by=manager),
        lambda: users.unlock(store, "boss@x.com", by=manager),
        lambda: users.set_setting(store, "managers_upload", "yes", by=manager),
    ]
    for change in changes:
        with pytest.raises(AccessDeniedError, match="may not manage users"):
            change()
    assert users.list_users(store)["email"].tolist() == ["boss@x.com"]
    assert users.settings(store).get("managers_upload") != "yes"
    with pytest.raises(Exception, match="admin exists already"):
        users.add_first_admin(store, "late@x.com", "a long enough password")


def test_two_admins_demoting_each_other_at_once_leave_one_admin(store, people):
    """The last-admin check runs inside the write: whichever demotion comes second is
    refused, however the two interleave."""
    import threading

    from dashboard import users

    for email in ("a@x.com", "b@x.com"):
        users.add_user(store, email, "admin", by=OWNER, password="a long enough password")
    outcomes: list[str] = []

    def demote(who: str, by: str) -> None:
        try:
            users.set_role(store, who, "viewer", by=Viewer(by, "admin"))
            outcomes.append("demoted")
        except Exception as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=demote, args=pair)
               for pair in (("a@x.com", "b@x.com"), ("b@x.com", "a@x.com"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cannot demote the last admin; make another user admin first",
                                "demoted"]  # fmt: skip
    assert (users.list_users(store)["role"] == "admin").sum() == 1
