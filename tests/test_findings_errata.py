"""The findings of the appendix "The tutorial's errata", read from the values it glues
(tests/_glue.py says what a findings test checks). The sigmoid lesson moved to "Signals through
depth" (tests/test_findings_signals_through_depth.py)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def errata():
    return glued("errata.ipynb")


def test_errata_numbers(errata):
    assert errata["err_with_n"] == pytest.approx(math.sqrt(6 / 20), abs=1e-4)
    assert errata["err_with_m"] == pytest.approx(math.sqrt(6 / 30), abs=1e-4)
    assert errata["err_with_m"] == round(0.44721359549995787, 4)  # the tutorial's printed bound
    assert errata["err_cov3"] == 99.7 and errata["err_cov4"] == pytest.approx(99.994, abs=1e-3)
    assert errata["err_misread"] == pytest.approx((2 / 100) ** 0.25, abs=1e-3)


def test_errata_table_ranges(errata):
    # erratum 2: sqrt(6)/sqrt(n + 10) at n = 1 and n = 100, against the listing's 0.3 and 0.1
    assert errata["err_stated_n1"] == round(math.sqrt(6 / 11), 2) == 0.74
    assert errata["err_stated_n100"] == round(math.sqrt(6 / 110), 2) == 0.23
    # erratum 3: a / sqrt(3) of U[-a, a], not "close to 0.17"
    assert errata["err_x_std"] == round(1 / math.sqrt(30), 2) == 0.18
    assert errata["err_nx_std"] == round(math.sqrt(2 / 30), 3)
    # errata 6 to 8 and the notation warning
    assert errata["err_x_n2"] == round(1 / math.sqrt(2), 3)
    assert errata["err_x_n20"] == round(1 / math.sqrt(20), 3) > 0.2
    assert errata["err_he_n20"] == round(math.sqrt(2 / 20), 3) > 0.3
    assert errata["err_he_n100"] == round(math.sqrt(2 / 100), 3)
    assert errata["err_out1"] == round(100 * math.erfc(1 / math.sqrt(2)), 1) == 31.7
