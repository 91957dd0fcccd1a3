"""The Pantin strategy: the Local Safety Contract of 26 October 2000 (its 6 areas; sheet
titles from the city's profile where it names them, the rest plausible) and a 2024–2027
territorial strategy."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from tranquillite.accounts.models import Organisation, User
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.governance.models import (
    Attendance,
    Body,
    BodyKind,
    Decision,
    FollowUpTask,
    Meeting,
    MeetingStatus,
    Presence,
)
from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    ActivityKind,
    ActivityStatus,
    AgeBand,
    Axis,
    BudgetLine,
    Evaluation,
    EvaluationDecision,
    Indicator,
    Measurement,
    MeasurementOrigin,
    ParticipantCount,
    Sex,
    SheetPartner,
    SheetStatus,
    Strategy,
    StrategyKind,
)

CONTRACT_AXES = [
    (
        "Éducation et citoyenneté",
        [
            "Prévention des toxicomanies",
            "Prévention des mauvais traitements envers les mineurs",
            "Lutte contre le décrochage scolaire : une classe relais",
            "Éducation à la citoyenneté au collège",
            "Soutien à la parentalité",
            "Accompagnement des exclusions temporaires",
            "Prévention routière des jeunes",
            "Actions de prévention dans les accueils de loisirs",
        ],
    ),
    (
        "Bien vivre ensemble",
        [
            "Une maison pour les parents ayant un proche hospitalisé",
            "Médiation sociale dans l'espace public",
            "Médiateurs dans les transports",
            "Gestion des conflits de voisinage",
            "Lutte contre les incivilités",
            "Tranquillité dans les halls d'immeubles",
            "Animation des squares et des parcs",
        ],
    ),
    (
        "Renforcer les actions de prévention",
        [
            "Prévention spécialisée dans les quartiers prioritaires",
            "Chantiers éducatifs",
            "Prévention des rixes entre quartiers",
            "Actions d'été pour les 11-17 ans",
            "Prévention de la récidive : alternatives à l'incarcération",
            "Accueil de travaux d'intérêt général",
            "Lutte contre les comportements antisociaux",
            "Prévention des violences faites aux femmes",
        ],
    ),
    (
        "Plus d'efficacité dans la lutte contre la délinquance",
        [
            "Une meilleure qualité d'accueil au commissariat",
            "Une police de proximité dans chaque quartier",
            "Fermeture des parkings souterrains désaffectés",
            "Lutte contre les trafics dans les halls",
            "Vidéoprotection des espaces publics",
            "Traitement des épaves et véhicules ventouses",
            "Sécurisation des abords des établissements scolaires",
        ],
    ),
    (
        "Rapprocher les institutions",
        [
            "Aide aux victimes",
            "Une maison de la justice et du droit",
            "Point d'accès au droit",
            "Permanences des délégués du procureur",
            "Rapprochement police-population",
            "Information des habitants sur leurs droits",
            "Accueil des victimes de violences intrafamiliales",
        ],
    ),
    (
        "Mieux coordonner l'action transversale",
        [
            "Observatoire local de la délinquance",
            "Cellule de veille éducative",
            "Groupe bailleurs",
            "Coordination du CLSPD",
            "Échanges d'information entre partenaires",
            "Formation commune des acteurs de la prévention",
            "Évaluation du contrat local de sécurité",
            "Communication sur les actions du contrat",
        ],
    ),
]

STSPD_SHEETS = [
    (1, "Rappel à l'ordre des mineurs et accompagnement de six mois", "Groupe Mineurs"),
    (1, "Projet jeunes–police : quatre ateliers par an", "Commissariat de police de Pantin"),
    (
        1,
        "Interventions de policiers en classe sur le cyberharcèlement",
        "Commissariat de police de Pantin",
    ),
    (
        2,
        "Médiation sociale en soirée aux Quatre-Chemins et à Hoche",
        "Ville de Pantin — Médiation sociale",
    ),
    (2, "Gardes de parcs : présence et prévention des rixes", "Ville de Pantin — Gardes de parcs"),
    (
        3,
        "Accueil de TIG dans les services municipaux",
        "Ville de Pantin — Mission Prévention et Tranquillité publique",
    ),
    (
        3,
        "Aide aux victimes et orientation",
        "Association d'aide aux victimes « Écoute Victimes 93 » (fictive)",
    ),
]

STATUSES = [
    SheetStatus.DONE,
    SheetStatus.ON_TRACK,
    SheetStatus.ON_TRACK,
    SheetStatus.AT_RISK,
    SheetStatus.LATE,
    SheetStatus.STOPPED,
]


def _organisation(territory: Territory, name: str) -> Organisation:
    found = Organisation.objects.filter(territory=territory, name=name).first()
    return found or Organisation.objects.filter(territory=territory).order_by("pk").first()  # type: ignore[return-value]


def load(territory: Territory) -> None:
    if Strategy.objects.filter(territory=territory).exists():
        return
    # Leads and partners are the organisations that carry actions, not internal services.
    organisations = list(
        Organisation.objects.filter(territory=territory)
        .exclude(name__contains="protection des données")
        .exclude(name__contains="Systèmes d'information")
        .exclude(name__contains="Cabinet")
        .order_by("name")
    )
    neighbourhoods = list(Neighbourhood.objects.filter(territory=territory).order_by("name"))
    contract = Strategy.objects.create(
        territory=territory,
        kind=StrategyKind.SAFETY_CONTRACT,
        title="Contrat local de sécurité de Pantin",
        signed_on=date(2000, 10, 26),
        signatories="La Ville de Pantin, la préfecture de la Seine-Saint-Denis, le parquet de "
        "Bobigny, l'inspection académique et le Département de la Seine-Saint-Denis.",
    )
    count = 0
    for number, (title, sheets) in enumerate(CONTRACT_AXES, start=1):
        axis = Axis.objects.create(
            territory=territory, strategy=contract, number=number, title=title
        )
        for position, sheet_title in enumerate(sheets, start=1):
            sheet = ActionSheet.objects.create(
                territory=territory,
                axis=axis,
                number=f"{number}.{position}",
                title=sheet_title,
                lead=organisations[count % len(organisations)],
                status=STATUSES[count % len(STATUSES)],
            )
            sheet.partners.set(
                organisations[(count + 3) % len(organisations) :][:2],
                through_defaults={"territory": territory},
            )
            sheet.neighbourhoods.set(neighbourhoods[count % len(neighbourhoods) :][:1])
            count += 1
    strategy = Strategy.objects.create(
        territory=territory,
        kind=StrategyKind.TERRITORIAL_STRATEGY,
        title="Stratégie territoriale de sécurité et de prévention de la délinquance 2024–2027",
        starts_on=date(2024, 1, 1),
        ends_on=date(2027, 12, 31),
        is_current=True,
    )
    axes = {
        n: Axis.objects.create(territory=territory, strategy=strategy, number=n, title=t)
        for n, t in [
            (1, "Prévention de la délinquance des jeunes"),
            (2, "Tranquillité publique et présence de terrain"),
            (3, "Prévention de la récidive et aide aux victimes"),
        ]
    }
    in_axis: dict[int, int] = {}
    for position, (axis_number, title, lead) in enumerate(STSPD_SHEETS, start=1):
        # Numbered within their area (1.1, 1.2, 2.1…), as the contract's sheets are.
        in_axis[axis_number] = in_axis.get(axis_number, 0) + 1
        sheet = ActionSheet.objects.create(
            territory=territory,
            axis=axes[axis_number],
            number=f"{axis_number}.{in_axis[axis_number]}",
            title=title,
            lead=_organisation(territory, lead),
            status=SheetStatus.ON_TRACK if position % 3 else SheetStatus.AT_RISK,
            objectives="Réduire les passages à l'acte et accompagner les familles.",
            target_public="Jeunes de 11 à 17 ans et leurs parents",
        )
        for year in (2024, 2025):
            BudgetLine.objects.create(
                territory=territory,
                sheet=sheet,
                year=year,
                funder="city",
                amount=Decimal(12000 + 1000 * position),
            )
            BudgetLine.objects.create(
                territory=territory,
                sheet=sheet,
                year=year,
                funder="fipd",
                amount=Decimal(8000 + 500 * position),
            )


# --- Indicators, activities, committees and their evaluations ------------------------------

# (sheet title, [(kind, name, unit, direction, baseline, target, start value, monthly step)])
STSPD_INDICATORS: dict[str, list[tuple[str, str, str, str, int, int, int, float]]] = {
    "Rappel à l'ordre des mineurs et accompagnement de six mois": [
        ("output", "Rappels à l'ordre prononcés", "rappels", "increase", 18, 40, 2, 0.1),
        ("outcome", "Mineurs sans réitération à 6 mois", "%", "increase", 60, 80, 62, 0.4),
    ],
    "Projet jeunes–police : quatre ateliers par an": [
        ("output", "Jeunes ayant participé à un atelier", "jeunes", "increase", 0, 60, 10, 1.2),
        ("outcome", "Rixes signalées entre quartiers", "faits", "decrease", 14, 6, 13, -0.2),
    ],
    "Interventions de policiers en classe sur le cyberharcèlement": [
        ("output", "Classes sensibilisées", "classes", "increase", 0, 30, 1, 0.6),
    ],
    "Médiation sociale en soirée aux Quatre-Chemins et à Hoche": [
        ("output", "Soirées de présence", "soirées", "increase", 80, 150, 9, 0.2),
        ("outcome", "Conflits résolus par la médiation", "%", "increase", 55, 70, 56, 0.3),
    ],
    "Gardes de parcs : présence et prévention des rixes": [
        ("output", "Heures de présence dans les parcs", "heures", "increase", 900, 1400, 95, 1.5),
    ],
    "Accueil de TIG dans les services municipaux": [
        ("output", "Postes de TIG ouverts", "postes", "increase", 6, 15, 6, 0.2),
        ("outcome", "Mesures de TIG menées à terme", "%", "increase", 70, 85, 71, 0.3),
    ],
    "Aide aux victimes et orientation": [
        (
            "output",
            "Victimes orientées vers l'association",
            "personnes",
            "increase",
            120,
            200,
            11,
            0.2,
        ),
    ],
}

CONTRACT_INDICATORS = [
    ("output", "Actions réalisées dans l'année", "actions", "increase"),
    ("outcome", "Partenaires mobilisés", "partenaires", "increase"),
]

PARTNER_ROLES = [
    "Cofinancement et participation au comité de suivi",
    "Mise à disposition de locaux",
    "Orientation des publics",
    "Animation des séances",
    "Appui méthodologique et évaluation",
]

# The committee's verdicts, in turn: (status, progress, decision, comment).
VERDICTS = [
    (SheetStatus.ON_TRACK, 55, EvaluationDecision.CONTINUE, "Calendrier tenu, à poursuivre."),
    (
        SheetStatus.AT_RISK,
        35,
        EvaluationDecision.REORIENT,
        "Recrutement difficile ; le comité demande de revoir le public visé.",
    ),
    (SheetStatus.ON_TRACK, 70, EvaluationDecision.CONTINUE, "Bonne mobilisation des partenaires."),
    (SheetStatus.LATE, 20, EvaluationDecision.REORIENT, "Démarrage retardé faute de local."),
    (SheetStatus.DONE, 100, EvaluationDecision.CONTINUE, "Action achevée ; bilan à diffuser."),
    (SheetStatus.ON_TRACK, 45, EvaluationDecision.CONTINUE, "Premiers résultats encourageants."),
    (SheetStatus.STOPPED, 30, EvaluationDecision.STOP, "Objectif repris par une autre fiche."),
]


def _month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from `first`'s month to the month before `last`."""
    months = []
    year, month = first.year, first.month
    while (year, month) < (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        months.append(following - timedelta(days=1))
        year, month = following.year, following.month
    return months


def _indicators(territory: Territory, contract: Strategy, strategy: Strategy) -> None:
    today = timezone.localdate()
    months = _month_ends(date(2024, 1, 1), today)
    measurements = []
    for sheet in ActionSheet.objects.filter(axis__strategy=strategy):
        for position, row in enumerate(STSPD_INDICATORS.get(sheet.title, [])):
            kind, name, unit, direction, baseline, target, start, step = row
            indicator = Indicator.objects.create(
                territory=territory,
                sheet=sheet,
                kind=kind,
                name=name,
                unit=unit,
                direction=direction,
                baseline=Decimal(baseline),
                baseline_on=date(2023, 12, 31),
                target=Decimal(target),
                target_on=date(2027, 12, 31),
                position=position,
            )
            for index, day in enumerate(months):
                # A plausible curve: a trend and a small seasonal wobble, never below zero.
                value = max(0.0, start + step * index + (index % 4 - 1.5) * abs(step) * 0.6)
                measurements.append(
                    Measurement(
                        territory=territory,
                        indicator=indicator,
                        measured_on=day,
                        value=Decimal(str(round(value, 1))),
                        origin=MeasurementOrigin.IMPORT if index % 3 else MeasurementOrigin.MANUAL,
                    )
                )
    # The 2000 contract: yearly figures over its first years.
    for count, sheet in enumerate(ActionSheet.objects.filter(axis__strategy=contract)):
        for position, (kind, name, unit, direction) in enumerate(CONTRACT_INDICATORS):
            indicator = Indicator.objects.create(
                territory=territory,
                sheet=sheet,
                kind=kind,
                name=name,
                unit=unit,
                direction=direction,
                baseline=Decimal(count % 4 + 1),
                baseline_on=date(2000, 12, 31),
                target=Decimal(count % 4 + 6),
                target_on=date(2004, 12, 31),
                position=position,
            )
            for year in range(2001, 2005):
                value = count % 4 + 1 + (year - 2000) * (1 + (count + position) % 2)
                measurements.append(
                    Measurement(
                        territory=territory,
                        indicator=indicator,
                        measured_on=date(year, 12, 31),
                        value=Decimal(value),
                        origin=MeasurementOrigin.IMPORT,
                    )
                )
    Measurement.objects.bulk_create(measurements)


def _counts(activity: Activity, seed: int) -> list[ParticipantCount]:
    bands = [AgeBand.FROM_11_TO_13, AgeBand.FROM_14_TO_17, AgeBand.FROM_18_TO_25]
    return [
        ParticipantCount(
            territory=activity.territory,
            activity=activity,
            age_band=band,
            sex=sex,
            count=(seed + 3 * position + (2 if sex == Sex.MALE else 0)) % 9 + 1,
        )
        for position, band in enumerate(bands)
        for sex in (Sex.FEMALE, Sex.MALE)
    ]


def _activities(territory: Territory, strategy: Strategy) -> None:
    """The youth–police project's four workshops a year (planned vs held) and the police
    classroom sessions schools asked for. Participants are counted, never named."""
    today = timezone.localdate()
    sheets = {sheet.title: sheet for sheet in ActionSheet.objects.filter(axis__strategy=strategy)}
    workshops = sheets["Projet jeunes–police : quatre ateliers par an"]
    classroom = sheets["Interventions de policiers en classe sur le cyberharcèlement"]
    police = _organisation(territory, "Commissariat de police de Pantin")
    mediation = _organisation(territory, "Ville de Pantin — Médiation sociale")
    school = _organisation(territory, "Éducation nationale — circonscription de Pantin")
    neighbourhoods = list(Neighbourhood.objects.filter(territory=territory).order_by("name"))
    counts: list[ParticipantCount] = []
    themes = [
        "Se connaître avant de se juger",
        "Les contrôles d'identité : droits et devoirs",
        "Rixes entre quartiers : en parler pour les éviter",
        "Bilan de l'année avec les familles",
    ]
    for year in range(2024, today.year + 1):
        for quarter, theme in enumerate(themes):
            planned_on = date(year, 3 * quarter + 2, 14)
            if planned_on > today:
                status, held_on = ActivityStatus.PLANNED, None
            elif year == 2025 and quarter == 2:
                status, held_on = ActivityStatus.CANCELLED, None
            else:
                status, held_on = ActivityStatus.HELD, planned_on
            activity = Activity.objects.create(
                territory=territory,
                sheet=workshops,
                kind=ActivityKind.WORKSHOP,
                title=f"Atelier jeunes–police : {theme}",
                status=status,
                planned_on=planned_on,
                held_on=held_on,
                place="Maison de quartier des Quatre-Chemins",
                neighbourhood=neighbourhoods[quarter % len(neighbourhoods)],
                summary="Échanges animés par un ancien détenu devenu intervenant et deux "
                "policiers du commissariat."
                if held_on
                else "",
            )
            activity.facilitators.set([police, mediation])
            if held_on:
                counts += _counts(activity, year + quarter)
    for position, (class_name, months_ago) in enumerate(
        [("4e B", 14), ("3e A", 11), ("5e C", 7), ("4e A", 3), ("3e D", -1)]
    ):
        requested_on = today - timedelta(days=30 * months_ago + 21)
        planned_on = today - timedelta(days=30 * months_ago)
        held = planned_on < today
        activity = Activity.objects.create(
            territory=territory,
            sheet=classroom,
            kind=ActivityKind.CLASSROOM_SESSION,
            title=f"Cyberharcèlement : intervention en {class_name}",
            status=ActivityStatus.HELD if held else ActivityStatus.PLANNED,
            planned_on=planned_on,
            held_on=planned_on if held else None,
            place="Collège Jean-Lolive" if position % 2 else "Collège Joliot-Curie",
            requested_by=school,
            requested_on=requested_on,
            class_name=class_name,
            summary="Séance de deux heures : réseaux sociaux, preuves, à qui en parler."
            if held
            else "",
        )
        activity.facilitators.set([police])
        if held:
            counts += [
                ParticipantCount(
                    territory=territory,
                    activity=activity,
                    age_band=AgeBand.FROM_11_TO_13 if "5e" in class_name else AgeBand.FROM_14_TO_17,
                    sex=sex,
                    count=12 + (position + offset) % 4,
                )
                for offset, sex in enumerate((Sex.FEMALE, Sex.MALE))
            ]
    ParticipantCount.objects.bulk_create(counts)


def _committee_meeting(body: Body, starts_on: date, status: str, hour: int = 17) -> Meeting:
    meeting = Meeting.objects.create(
        territory=body.territory,
        body=body,
        starts_at=timezone.make_aware(datetime.combine(starts_on, time(hour))),
        place="Hôtel de ville, salle du conseil municipal",
        status=status,
    )
    if status == MeetingStatus.HELD:
        for position, member in enumerate(body.members.order_by("pk")):
            Attendance.objects.create(
                territory=body.territory,
                meeting=meeting,
                member=member,
                presence=Presence.EXCUSED if position == 2 else Presence.PRESENT,
            )
    return meeting


def _evaluations(territory: Territory, contract: Strategy, strategy: Strategy) -> None:
    """Past steering and monitoring committees evaluated the sheets; the next monitoring
    committee is planned, and some sheets are due for review by then."""
    today = timezone.localdate()
    steering = Body.objects.get(territory=territory, kind=BodyKind.STEERING_COMMITTEE)
    monitoring = Body.objects.get(territory=territory, kind=BodyKind.MONITORING_COMMITTEE)
    if monitoring.meetings.exists():
        return
    coordinator = User.objects.get(email="coordination@pantin.test")
    earlier = _committee_meeting(steering, today - timedelta(days=200), MeetingStatus.HELD)
    last = _committee_meeting(monitoring, today - timedelta(days=95), MeetingStatus.HELD)
    _committee_meeting(monitoring, today + timedelta(days=21), MeetingStatus.PLANNED)
    sheets = list(
        ActionSheet.objects.filter(axis__strategy__in=[contract, strategy]).order_by(
            "axis__strategy__kind", "axis__number", "pk"
        )
    )
    evaluations = []
    for count, sheet in enumerate(sheets):
        status, progress, decision, comment = VERDICTS[count % len(VERDICTS)]
        first_progress = max(0, progress - 20)
        evaluations.append(
            Evaluation(
                territory=territory,
                sheet=sheet,
                meeting=earlier,
                evaluated_on=earlier.starts_at.date(),
                status=SheetStatus.ON_TRACK if status != SheetStatus.STOPPED else status,
                progress=first_progress if status != SheetStatus.DONE else 80,
                decision=EvaluationDecision.CONTINUE,
                comment="Point d'étape du comité de pilotage.",
                recorded_by=coordinator,
            )
        )
        evaluations.append(
            Evaluation(
                territory=territory,
                sheet=sheet,
                meeting=last,
                evaluated_on=last.starts_at.date(),
                status=status,
                progress=progress,
                decision=decision,
                comment=comment,
                recorded_by=coordinator,
            )
        )
        sheet.status = status
        sheet.progress = progress
        # Sheets still running come back before a committee: some by the next one.
        running = status not in (SheetStatus.DONE, SheetStatus.STOPPED)
        sheet.next_review_on = today + timedelta(days=7 + 30 * (count % 3)) if running else None
    Evaluation.objects.bulk_create(evaluations)
    ActionSheet.objects.bulk_update(sheets, ["status", "progress", "next_review_on"])
    record = Decision.objects.create(
        territory=territory,
        meeting=last,
        text="Le comité de suivi demande de réorienter les fiches en retard et de présenter "
        "au prochain comité un bilan des ateliers jeunes–police.",
    )
    FollowUpTask.objects.create(
        territory=territory,
        decision=record,
        title="Préparer le bilan des ateliers jeunes–police",
        owner=User.objects.get(email="police@pantin.test"),
        due_on=today + timedelta(days=14),
    )
    FollowUpTask.objects.create(
        territory=territory,
        decision=record,
        title="Proposer une nouvelle version des fiches en retard",
        owner=coordinator,
        due_on=today + timedelta(days=10),
    )


def _partner_roles(territory: Territory) -> None:
    links = list(SheetPartner.objects.filter(territory=territory).order_by("pk"))
    for count, link in enumerate(links):
        link.role = PARTNER_ROLES[count % len(PARTNER_ROLES)]
    SheetPartner.objects.bulk_update(links, ["role"])


def load_follow_through(territory: Territory) -> None:
    """What the committees made of the strategy: indicators, activities, evaluations."""
    contract = Strategy.objects.get(territory=territory, kind=StrategyKind.SAFETY_CONTRACT)
    strategy = Strategy.objects.get(territory=territory, kind=StrategyKind.TERRITORIAL_STRATEGY)
    if Indicator.objects.filter(territory=territory).exists():
        return
    _partner_roles(territory)
    _indicators(territory, contract, strategy)
    _activities(territory, strategy)
    _evaluations(territory, contract, strategy)
