"""The quotation and sales contract PDFs in the customer's language."""
import datetime as dt
import glob
import os
import shutil
import subprocess
import tempfile
import unittest
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.sales.tests.test_automation import pdf_text
from trytond.modules.currency.tests import create_currency
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

PO = os.path.join(
    os.path.dirname(__file__), '..', '..', 'locale', 'zh_CN.po')
# A valid unified social credit code (统一社会信用代码)
USCC = '91310115088774210C'


def pdf_pages(data, directory):
    """The text of each page of the PDF data and the PNG of each page

    The pages are rendered at 60 dpi into directory by pdftoppm; None when
    poppler-utils is not installed."""
    if not (shutil.which('pdftotext') and shutil.which('pdftoppm')):
        return None
    pdf = os.path.join(directory, 'document.pdf')
    with open(pdf, 'wb') as fp:
        fp.write(data)
    text = subprocess.run(
        ['pdftotext', '-enc', 'UTF-8', pdf, '-'],
        check=True, capture_output=True).stdout.decode('utf-8')
    subprocess.run(
        ['pdftoppm', '-png', '-r', '60', pdf, os.path.join(directory, 'page')],
        check=True)
    pages = [p.replace(' ', '') for p in text.split('\f') if p.strip()]
    return pages, sorted(glob.glob(os.path.join(directory, 'page*.png')))


class QuotationTestCase(CrmPlusDatabase, unittest.TestCase):
    "Test the quotation report"

    def quote(self, lang=None, **values):
        "A quoted sale of 2 routers at 1,200 to a new customer"
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
                    'contact_mechanisms': [('create', [{
                                    'type': 'phone',
                                    'value': '+86 21 5888 1234',
                                    }])],
                    'identifiers': [('create', [{
                                    'type': 'cn_vat', 'code': USCC}])],
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
                    **values,
                    }])
        Sale.quote([sale])
        return sale

    def chinese(self):
        "The zh_CN language with crm_plus's translations"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        zh, = Lang.search([('code', '=', 'zh_CN')])
        zh.translatable = True
        zh.save()
        Translation.translation_import('zh_CN', 'crm_plus', PO)
        return zh

    @with_transaction()
    def test_labels_translated(self):
        "The labels follow the customer's language, the data is kept"
        pool = Pool()
        Quotation = pool.get('crm.sale.quotation', type='report')
        Contract = pool.get('crm.sale.contract', type='report')
        zh = self.chinese()
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        with set_company(company):
            chinese = self.quote(lang=zh)
            english = self.quote()
            for Report, sale, present, absent in [
                    (Quotation, chinese, ["报价单", "客户"],
                        ["Quotation", "Customer:", "Seal"]),
                    (Quotation, english, ["Quotation", "Customer:", "Seal"],
                        ["报价单", "盖章"]),
                    (Contract, chinese, ["销售合同", "买方"],
                        ["Sales Contract", "Buyer", "Seal"]),
                    (Contract, english, ["Sales Contract", "Buyer", "Seal"],
                        ["销售合同", "盖章"]),
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
        Quotation = pool.get('crm.sale.quotation', type='report')
        Contract = pool.get('crm.sale.contract', type='report')
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        with set_company(company):
            sale = self.quote()
            fields = {
                Quotation: 'crm_quotation_template',
                Contract: 'crm_contract_template',
                }
            for Report, other, title in [
                    (Quotation, Contract, "云帆报价"),
                    (Quotation, Contract, "云帆报价单（新版）"),
                    (Contract, Quotation, "云帆合同"),
                    (Quotation, Contract, "云帆报价"),
                    ]:
                Company.write([company], {
                        # The other document has the default layout
                        fields[other]: None,
                        fields[Report]: (
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
                    self.assertNotIn("Contract", text)
                # The other document keeps its own layout
                text = pdf_text(other.execute([sale.id], {})[1])
                self.assertNotIn(title, text.replace(' ', ''))
                self.assertIn(
                    "Sales Contract" if other is Contract else "Quotation",
                    text)

    @with_transaction()
    def test_quotation_validity(self):
        "Quotations are valid 30 days unless the sale configuration says"
        pool = Pool()
        Configuration = pool.get('sale.configuration')
        Sale = pool.get('sale.sale')
        Date = pool.get('ir.date')
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        with set_company(company):
            self.assertEqual(
                Configuration(1).sale_quotation_validity,
                dt.timedelta(days=30))
            sale = self.quote()
            self.assertEqual(sale.quotation_date, Date.today())
            self.assertEqual(
                sale.quotation_expire, Date.today() + dt.timedelta(days=30))
            Configuration.write([Configuration(1)], {
                    'sale_quotation_validity': dt.timedelta(days=7),
                    })
            self.assertEqual(
                Sale.default_quotation_validity(company=company.id),
                dt.timedelta(days=7))

    @with_transaction()
    def test_print_menu(self):
        "Sales print the quotation and the contract, not the stock report"
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        ActionReport = pool.get('ir.action.report')
        ModelData = pool.get('ir.model.data')
        reports = {k['report_name'] for k in Keyword.get_keyword(
                'form_print', ('sale.sale', -1))}
        self.assertEqual(reports, {'crm.sale.quotation', 'crm.sale.contract'})
        # Kept, inactive, for an administrator to activate again
        stock = ActionReport(ModelData.get_id('sale', 'report_sale'))
        self.assertFalse(stock.active)

    @with_transaction()
    def test_contract_and_quotation_pdf(self):
        "The Chinese contract and quotation show what both parties sign"
        pool = Pool()
        Lang = pool.get('ir.lang')
        PaymentTerm = pool.get('account.invoice.payment_term')
        Date = pool.get('ir.date')
        Quotation = pool.get('crm.sale.quotation', type='report')
        Contract = pool.get('crm.sale.contract', type='report')
        zh = self.chinese()
        company = create_company(
            name="杭州云帆科技有限公司", currency=create_currency('CNY'))
        term, = PaymentTerm.create([{
                    'name': "月结30天",
                    'lines': [('create', [{
                                    'type': 'remainder',
                                    'relativedeltas': [
                                        ('create', [{'days': 30}])],
                                    }])],
                    }])
        today = Date.today()
        delivery = today + dt.timedelta(days=15)
        with set_company(company):
            sale = self.quote(
                lang=zh, payment_term=term.id, sale_date=today,
                shipping_date=delivery, shipment_method='invoice')
            documents = {}
            for Report in [Quotation, Contract]:
                ext, content, _, _ = Report.execute([sale.id], {})
                self.assertEqual(ext, 'pdf')
                directory = tempfile.mkdtemp()
                self.addCleanup(shutil.rmtree, directory)
                result = pdf_pages(content, directory)
                if result is None:
                    self.skipTest("poppler-utils is missing")
                pages, images = result
                self.assertEqual(len(images), len(pages))
                for image in images:
                    with open(image, 'rb') as fp:
                        self.assertEqual(fp.read(4), b'\x89PNG')
                documents[Report.__name__] = pages

        def date(value):
            return Lang.get('zh_CN').strftime(value).replace(' ', '')

        quotation = documents['crm.sale.quotation']
        self.assertEqual(len(quotation), 1)
        quotation, = quotation
        for text in ["报价单", "上海星辰贸易有限公司", "人民币贰仟肆佰元整",
                "有效期至：", date(today + dt.timedelta(days=30)),
                "报价方（盖章）：", "客户确认（签字盖章）：",
                "授权代表（签字）：", "付款条件：", "月结30天"]:
            self.assertIn(text, quotation)

        contract = documents['crm.sale.contract']
        # The signatures and seals close the one page of the contract
        self.assertEqual(len(contract), 1)
        contract, = contract
        for text in ["销售合同", "合同编号：", "签订日期：", date(today),
                "卖方", "买方", "杭州云帆科技有限公司",
                "上海星辰贸易有限公司", USCC, "+8621",
                "人民币贰仟肆佰元整", "二、付款方式", "月结30天",
                "三、交货", "交货日期：", date(delivery), "款到发货",
                "本合同一式两份", "卖方（盖章）：", "买方（盖章）：",
                "授权代表（签字）："]:
            self.assertIn(text, contract)
        self.assertLess(
            contract.index("人民币贰仟肆佰元整"), contract.index("三、交货"))
        self.assertLess(
            contract.index("本合同一式两份"), contract.index("买方（盖章）："))

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
