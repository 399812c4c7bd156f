"""Time the PDF render of a 20-line quotation (target < 300 ms, warm).

Run with the module's virtualenv, e.g.:
    DB_CACHE=/tmp/dbc python bench/bench_quotation.py [runs]
It installs crm_plus in a test database (SQLite unless
TRYTOND_DATABASE_URI says otherwise), prints figures and asserts nothing.
"""
import os
import statistics
import sys
import time
from decimal import Decimal

os.environ.setdefault('DB_NAME', ':memory:')

from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, USER, activate_module)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

LINES = 20


def main(runs=15):
    activate_module('crm_plus')
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.currency.tests import create_currency
    with Transaction().start(DB_NAME, USER, context={}):
        pool = Pool()
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Sale = pool.get('sale.sale')
        Report = pool.get('crm.sale.quotation', type='report')
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        with set_company(company):
            unit, = Uom.search([('name', '=', 'Unit')])
            templates = Template.create([{
                        'name': f"工业路由器 R{i:03d}",
                        'default_uom': unit.id,
                        'sale_uom': unit.id,
                        'type': 'goods',
                        'salable': True,
                        'list_price': Decimal(100 + i),
                        'products': [('create', [{}])],
                        } for i in range(LINES)])
            customer, = Party.create([{
                        'name': "上海星辰贸易有限公司",
                        'addresses': [('create', [{
                                        'street': "浦东新区世纪大道 88 号",
                                        'city': "上海",
                                        }])],
                        }])
            sale, = Sale.create([{
                        'party': customer.id,
                        'invoice_address': customer.addresses[0].id,
                        'shipment_address': customer.addresses[0].id,
                        'lines': [('create', [{
                                        'product': t.products[0].id,
                                        'description': t.name,
                                        'quantity': i + 1,
                                        'unit': unit.id,
                                        'unit_price': t.list_price,
                                        } for i, t in enumerate(templates)])],
                        }])
            Sale.quote([sale])
            timings, cpu = [], []
            for _ in range(runs + 1):
                start, start_cpu = time.perf_counter(), time.process_time()
                ext, content, _, _ = Report.execute([sale.id], {})
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            Transaction().rollback()
    cold, warm = timings[0], timings[1:]
    warm_cpu = cpu[1:]
    print(f"quotation PDF, {LINES} lines, {len(content)} bytes ({ext})")
    print(f"first render: {cold:.0f} ms")
    print(f"warm, {len(warm)} runs: median {statistics.median(warm):.0f} ms, "
        f"min {min(warm):.0f} ms, max {max(warm):.0f} ms (target < 300 ms)")
    # CPU time of the process: less sensitive to the other loads of a
    # shared machine than the wall-clock time
    print(f"warm CPU time: median {statistics.median(warm_cpu):.0f} ms, "
        f"min {min(warm_cpu):.0f} ms")
    print(f"load average: {' '.join(f'{l:.2f}' for l in os.getloadavg())}")


if __name__ == '__main__':
    main(*map(int, sys.argv[1:2]))
