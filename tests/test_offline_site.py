"""site_assets/offline_site.py: what it leaves out of a page's widget state."""

from __future__ import annotations

from site_assets.offline_site import drop_unset_layout


def test_unset_layout_fields_and_view_counts_are_left_out_and_nothing_else():
    state = {
        "a": {"model_name": "LayoutModel",
              "state": {"_model_name": "LayoutModel", "_view_count": None, "width": "50%",
                        "height": None, "display": None}},
        "b": {"model_name": "HTMLStyleModel",
              "state": {"_view_count": None, "font_size": None, "description_width": ""}},
        "c": {"model_name": "HTMLModel", "state": {"value": "<b>x</b>", "placeholder": None}},
    }
    drop_unset_layout(state)
    assert state["a"]["state"] == {"_model_name": "LayoutModel", "width": "50%"}
    # a style's null may differ from its default, and other models keep their nulls
    assert state["b"]["state"] == {"font_size": None, "description_width": ""}
    assert state["c"]["state"] == {"value": "<b>x</b>", "placeholder": None}
