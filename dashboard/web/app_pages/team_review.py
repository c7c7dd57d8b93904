"""Team review, for managers: filters in the URL, KPIs, leaderboard, balance, trends."""

import streamlit as st

from dashboard import display
from dashboard.export import to_xlsx_bytes
from dashboard.fields import PILLARS
from dashboard.reports.team_review import team_review_pdf
from dashboard.scoring import rep_history
from dashboard.scoring.config import load_config
from dashboard.scoring.goals import activity_labels
from dashboard.views import figures
from dashboard.views import goals as gv
from dashboard.views import team_review as tr
from dashboard.views.self_check import rep_labels
from dashboard.web import charts, sent, ui

# Up to this many coaching signals are listed open; more wait until their section is opened.
SIGNALS_OPEN = 50

st.title("Team review")
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    viewer.require("team_review")
    # Filters, kept in the URL so a view can be shared as a link.
    filters = ui.team_filters(viewer, tr.PERIODS)
    teams, as_of, period = filters.teams, filters.as_of, filters.period
    st.query_params.from_dict({"team": teams, "as_of": as_of.isoformat(), "period": period})

    # A manager with no team chosen sees their own teams; a team outside scope is dropped.
    view = tr.team_review(store, filters.scope, as_of, tr.PERIODS[period], viewer)
    k, labels = view.kpis, tr.kpi_labels()
    c = st.columns(5)
    delta = display.change(k.average_change_7d, missing="")
    c[0].metric(labels["average"].text, display.score(k.average_ssi), delta=delta or None,
                delta_color="off" if delta == "0.0" else "normal",
                help=labels["average"].help)  # fmt: skip
    c[1].metric(labels["leaders"].text, ui.fmt(k.leaders, "{:d}"), help=labels["leaders"].help)
    c[2].metric(labels["laggards"].text, ui.fmt(k.laggards, "{:d}"), help=labels["laggards"].help)
    c[3].metric(labels["balanced"].text, ui.fmt(k.share_balanced, "{:.0%}"),
                delta=tr.balanced_coverage(k), delta_color="off", delta_arrow="off",
                help=labels["balanced"].help)  # fmt: skip
    c[4].metric(labels["stale"].text, ui.fmt(k.stale, "{:d}"), help=labels["stale"].help)

    if k.reps == 0:
        st.info(f"No rep in this selection has a reading in the "
                f"{load_config().freshness.listed_for_days} days up to this date.")  # fmt: skip
        st.stop()
    newer = tr.newer_readings_note(as_of, ui.date_range(store)[1])
    if newer:
        st.caption(ui.md_text(newer))
    if k.withheld:
        st.info(ui.md_text(tr.withheld_note(k.reps)))
    if not viewer.sees_people:
        st.caption("Company figures only: this role sees no person's detail.")
    # Made on click: a PDF takes a second or two, which a rerun should not pay.
    st.download_button(
        "Download PDF",
        ui.made_on_click(lambda at: team_review_pdf(at, viewer, teams, as_of, period)),
        f"team_review_{as_of}.pdf", "application/pdf", icon=":material/picture_as_pdf:",
        on_click="ignore", key="review_pdf",
    )  # fmt: skip

    strip = gv.goals_strip(store, viewer, filters.scope, as_of)
    if strip.goals or strip.rep_verdicts:
        st.subheader("Goals")
        lines = [f"- {ui.md_text(line)}" for line in strip.lines(activity_labels(store))]
        if strip.more():
            lines.append(f"- ... and {strip.more()} more")
        st.markdown("\n".join(lines))
        if strip.rep_verdicts:
            st.caption(ui.md_text(strip.counts_text()))
        st.page_link("app_pages/goals.py", label="Every goal, and events", icon=":material/flag:")

    if viewer.sees_people:
        st.subheader("Leaderboard")
        # Attached at each rerun: the lines are remembered per store version, and attaching
        # them is cheaper than keeping a copy of the board with them per filter.
        board = tr.with_goals(store, tr.with_sparklines(store, view.board, as_of), as_of, viewer)
        table = sent.compact(tr.leaderboard_table(board), sparklines=("ssi_trend",))
        picked = st.dataframe(
            table, hide_index=True, key="leaderboard", on_select="rerun", placeholder="–",
            selection_mode="single-row", height=min(35 * (len(board) + 1) + 3, 560),
            column_config={
                "rank": st.column_config.NumberColumn(
                    "Co. rank", format="%d", width=75,
                    help="Rank among every ranked rep of the company, whatever teams are shown; "
                    "Top % of team gives the place in the team."),
                "rep": "Rep",
                "ssi": st.column_config.NumberColumn("SSI", format="%.1f", width=60),
                **{p: st.column_config.NumberColumn(p.title(), format="%.1f") for p in PILLARS},
                "ssi_change_7d": st.column_config.NumberColumn(
                    "7-day change", format="%+.1f", help="Against the latest reading at least 7 days earlier "
                    "(date in '7-day change since'); a dash when that reading is too old."),
                "ssi_change_30d": st.column_config.NumberColumn(
                    "30-day change", format="%+.1f", help="Against the latest reading at least 30 days earlier."),
                "goal": st.column_config.TextColumn(
                    "Goal", help="The rep's own goal to act on first (Goals and events lists them)"),
                "band": "Band", "balanced": st.column_config.CheckboxColumn("Balanced"),
                "weakest_pillar": "Weakest pillar",
                "ssi_trend": st.column_config.LineChartColumn(
                    "Last 90 days", help="Each rep's latest SSI reading of each week, scaled "
                    "to the rep's own range"),
                "top_pct_team": st.column_config.NumberColumn("Top % of team", format="%d%%"),
                "as_of": st.column_config.DateColumn("Reading of"),
                "ssi_change_7d_since": st.column_config.DateColumn("7-day change since"),
                "ssi_change_30d_since": st.column_config.DateColumn("30-day change since"),
                "stale": "Stale", "team": "Team",
            },
        )  # fmt: skip
        st.caption("Click a column header to sort; choose a row to open that rep's self-check.")
        note = tr.unlisted_note(view)
        if note:
            st.caption(ui.md_text(note))
        if picked.selection.rows:
            chosen = board.iloc[picked.selection.rows[0]]
            st.switch_page("app_pages/self_check.py",
                           query_params={"rep": str(chosen["rep_id"]), "as_of": as_of.isoformat()})  # fmt: skip

        export = board[tr.EXPORT_KEYS]
        d1, d2, _ = st.columns([1, 1, 4])
        # Made before the click, and cached per filter: a CSV made on click (a callable)
        # once never reached Chromium in CI, where the browser test waits for it.
        csv = tr.leaderboard_csv(store, filters.scope, as_of, viewer)
        d1.download_button("Download CSV", csv, f"leaderboard_{as_of}.csv", "text/csv")
        d2.download_button("Download XLSX", lambda: to_xlsx_bytes(export), f"leaderboard_{as_of}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip

    st.subheader("Pillar balance")
    # The per-rep charts are drawn when their tab is chosen (a rerun), as the trends below;
    # a role that sees no person has no such tab, and so no tabs.
    per_rep_tab = None
    teams_tab = st.container()
    if viewer.sees_people:
        teams_tab, per_rep_tab = st.tabs(["Teams", "Per rep"], key="balance", on_change="rerun")
    if per_rep_tab is None or teams_tab.open:
        b1, b2 = teams_tab.columns([2, 3])
        balance = figures.review_balance(view)
        b1.plotly_chart(balance["radar"], key="radar")
        if "team_bars" in balance:
            b2.plotly_chart(balance["team_bars"], key="team_bars")
    if per_rep_tab is not None and per_rep_tab.open:
        tab = per_rep_tab
        tab.markdown("In leaderboard order: the stacked bars show how each SSI is made up, the "
                     "grid beside them which pillar to coach.")  # fmt: skip
        pages, page = tr.page_count(view.board), 1
        if pages > 1:
            page = tab.number_input(f"Reps page (of {pages}, {tr.PAGE_SIZE} a page)", 1, pages, 1,
                                    key="rep_page")  # fmt: skip
        per_rep = figures.review_per_rep(view, page)
        s1, s2 = tab.columns(2)
        s1.plotly_chart(per_rep["stacks"], key="stacks")
        s2.plotly_chart(per_rep["heatmap"], key="heatmap")

    # Computed when opened (a rerun): it reads every rep's activity of the window.
    check = st.expander("Estimated scores against reported ones", key="estimate_check",
                        on_change="rerun")  # fmt: skip
    if check.open:
        a = tr.estimate_check(store, filters.scope, as_of, viewer)
        if a["reps"]:
            check.markdown(
                f"For {a['reps']} reps with both a reported reading and activity on {as_of}, "
                f"the estimate from activity ranks reps with a rank correlation of "
                f"**{ui.fmt(a['rank_correlation'], '{:.2f}')}**; it is on average "
                f"**{ui.fmt(a['mean_gap'], '{:+.1f}')}** points from the reported SSI "
                f"(mean absolute gap {ui.fmt(a['mean_abs_gap'])}). Estimates are ours, not "
                "LinkedIn's: see About the scores."
            )
        else:
            check.markdown(f"No rep shown has both a reported reading and activity on {as_of}.")

    st.subheader("Trends")
    # One chart at a time, drawn when its tab is chosen (a rerun): every chart of the page
    # drawn at once held its first paint (docs/PERFORMANCE.md, "In a browser").
    trend_tabs = {"trend_ssi": "Average SSI", "trend_pillars": "Pillars", "bands": "Bands"}
    if viewer.sees_people:
        trend_tabs["reps"] = "Compare reps"
    shown = st.tabs(list(trend_tabs.values()), key="trend", on_change="rerun")
    for name, tab in zip(trend_tabs, shown, strict=True):
        if not tab.open:
            continue
        if name == "reps":
            # Keyed by id: two people with one name stay two people (told apart by e-mail).
            people = rep_labels(view.board.rename(columns={"rep": "name"}))
            # Kept apart from the widget: Streamlit forgets a widget's state while its tab is
            # closed, and the reps chosen should still be there when it is opened again.
            kept = [r for r in st.session_state.get("compared_reps", []) if r in people]
            chosen_reps = tab.multiselect("Compare reps", list(people), default=kept,
                                          max_selections=8, format_func=people.get,
                                          key="compare_reps", placeholder="Choose up to 8 reps")  # fmt: skip
            st.session_state["compared_reps"] = chosen_reps
            histories = {people[r]: rep_history(store, int(r), as_of, tr.PERIODS[period])
                         for r in chosen_reps}  # fmt: skip
            tab.plotly_chart(charts.reps_trend(histories), key="reps_trend")
        else:
            trend = figures.review_trends(store, viewer, view, tr.PERIODS[period], (name,))
            tab.plotly_chart(trend[name], key=name)

    if viewer.sees_people:
        st.subheader("Movers and coaching signals")
        window = load_config().coaching.movers_window_days
        movers_config = {
            "rep": "Rep", "team": "Team",
            "change": st.column_config.NumberColumn("Change", format="%+.1f", width=60),
            "ssi_now": st.column_config.NumberColumn("SSI now", format="%.1f", width=60),
            "ssi_before": st.column_config.NumberColumn("SSI then", format="%.1f", width=60),
            "day_before": st.column_config.DateColumn("Then", help="The reading compared with"),
        }  # fmt: skip
        m1, m2 = st.columns(2)
        for column, title, frame in ((m1, f"Largest rises, {window} days", view.rises),
                                     (m2, f"Largest falls, {window} days", view.falls)):  # fmt: skip
            column.markdown(f"**{title}**")
            if frame.empty:
                column.caption("Nobody in this selection moved that way.")
            else:
                column.dataframe(
                    tr.movers_table(frame), hide_index=True, column_config=movers_config
                )
        # Sent when opened (a rerun): at 10,000 reps the signals are thousands of rows.
        signals = st.expander(f"Coaching signals ({len(view.signals):,})", key="signals",
                              on_change="rerun", expanded=len(view.signals) <= SIGNALS_OPEN)  # fmt: skip
        if view.signals.empty:
            signals.caption("No rep is falling, silent, dropping sharply or has a pillar under "
                            f"{load_config().coaching.pillar_floor:g}.")  # fmt: skip
        elif signals.open:
            signals.dataframe(sent.compact(view.signals[["rep", "signal", "detail", "team"]]),
                              hide_index=True, height=min(38 * (len(view.signals) + 1), 400),
                              column_config={"rep": "Rep", "team": "Team", "signal": "Signal",
                                             "detail": st.column_config.TextColumn("Detail", width="large")})  # fmt: skip

    if len(view.teams) != 1 and len(view.comparison) > 1:
        st.subheader("Teams compared")
        st.dataframe(tr.comparison_table(view.comparison), hide_index=True, column_config={
            "team": "Team", "reps": "Reps",
            "ssi": st.column_config.NumberColumn("Average SSI", format="%.1f"),
            **{p: st.column_config.NumberColumn(p.title(), format="%.1f") for p in
               ("brand", "people", "insights", "relationships")},
            "leaders": "Leaders", "laggards": "Laggards",
            "share_balanced": st.column_config.NumberColumn("Balanced", format="%d%%"),
            "ssi_change_7d": st.column_config.NumberColumn("Avg 7-day change", format="%+.1f"),
        })  # fmt: skip
