"""Login throttling verdicts."""
from __future__ import annotations

import pytest

from policy.login import Counter, LoginLimits, retry_after

L = LoginLimits(per_account=3, per_address=5, window_seconds=600)


def test_under_both_limits_the_attempt_is_checked():
    assert retry_after(Counter(1, 600), Counter(1, 600), L) is None
    assert retry_after(Counter(3, 10), Counter(5, 10), L) is None  # the limits themselves are allowed


def test_over_the_account_limit_waits_until_its_window_ends():
    assert retry_after(Counter(4, 420), Counter(4, 599), L) == 420


def test_over_the_address_limit_waits_until_its_window_ends():
    assert retry_after(Counter(1, 600), Counter(6, 37), L) == 37


def test_over_both_waits_for_the_later():
    assert retry_after(Counter(9, 100), Counter(9, 250), L) == 250


def test_a_counter_without_expiry_waits_a_whole_window_and_never_zero():
    assert retry_after(Counter(4, -1), Counter(0, -2), L) == 600
    assert retry_after(Counter(4, 0), Counter(0, 0), L) == 600


@pytest.mark.parametrize("bad", [dict(per_account=0), dict(per_address=0), dict(window_seconds=0)])
def test_limits_are_positive(bad):
    with pytest.raises(ValueError):
        LoginLimits(**bad)
