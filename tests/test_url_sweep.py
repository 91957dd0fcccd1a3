"""The sweep: every URL of the project, as every role and as a user of another territory, with
garbage in the query string and in every form field — never a server error, and never a
cacheable answer to a signed-in user (issue 12; OWASP ASVS 1.2 / 2.2 / 14.3.2 / 16.5.3).

Nothing here names a page. The URLs come from `get_resolver()` (a module added later is swept
without a change here); the values of their path converters come from real records — the
demo data, found by following the links and form actions of the pages themselves, or else by
trying one record of each model with a `public_id` — and from random ones. Form fields are
read from the forms that post to each URL. A URL that cannot be swept (a converter this file
does not know, a pattern that cannot be filled) fails the test: add a filler below, or an
entry to `NOT_SWEPT` with the reason.

Every request runs in a savepoint that is rolled back, and the client's cookies are put back
after it: what one garbage POST changes (a sign-out, a member deactivated) never hides the
next URL from the sweep.
"""

from __future__ import annotations

import copy
import logging
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.urls import converters as django_converters
from django.urls.resolvers import RegexPattern

from tests.factories import enrol_totp
from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import PublicIdModel
from tranquillite.demo import data

# Routes not swept, each with its reason. A stale entry (no such route any more) fails.
NOT_SWEPT: dict[str, str] = {}

# The first users who may open a route get every kind of garbage, not only their share.
THOROUGH_USERS_PER_ROUTE = 1
# Who also asks for each route with random values in its path (a record that does not exist:
# the same 404 for everyone, so two users suffice).
RANDOM_PATH_USERS = {"coordinator", "other territory"}

# Query-string names every GET carries, besides those the pages' own links and GET forms use.
COMMON_QUERY_NAMES = ["page", "q", "next", "format", "date", "since", "until", "year"]

# The garbage. Each family is what a careless user or an attacker types: not a number, dates
# out of range or impossible, a number beyond any column, control and bidirectional
# characters, a NUL, a very long string, a bad UUID, a path.
TEXT_GARBAGE = [
    "²",
    "\u202eevil\u200b\u2066",
    "A" * 3000,
    "nul\x00byte",
    "x\r\ny",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "",
]
NUMBER_GARBAGE = ["1e30", "-99999999999999999999", "NaN", "²", "-1", "0.0000000001"]
DATE_GARBAGE = ["0001-01-01", "9999-12-31", "2026-02-30", "²", "31/12/9999"]
DATETIME_GARBAGE = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-13-01T25:61", "²"]
QUERY_GARBAGE = [
    "²",
    "0001-01-01",
    "9999-12-31",
    "not-a-uuid",
    "1e30",
    "-1",
    "x" * 2000,
    "\u202e\x00",
    "[]",
]
BROKEN_FILES = [
    ("tableau.xlsx", b"PK\x03\x04truncated"),
    ("document.pdf", b"%PDF-1.7\n\x00garbage"),
    ("valeurs.csv", b"indicateur;date;valeur\n1;2026-01-31;1e30\n"),
]


# --- The routes -----------------------------------------------------------------------------


@dataclass
class Route:
    route: str  # as ResolverMatch.route spells it
    name: str | None
    converters: dict[str, Any]
    regex_groups: list[str] = field(default_factory=list)

    @property
    def has_parameters(self) -> bool:
        return bool(self.converters or self.regex_groups)


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, converters: dict[str, Any], ns: str) -> None:
        for entry in resolver.url_patterns:
            pattern = entry.pattern
            part = str(pattern)
            # As ResolverMatch.route joins them: the leading ^ of an inner regex goes.
            route = prefix + (part[1:] if prefix and part.startswith("^") else part)
            merged = {**converters, **getattr(pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                namespace = f"{ns}{entry.namespace}:" if entry.namespace else ns
                walk(entry, route, merged, namespace)
            elif isinstance(entry, URLPattern):
                groups = list(pattern.regex.groupindex) if isinstance(pattern, RegexPattern) else []
                name = f"{ns}{entry.name}" if entry.name else None
                routes.append(Route(route, name, merged, groups))

    walk(get_resolver(), "", {}, "")
    return routes


def random_value(converter: Any) -> str:
    kind = type(converter)
    if kind is django_converters.UUIDConverter:
        return str(uuid.uuid4())
    if kind is django_converters.IntConverter:
        return "987654321"
    if kind is django_converters.SlugConverter:
        return "nulle-part"
    if kind is django_converters.StringConverter:
        return "%C2%B2garbage"
    if kind is django_converters.PathConverter:
        return "a/b%00c"
    raise LookupError(f"no filler for converter {kind.__name__}: add one to random_value()")


def random_path(route: Route) -> str:
    if route.regex_groups:
        if route.name is None:
            raise LookupError(f"regex route {route.route!r} without a name cannot be filled")
        for value in ("1", "x", "abc-1"):
            try:
                return reverse(route.name, kwargs=dict.fromkeys(route.regex_groups, value))
            except NoReverseMatch:
                continue
        raise LookupError(f"regex route {route.route!r} cannot be filled")
    assert isinstance(route.route, str)
    path = route.route
    for name, converter in route.converters.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", random_value(converter), path)
    if "<" in path or "^" in path:
        raise LookupError(f"route {route.route!r} cannot be filled")
    return "/" + path


def route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


# --- Reading pages ----------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)


class PageReader(HTMLParser):
    """Links, and forms with their fields (type, options), of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", "")))
        elif tag in ("input", "textarea", "select") and self.forms and a.get("name"):
            if (
                a.get("type") in ("submit", "button", "hidden")
                and a["name"] == "csrfmiddlewaretoken"
            ):
                return
            kind = "select" if tag == "select" else a.get("type", "text" if tag == "input" else tag)
            entry = self.forms[-1].fields.setdefault(
                a["name"], {"type": kind, "options": [], "value": a.get("value", "")}
            )
            if tag == "select":
                self._select = a["name"]
            elif kind in ("checkbox", "radio"):
                entry["options"].append(a.get("value", "on"))
        elif tag == "option" and self._select and self.forms:
            self.forms[-1].fields[self._select]["options"].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def read_page(response: Any) -> PageReader:
    reader = PageReader()
    if response.get("Content-Type", "").startswith("text/html") and not getattr(
        response, "streaming", False
    ):
        reader.feed(response.content.decode(errors="replace"))
    return reader


# --- The sweep --------------------------------------------------------------------------------


@dataclass
class Sweep:
    routes: dict[str, Route]
    examples: dict[str, str] = field(default_factory=dict)  # route -> a real path
    forms: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    query_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    swept: set[str] = field(default_factory=set)

    def learn(self, path: str, response: Any) -> None:
        page = read_page(response)
        for link in page.links:
            route = route_of(link)
            if route is None:
                continue
            self.examples.setdefault(route, urlsplit(link).path)
            query = urlsplit(link).query
            self.query_names[route].update(p.split("=")[0] for p in query.split("&") if p)
        for form in page.forms:
            target = urlsplit(form.action).path or urlsplit(path).path
            route = route_of(target)
            if route is None:
                continue
            self.examples.setdefault(route, target)
            if form.method == "post":
                for name, spec in form.fields.items():
                    self.forms[route].setdefault(name, spec)
            else:
                self.query_names[route].update(form.fields)

    def request(self, client: Client, who: str, method: str, path: str, **kwargs: Any) -> Any:
        """One request, rolled back, its cookies restored; a 5xx or an exception is noted."""
        self.requests += 1
        cookies = copy.deepcopy(client.cookies)
        signed_in = "_auth_user_id" in client.session
        response = None
        try:
            with transaction.atomic():
                response = getattr(client, method)(path, **kwargs)
                transaction.set_rollback(True)
        except Exception as error:
            self.failures.append(f"{who} {method.upper()} {path}: {type(error).__name__}: {error}")
        finally:
            client.cookies = cookies
        if response is not None:
            if response.status_code >= 500:
                self.failures.append(f"{who} {method.upper()} {path}: {response.status_code}")
            if signed_in and response.get("Cache-Control") != "no-store, private":
                self.failures.append(
                    f"{who} {method.upper()} {path}: Cache-Control "
                    f"{response.get('Cache-Control')!r} for a signed-in user"
                )
        return response


def garbage_for(spec: dict[str, Any], turn: int) -> Any:
    kind = spec["type"]
    if kind == "file":
        name, content = BROKEN_FILES[turn % len(BROKEN_FILES)]
        return SimpleUploadedFile(name, content)
    if kind in ("number", "range"):
        return NUMBER_GARBAGE[turn % len(NUMBER_GARBAGE)]
    if kind == "date":
        return DATE_GARBAGE[turn % len(DATE_GARBAGE)]
    if kind == "datetime-local":
        return DATETIME_GARBAGE[turn % len(DATETIME_GARBAGE)]
    if kind == "color":
        return ["#zzzzzz", "#12", "red"][turn % 3]
    if kind in ("select", "checkbox", "radio") and turn % 2 == 0:
        return ["not-an-option", str(uuid.uuid4()), "-1"][turn % 3]
    return TEXT_GARBAGE[turn % len(TEXT_GARBAGE)]


def plausible(spec: dict[str, Any]) -> Any:
    """A value that passes the field's own parsing, so that garbage in one other field
    reaches the form's and the service's deeper checks."""
    kind = spec["type"]
    options = [option for option in spec["options"] if option]
    if options:
        return options[0]
    return {
        "number": "1",
        "date": "2026-06-15",
        "datetime-local": "2026-06-15T18:00",
        "time": "18:00",
        "email": "sweep@example.test",
        "color": "#00557f",
        "file": SimpleUploadedFile("vide.csv", b"indicateur;date;valeur\n"),
    }.get(kind, spec["value"] or "Balayage")


def post_bodies(fields: dict[str, dict[str, Any]], turn: int) -> Iterator[dict[str, Any]]:
    if not fields:
        yield {"garbage": TEXT_GARBAGE[turn % len(TEXT_GARBAGE)]}
        return
    names = sorted(fields)
    # Garbage everywhere...
    yield {name: garbage_for(fields[name], turn + i) for i, name in enumerate(names)}
    # ...and garbage in one field (another one for each user), the others plausible.
    target = names[turn % len(names)]
    yield {
        name: garbage_for(fields[name], turn) if name == target else plausible(fields[name])
        for name in names
    }


def query_for(names: set[str], turn: int, *, spread: bool = True) -> str:
    wanted = sorted(names | set(COMMON_QUERY_NAMES))
    return urlencode(
        {
            name: QUERY_GARBAGE[(turn + (i if spread else 0)) % len(QUERY_GARBAGE)]
            for i, name in enumerate(wanted)
        }
    )


def sign_in(user: User) -> Client:
    client = Client()
    if not user.authenticator_set.exists():  # the second factor counts as done
        enrol_totp(user)
    client.force_login(user)
    return client


def sweepers() -> list[tuple[str, Client | None]]:
    """A demo user of each role in Pantin, a user of the other territory, and nobody."""
    pantin = data.PANTIN_USERS
    people: list[tuple[str, Client | None]] = []
    for role in Role:
        demo = next((u for u in pantin if u.role == role), None)
        assert demo is not None, f"the demo has no {role} in Pantin: the sweep needs one"
        people.append((str(role), sign_in(User.objects.get(email=demo.email))))
    pantin_emails = {u.email for u in pantin}
    stranger = next(u for u in data.SECOND_USERS if u.email not in pantin_emails)
    people.append(("other territory", sign_in(User.objects.get(email=stranger.email))))
    people.append(("anonymous", None))
    return people


def find_examples(sweep: Sweep, crawlers: list[tuple[str, Client | None]]) -> None:
    """Real paths for the routes with parameters: follow the pages' links as each user (one
    page per route and user), then try one record of each model with a public_id."""
    for who, client in crawlers:
        if client is None:
            continue
        seen: set[str] = set()
        queue = ["/"]
        while queue:
            path = queue.pop(0)
            route = route_of(path)
            if route is None or route in seen or "logout" in path or "deconnexion" in path:
                continue
            seen.add(route)
            response = sweep.request(client, who, "get", path)
            if response is None or response.status_code != 200:
                continue
            sweep.learn(path, response)
            page = read_page(response)
            queue += [urlsplit(link).path for link in page.links]
    records = [
        model._default_manager.first()
        for model in apps.get_models()
        if issubclass(model, PublicIdModel) and model._default_manager.exists()
    ]
    coordinator = crawlers[0][1]
    assert coordinator is not None
    for route in sweep.routes.values():
        single_uuid = [
            name
            for name, conv in route.converters.items()
            if isinstance(conv, django_converters.UUIDConverter)
        ]
        if route.route in sweep.examples or len(route.converters) != 1 or not single_uuid:
            continue
        for record in records:
            path = "/" + re.sub(r"<uuid:\w+>", str(record.public_id), route.route)  # type: ignore[union-attr]
            response = sweep.request(coordinator, "coordinator", "get", path)
            if response is not None and response.status_code < 400:
                sweep.examples[route.route] = path
                break


@pytest.fixture
def quiet_request_log():
    # Thousands of 404s and 403s are expected: their warnings would only cost time.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.runs_long
@pytest.mark.django_db
def test_no_url_answers_a_server_error_to_garbage(capsys, quiet_request_log):
    started = time.monotonic()
    data.load()
    loaded = time.monotonic() - started
    routes = {route.route: route for route in all_routes()}
    stale = set(NOT_SWEPT) - set(routes)
    assert not stale, f"NOT_SWEPT names routes that no longer exist: {stale}"
    sweep = Sweep(routes={key: r for key, r in routes.items() if key not in NOT_SWEPT})
    users = sweepers()
    find_examples(sweep, users)

    unfillable = []
    for key, route in sweep.routes.items():
        try:
            random = random_path(route) if route.has_parameters else None
        except LookupError as error:
            unfillable.append(str(error))
            continue
        real = sweep.examples.get(key) or random or "/" + key
        fields = sweep.forms.get(key, {})
        thorough = THOROUGH_USERS_PER_ROUTE
        for turn, (who, client) in enumerate(users):
            client = client or Client()
            query = query_for(sweep.query_names[key], turn)
            answer = sweep.request(client, who, "get", f"{real}?{query}")
            for body in post_bodies(fields, turn):
                sweep.request(client, who, "post", real, data=body)
            if answer is not None and answer.status_code == 200 and thorough:
                # A user who may open the page gets every kind of garbage in every name,
                # and in every field of its forms (not only this user's share of them).
                thorough -= 1
                for other in range(1, len(QUERY_GARBAGE)):
                    sweep.request(
                        client,
                        who,
                        "get",
                        f"{real}?{query_for(sweep.query_names[key], turn + other, spread=False)}",
                    )
                    if fields and other < len(fields) + 1:
                        for body in post_bodies(fields, turn + other):
                            sweep.request(client, who, "post", real, data=body)
            if random is not None and who in RANDOM_PATH_USERS:
                sweep.request(client, who, "get", f"{random}?{query}")
        sweep.swept.add(key)

    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nURL sweep: {len(sweep.swept)} routes ({len(sweep.examples)} with a real path), "
            f"{len(users)} users, {sweep.requests} requests in {elapsed - loaded:.0f} s "
            f"(+ {loaded:.0f} s loading the demo)"
        )
    assert not unfillable, "\n".join(unfillable)
    assert set(sweep.swept) | set(NOT_SWEPT) == set(routes)
    assert not sweep.failures, f"{len(sweep.failures)} failures:\n" + "\n".join(
        sorted(set(sweep.failures))[:200]
    )


def test_the_sweep_finds_every_route_and_fills_every_converter():
    # The sweep discovers routes by itself: a new URL is swept (or fails to be filled)
    # without anyone listing it here.
    routes = all_routes()
    assert any(route.route == "suivis/<uuid:public_id>/" for route in routes)
    for route in routes:
        if route.route not in NOT_SWEPT and route.has_parameters:
            assert route_of(random_path(route)) == route.route, route.route


def test_unknown_converters_are_not_silently_swept():
    class Colour:
        regex = "[a-z]+"

    with pytest.raises(LookupError):
        random_value(Colour())
