"""The REST API's contract with its clients, kept once for every endpoint (named in ``REST_FRAMEWORK`` in
the settings, so the apps' viewsets need not know it):

- every status an operation can answer is in the schema with its body (``api_schema.ApiAutoSchema``):
  400 where the operation reads a body or query parameters, 403, 404 on a detail route and for a page
  beyond the last, 409 (on a delete: still in use; anywhere: a loop in the team tree, teams.middleware),
  415 where it reads a body, 429 when throttled. The API never answers 401: the session authenticator
  comes first, and DRF then answers "not signed in" and "invalid token" with 403;
- a query parameter that is given must mean something: an empty filter, a boolean that is not
  ``true``/``false``, an unknown ordering field, an empty search or a page that is no page number is a
  400 naming the parameter, never silently ignored (``FilterBackend``, ``OrderingFilter``,
  ``SearchFilter``, ``PageNumberPagination``);
- a request body takes exactly the fields its schema lists (``additionalProperties: false``); the
  serializers (``competencies.serializers.StrictModelSerializer``) refuse any other field with a 400
  naming it;
- ``page_size`` (1–500, default ``PAGE_SIZE``) and ``search`` (on the fields a viewset names in
  ``search_fields``) let a client find things without walking every page.

Query parameters the endpoint does not know are ignored, as HTTP caches and proxies expect."""

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from django_filters.widgets import SuffixedMultiWidget
from rest_framework import filters, pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 500
MAX_SEARCH_LENGTH = 200
# As JavaScript and Python write a boolean into a URL; django-filter's boolean widgets read these.
BOOLEAN_VALUES = ("true", "false", "True", "False")
WHOLE_NUMBER = re.compile(r"[0-9]+")


# --- query parameters that must mean something -----------------------------------------------------


def refuse(parameter: str, message: str) -> ValidationError:
    """The 400 for a query parameter: its name with the message."""
    return ValidationError({parameter: [message]})


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing a filter that is given without a meaningful value (an empty
    ``?competency=``, a boolean other than true/false) instead of not filtering."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        problems = meaningless_filter_values(filterset)
        if problems:
            raise ValidationError(problems)
        return filterset.qs


def meaningless_filter_values(filterset: Any) -> dict[str, list[str]]:
    """The given filter parameters of a valid filterset that would filter nothing, with a message each."""
    data = filterset.data
    problems = {}
    for name, filter_ in filterset.filters.items():
        widget = filterset.form.fields[name].widget
        if isinstance(widget, SuffixedMultiWidget):
            keys = [widget.suffixed(name, suffix) for suffix in widget.suffixes]
        else:
            keys = [name]
        for key in keys:
            if key not in data:
                continue
            values = data.getlist(key)
            if any(not value.strip() for value in values):
                problems[key] = [_("Enter a value, or leave the parameter out.")]
            elif isinstance(filter_, BooleanFilter) and any(value not in BOOLEAN_VALUES for value in values):
                problems[key] = [_("Enter true or false.")]
    return problems


class OrderingFilter(filters.OrderingFilter):
    """``ordering``: fields of the viewset's ``ordering_fields``, comma-separated, ``-`` for descending;
    any other field is a 400 (DRF would drop it silently)."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        given = request.query_params.get(self.ordering_param)
        if given is None:
            return self.get_default_ordering(view)
        allowed = self.allowed_fields(queryset, view, request)
        fields = [field.strip() for field in given.split(",")]
        if not all(field.removeprefix("-") in allowed for field in fields):
            message = _("Order by one or more of %(fields)s, comma-separated; a leading “-” reverses one.")
            raise refuse(self.ordering_param, message % {"fields": ", ".join(allowed)})
        # A viewset whose rows are people's scores may refuse ordering by them (works-council mode: no
        # ranking of persons); it says which through ``refused_ordering_fields()``.
        refused = set(getattr(view, "refused_ordering_fields", lambda: ())())
        scores = [field.removeprefix("-") for field in fields if field.removeprefix("-") in refused]
        if scores:
            message = _(
                "Ordering by %(fields)s is switched off: people are not ranked by a score (works-council "
                "mode). Order by name, person or date instead."
            )
            raise refuse(self.ordering_param, message % {"fields": ", ".join(scores)})
        return fields

    def allowed_fields(
        self, queryset: QuerySet[Any] | None, view: APIView, request: Request | None
    ) -> list[str]:
        # The schema asks without a queryset or request; DRF's own schema code does the same.
        valid = self.get_valid_fields(queryset, view, {"request": request})  # type: ignore[arg-type]
        return [name for name, _label in valid]

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        allowed = self.allowed_fields(None, view, None)
        if not allowed:
            return []
        one = "-?(" + "|".join(re.escape(field) for field in allowed) + ")"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Order by one or more of "
                + ", ".join(allowed)
                + ", separated by commas; a leading “-” reverses one (for example -"
                + allowed[-1]
                + ").",
                "schema": {"type": "string", "pattern": f"^{one}(,{one})*$"},
            }
        ]


class SearchFilter(filters.SearchFilter):
    """``search``: entries whose ``search_fields`` contain every word of the text (any case). Only on
    viewsets that name ``search_fields``; an empty or overlong text there is a 400."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        if self.get_search_fields(view, request) and self.search_param in request.query_params:
            text = request.query_params[self.search_param]
            if not self.get_search_terms(request):
                raise refuse(self.search_param, _("Enter a search text, or leave the parameter out."))
            if len(text) > MAX_SEARCH_LENGTH:
                message = _("Enter at most %(count)d characters to search for.")
                raise refuse(self.search_param, message % {"count": MAX_SEARCH_LENGTH})
        return super().filter_queryset(request, queryset, view)

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return super().get_search_terms(request)
        except ValidationError as error:
            # DRF's own refusal (a null character) is a bare list; name the parameter as for the others.
            raise ValidationError({self.search_param: error.detail}) from None

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        fields = getattr(view, "search_fields", None)
        if not fields:
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": "Entries whose "
                + ", ".join(field.lstrip("^=@$") for field in fields)
                + " contain every word of this text, in any case.",
                # At least one word: spaces and commas separate words.
                "schema": {"type": "string", "pattern": r"[^\s,]", "maxLength": MAX_SEARCH_LENGTH},
            }
        ]


# --- pages -------------------------------------------------------------------------------------------


def whole_number(parameter: str, value: str, message: str, maximum: int | None = None) -> int:
    """``value`` as a whole number from 1 (to ``maximum``), else a 400 naming ``parameter``."""
    number = int(value) if WHOLE_NUMBER.fullmatch(value) else 0
    if number < 1 or (maximum is not None and number > maximum):
        raise refuse(parameter, message)
    return number


class PageNumberPagination(pagination.PageNumberPagination):
    """``page`` (from 1, or ``last``) and ``page_size`` (1 to 500, default ``PAGE_SIZE``); a page beyond
    the last is a 404, a value that is no such number a 400."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int | None:
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        message = _("Enter a whole number from 1 to %(maximum)d.") % {"maximum": self.max_page_size}
        return whole_number(self.page_size_query_param, given, message, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        given = request.query_params.get(self.page_query_param)
        if given is None:
            return 1
        if given in self.last_page_strings:
            return paginator.num_pages
        message = _("Enter a page number: 1, 2, … (or “last”).")
        return whole_number(self.page_query_param, given, message)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number from 1 (or “last”); a page beyond the last is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Entries per page, at most {self.max_page_size}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
