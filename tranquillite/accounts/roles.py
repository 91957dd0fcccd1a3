"""Roles and rights: the one table that says who may do what.

`RIGHTS` maps each right to the roles that hold it, inside one territory. It is the single
source of truth: `permissions.py` turns it into rules predicates, and docs/roles.md shows the
same table to people (tests/accounts/test_roles_table.py fails when the two disagree).

Holding a right is necessary, never sufficient, for nominative data: a follow-up is seen only
by members of its working group who signed the group's ethics charter (art. L132-5 CSI;
CNIL AU-038). The right `core.reach_nominative_data` only says that a role may ever be given
such access, which is also what makes multi-factor authentication mandatory for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    DIRECTOR = "director", _("Director")
    ELECTED_OFFICIAL = "elected_official", _("Elected official")
    PARTNER_MEMBER = "partner_member", _("Partner member")
    MEDIATOR = "mediator", _("Social mediator")
    PARK_WARDEN = "park_warden", _("Park warden")
    SUPERVISOR = "supervisor", _("Community-service supervisor")
    DATA_PROTECTION_OFFICER = "dpo", _("Data protection officer")
    TECHNICAL_ADMINISTRATOR = "tech_admin", _("Technical administrator")


R = Role
ALL_ROLES = frozenset(Role)

RIGHTS: dict[str, frozenset[Role]] = {
    # See the territory, its neighbourhoods and the map.
    "core.view_territory": ALL_ROLES,
    # See the partner organisations of the territory.
    "accounts.view_organisations": ALL_ROLES,
    # See the directory of members (professional contact details of staff and partners).
    "accounts.view_members": frozenset(
        {
            R.COORDINATOR,
            R.DIRECTOR,
            R.ELECTED_OFFICIAL,
            R.PARTNER_MEMBER,
            R.DATA_PROTECTION_OFFICER,
            R.TECHNICAL_ADMINISTRATOR,
        }
    ),
    # Invite users, deactivate them, give and take roles that never reach nominative data.
    "accounts.manage_members": frozenset({R.COORDINATOR, R.TECHNICAL_ADMINISTRATOR}),
    # Give a role that may reach nominative data: only the coordinator, who administers the
    # files (CNIL AU-038), so that a technical administrator cannot open them to himself.
    "accounts.grant_nominative_roles": frozenset({R.COORDINATOR}),
    # Edit the territory's settings, neighbourhoods and organisations.
    "core.manage_territory": frozenset({R.COORDINATOR, R.TECHNICAL_ADMINISTRATOR}),
    # May ever be given access to nominative data (through a group and its charter).
    "core.reach_nominative_data": frozenset(
        {
            R.COORDINATOR,
            R.DIRECTOR,
            R.ELECTED_OFFICIAL,
            R.PARTNER_MEMBER,
            R.SUPERVISOR,
            R.DATA_PROTECTION_OFFICER,
        }
    ),
    # See every body of the council (others see the bodies they belong to).
    "governance.view_all_bodies": frozenset({R.COORDINATOR, R.DIRECTOR, R.ELECTED_OFFICIAL}),
    # Create bodies, manage their members and publish their ethics charters.
    "governance.manage_bodies": frozenset({R.COORDINATOR}),
    # Write the strategy: action sheets, partners, budget lines, indicators and their imports,
    # documents, and the committees' evaluations.
    "strategy.manage_strategy": frozenset({R.COORDINATOR, R.DIRECTOR}),
    # Report on the actions one's organisation leads or is a partner of: activities with
    # their participant counts, indicator measurements (the object-level check that the
    # organisation takes part in the sheet is in strategy/permissions.py).
    "strategy.report_on_actions": frozenset({R.COORDINATOR, R.DIRECTOR, R.PARTNER_MEMBER}),
    # Export sheets and indicators as a spreadsheet and print the committee pack.
    "strategy.export_strategy": frozenset({R.COORDINATOR, R.DIRECTOR, R.ELECTED_OFFICIAL}),
    # Administer the follow-up files (CNIL AU-038: the coordinator administers them): close a
    # file, restrict or lift a restriction, open an archived file with a stated reason. Only
    # within the bodies whose charter one signed: the right never opens a file by itself.
    "followups.administer_follow_ups": frozenset({R.COORDINATOR}),
    # Answer a person's access request (RGPD art. 15): export everything held about them,
    # with who read it. The DPO may do so without being a member of the file's body.
    "followups.answer_access_requests": frozenset({R.DATA_PROTECTION_OFFICER}),
    # Community service (TIG). The catalogue of posts names no person followed (services,
    # tasks, supervisors' names): those who place people and those who host them read it.
    "community_service.view_catalogue": frozenset(
        {R.COORDINATOR, R.DIRECTOR, R.PARTNER_MEMBER, R.SUPERVISOR}
    ),
    # Open the placement pages. Never sufficient: a supervisor sees only the placements on his
    # posts, a probation officer only those his service follows (community_service/models.py,
    # art. L132-5 CSI); everyone else gets a 404.
    "community_service.follow_placements": frozenset(
        {R.COORDINATOR, R.PARTNER_MEMBER, R.SUPERVISOR}
    ),
    # Record, close, correct and validate sessions; report absences, lateness, incidents.
    "community_service.record_sessions": frozenset({R.COORDINATOR, R.SUPERVISOR}),
    # Administer community service (CNIL AU-038: the coordinator administers the files): posts,
    # placements and their states, documents sent to the probation service.
    "community_service.manage": frozenset({R.COORDINATOR}),
    # Read and export the outgoing-mail register (numbers, dates, subjects, case numbers and
    # addressees' roles: never a name), e.g. to show it to an auditor.
    "letters.view_mail_register": frozenset({R.COORDINATOR, R.DATA_PROTECTION_OFFICER}),
    # Read and export the anonymous statistics of the follow-ups (observatory), with the
    # small-count rule applied. Anonymous, yet about children of a small city: those who
    # answer for the policy (coordinator, director, elected officials) and the DPO, who
    # checks the rule; partners get the figures through the council's plenary report.
    "observatory.view_statistics": frozenset(
        {R.COORDINATOR, R.DIRECTOR, R.ELECTED_OFFICIAL, R.DATA_PROTECTION_OFFICER}
    ),
    # Field presence: clock in and out, keep the daily log of one's own teams (the log names
    # no one: CNIL AU-038, the public in aggregate only). A team's supervisor also validates
    # its shifts (object-level check in field/services.py).
    "field.log_presence": frozenset({R.MEDIATOR, R.PARK_WARDEN}),
    # Oversee the field: every team, shift and entry of the territory; validate shifts.
    "field.oversee_field": frozenset({R.COORDINATOR, R.DIRECTOR}),
    # Technical issues (veille technique): raise one — from a daily-log entry in the street,
    # or directly for a partner or the city — and follow one's own (and one's team's) reports.
    "technical_issues.raise_issue": frozenset(
        {R.COORDINATOR, R.DIRECTOR, R.PARTNER_MEMBER, R.MEDIATOR, R.PARK_WARDEN}
    ),
    # Work the queue of one's organisation: acknowledge, comment, ask for information, resolve
    # or refuse the issues routed to it, and no other (technical_issues/models.py).
    "technical_issues.work_queue": frozenset({R.COORDINATOR, R.PARTNER_MEMBER}),
    # Every issue of the territory, which rule routed it, the figures of who is slow.
    "technical_issues.oversee_issues": frozenset({R.COORDINATOR, R.DIRECTOR, R.ELECTED_OFFICIAL}),
    # Edit the routing rules, the default organisation and the deadlines; re-route an issue.
    "technical_issues.manage_routing": frozenset({R.COORDINATOR}),
    # Tension alerts (rixes between neighbourhoods; no names). Raise, change the level, lift.
    "tensions.manage_alerts": frozenset({R.COORDINATOR}),
    # Read alerts: never sufficient; only the coordinator, the monitoring cell's active
    # members, the field teams' supervisors and members working for a police force
    # (object-level check in tensions/access.py); everyone else gets a 404.
    "tensions.view_alerts": frozenset(
        {
            R.COORDINATOR,
            R.DIRECTOR,
            R.ELECTED_OFFICIAL,
            R.PARTNER_MEMBER,
            R.MEDIATOR,
            R.PARK_WARDEN,
        }
    ),
    # Log a response (team deployed, partner alerted, police informed): the coordinator, the
    # monitoring cell's members and the field supervisors (tensions/access.py); not the police.
    "tensions.log_responses": frozenset(
        {
            R.COORDINATOR,
            R.DIRECTOR,
            R.ELECTED_OFFICIAL,
            R.PARTNER_MEMBER,
            R.MEDIATOR,
            R.PARK_WARDEN,
        }
    ),
    # Hold per-account API tokens (a partner's application calling the API in the holder's
    # name, in one territory, with the holder's rights: api/models.py).
    "api.hold_tokens": frozenset({R.COORDINATOR, R.DIRECTOR, R.PARTNER_MEMBER}),
    # See and revoke every API token of the territory.
    "api.manage_tokens": frozenset({R.COORDINATOR}),
    # Read the access log and answer "who saw this record" (RGPD art. 37-39: the DPO).
    "audit.view_access_log": frozenset({R.DATA_PROTECTION_OFFICER}),
    # Export the access log (the export itself is logged, with its reason).
    "audit.export_access_log": frozenset({R.DATA_PROTECTION_OFFICER}),
}


def roles_with(right: str) -> frozenset[Role]:
    return RIGHTS.get(right, frozenset())


# Roles that may reach nominative data must use multi-factor authentication (CNIL AU-038 and
# its 2020 audit: strong authentication for sensitive files). The technical administrator can
# create accounts, so a stolen password would open the door too: MFA for that role as well.
# Mediators and park wardens (field.log_presence) hold neither right: their daily log names no
# one (CNIL AU-038, minimisation; the public in aggregate only), so they sign in on a phone in
# the street with a password alone. Giving them a right that reaches names would bring them
# under MFA here by itself.
MFA_REQUIRED_ROLES: frozenset[Role] = (
    RIGHTS["core.reach_nominative_data"] | RIGHTS["accounts.manage_members"]
)

NOMINATIVE_ROLES: frozenset[Role] = RIGHTS["core.reach_nominative_data"]
