"""REST serializers of teams, memberships and team requirements."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from competencies.models import MAX_SCALE_LEVEL
from competencies.serializers import SMALLINT_MAX, StrictModelSerializer, TranslationsField

from .models import Membership, Team, TeamRequirement
from .tree import team_parent_check


class TeamSerializer(StrictModelSerializer):
    """A team (or department): name, parent and the ids of the users who lead it."""

    leads = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False, help_text="User ids."
    )
    translations = TranslationsField(["description"])

    class Meta:
        model = Team
        fields = ["id", "name", "description", "translations", "parent", "leads"]
        read_only_fields = ["id"]

    def validate_parent(self, parent):
        try:
            team_parent_check(team=self.instance, parent=parent)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return parent


class MembershipSerializer(StrictModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "employee", "team", "start", "end"]
        read_only_fields = ["id"]

    constraint_messages = {
        "membership_end_after_start": (
            "end",
            gettext_lazy("The end of a membership cannot lie before its start."),
        ),
    }


class TeamRequirementSerializer(StrictModelSerializer):
    """What a team needs: ``min_people`` members at ``required_level`` or above, weighted 1–3. The level
    lies on the competency's scale and the requirement stays with its team (``services``)."""

    class Meta:
        model = TeamRequirement
        fields = ["id", "team", "competency", "required_level", "min_people", "weight"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "required_level": {"min_value": 1, "max_value": MAX_SCALE_LEVEL},
            "min_people": {"min_value": 1, "max_value": SMALLINT_MAX},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        teams = self.context.get("teams")
        if teams is not None and "team" in self.fields:
            self.fields["team"].queryset = teams
