from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from tranquillite.core import services
from tranquillite.core.decorators import require_right
from tranquillite.core.forms import NeighbourhoodForm, TerritorySettingsForm
from tranquillite.core.http import as_uuid, current_territory, safe_next
from tranquillite.core.middleware import SESSION_TERRITORY
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.core.navigation import home_figures_for
from tranquillite.core.selectors import neighbourhoods_for, territory_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    territory = getattr(request, "territory", None)
    if territory is None:
        return render(request, "core/no_territory.html", status=403)
    return render(
        request,
        "core/home.html",
        {
            "summary": territory_summary(request.user, territory),
            "figures": home_figures_for(request),
        },
    )


@require_right("core.view_territory")
def territory_detail(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    neighbourhoods = neighbourhoods_for(request.user, territory)
    return render(
        request,
        "core/territory_detail.html",
        {
            "neighbourhoods": neighbourhoods,
            "map_points": _map_points(neighbourhoods),
            "can_manage": request.user.has_perm("core.manage_territory", territory),
        },
    )


def _map_points(neighbourhoods: list[Neighbourhood]) -> list[dict[str, object]]:
    return [
        {
            "name": n.name,
            "lat": float(n.centre_latitude),
            "lon": float(n.centre_longitude),
            "priority": n.is_priority,
            "outline": n.outline,
        }
        for n in neighbourhoods
    ]


@require_right("core.manage_territory")
def territory_settings(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = TerritorySettingsForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        services.update_territory(actor=request.user, form=form)
        messages.success(request, _("The territory's settings have been saved."))
        return HttpResponseRedirect(reverse("core:home"))
    return render(request, "core/territory_settings.html", {"form": form})


@require_right("core.manage_territory")
def neighbourhood_edit(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    territory = current_territory(request)
    neighbourhood = None
    if public_id is not None:
        neighbourhood = get_object_or_404(
            Neighbourhood.objects.visible_to(request.user).in_territory(territory),
            public_id=public_id,
        )
    form = NeighbourhoodForm(request.POST or None, instance=neighbourhood, territory=territory)
    if request.method == "POST" and form.is_valid():
        services.save_neighbourhood(actor=request.user, territory=territory, form=form)
        messages.success(request, _("The neighbourhood has been saved."))
        return HttpResponseRedirect(reverse("core:territory"))
    return render(
        request, "core/neighbourhood_form.html", {"form": form, "neighbourhood": neighbourhood}
    )


@require_POST
@login_required
def switch_territory(request: HttpRequest) -> HttpResponse:
    try:
        wanted = as_uuid(request.POST.get("territory", ""))
    except ValueError:
        raise Http404 from None
    territory = get_object_or_404(Territory.objects.for_user(request.user), public_id=wanted)
    request.session[SESSION_TERRITORY] = str(territory.public_id)
    return HttpResponseRedirect(safe_next(request, reverse("core:home")))


@require_GET
@cache_control(max_age=300)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The city's colours as CSS custom properties (no inline style under our CSP)."""
    territory = getattr(request, "territory", None)
    colour = (
        territory.primary_colour
        if territory
        else Territory._meta.get_field("primary_colour").get_default()
    )
    body = f":root {{ --tq-primary: {colour}; }}\n"
    return HttpResponse(body, content_type="text/css; charset=utf-8")


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the process answers and the database too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
