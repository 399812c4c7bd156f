"""System tests: the README's ``./crm setup`` and the web client in Chromium.

One instance is set up in a temporary folder for the whole module (installing
the database takes over a minute) and shared by both test classes:

* SetupTest runs ``./crm setup`` a second time over data added in between and
  checks nothing was lost or loaded twice;
* BrowserTest serves the instance, logs into sao with headless Chromium and
  opens the customers list from the CRM menu, leaving a screenshot.

CRM_PLUS_VENV and CRM_PLUS_SAO are inherited, defaulting like ``./crm`` to
the checkout's .venv and .sao; screenshots go to CRM_PLUS_SCREENSHOTS
(default ``<repo>/.crm/screenshots``).
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get('CRM_PLUS_VENV') or REPO / '.venv')
DATABASE = 'crm'
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMEDRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'
SCREENSHOTS = Path(os.environ.get('CRM_PLUS_SCREENSHOTS')
    or REPO / '.crm' / 'screenshots')

# Labels of the menu entries in zh_CN (the demo administrator's language)
# and in English.
CRM_MENU = ('客户关系管理', 'CRM')
CUSTOMERS_MENU = ('客户', 'Customers')

# Counts and lookups run by the venv's Python: proteus and trytond keep a
# global configuration, so each query gets its own process.
PROTEUS_SCRIPT = """
import json, sys
from proteus import Model, config
config.set_trytond(%(database)r, config_file=sys.argv[1])
if len(sys.argv) > 2:
    Model.get('party.party')(name=sys.argv[2]).save()
models = ['party.party', 'sale.opportunity', 'company.company', 'res.user']
print(json.dumps({
    'counts': {m: len(Model.get(m).find([])) for m in models},
    'parties': sorted(p.name for p in Model.get('party.party').find([])),
    }))
""" % {'database': DATABASE}

_home = None


def instance_env(home):
    """The environment of a command against the instance in home: its own
    SQLite configuration, never the test database of the caller"""
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['CRM_PLUS_HOME'] = str(home)
    return env


def run_setup(home, label):
    "Run the README's set-up on home, print and return its duration"
    start = time.monotonic()
    process = subprocess.run([str(REPO / 'crm'), 'setup'], cwd=REPO,
        env=instance_env(home), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=900)
    duration = time.monotonic() - start
    print(f"\n./crm setup ({label}): {duration:.1f} s", flush=True)
    return process, duration


def query(home, new_party=None):
    "Counts of records in the instance, after creating new_party if given"
    command = [str(VENV / 'bin' / 'python'), '-c', PROTEUS_SCRIPT,
        str(home / 'trytond.conf')]
    if new_party:
        command.append(new_party)
    process = subprocess.run(command, env=instance_env(home),
        capture_output=True, text=True, timeout=300)
    if process.returncode:
        raise AssertionError(
            f"proteus query failed:\n{process.stdout}{process.stderr}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def setUpModule():
    global _home
    _home = Path(tempfile.mkdtemp(prefix='crm-systest-'))
    unittest.addModuleCleanup(shutil.rmtree, _home, ignore_errors=True)
    process, _ = run_setup(_home, "first run")
    if process.returncode:
        raise AssertionError(
            f"./crm setup failed ({process.returncode}):\n"
            f"{process.stdout[-4000:]}")


class SetupTest(unittest.TestCase):
    "The set-up is idempotent on an existing instance"

    def test_setup_twice(self):
        password_file = _home / 'admin-password'
        password = password_file.read_text()
        before = query(_home, new_party='Setup Test Party')
        self.assertIn('Setup Test Party', before['parties'])
        self.assertGreaterEqual(before['counts']['company.company'], 1,
            "the demo company is missing")

        process, _ = run_setup(_home, "second run")
        self.assertEqual(process.returncode, 0,
            f"second ./crm setup failed:\n{process.stdout[-4000:]}")

        after = query(_home)
        self.assertIn('Setup Test Party', after['parties'],
            "a record created between two set-ups was lost")
        self.assertEqual(after['counts'], before['counts'],
            "the second set-up changed the number of records")
        self.assertEqual(after['parties'], before['parties'])
        self.assertEqual(password_file.read_text(), password,
            "the second set-up changed the administrator password")


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@unittest.skipUnless(
    os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK),
    "Chromium and chromedriver are not installed "
    "(Debian packages chromium, chromium-driver; ./crm test installs them)")
class BrowserTest(unittest.TestCase):
    "An administrator logs into the web client and opens the customers"

    timeout = 60

    @classmethod
    def setUpClass(cls):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        cls.port = free_port()
        cls.url = f'http://127.0.0.1:{cls.port}/'
        cls.server_log = _home / 'server.log'
        with open(cls.server_log, 'wb') as log:
            cls.server = subprocess.Popen(
                [str(VENV / 'bin' / 'crm-plus'), '--home', str(_home),
                    'serve', '--listen', f'127.0.0.1:{cls.port}'],
                env=instance_env(_home), stdout=log,
                stderr=subprocess.STDOUT)
        cls.addClassCleanup(cls.stop_server)
        cls.wait_for_server()

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        profile = tempfile.mkdtemp(prefix='crm-systest-chromium-')
        cls.addClassCleanup(shutil.rmtree, profile, ignore_errors=True)
        for argument in ['--headless=new', '--no-sandbox', '--disable-gpu',
                '--disable-quic', '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update', '--disable-sync',
                f'--user-data-dir={profile}', '--window-size=1400,900']:
            options.add_argument(argument)
        cls.driver = webdriver.Chrome(
            options=options, service=Service(executable_path=CHROMEDRIVER))
        cls.addClassCleanup(cls.driver.quit)

    @classmethod
    def stop_server(cls):
        cls.server.terminate()
        try:
            cls.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cls.server.kill()
            cls.server.wait()

    @classmethod
    def server_output(cls):
        return cls.server_log.read_text(errors='replace')[-4000:]

    @classmethod
    def wait_for_server(cls):
        deadline = time.monotonic() + cls.timeout
        while time.monotonic() < deadline:
            if cls.server.poll() is not None:
                raise AssertionError(
                    f"the server exited ({cls.server.returncode}):\n"
                    f"{cls.server_output()}")
            try:
                with urllib.request.urlopen(cls.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.5)
        raise AssertionError(
            f"the server did not answer on {cls.url}:\n{cls.server_output()}")

    def wait(self, condition, message, timeout=None):
        """Wait until condition(driver) is truthy and return it, or fail with
        message (a string or a function returning one)"""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.driver, timeout or self.timeout).until(
                condition)
        except TimeoutException:
            if callable(message):
                message = message()
            self.screenshot('failure')
            self.fail(f"{message}\nserver log:\n{self.server_output()}")

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f'{name}.png'
        self.driver.save_screenshot(str(path))
        print(f"\nscreenshot: {path}", flush=True)
        return path

    def menu_row(self, labels, after=None):
        """The visible menu row labelled with one of labels, following the
        row after if given"""
        from selenium.webdriver.common.by import By
        # sao puts a no-break space before the label
        text = ' or '.join(
            f"normalize-space(translate(., '\u00a0', ' '))='{label}'"
            for label in labels)
        xpath = f"tr[td[{text}]]"
        if after is None:
            rows = self.driver.find_elements(
                By.XPATH, f"//div[@id='menu']//table/tbody/{xpath}")
        else:
            rows = after.find_elements(By.XPATH, f"following-sibling::{xpath}")
        return next((row for row in rows if row.is_displayed()), None)

    def menu_children(self, row):
        """The visible rows one level below row, the indentation of a menu
        row being the margin of its expander"""
        from selenium.webdriver.common.by import By
        depth = (
            "const icon = arguments[0].querySelector('.expander > *');"
            "return icon ? parseFloat(icon.style.marginLeft) || 0 : 0;")
        level = self.driver.execute_script(depth, row)
        children = []
        for sibling in row.find_elements(By.XPATH, 'following-sibling::tr'):
            sibling_level = self.driver.execute_script(depth, sibling)
            if sibling_level <= level:
                break
            if sibling_level == level + 1 and sibling.is_displayed():
                children.append(sibling)
        return children

    def active_tab_model(self):
        "The model of the active tab's screen, None without tab"
        return self.driver.execute_script(
            "const tab = jQuery('#tablist li.active').data('tab');"
            "return tab && tab.screen ? tab.screen.model_name : null;")

    def login(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import Select

        driver = self.driver
        driver.get(self.url)
        login = self.wait(
            EC.visibility_of_element_located(
                (By.CSS_SELECTOR, '.login-dialog input#login')),
            "the login dialog did not show")
        # sao shows a read-only input when the server lists one database,
        # a select when it lists several, an empty input when it lists none
        database = self.wait(
            lambda d: next((e for e in d.find_elements(
                            By.CSS_SELECTOR, '.login-dialog #database')
                    if e.is_displayed()), None),
            "the login dialog has no database field")
        if database.tag_name == 'select':
            Select(database).select_by_value(DATABASE)
        elif database.get_attribute('value') != DATABASE:
            database.clear()
            database.send_keys(DATABASE)
        login.send_keys('admin', Keys.ENTER)
        password = self.wait(
            EC.visibility_of_element_located(
                (By.CSS_SELECTOR, '.ask-dialog input[type=password]')),
            "the web client did not ask for the password")
        password.send_keys(
            (_home / 'admin-password').read_text().strip(), Keys.ENTER)
        def diagnosis():
            tabs = [t.text.strip('×').strip() for t in driver.find_elements(
                    By.CSS_SELECTOR, '#tablist > li')]
            dialogs = [d.text for d in driver.find_elements(
                    By.CSS_SELECTOR, '.modal') if d.is_displayed()]
            return ("login failed or the CRM menu is missing: no menu entry "
                f"{' / '.join(CRM_MENU)} after logging in "
                f"(open tabs: {tabs}, dialogs: {dialogs})")
        return self.wait(lambda d: self.menu_row(CRM_MENU), diagnosis)

    def test_open_customers(self):
        from selenium.webdriver.common.by import By

        driver = self.driver
        root = self.login()
        # A click on a menu entry expands it; one with an action opens a tab
        root.click()
        customers = self.wait(lambda d: self.menu_row(CUSTOMERS_MENU, root),
            "the CRM menu has no customers entry")
        customers.click()
        # Customers opens the parties, or is a folder whose first entry does
        opened = self.wait(
            lambda d: self.active_tab_model() or self.menu_children(customers),
            "the customers menu entry neither opened a tab nor expanded")
        if isinstance(opened, list):
            opened[0].click()
        self.wait(lambda d: self.active_tab_model() == 'party.party',
            lambda: "the customers menu did not open a tab of parties "
            f"(active tab model: {self.active_tab_model()!r})")
        tab = driver.find_element(By.CSS_SELECTOR, '#tablist > li.active')
        rows = self.wait(
            lambda d: d.find_elements(By.CSS_SELECTOR,
                '#tabcontent .tab-pane.active table.tree > tbody'
                ' > tr:not(.more-row)'),
            "the customers list shows no row")
        self.assertGreaterEqual(len(rows), 1)
        print(f"\nmenu: {root.text.strip()} / {customers.text.strip()}, "
            f"tab: {tab.text.strip('×').strip()}, {len(rows)} rows",
            flush=True)
        self.screenshot('crm-customers')
