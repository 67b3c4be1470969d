"""Messages shared by the services and the importer.

Free of the database on purpose: the importer's reader process (``competencies.imports.isolation``) loads
its modules without Django's app registry, so what they import must not import models."""

from django.utils.translation import gettext_lazy

# The rule "a level lies on its competency's scale" (``competencies.scales``) and the importer's finding.
LEVEL_OFF_SCALE = gettext_lazy(
    "Level %(level)s is not on the scale of %(competency)s (allowed: %(allowed)s)."
)
