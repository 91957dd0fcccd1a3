"""The four kinds of follow-up, each in its own file. Importing this package registers them."""

from tranquillite.followups.workflows import (  # noqa: F401
    family_council,
    individual_support,
    law_reminder,
    victim_support,
)
