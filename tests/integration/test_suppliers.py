"""Who acts for a cadre's supplier (commands/suppliers.py), the one choice behind a handover's Party
relation transfer and a recall's rectification and nomination; and whether a deployed version has
the supplier's step at all."""

from __future__ import annotations

import pytest

from service.commands.suppliers import SupplierRole, latest_version_reaches, supplier_role


@pytest.mark.parametrize(("cadre_id", "supplier_id", "expected"), [
    # the cadre's own organisation: a unit's HR, or the township for its own cadre
    ("c-wangqiang", None, SupplierRole("unit_hr", "unit-power")),
    ("c-xuming", None, SupplierRole("township", "tw-qingshan")),
    # a posting's supplier comes first, whatever the cadre's organisation
    ("c-wangqiang", "tw-baishui", SupplierRole("township", "tw-baishui")),
    ("c-xuming", "unit-edu", SupplierRole("unit_hr", "unit-edu")),
    # unknown, or neither a unit nor a township: the fallback unit's HR
    ("c-nobody", None, SupplierRole("unit_hr", "unit-hospital")),
    ("c-xuming", "no-such-org", SupplierRole("unit_hr", "unit-hospital")),
    ("c-xuming", "county", SupplierRole("unit_hr", "unit-hospital")),
])
def test_the_supplier_decides_who_acts(app, cadre_id, supplier_id, expected):
    with app.app_context():
        assert supplier_role(cadre_id, supplier_id, "unit-hospital") == expected


def test_the_deployed_recall_and_handover_reach_both_suppliers(app):
    with app.app_context():
        assert latest_version_reaches("recall", "township", "supplier_id")
        assert latest_version_reaches("recall", "unit_hr", "supplier_id")
        assert latest_version_reaches("handover", "township", "party_transfer_org_id")
        # the scope must name the field: the township's step is not scoped by the village's township
        assert not latest_version_reaches("recall", "township", "township_id")
        assert not latest_version_reaches("recall", "cadre", "supplier_id")
