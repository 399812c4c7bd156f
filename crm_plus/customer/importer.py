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

The report lists every row read with its status: imported, rejected (with
the reason) or not imported when the run stopped before saving it (a file
cut short, an error): what a run leaves behind is always known.  The rows
obey the importing user's record rules: an owner the user may not give a
customer is refused, and a duplicate of a record the user cannot see is
reported without naming it.
"""
import codecs
import csv
import datetime
import io
import re
import time
import unicodedata
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from phonenumbers import PhoneNumberFormat
from sql import Cast, Column, Literal, Select, Values
from sql.functions import CurrentTimestamp, Lower

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelStorage, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.tools.domain_inversion import eval_domain
from trytond.tools.timezone import ZoneInfo
from trytond.transaction import Transaction, without_check_access

from ..text_input import TEXT_SIZE, text_errors
from .duplicate import PHONE_TYPES, escape
from .normalize import (
    USCC_TYPE, InvalidValue, email_key, format_phone, format_uscc,
    normalize_name, normalize_uscc, parse_phone, validate_email)

SCHEMAS = {}
LOG_FIELDS = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}
# The characters of a cell shown in the report
REPORT_CELL_SIZE = 1000
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


class Reason(str):
    "A reason to reject a row, field the key of the column it is about"
    field = None


def reason(field, message_id, **variables):
    "The Reason of the message about the column field (None: the row)"
    return field_reason(field, gettext(message_id, **variables))


def field_reason(field, text):
    "The Reason of text about the column field"
    text = Reason(text)
    text.field = field
    return text


def duplicate_reason(row, key, message_id, **variables):
    "The Reason of a duplicate key of row, about the column holding it"
    field = next((k for k, v in row.data.items() if v == key[2]), key[0])
    return reason(field, message_id, **variables)


@dataclass
class Row:
    line: int
    data: dict
    cells: list
    values: dict = None
    keys: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    customer: tuple = None
    # 'imported', 'rejected' or None: not imported
    status: str = None
    reason: str = None
    # the Reasons of a rejection
    reasons: list = field(default_factory=list)
    # the id of the record created
    record: int = None


@dataclass
class Summary:
    read: int = 0
    imported: int = 0
    rejected: int = 0
    not_imported: int = 0
    seconds: float = 0.0

    @property
    def rate(self):
        return self.read / self.seconds if self.seconds else 0.0

    def __str__(self):
        return (f"read: {self.read}, imported: {self.imported}, "
            f"rejected: {self.rejected}, "
            f"not imported: {self.not_imported}, "
            f"seconds: {self.seconds:.1f}, "
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
        """Return {key: existing record label} for the keys of the rows,
        the label None for a record the user cannot see"""
        return {}

    def text_values(self, row):
        "Yield (Model, values) of the texts of the records of the row"
        yield Pool().get(self.model), row.values

    def check(self, rows):
        """Return {line: reason} of the rows not to create, run in the
        transaction that creates the others"""
        existing = self.existing(rows)
        reasons = {}
        for row in rows:
            for key in row.keys:
                if key[:2] not in existing:
                    continue
                if existing[key[:2]] is None:
                    reasons[row.line] = duplicate_reason(row, key,
                        'crm_plus.msg_customer_import_duplicate_hidden',
                        reason=key[2])
                else:
                    reasons[row.line] = duplicate_reason(row, key,
                        'crm_plus.msg_customer_import_duplicate_database',
                        party=existing[key[:2]], reason=key[2])
                break
        return reasons

    def create(self, rows):
        "Create the records of the rows, set their row.record (id)"
        raise NotImplementedError


class RowWriter:
    """Validate rows and save them through a RowSchema, batch by batch

    A batch is saved in one unit of work (``_unit``): one that fails is
    undone and split until the failing rows are isolated, so a row is
    either fully written or rejected with its reason.  The keys of the rows
    saved are remembered (``seen``): a later row repeating one is rejected.
    Subclasses say where the rows are read (``_reading``) and what a unit is
    (``_unit``): a transaction of its own for a file, a savepoint of the
    request's transaction for the API."""

    # the message of a row repeating a key of a row before it
    duplicate_message = 'crm_plus.msg_customer_import_duplicate_file'

    def __init__(self, schema):
        self.schema = schema
        self.seen = {}  # duplicate key: line

    def _reading(self):
        "The context in which the rows are validated and messages made"
        raise NotImplementedError

    def _unit(self):
        "The context of a unit of work, undone when it raises"
        raise NotImplementedError

    def _reject(self, row, reason, reasons=None):
        row.status = 'rejected'
        row.reason = reason
        row.reasons = list(reasons or [reason])

    def write(self, rows):
        "Validate and save the rows, return the number saved"
        return self._write_batch(self._validate_batch(rows))

    def _validate_batch(self, rows):
        "Return the valid rows, reject the others"
        valid = []
        with self._reading():
            for row in rows:
                try:
                    self.schema.validate(row)
                    # a field of the record is the column of the same key
                    errors = [field_reason(
                            name if name in row.data else None, e.message)
                        for Model, values in self.schema.text_values(row)
                        for name, value in values.items()
                        for e in text_errors(Model, {name: value})]
                    if errors:
                        raise RowError(*errors)
                except RowError as error:
                    self._reject(row, ' '.join(error.args), error.args)
                else:
                    valid.append(row)
        return valid

    def _write_batch(self, rows):
        """Save the rows which repeat no key of the rows before them in the
        file, return the number imported"""
        unique = []
        with self._reading():
            for row in rows:
                duplicate = next((key for key in row.keys
                        if key[:2] in self.seen), None)
                if duplicate:
                    self._reject(row, duplicate_reason(row, duplicate,
                            self.duplicate_message,
                            line=self.seen[duplicate[:2]],
                            reason=duplicate[2]))
                    continue
                for key in row.keys:
                    self.seen[key[:2]] = row.line
                unique.append(row)
        return self._save(unique)

    def _save(self, rows):
        """Save rows in one unit, return the number imported

        The rows the schema rejects (duplicates in the database, unknown
        references) are reported once the unit is done: a failing batch is
        split and checked again."""
        if not rows:
            return 0
        try:
            with self._unit():
                reasons = self.schema.check(rows)
                to_create = [r for r in rows if r.line not in reasons]
                if to_create:
                    self.schema.create(to_create)
            for row in to_create:
                row.status = 'imported'
        except Exception as exception:
            if len(rows) == 1:
                message = getattr(exception, 'message', None) or str(
                    exception)
                with self._reading():
                    self._forget(rows[0], gettext(
                            'crm_plus.msg_customer_import_error',
                            error=message.strip()))
                return 0
            middle = len(rows) // 2
            return self._save(rows[:middle]) + self._save(rows[middle:])
        for row in rows:
            if row.line in reasons:
                self._forget(row, reasons[row.line])
        return len(to_create)

    def _forget(self, row, reason):
        "Reject a row whose keys are no more taken by it in the file"
        self._reject(row, reason)
        for key in row.keys:
            if self.seen.get(key[:2]) == row.line:
                del self.seen[key[:2]]


class Importer(RowWriter):
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
            super().__init__(schema())
        self.rows = []  # every row read
        self.report_written = False
        self.header = []

    def _transaction(self, readonly=False):
        return Transaction().start(
            self.database_name, self.user, readonly=readonly,
            context=self.context)

    def _reading(self):
        return self._transaction(readonly=True)

    @contextmanager
    def _unit(self):
        with self._transaction() as transaction:
            yield
            transaction.commit()

    @staticmethod
    def read_text(path):
        """Return the file text: UTF-8 (with or without BOM) or GB18030,
        else raise a UserError telling the encoding problem"""
        with open(path, 'rb') as file:
            data = file.read()
        # UTF-16 and UTF-32 put NUL bytes beside the ASCII characters
        if (data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                or b'\x00' in data):
            raise UserError(gettext(
                    'crm_plus.msg_customer_import_encoding_utf16'))
        try:
            return data.decode('utf-8-sig')
        except UnicodeDecodeError as error:
            position = error.start
        try:
            return data.decode('gb18030')
        except UnicodeDecodeError:
            raise UserError(gettext(
                    'crm_plus.msg_customer_import_encoding',
                    byte='0x%02X' % data[position],
                    line=data.count(b'\n', 0, position) + 1))

    def run(self, path, report=None):
        """Import the file, write the report of its rows and return the
        Summary; a UserError tells why a run stopped, after the report is
        written"""
        start = time.monotonic()
        summary = Summary()
        with self._transaction(readonly=True):
            text = self.read_text(path)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t')
        except csv.Error:
            dialect = csv.excel
        # No cell is too large for the reader: the rows check their cells
        csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
        lines = _Lines(text)
        reader = csv.reader(lines, dialect)
        try:
            header = next(reader)
        except StopIteration:
            header = []
        lines.take()
        self.header = header
        with self._transaction(readonly=True):
            mapping = self.schema.map_header(header)
            self.schema.prepare()
        batches = self._batches(reader, lines, dialect, mapping, summary)
        try:
            self._run(batches)
        except BaseException as exception:
            # Where it stopped: the first row left, else the line read
            line = next((r.line for r in self.rows if r.status is None),
                lines.line_num)
            # The rows after the stop are read to be reported, as far as
            # the reader goes
            try:
                for _ in batches:
                    pass
            except Exception:
                pass
            self._summarize(summary, report, start)
            if not isinstance(exception, Exception):
                raise
            message = getattr(exception, 'message', None) or str(exception)
            raise UserError(self._message(
                    'crm_plus.msg_customer_import_stopped',
                    line=line, error=message.strip(),
                    imported=summary.imported, rejected=summary.rejected,
                    not_imported=summary.not_imported)) from exception
        self._summarize(summary, report, start)
        return summary

    def _summarize(self, summary, report, start):
        "Count the rows by status and write the report"
        summary.imported = sum(r.status == 'imported' for r in self.rows)
        summary.rejected = sum(r.status == 'rejected' for r in self.rows)
        summary.not_imported = len(self.rows) - (
            summary.imported + summary.rejected)
        if report:
            with self._transaction(readonly=True):
                self.write_report(report)
        summary.seconds = time.monotonic() - start

    def _run(self, batches):
        "Validate and save the batches"
        # A batch is validated while the one before it is written: the
        # writer thread waits on the database most of the time, which
        # leaves the interpreter to the validation.  One writer keeps the
        # batches in the order of the file.  SQLite begins every
        # transaction with the write lock (and an in-memory database exists
        # only in its thread): the validation would wait for the writer.
        if backend.name == 'sqlite':
            writer = _InlineExecutor()
        else:
            writer = ThreadPoolExecutor(max_workers=1)
        with writer:
            writing = None
            try:
                for batch in batches:
                    valid = self._validate_batch(batch)
                    if writing:
                        writing.result()
                    writing = writer.submit(self._write_batch, valid)
            finally:
                # The batch being written ends before the report is made
                if writing:
                    writing.result()

    def _records(self, reader, lines, dialect):
        """Yield (line, cells, reason) of the records, reason the one of a
        last record cut short (unterminated quote, missing columns)"""
        previous = None
        for cells in reader:
            source = lines.take()
            if previous:
                yield previous + (None,)
            previous = (lines.line_num - source.count('\n') + (
                    1 if source.endswith('\n') else 0), cells, source)
        if previous:
            line, cells, source = previous
            reason = None
            try:
                list(csv.reader(io.StringIO(source), dialect, strict=True))
            except csv.Error as error:
                if 'unexpected end of data' in str(error):
                    reason = self._message(
                        'crm_plus.msg_customer_import_truncated_quote')
            if (not reason and not source.endswith(('\n', '\r'))
                    and len(cells) < len(self.header)):
                reason = self._message(
                    'crm_plus.msg_customer_import_truncated_columns',
                    count=len(cells), columns=len(self.header))
            yield line, cells, source, reason

    def _batches(self, reader, lines, dialect, mapping, summary):
        batch = []
        for line, cells, _, reason in self._records(reader, lines, dialect):
            if not any(c.strip() for c in cells):
                continue
            summary.read += 1
            data = {key: cells[i].strip() for i, key in mapping.items()
                if i < len(cells)}
            row = Row(line, data, cells)
            self.rows.append(row)
            if reason:
                self._reject(row, reason)
                continue
            large = [(i, c) for i, c in enumerate(cells) if len(c) > TEXT_SIZE]
            if large:
                self._reject(row, ' '.join(self._message(
                            'crm_plus.msg_customer_import_cell_too_long',
                            column=(self.header[i] if i < len(self.header)
                                else i + 1),
                            size=len(c), max_size=TEXT_SIZE)
                        for i, c in large))
                continue
            batch.append(row)
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _message(self, message_id, **variables):
        "Return the message, out of the transactions of the batches"
        with self._transaction(readonly=True):
            return gettext(message_id, **variables)

    def write_report(self, path):
        "Write every row read with its status and the reason of a rejection"
        statuses = {
            'imported': gettext('crm_plus.msg_customer_import_imported'),
            'rejected': gettext('crm_plus.msg_customer_import_rejected'),
            None: gettext('crm_plus.msg_customer_import_not_imported'),
            }
        with open(path, 'w', newline='', encoding='utf-8-sig') as file:
            writer = csv.writer(file)
            writer.writerow(['line', 'status', 'reason'] + list(self.header))
            for row in sorted(self.rows, key=lambda r: r.line):
                writer.writerow([row.line, statuses[row.status],
                        row.reason or ''] + [
                        c if len(c) <= REPORT_CELL_SIZE
                        else c[:REPORT_CELL_SIZE] + '…' for c in row.cells])
        self.report_written = True


class _Lines:
    "The lines of a text for a csv reader, keeping those of the last record"

    def __init__(self, text):
        self.file = io.StringIO(text)
        self.line_num = 0
        self.recent = []

    def __iter__(self):
        return self

    def __next__(self):
        line = next(self.file)
        self.line_num += 1
        self.recent.append(line)
        return line

    def take(self):
        "Return the text of the lines read since the last call"
        text = ''.join(self.recent)
        self.recent = []
        return text


class _InlineExecutor:
    "An executor running the calls at once, in the calling thread"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        pass

    def submit(self, function, *args):
        future = Future()
        try:
            future.set_result(function(*args))
        except Exception as exception:
            future.set_exception(exception)
        return future


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
            self.employee_ids = set()
            for employee in Employee.search(domain):
                self.employees[employee.party.name].add(employee.id)
                self.employee_ids.add(employee.id)
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
            raise RowError(reason('owner',
                    'crm_plus.msg_customer_import_unknown_owner',
                    value=value))
        if len(ids) > 1:
            raise RowError(reason('owner',
                    'crm_plus.msg_customer_import_ambiguous_owner',
                    value=value))
        return next(iter(ids))

    def owner_id(self, value):
        "The employee of id value (of the API rows)"
        if value not in self.employee_ids:
            raise RowError(reason('owner_id',
                    'crm_plus.msg_customer_import_unknown_owner',
                    value=value))
        return value

    def phone_values(self, data, types):
        values, errors = [], []
        for type_ in types:
            value = data.get(type_)
            if not value:
                continue
            number = parse_phone(value)
            if not number:
                errors.append(reason(type_,
                        'crm_plus.msg_customer_import_invalid_phone',
                        value=value))
                continue
            values.append((type_, format_phone(number),
                    format_phone(number, PhoneNumberFormat.E164)))
        return values, errors

    def email_value(self, data, errors):
        value = data.get('email')
        if value:
            try:
                return validate_email(value)
            except InvalidValue:
                errors.append(reason('email',
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
        'kind': ('客户类型', '类型', 'customer kind', 'type'),
        }
    required = ('name',)
    # Multi-row inserts instead of Party.create
    bulk = True
    kind_aliases = {
        '企业': 'enterprise', '公司': 'enterprise', 'company': 'enterprise',
        '个人': 'individual', 'person': 'individual',
        }

    def prepare(self):
        pool = Pool()
        Category = pool.get('party.category')
        Party = pool.get('party.party')
        self.kinds = _selection_lookup(Party, 'crm_kind', self.kind_aliases)
        self.load_lookups()
        with Transaction().set_context(_check_access=False):
            self.categories = {c.name: c.id for c in Category.search([])}

    def validate(self, row):
        data = row.data
        errors = []
        values = {}
        name = data.get('name')
        if not name:
            errors.append(reason(
                    'name', 'crm_plus.msg_customer_import_name_required'))
        else:
            values['name'] = name
            normalized = normalize_name(name)
            if normalized:
                row.keys.append(('name', normalized, data['name']))
        if data.get('code'):
            values['code'] = data['code']
        # Imported customers are enterprises unless told otherwise
        values['crm_kind'] = 'enterprise'
        if data.get('kind'):
            values['crm_kind'] = _selection_value(
                self.kinds, data['kind'], errors, 'kind')
        if data.get('uscc'):
            try:
                code = normalize_uscc(data['uscc'])
            except InvalidValue:
                errors.append(reason('uscc',
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
            mechanisms.append(
                {'type': type_, 'value': value, 'value_compact': compact})
            row.keys.append(('phone', compact, data[type_]))
        if data.get('fax'):
            faxes, fax_errors = self.phone_values(data, ['fax'])
            errors.extend(fax_errors)
            mechanisms.extend(
                {'type': t, 'value': v, 'value_compact': c}
                for t, v, c in faxes)
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
        if data.get('owner') or data.get('owner_id'):
            try:
                if data.get('owner'):
                    values['crm_owner'] = self.owner(data['owner'])
                else:
                    values['crm_owner'] = self.owner_id(data['owner_id'])
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
                errors.append(reason('team',
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
                errors.append(reason('country',
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
                errors.append(reason('province',
                        'crm_plus.msg_customer_import_unknown_province',
                        value=data['province']))
        return address

    def existing(self, rows):
        """Find the USCC, phones, emails and names already in the database

        One query per kind of key for the whole batch, with the list of the
        values.  On PostgreSQL each value is looked up in its own subquery,
        planned as an index scan whatever the statistics say; joined to the
        whole list, PostgreSQL planned with the stale statistics of the
        tables growing under the import and scanned them whole (0.2 s to
        seconds per batch)."""
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
        active = party.active == Literal(True)

        def collect(kind, table, key, where):
            for sub_values in grouped_slice(
                    sorted(wanted[kind]), backend.MAX_QUERY_PARAMS // 2):
                values = Values([[v] for v in sub_values])
                value = Column(values, 'column1')
                if table is party:
                    source = party
                else:
                    source = table.join(
                        party, condition=table.party == party.id)
                if backend.name == 'postgresql':
                    query = values.select(value, source.select(party.id,
                            where=(key == value) & where & active,
                            limit=1))
                else:
                    # SQLite indexes the list for the join, where it would
                    # scan the table for each subquery of a key without
                    # index (the lower-case e-mails)
                    query = source.join(values, condition=key == value
                        ).select(value, party.id, where=where & active)
                cursor.execute(*query)
                for value, party_id in cursor:
                    if party_id is not None:
                        found[kind, value] = party_id

        collect('uscc', identifier, identifier.code_compact,
            identifier.type == USCC_TYPE)
        collect('phone', mechanism, mechanism.value_compact,
            mechanism.type.in_(list(PHONE_TYPES)))
        collect('email', mechanism, Lower(mechanism.value_compact),
            mechanism.type == 'email')
        collect('name', party, party.crm_name_normalized, Literal(True))
        # Only the customers the user can see are named
        names = {}
        for sub_ids in grouped_slice(sorted(set(found.values())),
                backend.MAX_QUERY_PARAMS):
            names.update((p.id, p.name) for p in Party.search([
                        ('id', 'in', list(sub_ids)),
                        ]))
        return {key: names.get(party_id) for key, party_id in found.items()}

    def check(self, rows):
        reasons = self.check_owners(rows)
        reasons.update(super().check(
                [r for r in rows if r.line not in reasons]))
        return reasons

    def check_owners(self, rows):
        """Return {line: reason} of the rows giving the customer an owner
        for whom the record rules do not let the user create customers"""
        Rule = Pool().get('ir.rule')
        domain = Rule.domain_get('party.party', mode='create')
        reasons = {}
        if not domain:
            return reasons
        for row in rows:
            if (row.values.get('crm_owner')
                    and not eval_domain(domain, row.values)):
                field = 'owner_id' if 'owner_id' in row.data else 'owner'
                reasons[row.line] = reason(field,
                    'crm_plus.msg_customer_import_owner_not_allowed',
                    owner=row.data[field])
        return reasons

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
            if self.bulk and _bulk_possible(self.bulk_models()):
                ids = self.bulk_create(vlist)
            else:
                ids = [p.id for p in Party.create(vlist)]
        except Exception:
            for name in missing:
                self.categories.pop(name, None)
            raise
        for row, id_ in zip(rows, ids):
            row.record = id_

    @staticmethod
    def bulk_models():
        pool = Pool()
        Party = pool.get('party.party')
        names = ['party.party', 'party.identifier', 'party.contact_mechanism',
            'party.address', 'party.party-party.category']
        names.extend(Party.multivalue_model(n).__name__
            for n, f in Party._fields.items()
            if isinstance(f, fields.MultiValue))
        return [pool.get(n) for n in dict.fromkeys(names)]

    def bulk_create(self, vlist):
        """Create the parties of vlist with multi-row inserts, return
        their ids

        The rows are those Party.create stores: the same defaults and
        preprocessing (the models' own), the values compute_fields would
        write (mirrored here for the fields the import sets), the
        company-dependent values, then the models' on_modification.  The
        validation of the records is that of the rows, made before."""
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        Mechanism = pool.get('party.contact_mechanism')
        Address = pool.get('party.address')
        PartyCategory = pool.get('party.party-party.category')
        children = {
            'identifiers': (Identifier, 'party', []),
            'contact_mechanisms': (Mechanism, 'party', []),
            'addresses': (Address, 'party', []),
            }
        categories = []
        multivalues = {}
        for name, party_field in Party._fields.items():
            if isinstance(party_field, fields.MultiValue):
                multivalues.setdefault(
                    Party.multivalue_model(name), []).append(name)
        party_defaults = Party._clean_defaults(Party.default_get(
                [n for names in multivalues.values() for n in names],
                with_rec_name=False))
        party_vlist = []
        for values in vlist:
            values = dict(values)
            for name in children:
                values.pop(name, None)
            values.pop('categories', None)
            party_vlist.append(values)
        party_vlist = Party._before_create(party_vlist)
        for values in party_vlist:
            for name in multivalues.values():
                for n in name:
                    values.pop(n, None)
            values.pop('addresses', None)
            # Party.compute_fields
            values['crm_name_normalized'] = (
                normalize_name(values.get('name')) or None)
            code = values.get('code')
            values['code_alnum'] = (
                re.sub(r'[\W_]', '', code) if code is not None else None)
            try:
                values['code_digit'] = int(re.sub(r'\D', '', code or '')[-18:])
            except ValueError:
                values['code_digit'] = None
            if values.get('crm_kind') and not values.get('crm_lifecycle'):
                values['crm_lifecycle'] = 'potential'
        party_ids = _BulkInsert(Party).insert(party_vlist, written=True)
        for values, party_id in zip(vlist, party_ids):
            for name, (Model, parent, to_create) in children.items():
                for action, records in values.get(name) or []:
                    assert action == 'create'
                    to_create.extend(
                        dict(r, **{parent: party_id}) for r in records)
            for action, ids in values.get('categories') or []:
                assert action == 'add'
                categories.extend(
                    {'party': party_id, 'category': c} for c in ids)
        company = Transaction().context.get('company')
        for Value, names in multivalues.items():
            # Party.create sets only the fields with a default
            if not any(n in party_defaults for n in names):
                continue
            pattern = {}
            if issubclass(Value, CompanyValueMixin):
                pattern['company'] = company
            parent = next(n for n, f in Value._fields.items()
                if f._type == 'many2one' and f.model_name == Party.__name__)
            record = {n: party_defaults[n] if n in party_defaults
                else getattr(Party, 'default_%s' % n,
                    lambda **p: None)(**pattern)
                for n in names}
            _bulk_after(Value, _BulkInsert(Value).insert(
                    Value._before_create(
                        [dict(record, **pattern, **{parent: i})
                            for i in party_ids])))
        for Model, parent, to_create in children.values():
            to_create = Model._before_create(to_create)
            written = False
            if Model == Mechanism:
                written = []
                for values in to_create:
                    # ContactMechanism.compute_fields writes value_compact
                    # when it is not given (the phones carry their E.164
                    # form); the e-mails are normalised by the validation
                    written.append(not values.get('value_compact'))
                    if not values.get('value_compact'):
                        values['value_compact'] = values['value']
            ids = _BulkInsert(Model).insert(to_create, written=written)
            hook_ids = None
            if Model == Mechanism:
                # Only primary mechanisms make the CRM hook change others
                hook_ids = [i for i, v in zip(ids, to_create)
                    if v.get('crm_primary')]
            _bulk_after(Model, ids, hook_ids)
        if categories:
            _bulk_after(PartyCategory, _BulkInsert(PartyCategory).insert(
                    PartyCategory._before_create(categories)))
        # Only an owner or a team make the CRM hook record their history
        _bulk_after(Party, party_ids, [i for i, v in zip(party_ids, party_vlist)
                if v.get('crm_owner') or v.get('crm_team')])
        return party_ids


class _BulkInsert:
    "Multi-row inserts of the stored values of records as create makes them"

    def __init__(self, Model):
        self.Model = Model
        self.table = Model.__table__()
        self.fields = {n: f for n, f in Model._fields.items()
            if n not in LOG_FIELDS and not hasattr(f, 'set')
            and not isinstance(f, fields.Function)}
        self.defaults = Model._clean_defaults(Model.default_get(
                list(self.fields), with_rec_name=False))

    def insert(self, vlist, written=False):
        """Insert vlist (preprocessed values) and return the ids

        written (True or one boolean per row) stamps the rows as written
        after their creation, as the computed fields of create do."""
        transaction = Transaction()
        database = transaction.database
        cursor = transaction.connection.cursor()
        table = self.table
        names = sorted(
            {n for n in self.defaults if n in self.fields}
            | {n for v in vlist for n in v})
        columns = [table.create_uid, table.create_date]
        columns += [Column(table, n) for n in names]
        now = CurrentTimestamp()
        if vlist and backend.name == 'postgresql':
            # The value CURRENT_TIMESTAMP stores in a timestamp column
            cursor.execute(*Select([Cast(CurrentTimestamp(), 'TIMESTAMP')]))
            now, = cursor.fetchone()
        stamp = [transaction.user, now]
        if not isinstance(written, list):
            written = [written] * len(vlist)
        stamped = any(written)
        if stamped:
            columns += [table.write_uid, table.write_date]
        # The defaults are formatted once, the given values on each row
        defaults = [self.fields[n].sql_format(self.defaults.get(n))
            for n in names]
        formats = [_formatter(self.fields[n]) for n in names]
        rows = []
        for values, row_written in zip(vlist, written):
            row = stamp + [
                format_(values[n]) if n in values else default
                for n, format_, default in zip(names, formats, defaults)]
            if stamped:
                row += stamp if row_written else [None, None]
            rows.append(row)
        ids = []
        if rows and backend.name == 'postgresql':
            ids = self._copy(cursor, columns + [table.id], rows)
            rows = []
        size = backend.MAX_QUERY_PARAMS // (len(columns) + 1)
        for sub_rows in grouped_slice(rows, size):
            sub_rows = list(sub_rows)
            new_ids = None
            if database.has_multirow_insert():
                new_ids = database.nextid(
                    transaction.connection, self.Model._table,
                    count=len(sub_rows))
            if new_ids is not None:
                cursor.execute(*table.insert(columns + [table.id],
                        [r + [i] for r, i in zip(sub_rows, new_ids)]))
                ids.extend(new_ids)
                continue
            if backend.name == 'sqlite' and database.has_multirow_insert():
                # The only writer numbers the rows of one INSERT in a row
                cursor.execute(*table.insert(columns, sub_rows))
                last = database.lastid(cursor)
                ids.extend(range(last - len(sub_rows) + 1, last + 1))
                continue
            for row in sub_rows:
                if database.has_returning():
                    cursor.execute(*table.insert(columns, [row], [table.id]))
                    ids.append(cursor.fetchone()[0])
                else:
                    cursor.execute(*table.insert(columns, [row]))
                    ids.append(database.lastid(cursor))
        self.Model._insert_history(ids)
        return ids

    def _copy(self, cursor, columns, rows):
        "COPY the rows on PostgreSQL, with the ids of the table sequence"
        from psycopg import sql
        transaction = Transaction()
        ids = transaction.database.nextid(
            transaction.connection, self.Model._table, count=len(rows))
        if len(rows) == 1:
            ids = [ids]
        query = sql.SQL('COPY {} ({}) FROM STDIN').format(
            sql.Identifier(self.Model._table),
            sql.SQL(', ').join(sql.Identifier(c.name) for c in columns))
        text = '\n'.join(
            '\t'.join(map(_copy_text, row + [id_]))
            for row, id_ in zip(rows, ids))
        with cursor.copy(query) as copy:
            copy.write(text + '\n')
        return ids


def _formatter(field):
    """field.sql_format, short-cut for the None and the ids of the rows
    which it returns unchanged"""
    sql_format = field.sql_format
    if isinstance(field, (fields.Many2One, fields.Integer)):
        return lambda value: (
            value if value is None or type(value) is int
            else sql_format(value))
    return lambda value: None if value is None else sql_format(value)


_COPY_ESCAPES = str.maketrans({
        '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r'})


def _copy_text(value):
    "The COPY text format of value"
    type_ = type(value)
    if type_ is str:
        return value.translate(_COPY_ESCAPES)
    if type_ is int:
        return str(value)
    if value is None:
        return '\\N'
    if value is True:
        return 't'
    if value is False:
        return 'f'
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _bulk_possible(Models):
    "Whether no trigger on create needs the records one by one"
    Trigger = Pool().get('ir.trigger')
    with without_check_access():
        return not any(
            Trigger.get_triggers(M.__name__, 'create') for M in Models)


def _bulk_after(Model, ids, hook_ids=None):
    """The record rules and hooks ModelSQL.create runs after the insert

    The hooks run for hook_ids (default ids): the records for which the
    caller knows they may do something."""
    transaction = Transaction()
    check_access = transaction.user and transaction.check_access
    if not ids:
        return
    Model._ModelSQL__check_domain_rule(ids, 'create')
    hooks = [name for name in ['check_modification', 'on_modification']
        if getattr(Model, name).__func__
        is not getattr(ModelStorage, name).__func__]
    with without_check_access():
        # Small slices: each instance of a browse checks all the ids
        for sub_ids in grouped_slice(
                ids if hook_ids is None else hook_ids, 20):
            if not hooks:
                break
            records = Model.browse(sub_ids)
            Model.check_modification(
                'create', records, external=check_access)
            Model.on_modification('create', records)
        transaction.create_records[Model.__name__].extend(ids)


class _CustomerReference:
    """Rows pointing to an existing customer by unified social credit code,
    customer code or name (exact, else normalised when it is unique)"""
    reference_columns = {
        'customer': ('客户名称', '客户', '公司名称', '企业名称', '公司',
            'company', 'customer name'),
        'customer_code': ('客户编码', '客户编号', 'customer code'),
        'uscc': ('统一社会信用代码', '社会信用代码', '信用代码', '税号',
            'credit code', 'unified social credit code', 'tax id'),
        }
    # the column of each kind of reference (customer_id: the API's)
    reference_fields = {'id': 'customer_id', 'uscc': 'uscc',
        'code': 'customer_code', 'name': 'customer',
        'normalized': 'customer'}

    def validate_reference(self, row, errors):
        "Set row.customer to (references, label), references by priority"
        data = row.data
        references = []
        if data.get('customer_id'):
            references.append(('id', data['customer_id']))
        if data.get('uscc'):
            try:
                references.append(('uscc', normalize_uscc(data['uscc'])))
            except InvalidValue:
                errors.append(reason('uscc',
                        'crm_plus.msg_customer_import_invalid_uscc',
                        value=data['uscc']))
        if data.get('customer_code'):
            references.append(('code', data['customer_code']))
        if data.get('customer'):
            references.append(('name', data['customer']))
            normalized = normalize_name(data['customer'])
            if normalized:
                references.append(('normalized', normalized))
        if not references and not errors:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_unknown_customer',
                    value=''))
        row.customer = (tuple(references), data.get('customer')
            or data.get('customer_code') or data.get('uscc')
            or data.get('customer_id'))

    def resolve_customers(self, rows):
        """Return {row line: party} for the rows whose customer is found
        (with the access rules of the user) and {row line: reason} for the
        others"""
        pool = Pool()
        Party = pool.get('party.party')
        wanted = defaultdict(set)
        for row in rows:
            for kind, value in row.customer[0]:
                wanted[kind].add(value)
        domain = ['OR']
        if wanted['id']:
            domain.append(('id', 'in', sorted(wanted['id'])))
        if wanted['uscc']:
            domain.append(('identifiers', 'where', [
                        ('type', '=', USCC_TYPE),
                        ('code_compact', 'in', sorted(wanted['uscc'])),
                        ]))
        # Joined to the values, not IN lists that PostgreSQL may look up in
        # the trigram indexes
        for kind, name in [
                ('code', 'code'), ('name', 'name'),
                ('normalized', 'crm_name_normalized')]:
            if wanted[kind]:
                party = Party.__table__()
                values = Values([[v] for v in sorted(wanted[kind])])
                domain.append(('id', 'in', party.join(values,
                            condition=Column(party, name)
                            == Column(values, 'column1')).select(party.id)))
        found = defaultdict(set)
        if len(domain) > 1:
            parties = Party.search(domain, order=[('id', 'ASC')])
            identifiers = {}
            if wanted['uscc']:
                Identifier = pool.get('party.identifier')
                for identifier in Identifier.search([
                            ('party', 'in', [p.id for p in parties]),
                            ('type', '=', USCC_TYPE),
                            ]):
                    identifiers.setdefault(
                        identifier.party.id, set()).add(
                        identifier.code_compact)
            for party in parties:
                for code in identifiers.get(party.id, ()):
                    found['uscc', code].add(party)
                found['id', party.id].add(party)
                found['code', party.code].add(party)
                found['name', party.name].add(party)
                found['normalized', party.crm_name_normalized].add(party)
        customers, reasons = {}, {}
        for row in rows:
            references, label = row.customer
            for reference in references:
                parties = found.get(reference)
                if not parties:
                    continue
                if len(parties) > 1:
                    reasons[row.line] = reason(
                        self.reference_fields[reference[0]],
                        'crm_plus.msg_customer_import_ambiguous_customer',
                        value=label)
                else:
                    customers[row.line], = parties
                break
            else:
                reasons[row.line] = reason(
                    self.reference_fields[references[0][0]]
                    if references else None,
                    'crm_plus.msg_customer_import_unknown_customer',
                    value=label)
        return customers, reasons


@register_schema
class ContactSchema(_CustomerReference, _PartyLookups, RowSchema):
    """Contacts: the persons of enterprise customers (crm.contact)

    The person is the one already a contact of another enterprise with the
    same mobile or email, else a new party.  The mobile (else the phone) is
    the work phone of the contact, a phone given beside a mobile is added
    to the person."""
    kind = 'contacts'
    model = 'crm.contact'
    columns = {
        **_CustomerReference.reference_columns,
        'name': ('联系人', '姓名', '联系人姓名', 'contact', 'contact name',
            'person'),
        'position': ('职务', '职位', 'job title', 'title'),
        'department': ('部门', 'dept'),
        'decision_role': ('决策角色', '角色', 'role'),
        'phone': ('电话', '座机', '联系电话', 'telephone', 'tel'),
        'mobile': ('手机', '手机号', '手机号码', 'cell', 'cellphone'),
        'email': ('邮箱', '电子邮件', '电子邮箱', 'e-mail', 'mail'),
        'birthday': ('生日', '出生日期', 'date of birth', 'birth date'),
        'notes': ('备注', 'note', 'comment'),
        }
    required = ('name',)
    # The Chinese labels, also when the language is not loaded
    role_aliases = {
        '决策者': 'decision_maker', '决策人': 'decision_maker',
        '影响者': 'influencer', '使用者': 'user', '用户': 'user',
        '把关者': 'gatekeeper', '其他': 'other',
        }

    def prepare(self):
        Contact = Pool().get('crm.contact')
        self.decision_roles = _selection_lookup(
            Contact, 'decision_role', self.role_aliases)

    def validate(self, row):
        data = row.data
        errors = []
        values = {}
        if not data.get('name'):
            errors.append(reason(
                    'name', 'crm_plus.msg_customer_import_name_required'))
        self.validate_reference(row, errors)
        phones, phone_errors = self.phone_values(data, ['mobile', 'phone'])
        errors.extend(phone_errors)
        email = self.email_value(data, errors)
        if not errors and not phones and not email:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_contact_empty'))
        for key in ['position', 'department', 'notes']:
            if data.get(key):
                values[key] = data[key]
        if data.get('decision_role'):
            values['decision_role'] = _selection_value(
                self.decision_roles, data['decision_role'], errors,
                'decision_role')
        if data.get('birthday'):
            values['birthday'] = _parse_date(
                data['birthday'], errors, 'birthday')
        if errors:
            raise RowError(*errors)
        row.person = (data['name'], [], [])  # name, phones, email keys
        person_mechanisms = []
        if phones:
            type_, value, compact = phones[0]
            values['phone'] = value
            row.person[1].append(compact)
            for type_, value, compact in phones[1:]:
                person_mechanisms.append({'type': type_, 'value': value})
        if email:
            values['email'] = email
            row.person[2].append(email_key(email))
        row.person_mechanisms = person_mechanisms
        # The same person twice for a customer in the file
        customer_key = row.customer[0][0] if row.customer[0] else None
        for compact in row.person[1]:
            row.keys.append(('contact', (customer_key, compact),
                    data.get('mobile') or data.get('phone')))
        for key in row.person[2]:
            row.keys.append(('contact', (customer_key, key), data['email']))
        row.values = values

    def text_values(self, row):
        pool = Pool()
        yield from super().text_values(row)
        yield pool.get('party.party'), {
            'name': row.person[0],
            'contact_mechanisms': [('create', row.person_mechanisms)],
            }

    def check(self, rows):
        pool = Pool()
        Contact = pool.get('crm.contact')
        customers, reasons = self.resolve_customers(rows)
        for row in rows:
            party = customers.get(row.line)
            if party and party.crm_kind != 'enterprise':
                reasons[row.line] = gettext(
                    'crm_plus.msg_customer_contact_enterprise_kind',
                    enterprise=party.rec_name)
        rows = [r for r in rows if r.line not in reasons]
        # The persons already contact of an enterprise, by phone and email
        phones = {p for r in rows for p in r.person[1]}
        emails = {e for r in rows for e in r.person[2]}
        persons = {}
        if phones or emails:
            domain = ['OR']
            if phones:
                domain.append(('phone_compact', 'in', sorted(phones)))
            for email in sorted(emails):
                domain.append(('email', 'ilike', escape(email)))
            for contact in Contact.search(domain, order=[('id', 'ASC')]):
                if contact.phone_compact in phones:
                    persons.setdefault(
                        ('phone', contact.phone_compact), contact)
                if contact.email and email_key(contact.email) in emails:
                    persons.setdefault(
                        ('email', email_key(contact.email)), contact)
        existing = {(c.enterprise.id, c.person.id)
            for c in persons.values() if c.active}
        for row in rows:
            name = row.data['name']
            row.enterprise = customers[row.line]
            row.person_id = None
            for key in ([('phone', p) for p in row.person[1]]
                    + [('email', e) for e in row.person[2]]):
                contact = persons.get(key)
                if not contact:
                    continue
                if contact.person.name != name:
                    reasons[row.line] = gettext(
                        'crm_plus.msg_customer_import_contact_other_person',
                        value=key[1], person=contact.person.rec_name)
                    break
                if (row.enterprise.id, contact.person.id) in existing:
                    reasons[row.line] = gettext(
                        'crm_plus.msg_customer_contact_unique',
                        person=contact.person.rec_name,
                        enterprise=row.enterprise.rec_name)
                    break
                row.person_id = contact.person.id
                break
        return reasons

    def create(self, rows):
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        # The rows of a new person share it: same phone or email in the file
        new_persons, by_key, person_of = [], {}, {}
        for row in rows:
            if row.person_id:
                continue
            keys = ([('phone', p) for p in row.person[1]]
                + [('email', e) for e in row.person[2]])
            index = next((by_key[k] for k in keys if k in by_key), None)
            if index is None:
                index = len(new_persons)
                new_persons.append({'name': row.data['name']})
            for key in keys:
                by_key.setdefault(key, index)
            person_of[row.line] = index
            if row.person_mechanisms:
                new_persons[index].setdefault(
                    'contact_mechanisms', [('create', [])])[0][1].extend(
                    row.person_mechanisms)
        persons = Party.create(new_persons) if new_persons else []
        vlist = []
        for row in rows:
            person = row.person_id
            if person is None:
                person = persons[person_of[row.line]].id
            vlist.append(dict(row.values,
                    enterprise=row.enterprise.id, person=person))
        for row, contact in zip(rows, Contact.create(vlist)):
            row.record = contact.id


def _selection_lookup(Model, name, aliases=None):
    "Return {header key of label or value: value} of a selection field"
    lookup = {}
    for language in {'en', Transaction().language, 'zh_CN'}:
        with Transaction().set_context(language=language):
            definition = Model.fields_get([name])[name]
        for value, label in definition['selection']:
            if value:
                lookup[header_key(value)] = value
                lookup[header_key(label)] = value
    for alias, value in (aliases or {}).items():
        lookup.setdefault(header_key(alias), value)
    return lookup


def _selection_value(lookup, text, errors, field=None):
    value = lookup.get(header_key(text))
    if value is None:
        errors.append(reason(field,
                'crm_plus.msg_customer_import_invalid_value', value=text))
    return value


DATE_FORMATS = ['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y%m%d', '%Y年%m月%d日']
TIME_FORMATS = ['%H:%M', '%H:%M:%S', '%H时%M分', '%H点%M分', '%H点']


def _parse_date(text, errors, field=None):
    text = unicodedata.normalize('NFKC', text).strip()
    for format_ in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    errors.append(reason(field,
            'crm_plus.msg_customer_import_invalid_date', value=text))


def _parse_time(text, errors):
    text = unicodedata.normalize('NFKC', text).strip()
    for format_ in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, format_).time()
        except ValueError:
            continue
    errors.append(gettext(
            'crm_plus.msg_customer_import_invalid_date', value=text))


def _parse_datetime(text, errors):
    "Return the datetime of a date with an optional time"
    text = unicodedata.normalize('NFKC', text).strip()
    date_text, _, time_text = text.replace('T', ' ').partition(' ')
    date = _parse_date(date_text, errors)
    time_ = datetime.time()
    if time_text.strip():
        time_ = _parse_time(time_text, errors)
    if date and time_:
        return datetime.datetime.combine(date, time_)


def _parse_duration(text, errors):
    """Return the timedelta of minutes ("30", "30分钟", "30 min"), of
    "H:MM[:SS]" or of hours ("1.5h", "2小时")"""
    value = unicodedata.normalize('NFKC', text).strip().lower()
    try:
        if ':' in value:
            parts = [int(p) for p in value.split(':')]
            if len(parts) in {2, 3} and all(p >= 0 for p in parts):
                parts += [0] * (3 - len(parts))
                return datetime.timedelta(
                    hours=parts[0], minutes=parts[1], seconds=parts[2])
        else:
            for suffixes, unit in [
                    (('小时', 'hours', 'hour', 'h'), 'hours'),
                    (('分钟', '分', 'minutes', 'minute', 'mins', 'min',
                            'm'), 'minutes'),
                    (('', ), 'minutes')]:
                for suffix in suffixes:
                    if value.endswith(suffix):
                        number = float(value[:len(value) - len(suffix)]
                            .strip())
                        if number >= 0:
                            return datetime.timedelta(**{unit: number})
                        raise ValueError(value)
    except ValueError:
        pass
    errors.append(gettext(
            'crm_plus.msg_customer_import_invalid_duration', value=text))


@register_schema
class InteractionSchema(_CustomerReference, RowSchema):
    """Interactions with customers (crm.interaction)

    Dates without time are at midnight; they are in the company's timezone
    (UTC without one) and stored in UTC like those entered in the client.
    The same customer, date, type and subject twice is a duplicate."""
    kind = 'interactions'
    model = 'crm.interaction'
    columns = {
        **_CustomerReference.reference_columns,
        'type': ('类型', '方式', '沟通方式', '互动类型', 'interaction type'),
        'date': ('日期', '时间', '日期时间', '沟通时间', 'datetime',
            'date time'),
        'time': ('时刻', 'hour'),
        'direction': ('方向', '呼入呼出'),
        'duration': ('时长', '通话时长', '持续时间', '分钟'),
        'subject': ('主题', '标题', '事由'),
        'summary': ('摘要', '内容', '纪要', '详情', 'description',
            'details', 'notes'),
        'outcome': ('结果', '沟通结果', 'result'),
        'next_step': ('下一步', '下一步行动', 'next step'),
        'follow_up_date': ('跟进日期', '下次跟进', '下次跟进日期',
            'follow-up date', 'follow up'),
        'follow_up_user': ('跟进人', '负责人', '跟进负责人', 'responsible',
            'follow-up user', 'user'),
        }
    required = ('type', 'date', 'subject')
    type_aliases = {
        '电话': 'call', '打电话': 'call', '来电': 'call', '去电': 'call',
        'phone': 'call', 'phone call': 'call',
        '电子邮件': 'email', '邮件': 'email', 'e-mail': 'email',
        'mail': 'email',
        '会面': 'meeting', '开会': 'meeting', '会议': 'meeting',
        '上门': 'visit', '拜访': 'visit', '上门拜访': 'visit', '走访': 'visit',
        '短信': 'message', '微信': 'message', 'sms': 'message',
        'wechat': 'message', 'chat': 'message',
        '笔记': 'note', '记录': 'note', '消息': 'message', '备注': 'note',
        }
    direction_aliases = {
        '来电': 'inbound', '呼入': 'inbound', '入': 'inbound',
        'in': 'inbound', '去电': 'outbound', '呼出': 'outbound',
        '内部': 'internal',
        '出': 'outbound', 'out': 'outbound',
        }
    outcome_aliases = {
        '正面': 'positive', '好': 'positive', '一般': 'neutral',
        '负面': 'negative', '无人接听': 'no_answer', '未接': 'no_answer',
        '积极': 'positive', '中性': 'neutral', '消极': 'negative',
        '未接通': 'no_answer',
        }

    def prepare(self):
        pool = Pool()
        Interaction = pool.get('crm.interaction')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        self.types = _selection_lookup(
            Interaction, 'type', self.type_aliases)
        self.directions = _selection_lookup(
            Interaction, 'direction', self.direction_aliases)
        self.outcomes = _selection_lookup(
            Interaction, 'outcome', self.outcome_aliases)
        with Transaction().set_context(_check_access=False):
            self.users = {u.login: u.id for u in User.search([])}
        self.company = Transaction().context.get('company')
        self.timezone = None
        if self.company:
            company = Company(self.company)
            if company.timezone:
                self.timezone = ZoneInfo(company.timezone)

    def validate(self, row):
        data = row.data
        errors = []
        values = {}
        if not self.company:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_no_company'))
        self.validate_reference(row, errors)
        values['type'] = _selection_value(self.types, data.get('type', ''),
            errors)
        date = None
        if data.get('date'):
            date = _parse_datetime(data['date'], errors)
            if date and data.get('time'):
                time_ = _parse_time(data['time'], errors)
                if time_:
                    date = datetime.datetime.combine(date.date(), time_)
        else:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_invalid_date', value=''))
        if date:
            if self.timezone:
                date = date.replace(tzinfo=self.timezone).astimezone(
                    datetime.timezone.utc).replace(tzinfo=None)
            values['date'] = date
        values['direction'] = 'outbound'
        if data.get('direction'):
            values['direction'] = _selection_value(
                self.directions, data['direction'], errors)
        if data.get('duration'):
            values['duration'] = _parse_duration(data['duration'], errors)
        if data.get('subject'):
            values['subject'] = data['subject']
        else:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_subject_required'))
        for key in ['summary', 'next_step']:
            if data.get(key):
                values[key] = data[key]
        if data.get('outcome'):
            values['outcome'] = _selection_value(
                self.outcomes, data['outcome'], errors)
        if data.get('follow_up_date'):
            values['follow_up_date'] = _parse_date(
                data['follow_up_date'], errors)
        if data.get('follow_up_user'):
            user = self.users.get(data['follow_up_user'])
            if not user:
                errors.append(gettext(
                        'crm_plus.msg_customer_import_unknown_user',
                        value=data['follow_up_user']))
            values['follow_up_user'] = user
        if errors:
            raise RowError(*errors)
        values['company'] = self.company
        row.keys.append(('interaction', (
                    row.customer[0][0], values['date'], values['type'],
                    values['subject']), values['subject']))
        row.values = values

    def check(self, rows):
        pool = Pool()
        Interaction = pool.get('crm.interaction')
        customers, reasons = self.resolve_customers(rows)
        rows = [r for r in rows if r.line not in reasons]
        if not rows:
            return reasons
        with Transaction().set_context(_check_access=False):
            existing = {(i.party.id, i.date, i.type, i.subject)
                for i in Interaction.search([
                        ('party', 'in', list({
                                    customers[r.line].id for r in rows})),
                        ('date', 'in', list({
                                    r.values['date'] for r in rows})),
                        ])}
        for row in rows:
            row.values['party'] = customers[row.line].id
            if (row.values['party'], row.values['date'], row.values['type'],
                    row.values['subject']) in existing:
                reasons[row.line] = gettext(
                    'crm_plus.msg_customer_import_duplicate_interaction',
                    party=customers[row.line].rec_name)
        return reasons

    def create(self, rows):
        Interaction = Pool().get('crm.interaction')
        for row, interaction in zip(
                rows, Interaction.create([r.values for r in rows])):
            row.record = interaction.id
