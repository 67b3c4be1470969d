"""The works agreement's annex for administrators: a page with the downloads (qualification/annex.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from competencies.privacy_threshold import min_group_size
from competencies.roles import is_admin

from . import annex as annex_module


@login_required
@require_GET
def works_agreement_annex(request):
    """The page, or with ``format`` and ``language`` the annex itself as a download."""
    if not is_admin(request.user):
        raise PermissionDenied
    fmt, language = request.GET.get("format"), request.GET.get("language", "de")
    if fmt is None:
        return render(
            request,
            "qualification/works_agreement_annex.html",
            {
                "formats": annex_module.FORMATS,
                "languages": annex_module.LANGUAGES,
                "min_group_size": min_group_size(),
                "relations": len(annex_module.described_relations()),
            },
        )
    try:
        data = annex_module.annex(language=language, fmt=fmt)
    except ValueError as error:
        return HttpResponse(
            _("The annex could not be made: %(error)s") % {"error": error},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type=annex_module.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="servicelead-annex-{language}.{fmt}"'
    return response
