"""factory_boy factories for every model. Defaults build valid rows; tests override what matters."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from competencies.models import (
    Assessment,
    Category,
    Competency,
    Employee,
    Interest,
    RoleProfile,
    RoleRequirement,
    Scale,
    ScaleLevel,
)
from jobs.models import Job
from qualification import job_kinds
from qualification.models import Measure, MeasureCompetency, PlanItem, QualificationPlan
from teams.models import Membership, Team, TeamRequirement

PASSWORD = "correct-horse-battery"  # noqa: S105

DEFAULT_LEVELS = [
    (0, "none"),
    (1, "basic knowledge"),
    (2, "works with guidance"),
    (3, "works independently"),
    (4, "expert, can teach"),
]


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """``groups=["HR"]`` puts the user into those groups (created when missing)."""
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in extracted])


class ScaleFactory(factory.django.DjangoModelFactory):
    """A scale with the default levels 0–4."""

    class Meta:
        model = Scale
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Scale {n}")

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if create:
            ScaleLevel.objects.bulk_create(
                ScaleLevel(scale=self, value=value, label=label)
                for value, label in (extracted or DEFAULT_LEVELS)
            )


def default_scale():
    """The shared 0–4 scale, so that many competencies do not each bring their own."""
    scale = Scale.objects.filter(name="Default 0–4").first()
    return scale or ScaleFactory(name="Default 0–4")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    family = Category.Family.TECHNICAL


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Competency {n}")
    scale = factory.LazyFunction(default_scale)


class RoleProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleProfile

    name = factory.Sequence(lambda n: f"Role {n}")


class RoleRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleRequirement

    role_profile = factory.SubFactory(RoleProfileFactory)
    competency = factory.SubFactory(CompetencyFactory)
    target_level = 3


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    # Well above the numbers tests give people by hand (P-0001 …, P-9999), so the two never collide.
    personnel_no = factory.Sequence(lambda n: f"P-{20000 + n}")
    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda e: f"{e.personnel_no.lower()}@example.com")


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    employee = factory.SubFactory(EmployeeFactory)
    competency = factory.SubFactory(CompetencyFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    employee = factory.SubFactory(EmployeeFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 2
    scale = factory.LazyAttribute(lambda assessment: assessment.competency.scale)
    source = Assessment.Source.MANAGER
    assessed_on = factory.LazyFunction(lambda: days_ago(30))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.leads.add(*extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    employee = factory.SubFactory(EmployeeFactory)
    team = factory.SubFactory(TeamFactory)
    start = factory.LazyFunction(lambda: days_ago(365))


class TeamRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamRequirement

    team = factory.SubFactory(TeamFactory)
    competency = factory.SubFactory(CompetencyFactory)
    required_level = 3
    min_people = 1
    weight = TeamRequirement.Weight.IMPORTANT


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    title = factory.Sequence(lambda n: f"Measure {n}")
    kind = Measure.Kind.COURSE
    duration_hours = 8
    cost = 400
    provider = "Academy"


class MeasureCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureCompetency

    measure = factory.SubFactory(MeasureFactory)
    competency = factory.SubFactory(CompetencyFactory)
    from_level = 1
    to_level = 3


class QualificationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationPlan

    employee = factory.SubFactory(EmployeeFactory)
    period = "2027-Q1"


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(QualificationPlanFactory)
    competency = factory.SubFactory(CompetencyFactory)
    current_level = 1
    target_level = 3
    reason = PlanItem.Reason.TEAM_SHORTFALL


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = job_kinds.GENERATE_PLANS
    parameters = factory.LazyFunction(dict)
