"""Every refusal of the API as JSON, in French, with the field it is about:
`{"errors": [{"field": "latitude", "message": "..."}]}`. Nothing a client sends can make
the API answer a server error: a malformed body is a 400, a wrong value a 422, what one may
not see a 404 (deny by default, 404 not 403: the address of another team's record must not
tell it exists)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# Where pydantic says where an error is: the parts that are not a field's name.
_NOT_FIELDS = {"body", "payload", "query", "path", "header", "cookie", "data", "filters"}


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int") or kind == "int_from_float":
        return _("Enter a whole number.")
    if kind.startswith("float") or kind.startswith("decimal"):
        return _("Enter a number.")
    if kind.startswith("uuid"):
        return _("Enter a valid identifier.")
    if kind.startswith("datetime") or kind.startswith("date") or kind.startswith("time"):
        return _("Enter a valid date and time.")
    if kind.startswith("bool"):
        return _("Enter yes or no.")
    if kind in {"enum", "literal_error"}:
        return _("Choose a value from the list.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("The value must be at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("The value must be at most %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind == "string_too_long":
        return _("At most %(limit)s characters.") % {"limit": context.get("max_length")}
    if kind.startswith("string"):
        return _("Enter a text.")
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _("A JSON object is expected.")
    return _("This value is not valid.")


def _field(location: Any) -> str:
    names = [str(part) for part in location or () if str(part) not in _NOT_FIELDS]
    return ".".join(names) or "body"


def errors_response(
    api: NinjaAPI, request: HttpRequest, errors: list[dict[str, str]], status: int
) -> HttpResponse:
    response: HttpResponse = api.create_response(request, {"errors": errors}, status=status)
    return response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _field(e.get("loc")), "message": _message(e)} for e in exc.errors]
        return errors_response(api, request, errors, 422)

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "__all__", "message": message} for message in exc.messages]
        return errors_response(api, request, errors, 422)

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return not_found(request, Http404())

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        errors = [{"field": "__all__", "message": _("Not found.")}]
        return errors_response(api, request, errors, 404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            message = _("Sign in, or give a valid API token, to use the API.")
        elif exc.status_code == 403:
            message = _("Refused: the page's security token (CSRF) is missing or expired.")
        elif exc.status_code == 429:
            message = _("Too many requests: try again in a moment.")
        elif exc.status_code == 400:
            message = _("The request body cannot be read: JSON is expected.")
        else:
            message = _("Refused.")
        field = "body" if exc.status_code == 400 else "__all__"
        return errors_response(
            api, request, [{"field": field, "message": message}], exc.status_code
        )
