"""Presence in the village (在村天数): the cadre records a month, the township confirms it (or
imports the month from Excel), and a month below the county's rule alerts the township and the
dispatch unit's HR. Each change is appended to the roster change log (entity `presence`)."""

from service.commands.presence.imports import import_presence, presence_template
from service.commands.presence.months import confirm_presence, record_presence

__all__ = ["confirm_presence", "import_presence", "presence_template", "record_presence"]
