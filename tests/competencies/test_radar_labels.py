"""Radar spoke labels are wrapped, never cut: the whole competency name stays readable."""

from types import SimpleNamespace

from competencies.charts import radar_figure

LONG = "Electrical safety (electrically skilled person)"


def test_radar_labels_wrap_long_names_instead_of_cutting_them():
    records = [
        {
            "competency": SimpleNamespace(name=name),
            "level": 2,
            "target": 3,
            "confirmed": True,
            "assessed": True,
        }
        for name in (LONG, "Customer <conversation>")
    ]
    theta = radar_figure(records, max_level=4)["data"][0]["theta"]
    assert all("…" not in label for label in theta)
    assert theta[0].replace("<br>", " ") == LONG
    assert theta[1] == "Customer<br>&lt;conversation&gt;"
