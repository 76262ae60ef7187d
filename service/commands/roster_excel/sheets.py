"""The five roster sheets: their Chinese headers, the field each column fills and how its cells read.

One definition serves the template, the import and the export, so a file exported here imports
back unchanged. Columns without a field carry names for people (所属乡镇名称 next to 所属乡镇编码);
the import reads them only to find a code left blank (see importer.resolve_names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from service.commands.roster_excel import cells
from service.core.labels import (
    EMPLOYMENT_NAMES,
    PARTY_NAMES,
    POSTING_ROLE_NAMES,
    UNIT_KIND_NAMES,
    UNIT_LEVEL_NAMES,
    VILLAGE_CATEGORY_NAMES,
)

# Personnel forms (and older exports) write 非党员 where the label is 群众.
PARTY_ALIASES = {"非党员": "none", "中共党员": "formal"}
# Short names people write for the categories.
CATEGORY_ALIASES = {"十三五脱贫村": "poverty_alleviated", "脱贫村": "poverty_alleviated",
                    "十四五重点帮扶村": "key_assistance", "重点帮扶村": "key_assistance",
                    "乡村振兴重点帮扶村": "key_assistance", "软弱涣散村": "weak_party_org",
                    "红色名村": "red_village"}
DATE_WIDTH = 14


@dataclass(frozen=True)
class Column:
    header: str
    # The roster command's field; None for a name shown next to a code (see `names`).
    field: str | None
    parse: cells.Parser = cells.text(200)
    format: cells.Formatter = cells.plain
    required: bool = False  # for a new row; an existing row may leave it blank (kept as it is)
    example: Any = None
    # Labels offered by the template's drop-down list (one choice per cell).
    choices: tuple[str, ...] = ()
    width: int = 16
    is_date: bool = False
    # A code column: the entity it refers to ("township", "unit", "village", "cadre").
    refers: str | None = None
    # A name column: the code field whose entity's name it shows.
    names: str | None = None
    note: str = ""
    # Export only: the record's attribute this column shows when it fills no field (实际离任日期).
    shows: str | None = None

    @property
    def source(self) -> str:
        """The key of the export record that fills this column."""
        if self.field is not None:
            return self.field
        if self.names is not None:
            return self.names + ":name"
        return self.shows or self.header


@dataclass(frozen=True)
class Sheet:
    kind: str  # townships, villages, units, cadres, postings
    title: str  # the worksheet's name, and how the page names the kind
    entity: str  # the roster command's entity (save_<entity>)
    columns: tuple[Column, ...]
    # The fields that say which record a row is (a posting may give its 任职编号 instead).
    identity: tuple[str, ...] = ("id",)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)

    def header_of(self, name: str) -> str | None:
        column = self.column(name)
        return column.header if column else None


def _labels(names: dict[str, str]) -> tuple[str, ...]:
    return tuple(names.values())


def _date(header: str, name: str, *, required: bool = False, example: date | None = None,
          note: str = "") -> Column:
    return Column(header, name, cells.as_date, required=required, example=example, width=DATE_WIDTH,
                  is_date=True, note=note or "Excel 日期，或文字 2024-06-01")


def _yes_no(header: str, name: str, *, example: bool = False, note: str = "") -> Column:
    return Column(header, name, cells.yes_no, cells.yes_no_label, example=cells.YES_NO[example],
                  choices=("是", "否"), width=10, note=note)


TOWNSHIPS = Sheet("townships", "乡镇", "township", (
    Column("乡镇编码", "id", cells.code(), required=True, example="tw-example", width=18),
    Column("乡镇名称", "name", cells.text(200), required=True, example="示例镇", width=20),
))

UNITS = Sheet("units", "派出单位", "unit", (
    Column("单位编码", "id", cells.code(), required=True, example="unit-example", width=18),
    Column("单位名称", "name", cells.text(200), required=True, example="XX县示例局", width=26),
    Column("单位层级", "level", cells.choice(UNIT_LEVEL_NAMES), cells.label_of(UNIT_LEVEL_NAMES),
           required=True, example="县级", choices=_labels(UNIT_LEVEL_NAMES), width=10),
    Column("单位性质", "unit_kind", cells.choice(UNIT_KIND_NAMES), cells.label_of(UNIT_KIND_NAMES),
           required=True, example="党政机关", choices=_labels(UNIT_KIND_NAMES), width=12),
))

VILLAGES = Sheet("villages", "村", "village", (
    Column("村编码", "id", cells.code(), required=True, example="v-example", width=18),
    Column("村名称", "name", cells.text(200), required=True, example="示例村", width=16),
    Column("所属乡镇编码", "township_id", cells.code(), required=True, example="tw-example", width=18,
           refers="township"),
    Column("所属乡镇名称", None, cells.text(200), example="示例镇", width=16, names="township_id",
           note="仅供查看；乡镇编码空着时按名称查找"),
    Column("村类别", "categories", cells.choices(VILLAGE_CATEGORY_NAMES, CATEGORY_ALIASES),
           cells.labels_of(VILLAGE_CATEGORY_NAMES), required=True,
           example="“十三五”脱贫村、省市红色名村", width=44,
           note="可填多个，用“、”分隔，第一个为主类别：" + "、".join(VILLAGE_CATEGORY_NAMES.values())),
))

CADRES = Sheet("cadres", "干部", "cadre", (
    Column("干部编码", "id", cells.code(), required=True, example="c-example", width=16),
    Column("姓名", "name", cells.text(200), required=True, example="示例干部", width=10),
    Column("所在单位编码", "unit_id", cells.code(), required=True, example="unit-example", width=16,
           refers="org", note="派出单位编码；乡镇干部填乡镇编码"),
    Column("所在单位名称", None, cells.text(200), example="XX县示例局", width=22, names="unit_id",
           note="仅供查看；单位编码空着时按名称查找"),
    Column("政治面貌", "party_status", cells.choice(PARTY_NAMES, PARTY_ALIASES), cells.label_of(PARTY_NAMES),
           required=True, example="中共正式党员", choices=_labels(PARTY_NAMES), width=14),
    _date("入党时间", "party_member_since", example=date(2010, 7, 1)),
    _date("转正时间", "party_confirmed_on", example=date(2011, 7, 1),
          note="党龄从转正算起；Excel 日期，或文字 2024-06-01"),
    _date("参加工作时间", "work_start_date", example=date(2008, 8, 1)),
    Column("用工性质", "employment_type", cells.choice(EMPLOYMENT_NAMES), cells.label_of(EMPLOYMENT_NAMES),
           required=True, example="在编", choices=_labels(EMPLOYMENT_NAMES), width=10),
    _date("出生日期", "birth_date", example=date(1985, 4, 12)),
    Column("现任职务", "post", cells.text(200), example="办公室副主任", width=18),
    _yes_no("有涉农专长", "rural_expertise", note="有农村工作经验或涉农专业技术特长的优先选派"),
))

POSTINGS = Sheet("postings", "驻村任职", "posting", (
    Column("任职编号", "id", cells.whole_number, example=None, width=10,
           note="系统编号；新增任职留空（按干部、村、身份、起始日期识别）"),
    Column("干部编码", "cadre_id", cells.code(), required=True, example="c-example", width=16,
           refers="cadre"),
    Column("干部姓名", None, cells.text(200), example="示例干部", width=10, names="cadre_id",
           note="仅供查看；干部编码空着时按姓名查找"),
    Column("村编码", "village_id", cells.code(), required=True, example="v-example", width=18,
           refers="village"),
    Column("村名称", None, cells.text(200), example="示例村", width=12, names="village_id",
           note="仅供查看；村编码空着时按名称查找"),
    Column("驻村身份", "role", cells.choice(POSTING_ROLE_NAMES), cells.label_of(POSTING_ROLE_NAMES),
           required=True, example="驻村第一书记", choices=_labels(POSTING_ROLE_NAMES), width=14),
    _date("任职起始日期", "term_start", required=True, example=date(2025, 3, 1)),
    _date("计划期满日期", "planned_end", example=date(2027, 2, 28), note="任期不少于 2 年"),
    Column("实际离任日期", None, cells.as_date, example=None, width=DATE_WIDTH, is_date=True,
           shows="term_end", note="仅供查看：结束任职请走工作交接或名册的“结束任职”"),
    Column("选派单位编码", "supplier_id", cells.code(), example="unit-example", width=16, refers="org",
           note="派出单位；乡镇补齐的工作队员填乡镇编码"),
    Column("选派单位名称", None, cells.text(200), example="XX县示例局", width=22, names="supplier_id",
           note="仅供查看；选派单位编码空着时按名称查找"),
    _yes_no("兼任工作队队长", "leads_team", example=True, note="有工作队的村，第一书记兼任队长"),
    Column("任职状态", None, cells.text(10), lambda active: "在任" if active else "已离任", example="在任",
           width=10, shows="active", note="仅供查看"),
), identity=("cadre_id", "village_id", "role", "term_start"))

# In the order an import applies them: what a row refers to is written before it.
SHEETS: tuple[Sheet, ...] = (TOWNSHIPS, UNITS, VILLAGES, CADRES, POSTINGS)
SHEETS_BY_KIND = {s.kind: s for s in SHEETS}
SHEETS_BY_TITLE = {s.title: s for s in SHEETS}
