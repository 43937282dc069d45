"""winit.book.plots.weight_layouts and conv_kernel_fans: what the layout pictures colour."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from winit.book.plots import conv_kernel_fans, weight_layouts  # noqa: E402


def _coloured(ax, face=None, edge=None):
    out = []
    for p in ax.patches:
        if face is not None and np.allclose(p.get_facecolor(), to_rgba(face)):
            out.append(p)
        elif edge is not None and np.allclose(p.get_edgecolor(), to_rgba(edge)):
            out.append(p)
    return out


def test_one_output_unit_is_a_column_in_keras_and_a_row_in_pytorch():
    left, right = weight_layouts(5, 3)
    assert len(left.patches) == len(right.patches) == 15
    blue_left, blue_right = _coloured(left, face="C0"), _coloured(right, face="C0")
    assert len(blue_left) == len(blue_right) == 5  # the fan-in
    # a column on the left (one x, five y), a row on the right (one y, five x)
    assert len({p.get_x() for p in blue_left}) == 1 and len({p.get_y() for p in blue_left}) == 5
    assert len({p.get_y() for p in blue_right}) == 1 and len({p.get_x() for p in blue_right}) == 5
    assert "(n_in, n_out)" in left.get_title() and "(n_out, n_in)" in right.get_title()
    plt.close("all")


def test_conv_picture_colours_the_two_fans():
    ax = conv_kernel_fans(3, 4, 3)
    assert len(ax.patches) == 3 * 4 * 9
    assert len(_coloured(ax, face="C0")) == 3 * 9  # filter 1: fan-in
    assert len(_coloured(ax, edge="C3")) == 4 * 9  # input channel 1 in every filter: fan-out
    assert "fan_in = 3·3·3 = 27" in ax.get_title() and "fan_out = 4·3·3 = 36" in ax.get_title()
    assert "(4, 3, 3, 3)" in ax.get_title() and "(3, 3, 3, 4)" in ax.get_title()
    plt.close("all")


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match=r"^n_in must be a positive integer of at most 12"):
        weight_layouts(13, 2)
    with pytest.raises(TypeError, match=r"^kernel_size must be a positive integer"):
        conv_kernel_fans(2, 2, 2.5)
    plt.close("all")
