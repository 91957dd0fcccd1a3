"""The catalogue of posts as a workbook, for the TIG360° referent (who registers each post on
the State's platform). It names no person followed: services, tasks, supervisors, places."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.community_service.models import Post
from tranquillite.core.spreadsheets import defuse_formula, fill_table


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def post_row(post: Post) -> list[Any]:
    taken = int(getattr(post, "taken", 0))
    return [
        *map(
            defuse_formula,
            (
                post.tig360_reference,
                post.service.name,
                post.title,
                post.tasks,
                post.skills,
                ", ".join(user.get_full_name() for user in post.supervisors.all()),
            ),
        ),
        post.capacity,
        max(post.capacity - taken, 0),
        defuse_formula(post.days_label),
        f"{post.starts_at:%H:%M}–{post.ends_at:%H:%M}",
        defuse_formula(post.neighbourhood.name if post.neighbourhood else ""),
        defuse_formula(post.place),
        yes_no(post.reduced_mobility),
        yes_no(post.minors_accepted),
        _("open") if post.is_open else _("closed"),
    ]


def catalogue_workbook(posts: Iterable[Post], *, exported_by: Any) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    tab = workbook.active
    assert tab is not None
    tab.title = _("Posts")
    header = [
        _("TIG360° reference"),
        _("Municipal service"),
        _("Post"),
        _("Tasks"),
        _("Skills"),
        _("Supervisors"),
        _("Capacity"),
        _("Places left"),
        _("Days"),
        _("Hours"),
        _("Neighbourhood"),
        _("Place"),
        _("Reduced mobility"),
        _("Minors accepted"),
        _("Status"),
    ]
    fill_table(tab, header, [post_row(post) for post in posts], {}, wide={3: 30, 4: 50})
    # Watermark: who exported, when (CNIL: exports carry who/when).
    about = workbook.create_sheet(_("Export"))
    about.append([_("Exported by"), exported_by.email])
    about.append([_("Exported on"), timezone.localtime().strftime("%d/%m/%Y %H:%M")])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
