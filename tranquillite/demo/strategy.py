"""The Pantin strategy: the Local Safety Contract of 26 October 2000 (its 6 areas; sheet
titles from the city's profile where it names them, the rest plausible) and a 2024–2027
territorial strategy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.strategy.models import (
    ActionSheet,
    Axis,
    BudgetLine,
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
    for position, (axis_number, title, lead) in enumerate(STSPD_SHEETS, start=1):
        sheet = ActionSheet.objects.create(
            territory=territory,
            axis=axes[axis_number],
            number=f"{axis_number}.{position}",
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
