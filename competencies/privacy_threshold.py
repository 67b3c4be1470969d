"""The privacy threshold (SPEC.md "Privacy threshold", docs/domain.md "The privacy threshold").

An aggregate about people the reader may not see individually is shown only for groups of at least
``SERVICELEAD_MIN_GROUP_SIZE`` people, and never where other figures shown beside it would reveal a
smaller group by subtraction. This module is the one home of that rule; pages, the API and exports ask it
which figures they may show and never compare against the setting themselves.

Two shapes of figures occur:

* **siblings under a parent** (a department's teams, a department's own members beside them): each
  sibling below the threshold is hidden; if the parent's figure is shown and the hidden siblings together
  hold fewer than the threshold (one hidden sibling is always found by subtraction), the smallest shown
  sibling is hidden as well, until they hold at least the threshold or nothing is left to show;
* **nested counts** (people holding a competency at level ≥ 1, ≥ 2, …): a count is shown only if it is at
  least the threshold and it differs from the next shown count above it by nothing or by at least the
  threshold, so no difference of two shown counts describes a smaller group.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

DEFAULT = 5
K = TypeVar("K", bound=Hashable)


def validate(value: object) -> int:
    """The setting's value as a positive integer; anything else is refused with a message naming it."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"SERVICELEAD_MIN_GROUP_SIZE must be a whole number of people (1 or more), not {value!r}."
        ) from None
    if number < 1:
        raise ImproperlyConfigured(
            f"SERVICELEAD_MIN_GROUP_SIZE must be at least 1 (a group of {number} people protects nobody); "
            "the default is 5."
        )
    return number


def min_group_size() -> int:
    """The smallest group an aggregate may describe for a reader who may not see its members."""
    return validate(getattr(settings, "SERVICELEAD_MIN_GROUP_SIZE", DEFAULT))


@register()
def check_min_group_size(app_configs: object = None, **kwargs: object) -> list[Error]:
    """``manage.py check`` and every start: a threshold of 0, a negative one or a word is an error."""
    try:
        min_group_size()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="servicelead.E010")]
    return []


def shown(size: int, *, k: int | None = None) -> bool:
    """Whether a figure about a group of ``size`` people may be shown on its own. A group of nobody
    describes nobody and is shown (0 people, no coverage)."""
    k = min_group_size() if k is None else k
    return size == 0 or size >= k


def hidden_siblings(sizes: Mapping[K, int], *, parent_shown: bool = True, k: int | None = None) -> set[K]:
    """Which of the sibling groups ``sizes`` (key → people) must be hidden.

    Every non-empty group below the threshold is hidden. If the parent's figure is shown, the hidden
    groups together must hold at least the threshold, else the parent minus the shown siblings would
    reveal them: the smallest shown non-empty sibling is hidden too (then the next), until they do.
    Pass the parent's own members (people in it but in none of the siblings) as one more sibling."""
    k = min_group_size() if k is None else k
    hidden = {key for key, size in sizes.items() if not shown(size, k=k)}
    if not parent_shown:
        return hidden | {key for key, size in sizes.items() if size}
    while hidden and sum(sizes[key] for key in hidden) < k:
        rest = sorted((size, str(key), key) for key, size in sizes.items() if key not in hidden and size)
        if not rest:
            break
        hidden.add(rest[0][2])
    return hidden


def nested_counts(counts: Mapping[int, int], *, k: int | None = None) -> dict[int, int | None]:
    """Counts that contain each other (people at level ≥ L, for each L): level → the count, or None
    where it must be hidden. Decided from the highest level down, so the same data always shows the same
    counts, whichever level a reader asks about."""
    k = min_group_size() if k is None else k
    result: dict[int, int | None] = {}
    above: int | None = None
    for level in sorted(counts, reverse=True):
        count = counts[level]
        difference = count - (above or 0)
        if count >= k and (difference == 0 or difference >= k):
            result[level] = count
            above = count
        else:
            result[level] = None
    return result
