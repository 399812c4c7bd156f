#!/usr/bin/env python3
"""Customer search and 360 view speed of crm_plus on PostgreSQL.

Creates a database with crm_plus activated (trytond-admin), fills it with N
enterprise customers (default 100,000; --million for 1,000,000) written with
COPY in the form the ORM stores them: party code from the party sequence,
normalised name, sales representative owner and team, a USCC identifier
with a valid check digit, a landline, a mobile (international format and
E.164 compact value) and an email; every tenth customer has two contact
persons and every fifth customer three interactions.  One more customer has
1,000 interactions, 20 opportunities, 20 sales and open follow-ups.

Then it times, through the model API with the access rules of RPC calls
(``_check_access``), as the administrator and as a sales representative:

- name: ``('rec_name', 'ilike', '%fragment%')`` of a name fragment
- phone: ``('rec_name', 'ilike', '%13912345678%')``, a mobile typed in the
  search box
- uscc: ``('crm_uscc', 'ilike', '%code%')``, the USCC field of the filter
- uscc (rec_name): ``('rec_name', 'ilike', '%code%')``

and reads the 360 view (the customer form) of the customer with 1,000
interactions.  It prints p50/p95 figures and asserts nothing.

    python bench/bench_search.py [--million] [--reuse] [--drop]

--reuse keeps the filled database of a previous run (its models are updated
with trytond-admin -u crm_plus first, so that new indexes are created).
"""
import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_customers import (  # noqa: E402
    configure, create_database, percentiles, update_database)
from bench_timeline import create_documents, read_360  # noqa: E402
from gen_customers import unique_word  # noqa: E402

URI = os.environ.get(
    'TRYTOND_DATABASE_URI', 'postgresql://root@127.0.0.1:5432/')

CITIES = [
    ('北京', '10'), ('上海', '21'), ('广州', '20'), ('深圳', '755'),
    ('杭州', '571'), ('南京', '25'), ('成都', '28'), ('武汉', '27'),
    ('天津', '22'), ('重庆', '23')]
TRADES = ['机械', '科技', '贸易', '电子', '食品', '物流', '建材', '医药',
    '化工', '软件', '纺织', '汽配']
FORMS = ['有限公司', '股份有限公司', '有限责任公司', '集团有限公司']
SURNAMES = list('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗')
GIVEN = list('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚')
REPS = 50
TEAM_SIZE = 10
POOL_RATIO = 10  # one customer in POOL_RATIO has no owner


def brand(index):
    "The unique brand word of customer index"
    word = unique_word(index)
    # at least 3 characters, so that every brand has a trigram
    return (word + '集团')[:max(3, len(word))]


def customer(index):
    "Return the values of customer index (the same on every call)"
    from stdnum.cn import uscc
    city, area = CITIES[index % len(CITIES)]
    trade = TRADES[(index * 7) % len(TRADES)]
    name = city + brand(index) + trade + FORMS[(index * 3) % len(FORMS)]
    body = '91%06d%09d' % (110000 + index % 800000, index)
    code = body + uscc.calc_check_digit(body)
    local = '%08d' % (20000000 + index)
    landline = '+86 %s %s %s' % (area, local[:4], local[4:])
    landline_compact = '+86%s%s' % (area, local)
    prefix = '1%d%d' % ((3, 5, 8)[index % 3], 0 + index % 10)
    number = '%08d' % (index % 100_000_000)
    mobile = '+86 %s %s %s' % (prefix, number[:4], number[4:])
    mobile_compact = '+86%s%s' % (prefix, number)
    email = 'contact%d@c%d.example.cn' % (index, index % 1000)
    return {
        'name': name,
        'uscc': code,
        'landline': (landline, landline_compact),
        'mobile': (mobile, mobile_compact),
        'email': email,
        }


def person(index):
    rng = random.Random(index)
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def retry(name, func, context=None):
    "Run func in a transaction, committed, retrying for the locks it takes"
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().start(
                name, 0, context=context, **extras) as transaction:
            try:
                result = func()
                transaction.commit()
                return result
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)


def setup_organisation(name):
    """Create the company, the sales representatives (users in the sales
    representative group with an employee) in teams of TEAM_SIZE with team
    sharing on; return (company id, [employee ids], [user ids])"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    Company = pool.get('company.company')
    Configuration = pool.get('crm.configuration')
    Currency = pool.get('currency.currency')
    Employee = pool.get('company.employee')
    ModelData = pool.get('ir.model.data')
    Party = pool.get('party.party')
    Team = pool.get('crm.team')
    User = pool.get('res.user')

    with Transaction().start(name, 0):
        companies = Company.search([])
        if companies:
            company, = companies
            employees = Employee.search(
                [('party.name', 'like', 'Rep %')], order=[('id', 'ASC')])
            users = User.search(
                [('login', 'like', 'rep%')], order=[('id', 'ASC')])
            return company.id, [e.id for e in employees], [
                u.id for u in users]

    def create():
        transaction = Transaction()
        currency, = Currency.create([{
                    'name': 'Yuan', 'code': 'CNY', 'symbol': '¥'}])
        company_party, = Party.create([{'name': 'Bench Search Company'}])
        company, = Company.create([{
                    'party': company_party.id, 'currency': currency.id}])
        admin, = User.search([('login', '=', 'admin')])
        User.write([admin], {
                'companies': [('add', [company.id])],
                'company': company.id})
        rep_group = ModelData.get_id('crm_plus', 'group_sales_rep')
        with transaction.set_context(company=company.id):
            parties = Party.create([
                    {'name': f'Rep {i:02d}'} for i in range(REPS)])
            employees = Employee.create([{
                        'party': p.id, 'company': company.id}
                    for p in parties])
            users = User.create([{
                        'login': f'rep{i:02d}',
                        'name': f'Rep {i:02d}',
                        'groups': [('add', [rep_group])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [e.id])],
                        'employee': e.id,
                        } for i, e in enumerate(employees)])
            Team.create([{
                        'name': f'Team {t}',
                        'company': company.id,
                        'members': [('add', [
                                    e.id for e in employees[
                                        t * TEAM_SIZE:(t + 1) * TEAM_SIZE]])],
                        } for t in range(REPS // TEAM_SIZE)])
            config = Configuration(1)
            config.crm_team_sharing = True
            config.save()
        return company.id, [e.id for e in employees], [u.id for u in users]
    return retry(name, create)


class Copier:
    "Write rows to a table with COPY"

    def __init__(self, cursor, table, columns):
        self.cursor = cursor
        self.table = table
        self.columns = columns
        self.buffer = io.StringIO()
        self.count = 0

    @staticmethod
    def _format(value):
        if value is None:
            return '\\N'
        if value is True:
            return 't'
        if value is False:
            return 'f'
        return str(value).replace('\\', '\\\\').replace(
            '\t', '\\t').replace('\n', '\\n')

    def add(self, *values):
        self.buffer.write('\t'.join(map(self._format, values)) + '\n')
        self.count += 1

    def flush(self):
        data = self.buffer.getvalue()
        self.buffer = io.StringIO()
        if not data:
            return
        sql = 'COPY %s (%s) FROM STDIN' % (
            self.table, ', '.join('"%s"' % c for c in self.columns))
        with self.cursor.copy(sql) as copy:
            copy.write(data)


def next_ids(cursor, table, count):
    "Reserve count ids of table and return the first"
    cursor.execute(
        "SELECT setval('%s_id_seq', nextval('%s_id_seq') + %%s) - %%s + 1"
        % (table, table), (count, count))
    first, = cursor.fetchone()
    return first


def drop_indexes(cursor, tables):
    """Drop the indexes of tables which back no constraint and return the
    statements which create them again: COPY into tables without trigram
    indexes and indexing afterwards is many times faster"""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)", (list(tables),))
    definitions = []
    for index_name, definition in cursor.fetchall():
        cursor.execute('DROP INDEX "%s"' % index_name)
        definitions.append(definition)
    return definitions


def populate(name, count, company_id, employee_ids, user_ids):
    """Write count customers with COPY, the values the ORM would store.
    Return the id of the customer with 1,000 interactions."""
    from trytond.modules.crm_plus.customer.normalize import normalize_name
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    Configuration = pool.get('party.configuration')
    Sequence = pool.get('ir.sequence')

    with Transaction().start(name, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(
            "SELECT COUNT(*) FROM party_party WHERE crm_kind = 'enterprise'")
        existing, = cursor.fetchone()
        if existing >= count:
            cursor.execute(
                "SELECT id FROM party_party WHERE name = %s",
                ('360 Bench Customer',))
            row = cursor.fetchone()
            print(f"{existing} customers already there")
            return row[0] if row else None

        started = time.monotonic()
        now = dt.datetime.now().replace(microsecond=0)
        sequence = Configuration(1).party_sequence
        code_start = sequence.number_next
        teams = {}
        cursor.execute(
            'SELECT team, employee FROM "crm_team-company_employee"')
        for team, employee in cursor:
            teams[employee] = team

        indexes = drop_indexes(cursor, [
                'party_party', 'party_identifier', 'party_contact_mechanism',
                'crm_customer_owner_history', 'crm_contact',
                'crm_interaction'])
        party_ids = next_ids(cursor, 'party_party', count)
        parties = Copier(cursor, 'party_party', [
                'id', 'code', 'name', 'active', 'crm_kind', 'crm_owner',
                'crm_team', 'crm_lifecycle', 'crm_name_normalized',
                'create_uid', 'create_date'])
        identifiers = Copier(cursor, 'party_identifier', [
                'party', 'type', 'code', 'code_compact', 'active',
                'create_uid', 'create_date'])
        mechanisms = Copier(cursor, 'party_contact_mechanism', [
                'party', 'type', 'value', 'value_compact', 'active',
                'crm_primary', 'sequence', 'create_uid', 'create_date'])
        histories = Copier(cursor, 'crm_customer_owner_history', [
                'party', 'date', 'user', 'new_owner', 'new_team',
                'create_uid', 'create_date'])
        rng = random.Random(42)
        for index in range(count):
            values = customer(index)
            party_id = party_ids + index
            owner = (None if index % POOL_RATIO == 0
                else employee_ids[rng.randrange(len(employee_ids))])
            team = teams.get(owner)
            parties.add(
                party_id, str(code_start + index), values['name'], True,
                'enterprise', owner, team, 'potential',
                normalize_name(values['name']), 0, now)
            identifiers.add(
                party_id, 'cn_vat', values['uscc'], values['uscc'], True, 0,
                now)
            mechanisms.add(party_id, 'phone', *values['landline'],
                True, False, 10, 0, now)
            mechanisms.add(party_id, 'mobile', *values['mobile'],
                True, True, 20, 0, now)
            mechanisms.add(party_id, 'email', values['email'],
                values['email'], True, True, 30, 0, now)
            if owner:
                histories.add(party_id, now.date(), 0, owner, team, 0, now)
            if index % 20_000 == 0:
                for copier in [parties, identifiers, mechanisms, histories]:
                    copier.flush()
        for copier in [parties, identifiers, mechanisms, histories]:
            copier.flush()
        Sequence.write([sequence], {'number_next': code_start + count})
        print(f"{count} customers written in "
            f"{time.monotonic() - started:.0f} s")

        # Two contact persons for one customer in ten
        started = time.monotonic()
        enterprises = list(range(0, count, 10))
        person_ids = next_ids(cursor, 'party_party', 2 * len(enterprises))
        persons = Copier(cursor, 'party_party', [
                'id', 'code', 'name', 'active', 'crm_lifecycle',
                'crm_name_normalized', 'create_uid', 'create_date'])
        contacts = Copier(cursor, 'crm_contact', [
                'enterprise', 'person', 'position', 'active', 'primary',
                'create_uid', 'create_date'])
        code = code_start + count
        for i, index in enumerate(enterprises):
            for j in range(2):
                person_id = person_ids + 2 * i + j
                person_name = person(2 * i + j)
                persons.add(person_id, str(code), person_name, True,
                    'potential', normalize_name(person_name), 0, now)
                code += 1
                contacts.add(party_ids + index, person_id,
                    ['总经理', '采购经理'][j], True, j == 0, 0, now)
        persons.flush()
        contacts.flush()
        Sequence.write([sequence], {'number_next': code})

        # Three interactions for one customer in five
        interactions = Copier(cursor, 'crm_interaction', [
                'company', 'party', 'type', 'date', 'direction', 'subject',
                'user', 'create_uid', 'create_date'])
        types = ['call', 'email', 'meeting', 'visit', 'message', 'note']
        for index in range(0, count, 5):
            for j in range(3):
                interactions.add(company_id, party_ids + index,
                    types[(index + j) % len(types)],
                    now - dt.timedelta(days=(index + j) % 700), 'outbound',
                    f'跟进 {index}-{j}', 1, 0, now)
        interactions.flush()
        print(f"contacts and interactions written in "
            f"{time.monotonic() - started:.0f} s")
        started = time.monotonic()
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in indexes:
            cursor.execute(definition)
        transaction.commit()
        print(f"{len(indexes)} indexes created in "
            f"{time.monotonic() - started:.0f} s")

    return populate_360(name, company_id, employee_ids)


def populate_360(name, company_id, employee_ids, count=1000):
    """Create with the ORM the customer of the 360 view: owned by the first
    sales representative, with count interactions (one in twenty with a
    follow-up), 20 opportunities, 20 sales and 5 contacts"""
    from trytond.pool import Pool
    pool = Pool(name)
    Party = pool.get('party.party')
    Contact = pool.get('crm.contact')

    started = time.monotonic()

    def create():
        party, = Party.create([{
                    'name': '360 Bench Customer',
                    'crm_kind': 'enterprise',
                    'crm_owner': employee_ids[0],
                    'crm_uscc': customer(99_999_998)['uscc'],
                    'contact_mechanisms': [('create', [
                                {'type': 'mobile', 'value': '13900000000'},
                                {'type': 'email',
                                    'value': 'bench360@example.cn'},
                                ])],
                    }])
        Contact.create([{
                    'enterprise': party.id,
                    'person_name': person(10_000_000 + i),
                    'position': '经理',
                    } for i in range(5)])
        create_documents(party.id, count)
        return party.id
    customer_id = retry(name, create, context={
            'company': company_id, '_crm_skip_duplicate_check': True,
            })
    print(f"360 customer created in {time.monotonic() - started:.0f} s")
    return customer_id


def check_sample(name, company_id):
    """Create one customer with the ORM from the generator values and
    print the stored values which differ from the generated ones"""
    from trytond.pool import Pool
    pool = Pool(name)
    Party = pool.get('party.party')
    index = 7_654_321
    values = customer(index)

    class Rollback(Exception):
        pass

    def check():
        party, = Party.create([{
                    'name': values['name'],
                    'crm_kind': 'enterprise',
                    'crm_uscc': values['uscc'],
                    'contact_mechanisms': [('create', [
                                {'type': 'phone',
                                    'value': values['landline'][1]},
                                {'type': 'mobile',
                                    'value': values['mobile'][1]},
                                {'type': 'email', 'value': values['email']},
                                ])],
                    }])
        from trytond.modules.crm_plus.customer.normalize import (
            normalize_name)
        differences = []
        if party.crm_name_normalized != normalize_name(values['name']):
            differences.append(('name', party.crm_name_normalized))
        identifier, = party.identifiers
        if (identifier.type, identifier.code, identifier.code_compact) != (
                'cn_vat', values['uscc'], values['uscc']):
            differences.append(('uscc', identifier.code,
                    identifier.code_compact))
        for mechanism in party.contact_mechanisms:
            expected = {
                'phone': values['landline'],
                'mobile': values['mobile'],
                'email': (values['email'], values['email']),
                }[mechanism.type]
            if (mechanism.value, mechanism.value_compact) != expected:
                differences.append((mechanism.type, mechanism.value,
                        mechanism.value_compact, expected))
        print("generated rows like ORM ones:",
            'yes' if not differences else differences)
        raise Rollback
    try:
        retry(name, check, context={
                'company': company_id, '_crm_skip_duplicate_check': True,
                })
    except Rollback:
        pass


def search_kinds(count):
    "Return {label: function(i) -> domain} of the timed searches"
    rng = random.Random(1)
    sample = [rng.randrange(count) for _ in range(1000)]

    def name(i):
        index = sample[i]
        return [('rec_name', 'ilike', '%' + brand(index)
                + TRADES[(index * 7) % len(TRADES)] + '%')]

    def phone(i):
        mobile = customer(sample[i])['mobile'][1][3:]
        return [('rec_name', 'ilike', '%' + mobile + '%')]

    def uscc(i):
        return [('crm_uscc', 'ilike', '%' + customer(sample[i])['uscc'] + '%')]

    def uscc_rec_name(i):
        return [('rec_name', 'ilike', '%' + customer(sample[i])['uscc'] + '%')]

    return {
        'name': name,
        'phone': phone,
        'uscc': uscc,
        'uscc (rec_name)': uscc_rec_name,
        }


def time_searches(name, user_id, kinds, repeat, limit):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    Party = pool.get('party.party')
    User = pool.get('res.user')
    with Transaction().start(name, user_id, context={'_check_access': True}):
        context = User.get_preferences(context_only=True)
    context['_check_access'] = True
    results = {}
    for label, make in kinds.items():
        timings, found = [], 0
        with Transaction().start(
                name, user_id, readonly=True, context=context) as transaction:
            # warm the caches of the pool and the rules
            Party.search(make(repeat), limit=limit)
            for i in range(repeat):
                domain = make(i)
                start = time.perf_counter()
                parties = Party.search(domain, limit=limit)
                timings.append(time.perf_counter() - start)
                found += bool(parties)
                transaction.cache.clear()
        results[label] = percentiles(timings) + (found, repeat)
    return results


def explain(name, user_id, domain, limit):
    "Print the plan of the search of domain for user"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    Party = pool.get('party.party')
    with Transaction().start(name, user_id, readonly=True, context={
                '_check_access': True}) as transaction:
        query = Party.search(domain, limit=limit, query=True)
        cursor = transaction.connection.cursor()
        cursor.execute('EXPLAIN ANALYZE ' + str(query), query.params)
        for line, in cursor:
            print('   ', line)


def time_360(name, user_id, party_id, runs):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    User = pool.get('res.user')
    with Transaction().start(name, user_id, context={'_check_access': True}):
        context = User.get_preferences(context_only=True)
    with Transaction().start(
            name, user_id, readonly=True, context=context) as transaction:
        with transaction.set_context(_check_access=True):
            timings = []
            for _ in range(runs + 1):
                start = time.perf_counter()
                counts = read_360(party_id)
                timings.append(time.perf_counter() - start)
                transaction.cache.clear()
    return percentiles(timings[1:]) + (counts,)


def load():
    return ', '.join('%.2f' % l for l in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--million', action='store_true',
        help="1,000,000 customers")
    parser.add_argument('--database',
        help="default bench_search_100k or bench_search_1m")
    parser.add_argument('--repeat', type=int, default=200,
        help="searches of each kind and user")
    parser.add_argument('--limit', type=int, default=20,
        help="the limit of the searches")
    parser.add_argument('--runs-360', type=int, default=20)
    parser.add_argument('--reuse', action='store_true',
        help="keep the database of a previous run (updating crm_plus)")
    parser.add_argument('--no-update', action='store_true',
        help="with --reuse, do not update crm_plus")
    parser.add_argument('--explain', action='store_true',
        help="print the plan of one search of each kind")
    parser.add_argument('--drop', action='store_true',
        help="drop the database at the end")
    args = parser.parse_args()
    count = 1_000_000 if args.million else args.customers
    name = args.database or (
        'bench_search_1m' if count >= 1_000_000
        else 'bench_search_%dk' % (count // 1000))

    folder = tempfile.mkdtemp(prefix='bench-search-')
    os.environ['TRYTOND_DATABASE_URI'] = URI
    configure(folder)

    started = time.monotonic()
    if not args.reuse:
        create_database(name, folder)
        print(f"database {name} created in "
            f"{time.monotonic() - started:.0f} s")
    elif not args.no_update:
        update_database(name, folder)
        print(f"database {name} updated in "
            f"{time.monotonic() - started:.0f} s")

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(name).init()
    company_id, employee_ids, user_ids = setup_organisation(name)
    party_360 = populate(name, count, company_id, employee_ids, user_ids)
    if party_360 is None:
        party_360 = populate_360(name, company_id, employee_ids)
    check_sample(name, company_id)
    with Transaction().start(name, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('ANALYZE')
        transaction.commit()
        cursor.execute('SELECT COUNT(*) FROM party_party')
        parties, = cursor.fetchone()
        admin_id, = [u.id for u in Pool().get('res.user').search(
                    [('login', '=', 'admin')])]
    print(f"{parties} parties, {count} customers; load {load()}")

    kinds = search_kinds(count)
    users = [('admin', admin_id), ('rep', user_ids[0])]
    for label, user_id in users:
        print(f"searches as {label} (limit {args.limit}, "
            f"{args.repeat} of each kind), load {load()}:")
        for kind, (p50, p95, found, total) in time_searches(
                name, user_id, kinds, args.repeat, args.limit).items():
            print(f"    {kind}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                f"({found}/{total} found)")
        if args.explain:
            for kind, make in kinds.items():
                print(f"plan of {kind} as {label}:")
                explain(name, user_id, make(0), args.limit)
    for label, user_id in users:
        p50, p95, counts = time_360(name, user_id, party_360, args.runs_360)
        print(f"360 view as {label} ({counts['timeline']} timeline rows, "
            f"{counts['unresolved']} unresolved, {args.runs_360} runs): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, load {load()}")

    if args.drop:
        from trytond import backend
        backend.Database.clear_cache()
        Pool.stop(name)
        # Its pooled connections would keep the database in use
        backend.Database(name).close()
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            transaction.database.drop(transaction.connection, name)
        print(f"database {name} dropped")


if __name__ == '__main__':
    sys.exit(main())
