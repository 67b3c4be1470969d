"""The rule "a level lies on its competency's scale", in one place.

Services call ``level_check`` before they write a level (an assessment, a role or team requirement, a
measure's range, a plan item's target); the importer, which checks whole files at once, words its
problem with ``level_off_scale_message``. Forms and serializers only check the shape of a number: the
service they call says whether it is on the scale."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .models import Competency, ScaleLevel
from .texts import LEVEL_OFF_SCALE


def scale_levels(*, competency_ids: Iterable[int]) -> dict[int, list[int]]:
    """Competency id → the level values of its scale, ascending, in one query."""
    found: dict[int, list[int]] = {competency_id: [] for competency_id in competency_ids}
    rows = (
        ScaleLevel.objects.filter(scale__competencies__in=list(found))
        .order_by("value")
        .values_list("scale__competencies__id", "value")
    )
    for competency_id, value in rows:
        found[competency_id].append(value)
    return found


def level_off_scale_message(*, level: object, competency: str, allowed: Iterable[int]) -> str:
    """The words for a level that is not on the scale of ``competency`` (its name)."""
    return str(LEVEL_OFF_SCALE) % {
        "level": level,
        "competency": competency,
        "allowed": ", ".join(str(value) for value in sorted(allowed)) or "—",
    }


def level_check(
    *,
    competency: Competency,
    level: int,
    minimum: int = 0,
    levels: Sequence[int] | None = None,
    field: str = NON_FIELD_ERRORS,
) -> None:
    """ValidationError (on ``field``) unless ``level`` is a level of the competency's scale and at least
    ``minimum``. ``levels``: the scale's values when the caller read them already (``scale_levels``)."""
    if levels is None:
        levels = scale_levels(competency_ids=[competency.pk])[competency.pk]
    allowed = [value for value in levels if value >= minimum]
    if level not in allowed:
        raise ValidationError(
            {field: [level_off_scale_message(level=level, competency=competency.name, allowed=allowed)]}
        )
