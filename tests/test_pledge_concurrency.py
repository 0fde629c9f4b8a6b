"""Two confirmations of pledges for one credit code at the same moment, on the real
PostgreSQL: the database lets exactly one become active."""

import threading

import pytest
from django.db import connection

from pledges import services
from pledges.records import Pledge, PledgeState
from tests import factories

CODE = "91230500MA1B3N1N2M"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_simultaneous_confirmations_for_one_code_exactly_one_wins():
    pledges = [factories.PledgeFactory(credit_code=CODE, email=f"m{n}@example.org") for n in range(2)]
    start = threading.Barrier(len(pledges))
    outcomes = []

    def confirm(pledge):
        try:
            start.wait()
            services.confirm_pledge(pledge)
            outcomes.append("confirmed")
        except services.ActivePledgeExists:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=confirm, args=(pledge,)) for pledge in pledges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["confirmed", "refused"]
    assert Pledge.objects.filter(credit_code=CODE, state=PledgeState.CONFIRMED).count() == 1
    assert Pledge.objects.filter(credit_code=CODE, state=PledgeState.SUBMITTED).count() == 1
