import base64
from io import BytesIO

from genshi.template import MarkupTemplate

from trytond.model import fields
from trytond.modules.company.company import CompanyReport
from trytond.pool import Pool, PoolMeta
from trytond.report.report import _lazy_import
from trytond.tools import slugify

from .amount import amount_to_chinese

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


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    crm_quotation_template = fields.Text(
        "Quotation Template",
        help="A Genshi XHTML template replacing the default quotation "
        "layout for this company.\n"
        "Start from crm_plus/sales/report/quotation.html.")


class QuotationReport(CompanyReport):
    "Printable quotation (报价单) of a sale, rendered by WeasyPrint"
    __name__ = 'crm.sale.quotation'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        context = super().get_context(records, header, data)
        company = context['company']
        context['amount_to_chinese'] = amount_to_chinese
        context['logo'] = None
        if company and company.logo:
            # Embedded as a data: URL, see convert
            context['logo'] = image_data_url(
                company.get_logo_cm(6, 2.2)[0])
        context['terms'] = Configuration(1).crm_quotation_terms
        return context

    @classmethod
    def render(cls, report, report_context):
        company = report_context['company']
        if not company or not company.crm_quotation_template:
            return super().render(report, report_context)
        template = MarkupTemplate(
            BytesIO(company.crm_quotation_template.encode('utf-8')))
        translate = cls._callback_loader(report, template)
        if translate:
            report_context = report_context.copy()
            report_context['gettext'] = translate.gettext
            report_context['ngettext'] = translate.ngettext
        return template.generate(**report_context).render()

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        # Allow data: URLs for the embedded logo; they read nothing from
        # the server or the network
        if (report.template_extension == 'html'
                and report.extension == 'pdf'
                and (weasyprint := _lazy_import('weasyprint'))):
            return 'pdf', weasyprint.HTML(
                string=data,
                url_fetcher=weasyprint.URLFetcher(
                    allowed_protocols={'http', 'https', 'data'}),
                ).write_pdf()
        return super().convert(report, data, timeout=timeout, retry=retry)

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
