"""What every chapter's test of its checks asserts of a wrong answer."""

from winit.book.checks import check


def assert_not_yet(label, answers, secrets):
    """``check(label, **answers)`` is false, says "Not yet (label): ", and its hint contains
    none of ``secrets`` (the expected values, as a hint might spell them)."""
    verdict = check(label, **answers)
    assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), verdict.message
    for secret in secrets:
        assert secret not in verdict.message, verdict.message
