"""The quotation PDF in the customer's language."""
import os
import unittest
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.sales.tests.test_automation import pdf_text
from trytond.modules.currency.tests import create_currency
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

PO = os.path.join(
    os.path.dirname(__file__), '..', '..', 'locale', 'zh_CN.po')


class QuotationTestCase(unittest.TestCase):
    "Test the quotation report"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def quote(self, lang=None):
        pool = Pool()
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Sale = pool.get('sale.sale')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': "工业路由器 R200",
                    'default_uom': unit.id,
                    'sale_uom': unit.id,
                    'type': 'service',
                    'salable': True,
                    'list_price': Decimal('1200'),
                    'products': [('create', [{}])],
                    }])
        customer, = Party.create([{
                    'name': "上海星辰贸易有限公司",
                    'lang': lang.id if lang else None,
                    'addresses': [('create', [{'city': "上海"}])],
                    }])
        sale, = Sale.create([{
                    'party': customer.id,
                    'invoice_address': customer.addresses[0].id,
                    'lines': [('create', [{
                                    'product': template.products[0].id,
                                    'quantity': 2,
                                    'unit': unit.id,
                                    'unit_price': Decimal('1200'),
                                    }])],
                    }])
        Sale.quote([sale])
        return sale

    @with_transaction()
    def test_labels_translated(self):
        "The labels follow the customer's language, the data is kept"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        Report = pool.get('crm.sale.quotation', type='report')
        zh, = Lang.search([('code', '=', 'zh_CN')])
        zh.translatable = True
        zh.save()
        Translation.translation_import('zh_CN', 'crm_plus', PO)
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        with set_company(company):
            chinese = self.quote(lang=zh)
            english = self.quote()
            for sale, present, absent in [
                    (chinese, ["报价单", "客户"], ["Quotation", "Customer:"]),
                    (english, ["Quotation", "Customer:"], ["报价单"]),
                    ]:
                ext, content, _, _ = Report.execute([sale.id], {})
                self.assertEqual(ext, 'pdf')
                text = pdf_text(content)
                if text is None:
                    self.skipTest("pdftotext is missing")
                text = text.replace(' ', '')
                for string in present:
                    self.assertIn(string.replace(' ', ''), text)
                for string in absent:
                    self.assertNotIn(string.replace(' ', ''), text)
                self.assertIn("上海星辰贸易有限公司", text)
                self.assertIn("工业路由器R200", text)
                self.assertIn("人民币贰仟肆佰元整", text)

    @with_transaction()
    def test_company_template(self):
        "A company's own template replaces the layout, edits apply at once"
        pool = Pool()
        Company = pool.get('company.company')
        Report = pool.get('crm.sale.quotation', type='report')
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        with set_company(company):
            sale = self.quote()
            for title in ["云帆报价", "云帆报价单（新版）", "云帆报价"]:
                Company.write([company], {
                        'crm_quotation_template': (
                            '<html xmlns:py="http://genshi.edgewall.org/">'
                            '<body><h1>%s</h1>'
                            '<p py:for="sale in records">'
                            '${sale.party.rec_name}</p></body></html>'
                            % title),
                        })
                for _ in range(2):
                    ext, content, _, _ = Report.execute([sale.id], {})
                    self.assertEqual(ext, 'pdf')
                    text = pdf_text(content)
                    if text is None:
                        self.skipTest("pdftotext is missing")
                    lines = [l.replace(' ', '') for l in text.splitlines()]
                    self.assertIn(title, lines)
                    self.assertIn("上海星辰贸易有限公司", lines)
                    self.assertNotIn("Quotation", text)

    def test_write_pdf(self):
        "XHTML is parsed as XML with its style cached, the rest as HTML"
        from trytond.modules.crm_plus.sales.quotation import QuotationReport
        try:
            import weasyprint
        except ImportError:
            self.skipTest("WeasyPrint is missing")
        style = '<style>p { margin-left: 30mm; }</style>'
        for html in [
                '<html xmlns="http://www.w3.org/1999/xhtml"><head>%s</head>'
                '<body><p>报价单</p><ul><li>条款</li></ul></body></html>'
                % style,
                # Not XML
                '<html><head>%s</head><body><p>报价单<br>条款</p></body>'
                '</html>' % style,
                ]:
            for _ in range(2):
                text = pdf_text(QuotationReport.write_pdf(weasyprint, html))
                if text is None:
                    self.skipTest("pdftotext is missing")
                self.assertIn("报价单", text)
                self.assertIn("条款", text)
