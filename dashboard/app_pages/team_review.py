"""Team review, for managers: filters in the URL, KPIs, leaderboard, balance, trends."""

import streamlit as st

from dashboard import charts, ui
from dashboard.export import to_csv_bytes, to_xlsx_bytes
from dashboard.scoring import LEADERBOARD_KEYS, rep_history
from dashboard.views import team_review as tr

st.title("Team review")
with ui.friendly_errors():
    teams_all = ui.cached(ui.team_names)
    first, last = ui.cached(ui.date_range)
    if last is None:
        ui.empty_store_message()
        st.stop()

    # Filters, kept in the URL so a view can be shared as a link.
    f1, f2, f3 = st.columns([3, 1, 1])
    url_teams = [t for t in st.query_params.get_all("team") if t in teams_all]
    teams = f1.multiselect(
        "Teams", teams_all, default=url_teams, placeholder="All teams", key="teams"
    )
    as_of = f2.date_input("As of", value=ui.param_date("as_of", first, last),
                          min_value=first, max_value=last, key="as_of")  # fmt: skip
    periods = list(tr.PERIODS)
    url_period = st.query_params.get("period", "90 days")
    period = f3.selectbox("Period", periods, index=periods.index(url_period) if url_period in periods else 1,
                          key="period")  # fmt: skip
    st.query_params.from_dict({"team": teams, "as_of": as_of.isoformat(), "period": period})

    view = ui.cached(tr.team_review, teams, as_of, tr.PERIODS[period])
    k = view.kpis
    c = st.columns(5)
    c[0].metric("Average SSI", ui.fmt(k.average_ssi), delta=ui.fmt(k.average_change_7d, "{:+.1f}", None),
                help="Average of each rep's latest reading; change against the average 7 days earlier")  # fmt: skip
    c[1].metric("Leaders (SSI above 70)", k.leaders)
    c[2].metric("Laggards (SSI below 30)", k.laggards)
    c[3].metric("Balanced (every pillar 15+)", ui.fmt(k.share_balanced, "{:.0%}"))
    c[4].metric("Stale readings (older than 7 days)", k.stale)

    if view.board.empty:
        st.info("No rep in this selection has a reading in the 90 days up to this date.")
        st.stop()

    st.subheader("Leaderboard")
    board = ui.cached(tr.with_sparklines, view.board, as_of)
    picked = st.dataframe(
        board[tr.LEADERBOARD_COLUMNS], hide_index=True, key="leaderboard", on_select="rerun",
        selection_mode="single-row", height=min(38 * (len(board) + 1), 560),
        column_config={
            "rank": st.column_config.NumberColumn("Rank", width="small"),
            "rep": "Rep", "team": "Team",
            "ssi": st.column_config.ProgressColumn("SSI", min_value=0, max_value=100, format="%.1f"),
            **{p: st.column_config.NumberColumn(p.title(), format="%.1f") for p in
               ("brand", "people", "insights", "relationships")},
            "ssi_change_7d": st.column_config.NumberColumn("7-day change", format="%+.1f"),
            "ssi_change_30d": st.column_config.NumberColumn("30-day change", format="%+.1f"),
            "band": "Band", "balanced": st.column_config.CheckboxColumn("Balanced"),
            "weakest_pillar": "Weakest pillar",
            "ssi_trend": st.column_config.LineChartColumn("Last 90 days", y_min=0, y_max=100),
            "top_pct_team": st.column_config.NumberColumn("Top % of team", format="%d%%"),
            "as_of": st.column_config.DateColumn("Reading of"), "stale": "Stale",
        },
    )  # fmt: skip
    st.caption("Click a column header to sort; choose a row to open that rep's self-check.")
    if picked.selection.rows:
        chosen = board.iloc[picked.selection.rows[0]]
        st.switch_page("app_pages/self_check.py",
                       query_params={"rep": str(chosen["rep_id"]), "as_of": as_of.isoformat()})  # fmt: skip

    export = board[LEADERBOARD_KEYS]
    d1, d2, _ = st.columns([1, 1, 4])
    d1.download_button("Download CSV", to_csv_bytes(export), f"leaderboard_{as_of}.csv", "text/csv")
    d2.download_button("Download XLSX", lambda: to_xlsx_bytes(export), f"leaderboard_{as_of}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip

    st.subheader("Pillar balance")
    b1, b2 = st.columns([2, 3])
    b1.plotly_chart(charts.pillar_radar(view.radar_series()), key="radar")
    pages = tr.page_count(view.board)
    page = 1
    if pages > 1:
        page = b2.number_input(
            f"Reps page (of {pages}, {tr.PAGE_SIZE} a page)", 1, pages, 1, key="rep_page"
        )
    shown = tr.page_of(view.board, page)
    b2.plotly_chart(charts.pillar_stacks(shown), key="stacks")
    st.plotly_chart(charts.pillar_heatmap(shown), key="heatmap")

    a = view.agreement or {}
    if a.get("reps"):
        with st.expander("Estimated scores against reported ones", expanded=False):
            st.markdown(
                f"For {a['reps']} reps with both a reported reading and activity on {as_of}, "
                f"the estimate from activity ranks reps with a rank correlation of "
                f"**{ui.fmt(a['rank_correlation'], '{:.2f}')}**; it is on average "
                f"**{ui.fmt(a['mean_gap'], '{:+.1f}')}** points from the reported SSI "
                f"(mean absolute gap {ui.fmt(a['mean_abs_gap'])}). Estimates are ours, not "
                "LinkedIn's: see About the scores."
            )

    st.subheader("Trends")
    t1, t2 = st.columns(2)
    t1.plotly_chart(charts.team_trend(view.averages, view.groups), key="trend_ssi")
    t2.plotly_chart(charts.pillar_trends(view.averages, view.focus), key="trend_pillars")
    t3, t4 = st.columns(2)
    t3.plotly_chart(charts.band_areas(view.bands(), view.focus), key="bands")
    names = dict(zip(view.board["rep"], view.board["rep_id"], strict=True))
    chosen_reps = t4.multiselect("Compare reps", list(names), max_selections=8, key="compare_reps",
                                 placeholder="Choose up to 8 reps")  # fmt: skip
    histories = {
        n: ui.cached(rep_history, int(names[n]), as_of, tr.PERIODS[period]) for n in chosen_reps
    }
    t4.plotly_chart(charts.reps_trend(histories), key="reps_trend")

    st.subheader("Movers and coaching signals")
    movers_config = {"rep": "Rep", "team": "Team",
                     "ssi_before": st.column_config.NumberColumn("SSI 30 days ago", format="%.1f"),
                     "ssi_now": st.column_config.NumberColumn("SSI now", format="%.1f"),
                     "change": st.column_config.NumberColumn("Change", format="%+.1f")}  # fmt: skip
    m1, m2 = st.columns(2)
    for column, title, frame in ((m1, "Largest rises, 30 days", view.rises),
                                 (m2, "Largest falls, 30 days", view.falls)):  # fmt: skip
        column.markdown(f"**{title}**")
        if frame.empty:
            column.caption("Nobody in this selection moved that way.")
        else:
            column.dataframe(
                frame[list(movers_config)], hide_index=True, column_config=movers_config
            )
    st.markdown(f"**Coaching signals** ({len(view.signals)})")
    if view.signals.empty:
        st.caption("No rep is falling, silent, dropping sharply or has a pillar under 10.")
    else:
        st.dataframe(view.signals[["rep", "team", "signal", "detail"]], hide_index=True,
                     height=min(38 * (len(view.signals) + 1), 400),
                     column_config={"rep": "Rep", "team": "Team", "signal": "Signal",
                                    "detail": st.column_config.TextColumn("Detail", width="large")})  # fmt: skip

    if len(view.teams) != 1 and len(view.comparison) > 1:
        st.subheader("Teams compared")
        st.dataframe(view.comparison, hide_index=True, column_config={
            "team": "Team", "reps": "Reps",
            "ssi": st.column_config.NumberColumn("Average SSI", format="%.1f"),
            **{p: st.column_config.NumberColumn(p.title(), format="%.1f") for p in
               ("brand", "people", "insights", "relationships")},
            "leaders": "Leaders", "laggards": "Laggards",
            "share_balanced": st.column_config.NumberColumn("Balanced", format="percent"),
            "ssi_change_7d": st.column_config.NumberColumn("Avg 7-day change", format="%+.1f"),
        })  # fmt: skip
        st.plotly_chart(charts.team_bars(view.comparison), key="team_bars")
