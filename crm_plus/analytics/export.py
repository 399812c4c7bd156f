"""Export any report to XLSX (openpyxl) or CSV: the generic wizard
``crm.analytics.export`` (Export to Excel / CSV).

It exports the selected rows of a list or, when none is selected, all the
rows of the list in the action's context (a report's context form values
come in it), read with ``search_read`` under the user's access: model and
field access and record rules apply, as in the list. The columns are the
fields of the model's list view in their order, headed by their strings in
the user's language. In XLSX, numbers are numbers (with a number format),
dates and times are dates, a Many2One is its record name and a selection
its label; the CSV is UTF-8 with a BOM, so that Excel reads Chinese.

To offer it on a reporting model, bind the wizard with one record in the
model's XML (any ModelSQL model with a list view)::

    <record model="ir.action.keyword" id="analytics_export_keyword_MODEL">
        <field name="keyword">form_action</field>
        <field name="model">MODEL.NAME,-1</field>
        <field name="action" ref="crm_plus.wizard_analytics_export"/>
    </record>
"""
import csv
import datetime as dt
import io
import re
from decimal import Decimal

from lxml import etree

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

NUMBER_TYPES = {'integer', 'float', 'numeric'}
DATE_FORMAT = 'yyyy-mm-dd'
DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss'
#: the rows read at once
BATCH = 5000


class ExportStart(ModelView):
    "The format of the export"
    __name__ = 'crm.analytics.export.start'
    __string__ = "Export Rows"
    format = fields.Selection([
            ('xlsx', "Excel (XLSX)"),
            ('csv', "CSV (UTF-8)"),
            ], "Format", required=True, sort=False)

    @classmethod
    def default_format(cls):
        return 'xlsx'


class ExportResult(ModelView):
    "The exported file"
    __name__ = 'crm.analytics.export.result'
    __string__ = "Exported File"
    rows = fields.Integer("Rows", readonly=True)
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


def list_fields(Model):
    """The names of the fields of the model's list view, in order, without
    the invisible ones and each once"""
    view = Model.fields_view_get(view_type='tree')
    names = []
    for element in etree.fromstring(view['arch'].encode('utf-8')).iter(
            'field'):
        name = element.get('name')
        if (name in Model._fields and name not in names
                and element.get('tree_invisible') not in {'1', 'True'}):
            names.append(name)
    return names


def cell_value(definition, value):
    "The Python value of a cell for the read value of a field"
    type_ = definition['type']
    if value is None:
        return None
    if type_ in {'many2one', 'reference', 'one2one'}:
        return value.get('rec_name') if isinstance(value, dict) else value
    if type_ in {'selection', 'multiselection'}:
        # read as its label
        return value
    if type_ == 'numeric':
        return value
    if type_ in {'one2many', 'many2many'}:
        return len(value)
    if type_ in {'binary'}:
        return None
    if type_ == 'timedelta':
        return value.total_seconds() / 3600
    return value


def number_format(definition):
    "The Excel number format of a numeric field"
    if definition['type'] == 'integer':
        return '#,##0'
    digits = definition.get('digits')
    if isinstance(digits, str):
        try:
            digits = PYSONDecoder().decode(digits)
        except ValueError:
            digits = None
    decimals = 2
    if (isinstance(digits, (list, tuple)) and len(digits) == 2
            and isinstance(digits[1], int)):
        decimals = digits[1]
    return '#,##0.' + '0' * decimals if decimals else '#,##0'


class Export(Wizard):
    "Export the rows of a list to XLSX or CSV"
    __name__ = 'crm.analytics.export'
    start = StateView('crm.analytics.export.start',
        'crm_plus.analytics_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('crm.analytics.export.result',
        'crm_plus.analytics_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def _rows(self):
        """The header strings, the field definitions and the cell values of
        the rows, read with the user's access"""
        pool = Pool()
        context = Transaction().context
        model = context.get('active_model')
        Model = pool.get(model) if model else None
        if not Model or not issubclass(Model, ModelSQL):
            raise AccessError(gettext('crm_plus.msg_analytics_export_model'))
        with check_access():
            names = list_fields(Model)
            definitions = Model.fields_get(names)
            names = [n for n in names if n in definitions]
            read_names = []
            for name in names:
                type_ = definitions[name]['type']
                if type_ in {'many2one', 'reference', 'one2one'}:
                    read_names.append(f'{name}.rec_name')
                elif type_ in {'selection', 'multiselection'}:
                    # the labels in the user's language, as the list shows
                    read_names.append(f'{name}:string')
                else:
                    read_names.append(name)
            ids = context.get('active_ids') or []
            domain = [('id', 'in', ids)] if ids else []
            rows = []
            offset = 0
            while True:
                records = Model.search_read(domain, offset=offset,
                    limit=BATCH, fields_names=read_names)
                for record in records:
                    rows.append([cell_value(definitions[n], record.get(
                                    f'{n}.', record.get(f'{n}:string',
                                        record.get(n))))
                            for n in names])
                if len(records) < BATCH:
                    break
                offset += BATCH
        headers = [definitions[n]['string'] for n in names]
        return Model, headers, [definitions[n] for n in names], rows

    def transition_export(self):
        Model, headers, definitions, rows = self._rows()
        if self.start.format == 'csv':
            data = self.csv(headers, rows)
        else:
            data = self.xlsx(Model, headers, definitions, rows)
        name = Model.__names__()['model']
        name = re.sub(r'[\\/:*?"<>|\s]+', '_', name).strip('_') or 'export'
        today = Pool().get('ir.date').today()
        self.result.rows = len(rows)
        self.result.file = data
        self.result.filename = f'{name}-{today:%Y%m%d}.{self.start.format}'
        return 'result'

    def default_result(self, fields):
        file_ = self.result.file
        cast = self.result.__class__.file.cast
        # no need to keep the file in the session
        self.result.file = None
        return {
            'rows': self.result.rows,
            'file': cast(file_) if file_ else None,
            'filename': self.result.filename,
            }

    @staticmethod
    def csv(headers, rows):
        "The UTF-8 CSV (with a BOM for Excel) of the rows"
        output = io.StringIO(newline='')
        writer = csv.writer(output)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([
                    '' if v is None
                    else v.isoformat(' ') if isinstance(v, dt.datetime)
                    else v.isoformat() if isinstance(v, dt.date)
                    else str(v) for v in row])
        return output.getvalue().encode('utf-8-sig')

    @staticmethod
    def xlsx(Model, headers, definitions, rows):
        "The XLSX workbook of the rows: numbers as numbers, dates as dates"
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        # a sheet title has at most 31 characters and none of []:*?/\
        sheet.title = re.sub(
            r'[\[\]:*?/\\]', ' ', Model.__names__()['model'])[:31] or 'Sheet'
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = 'A2'
        formats = []
        for definition in definitions:
            if definition['type'] in NUMBER_TYPES:
                formats.append(number_format(definition))
            elif definition['type'] in {'datetime', 'timestamp'}:
                formats.append(DATETIME_FORMAT)
            elif definition['type'] == 'date':
                formats.append(DATE_FORMAT)
            else:
                formats.append(None)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v
                    for v in row])
            for cell, format_ in zip(sheet[sheet.max_row], formats):
                if format_ and cell.value is not None:
                    cell.number_format = format_
        for i, header in enumerate(headers, 1):
            width = max(len(header.encode('gbk', 'replace')), 10)
            sheet.column_dimensions[get_column_letter(i)].width = min(
                width + 2, 60)
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()
