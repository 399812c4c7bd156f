"""Time an e-mail campaign through the queue: recipients written, then the
batch tasks run by trytond.worker's run_task, each to a local SMTP sink.

Usage (from the worktree root; SQLite by default, PostgreSQL with the URI):

    [TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ DB_NAME=bench_c]
        .venv/bin/python bench/bench_campaign.py [2000]

The database is the module tests' one (DB_CACHE keyed by the sources, as
/work/notes/mtest does).  The sink is aiosmtpd's Sink handler in a process
of its own.  Beside the campaign's figures it prints the rate of the same
number of prebuilt messages sent with smtplib over one connection (the
sink's ceiling), and the campaign report's query against a hand-written
GROUP BY of the recipients.  Prints figures, asserts nothing.
"""
import os
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def rate(label, count, seconds):
    print(f'{label}: {count} in {seconds:.2f} s, {count / seconds:.0f}/s, '
        f'{seconds / count * 1000:.2f} ms each', flush=True)


def main():
    from trytond.modules.crm_plus.testing import _default_db_cache
    os.environ.setdefault('DB_CACHE', _default_db_cache())
    import trytond.config as config
    from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db

    port = free_port()
    sink = subprocess.Popen([sys.executable, '-m', 'aiosmtpd', '-n',
            '-l', f'127.0.0.1:{port}', '-c', 'aiosmtpd.handlers.Sink'])
    try:
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', port), 1).close()
                break
            except OSError:
                time.sleep(0.05)
        config.set('email', 'uri', f'smtp://127.0.0.1:{port}')
        config.set('email', 'from', 'bench <bench@example.com>')
        baseline(port)
        drop_db()
        activate_module('crm_plus')
        try:
            run(DB_NAME)
        finally:
            drop_db()
    finally:
        sink.terminate()
        sink.wait()


def baseline(port):
    server = smtplib.SMTP('127.0.0.1', port)
    messages = []
    for i in range(COUNT):
        msg = EmailMessage()
        msg['From'] = 'bench@example.com'
        msg['To'] = f'c{i}@example.com'
        msg['Subject'] = f'客户{i}，春季新品'
        msg.set_content('text')
        msg.add_alternative('<p>html</p>', subtype='html')
        messages.append(msg)
    start = time.monotonic()
    for msg in messages:
        server.send_message(msg)
    rate('smtplib alone, one connection (the sink\'s ceiling)',
        COUNT, time.monotonic() - start)
    server.quit()


def run(database):
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task

    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('crm.consent')
        List = pool.get('marketing.email.list')
        Lang = pool.get('ir.lang')
        Campaign = pool.get('crm.campaign')
        Wave = pool.get('crm.campaign.wave')
        company = create_company()
        with set_company(company):
            start = time.monotonic()
            parties = Party.create([{
                        'name': f'客户{i}',
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': f'c{i}@example.com'}])],
                        } for i in range(COUNT)])
            Consent.record(parties, 'email', 'granted', 'bench')
            lang, = Lang.search([('code', '=', 'zh_CN')])
            list_, = List.create([{'name': 'bench', 'language': lang.id,
                        'emails': [('create', [
                                    {'email': f'c{i}@example.com'}
                                    for i in range(COUNT)])]}])
            rate('customers, consents and list (setup)', COUNT,
                time.monotonic() - start)
            campaign, = Campaign.create([{
                        'name': 'bench',
                        # no pace: as fast as the worker goes
                        'rate': 10_000_000,
                        'email_lists': [('add', [list_.id])],
                        'waves': [('create', [{
                                        'sequence': 1, 'name': 'one',
                                        'subject': '${name}，春季新品',
                                        'body': '<p>尊敬的 ${name}：</p><p>'
                                        '<a href="https://shop.example.com/'
                                        'new">查看新品</a></p>',
                                        }])],
                        }])
            Campaign.schedule([campaign])
            transaction.commit()
            start = time.monotonic()
            Wave.start_due()
            transaction.commit()
            rate('wave started: recipients written, batches queued', COUNT,
                time.monotonic() - start)
            tasks = list(transaction.tasks)
            transaction.tasks.clear()
    start = time.monotonic()
    for task in tasks:
        run_task(database, task)
    seconds = time.monotonic() - start
    with Transaction().start(database, 0) as transaction:
        Recipient = pool.get('crm.campaign.recipient')
        Report = pool.get('crm.campaign.report')
        sent = Recipient.search_count([('state', '=', 'sent')])
        rate(f'e-mails sent through {len(tasks)} queue tasks (render, '
            'tracked links, claim, SMTP, mark)', sent, seconds)
        start = time.monotonic()
        for _ in range(20):
            report, = Report.search([])
            report.sent, report.open_rate
        print(f'campaign report (ORM search + read): '
            f'{(time.monotonic() - start) / 20 * 1000:.1f} ms '
            f'(sent={report.sent})')
        cursor = transaction.connection.cursor()
        start = time.monotonic()
        for _ in range(20):
            cursor.execute('SELECT campaign, COUNT(*), SUM(CASE WHEN state '
                "IN ('sent', 'delivered', 'bounced') THEN 1 ELSE 0 END), "
                'SUM(CASE WHEN opened_at IS NOT NULL THEN 1 ELSE 0 END) '
                'FROM crm_campaign_recipient GROUP BY campaign')
            cursor.fetchall()
        print(f'hand-written GROUP BY of the recipients: '
            f'{(time.monotonic() - start) / 20 * 1000:.1f} ms')


if __name__ == '__main__':
    main()
