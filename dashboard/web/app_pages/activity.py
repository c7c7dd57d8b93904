"""Activity, for managers and admins: adoption, metrics over time, per-rep activity, and
activity against SSI. Filters live in the URL, like the team review."""

import streamlit as st

from dashboard.export import to_xlsx_bytes
from dashboard.scoring.config import load_config
from dashboard.views import activity as av
from dashboard.web import charts, sent, ui

st.title("Activity")
st.caption("Who uses their Sales Navigator seat, how much, and whether it goes with a better "
           "SSI. Seats with no data (never activated, or opted out of tracking) are counted "
           "apart, never as zero.")  # fmt: skip
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    viewer.require("activity")
    filters = ui.team_filters(viewer, av.PERIODS)
    teams, as_of, period = filters.teams, filters.as_of, filters.period
    config = load_config()
    labels = av.metric_labels(store)
    metrics = [m for m in config.activity.metrics if m in labels]
    g1, g2 = st.columns([3, 2])
    url_metric = st.query_params.get("metric", metrics[0])
    metric = g1.selectbox("Metric", metrics, format_func=labels.get, key="metric",
                          index=metrics.index(url_metric) if url_metric in metrics else 0)  # fmt: skip
    grains = {"Weeks": "week", "Months": "month"}
    url_grain = st.query_params.get("grain", "week")
    grain_label = g2.segmented_control(
        "Show by", list(grains), key="grain",
        default="Months" if url_grain == "month" else "Weeks",
    ) or "Weeks"  # fmt: skip
    grain = grains[grain_label]
    st.query_params.from_dict({"team": teams, "as_of": as_of.isoformat(), "period": period,
                               "metric": metric, "grain": grain})  # fmt: skip

    view = av.activity_view(store, filters.scope, as_of, av.PERIODS[period], grain, metric,
                     viewer)  # fmt: skip
    a = view.adoption
    st.subheader("Adoption")
    c = st.columns(4)
    c[0].metric(
        "Seats with data",
        f"{a.with_data} of {a.seats}",
        help="Seats with any activity figure in the period, of all seats seen in it.",
    )
    c[1].metric(f"Active in the last {config.activity.active_days} days",
                ui.fmt(a.share_active, "{:.0%}"),
                help=f"{a.active_recently} of the {a.with_data} seats with data did something "
                     f"in the {config.activity.active_days} days up to {as_of}.")  # fmt: skip
    c[2].metric(
        "Never active in the period",
        a.never_active,
        help="Seats with data but not one action or active day in the period.",
    )
    c[3].metric("No data", a.no_data,
                help="Seats listed with no activity figures: never activated, or opted out of "
                     "activity tracking. Not counted as zero anywhere.")  # fmt: skip
    if a.seats == 0:
        st.info("No seat in this selection has activity in this period. Upload a usage export "
                "or the Analytics activity file on the Upload page.")  # fmt: skip
        st.stop()

    partial = av.last_bucket_partial(view, grain)
    h1, h2 = st.columns([3, 2])
    h1.plotly_chart(charts.active_seats(view.active_seats, grain, partial), key="active_seats")
    h2.plotly_chart(
        charts.days_active_histogram(a.days_active, view.start, as_of), key="days_active"
    )

    label = labels.get(metric, metric)
    st.subheader(label)
    t1 = st.container()
    t1.plotly_chart(charts.activity_trend(view.trend, view.groups, label, partial), key="trend")
    if view.left_out:
        st.caption(f"{view.left_out} seat period(s) longer than a {grain} are left out of this "
                   f"chart; choose Months to see them.")  # fmt: skip

    if not viewer.sees_people:
        st.caption("Company figures only: this role sees no person's detail.")
        st.subheader("Activity and SSI")
        st.markdown(ui.md_text(view.correlation.reading))
        st.stop()

    st.subheader("Per rep")
    table = av.rep_table(view)
    shown_metrics = [m for m in table.columns if m in labels]
    st.dataframe(
        sent.compact(table, sparklines=("trend",)), hide_index=True, height=min(35 * (len(table) + 1) + 3, 560),
        column_config={
            "name": "Rep", "team": "Team", "status": "Status",
            **{m: st.column_config.NumberColumn(labels[m], format="%.0f" if m != "inmail_acceptance_rate" else "%.0f%%")
               for m in shown_metrics},
            "ssi": st.column_config.NumberColumn("SSI", format="%.1f", help=f"On {as_of}"),
            "ssi_change": st.column_config.NumberColumn("SSI change", format="%+.1f",
                                                        help="Since the start of the period"),
            "trend": st.column_config.LineChartColumn(f"{label} by {grain}",
                                                      help="Scaled to each rep's own range"),
        },
    )  # fmt: skip
    st.caption(f"Figures over the period from {view.start} to {as_of}. Click a header to sort.")
    d1, d2, _ = st.columns([1, 1, 4])
    csv = av.activity_csv(store, filters.scope, as_of, av.PERIODS[period], grain, metric, viewer)
    d1.download_button("Download CSV", csv, f"activity_{as_of}.csv", "text/csv")
    d2.download_button("Download XLSX", lambda: to_xlsx_bytes(av.export_table(view), "Activity"),
                       f"activity_{as_of}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip

    st.subheader("Activity and SSI")
    st.markdown(ui.md_text(view.correlation.reading))
    # One scatter at a time, drawn when its tab is chosen (a rerun): each draws every rep.
    against = {"ssi": "Against SSI", "ssi_change": "Against the SSI change"}
    shown = st.tabs(list(against.values()), key="against", on_change="rerun")
    for measure, tab in zip(against, shown, strict=True):
        if tab.open:
            tab.plotly_chart(charts.activity_scatter(view.reps, metric, label, measure, teams),
                             key=f"vs_{measure}")  # fmt: skip
