"""One rule for showing a share as a percentage and for its colour, used by every page and chart.

A share (0–1) is shown as a whole percentage rounded half up (0.845 → 85, 0.898 → 90), and its colour
band is decided on that shown number, so a figure that reads "90 %" is never coloured as below 90 %."""

from decimal import ROUND_HALF_UP, Decimal

# Shown percentage from which a coverage counts as good / as acceptable; below: poor.
GOOD, ACCEPTABLE = 90, 70
GOOD_BAND, ACCEPTABLE_BAND, POOR_BAND = "good", "acceptable", "poor"


def percent(share: float | Decimal | None) -> int | None:
    """``share`` (0–1) as a whole percentage, rounded half up; None stays None."""
    if share is None:
        return None
    return int((Decimal(str(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band(share: float | Decimal | None) -> str | None:
    """ "good", "acceptable" or "poor", judged on the percentage as shown; None for None."""
    shown = percent(share)
    if shown is None:
        return None
    if shown >= GOOD:
        return GOOD_BAND
    return ACCEPTABLE_BAND if shown >= ACCEPTABLE else POOR_BAND
