"""``manage.py import_assessments FILE``: check a spreadsheet of levels, show what it changes, record it."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies.imports import FORMATS, ImportRejected, import_file

LISTED_CHANGES = 20


class Command(BaseCommand):
    help = _(
        "Import assessments from an xlsx or csv file: the wide matrix (personnel_no, name, optional team, "
        "one column per competency) or the long format (personnel_no, competency, level, source, "
        "assessed_on, valid_until). The whole file is checked first; one problem rejects it with a report "
        "naming sheet, row, column, value and reason, and nothing is written. Only levels that differ "
        "from the current ones are recorded, as import assessments."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the .xlsx or .csv file"))
        parser.add_argument("--format", choices=FORMATS, help=_("wide or long (default: detected)"))
        parser.add_argument("--sheet", help=_("the workbook sheet to read (default: the first)"))
        parser.add_argument("--dry-run", action="store_true", help=_("check and preview, write nothing"))
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help=_("create employees for unknown personnel numbers that come with a name"),
        )
        parser.add_argument(
            "--accept-differences",
            action="store_true",
            help=_(
                "record the levels even where a name or team in the file differs from the stored person "
                "(the differences are listed first)"
            ),
        )
        parser.add_argument("--user", help=_("username recorded as the assessor (default: none)"))

    def handle(self, *args, **options):
        user = self._user(options["user"])
        path = Path(options["file"])
        try:
            with path.open("rb") as file_obj:
                plan, written = import_file(
                    file_obj=file_obj,
                    filename=path.name,
                    format=options["format"],
                    sheet=options["sheet"],
                    create_missing=options["create_missing"],
                    user=user,
                    dry_run=options["dry_run"],
                    confirm_differences=options["accept_differences"],
                )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from error
        except ImportRejected as rejection:
            self._report(rejection.problems, rejection.problem_count)
            raise CommandError(_("The file was rejected; nothing was written.")) from rejection
        if not plan.is_valid:
            self._report(plan.problems, plan.problem_count)
            raise CommandError(_("The file was rejected; nothing was written."))
        self._preview(plan, verbose=options["verbosity"] >= 2)
        if plan.warning_count:
            self._differences(plan)
        if written is None and not options["dry_run"]:
            raise CommandError(
                _(
                    "Nothing was written: names or teams in the file differ from the stored people. Check "
                    "the personnel numbers, then run again with --accept-differences to record the levels "
                    "for the people as stored."
                )
            )
        if written is None:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Recorded %(assessments)s assessments and %(people)s new people.")
                    % {"assessments": written["assessments"], "people": written["new_people"]}
                )
            )

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user %(username)r.") % {"username": username})
        return user

    def _report(self, problems, count):
        self.stderr.write(ngettext("%(count)s problem:", "%(count)s problems:", count) % {"count": count})
        for problem in problems:
            self.stderr.write(f"  {problem}")
        if count > len(problems):
            self.stderr.write(_("  … and %(more)s more.") % {"more": count - len(problems)})

    def _differences(self, plan):
        self.stderr.write(
            ngettext(
                "%(count)s difference from the stored people:",
                "%(count)s differences from the stored people:",
                plan.warning_count,
            )
            % {"count": plan.warning_count}
        )
        for warning in plan.warnings:
            self.stderr.write(f"  {warning}")
        if plan.warning_count > len(plan.warnings):
            self.stderr.write(_("  … and %(more)s more.") % {"more": plan.warning_count - len(plan.warnings)})

    def _preview(self, plan, *, verbose):
        summary = plan.summary()
        self.stdout.write(
            _(
                "%(filename)s (%(sheet)s, %(format)s format): %(rows)s rows, %(unchanged_rows)s of them "
                "without changes; %(new_people)s new people, %(changes)s levels change, %(unchanged)s "
                "unchanged, %(assessments)s assessments to record."
            )
            % summary
        )
        for person in plan.new_people_records():
            self.stdout.write(_("  new: %(personnel_no)s %(name)s (row %(row)s)") % person)
        limit = None if verbose else LISTED_CHANGES
        for change in plan.change_records(limit=limit):
            old = "—" if change["old_level"] is None else change["old_level"]
            self.stdout.write(
                f"  {change['personnel_no']} {change['name']} · {change['competency']}: {old} → "
                f"{change['new_level']}"
            )
        if limit is not None and len(plan.changes) > limit:
            self.stdout.write(
                _("  … and %(more)s more changes (-v 2 lists all).") % {"more": len(plan.changes) - limit}
            )
