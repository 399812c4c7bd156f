"""Bulk import of CSV files (``crm-plus import KIND FILE``).

A row schema (``RowSchema`` subclass registered with ``register_schema``)
maps the columns of one kind of file (English or Chinese headers), validates
each row into the values of the records to create, finds duplicates and
creates the records with the Tryton model API.  The ``Importer`` reads the
file, hands the rows to the schema by batches, each batch in one
transaction run as the importing user (access rights checked): a batch that
fails is rolled back and split until the failing rows are isolated, so a
row is either fully written or reported.  Rejected rows go to a report CSV
with their line number and the reason, in the user's language.
"""
import csv
import io
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import phonenumbers
from sql import Literal
from sql.functions import Lower

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .duplicate import (
    PHONE_TYPES, USCC_TYPE, InvalidValue, check_email, email_key,
    format_uscc, normalize_name, normalize_uscc, parse_phone)

SCHEMAS = {}
TAG_SEPARATORS = ',;，；、|'
PROVINCE_SUFFIXES = sorted([
        '省', '市', '自治区', '特别行政区', '壮族自治区', '回族自治区',
        '维吾尔自治区'], key=len, reverse=True)


def register_schema(schema):
    "Register a RowSchema class under its kind"
    SCHEMAS[schema.kind] = schema
    return schema


def header_key(header):
    "Normalise a column header for matching"
    value = unicodedata.normalize('NFKC', header or '').strip().lower()
    for char in ' _-./:：*':
        value = value.replace(char, '')
    return value


class RowError(Exception):
    "The row is rejected for the reasons given as args"


@dataclass
class Row:
    line: int
    data: dict
    cells: list
    values: dict = None
    keys: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    customer: tuple = None


@dataclass
class Summary:
    read: int = 0
    imported: int = 0
    rejected: int = 0
    seconds: float = 0.0

    @property
    def rate(self):
        return self.read / self.seconds if self.seconds else 0.0

    def __str__(self):
        return (f"read: {self.read}, imported: {self.imported}, "
            f"rejected: {self.rejected}, seconds: {self.seconds:.1f}, "
            f"rows/s: {self.rate:.0f}")


class RowSchema:
    "How the rows of one kind of file become records"
    kind = None
    model = None
    # key: header aliases (English and Chinese)
    columns = {}
    required = ()

    def __init__(self):
        self.aliases = {}
        for key, aliases in self.columns.items():
            for alias in (key,) + tuple(aliases):
                self.aliases[header_key(alias)] = key

    @classmethod
    def available(cls):
        try:
            Pool().get(cls.model)
        except KeyError:
            return False
        return True

    def map_header(self, header):
        "Return {index: key} of the known columns"
        mapping = {}
        for index, name in enumerate(header):
            key = self.aliases.get(header_key(name))
            if key and key not in mapping.values():
                mapping[index] = key
        for key in self.required:
            if key not in mapping.values():
                raise UserError(gettext(
                        'crm_plus.msg_customer_import_missing_column',
                        column=key))
        return mapping

    def prepare(self):
        "Load the lookups the rows need, once per import"

    def validate(self, row):
        """Fill row.values and row.keys (duplicate keys as (kind, value,
        label)) or raise RowError"""
        raise NotImplementedError

    def existing(self, rows):
        "Return {key: existing record label} for the keys of the rows"
        return {}

    def create(self, rows):
        "Create the records of the rows"
        raise NotImplementedError


class Importer:
    "Import a CSV file as user through a RowSchema, batch by batch"

    def __init__(self, database_name, kind, user='admin', batch_size=1000,
            context=None):
        self.database_name = database_name
        self.batch_size = max(1, batch_size)
        self.extra_context = context or {}
        pool = Pool(database_name)
        try:
            User = pool.get('res.user')
        except KeyError:
            pool.init()
            User = pool.get('res.user')
        with Transaction().start(database_name, 0, readonly=True):
            users = User.search([('login', '=', user)], limit=1)
            if not users:
                raise UserError(gettext(
                        'crm_plus.msg_customer_import_unknown_user',
                        value=user))
            self.user = users[0].id
        with Transaction().start(
                database_name, self.user, readonly=True):
            self.context = User.get_preferences(context_only=True)
        self.context.update(self.extra_context)
        self.context['_check_access'] = True
        self.context['_crm_skip_duplicate_check'] = True
        with self._transaction(readonly=True):
            schema = SCHEMAS.get(kind)
            if not schema or not schema.available():
                raise UserError(gettext(
                        'crm_plus.msg_customer_import_not_available',
                        kind=kind, kinds=', '.join(sorted(
                                k for k, s in SCHEMAS.items()
                                if s.available()))))
            self.schema = schema()
        self.rejected = []  # (line, reason, data)
        self.seen = {}  # duplicate key: line

    def _transaction(self, readonly=False):
        return Transaction().start(
            self.database_name, self.user, readonly=readonly,
            context=self.context)

    @staticmethod
    def read_text(path):
        "Return the file text: UTF-8 (with or without BOM) or GB18030"
        with open(path, 'rb') as file:
            data = file.read()
        try:
            return data.decode('utf-8-sig')
        except UnicodeDecodeError:
            return data.decode('gb18030')

    def run(self, path, report=None):
        start = time.monotonic()
        summary = Summary()
        text = self.read_text(path)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t')
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        try:
            header = next(reader)
        except StopIteration:
            header = []
        self.header = header
        with self._transaction(readonly=True):
            mapping = self.schema.map_header(header)
            self.schema.prepare()
        batch = []
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            summary.read += 1
            data = {key: cells[i].strip() for i, key in mapping.items()
                if i < len(cells)}
            batch.append(Row(line, data, cells))
            if len(batch) >= self.batch_size:
                summary.imported += self._import_batch(batch)
                batch = []
        if batch:
            summary.imported += self._import_batch(batch)
        summary.rejected = len(self.rejected)
        if report:
            self.write_report(report)
        summary.seconds = time.monotonic() - start
        return summary

    def _reject(self, row, reason):
        self.rejected.append((row.line, reason, row.cells))
        for key in row.keys:
            if self.seen.get(key[:2]) == row.line:
                del self.seen[key[:2]]

    def _import_batch(self, rows):
        "Validate and save rows; return the number imported"
        valid = []
        with self._transaction(readonly=True):
            for row in rows:
                try:
                    self.schema.validate(row)
                except RowError as error:
                    self._reject(row, ' '.join(error.args))
                    continue
                duplicate = None
                for key in row.keys:
                    if key[:2] in self.seen:
                        duplicate = gettext(
                            'crm_plus.msg_customer_import_duplicate_file',
                            line=self.seen[key[:2]], reason=key[2])
                        break
                if duplicate:
                    self._reject(row, duplicate)
                    continue
                for key in row.keys:
                    self.seen[key[:2]] = row.line
                valid.append(row)
        return self._save(valid)

    def _save(self, rows):
        if not rows:
            return 0
        try:
            with self._transaction() as transaction:
                existing = self.schema.existing(rows)
                to_create = []
                for row in rows:
                    for key in row.keys:
                        if key[:2] in existing:
                            self._reject(row, gettext(
                                    'crm_plus.msg_customer_import_'
                                    'duplicate_database',
                                    party=existing[key[:2]], reason=key[2]))
                            break
                    else:
                        to_create.append(row)
                if to_create:
                    self.schema.create(to_create)
                transaction.commit()
            return len(to_create)
        except Exception as exception:
            if len(rows) == 1:
                message = getattr(exception, 'message', None) or str(
                    exception)
                with self._transaction(readonly=True):
                    self._reject(rows[0], gettext(
                            'crm_plus.msg_customer_import_error',
                            error=message.strip()))
                return 0
            middle = len(rows) // 2
            return self._save(rows[:middle]) + self._save(rows[middle:])

    def write_report(self, path):
        with open(path, 'w', newline='', encoding='utf-8-sig') as file:
            writer = csv.writer(file)
            writer.writerow(['line', 'reason'] + list(self.header))
            for line, reason, cells in sorted(
                    self.rejected, key=lambda r: r[0]):
                writer.writerow([line, reason] + list(cells))


def _split_tags(value):
    for separator in TAG_SEPARATORS[1:]:
        value = value.replace(separator, TAG_SEPARATORS[0])
    return [t.strip() for t in value.split(TAG_SEPARATORS[0]) if t.strip()]


def _province_key(value):
    value = header_key(value)
    for suffix in PROVINCE_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            return value[:-len(suffix)]
    return value


class _PartyLookups:
    "Employees, teams, countries and provinces looked up by name"

    def load_lookups(self):
        pool = Pool()
        Employee = pool.get('company.employee')
        User = pool.get('res.user')
        Team = pool.get('crm.team')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        context = Transaction().context
        with Transaction().set_context(_check_access=False):
            domain = []
            if context.get('company'):
                domain.append(('company', '=', context['company']))
            self.employees = defaultdict(set)
            for employee in Employee.search(domain):
                self.employees[employee.party.name].add(employee.id)
            for user in User.search([('employee', '!=', None)]):
                self.employees.setdefault(user.login, {user.employee.id})
            self.employee_teams = defaultdict(list)
            self.teams = {}
            for team in Team.search(domain):
                self.teams[team.name] = team.id
                for member in team.members:
                    self.employee_teams[member.id].append(team.id)
            self.countries = {}
            self.provinces = defaultdict(dict)
            for language in {'en', Transaction().language, 'zh_CN'}:
                with Transaction().set_context(language=language):
                    for country in Country.search([]):
                        for name in [country.code, country.code3,
                                country.name]:
                            if name:
                                self.countries[header_key(name)] = country.id
                    for subdivision in Subdivision.search([]):
                        provinces = self.provinces[subdivision.country.id]
                        provinces[_province_key(subdivision.name)] = (
                            subdivision.id)
                        provinces[header_key(subdivision.code)] = (
                            subdivision.id)
                        provinces[header_key(
                                subdivision.code.split('-')[-1])] = (
                            subdivision.id)
        self.default_country = self.countries.get('cn')

    def owner(self, value):
        ids = self.employees.get(value)
        if not ids:
            raise RowError(gettext(
                    'crm_plus.msg_customer_import_unknown_owner',
                    value=value))
        if len(ids) > 1:
            raise RowError(gettext(
                    'crm_plus.msg_customer_import_ambiguous_owner',
                    value=value))
        return next(iter(ids))

    def phone_values(self, data, types):
        values, errors = [], []
        for type_ in types:
            value = data.get(type_)
            if not value:
                continue
            try:
                number = parse_phone(value)
            except InvalidValue:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_invalid_phone',
                        value=value))
                continue
            values.append((type_, phonenumbers.format_number(
                        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                    phonenumbers.format_number(
                        number, phonenumbers.PhoneNumberFormat.E164)))
        return values, errors

    def email_value(self, data, errors):
        value = data.get('email')
        if value:
            try:
                return check_email(value)
            except InvalidValue:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_invalid_email',
                        value=value))


@register_schema
class CustomerSchema(_PartyLookups, RowSchema):
    "Customers: parties with identifiers, contact mechanisms, an address"
    kind = 'customers'
    model = 'party.party'
    columns = {
        'name': ('客户名称', '名称', '客户', '公司名称', '企业名称',
            'customer', 'company', 'customer name'),
        'code': ('客户编码', '编码', '编号', 'customer code'),
        'uscc': ('统一社会信用代码', '社会信用代码', '信用代码', '税号',
            'credit code', 'unified social credit code', 'tax id'),
        'phone': ('电话', '座机', '联系电话', 'telephone', 'tel'),
        'mobile': ('手机', '手机号', '手机号码', 'cell', 'cellphone'),
        'fax': ('传真',),
        'email': ('邮箱', '电子邮件', '电子邮箱', 'e-mail', 'mail'),
        'website': ('网址', '网站', '主页', 'url', 'web'),
        'country': ('国家',),
        'province': ('省份', '省', '省/直辖市', 'state', 'region'),
        'city': ('城市', '市',),
        'street': ('地址', '详细地址', '街道', 'address'),
        'postal_code': ('邮编', '邮政编码', 'zip', 'postcode'),
        'owner': ('负责人', '销售', '客户经理', 'sales rep'),
        'team': ('团队', '销售团队', 'sales team'),
        'tags': ('标签', '分类', '类别', 'tag', 'categories', 'category'),
        }
    required = ('name',)

    def prepare(self):
        pool = Pool()
        Category = pool.get('party.category')
        self.load_lookups()
        with Transaction().set_context(_check_access=False):
            self.categories = {c.name: c.id for c in Category.search([])}

    def validate(self, row):
        data = row.data
        errors = []
        values = {}
        name = data.get('name')
        if not name:
            errors.append(gettext('crm_plus.msg_customer_import_name_required'))
        else:
            values['name'] = name
            normalized = normalize_name(name)
            if normalized:
                row.keys.append(('name', normalized, data['name']))
        if data.get('code'):
            values['code'] = data['code']
        if data.get('uscc'):
            try:
                code = normalize_uscc(data['uscc'])
            except InvalidValue:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_invalid_uscc',
                        value=data['uscc']))
            else:
                values['identifiers'] = [('create', [{
                                'type': USCC_TYPE,
                                'code': format_uscc(code),
                                }])]
                row.keys.append(('uscc', code, data['uscc']))
        mechanisms = []
        phones, phone_errors = self.phone_values(data, ['phone', 'mobile'])
        errors.extend(phone_errors)
        for type_, value, compact in phones:
            mechanisms.append({'type': type_, 'value': value})
            row.keys.append(('phone', compact, data[type_]))
        if data.get('fax'):
            faxes, fax_errors = self.phone_values(data, ['fax'])
            errors.extend(fax_errors)
            mechanisms.extend(
                {'type': t, 'value': v} for t, v, _ in faxes)
        email = self.email_value(data, errors)
        if email:
            mechanisms.append({'type': 'email', 'value': email})
            row.keys.append(('email', email_key(email), data['email']))
        if data.get('website'):
            mechanisms.append({'type': 'website', 'value': data['website']})
        if mechanisms:
            values['contact_mechanisms'] = [('create', mechanisms)]
        address = self.address_values(data, errors)
        values['addresses'] = [('create', [address])] if address else []
        if data.get('owner'):
            try:
                values['crm_owner'] = self.owner(data['owner'])
            except RowError as error:
                errors.extend(error.args)
            else:
                teams = self.employee_teams.get(values['crm_owner'], [])
                if len(teams) == 1:
                    values['crm_team'] = teams[0]
        if data.get('team'):
            if data['team'] in self.teams:
                values['crm_team'] = self.teams[data['team']]
            else:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_unknown_team',
                        value=data['team']))
        row.tags = _split_tags(data.get('tags') or '')
        if errors:
            raise RowError(*errors)
        row.values = values

    def address_values(self, data, errors):
        if not any(data.get(k) for k in [
                    'country', 'province', 'city', 'street', 'postal_code']):
            return None
        address = {}
        country = self.default_country
        if data.get('country'):
            country = self.countries.get(header_key(data['country']))
            if not country:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_unknown_country',
                        value=data['country']))
        if country:
            address['country'] = country
        for key, name in [
                ('city', 'city'),
                # street is a function field writing the stored one
                ('street', 'street_unstructured'),
                ('postal_code', 'postal_code')]:
            if data.get(key):
                address[name] = data[key]
        if data.get('province'):
            provinces = self.provinces.get(country)
            if not provinces:
                # No subdivision loaded for the country: keep the text
                address.setdefault('city', data['province'])
            elif _province_key(data['province']) in provinces:
                address['subdivision'] = provinces[
                    _province_key(data['province'])]
            else:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_unknown_province',
                        value=data['province']))
        return address

    def existing(self, rows):
        "Find the USCC, phones, emails and names already in the database"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        Mechanism = pool.get('party.contact_mechanism')
        cursor = Transaction().connection.cursor()
        party = Party.__table__()
        identifier = Identifier.__table__()
        mechanism = Mechanism.__table__()
        wanted = defaultdict(set)
        for row in rows:
            for kind, value, _ in row.keys:
                wanted[kind].add(value)
        found = {}

        def collect(kind, query):
            cursor.execute(*query)
            for value, name in cursor:
                found.setdefault((kind, value), name)

        active = party.active == Literal(True)
        if wanted['uscc']:
            collect('uscc', identifier.join(
                    party, condition=identifier.party == party.id).select(
                    identifier.code_compact, party.name,
                    where=(identifier.type == USCC_TYPE)
                    & identifier.code_compact.in_(list(wanted['uscc']))
                    & active))
        if wanted['phone']:
            collect('phone', mechanism.join(
                    party, condition=mechanism.party == party.id).select(
                    mechanism.value_compact, party.name,
                    where=mechanism.type.in_(list(PHONE_TYPES))
                    & mechanism.value_compact.in_(list(wanted['phone']))
                    & active))
        if wanted['email']:
            collect('email', mechanism.join(
                    party, condition=mechanism.party == party.id).select(
                    Lower(mechanism.value_compact), party.name,
                    where=(mechanism.type == 'email')
                    & Lower(mechanism.value_compact).in_(
                        list(wanted['email']))
                    & active))
        if wanted['name']:
            collect('name', party.select(
                    party.crm_name_normalized, party.name,
                    where=party.crm_name_normalized.in_(list(wanted['name']))
                    & active))
        return found

    def create(self, rows):
        pool = Pool()
        Party = pool.get('party.party')
        Category = pool.get('party.category')
        missing = sorted({t for r in rows for t in r.tags
                if t not in self.categories})
        if missing:
            for category in Category.create([{'name': n} for n in missing]):
                self.categories[category.name] = category.id
        # One call numbers the batch instead of one per party
        sequence = Party._code_sequence()
        codes = iter(sequence.get_many(
                n=sum(1 for r in rows if not r.values.get('code')))
            if sequence else [])
        vlist = []
        for row in rows:
            values = dict(row.values)
            if not values.get('code') and sequence:
                values['code'] = next(codes)
            if row.tags:
                values['categories'] = [('add', sorted(
                            {self.categories[t] for t in row.tags}))]
            vlist.append(values)
        try:
            Party.create(vlist)
        except Exception:
            for name in missing:
                self.categories.pop(name, None)
            raise


@register_schema
class ContactSchema(_PartyLookups, RowSchema):
    """Contacts: the phones and emails of the people of a customer

    They are stored as contact mechanisms of the customer named after the
    person (the stock party model, also what opportunities point to).
    """
    kind = 'contacts'
    model = 'party.contact_mechanism'
    columns = {
        'customer': ('客户名称', '客户', '公司名称', '企业名称', '公司',
            'company', 'customer name'),
        'uscc': ('统一社会信用代码', '社会信用代码', '信用代码', '税号',
            'credit code', 'unified social credit code', 'tax id'),
        'name': ('联系人', '姓名', '联系人姓名', 'contact', 'contact name'),
        'title': ('职务', '职位', 'job title', 'position'),
        'phone': ('电话', '座机', '联系电话', 'telephone', 'tel'),
        'mobile': ('手机', '手机号', '手机号码', 'cell', 'cellphone'),
        'email': ('邮箱', '电子邮件', '电子邮箱', 'e-mail', 'mail'),
        }
    required = ('name',)

    def prepare(self):
        pass

    def validate(self, row):
        data = row.data
        errors = []
        if not data.get('name'):
            errors.append(gettext('crm_plus.msg_customer_import_name_required'))
        if not data.get('customer') and not data.get('uscc'):
            errors.append(gettext(
                    'crm_plus.msg_customer_import_unknown_customer',
                    value=''))
        uscc = None
        if data.get('uscc'):
            try:
                uscc = normalize_uscc(data['uscc'])
            except InvalidValue:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_invalid_uscc',
                        value=data['uscc']))
        phones, phone_errors = self.phone_values(data, ['phone', 'mobile'])
        errors.extend(phone_errors)
        email = self.email_value(data, errors)
        if not errors and not phones and not email:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_contact_empty'))
        if errors:
            raise RowError(*errors)
        row.customer = (uscc, normalize_name(data.get('customer')),
            data.get('customer') or data.get('uscc'))
        mechanisms = []
        for type_, value, compact in phones:
            mechanisms.append({'type': type_, 'value': value})
            row.keys.append(('phone', compact, data[type_]))
        if email:
            mechanisms.append({'type': 'email', 'value': email})
            row.keys.append(('email', email_key(email), data['email']))
        for mechanism in mechanisms:
            mechanism['name'] = data['name']
            if data.get('title'):
                mechanism['comment'] = data['title']
        row.values = mechanisms

    existing = CustomerSchema.existing

    def create(self, rows):
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        codes = {r.customer[0] for r in rows if r.customer[0]}
        names = {r.customer[1] for r in rows if r.customer[1]}
        by_code, by_name = {}, {}
        if codes:
            for party in Party.search([
                        ('identifiers', 'where', [
                                ('type', '=', USCC_TYPE),
                                ('code_compact', 'in', list(codes)),
                                ]),
                        ]):
                for identifier in party.identifiers:
                    by_code[identifier.code_compact] = party.id
        if names:
            for party in Party.search([
                        ('crm_name_normalized', 'in', list(names)),
                        ]):
                by_name.setdefault(party.crm_name_normalized, party.id)
        vlist = []
        for row in rows:
            code, name, label = row.customer
            party = by_code.get(code) or by_name.get(name)
            if not party:
                raise UserError(gettext(
                        'crm_plus.msg_customer_import_unknown_customer',
                        value=label))
            for values in row.values:
                vlist.append(dict(values, party=party))
        Mechanism.create(vlist)
