from decimal import Decimal

import pytest

from opensrm.core.errors import ValidationFailed, VersionMismatch
from opensrm.core.services import record_delete, record_restore, record_update
from opensrm.core.visibility import visible
from opensrm.crm.models import Account, Contact, Opportunity, StageChange
from opensrm.crm.services import opportunity_move_stage
from tests.factories import make_account, make_opportunity


def test_visibility_and_lifecycle(org, pipeline):
    acc = make_account(org.rep_a)
    Contact.objects.create(account=acc, name="Li Lei", owner=org.rep_a)
    opp = make_opportunity(acc, org.rep_a, pipeline)
    assert list(visible(org.rep_b, Account.objects.all())) == []
    assert list(visible(org.manager_a, Account.objects.all())) == [acc]
    assert list(visible(org.manager_b, Account.objects.all())) == []
    assert list(visible(org.viewer, Opportunity.objects.all())) == [opp]
    won = pipeline.stages.get(is_won=True)
    opp = opportunity_move_stage(opportunity=opp, stage=won, actor=org.rep_a, expected_version=opp.version)
    assert opp.version == 2 and opp.closed_at is not None
    assert StageChange.objects.filter(opportunity=opp).count() == 2
    with pytest.raises(VersionMismatch):
        record_update(instance=opp, actor=org.rep_a, data={"amount": Decimal("5")}, expected_version=1)
    with pytest.raises(ValidationFailed) as err:
        record_update(instance=acc, actor=org.rep_a, data={"lat": 200}, expected_version=None)
    assert "lat" in err.value.field_errors
    record_delete(instance=acc, actor=org.rep_a, expected_version=acc.version)
    assert Account.objects.count() == 0 and Opportunity.objects.count() == 0 and Contact.objects.count() == 0
    record_restore(model=Account, pk=acc.pk, actor=org.rep_a)
    assert Account.objects.count() == 1 and Opportunity.objects.count() == 1 and Contact.objects.count() == 1
    assert acc.history.count() >= 3
