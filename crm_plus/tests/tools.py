"""Shared pieces of crm_plus's module tests."""
from trytond.tests.test_tryton import activate_module, drop_db


class CrmPlusDatabase:
    """Mixin of a test case with a database of its own where crm_plus is
    activated (restored from DB_CACHE when there is one), dropped after the
    case so that the next one starts clean"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


def run_task(task_id):
    """Run the queue task in a transaction of its own, as
    trytond.worker.run_task does (retried on a TransactionError)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    Queue = Pool().get('ir.queue')
    extras = {}
    while True:
        with Transaction().new_transaction(**extras) as transaction:
            try:
                Queue(task_id).run()
            except TransactionError as e:
                transaction.rollback()
                e.fix(extras)
                continue
        break
