"""The documentation page: GET /<database>/api/v1/docs renders the OpenAPI
document (openapi.json) with Swagger UI, from this server, never a CDN.

Swagger UI (npm package swagger-ui-dist) is installed by ``./crm`` into the
folder ``[crm_api] docs_root`` of trytond.conf (written by ``crm-plus
init``), by default ``.api-docs`` beside the web client's ``[web] root``.
The page's chrome is in the language of Accept-Language (zh_CN by default),
the document itself in English.
"""
import html
from pathlib import Path
from urllib.parse import quote

from werkzeug.wrappers import Response

import trytond.config as config
from trytond.i18n import gettext
from trytond.protocols.wrappers import with_transaction
from trytond.transaction import Transaction

from .resource import not_found

# file served under /docs/: its path in the renderer folder, content type
ASSETS = {
    'swagger-ui-bundle.js': ('swagger-ui-bundle.js', 'application/javascript'),
    'swagger-ui.css': ('swagger-ui.css', 'text/css'),
    }
FOLDER = '.api-docs'

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
{head}<style>
body {{ margin: 0; font-family: sans-serif; }}
header {{ padding: 12px 24px; border-bottom: 1px solid #ddd; }}
header h1 {{ margin: 0 0 4px; font-size: 20px; }}
header p {{ margin: 0; color: #555; font-size: 14px; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p>{intro} <a href="{spec}">openapi.json</a></p>
</header>
{body}
</body>
</html>
"""
STYLE = '<link rel="stylesheet" href="{style}">\n'
VIEWER = """<div id="swagger-ui"></div>
<script src="{script}"></script>
<script>
window.ui = SwaggerUIBundle({{
    url: {spec_json}, dom_id: '#swagger-ui', validatorUrl: null,
    deepLinking: true, defaultModelsExpandDepth: 0}});
</script>"""
MISSING = """<p style="padding: 0 24px">{missing}
<a href="{spec}">{spec}</a></p>"""


def root():
    "The folder of the renderer, None when none is configured"
    path = config.get('crm_api', 'docs_root', default=None)
    if path:
        return Path(path)
    web = config.get('web', 'root', default=None)
    if web:
        return Path(web).resolve().parent / FOLDER
    return None


def page(request, pool, parts):
    "The page (no parts) or one of its ASSETS"
    if not parts:
        return _page(request, pool)
    if len(parts) == 1 and parts[0] in ASSETS:
        path, content_type = ASSETS[parts[0]]
        folder = root()
        try:
            data = (folder / path).read_bytes() if folder else None
        except OSError:
            data = None
        if data is None:
            raise not_found()
        return Response(data, content_type=content_type + '; charset=utf-8',
            headers={'Cache-Control': 'public, max-age=86400'})
    raise not_found()


def _page(request, pool):
    from .routes import language
    lang = language(request) or 'zh_CN'
    base = f'{request.script_root}/{quote(pool.database_name)}/api/v1'
    spec = f'{base}/openapi.json'
    texts = _texts(_Request(), pool, lang)
    head = ''
    folder = root()
    if folder and all((folder / p).is_file() for p, _ in ASSETS.values()):
        head = STYLE.format(style=html.escape(f'{base}/docs/swagger-ui.css'))
        body = VIEWER.format(script=html.escape(
                f'{base}/docs/swagger-ui-bundle.js'),
            spec_json=_json(spec))
    else:
        body = MISSING.format(missing=html.escape(texts['missing']),
            spec=html.escape(spec))
    content = PAGE.format(lang=lang.replace('_', '-'), head=head,
        title=html.escape(texts['title']), intro=html.escape(texts['intro']),
        spec=html.escape(spec), body=body)
    return Response(content, content_type='text/html; charset=utf-8',
        headers={'Content-Language': lang.replace('_', '-')})


def _json(value):
    import json
    # No "</script>" can end the script early
    return json.dumps(value).replace('<', '\\u003c')


class _Request:
    "with_transaction reads the method and the context of the request"
    method = 'GET'
    context = {}


@with_transaction(readonly=True)
def _texts(request, pool, lang):
    with Transaction().set_context(language=lang):
        return {name: gettext(f'crm_plus.msg_api_docs_{name}')
            for name in ['title', 'intro', 'missing']}
