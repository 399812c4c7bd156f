"""CSV import of leads: ``crm-plus import leads FILE.csv``.

The rows go through the customer importer's machinery (batches, one
transaction each run as the importing user, failing rows isolated, a report
of every row).  A lead needs a name and a phone or an e-mail; its source,
industry, campaign and province are looked up by name, its representative
by name or login.  A row repeating the phone or e-mail of an open lead (in
the file or in the database) is rejected as a duplicate; one of a lead the
user cannot see is rejected without naming it.
"""
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..customer.importer import (
    RowError, RowSchema, _PartyLookups, _province_key, _selection_lookup,
    _selection_value, header_key, reason, register_schema)
from ..customer.normalize import (
    InvalidValue, email_key, normalize_uscc)
from trytond.i18n import gettext

OPEN_STATES = ['new', 'working', 'qualified']


@register_schema
class LeadSchema(_PartyLookups, RowSchema):
    "Leads (crm.lead)"
    kind = 'leads'
    model = 'crm.lead'
    columns = {
        'name': ('姓名', '联系人', '联系人姓名', 'contact', 'contact name'),
        'organization': ('公司', '公司名称', '企业名称', '单位', 'company',
            'company name'),
        'title': ('职务', '职位', 'job title', 'position'),
        'phone': ('电话', '手机', '手机号', '联系电话', 'mobile',
            'telephone', 'tel'),
        'email': ('邮箱', '电子邮件', '电子邮箱', 'e-mail', 'mail'),
        'uscc': ('统一社会信用代码', '社会信用代码', '信用代码',
            'credit code', 'unified social credit code'),
        'province': ('省份', '省', 'state', 'region'),
        'industry': ('行业', '所属行业'),
        'headcount': ('公司规模', '规模', '人数', 'company size', 'size'),
        'source': ('来源', '线索来源', 'lead source'),
        'campaign': ('活动', '营销活动', '市场活动'),
        'owner': ('负责人', '销售', '销售代表', 'sales rep'),
        'utm_source': ('utm source',),
        'utm_medium': ('utm medium',),
        'utm_campaign': ('utm campaign',),
        'utm_content': ('utm content',),
        'utm_term': ('utm term',),
        'description': ('备注', '描述', '需求', 'notes', 'comment'),
        }
    required = ('name',)

    def prepare(self):
        pool = Pool()
        Lead = pool.get('crm.lead')
        Industry = pool.get('crm.industry')
        Source = pool.get('crm.customer.source')
        Campaign = pool.get('crm.campaign')
        self.load_lookups()
        self.headcounts = _selection_lookup(Lead, 'headcount')
        self.company = Transaction().context.get('company')
        self.named = {}
        for key, Model in [
                ('industry', Industry), ('source', Source),
                ('campaign', Campaign)]:
            lookup = {}
            for language in {'en', Transaction().language, 'zh_CN'}:
                with Transaction().set_context(language=language,
                        _check_access=False):
                    for record in Model.search([]):
                        lookup.setdefault(header_key(record.name), record.id)
            self.named[key] = lookup

    def validate(self, row):
        data = row.data
        errors = []
        values = {}
        if not self.company:
            errors.append(gettext('crm_plus.msg_customer_import_no_company'))
        if not data.get('name'):
            errors.append(reason(
                    'name', 'crm_plus.msg_customer_import_name_required'))
        phones, phone_errors = self.phone_values(data, ['phone'])
        errors.extend(phone_errors)
        email = self.email_value(data, errors)
        if not phone_errors and not phones and not email and not errors:
            errors.append(gettext(
                    'crm_plus.msg_customer_import_contact_empty'))
        if data.get('uscc'):
            try:
                values['uscc'] = normalize_uscc(data['uscc'])
            except InvalidValue:
                errors.append(reason('uscc',
                        'crm_plus.msg_customer_import_invalid_uscc',
                        value=data['uscc']))
        if data.get('province'):
            provinces = self.provinces.get(self.default_country, {})
            province = (provinces.get(_province_key(data['province']))
                or provinces.get(header_key(data['province'])))
            if not province:
                errors.append(reason('province',
                        'crm_plus.msg_customer_import_invalid_value',
                        value=data['province']))
            values['subdivision'] = province
        for key, field in [('industry', 'industry'), ('source', 'source'),
                ('campaign', 'campaign')]:
            if data.get(key):
                record = self.named[key].get(header_key(data[key]))
                if not record:
                    errors.append(reason(key,
                            'crm_plus.msg_customer_import_invalid_value',
                            value=data[key]))
                values[field] = record
        if data.get('headcount'):
            values['headcount'] = _selection_value(
                self.headcounts, data['headcount'], errors, 'headcount')
        if data.get('owner'):
            try:
                values['owner'] = self.owner(data['owner'])
            except RowError as error:
                errors.extend(error.args)
        if errors:
            raise RowError(*errors)
        for key in ['name', 'organization', 'title', 'description',
                'utm_source', 'utm_medium', 'utm_campaign', 'utm_content',
                'utm_term']:
            if data.get(key):
                values[key] = data[key]
        if phones:
            type_, value, compact = phones[0]
            values['phone'] = value
            row.keys.append(('phone', compact, data['phone']))
        if email:
            values['email'] = email
            row.keys.append(('email', email_key(email), data['email']))
        values['company'] = self.company
        row.values = values

    def existing(self, rows):
        "The open leads with the phones and e-mails of the rows"
        Lead = Pool().get('crm.lead')
        phones = sorted({k[1] for r in rows for k in r.keys
                if k[0] == 'phone'})
        emails = sorted({k[1] for r in rows for k in r.keys
                if k[0] == 'email'})
        if not phones and not emails:
            return {}
        domain = [('state', 'in', OPEN_STATES), ['OR',
                ('phone_compact', 'in', phones),
                ('email_compact', 'in', emails)]]
        with Transaction().set_context(_check_access=False):
            found = Lead.search(domain)
        visible = {l.id for l in Lead.search(
                [('id', 'in', [l.id for l in found])])}
        result = {}
        for lead in found:
            label = lead.rec_name if lead.id in visible else None
            if lead.phone_compact:
                result.setdefault(('phone', lead.phone_compact), label)
            if lead.email_compact:
                result.setdefault(('email', lead.email_compact), label)
        return result

    def create(self, rows):
        Lead = Pool().get('crm.lead')
        for row, lead in zip(rows, Lead.create([r.values for r in rows])):
            row.record = lead.id
