"""The Pantin demo territory and a second, small one to show isolation.

Facts from the seeds (Pantin's population, town hall address, the groups of its council, the
parquet de Bobigny...) are real; every person is fictional. Passwords and the TOTP secret
are documented in the README so that anyone can sign in to the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from tranquillite.accounts.models import Membership, Organisation, OrganisationKind, User
from tranquillite.accounts.roles import MFA_REQUIRED_ROLES, Role
from tranquillite.core.models import Neighbourhood, Territory, TerritoryKind

DEMO_PASSWORD = "Tranquillite-Demo-2026!"  # noqa: S105 (documented demo password)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (documented demo secret)

K = OrganisationKind

PANTIN_NEIGHBOURHOODS = [
    # name, priority neighbourhood (QPV), latitude, longitude
    ("Quatre-Chemins", True, "48.9012", "2.3933"),
    ("Courtillières", True, "48.9077", "2.4108"),
    ("Sept-Arpents", True, "48.8993", "2.4003"),
    ("Hoche", True, "48.8918", "2.4031"),
    ("Petit-Pantin", False, "48.8975", "2.3905"),
    ("Centre", False, "48.8945", "2.4090"),
    ("Église", False, "48.8922", "2.4129"),
    ("Mairie-Ourcq", False, "48.8966", "2.4047"),
    ("Haut-Pantin", False, "48.8878", "2.4196"),
]

PANTIN_ORGANISATIONS = [
    ("Ville de Pantin — Mission Prévention et Tranquillité publique", K.CITY_SERVICE),
    ("Ville de Pantin — Cabinet du maire", K.CITY_SERVICE),
    ("Ville de Pantin — Médiation sociale", K.CITY_SERVICE),
    ("Ville de Pantin — Gardes de parcs", K.CITY_SERVICE),
    ("Ville de Pantin — Espaces verts", K.CITY_SERVICE),
    ("Ville de Pantin — Systèmes d'information", K.CITY_SERVICE),
    ("Ville de Pantin — Délégué à la protection des données", K.CITY_SERVICE),
    ("Police municipale de Pantin", K.MUNICIPAL_POLICE),
    ("Commissariat de police de Pantin", K.NATIONAL_POLICE),
    ("Parquet du tribunal judiciaire de Bobigny", K.PROSECUTOR),
    ("Préfecture de la Seine-Saint-Denis", K.PREFECTURE),
    ("Éducation nationale — circonscription de Pantin", K.NATIONAL_EDUCATION),
    ("Bailleur social « Habitat de l'Ourcq » (fictif)", K.SOCIAL_LANDLORD),
    ("Protection judiciaire de la jeunesse — UEMO de Pantin", K.YOUTH_JUSTICE),
    ("SPIP de la Seine-Saint-Denis (SPIP 93)", K.PROBATION_SERVICE),
    ("Département de la Seine-Saint-Denis — Service social", K.DEPARTEMENT),
    ("Association d'aide aux victimes « Écoute Victimes 93 » (fictive)", K.ASSOCIATION),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    job_title: str
    organisation: str
    role: Role


PANTIN_USERS = [
    DemoUser(
        "coordination@pantin.test",
        "Nadia",
        "Ferhat",
        "Chargée de mission CLSPD",
        PANTIN_ORGANISATIONS[0][0],
        Role.COORDINATOR,
    ),
    DemoUser(
        "direction@pantin.test",
        "Claire",
        "Morel",
        "Directrice de la Mission",
        PANTIN_ORGANISATIONS[0][0],
        Role.DIRECTOR,
    ),
    DemoUser(
        "elue@pantin.test",
        "Hélène",
        "Garnier",
        "Adjointe au maire, tranquillité publique",
        PANTIN_ORGANISATIONS[1][0],
        Role.ELECTED_OFFICIAL,
    ),
    DemoUser(
        "police@pantin.test",
        "Thomas",
        "Leroy",
        "Commandant, chef de la sécurité publique",
        "Commissariat de police de Pantin",
        Role.PARTNER_MEMBER,
    ),
    DemoUser(
        "bailleur@pantin.test",
        "Karim",
        "Benali",
        "Responsable de la tranquillité résidentielle",
        PANTIN_ORGANISATIONS[12][0],
        Role.PARTNER_MEMBER,
    ),
    DemoUser(
        "principale@pantin.test",
        "Sophie",
        "Lambert",
        "Principale de collège",
        "Éducation nationale — circonscription de Pantin",
        Role.PARTNER_MEMBER,
    ),
    DemoUser(
        "cpip@pantin.test",
        "Julien",
        "Mercier",
        "Conseiller pénitentiaire d'insertion et de probation",
        "SPIP de la Seine-Saint-Denis (SPIP 93)",
        Role.PARTNER_MEMBER,
    ),
    DemoUser(
        "mediation@pantin.test",
        "Moussa",
        "Diallo",
        "Médiateur social",
        "Ville de Pantin — Médiation sociale",
        Role.MEDIATOR,
    ),
    DemoUser(
        "gardes@pantin.test",
        "Laura",
        "Petit",
        "Garde de parc",
        "Ville de Pantin — Gardes de parcs",
        Role.PARK_WARDEN,
    ),
    DemoUser(
        "tuteur@pantin.test",
        "Franck",
        "Rousseau",
        "Chef d'équipe, tuteur TIG",
        "Ville de Pantin — Espaces verts",
        Role.SUPERVISOR,
    ),
    DemoUser(
        "dpo@pantin.test",
        "Isabelle",
        "Nguyen",
        "Déléguée à la protection des données",
        "Ville de Pantin — Délégué à la protection des données",
        Role.DATA_PROTECTION_OFFICER,
    ),
    DemoUser(
        "admin@pantin.test",
        "Olivier",
        "Blanc",
        "Administrateur technique",
        "Ville de Pantin — Systèmes d'information",
        Role.TECHNICAL_ADMINISTRATOR,
    ),
]

# A second, small territory (fictional data) to show that nothing crosses between cities.
SECOND_NEIGHBOURHOODS = [
    ("Centre-ville", False, "48.8850", "2.4045"),
    ("Sept-Arpents (Pré)", True, "48.8868", "2.4000"),
    ("Belvédère", False, "48.8820", "2.4090"),
]
SECOND_ORGANISATIONS = [
    ("Ville du Pré-Saint-Gervais — Prévention", K.CITY_SERVICE),
    ("Commissariat des Lilas", K.NATIONAL_POLICE),
    ("Parquet du tribunal judiciaire de Bobigny", K.PROSECUTOR),
]
SECOND_USERS = [
    DemoUser(
        "coordination@pre-saint-gervais.test",
        "Marc",
        "Aubert",
        "Coordinateur CLSPD",
        SECOND_ORGANISATIONS[0][0],
        Role.COORDINATOR,
    ),
    DemoUser(
        "dpo@pre-saint-gervais.test",
        "Aline",
        "Roux",
        "Déléguée à la protection des données",
        SECOND_ORGANISATIONS[0][0],
        Role.DATA_PROTECTION_OFFICER,
    ),
]


def _territory(**fields: object) -> Territory:
    territory, _created = Territory.objects.update_or_create(
        slug=fields.pop("slug"), defaults=fields
    )
    return territory


def _neighbourhoods(territory: Territory, rows: list[tuple[str, bool, str, str]]) -> None:
    for name, priority, lat, lon in rows:
        Neighbourhood.objects.update_or_create(
            territory=territory,
            name=name,
            defaults={
                "is_priority": priority,
                "centre_latitude": Decimal(lat),
                "centre_longitude": Decimal(lon),
            },
        )


def _organisations(
    territory: Territory, rows: list[tuple[str, OrganisationKind]]
) -> dict[str, Organisation]:
    result = {}
    for name, kind in rows:
        organisation, _created = Organisation.objects.update_or_create(
            territory=territory, name=name, defaults={"kind": kind}
        )
        result[name] = organisation
    return result


def _user(demo: DemoUser) -> User:
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = User.objects.create_user(
            demo.email,
            DEMO_PASSWORD,
            first_name=demo.first_name,
            last_name=demo.last_name,
            job_title=demo.job_title,
        )
    return user


def enrol_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


def _members(
    territory: Territory, organisations: dict[str, Organisation], users: list[DemoUser]
) -> None:
    for demo in users:
        user = _user(demo)
        Membership.objects.get_or_create(
            user=user,
            territory=territory,
            role=demo.role,
            defaults={"organisation": organisations[demo.organisation]},
        )
        if demo.role in MFA_REQUIRED_ROLES:
            enrol_totp(user)


CHARTER_TEXT = """Charte déontologique du {body} — CLSPD de Pantin

1. Objet. Le groupe échange des informations confidentielles, dans le seul but de prévenir la
délinquance et d'accompagner les personnes concernées (article L132-5 du Code de la sécurité
intérieure).
2. Secret partagé. Les faits et informations échangés ne peuvent être communiqués à des tiers.
Chaque membre ne partage que ce qui est strictement nécessaire.
3. Nominatif. Une situation est désignée par son numéro dans les ordres du jour, comptes rendus
et courriels, jamais par le nom d'une personne.
4. Traçabilité. Chaque consultation d'une situation est enregistrée ; la personne concernée
peut demander qui a consulté ses données.
5. Manquement. Tout manquement à la présente charte peut entraîner la suspension du membre.
"""

PANTIN_BODIES = [
    # name, kind, handles cases, purpose, members (e-mails; the first chairs)
    (
        "CLSPD — séance plénière",
        "plenary",
        False,
        "Réunion annuelle présidée par le maire : bilan et orientations (données agrégées).",
        [
            "elue@pantin.test",
            "coordination@pantin.test",
            "direction@pantin.test",
            "police@pantin.test",
            "bailleur@pantin.test",
            "principale@pantin.test",
            "cpip@pantin.test",
        ],
    ),
    (
        "Comité de pilotage du contrat local de sécurité",
        "steering_committee",
        False,
        "Les signataires évaluent l'avancement des fiches action.",
        ["elue@pantin.test", "direction@pantin.test", "police@pantin.test"],
    ),
    (
        "Comité de suivi (CCPD)",
        "monitoring_committee",
        False,
        "Les porteurs d'actions suivent la réalisation des fiches action.",
        [
            "coordination@pantin.test",
            "direction@pantin.test",
            "bailleur@pantin.test",
            "principale@pantin.test",
        ],
    ),
    (
        "Groupe Mineurs",
        "working_group",
        True,
        "Prévention de la délinquance des mineurs, accompagnement socio-éducatif ; oriente vers le "
        "rappel à l'ordre.",
        ["coordination@pantin.test", "police@pantin.test", "cpip@pantin.test"],
    ),
    (
        "Groupe Bailleurs",
        "working_group",
        True,
        "Sécurité et bien-être dans l'habitat social.",
        ["coordination@pantin.test", "bailleur@pantin.test", "police@pantin.test"],
    ),
    (
        "Groupe Victimes",
        "working_group",
        True,
        "Aide aux personnes ayant subi un préjudice.",
        ["coordination@pantin.test", "police@pantin.test"],
    ),
    (
        "Conseil pour les droits et devoirs des familles (CDDF)",
        "family_council",
        True,
        "Entend les parents en difficulté dans l'exercice de l'autorité parentale.",
        ["elue@pantin.test", "coordination@pantin.test", "direction@pantin.test"],
    ),
]
# Who has signed the current charter of which group in the demo (the others are to sign).
DEMO_SIGNATURES = {
    "Groupe Mineurs": ["coordination@pantin.test", "police@pantin.test"],
    "Groupe Bailleurs": ["coordination@pantin.test", "bailleur@pantin.test"],
    "Groupe Victimes": ["coordination@pantin.test"],
    "Conseil pour les droits et devoirs des familles (CDDF)": ["coordination@pantin.test"],
}


def _bodies(territory: Territory) -> None:
    from tranquillite.governance.models import (
        Body,
        BodyMember,
        CharterSignature,
        EthicsCharter,
    )

    coordinator = User.objects.get(email=PANTIN_USERS[0].email)
    for name, kind, handles_cases, purpose, emails in PANTIN_BODIES:
        body, _created = Body.objects.update_or_create(
            territory=territory,
            name=name,
            defaults={"kind": kind, "handles_cases": handles_cases, "purpose": purpose},
        )
        for position, email in enumerate(emails):
            user = User.objects.get(email=email)
            membership = user.memberships.filter(territory=territory).first()
            BodyMember.objects.get_or_create(
                territory=territory,
                body=body,
                user=user,
                defaults={
                    "is_chair": position == 0,
                    "organisation": membership.organisation if membership else None,
                },
            )
        if handles_cases:
            charter, _created = EthicsCharter.objects.get_or_create(
                territory=territory,
                body=body,
                version=1,
                defaults={"text": CHARTER_TEXT.format(body=name), "published_by": coordinator},
            )
            for email in DEMO_SIGNATURES.get(name, []):
                member = BodyMember.objects.get(body=body, user__email=email)
                CharterSignature.objects.get_or_create(
                    territory=territory, member=member, charter=charter
                )


def _meetings(territory: Territory, cases: tuple[str, str]) -> None:
    """A past meeting of the groupe Mineurs with its decision record, and the next plenary.
    `cases`: the two demo files it discussed (demo/followups.py), named by case number."""
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    from tranquillite.governance.models import (
        AgendaItem,
        Attendance,
        Body,
        Decision,
        FollowUpTask,
        Meeting,
        MeetingStatus,
        Presence,
    )

    minors = Body.objects.get(territory=territory, name="Groupe Mineurs")
    if minors.meetings.exists():
        return
    from tranquillite.demo.followups import working_day

    today = timezone.localdate()
    past = Meeting.objects.create(
        territory=territory,
        body=minors,
        starts_at=timezone.make_aware(
            datetime.combine(working_day(today - timedelta(days=14)), time(14))
        ),
        place="Centre administratif, salle du conseil",
        status=MeetingStatus.HELD,
    )
    for position, (title, case) in enumerate(
        [("Bilan des orientations du trimestre", ""), ("", cases[0]), ("", cases[1])],
        start=1,
    ):
        AgendaItem.objects.create(
            territory=territory,
            meeting=past,
            position=position,
            title=title,
            is_confidential=bool(case),
            case_number=case,
        )
    presences = [Presence.PRESENT, Presence.PRESENT, Presence.EXCUSED]
    for member, presence in zip(minors.members.order_by("pk"), presences, strict=False):
        Attendance.objects.create(
            territory=territory, meeting=past, member=member, presence=presence
        )
    police = User.objects.get(email="police@pantin.test")
    coordinator = User.objects.get(email=PANTIN_USERS[0].email)
    for text, task, owner, due in [
        (
            f"La situation {cases[0]} est orientée vers un rappel à l'ordre.",
            f"Consulter le parquet pour {cases[0]}",
            coordinator,
            today + timedelta(days=7),
        ),
        (
            f"La situation {cases[1]} fera l'objet d'un point avec l'établissement scolaire.",
            "Organiser la rencontre avec l'établissement",
            police,
            today - timedelta(days=2),
        ),
    ]:
        decision = Decision.objects.create(territory=territory, meeting=past, text=text)
        FollowUpTask.objects.create(
            territory=territory, decision=decision, title=task, owner=owner, due_on=due
        )
    plenary = Body.objects.get(territory=territory, kind="plenary")
    next_year = date(today.year + 1, 1, 20)
    Meeting.objects.create(
        territory=territory,
        body=plenary,
        starts_at=timezone.make_aware(datetime.combine(next_year, time(18))),
        place="Hôtel de ville, salle des fêtes",
    )


@transaction.atomic
def load() -> tuple[Territory, Territory]:
    pantin = _territory(
        slug="pantin",
        name="Pantin",
        kind=TerritoryKind.COMMUNE,
        insee_codes="93055",
        population=52698,
        council_name="CLSPD de Pantin",
        address="Centre administratif\n84/88 avenue du Général Leclerc\n93507 Pantin Cedex",
        phone="01 49 15 40 00",
        primary_colour="#00557f",
        centre_latitude=Decimal("48.8944"),
        centre_longitude=Decimal("2.4093"),
    )
    _neighbourhoods(pantin, PANTIN_NEIGHBOURHOODS)
    _members(pantin, _organisations(pantin, PANTIN_ORGANISATIONS), PANTIN_USERS)
    _bodies(pantin)
    from tranquillite.demo import followups as demo_followups
    from tranquillite.demo import strategy as demo_strategy

    demo_strategy.load(pantin)
    demo_strategy.load_follow_through(pantin)
    # A year of individual follow-ups; the groupe Mineurs' meeting discusses two of them.
    _meetings(pantin, demo_followups.load(pantin))
    from tranquillite.demo import community_service as demo_community_service

    demo_community_service.load(pantin)

    from tranquillite.demo import field as demo_field

    # Four months of the mediators' and park wardens' daily log.
    demo_field.load(pantin)
    from tranquillite.demo import technical_issues as demo_technical_issues

    # A year of technical issues routed to the city's services and the two social landlords.
    demo_technical_issues.load(pantin)
    from tranquillite.demo import tensions as demo_tensions

    # The monitoring cell and two past tension episodes with their responses.
    demo_tensions.load(pantin)

    second = _territory(
        slug="pre-saint-gervais",
        name="Le Pré-Saint-Gervais",
        kind=TerritoryKind.COMMUNE,
        insee_codes="93061",
        population=17000,
        council_name="CLSPD du Pré-Saint-Gervais (démo)",
        address="Hôtel de ville (adresse fictive)",
        primary_colour="#6b2d5c",
        centre_latitude=Decimal("48.8850"),
        centre_longitude=Decimal("2.4045"),
    )
    _neighbourhoods(second, SECOND_NEIGHBOURHOODS)
    second_organisations = _organisations(second, SECOND_ORGANISATIONS)
    _members(second, second_organisations, SECOND_USERS)
    # The Pantin coordinator also coordinates the small neighbour (a shared post): she can
    # switch between the two territories; nobody else of Pantin sees the second one.
    coordinator = User.objects.get(email=PANTIN_USERS[0].email)
    Membership.objects.get_or_create(
        user=coordinator,
        territory=second,
        role=Role.COORDINATOR,
        defaults={"organisation": second_organisations[SECOND_ORGANISATIONS[0][0]]},
    )
    return pantin, second


def demo_logins() -> list[tuple[str, str, str, bool]]:
    """(territory, role, e-mail, needs TOTP) for the README and `make run`."""
    rows = []
    for territory, users in (("Pantin", PANTIN_USERS), ("Le Pré-Saint-Gervais", SECOND_USERS)):
        for demo in users:
            rows.append(
                (territory, str(demo.role.label), demo.email, demo.role in MFA_REQUIRED_ROLES)
            )
    return rows
