import os
import re
import tempfile

import polib
from lxml import etree

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.party.tests import (
    PartyCheckEraseMixin, PartyCheckReplaceMixin)
from trytond.modules import get_module_info
import trytond
from trytond.exceptions import LoginException
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

# View attributes that sao evaluates as encoded PYSON (record.expr_eval)
SAO_PYSON_ATTRIBUTES = {
    'states', 'visual', 'spell', 'size', 'add_remove', 'change',
    'scan_code_states'}
# A PYSON expression written as Python source: sao cannot decode it
PYSON_SOURCE = re.compile(
    r'\b(Eval|If|Bool|Not|And|Or|Equal|Greater|Less|In|Get|Id|Len|Date'
    r'|DateTime|TimeDelta)\(')


class CrmPlusTestCase(
        CompanyTestMixin, PartyCheckReplaceMixin, PartyCheckEraseMixin,
        ModuleTestCase):
    "Test crm_plus module"
    module = 'crm_plus'

    @property
    def _skip_company_rule(self):
        # Pipelines without company are shared by all companies
        return super()._skip_company_rule | {('crm.pipeline', 'company')}

    @with_transaction()
    def test_rule_context_team_employees(self):
        "Record rules see the user's, managed and team employees"
        pool = Pool()
        Team = pool.get('crm.team')
        User = pool.get('res.user')
        Rule = pool.get('ir.rule')
        company = create_company()
        with set_company(company):
            manager, rep_a, rep_b, other = [
                create_employee(company, name) for name in [
                    "Manager", "Rep A", "Rep B", "Other"]]
            Team.create([{
                        'name': "East",
                        'company': company.id,
                        'manager': manager.id,
                        'members': [('add', [rep_a.id, rep_b.id])],
                        }])
            users = {}
            for login, employee in [
                    ('manager', manager), ('rep_a', rep_a),
                    ('other', other)]:
                users[login], = User.create([{
                            'login': login,
                            'name': login,
                            'companies': [('add', [company.id])],
                            'company': company.id,
                            'employees': [('add', [employee.id])],
                            'employee': employee.id,
                            }])

            def context(login):
                with Transaction().set_user(users[login].id), \
                        Transaction().set_context(_check_access=True):
                    User._get_employees_cache.clear()
                    return Rule._get_context('party.party')

            ctx = context('manager')
            self.assertEqual(list(ctx['employees']), [manager.id])
            self.assertEqual(
                set(ctx['managed_employees']),
                {manager.id, rep_a.id, rep_b.id})
            ctx = context('rep_a')
            self.assertEqual(list(ctx['employees']), [rep_a.id])
            self.assertEqual(set(ctx['managed_employees']), {rep_a.id})
            self.assertEqual(
                set(ctx['team_employees']),
                {manager.id, rep_a.id, rep_b.id})
            ctx = context('other')
            self.assertEqual(set(ctx['managed_employees']), {other.id})
            self.assertEqual(set(ctx['team_employees']), {other.id})

    @with_transaction()
    def test_override_clears_fuzzy_translation(self):
        "An override equal to another module's fuzzy translation applies"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Translation = pool.get('ir.translation')
        sale_po = os.path.join(
            get_module_info('sale')['directory'], 'locale', 'zh_CN.po')
        Translation.translation_import('zh_CN', 'sale', [sale_po])
        # Only the overrides of sale: the other modules' zh_CN is not loaded
        override = polib.pofile(os.path.join(
                get_module_info('crm_plus')['directory'],
                'locale', 'override', 'zh_CN.po'))
        subset = polib.POFile()
        subset.extend(e for e in override
            if e.msgctxt.split(':')[2].startswith('sale.'))
        with tempfile.NamedTemporaryFile(suffix='.po') as po:
            subset.save(po.name)
            Translation.translation_import('zh_CN', 'crm_plus', [po.name])
        state, = Translation.search([
                ('lang', '=', 'zh_CN'),
                ('module', '=', 'sale'),
                ('type', '=', 'field'),
                ('name', '=', 'sale.sale,state'),
                ])
        self.assertEqual(state.value, "状态")
        self.assertFalse(state.fuzzy)
        self.assertEqual(state.overriding_module, 'crm_plus')
        # the name of an act_window is a translation of ir.action
        configuration, = Translation.search([
                ('lang', '=', 'zh_CN'),
                ('module', '=', 'sale'),
                ('type', '=', 'model'),
                ('name', '=', 'ir.action,name'),
                ('res_id', '=', ModelData.get_id(
                        'sale', 'act_sale_configuration_form')),
                ])
        self.assertEqual(configuration.value, "设置")
        self.assertFalse(configuration.fuzzy)
        self.assertEqual(configuration.overriding_module, 'crm_plus')

    @with_transaction()
    def test_login_message_language(self):
        "The login dialog speaks the language sao sends in BCP 47"
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        User = pool.get('res.user')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        zh_cn.translatable = True
        zh_cn.save()
        res_po = os.path.join(
            os.path.dirname(trytond.__file__), 'res', 'locale', 'zh_CN.po')
        Translation.translation_import('zh_CN', 'res', [res_po])

        def message(language):
            with Transaction().set_context(language=language), \
                    self.assertRaises(LoginException) as raised:
                User.get_login('admin', {})
            return raised.exception.message

        self.assertEqual(message('zh-CN'), "admin 的密码")
        self.assertEqual(message('zh_CN'), "admin 的密码")
        self.assertEqual(message('en-US'), "Password for admin")
        # a language the database does not translate: its default one
        configuration = Configuration(1)
        configuration.language = 'zh_CN'
        configuration.save()
        self.assertEqual(message('fr-FR'), "admin 的密码")

    @with_transaction()
    def test_check_vies_only_for_its_group(self):
        "The EU VIES check is offered only to the users of its group"
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        vies = ModelData.get_id('party', 'wizard_check_vies')
        replace = ModelData.get_id('party', 'wizard_replace')

        def party_actions():
            Keyword._get_keyword_cache.clear()
            with Transaction().set_user(1), \
                    Transaction().set_context(_check_access=True):
                return [a['id'] for a in Keyword.get_keyword(
                        'form_action', ('party.party', -1))]

        # the administrator is a party administrator
        self.assertIn(replace, party_actions())
        self.assertNotIn(vies, party_actions())
        User.write([User(1)], {'groups': [('add', [ModelData.get_id(
                            'crm_plus', 'group_party_check_vies')])]})
        self.assertIn(vies, party_actions())

    @with_transaction()
    def test_every_string_translated_zh_cn(self):
        "Every string crm_plus shows has a zh_CN translation"
        Translation = Pool().get('ir.translation')
        source = polib.pofile(
            Translation.translation_export('en', 'crm_plus').decode('utf-8'))
        translated = {
            (e.msgctxt, e.msgid) for e in polib.pofile(os.path.join(
                    get_module_info('crm_plus')['directory'],
                    'locale', 'zh_CN.po'))
            if e.msgstr and 'fuzzy' not in e.flags}
        missing = sorted(
            f'{e.msgctxt} {e.msgid!r}' for e in source
            if e.msgid and (e.msgctxt, e.msgid) not in translated)
        self.assertFalse(missing, 'untranslated:\n' + '\n'.join(missing))


    @with_transaction()
    def test_tree_view_datetime_widget(self):
        "Tree views show datetimes with a date or time widget (sao needs it)"
        pool = Pool()
        View = pool.get('ir.ui.view')
        for view in View.search([
                    ('type', '=', 'tree'),
                    ('inherit', '=', None),
                    ]):
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id, view_type='tree')
            for field in etree.fromstring(result['arch']).iter('field'):
                name = field.get('name')
                type_ = result['fields'][name]['type']
                with self.subTest(view=view.rec_name, field=name):
                    if type_ in {'datetime', 'timestamp'}:
                        self.assertIn(field.get('widget'), {'date', 'time'})

    @with_transaction()
    def test_view_pyson_encoded(self):
        "Every crm_plus view gives sao its PYSON attributes encoded"
        pool = Pool()
        View = pool.get('ir.ui.view')
        decoder = PYSONDecoder({}, noeval=True)
        views = View.search([('module', '=', 'crm_plus')])
        self.assertTrue(views)
        for view in views:
            root = view.inherit or view
            if not root.model:
                continue
            Model = pool.get(root.model)
            result = Model.fields_view_get(
                view_id=root.id, view_type=root.type)
            for element in etree.fromstring(result['arch']).iter():
                for name, value in element.attrib.items():
                    with self.subTest(
                            view=view.rec_name, tag=element.tag,
                            attribute=name):
                        self.assertIsNone(
                            PYSON_SOURCE.search(value),
                            f'PYSON source in {name}={value!r}: set it in '
                            'view_attributes')
                        if name in SAO_PYSON_ATTRIBUTES:
                            decoder.decode(value)


del ModuleTestCase
