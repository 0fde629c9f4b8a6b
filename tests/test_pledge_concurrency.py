"""Pledges of one credit code at the same moment, on the real PostgreSQL: confirming blocks nobody
(any number of confirmed pledges may wait for review), and of two approvals at once the
database lets exactly one through."""

import threading

import pytest
from django.db import connection

from pledges import services
from pledges.records import Pledge, PledgeState
from tests import factories

CODE = "91230500MA1B3N1N2M"


def at_once(action, items):
    """Run ``action(item)`` for every item in its own thread, all released at one moment; the
    outcomes ("done" or the exception's class name) in any order."""
    start = threading.Barrier(len(items))
    outcomes = []

    def run(item):
        try:
            start.wait()
            action(item)
            outcomes.append("done")
        except (services.ActivePledgeExists, services.TransitionError) as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_confirmations_for_one_code_all_wait_for_review():
    pledges = [factories.PledgeFactory(credit_code=CODE, email=f"m{n}@example.org") for n in range(2)]
    assert at_once(services.confirm_pledge, pledges) == ["done", "done"]
    assert Pledge.objects.filter(credit_code=CODE, state=PledgeState.CONFIRMED).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_simultaneous_approvals_for_one_code_exactly_one_wins(django_user_model):
    editor = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")
    pledges = [
        factories.PledgeFactory(credit_code=CODE, email=f"m{n}@example.org", state=PledgeState.CONFIRMED)
        for n in range(2)
    ]
    outcomes = at_once(lambda pledge: services.approve_pledge(pledge, editor), pledges)
    assert outcomes == ["ActivePledgeExists", "done"]
    assert Pledge.objects.filter(credit_code=CODE, state=PledgeState.APPROVED).count() == 1
    assert Pledge.objects.filter(credit_code=CODE, state=PledgeState.CONFIRMED).count() == 1
