"""Forms of the catalogue pages (competencies.catalogue_views)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Category, Competency, Scale


class CatalogueFilterForm(forms.Form):
    STATUS_CHOICES = [("active", _("In use")), ("retired", _("Retired")), ("all", _("All"))]

    q = forms.CharField(label=_("Search name or description"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("All categories"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class EscoUploadForm(forms.Form):
    file_1 = forms.FileField(
        label=_("Skills file"), help_text=_("skills_de.csv, skills_en.csv, … of the ESCO download")
    )
    language_1 = forms.ChoiceField(label=_("Language of the file"), choices=settings.LANGUAGES)
    file_2 = forms.FileField(label=_("Skills file in another language (optional)"), required=False)
    language_2 = forms.ChoiceField(label=_("Its language"), choices=settings.LANGUAGES, required=False)
    version = forms.RegexField(
        label=_("ESCO version"),
        regex=r"^[A-Za-z0-9._-]{1,30}$",
        max_length=30,
        help_text=_("As the download names it, e.g. v1.2.0."),
        error_messages={"invalid": _("Letters, digits, dots and dashes only, e.g. v1.2.0.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file_2") and cleaned.get("language_2") == cleaned.get("language_1"):
            self.add_error("language_2", _("The two files must be in different languages."))
        return cleaned


class EscoAdoptForm(forms.Form):
    uris = forms.MultipleChoiceField(
        label=_("Skills"), choices=[], error_messages={"required": _("Tick the skills to adopt.")}
    )
    category = forms.ModelChoiceField(label=_("Into category"), queryset=Category.objects.all())
    scale = forms.ModelChoiceField(label=_("Rated on scale"), queryset=Scale.objects.all())

    def __init__(self, *args, uris=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uris"].choices = [(uri, uri) for uri in uris]


class ProposalForm(forms.Form):
    name = forms.CharField(label=_("Competency"), max_length=150)
    description = forms.CharField(
        label=_("What it means (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(
        label=_("Why the catalogue needs it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("None of the similar competencies fits: propose it anyway"), required=False
    )


class ProposalDecisionForm(forms.Form):
    DECISIONS = [
        ("accept", _("Accept into a category")),
        ("merge", _("Merge into an existing competency")),
        ("decline", _("Decline")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    scale = forms.ModelChoiceField(label=_("Scale"), queryset=Scale.objects.all(), required=False)
    competency = forms.ModelChoiceField(
        label=_("Existing competency"),
        queryset=Competency.objects.filter(retired_at__isnull=True),
        required=False,
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason for the proposer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "accept":
            for name in ("category", "scale"):
                if not cleaned.get(name):
                    self.add_error(name, _("Choose where the competency goes."))
        if decision == "merge" and not cleaned.get("competency"):
            self.add_error("competency", _("Choose the existing competency."))
        if decision == "decline" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the proposer a reason."))
        return cleaned
