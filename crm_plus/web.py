"""The web client's branding: sao loads ``custom.js`` and ``custom.css`` from
its root, which sao does not ship; without them each page load logs two
failed requests.  Served here, they show the product's name (``[crm_plus]
title`` in trytond.conf, default "CRM Plus") instead of "Tryton" in the login
page, the header and the window title, and add crm_plus's style
(``custom.css`` beside this file).
"""
import json
from pathlib import Path

from werkzeug.wrappers import Response

import trytond.config as config
from trytond.wsgi import app

DEFAULT_TITLE = 'CRM Plus'
CUSTOM_CSS = (Path(__file__).parent / 'custom.css').read_text(
    encoding='utf-8')


def title():
    return config.get('crm_plus', 'title', default=DEFAULT_TITLE)


@app.route('/custom.js', methods={'GET', 'HEAD'})
def custom_js(request):
    # Sao.config is read when the page is shown, after this script has run
    return Response(
        'Sao.config.title = %s;\n' % json.dumps(title(), ensure_ascii=False),
        content_type='application/javascript; charset=utf-8')


@app.route('/custom.css', methods={'GET', 'HEAD'})
def custom_css(request):
    return Response(CUSTOM_CSS, content_type='text/css; charset=utf-8')
