"""Fill a PostgreSQL crm_plus database with many customers and sale lines.

Import it (``bench/`` on ``sys.path``)::

    from gen_sales import generate
    info = generate('crm_x_big', customers=1_000_000, lines=10_000_000)

or run it::

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/gen_sales.py crm_x_big [-c 1000000] [-l 10000000]

``generate(database, customers=1_000_000, lines=10_000_000, *, uri=None,
seed=42, categories=20, products=10, representatives=50, teams=8,
years=3, usd_share=0.03, return_share=0.005, code_prefix='B',
log=print) -> dict``

- creates the database (``CREATE DATABASE`` then ``trytond-admin -u
  crm_plus --activate-dependencies``, password ``admin``) when it does not
  exist; ``uri`` defaults to ``TRYTOND_DATABASE_URI``;
- through the ORM: a company in CNY, the USD currency with monthly rates
  over the period, ``representatives`` employees in ``teams`` sales teams,
  industries, sources and levels, the Chinese provinces as country
  subdivisions (linked to ``crm.region``), ``categories`` product
  categories named ``类别 0``... of ``products`` products each (list and
  cost prices), and one template customer, address, sale and line;
- by COPY (psycopg, in one transaction, the secondary indexes and the
  foreign keys of ``party_party``, ``party_address``, ``sale_sale`` and
  ``sale_line`` dropped then recreated): ``customers`` parties (70 %
  individuals with gender and birthday, 30 % enterprises with industry and
  size; source, level, lifecycle, owner and his team; party code
  ``code_prefix + i``), one address each (province, city and district of
  ``crm.region``), and sales over the last ``years`` years (quotation,
  confirmed, processing, done, cancelled; recent sales more often open;
  ``usd_share`` in USD; number ``code_prefix + i``) of 1-5 lines totalling
  ``lines`` (quantity, unit price near the list price, ``return_share`` of
  the lines of done sales returns with a negative quantity); then ``VACUUM
  ANALYZE`` of the four tables.

Returns ``{'company', 'currency', 'usd', 'employees', 'teams',
'categories', 'products', 'customers', 'sales', 'lines', 'first_party',
'seconds'}`` (ids; ``categories`` maps name to id; ``seconds`` maps step to
seconds).  It does not check whether the data was already generated:
``generated(database, code_prefix)`` tells.
"""
import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

BIG_TABLES = ['party_party', 'party_address', 'sale_sale', 'sale_line']
SURNAMES = list('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹'
    '彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏'
    '韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔')
GIVEN = list('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国文辉力'
    '玲红梅鹏飞波宇浩然婷雪琳晨阳欣怡子涵思雨嘉俊博')
WORDS = list('华信达通瑞丰德盛隆恒泰嘉宏远鑫源海天博创联合新星金力安康')
TRADES = ['机械', '科技', '贸易', '电子', '食品', '物流', '建材', '医药',
    '化工', '软件', '纺织', '汽配']
FORMS = ['有限公司', '股份有限公司', '有限责任公司', '集团有限公司']
INDUSTRIES = ['制造业', '批发零售', '信息技术', '金融', '教育', '医疗健康',
    '建筑地产', '物流运输', '餐饮酒店', '农业', '能源', '文化传媒']
LEVELS = ['VIP', '重要客户', '普通客户', '潜力客户']
SOURCES = ['展会', '转介绍', '搜索引擎', '官网表单', '电话开发', '社交媒体']
HEADCOUNTS = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1000+']
STATES = ['quotation', 'confirmed', 'processing', 'done', 'cancelled']


def uri_of(uri=None):
    return (uri or os.environ.get('TRYTOND_DATABASE_URI')
        or 'postgresql://root@127.0.0.1:5432/')


def _dsn(uri, database):
    return uri.rstrip('/') + '/' + database


def database_exists(database, uri=None):
    import psycopg
    with psycopg.connect(_dsn(uri_of(uri), 'postgres')) as conn:
        return bool(conn.execute('SELECT 1 FROM pg_database '
                'WHERE datname = %s', (database,)).fetchone())


def create_database(database, uri=None):
    "CREATE DATABASE and activate crm_plus (admin password: admin)"
    import psycopg
    uri = uri_of(uri)
    with psycopg.connect(_dsn(uri, 'postgres'), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name,
            TRYTOND_DATABASE_URI=uri)
        subprocess.run([sys.executable, '-m', 'trytond.cli.admin',
                '-d', database, '--all', '-u', 'crm_plus',
                '--activate-dependencies'],
            input='\n', text=True, check=True, env=env)


def generated(database, code_prefix='B', uri=None):
    "Whether the customer of code code_prefix + '0' exists"
    import psycopg
    if not database_exists(database, uri):
        return False
    with psycopg.connect(_dsn(uri_of(uri), database)) as conn:
        return bool(conn.execute('SELECT 1 FROM party_party WHERE code = %s',
                (code_prefix + '0',)).fetchone())


# Setup through the ORM -------------------------------------------------------

def _get_or_create(Model, names, **values):
    existing = {r.name: r for r in Model.search([('name', 'in', names)])}
    missing = [n for n in names if n not in existing]
    if missing:
        for record in Model.create([dict(values, name=n) for n in missing]):
            existing[record.name] = record
    return [existing[n] for n in names]


def _currency(code, name, symbol):
    Currency = __import__('trytond.pool', fromlist=['Pool']).Pool().get(
        'currency.currency')
    currencies = Currency.search([('code', '=', code)])
    if currencies:
        return currencies[0]
    currency, = Currency.create([{'code': code, 'name': name,
                'symbol': symbol, 'digits': 2, 'rounding': Decimal('0.01')}])
    return currency


def setup(rng, categories, products, representatives, teams, years, today):
    "The small records, made through the ORM; returns their ids"
    from trytond.modules.company.tests import set_company
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Rate = pool.get('currency.currency.rate')
    Employee = pool.get('company.employee')
    Team = pool.get('crm.team')
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    Region = pool.get('crm.region')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Sale = pool.get('sale.sale')
    ModelData = pool.get('ir.model.data')

    cny = _currency('CNY', '人民币', '¥')
    usd = _currency('USD', 'US Dollar', '$')
    if not Rate.search([('currency', '=', cny.id)]):
        Rate.create([{'currency': cny.id, 'rate': 1, 'date': dt.date.min}])
    start = today.replace(day=1) - dt.timedelta(days=365 * years + 31)
    month, rates = start, []
    while month <= today:
        rates.append({'currency': usd.id, 'date': month,
                'rate': Decimal(1 / rng.uniform(6.8, 7.35)).quantize(
                    Decimal('0.000001'))})
        month = (month + dt.timedelta(days=32)).replace(day=1)
    Rate.create(rates)
    party, = Party.create([{'name': "生成数据贸易有限公司",
                'addresses': [('create', [{}])]}])
    company = Company(party=party, currency=cny)
    company.save()

    # provinces as country subdivisions: crm.region links them
    country = Country.search([('code', '=', 'CN')])
    if not country:
        country = Country.create([{'name': "中国", 'code': 'CN',
                    'code3': 'CHN', 'code_numeric': '156'}])
    country, = country
    provinces = Region.search([('level', '=', 'province'),
            ('subdivision', '=', None), ('subdivision_code', '!=', None)])
    existing = {s.code for s in Subdivision.search(
            [('code', 'in', [p.subdivision_code for p in provinces])])}
    Subdivision.create([{'country': country.id, 'code': p.subdivision_code,
                'name': p.name, 'type': 'province'} for p in provinces
            if p.subdivision_code not in existing])

    with set_company(company):
        parties = Party.create([{'name': f"{rng.choice(SURNAMES)}"
                    f"{rng.choice(GIVEN)}{rng.choice(GIVEN)}（销售{i}）"}
                for i in range(representatives)])
        employees = Employee.create([{'party': p.id, 'company': company.id}
                for p in parties])
        team_records = Team.create([{
                    'name': f"销售{k + 1}组", 'company': company.id,
                    'manager': employees[k].id,
                    'members': [('add', [e.id for e in
                                employees[k::teams]])],
                    } for k in range(teams)])
        uom = ModelData.get_id('product', 'uom_unit')
        category_records = Category.create([{'name': f"类别 {i}"}
                for i in range(categories)])
        prices = []
        for c in range(categories):
            for i in range(products):
                list_price = Decimal(rng.choice(['9.9', '19.9', '39', '59',
                            '99', '199', '299', '599', '999', '2999']))
                cost = (list_price * Decimal(rng.uniform(0.4, 0.8))
                    ).quantize(Decimal('0.01'))
                prices.append((c, i, list_price, cost))
        templates = Template.create([{
                    'name': f"产品 {c}-{i}", 'default_uom': uom,
                    'sale_uom': uom, 'salable': True, 'type': 'goods',
                    'list_price': list_price,
                    'categories': [('add', [category_records[c].id])],
                    'products': [('create', [{'cost_price': cost}])],
                    } for c, i, list_price, cost in prices])
        template_party, = Party.create([{
                    'name': "模板客户", 'crm_kind': 'individual',
                    'crm_gender': 'female',
                    'crm_birthday': dt.date(1990, 1, 1),
                    'addresses': [('create', [{'country': country.id}])],
                    }])
        sale, = Sale.create([{
                    'party': template_party.id, 'company': company.id,
                    'currency': cny.id,
                    'lines': [('create', [{
                                    'type': 'line',
                                    'product': templates[0].products[0].id,
                                    'unit': uom, 'quantity': 1,
                                    'unit_price': Decimal('100'),
                                    'description': "产品",
                                    }])],
                    }])
    return {
        'company': company.id,
        'currency': cny.id,
        'usd': usd.id,
        'usd_rates': [(r['date'], r['rate']) for r in rates],
        'country': country.id,
        'employees': [e.id for e in employees],
        'employee_team': {e.id: team_records[k % teams].id
            for k, e in enumerate(employees)},
        'teams': [t.id for t in team_records],
        'categories': {c.name: c.id for c in category_records},
        'products': [(t.products[0].id, t.name, lp)
            for t, (_, _, lp, _) in zip(templates, prices)],
        'industries': [r.id for r in _get_or_create(
                pool.get('crm.industry'), INDUSTRIES)],
        'levels': [r.id for r in _get_or_create(
                pool.get('crm.customer.level'), LEVELS)],
        'sources': [r.id for r in _get_or_create(
                pool.get('crm.customer.source'), SOURCES)],
        'template_party': template_party.id,
        'template_address': template_party.addresses[0].id,
        'template_sale': sale.id,
        'template_line': sale.lines[0].id,
        }


# Bulk load -------------------------------------------------------------------

def _text(value):
    "value in the text format of COPY"
    if value is None:
        return '\\N'
    if isinstance(value, bool):
        return 't' if value else 'f'
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return (str(value).replace('\\', '\\\\').replace('\t', '\\t')
        .replace('\n', '\\n').replace('\r', '\\r'))


class _Copy:
    """COPY rows of table: the varying columns first (formatted by the
    caller), then the template's other columns as one constant suffix"""

    def __init__(self, cursor, table, template, columns):
        self.columns = list(columns)
        constant = [c for c in template if c not in self.columns]
        self.suffix = ''.join('\t' + _text(template[c]) for c in constant)
        self.sql = (f'COPY "{table}" ('
            + ', '.join(f'"{c}"' for c in self.columns + constant)
            + ') FROM STDIN')
        self.cursor = cursor
        self.buffer = []
        self.copy = None

    def __enter__(self):
        self.manager = self.cursor.copy(self.sql)
        self.copy = self.manager.__enter__()
        return self

    def row(self, *values):
        self.buffer.append('\t'.join(values) + self.suffix)
        if self.copy is not None and len(self.buffer) >= 20000:
            self.flush()

    def flush(self):
        if self.buffer:
            self.copy.write(('\n'.join(self.buffer) + '\n').encode())
            self.buffer = []

    def __exit__(self, *exc):
        if not exc[0]:
            self.flush()
        manager, self.manager, self.copy = self.manager, None, None
        return manager.__exit__(*exc)


def _template(cursor, table, id_):
    cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', (id_,))
    columns = [d.name for d in cursor.description]
    row = dict(zip(columns, cursor.fetchone()))
    del row['id']
    return row


def _drop_constraints(cursor):
    "Drop the secondary indexes and foreign keys; return how to recreate"
    recreate = []
    for table in BIG_TABLES:
        cursor.execute('SELECT c.conname, pg_get_constraintdef(c.oid) '
            'FROM pg_constraint c WHERE c.conrelid = %s::regclass '
            "AND c.contype = 'f'", (table,))
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" '
                + definition)
        cursor.execute('SELECT i.indexrelid::regclass::text, '
            'pg_get_indexdef(i.indexrelid) FROM pg_index i '
            'WHERE i.indrelid = %s::regclass AND NOT i.indisprimary '
            'AND NOT EXISTS (SELECT 1 FROM pg_constraint c '
            'WHERE c.conindid = i.indexrelid)', (table,))
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX {name}')
            recreate.insert(0, definition)
    return recreate


def _names(rng, count):
    return [rng.choice(SURNAMES) + rng.choice(GIVEN)
        + (rng.choice(GIVEN) if rng.random() < 0.7 else '')
        for _ in range(count)]


def _enterprise_name(i, rng):
    digits, word = i, ''
    while True:
        digits, rest = divmod(digits, len(WORDS))
        word += WORDS[rest]
        if not digits:
            break
    return word + rng.choice(TRADES) + rng.choice(FORMS)


def load(conn, ids, rng, customers, lines, years, usd_share, return_share,
        code_prefix, today, log):
    "COPY the customers, addresses, sales and lines; return the counts"
    import numpy as np
    nrng = np.random.default_rng(rng.randrange(2 ** 32))
    cursor = conn.cursor()
    seconds = {}

    cursor.execute('SELECT d.id, c.id, c.name, d.name, s.id '
        'FROM crm_region d JOIN crm_region c ON c.id = d.parent '
        'JOIN crm_region p ON p.id = c.parent '
        'JOIN country_subdivision s ON s.code = p.subdivision_code '
        "WHERE d.level = 'district' ORDER BY d.id")
    districts = cursor.fetchall()
    if not districts:
        raise RuntimeError('no crm.region districts linked to provinces')

    start = time.perf_counter()
    recreate = _drop_constraints(cursor)
    seconds['drop indexes'] = time.perf_counter() - start

    # customers
    start = time.perf_counter()
    party_t = _template(cursor, 'party_party', ids['template_party'])
    cursor.execute('SELECT MAX(id) FROM party_party')
    first_party = cursor.fetchone()[0] + 1
    employees = ids['employees']
    teams = ids['employee_team']
    industries, levels, sources = (
        ids['industries'], ids['levels'], ids['sources'])
    given = _names(rng, 5000)
    lifecycles = (['potential'] * 30 + ['active'] * 50 + ['at_risk'] * 15
        + ['lost'] * 5)
    oldest = today.toordinal() - 78 * 365
    from trytond.modules.crm_plus.customer.normalize import normalize_name
    normalized = {}

    def normalize(name):
        # the duplicate check's column, else filled by the next update
        if name not in normalized:
            normalized[name] = _text(normalize_name(name) or None)
        return normalized[name]
    columns = ['id', 'name', 'crm_name_normalized', 'code', 'crm_kind',
        'crm_gender',
        'crm_birthday', 'crm_industry', 'crm_headcount', 'crm_source',
        'crm_level', 'crm_lifecycle', 'crm_lost_reason', 'crm_lost_date',
        'crm_owner', 'crm_team']
    N = '\\N'
    lost_date = (today - dt.timedelta(days=90)).isoformat()
    with _Copy(cursor, 'party_party', party_t, columns) as copy:
        for i in range(customers):
            owner = employees[i % len(employees)]
            lifecycle = lifecycles[i % 100]
            if rng.random() < 0.7:
                kind = 'individual'
                r = rng.random()
                gender = ('female' if r < 0.5 else 'male' if r < 0.98
                    else N)
                birthday = (N if rng.random() < 0.05 else
                    dt.date.fromordinal(oldest
                        + rng.randrange(60 * 365)).isoformat())
                name = given[i % 5000]
                industry = headcount = N
            else:
                kind = 'enterprise'
                gender = birthday = N
                name = _enterprise_name(i, rng)
                industry = str(rng.choice(industries))
                headcount = rng.choice(HEADCOUNTS)
            copy.row(str(first_party + i), name, normalize(name),
                f'{code_prefix}{i}', kind,
                gender, birthday, industry, headcount,
                str(rng.choice(sources)),
                str(levels[i % len(levels)]) if i % 10 else N,
                lifecycle,
                '价格原因' if lifecycle == 'lost' else N,
                lost_date if lifecycle == 'lost' else N,
                str(owner), str(teams[owner]))
    seconds['customers'] = time.perf_counter() - start
    log(f'{customers} customers copied in {seconds["customers"]:.1f} s')

    # addresses
    start = time.perf_counter()
    address_t = _template(cursor, 'party_address', ids['template_address'])
    cursor.execute('SELECT MAX(id) FROM party_address')
    first_address = cursor.fetchone()[0] + 1
    columns = ['id', 'party', 'subdivision', 'crm_city', 'crm_district',
        'city', 'street_unstructured', 'postal_code']
    picks = nrng.integers(0, len(districts), customers).tolist()
    formatted = [(str(d), str(c), _text(cn), _text(dn), str(s))
        for d, c, cn, dn, s in districts]
    with _Copy(cursor, 'party_address', address_t, columns) as copy:
        for i in range(customers):
            d, c, cn, dn, s = formatted[picks[i]]
            copy.row(str(first_address + i), str(first_party + i), s, c, d,
                cn, f'{dn}{WORDS[i % len(WORDS)]}'
                f'{WORDS[i // 7 % len(WORDS)]}路{i % 999 + 1}号',
                f'{100000 + i % 900000}')
    seconds['addresses'] = time.perf_counter() - start
    log(f'{customers} addresses copied in {seconds["addresses"]:.1f} s')

    # sales and lines
    start = time.perf_counter()
    sale_t = _template(cursor, 'sale_sale', ids['template_sale'])
    line_t = _template(cursor, 'sale_line', ids['template_line'])
    cursor.execute('SELECT MAX(id) FROM sale_sale')
    first_sale = cursor.fetchone()[0] + 1
    cursor.execute('SELECT MAX(id) FROM sale_line')
    first_line = cursor.fetchone()[0] + 1
    sale_columns = ['id', 'number', 'party', 'invoice_address',
        'shipment_address', 'sale_date', 'state', 'invoice_state',
        'shipment_state', 'currency', 'untaxed_amount_cache',
        'tax_amount_cache', 'total_amount_cache']
    if 'employee' in sale_t:
        sale_columns.append('employee')
    line_columns = ['id', 'sale', 'sequence', 'product', 'description',
        'quantity', 'unit_price']
    products = [(str(p), _text(name), float(lp))
        for p, name, lp in ids['products']]
    rates = sorted(ids['usd_rates'])
    rate_dates = [d.toordinal() for d, _ in rates]
    rate_values = [float(r) for _, r in rates]
    days = 365 * years
    today_ord = today.toordinal()
    cny, usd = str(ids['currency']), str(ids['usd'])
    # sales per customer skewed: a few buy much, 20 % never
    buyers = int(customers * 0.8)
    step = 7919 if customers % 7919 else 7907
    import bisect
    sale_count = line_count = 0
    chunk = 100_000
    sales_copy = _Copy(cursor, 'sale_sale', sale_t, sale_columns)
    lines_copy = _Copy(cursor, 'sale_line', line_t, line_columns)
    # one COPY at a time on a connection: a chunk of sales, then its lines
    while line_count < lines:
        n_lines = nrng.integers(1, 6, chunk).tolist()
        parties = ((nrng.random(chunk) ** 2 * buyers).astype(np.int64)
            * step % customers).tolist()
        ages = nrng.integers(0, days, chunk).tolist()
        state_r = nrng.random(chunk).tolist()
        picks = nrng.integers(0, len(products), 5 * chunk).tolist()
        qty = nrng.choice([1, 1, 1, 2, 2, 3, 4, 5, 10, 20],
            5 * chunk).tolist()
        jitter = nrng.uniform(0.85, 1.05, 5 * chunk).tolist()
        ret = (nrng.random(5 * chunk) < return_share).tolist()
        usd_r = (nrng.random(chunk) < usd_share).tolist()
        k = 0
        for j in range(chunk):
            if line_count >= lines:
                break
            sale_id = first_sale + sale_count
            age = ages[j]
            r = state_r[j]
            if age < 60:
                state = ('quotation' if r < 0.25 else 'confirmed'
                    if r < 0.5 else 'processing' if r < 0.75
                    else 'done' if r < 0.95 else 'cancelled')
            else:
                state = ('done' if r < 0.88 else 'cancelled'
                    if r < 0.95 else 'quotation' if r < 0.98
                    else 'processing')
            date = today_ord - age
            in_usd = usd_r[j]
            rate = (rate_values[max(bisect.bisect_right(
                            rate_dates, date) - 1, 0)]
                if in_usd else 1.0)
            total = 0
            count = min(n_lines[j], lines - line_count)
            for seq in range(count):
                product, description, list_price = products[picks[k]]
                quantity = qty[k]
                if ret[k] and state == 'done':
                    quantity = -max(1, quantity // 2)
                price = round(list_price * jitter[k] * rate, 2)
                total += quantity * price
                lines_copy.row(str(first_line + line_count), str(sale_id),
                    str(seq + 1), product, description,
                    f'{quantity}.0', f'{price:.2f}')
                line_count += 1
                k += 1
            party = first_party + parties[j]
            address = str(first_address + parties[j])
            amount = (f'{total:.2f}'
                if state in {'confirmed', 'processing', 'done'} else N)
            row = [str(sale_id), f'{code_prefix}{sale_count}',
                str(party), address, address,
                dt.date.fromordinal(date).isoformat(), state,
                'paid' if state == 'done' else 'pending'
                if state == 'processing' else 'none',
                'sent' if state == 'done' else 'waiting'
                if state == 'processing' else 'none',
                usd if in_usd else cny, amount,
                '0.00' if amount != N else N, amount]
            if 'employee' in sale_t:
                row.append(str(employees[parties[j] % len(employees)]))
            sales_copy.buffer.append('\t'.join(row) + sales_copy.suffix)
            sale_count += 1
        for copy in [sales_copy, lines_copy]:
            with copy:
                pass
    seconds['sales and lines'] = time.perf_counter() - start
    log(f'{sale_count} sales and {line_count} sale lines copied in '
        f'{seconds["sales and lines"]:.1f} s')

    start = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for sql in recreate:
        cursor.execute(sql)
    for table in BIG_TABLES:
        cursor.execute(f"SELECT setval('{table}_id_seq', "
            f'(SELECT MAX(id) FROM "{table}"))')
    seconds['indexes and foreign keys'] = time.perf_counter() - start
    log(f'{len(recreate)} indexes and foreign keys recreated in '
        f'{seconds["indexes and foreign keys"]:.1f} s')
    return {'customers': customers, 'sales': sale_count,
        'lines': line_count, 'first_party': first_party,
        'seconds': seconds}


def generate(database, customers=1_000_000, lines=10_000_000, *, uri=None,
        seed=42, categories=20, products=10, representatives=50, teams=8,
        years=3, usd_share=0.03, return_share=0.005, code_prefix='B',
        log=print):
    "See the module's docstring"
    import psycopg
    uri = uri_of(uri)
    os.environ['TRYTOND_DATABASE_URI'] = uri
    begin = time.perf_counter()
    if not database_exists(database, uri):
        start = time.perf_counter()
        create_database(database, uri)
        log(f'database created in {time.perf_counter() - start:.1f} s')
    import trytond.config as config
    config.set('database', 'uri', uri)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    rng = random.Random(seed)
    start = time.perf_counter()
    with Transaction().start(database, 0) as transaction:
        today = Pool().get('ir.date').today()
        ids = setup(rng, categories, products, representatives, teams,
            years, today)
        transaction.commit()
    setup_seconds = time.perf_counter() - start
    log(f'company, representatives, products and templates in '
        f'{setup_seconds:.1f} s')
    with psycopg.connect(_dsn(uri, database)) as conn:
        result = load(conn, ids, rng, customers, lines, years, usd_share,
            return_share, code_prefix, today, log)
        conn.commit()
    start = time.perf_counter()
    with psycopg.connect(_dsn(uri, database), autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE ' + ', '.join(BIG_TABLES))
    result['seconds']['setup'] = setup_seconds
    result['seconds']['vacuum analyze'] = time.perf_counter() - start
    result['seconds']['total'] = time.perf_counter() - begin
    log(f'vacuum analyze in {result["seconds"]["vacuum analyze"]:.1f} s; '
        f'loaded in {result["seconds"]["total"]:.1f} s')
    result.update({k: ids[k] for k in ['company', 'currency', 'usd',
                'employees', 'teams', 'categories']})
    result['products'] = [p for p, _, _ in ids['products']]
    return result


def main():
    parser = argparse.ArgumentParser(
        description='Fill a crm_plus PostgreSQL database (see the docstring)')
    parser.add_argument('database')
    parser.add_argument('-c', '--customers', type=int, default=1_000_000)
    parser.add_argument('-l', '--lines', type=int, default=10_000_000)
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--prefix', default='B',
        help='the code prefix of the customers and sales')
    args = parser.parse_args()
    if generated(args.database, args.prefix):
        sys.exit(f'{args.database} already holds generated data')
    generate(args.database, args.customers, args.lines, seed=args.seed,
        code_prefix=args.prefix)


if __name__ == '__main__':
    main()
