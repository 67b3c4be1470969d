"""``manage.py seed_demo``: the story organisation, or with sizes a synthetic organisation of any size."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qualification.demo import DEMO_PASSWORD, DemoSeedRefused, SyntheticSpec, demo_seed

MAX_EMPLOYEES = 100_000
MAX_TEAMS = 5_000
MAX_COMPETENCIES = 1_000
MAX_HISTORY = 12
MAX_SEED = 2**32 - 1
SYNTHETIC_DEFAULTS = {"employees": 500, "competencies": 60, "assessed": 30, "history": 3, "requirements": 25}


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Fill an empty database with demo data: without sizes, the customer-service department of a "
            "heating manufacturer (four teams, 45 people, a year of assessments, measures and demo logins); "
            "with --employees/--teams/--competencies, a synthetic organisation of that size. All demo logins "
            "use the password %(password)s."
        ) % {"password": DEMO_PASSWORD}

    def add_arguments(self, parser):
        state = parser.add_mutually_exclusive_group()
        state.add_argument(
            "--reset",
            action="store_true",
            help=_("Delete all domain data (and the demo users) first, in the same transaction."),
        )
        state.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing but print the demo logins when the database already holds data."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run even with production settings (servicelead.settings.production, DEBUG off)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help=_("Random seed; the same seed gives the same data (default 1)."),
        )
        sizes = parser.add_argument_group(
            _("synthetic organisation"), _("Any of --employees, --teams, --competencies switches to it.")
        )
        sizes.add_argument(
            "--employees",
            type=int,
            help=_("Number of employees (default %(default)s, at most %(max)s).")
            % {"default": SYNTHETIC_DEFAULTS["employees"], "max": MAX_EMPLOYEES},
        )
        sizes.add_argument(
            "--teams",
            type=int,
            help=_(
                "Number of teams, not counting the departments above them (default: one per 20 employees, "
                "at most %(max)s)."
            )
            % {"max": MAX_TEAMS},
        )
        sizes.add_argument(
            "--competencies",
            type=int,
            help=_("Number of competencies (default %(default)s, at most %(max)s).")
            % {"default": SYNTHETIC_DEFAULTS["competencies"], "max": MAX_COMPETENCIES},
        )
        sizes.add_argument(
            "--assessed",
            type=int,
            help=_("Competencies assessed per employee (default %(default)s, capped at --competencies).")
            % {"default": SYNTHETIC_DEFAULTS["assessed"]},
        )
        sizes.add_argument(
            "--history",
            type=int,
            help=_(
                "Assessments per assessed competency over the last year "
                "(default %(default)s, at most %(max)s)."
            )
            % {"default": SYNTHETIC_DEFAULTS["history"], "max": MAX_HISTORY},
        )
        sizes.add_argument(
            "--requirements",
            type=int,
            help=_("Team requirements per team (default %(default)s, capped at --competencies).")
            % {"default": SYNTHETIC_DEFAULTS["requirements"]},
        )

    def handle(self, *args, **options):
        spec = self.synthetic_spec(options)
        try:
            result = demo_seed(
                synthetic_spec=spec,
                seed=options["seed"],
                reset=options["reset"],
                if_empty=options["if_empty"],
                force=options["force"],
            )
        except DemoSeedRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if result.built:
            self.print_counts(result)
        else:
            self.stdout.write(_("The database already holds data; nothing was changed (--if-empty)."))
        self.print_logins(result.logins)
        if spec is not None and result.built:
            self.stdout.write(
                _(
                    "The lead of team number N logs in as lead-NNNN (e.g. lead-%(example)04d), the head of "
                    "department number N as head-NN; same password."
                )
                % {"example": min(2, spec.teams)}
            )

    def synthetic_spec(self, options):
        """The validated ``SyntheticSpec``, or None for the story organisation."""
        sized = {name: options[name] for name in ("employees", "teams", "competencies")}
        tuning = {name: options[name] for name in ("assessed", "history", "requirements")}
        if options["seed"] < 0 or options["seed"] > MAX_SEED:
            raise CommandError(_("--seed must be between 0 and %(max)s.") % {"max": MAX_SEED})
        if all(value is None for value in sized.values()):
            if any(value is not None for value in tuning.values()):
                raise CommandError(
                    _(
                        "--assessed, --history and --requirements need a synthetic organisation; "
                        "add --employees."
                    )
                )
            return None
        values = {**SYNTHETIC_DEFAULTS, **{k: v for k, v in {**sized, **tuning}.items() if v is not None}}
        if values.get("teams") is None:
            values["teams"] = max(1, values["employees"] // 20)
        for name, value in values.items():
            if value < 1:
                raise CommandError(_("--%(option)s must be a positive number.") % {"option": name})
        for name, limit in (
            ("employees", MAX_EMPLOYEES),
            ("teams", MAX_TEAMS),
            ("competencies", MAX_COMPETENCIES),
            ("history", MAX_HISTORY),
        ):
            if values[name] > limit:
                raise CommandError(
                    _("--%(option)s must be at most %(max)s.") % {"option": name, "max": limit}
                )
        spec = SyntheticSpec(
            employees=values["employees"],
            teams=values["teams"],
            competencies=values["competencies"],
            assessed=min(values["assessed"], values["competencies"]),
            history=values["history"],
            requirements=min(values["requirements"], values["competencies"]),
            seed=options["seed"],
        )
        if spec.employees < spec.min_employees:
            raise CommandError(
                _(
                    "%(teams)s teams need at least %(min)s employees: a lead and a member per team, a head "
                    "per department, an HR and an admin login."
                )
                % {"teams": spec.teams, "min": spec.min_employees}
            )
        return spec

    def print_counts(self, result):
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(_("Demo data built in %(seconds).1f s:") % {"seconds": result.seconds})
        )
        lines = [
            (_("departments"), counts["departments"]),
            (_("teams"), counts["teams"]),
            (_("employees"), counts["employees"]),
            (_("memberships"), counts["memberships"]),
            (_("competencies"), counts["competencies"]),
            (_("role profiles"), counts["role_profiles"]),
            (_("team requirements"), counts["requirements"]),
            (_("development interests"), counts["interests"]),
            (_("assessments"), counts["assessments"]),
            (_("measures"), counts["measures"]),
        ]
        for label, value in lines:
            self.stdout.write(f"  {label:<24} {value:>10,}")

    def print_logins(self, logins):
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        header = (_("username"), _("role"), _("employee"), _("teams"))
        rows = [header] + [(row["username"], row["role"], row["name"], row["teams"]) for row in logins]
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
        for row in rows:
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
