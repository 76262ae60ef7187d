"""The roster in Excel: templates, import (preview, then commit all rows or none) and export.

sheets.py defines the five sheets once; reader.py reads a workbook, importer.py applies its rows
through the roster commands (service/commands/roster), imports.py holds the use cases.
"""

from service.commands.roster_excel.export import write_export
from service.commands.roster_excel.importer import STATUS_NAMES, Outcome
from service.commands.roster_excel.imports import (
    ImportRejected,
    ImportResult,
    commit,
    import_file,
    preview,
    upload,
)
from service.commands.roster_excel.reader import AUTO, MAX_FILE_BYTES, MAX_ROWS
from service.commands.roster_excel.sheets import SHEETS, SHEETS_BY_KIND, Sheet
from service.commands.roster_excel.template import MIME, template_workbook

__all__ = [
    "AUTO",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MIME",
    "SHEETS",
    "SHEETS_BY_KIND",
    "STATUS_NAMES",
    "ImportRejected",
    "ImportResult",
    "Outcome",
    "Sheet",
    "commit",
    "import_file",
    "preview",
    "template_workbook",
    "upload",
    "write_export",
]
