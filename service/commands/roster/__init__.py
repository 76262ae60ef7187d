"""Changes to the county's roster (乡镇, 村, 派出单位, 干部, 任职), each one logged.

Every save_* upserts one record by its id and must run inside the caller's unit_of_work(): the
API wraps one call, the Excel import all rows of a file. Values are codes (not Chinese labels),
dates are datetime.date, flags bool. A save that changes nothing returns None and writes nothing;
otherwise it returns the RosterChange it appended. validate_* checks the fields only (no
permission, no writes) and returns {field: [Chinese messages]}.
"""

from service.commands.roster.cadre import cadre_warnings, save_cadre, validate_cadre
from service.commands.roster.permissions import may_edit_roster
from service.commands.roster.posting import end_posting, save_posting, validate_posting
from service.commands.roster.township import save_township, validate_township
from service.commands.roster.unit import save_unit, validate_unit
from service.commands.roster.village import save_village, validate_village

__all__ = [
    "cadre_warnings",
    "end_posting",
    "may_edit_roster",
    "save_cadre",
    "save_posting",
    "save_township",
    "save_unit",
    "save_village",
    "validate_cadre",
    "validate_posting",
    "validate_township",
    "validate_unit",
    "validate_village",
]
