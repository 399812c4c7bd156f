import base64
import copy
import datetime as dt
import functools
import gc
import threading
from collections import OrderedDict, namedtuple
from io import BytesIO
from xml.etree import ElementTree

from genshi.template import MarkupTemplate

from trytond.model import fields
from trytond.modules.company.company import CompanyReport
from trytond.modules.sale.configuration import default_func
from trytond.pool import Pool, PoolMeta
from trytond.report.report import TranslateFactory, _lazy_import
from trytond.transaction import Transaction
from trytond.tools import slugify

from .amount import amount_to_chinese

#: The validity of quotations when the sale configuration sets none
QUOTATION_VALIDITY = dt.timedelta(days=30)

# What lang.currency needs of a currency, without a record to read from
QuotationCurrency = namedtuple(
    'QuotationCurrency', ['code', 'symbol', 'digits'])
QuotationLine = namedtuple('QuotationLine', [
        'index', 'type', 'product', 'description', 'quantity', 'unit',
        'unit_digits', 'unit_price', 'discount', 'taxes', 'amount'])


class Quotation:
    "The values the quotation template shows of a sale, read beforehand"
    __slots__ = (
        'sale', 'lang', 'company_name', 'company_address', 'company_phone',
        'company_email', 'company_tax_identifier', 'customer',
        'customer_phone', 'customer_tax_identifier',
        'invoice_address', 'contact', 'reference', 'number', 'date',
        'expire', 'sale_date', 'salesperson', 'currency', 'lines',
        'discounted', 'taxed', 'columns', 'untaxed_amount', 'tax_amount',
        'total_amount', 'payment_term', 'shipment_address', 'delivery_date',
        'shipment_method')

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


_IMAGE_TYPES = [
    (b'\x89PNG', 'image/png'),
    (b'\xff\xd8', 'image/jpeg'),
    (b'GIF8', 'image/gif'),
    (b'<svg', 'image/svg+xml'),
    (b'<?xml', 'image/svg+xml'),
    ]


def image_data_url(data):
    "Return data as a data: URL, None when it is not a known image type"
    if not data:
        return None
    data = bytes(data)
    for magic, mimetype in _IMAGE_TYPES:
        if data.startswith(magic):
            return 'data:%s;base64,%s' % (
                mimetype, base64.b64encode(data).decode('ascii'))


_FONT_FACE = '@font-face'
# What a <style> element may have to be given to the render as a cached
# stylesheet: no rule adding to the document's fonts, counter styles or
# colour profiles, no import, no !important (whose cascade depends on the
# origin of the stylesheet)
_UNCACHED_CSS = (
    '@font-face', '@counter-style', '@color-profile', '@import',
    '!important')
_local = threading.local()


class _Cache:
    "A thread-safe cache of the size latest used values"

    def __init__(self, size=16):
        self._values = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key, make):
        "The value of key, made by make(key) when it is not kept"
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make(key)
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


_templates = _Cache()


def font_config():
    """The WeasyPrint font configuration of the thread, kept between renders

    Building it loads fontconfig's configuration; it holds the @font-face
    rules of the documents, so it is not shared between threads."""
    config = getattr(_local, 'font_config', None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration
        config = _local.font_config = FontConfiguration()
    return config


_stylesheets = _Cache()


def stylesheet(weasyprint, text):
    """The weasyprint.CSS of text, parsed once

    Parsing the stylesheet of the template cost as much as laying out a
    few table rows. Like WeasyPrint's own user-agent stylesheet, the CSS
    object is only read by the renders that use it."""
    return _stylesheets.get(
        text, lambda text: weasyprint.CSS(string=text))


# Rules of WeasyPrint's user-agent stylesheet (html5_ua.css) whose
# selector matches every element: each element of the document then gets
# the computed style of six pseudo-elements (::marker, ::footnote-call,
# ::footnote-marker, ::note-call, ::note-marker, ::note-callback); a
# 20-line quotation had 1,300 computed styles for its 46 distinct element
# styles. Only list items have a marker; footnotes and notes come from
# the document's styles ("float: footnote", "position: note()"), which
# keep the whole stylesheet.
_UA_PSEUDO_RULES = ('::marker {', '::footnote-', '::note-')
_UA_PSEUDO_USES = ('list-item', 'footnote', 'note(')


@functools.cache
def lean_ua_stylesheet(weasyprint):
    """WeasyPrint's user-agent stylesheet with the ::marker style for list
    items only and without the footnote and note pseudo-elements

    None when the stylesheet is not the expected one."""
    from weasyprint.html import UA
    lines, found = [], set()
    for line in UA.splitlines(keepends=True):
        rule = next((r for r in _UA_PSEUDO_RULES if line.startswith(r)), None)
        if rule == '::marker {':
            line = 'li' + line
        elif rule:
            line = ''
        found.add(rule)
        lines.append(line)
    if not found.issuperset(_UA_PSEUDO_RULES):
        return None
    # Its @counter-style rules are already in WeasyPrint's UA_COUNTER_STYLE
    return weasyprint.CSS(string=''.join(lines))


@functools.cache
def xhtml_class(weasyprint):
    "The weasyprint.HTML class of an already parsed document"

    class XHTML(weasyprint.HTML):
        def __init__(self, root, url_fetcher, ua_stylesheet=None):
            # What HTML.__init__ sets after parsing (WeasyPrint 70)
            import cssselect2  # a dependency of WeasyPrint
            self.base_url = None
            self.url_fetcher = url_fetcher
            self.media_type = 'print'
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None)
            self.etree_element = root
            self.ua_stylesheet = ua_stylesheet

        def _ua_stylesheets(self, forms=False):
            sheets = super()._ua_stylesheets(forms=forms)
            if self.ua_stylesheet:
                sheets = [self.ua_stylesheet] + sheets[1:]
            return sheets
    return XHTML


# The version of WeasyPrint whose internals xhtml_class sets
_WEASYPRINT_MAJOR = '70'


def xhtml_document(weasyprint, data, url_fetcher):
    """The weasyprint.HTML of data and the stylesheets to give its render

    Genshi writes well-formed XHTML: expat parses it in half a millisecond
    where WeasyPrint's HTML5 parser (pure Python) takes 17 ms. The <style>
    elements become cached stylesheets given to the render (user origin:
    with no other stylesheet and no !important the cascade is the same).
    What is not XHTML is left to WeasyPrint, and so is everything with
    another version of WeasyPrint than the one whose internals this sets."""
    root = None
    if weasyprint.__version__.split('.')[0] == _WEASYPRINT_MAJOR:
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            pass
    if root is None or root.tag.rsplit('}', 1)[-1] != 'html':
        return weasyprint.HTML(string=data, url_fetcher=url_fetcher), []
    parents = {}
    for element in root.iter():
        # No namespace, as the HTML5 parser gives
        if element.tag.startswith('{'):
            element.tag = element.tag.split('}', 1)[1]
        for child in element:
            parents[child] = element
    styles = list(root.iter('style'))
    stylesheets = []
    if not any(root.iter('link')) and all(
            not style.attrib and not len(style)
            and not any(r in (style.text or '').lower()
                for r in _UNCACHED_CSS)
            for style in styles):
        for style in styles:
            parents[style].remove(style)
            if style.text:
                stylesheets.append(stylesheet(weasyprint, style.text))
    ua_stylesheet = None
    if not any(use in data for use in _UA_PSEUDO_USES):
        ua_stylesheet = lean_ua_stylesheet(weasyprint)
    return (
        xhtml_class(weasyprint)(root, url_fetcher, ua_stylesheet),
        stylesheets)


def company_template(text):
    "The compiled Genshi template of text, compiled once"
    template = _templates.get(text,
        lambda text: MarkupTemplate(BytesIO(text.encode('utf-8'))))
    # The copy has its own filters, the translator is added to them
    return copy.copy(template)


class _CollectorPause:
    """Pause the automatic garbage collection during renders

    WeasyPrint allocates tens of thousands of objects per document (boxes,
    styles, layout state), many of them in reference cycles.
    With the collector on, the survivors of the young collections fill the
    oldest generation, whose collection then walks the whole heap (the pool
    is about 250,000 objects) for 150 ms or more every few renders.
    Paused, the render's cycles are still young when it ends and one
    collection of the young generations frees them.

    The collector is process wide: the pause is counted so that overlapping
    renders of several threads resume it only when the last one ends, and
    each render collects the young generations when it ends, so the
    garbage of the other threads waits for the end of a render at most
    (while renders overlap without end, the oldest generation is only
    collected once they stop). Collecting is never needed for
    correctness, only for memory; a collector disabled by someone else is
    left alone."""

    def __init__(self):
        self._lock = threading.Lock()
        self._count = 0
        self._paused = False

    def __enter__(self):
        with self._lock:
            if not self._count:
                self._paused = gc.isenabled()
                if self._paused:
                    gc.disable()
            self._count += 1

    def __exit__(self, *exc_info):
        with self._lock:
            self._count -= 1
            if not self._count and self._paused:
                gc.enable()
                self._paused = False
        gc.collect(1)


_collector_pause = _CollectorPause()


class _TranslateFactory(TranslateFactory):
    """Look the report translations up in the table of the language

    The translator filter runs on every text of the rendered document;
    ir.translation.get_report costs a language and a cache lookup on each
    call, this takes the table of the language once per render."""

    def __init__(self, report_name, translation):
        super().__init__(report_name, translation)
        self._tables = {}

    def gettext(self, text):
        # Keyed by the language of the context, which set_lang changes:
        # without one, Transaction.language asks the configuration's
        # cache on each call
        key = Transaction().context.get('language')
        table = self._tables.get(key)
        if table is None:
            language = Transaction().language
            # Fills the cache of the language
            self.translation.get_report(self.report_name, text)
            table = self.translation._translation_report_cache.get(
                (self.report_name, language))
            if table is None:
                return self.translation.get_report(self.report_name, text)
            self._tables[key] = table
        values = table.get((text, None))
        return values[0] if values else text


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    crm_quotation_template = fields.Text(
        "Quotation Template",
        help="A Genshi XHTML template replacing the default quotation "
        "layout for this company.\n"
        "Start from crm_plus/sales/report/quotation.html.")
    crm_contract_template = fields.Text(
        "Sales Contract Template",
        help="A Genshi XHTML template replacing the default sales contract "
        "layout for this company.\n"
        "Start from crm_plus/sales/report/quotation.html "
        "(its contract layout).")


class SaleConfiguration(metaclass=PoolMeta):
    __name__ = 'sale.configuration'
    # The stock module defines no default for the quotation validity
    default_sale_quotation_validity = default_func('sale_quotation_validity')


class SaleConfigurationQuotation(metaclass=PoolMeta):
    __name__ = 'sale.configuration.quotation'

    @classmethod
    def default_sale_quotation_validity(cls):
        return QUOTATION_VALIDITY


class QuotationReport(CompanyReport):
    "Printable quotation (报价单) of a sale, rendered by WeasyPrint"
    __name__ = 'crm.sale.quotation'
    #: The document quotation.html lays out: 'quotation' or 'contract'
    document = 'quotation'
    #: The company.company field of a template replacing the layout
    template_field = 'crm_quotation_template'
    #: The crm.configuration field of the terms printed at the end
    terms_field = 'crm_quotation_terms'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        context = super().get_context(records, header, data)
        company = context['company']
        context['document'] = cls.document
        context['amount_to_chinese'] = amount_to_chinese
        context['logo'] = None
        if company and company.logo:
            # Embedded as a data: URL, see convert
            context['logo'] = image_data_url(
                company.get_logo_cm(6, 2.2)[0])
        context['terms'] = getattr(Configuration(1), cls.terms_field)
        context['quotations'] = cls.get_quotations(records)
        return context

    @classmethod
    def get_quotations(cls, records):
        """The Quotation of each record, in the order of records

        Reading through the records' attributes costs a read and its cache
        keys for each relation of each line; this reads the same values in
        a few calls, in the language of the records. The customer's phone
        and tax identifier, the shipment method and the delivery date are
        read for the contract only (None on a quotation)."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        Config = pool.get('ir.configuration')

        def name(row, field):
            related = row.get(field + '.')
            return related['rec_name'] if related else None

        def address(row, field):
            related = row.get(field + '.')
            return related['full_address'] if related else None

        contract = cls.document == 'contract'
        sale_fields = [
            'party.rec_name', 'party.lang', 'company',
            'currency.code', 'currency.symbol', 'currency.digits',
            'invoice_address.full_address', 'contact.rec_name',
            'reference', 'quotation_date',
            'quotation_expire', 'quoted_by.rec_name',
            'payment_term.rec_name', 'shipment_address.full_address',
            'lines', 'untaxed_amount', 'tax_amount', 'total_amount',
            ]
        line_fields = [
            'type', 'product.rec_name', 'description', 'quantity',
            'unit.symbol', 'unit.digits', 'unit_price', 'discount',
            'crm_tax_names', 'amount']
        if contract:
            sale_fields += [
                'party.phone', 'party.tax_identifier.code', 'sale_date',
                'shipping_date', 'shipment_method']
            # Planned from the product lead times or the stock moves
            line_fields.append('shipping_date')
        sales = {s['id']: s for s in Sale.read(
                [int(r) for r in records], sale_fields)}
        lines = {l['id']: l for l in Line.read(
                [i for s in sales.values() for i in s['lines']], line_fields)}
        companies = {}
        for company in Company.read(
                list({s['company'] for s in sales.values()}), [
                    'party.rec_name', 'party.phone', 'party.email',
                    'party.tax_identifier.code']):
            party = company['party.']
            caddress = Party(party['id']).address_get()
            companies[company['id']] = dict(
                company_name=party['rec_name'],
                company_address=caddress.full_address if caddress else None,
                company_phone=party['phone'],
                company_email=party['email'],
                company_tax_identifier=(
                    party['tax_identifier.']['code']
                    if party.get('tax_identifier.') else None))
        langs = {l.id: l for l in Lang.browse(list(
                    {s['party.']['lang'] for s in sales.values()} - {None}))}
        # set_lang(None) and the format functions would use it, looked up
        # on each call
        langs[None] = Lang.get(Config.get_language())

        quotations = []
        for record in records:
            sale = sales[int(record)]
            currency = sale['currency.']
            sale_lines = []
            for index, line_id in enumerate(sale['lines'], 1):
                line = lines[line_id]
                unit = line.get('unit.')
                sale_lines.append(QuotationLine(
                        index=index,
                        type=line['type'],
                        product=name(line, 'product') or '',
                        description=line['description'],
                        quantity=line['quantity'],
                        unit=unit['symbol'] if unit else '',
                        unit_digits=unit['digits'] if unit else None,
                        unit_price=line['unit_price'],
                        discount=line['discount'],
                        taxes=line['crm_tax_names'],
                        amount=line['amount']))
            delivery_date = sale.get('shipping_date') or max(
                (lines[i].get('shipping_date') for i in sale['lines']
                    if lines[i].get('shipping_date')), default=None)
            discounted = any(
                l.discount for l in sale_lines if l.type == 'line')
            taxed = any(l.taxes for l in sale_lines if l.type == 'line')
            party = sale['party.']
            quotations.append(Quotation(
                    sale=record,
                    lang=langs[party['lang']],
                    customer=party['rec_name'],
                    customer_phone=party.get('phone'),
                    customer_tax_identifier=(
                        party['tax_identifier.']['code']
                        if party.get('tax_identifier.') else None),
                    invoice_address=address(sale, 'invoice_address'),
                    contact=name(sale, 'contact'),
                    reference=sale['reference'],
                    # A property
                    number=record.full_number,
                    date=sale['quotation_date'],
                    expire=sale['quotation_expire'],
                    sale_date=sale.get('sale_date'),
                    salesperson=name(sale, 'quoted_by'),
                    currency=QuotationCurrency(
                        currency['code'], currency['symbol'],
                        currency['digits']),
                    lines=sale_lines,
                    discounted=discounted,
                    taxed=taxed,
                    # Of the lines table: No., product, quantity, unit
                    # price and amount, discount and taxes when shown
                    columns=5 + discounted + taxed,
                    untaxed_amount=sale['untaxed_amount'],
                    tax_amount=sale['tax_amount'],
                    total_amount=sale['total_amount'],
                    payment_term=name(sale, 'payment_term'),
                    shipment_address=address(sale, 'shipment_address'),
                    delivery_date=delivery_date,
                    shipment_method=sale.get('shipment_method'),
                    **companies[sale['company']]))
        return quotations

    @classmethod
    def _callback_loader(cls, report, template):
        translate = super()._callback_loader(report, template)
        if translate:
            fast = _TranslateFactory(
                translate.report_name, translate.translation)
            # The translator filter calls the factory given to it
            for filter_ in template.filters:
                if getattr(filter_, 'translate', None) is translate:
                    filter_.translate = fast
            translate = fast
        return translate

    @classmethod
    def render(cls, report, report_context):
        company = report_context['company']
        text = getattr(company, cls.template_field) if company else None
        if not text:
            return super().render(report, report_context)
        template = company_template(text)
        translate = cls._callback_loader(report, template)
        if translate:
            report_context = report_context.copy()
            report_context['gettext'] = translate.gettext
            report_context['ngettext'] = translate.ngettext
        return template.generate(**report_context).render()

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        if (report.template_extension == 'html'
                and report.extension == 'pdf'
                and (weasyprint := _lazy_import('weasyprint'))):
            with _collector_pause:
                return 'pdf', cls.write_pdf(weasyprint, data)
        return super().convert(report, data, timeout=timeout, retry=retry)

    @staticmethod
    def write_pdf(weasyprint, data):
        "The PDF of the HTML data"
        if isinstance(data, bytes):
            data = data.decode('utf-8')
        html, stylesheets = xhtml_document(
            weasyprint, data,
            # Allow data: URLs for the embedded logo; they read nothing
            # from the server or the network
            weasyprint.URLFetcher(allowed_protocols={'http', 'https', 'data'}))
        return html.write_pdf(
            stylesheets=stylesheets,
            # @font-face rules would pile up in a shared one
            font_config=font_config() if _FONT_FACE not in data else None)

    @classmethod
    def store_revisions(cls, sales):
        "Attach the current quotation PDF to each sale"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachments = []
        for sale in sales:
            ext, content, _, _ = cls.execute([sale.id], {
                    'model': 'sale.sale',
                    })
            attachments.append(Attachment(
                    resource=sale,
                    name='%s.%s' % (
                        slugify(sale.full_number or str(sale.id)), ext),
                    type='data',
                    data=content))
        Attachment.save(attachments)


class ContractReport(QuotationReport):
    """Printable sales contract (销售合同) of a sale

    The quotation's reads, template and render in its contract layout:
    seller and buyer, payment, delivery and the seals of both parties."""
    __name__ = 'crm.sale.contract'
    document = 'contract'
    template_field = 'crm_contract_template'
    terms_field = 'crm_contract_terms'
