"""Goals and events: every goal in scope with its pace, setting and removing them (one at a
time or from a goal file), and the dated events the trend charts mark."""

from datetime import date

import streamlit as st

from dashboard.actions import goals as act
from dashboard.errors import DashboardError, ImportRejectedError
from dashboard.scoring.events import visible_events
from dashboard.scoring.goals import activity_labels, goal_metrics, goal_paces
from dashboard.views import goals as gv
from dashboard.views.uploads import held_upload, problem_lines, upload_folder
from dashboard.web import ui

st.title("Goals and events")
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    for message, ok in st.session_state.pop("goal_results", []):
        (st.success if ok else st.error)(ui.md_text(message))
    first, last = ui.date_range(store)
    today = date.today()
    as_of = ui.param_date("as_of", first or today, max(last or today, today),
                          ui.default_as_of(store) or today)  # fmt: skip
    as_of = st.date_input("As of", value=as_of, key="goals_as_of")
    st.query_params["as_of"] = as_of.isoformat()
    paces = goal_paces(store, viewer, as_of)
    labels = activity_labels(store)
    st.caption("Each goal's pace compares the share of the way done, from its value at the "
               "start to its target, with the share of its time gone. A team's value is the "
               "average of its listed reps; a rep's, their latest reading, dated.")  # fmt: skip
    ui.goals_table(gv.goals_table(paces, labels), key="goals")
    st.download_button("Download goals (CSV)", gv.goals_csv(paces, labels),
                       f"goals_{as_of}.csv", "text/csv", key="goals_csv")  # fmt: skip

    scopes = gv.settable_scopes(store, viewer)
    if scopes:
        st.subheader("Set a goal")
        metrics = goal_metrics(store)
        with st.form("new_goal", clear_on_submit=False, border=True):
            c = st.columns([2, 2, 1])
            scope = c[0].selectbox("For", scopes, format_func=lambda s: s.label, key="goal_scope")
            metric = c[1].selectbox("Metric", list(metrics), format_func=metrics.get,
                                    key="goal_metric")  # fmt: skip
            target = c[2].number_input("Target", min_value=0.0, value=70.0, step=1.0,
                                       key="goal_target")  # fmt: skip
            d = st.columns(2)
            start = d[0].date_input("From", value=today, key="goal_from")
            due = d[1].date_input("By", value=None, key="goal_by")
            if st.form_submit_button("Set the goal", type="primary"):
                try:
                    if due is None:
                        raise act.GoalRefusedError("choose the day the goal is due (By)")
                    goal_id = act.add_goal(store, viewer, metric, target, due, start,
                                           scope.team, scope.rep)  # fmt: skip
                    st.session_state["goal_results"] = [(f"Goal #{goal_id} set.", True)]
                    st.rerun()
                except DashboardError as exc:
                    st.error(ui.md_text(str(exc)))
        removable = gv.goal_choices(paces, viewer)
        if removable:
            r = st.columns([4, 1], vertical_alignment="bottom")
            chosen = r[0].selectbox("Remove a goal", list(removable), index=None,
                                    format_func=removable.get, key="goal_remove",
                                    placeholder="Choose a goal")  # fmt: skip
            if r[1].button("Remove", disabled=chosen is None, key="goal_remove_go"):
                st.session_state["goal_results"] = [(act.remove_goal(store, viewer, chosen), True)]
                st.rerun()

        st.subheader("Goals from a file")
        f = st.columns([1, 3])
        f[0].download_button("Download the goal template", gv.template_csv(),
                             "goals_template.csv", "text/csv", key="goal_template")  # fmt: skip
        f[1].caption("One goal per row: metric (ssi, a pillar, balanced_share or an activity "
                     "metric), target, from and by (YYYY-MM-DD), and a team or a rep's e-mail "
                     "(neither: the company). Any error sets none of them; Upload's history "
                     "undoes a file.")  # fmt: skip
        round_ = st.session_state.setdefault("goal_file_round", 0)
        upload = st.file_uploader("Goal file", type=["csv", "txt", "xlsx"],
                                  key=f"goal_file_{round_}")  # fmt: skip
        if upload is not None and st.button("Set these goals", type="primary", key="goal_file_go"):
            folder = upload_folder(
                store.path, st.session_state.setdefault("upload_session", "goals")
            )
            try:
                with held_upload(folder, upload.name, upload.getvalue()) as path:
                    result = act.import_goal_file(store, viewer, path, upload.name)
                st.session_state["goal_results"] = [(result.summary(), True)]
                st.session_state["goal_file_round"] = round_ + 1
                st.rerun()
            except ImportRejectedError as exc:
                st.error(f"{upload.name} was not imported; nothing was written:")
                st.markdown("\n".join(f"- {ui.md_text(line)}"
                                      for line in problem_lines(exc.problems)))  # fmt: skip

    st.subheader("Events")
    events = visible_events(store, viewer)
    st.caption("Dated notes the trend charts mark: a training, a campaign, a change of "
               "territory, LinkedIn changing its scoring.")  # fmt: skip
    if events:
        st.dataframe(gv.events_table(events), hide_index=True, key="events", column_config={
            "id": st.column_config.NumberColumn("Id", width="small"),
            "day": st.column_config.DateColumn("Day"), "title": "Title", "scope": "For",
            "set_by": "Noted by"})  # fmt: skip
        compared = {e.event_id: e for e in events if e.team is not None or e.rep_id is not None}
        if compared:
            pick = st.selectbox("Before and after an event", list(compared), index=None,
                                format_func=lambda i: f"{compared[i].day}: {compared[i].title} "
                                                      f"({compared[i].scope})",
                                placeholder="Choose a team's or a rep's event", key="event_pick")  # fmt: skip
            if pick is not None:
                sentence = gv.event_comparison(store, viewer, compared[pick], last or today)
                st.info(ui.md_text(sentence or ""))
    else:
        st.caption("No events yet.")
    if scopes:
        with st.form("new_event", border=True):
            e = st.columns([1, 3, 2])
            day = e[0].date_input("Day", value=today, key="event_day")
            title = e[1].text_input("Title", max_chars=act.MAX_TITLE, key="event_title")
            everyone = [gv.Scope("Everyone")] if viewer.may_set_goal(None, None, True) else []
            where = e[2].selectbox("For", everyone + [s for s in scopes if s.label != "The company"],
                                   format_func=lambda s: s.label, key="event_scope")  # fmt: skip
            if st.form_submit_button("Note the event"):
                try:
                    event_id = act.add_event(store, viewer, day, title, where.team, where.rep)
                    st.session_state["goal_results"] = [(f"Event #{event_id} noted.", True)]
                    st.rerun()
                except DashboardError as exc:
                    st.error(ui.md_text(str(exc)))
        mine = {e.event_id: e for e in events
                if viewer.may_set_goal(e.team, e.rep_team, e.team is None and e.rep_id is None)}  # fmt: skip
        if mine:
            r = st.columns([4, 1], vertical_alignment="bottom")
            gone = r[0].selectbox("Remove an event", list(mine), index=None,
                                  format_func=lambda i: f"#{i} {mine[i].day}: {mine[i].title}",
                                  placeholder="Choose an event", key="event_remove")  # fmt: skip
            if r[1].button("Remove", disabled=gone is None, key="event_remove_go"):
                st.session_state["goal_results"] = [(act.remove_event(store, viewer, gone), True)]
                st.rerun()
