"""Chinese names of the English codes, for people reading API responses and pages."""

ROLE_NAMES = {
    "unit_hr": "派出单位人事",
    "township": "乡镇党委政府",
    "county": "县驻村工作领导小组",
    "org_dept": "县委组织部",
    "rrb": "县乡村振兴局",
    "cadre": "驻村干部",
    "auditor": "审计监督",
    "admin": "系统管理员",
}
POSTING_ROLE_NAMES = {"first_secretary": "驻村第一书记", "team_member": "驻村工作队员"}
VILLAGE_CATEGORY_NAMES = {
    "poverty_alleviated": "“十三五”脱贫村",
    "key_assistance": "“十四五”省定乡村振兴重点帮扶村",
    "weak_party_org": "党组织软弱涣散村",
    "red_village": "省市红色名村",
}
# domain.md: only these categories get a work team besides the first secretary.
CATEGORIES_WITH_WORK_TEAM = frozenset({"poverty_alleviated", "key_assistance"})
ORG_KIND_NAMES = {"dispatch_unit": "派出单位", "township": "乡镇", "county_body": "县级机构"}
