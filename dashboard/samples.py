"""Example upload files in every accepted format, written from the demo organisation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dashboard.demo import DemoData
from dashboard.fields import PILLAR_LABELS, PILLARS
from dashboard.ingest.mapping import TEMPLATE_HEADERS

ENUM = {"brand": "PROFESSIONAL_BRAND", "people": "FIND_RIGHT_PEOPLE",
        "insights": "INSIGHT_ENGAGEMENT", "relationships": "STRONG_RELATIONSHIP"}  # fmt: skip


def _day_frame(data: DemoData) -> tuple[pd.DataFrame, str]:
    snaps = data.snapshots
    last = snaps["day"].max()
    day = snaps[snaps["day"] == last].merge(data.reps, on="rep_id")
    day = day.merge(data.teams.rename(columns={"name": "team"}), on="team_id")
    return day.sort_values("name").head(12), last.isoformat()


def write_samples(data: DemoData, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    day, iso = _day_frame(data)
    written: list[Path] = []

    def out(name: str) -> Path:
        path = folder / name
        written.append(path)
        return path

    # 1. Team export with long pillar names, date in the file name, UTF-8 with BOM.
    team = pd.DataFrame({"Name": day["name"], "Email": day["email"], "Team": day["team"],
                         "SSI": day["ssi"], **{PILLAR_LABELS[p]: day[p] for p in PILLARS},
                         "InMail acceptance rate": ["35%"] * len(day)})  # fmt: skip
    team.to_csv(out(f"team_ssi_{iso}.csv"), index=False, encoding="utf-8-sig")
    # 2. The same from a European Excel: semicolons, decimal commas, DD.MM.YYYY dates.
    euro = team.drop(columns=["InMail acceptance rate"]).copy()
    euro.insert(3, "Report date", pd.to_datetime(day["day"]).dt.strftime("%d.%m.%Y").to_numpy())
    for col in ["SSI", *[PILLAR_LABELS[p] for p in PILLARS]]:
        euro[col] = euro[col].map(lambda v: f"{v:.2f}".replace(".", ","))
    euro.to_csv(out("team_ssi_european.csv"), index=False, sep=";", encoding="cp1252")
    # 3. "Unicode text" from Excel: UTF-16, tab-separated, short pillar names, US dates.
    utf16 = pd.DataFrame({"Seat holder": day["name"], "Group": day["team"],
                          "Date": pd.to_datetime(day["day"]).dt.strftime("%m/%d/%Y").to_numpy(),
                          "SSI score": day["ssi"], **{p.title(): day[p] for p in PILLARS}})  # fmt: skip
    utf16.to_csv(out("team_ssi_unicode.txt"), index=False, sep="\t", encoding="utf-16")
    # 4. XLSX team export.
    team.to_excel(out(f"team_ssi_{iso}.xlsx"), index=False)
    # 5. A tracker's personal history (exact headers), with one failed all-zero reading.
    rep_id = int(day["rep_id"].iloc[0])
    hist = data.snapshots[data.snapshots["rep_id"] == rep_id].tail(30).copy()
    conn = 500 + pd.Series(range(len(hist)))
    tracker = pd.DataFrame({"Date": hist["day"].map(str).to_numpy(), "Total_SSI": hist["ssi"].to_numpy(),
                            "Industry_Rank": hist["industry_rank"].astype(int).to_numpy(),
                            "Network_Rank": hist["network_rank"].astype(int).to_numpy(),
                            **{p.title(): hist[p].to_numpy() for p in PILLARS},
                            "Total_Connections": conn.to_numpy(), "SSI_Increase": 0})  # fmt: skip
    tracker.loc[len(tracker) // 2, ["Total_SSI", "Industry_Rank", "Network_Rank",
                                    *[p.title() for p in PILLARS]]] = 0  # fmt: skip
    tracker.to_csv(out("tracker_history.csv"), index=False)
    # 6. The other tracker layout.
    other = pd.DataFrame({"ssi_overall_score": hist["ssi"].to_numpy(),
                          "establish_your_professional_brand": hist["brand"].to_numpy(),
                          "find_the_right_people": hist["people"].to_numpy(),
                          "engage_with_insights": hist["insights"].to_numpy(),
                          "build_relationships": hist["relationships"].to_numpy(),
                          "date_created": hist["day"].map(lambda d: f"{d} 08:00:00").to_numpy()})  # fmt: skip
    other.to_csv(out("tracker_ssi_overall_score.csv"), index=False)
    # 7. The SSI page JSON (no person, no date: both are given at upload).
    row = hist.iloc[-1]
    doc = {"memberScore": {"overall": round(float(row["ssi"]), 2),
                           "subScores": [{"pillar": ENUM[p], "score": float(row[p])} for p in PILLARS]},
           "groupScore": [{"groupType": "INDUSTRY", "rank": int(row["industry_rank"]),
                           "score": {"overall": float(row["industry_ssi"]), "subScores": []}},
                          {"groupType": "NETWORK", "rank": int(row["network_rank"]),
                           "score": {"overall": float(row["network_ssi"]), "subScores": []}}]}  # fmt: skip
    out("ssi_page.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    # 8. Our template, filled in for two people.
    tmpl = pd.DataFrame([[iso, n, e, t, s, b, pe, i, r, ir, nr] for n, e, t, s, b, pe, i, r, ir, nr in
                         day[["name", "email", "team", "ssi", *PILLARS, "industry_rank",
                              "network_rank"]].head(2).itertuples(index=False)],
                        columns=TEMPLATE_HEADERS)  # fmt: skip
    tmpl.to_csv(out("template_example.csv"), index=False)
    return written


def write_template(path: Path) -> Path:
    """The empty template: headers and one commented example row a person replaces."""
    example = ["2026-11-20", "Ava Adams", "ava.adams@example.com", "Enterprise East", "62.5",
               "18.2", "14.1", "15.0", "15.2", "8", "12"]  # fmt: skip
    path.write_text(",".join(TEMPLATE_HEADERS) + "\n" + ",".join(example) + "\n", encoding="utf-8")
    return path
