"""System test of the role dashboard: the demo sales representative logs
into sao in headless Chromium and the representative dashboard opens by
itself, its panels drawn, with no console error and no error dialog.

Runs on the README's set-up like test_system (its instance, set up once
for this module)."""
import json
import secrets
import time
import unittest

import test_system
from test_system import (
    NO_CHROMIUM, REP_LOGIN, USERS_SCRIPT, WebClientCase, has_chromium,
    proteus)

#: the tab of the dashboard and its panels, in Chinese and in English
TAB = ('销售代表仪表板', 'Sales Representative Dashboard')
PANELS = {
    ('我的各阶段商机', 'My Pipeline by Stage'),
    ('我的目标达成', 'My Target Attainment'),
    ('我的到期跟进', 'My Follow-ups Due'),
    ('我的停滞商机', 'My Stale Deals'),
    }


def setUpModule():
    test_system.setUpModule()


@unittest.skipUnless(has_chromium(), NO_CHROMIUM)
class RepDashboardTest(WebClientCase):
    "A representative's login opens their dashboard"

    def test_dashboard_at_login(self):
        from selenium.webdriver.common.by import By
        password = secrets.token_urlsafe(12)
        proteus(test_system._home, USERS_SCRIPT,
            json.dumps({REP_LOGIN: password}))
        self.driver.get_log('browser')
        start = time.monotonic()
        self.login(REP_LOGIN, password)
        tab = self.wait(lambda d: next((t for t in d.find_elements(
                        By.CSS_SELECTOR, '#tablist > li')
                    if t.text.strip('×').strip() in TAB), None),
            lambda: "no dashboard tab after the login: " + str([
                    t.text for t in self.driver.find_elements(
                        By.CSS_SELECTOR, '#tablist > li')]))
        self.assertIn('active', tab.get_attribute('class'))
        self.idle()
        # each panel has a title and a drawn view (a chart or a list)
        panels = self.wait(lambda d: (lambda p: p if len(p) == 4
                and all(x.find_elements(By.CSS_SELECTOR,
                        'svg, canvas, table') for x in p) else None)(
                d.find_elements(By.CSS_SELECTOR,
                    '.tab-board .board-action')),
            "the dashboard panels are not drawn")
        seconds = time.monotonic() - start
        titles = {p.find_element(By.CSS_SELECTOR, '.panel-heading').text
            for p in panels}
        self.assertEqual(titles, {t for pair in PANELS for t in pair}
            & titles)
        self.assertEqual(len(titles), 4, titles)
        self.screenshot('dashboard-rep')
        errors = [e['message'] for e in self.driver.get_log('browser')
            if e['level'] == 'SEVERE' or (e['level'] == 'WARNING'
                and test_system.CONSOLE_EXCEPTION.search(e['message']))]
        self.assertEqual(errors, [])
        self.assertEqual(self.dialogs(), [])
        print(f"\nrepresentative dashboard drawn {seconds:.1f} s after the "
            "password", flush=True)
