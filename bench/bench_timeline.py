#!/usr/bin/env python3
"""Time reading one customer's 360 view: the fields of the customer form and
the rows of its lists (contacts, contact mechanisms, timeline, unresolved
items...), for a customer with 1,000 interactions.

Usage (SQLite by default; the database is created by the trytond test tools,
set DB_CACHE to reuse an installed one):

    python bench/bench_timeline.py [--database-uri postgresql://...] \
        [--interactions 1000] [--runs 10]

It prints figures and asserts nothing.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--database-uri',
        default=os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://'))
    parser.add_argument('--database-name', default='bench_timeline')
    parser.add_argument('--interactions', type=int, default=1000)
    parser.add_argument('--runs', type=int, default=10)
    args = parser.parse_args()

    os.environ['TRYTOND_DATABASE_URI'] = args.database_uri
    os.environ['DB_NAME'] = (
        args.database_name if not args.database_uri.startswith('sqlite')
        else ':memory:')
    from trytond.tests.test_tryton import DB_NAME, activate_module
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    activate_module(['crm_plus'])
    print(f"database {args.database_uri} {DB_NAME}: ready in "
        f"{time.perf_counter() - start:.1f} s")

    with Transaction().start(DB_NAME, 0) as transaction:
        party_id = populate(args.interactions)
        transaction.commit()

    with Transaction().start(DB_NAME, 1, context={'_check_access': True}):
        pool = Pool()
        User = pool.get('res.user')
        context = User.get_preferences(context_only=True)
    with Transaction().start(
            DB_NAME, 1, readonly=True, context=context) as transaction:
        with transaction.set_context(_check_access=True):
            timings = []
            for _ in range(args.runs + 1):
                start = time.perf_counter()
                counts = read_360(party_id)
                timings.append((time.perf_counter() - start) * 1000)
                # no cache between runs but the one of the transaction
                transaction.cache.clear()
            timings = timings[1:]  # the first run warms the pool caches
        print(f"customer 360 view: {counts['timeline']} timeline rows, "
            f"{counts['unresolved']} unresolved items")
        print(f"read 360 view (customer form and its lists), "
            f"{args.runs} runs: min {min(timings):.1f} ms, "
            f"median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms")
        start = time.perf_counter()
        Timeline = pool.get('crm.customer.timeline')
        rows = Timeline.search([('party', '=', party_id)], limit=1000)
        Timeline.read(list(map(int, rows[:100])), [
                'date', 'kind', 'description', 'state', 'record',
                'record.rec_name'])
        print(f"full timeline (relate action): search {len(rows)} rows and "
            f"read the first 100: "
            f"{(time.perf_counter() - start) * 1000:.1f} ms")
        explain(party_id)


def populate(count):
    "Create a customer with count interactions and a few other documents"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    User = pool.get('res.user')

    currency, = Currency.create([{
                'name': 'Yuan', 'code': 'CNY', 'symbol': '¥'}])
    company_party, = Party.create([{'name': 'Bench Company'}])
    company, = Company.create([{
                'party': company_party.id, 'currency': currency.id}])
    User.write([User(1)], {
            'companies': [('add', [company.id])], 'company': company.id})
    others = Party.create([{'name': f'Other {i}'} for i in range(50)])
    customer, = Party.create([{'name': 'Bench Customer'}])
    with Transaction().set_context(company=company.id, user=1):
        create_documents(customer.id, count, others)
    return customer.id


def create_documents(party_id, count, others=()):
    """Create for party_id count interactions (one in twenty with a
    follow-up), 20 opportunities and 20 sales; as many interactions of the
    others, which the queries must skip"""
    from trytond.pool import Pool
    pool = Pool()
    Interaction = pool.get('crm.interaction')
    Opportunity = pool.get('sale.opportunity')
    Sale = pool.get('sale.sale')
    now = dt.datetime.now().replace(microsecond=0)
    types = ['call', 'email', 'meeting', 'visit', 'message', 'note']
    values = []
    for i in range(count):
        values.append({
                'party': party_id,
                'type': types[i % len(types)],
                'direction': 'outbound',
                'subject': f'Interaction {i}',
                'date': now - dt.timedelta(hours=i),
                'follow_up_date': (
                    (now + dt.timedelta(days=i % 30)).date()
                    if i % 20 == 0 else None),
                })
        if others:
            values.append({
                    'party': others[i % len(others)].id,
                    'type': 'call',
                    'direction': 'inbound',
                    'subject': f'Other {i}',
                    'date': now - dt.timedelta(hours=i),
                    })
    Interaction.create(values)
    Opportunity.create([{
                'party': party_id,
                'description': f'Opportunity {i}',
                'start_date': (now - dt.timedelta(days=i)).date(),
                } for i in range(20)])
    Sale.create([{
                'party': party_id,
                'description': f'Sale {i}',
                'sale_date': (now - dt.timedelta(days=i)).date(),
                } for i in range(20)])


def view_fields(view):
    "Return the field names a client reads for view"
    names = []
    for name, field in view['fields'].items():
        names.append(name)
        if field['type'] in {'many2one', 'reference'}:
            names.append(name + '.rec_name')
    return names


def read_360(party_id, view_id=None):
    """Read what the client reads to show a customer's form: the fields of
    the form (by default the customer form), then the rows of each list of
    the form with the fields of its list view"""
    from trytond.pool import Pool
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Party = pool.get('party.party')
    if view_id is None:
        view_id = ModelData.get_id('crm_plus', 'party_view_form_enterprise')
    form = Party.fields_view_get(view_id=view_id, view_type='form')
    party, = Party.read([party_id], view_fields(form))
    for name, field in form['fields'].items():
        if field['type'] not in {'one2many', 'many2many'} or not party[name]:
            continue
        view, = field['views'].values()
        Relation = pool.get(field['relation'])
        Relation.read(party[name], view_fields(view))
    return {
        'timeline': len(party['crm_timeline']),
        'unresolved': len(party['crm_unresolved']),
        }


def explain(party_id):
    "Print the plan of the timeline search on PostgreSQL"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond import backend
    if backend.name != 'postgresql':
        return
    pool = Pool()
    Timeline = pool.get('crm.customer.timeline')
    cursor = Transaction().connection.cursor()
    table = Timeline.__table__()
    tables, expression = Timeline.search_domain(
        [('party', '=', party_id)], tables={None: (table, None)})
    query = table.select(
        table.id, where=expression,
        order_by=[table.date.desc, table.id.desc])
    sql, params = tuple(query)
    cursor.execute('EXPLAIN ANALYZE ' + sql, params)
    print("plan of the timeline search:")
    for line, in cursor:
        print('   ', line)


if __name__ == '__main__':
    sys.exit(main())
