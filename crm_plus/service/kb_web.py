"""The public page of a published knowledge base article,
``/<database>/crm/service/kb/<id>``, the link an agent inserts into a reply:
the title and the body escaped, not found for any other id (a draft, a
missing article or a database without crm_plus).  Reading it counts no
view."""
import html
import re
from http import HTTPStatus

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import without_check_access
from trytond.wsgi import app


PAGE = '''<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;
padding:0 1em;line-height:1.6}}</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
'''


@app.route('/<database_name>/crm/service/kb/<int:article_id>',
    methods={'GET', 'HEAD'})
@with_pool
@with_transaction(readonly=True)
def article_page(request, pool, article_id):
    """The public page of a published article, read by the server: any
    other id is not found, whether it exists or not"""
    try:
        Article = pool.get('crm.kb.article')
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)
    with without_check_access():
        articles = Article.search([
                ('id', '=', article_id),
                ('published', '=', True),
                ], limit=1)
    if not articles:
        abort(HTTPStatus.NOT_FOUND)
    article, = articles
    paragraphs = '\n'.join(
        '<p>%s</p>' % html.escape(p).replace('\n', '<br>')
        for p in re.split(r'\n\s*\n', article.body.strip()) if p.strip())
    page = PAGE.format(
        lang='zh-CN' if article.language == 'zh_CN' else 'en',
        title=html.escape(article.title), body=paragraphs)
    return Response(page, content_type='text/html; charset=utf-8',
        headers={
            'Content-Security-Policy':
            "default-src 'none'; style-src 'unsafe-inline'",
            'X-Content-Type-Options': 'nosniff',
            })
