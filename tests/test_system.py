"""System tests: the README's ``./crm setup`` and the web client in Chromium.

One instance is set up in a temporary folder for the whole module (installing
the database takes over a minute) and shared by both test classes:

* SetupTest runs ``./crm setup`` a second time over data added in between and
  checks nothing was lost or loaded twice;
* BrowserTest serves the instance, logs into sao with headless Chromium and
  opens the customers list from the CRM menu, leaving a screenshot;
* PhoneTest searches a list and finds tel: links on phones at phone size;
* AdminSmokeTest and RepSmokeTest log in as the demo administrator and as a
  demo sales representative and open every CRM, sale, party and product menu
  entry in each of its views, failing on browser console errors, server error
  dialogs, lists that count records but show no row, and English words in
  the Chinese menu, tabs, buttons, column titles and labels.

CRM_PLUS_VENV and CRM_PLUS_SAO are inherited, defaulting like ``./crm`` to
the checkout's .venv and .sao; screenshots go to CRM_PLUS_SCREENSHOTS
(default ``<repo>/.crm/screenshots``); the web servers listen on the first
free port of CRM_PLUS_PORTS (``first-last``) when set.
"""
import atexit
import json
import re
import secrets
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from harness import BACKENDS, free_port, instance_env

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

# The demo sales representative the smoke test logs in as
REP_LOGIN = 'lina'
AGENT_LOGIN = 'chenjing'

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

# As the administrator: a password for each demo user the browser tests log
# in as (the demo users have none), and the menu entries the smoke test opens:
# the CRM menu and the sale, party and product menus without their
# configuration folders, as (id, path, action id) sorted by path.
USERS_SCRIPT = """
import json, sys
from proteus import Model, config
config.set_trytond(%(database)r, config_file=sys.argv[1])
User = Model.get('res.user')
passwords = json.loads(sys.argv[2])
for user in User.find([('login', 'in', list(passwords))]):
    user.password = passwords[user.login]
    user.save()
Data = Model.get('ir.model.data')
Menu = Model.get('ir.ui.menu')
context = config.get_config().context
skip = [Data.get_id(module, 'menu_configuration', context)
    for module in ['sale', 'party', 'product']]
roots = [Data.get_id(module, fs_id, context) for module, fs_id in [
        ('crm_plus', 'menu_crm'), ('sale', 'menu_sale'),
        ('party', 'menu_party'), ('product', 'menu_main_product')]]
menus = Menu.find([
        ('parent', 'child_of', roots),
        ('id', 'not in', [m.id for m in Menu.find(
                    [('parent', 'child_of', skip)])]),
        ])
print(json.dumps({
    'roots': roots,
    'menus': sorted(((m.id, m.complete_name, m.action.id if m.action else None)
            for m in menus), key=lambda m: m[1]),
    }))
""" % {'database': DATABASE}

_home = None


def run_setup(home, label):
    "Run the README's set-up on home, print and return its duration"
    start = time.monotonic()
    process = subprocess.run([str(REPO / 'crm'), 'setup'], cwd=REPO,
        env=instance_env(home), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=900)
    duration = time.monotonic() - start
    print(f"\n./crm setup ({label}): {duration:.1f} s", flush=True)
    return process, duration


def proteus(home, script, *args):
    "Run a proteus script on the instance in home and return its JSON output"
    command = [str(VENV / 'bin' / 'python'), '-c', script,
        str(home / 'trytond.conf'), *args]
    process = subprocess.run(command, env=instance_env(home),
        capture_output=True, text=True, timeout=300)
    if process.returncode:
        raise AssertionError(
            f"proteus script failed:\n{process.stdout}{process.stderr}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def query(home, new_party=None):
    "Counts of records in the instance, after creating new_party if given"
    return proteus(home, PROTEUS_SCRIPT, *([new_party] if new_party else []))


# The instance the README's set-up made in this process: the browser test
# modules (this one, test_flows, test_dashboard, whichever runs first) share
# it rather than each paying a set-up (2 to 4 minutes under CI's load)
_HOME_VARIABLE = 'CRM_PLUS_SYSTEST_HOME'


def setUpModule():
    global _home
    if 'sqlite' not in BACKENDS:
        raise unittest.SkipTest(
            "the README's set-up serves SQLite, not in CRM_PLUS_BACKENDS")
    if os.environ.get(_HOME_VARIABLE):
        _home = Path(os.environ[_HOME_VARIABLE])
        return
    _home = Path(tempfile.mkdtemp(prefix='crm-systest-'))
    atexit.register(shutil.rmtree, _home, ignore_errors=True)
    process, _ = run_setup(_home, "first run")
    if process.returncode:
        raise AssertionError(
            f"./crm setup failed ({process.returncode}):\n"
            f"{process.stdout[-4000:]}")
    os.environ[_HOME_VARIABLE] = str(_home)


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


def has_chromium():
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


NO_CHROMIUM = ("Chromium and chromedriver are not installed "
    "(Debian packages chromium, chromium-driver; ./crm test installs them)")

# Words allowed in the Chinese UI, each for its reason
ENGLISH_WHITELIST = {
    'CRM', 'Plus',  # the product's name
    'ID', 'PDF', 'CSV', 'URL', 'SKU', 'UTC',  # acronyms a Chinese UI keeps
    'kg', 'km', 'cm', 'mm', 'CNY', 'RMB',  # units and currency codes
    'Del',  # a key name in a tooltip
    }
# Records the requests sao has in flight (their start and body), which a
# "still busy" failure reports
PENDING_SCRIPT = """
if (window.jQuery && !window.crmPending) {
    window.crmPending = {};
    let sent = 0;
    jQuery(document).ajaxSend((event, xhr, options) => {
        xhr.crmId = ++sent;
        window.crmPending[sent] = new Date().toISOString() + ' '
            + String(options.data || options.url).slice(0, 300);
    });
    jQuery(document).ajaxComplete((event, xhr) => {
        delete window.crmPending[xhr.crmId];
    });
}
"""
ENGLISH_WORD = re.compile(r'[A-Za-z]{2,}')
# jQuery logs an exception raised in a promise callback as a warning
CONSOLE_EXCEPTION = re.compile(r'jQuery\.Deferred exception')

# The texts of the tab a user sees: its title, the column titles, the labels,
# the notebook tabs, the buttons (with their tooltips) and the entries of the
# toolbar's menus, as {kind: [text]}
TAB_TEXTS_SCRIPT = """
const texts = {tab: [], column: [], label: [], page: [], button: [],
    menu: []};
const add = (kind, text) => {
    text = (text || '').replace(/\\u00a0/g, ' ').trim();
    if (text && !texts[kind].includes(text)) {
        texts[kind].push(text);
    }
};
add('tab', jQuery('#tablist li.active a').first().text().replace('×', ''));
const pane = jQuery('#tabcontent .tab-pane.active');
pane.find('th:visible').each((i, e) => add('column', e.textContent));
pane.find('label:visible').each((i, e) => add('label', e.textContent));
pane.find('.nav-tabs > li > a:visible').each(
    (i, e) => add('page', e.textContent));
pane.find('button:visible, a.btn:visible').each((i, e) => {
    add('button', e.textContent);
    add('button', e.getAttribute('title'));
});
pane.find('.dropdown-menu li > a').each((i, e) => add('menu', e.textContent));
return texts;
"""

# The rows of the menu under the given roots, expanding the folders: returns
# the number of folders it started to expand and the labels of the rows
MENU_SCRIPT = """
const roots = new Set(arguments[0]);
const view = Sao.main_menu_screen.current_view;
const labels = [];
let expanding = 0;
const walk = (rows, inside) => {
    for (const row of rows) {
        const here = inside || roots.has(row.record.id);
        if (!here) {
            continue;
        }
        labels.push(row.el.text().replace(/\\u00a0/g, ' ').trim());
        const childs = row.record.field_get_client('childs') || [];
        if (childs.length && !row.is_expanded()) {
            row.expand_row();
            expanding++;
        }
        walk(row.rows, true);
    }
};
walk(view.rows, false);
return [expanding, labels];
"""

# The state of the active tab: model, view type, the views it has, the records
# loaded and counted, the rows the list shows
SCREEN_SCRIPT = """
const tab = Sao.Tab.tabs.get_current();
if (!tab || !tab.screen || !tab.screen.current_view) {
    return null;
}
const screen = tab.screen;
const view = screen.current_view;
const types = screen.views.map(v => v.view_type).concat(
    screen.view_to_load);
return {
    id: tab.id,
    model: screen.model_name,
    view_type: view.view_type,
    view_types: types.filter((t, i) => types.indexOf(t) == i),
    loaded: screen.group.length,
    count: screen.search_count,
    rows: view.el.find('table.tree > tbody > tr:not(.more-row)').length,
};
"""

# The texts of the header and of the user menu the navigation bar shows
HEADER_SCRIPT = """
const texts = [document.title, jQuery('#title').text()];
jQuery('.navbar [title]').each((i, e) => texts.push(e.getAttribute('title')));
jQuery('.navbar a, .navbar .dropdown-menu li, .navbar [placeholder]').each(
    (i, e) => texts.push(e.textContent, e.getAttribute('placeholder')));
return texts.filter(t => t && t.trim()).map(t => t.trim());
"""


def english_words(text):
    "The words of text written in English and not in the whitelist"
    return [w for w in ENGLISH_WORD.findall(text)
        if w not in ENGLISH_WHITELIST]


class WebClientCase(unittest.TestCase):
    """Serve the module's instance and drive sao in headless Chromium, in
    Chinese (as a Chinese user's browser)"""

    timeout = 60
    # seconds a view may take to load, after which it is a failure: not a
    # speed target (bench/ measures those) but a hang detector, generous
    # because CI runs the SQLite and PostgreSQL suites at once on two cores
    view_timeout = 60

    @classmethod
    def setUpClass(cls):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        cls.port = free_port()
        cls.url = f'http://127.0.0.1:{cls.port}/'
        cls.server_log = _home / f'server-{cls.__name__}.log'
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
                '--lang=zh-CN',
                f'--user-data-dir={profile}', '--window-size=1400,900']:
            options.add_argument(argument)
        options.add_experimental_option(
            'prefs', {'intl.accept_languages': 'zh-CN,zh'})
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
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

    @classmethod
    def wait(cls, condition, message, timeout=None):
        """Wait until condition(driver) is truthy and return it, or fail with
        message (a string or a function returning one)"""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(cls.driver, timeout or cls.timeout).until(
                condition)
        except TimeoutException:
            if callable(message):
                message = message()
            cls.screenshot('failure')
            raise AssertionError(
                f"{message}\nserver log:\n{cls.server_output()}") from None

    @classmethod
    def screenshot(cls, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f'{name}.png'
        cls.driver.save_screenshot(str(path))
        return path

    @classmethod
    def idle(cls):
        "Wait until sao has no request pending and has drawn"
        cls.driver.execute_script(PENDING_SCRIPT)
        cls.wait(lambda d: d.execute_script(
                "return jQuery.active == 0 "
                "&& !jQuery('.modal:visible .fa-spin, #processing:visible')"
                ".length;"),
            lambda: "the web client is still busy, waiting for: %r" % (
                cls.driver.execute_script(
                    "return Object.values(window.crmPending || {});")),
            timeout=cls.view_timeout)
        # one animation frame: sao draws after the last answer
        cls.driver.execute_async_script(
            "requestAnimationFrame(() => setTimeout(arguments[0], 50));")

    @classmethod
    def screen(cls):
        return cls.driver.execute_script(SCREEN_SCRIPT)

    @classmethod
    def menu_row(cls, labels, after=None):
        """The visible menu row labelled with one of labels, following the
        row after if given"""
        from selenium.webdriver.common.by import By
        # sao puts a no-break space before the label
        text = ' or '.join(
            f"normalize-space(translate(., '\u00a0', ' '))='{label}'"
            for label in labels)
        xpath = f"tr[td[{text}]]"
        if after is None:
            rows = cls.driver.find_elements(
                By.XPATH, f"//div[@id='menu']//table/tbody/{xpath}")
        else:
            rows = after.find_elements(By.XPATH, f"following-sibling::{xpath}")
        return next((row for row in rows if row.is_displayed()), None)

    @classmethod
    def menu_children(cls, row):
        """The visible rows one level below row, the indentation of a menu
        row being the margin of its expander"""
        from selenium.webdriver.common.by import By
        depth = (
            "const icon = arguments[0].querySelector('.expander > *');"
            "return icon ? parseFloat(icon.style.marginLeft) || 0 : 0;")
        level = cls.driver.execute_script(depth, row)
        children = []
        for sibling in row.find_elements(By.XPATH, 'following-sibling::tr'):
            sibling_level = cls.driver.execute_script(depth, sibling)
            if sibling_level <= level:
                break
            if sibling_level == level + 1 and sibling.is_displayed():
                children.append(sibling)
        return children

    @classmethod
    def active_tab_model(cls):
        "The model of the active tab's screen, None without tab"
        return cls.driver.execute_script(
            "const tab = jQuery('#tablist li.active').data('tab');"
            "return tab && tab.screen ? tab.screen.model_name : null;")

    @classmethod
    def dialogs(cls):
        "The texts of the visible dialogs"
        from selenium.webdriver.common.by import By
        return [d.text for d in cls.driver.find_elements(
                By.CSS_SELECTOR, '.modal') if d.is_displayed()]

    @classmethod
    def login(cls, login='admin', password=None, on_password=None):
        """Log in as login (the administrator by default) and return the row
        of the CRM menu; on_password(dialog) is called on the password
        dialog before it is answered"""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import Select

        if password is None:
            password = (_home / 'admin-password').read_text().strip()
        driver = cls.driver
        driver.get(cls.url)
        field = cls.wait(
            EC.visibility_of_element_located(
                (By.CSS_SELECTOR, '.login-dialog input#login')),
            "the login dialog did not show")
        # sao shows a read-only input when the server lists one database,
        # a select when it lists several, an empty input when it lists none
        database = cls.wait(
            lambda d: next((e for e in d.find_elements(
                            By.CSS_SELECTOR, '.login-dialog #database')
                    if e.is_displayed()), None),
            "the login dialog has no database field")
        if database.tag_name == 'select':
            Select(database).select_by_value(DATABASE)
        elif database.get_attribute('value') != DATABASE:
            database.clear()
            database.send_keys(DATABASE)
        if on_password is None:
            field.send_keys(login, Keys.ENTER)
        else:
            on_password(driver.find_element(By.CSS_SELECTOR, '.login-dialog'))
            field.send_keys(login, Keys.ENTER)
        field = cls.wait(
            EC.visibility_of_element_located(
                (By.CSS_SELECTOR, '.ask-dialog input[type=password]')),
            "the web client did not ask for the password")
        if on_password is not None:
            on_password(driver.find_element(By.CSS_SELECTOR, '.ask-dialog'))
        field.send_keys(password, Keys.ENTER)

        def diagnosis():
            tabs = [t.text.strip('×').strip() for t in driver.find_elements(
                    By.CSS_SELECTOR, '#tablist > li')]
            return ("login failed or the CRM menu is missing: no menu entry "
                f"{' / '.join(CRM_MENU)} after logging in as {login} "
                f"(open tabs: {tabs}, dialogs: {cls.dialogs()})")
        return cls.wait(lambda d: cls.menu_row(CRM_MENU), diagnosis)


@unittest.skipUnless(has_chromium(), NO_CHROMIUM)
class BrowserTest(WebClientCase):
    "An administrator logs into the web client and opens the customers"

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
        print(f"screenshot: {self.screenshot('crm-customers')}", flush=True)


# The links of the phones the active tab shows
PHONE_LINKS_SCRIPT = """
return jQuery('#tabcontent .tab-pane.active').find(
        'a[href^="tel:"], a[href^="callto:"]').filter(':visible').map(
    (i, e) => e.getAttribute('href')).get();
"""
TEL_URL = re.compile(r'^tel:\+[0-9]{6,15}$')


@unittest.skipUnless(has_chromium(), NO_CHROMIUM)
class PhoneTest(WebClientCase):
    """A sales representative on a phone (a 390x844 screen): the lists have
    a search box, and phone numbers are tel: links, which a phone dials (not
    sao's callto: of its callto widget, for Skype); screenshots
    phone-*.png"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.login()
        cls.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                'width': 390, 'height': 844, 'deviceScaleFactor': 1,
                'mobile': True})
        cls.idle()

    def tearDown(self):
        # sao shows the open tab of an action instead of opening another
        self.driver.execute_script("Sao.Tab.tabs.close(false);")
        self.wait(lambda d: d.execute_script(
                "return !Sao.Tab.tabs.length;"), "a tab did not close")

    def open_action(self, module, fs_id):
        "Open the action fs_id of module in a new tab and return its screen"
        before = (self.screen() or {}).get('id')
        self.driver.execute_script("""
            const [module, fs_id] = arguments;
            Sao.rpc({
                method: 'model.ir.model.data.get_id',
                params: [module, fs_id, {}],
            }, Sao.Session.current_session).then(
                id => Sao.Action.execute(id, {}, {}, true));""",
            module, fs_id)
        self.wait(lambda d: (self.screen() or {}).get('id') not in {
                None, before} and self.screen()['rows'],
            f"{module}.{fs_id} opened no list with rows")
        self.idle()
        return self.screen()

    def open_page(self, label):
        "Show the notebook page of the form labelled label"
        from selenium.webdriver.common.by import By
        page, = [p for p in self.driver.find_elements(By.CSS_SELECTOR,
                '#tabcontent .tab-pane.active .nav-tabs > li > a')
            if p.text.strip() == label]
        # in the middle of the screen, clear of the header, with the page's
        # content below it for the screenshot
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", page)
        page.click()
        self.idle()

    def phone_links(self):
        return self.driver.execute_script(PHONE_LINKS_SCRIPT)

    def assertTelLinks(self, where):
        links = self.phone_links()
        self.assertTrue(links, f"{where}: no phone link")
        for link in links:
            self.assertRegex(link, TEL_URL, f"{where}: not a tel: link")

    def test_search_lists(self):
        "The search box of a list shows at phone size and searches"
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        screen = self.open_action('crm_plus', 'act_party_enterprise')
        entry = self.driver.find_element(By.CSS_SELECTOR,
            '#tabcontent .tab-pane.active .filter-box input.form-control')
        self.assertTrue(entry.is_displayed(), "no search box at phone size")
        name = self.driver.execute_script(
            "return Sao.Tab.tabs.get_current().screen.group[1]"
            ".field_get_client('name');")
        self.assertGreater(screen['count'], 1)
        entry.send_keys(name, Keys.ENTER)
        self.wait(lambda d: self.screen()['count'] < screen['count'],
            f"searching {name!r} did not filter the list")
        self.idle()
        rows = self.driver.find_elements(By.CSS_SELECTOR,
            '#tabcontent .tab-pane.active table.tree > tbody'
            ' > tr:not(.more-row)')
        self.assertTrue(rows)
        for row in rows:
            self.assertIn(name, row.text)
        print(f"\nscreenshot: {self.screenshot('phone-customers-search')}",
            flush=True)

        # a form has no search box, as in sao
        self.driver.execute_script(
            "const screen = Sao.Tab.tabs.get_current().screen;"
            "screen.current_record = screen.group[0];"
            "screen.switch_view('form');")
        self.wait(lambda d: self.screen()['view_type'] == 'form', "no form")
        self.idle()
        self.assertFalse(entry.is_displayed(), "a search box on the form")

    def test_phones_link_tel(self):
        """The phones of the customer list, the customer form, its contacts
        and its contact mechanisms are tel: links"""
        self.open_action('party', 'act_party_form')
        self.assertTelLinks("parties list")
        self.screenshot('phone-parties')

        self.open_action('crm_plus', 'act_party_enterprise')
        self.driver.execute_script(
            "const screen = Sao.Tab.tabs.get_current().screen;"
            "screen.current_record = screen.group[0];"
            "screen.switch_view('form');")
        self.wait(lambda d: self.screen()['view_type'] == 'form', "no form")
        self.idle()
        self.assertTelLinks("enterprise customer form")
        self.screenshot('phone-customer')
        self.open_page('基本信息')
        self.assertTelLinks("contact mechanisms of the customer")
        self.open_page('联系人')
        self.assertTelLinks("contacts of the customer")
        self.screenshot('phone-customer-contacts')


class SmokeTestCase(WebClientCase):
    """Log in as a user and open, once for the whole class, every menu entry
    of the CRM, sale, party and product menus the user sees, in each of its
    views (list, form of the first record, graph, calendar), with a
    screenshot of each in CRM_PLUS_SCREENSHOTS/smoke-<login>; the tests check
    what was seen.

    Each finding is (where, what): where names the user, the menu entry and
    the view."""
    login_name = None

    @classmethod
    def setUpClass(cls):
        if cls.login_name is None:
            raise unittest.SkipTest("the base of the smoke tests of a user")
        super().setUpClass()
        if cls.login_name == 'admin':
            cls.password = None
            passwords = {}
        else:
            cls.password = secrets.token_urlsafe(12)
            passwords = {cls.login_name: cls.password}
        menus = proteus(_home, USERS_SCRIPT, json.dumps(passwords))
        cls.folder = SCREENSHOTS / f'smoke-{cls.login_name}'
        shutil.rmtree(cls.folder, ignore_errors=True)
        cls.errors = []  # console errors and server error dialogs
        cls.empty_lists = []
        cls.english = []
        cls.opened = []
        cls.driver.get_log('browser')  # drop what an earlier class left
        start = time.monotonic()
        cls.login(cls.login_name, cls.password,
            # the password dialog names the login, the user's own word
            on_password=lambda dialog: cls.check_english('login', 'dialog',
                dialog.text.replace(cls.login_name, '')))
        cls.collect_console('login')
        cls.check_english('header', 'header',
            *cls.driver.execute_script(HEADER_SCRIPT))
        cls.check_menu(menus['roots'])
        seen = set()
        for menu_id, path, action in menus['menus']:
            if action is None or action in seen:
                continue
            seen.add(action)
            cls.open_menu(menu_id, path)
        print(f"\nsmoke test as {cls.login_name}: {len(cls.opened)} views of "
            f"{len(seen)} menu entries in {time.monotonic() - start:.0f} s, "
            f"screenshots in {cls.folder}", flush=True)

    @classmethod
    def collect_console(cls, where):
        """Record the console's errors, and its warnings of an exception:
        jQuery logs an exception raised in a promise callback (as sao's
        view code runs) as a warning"""
        for entry in cls.driver.get_log('browser'):
            if entry['level'] == 'SEVERE' or (entry['level'] == 'WARNING'
                    and CONSOLE_EXCEPTION.search(entry['message'])):
                cls.errors.append(
                    (where, f"console: {entry['message'][:600]}"))

    @classmethod
    def collect_dialogs(cls, where):
        "Record and close the error dialogs; True if there was one"
        from selenium.webdriver.common.by import By
        found = False
        for dialog in cls.driver.find_elements(By.CSS_SELECTOR,
                '.modal.error-dialog, .modal.warning-dialog'):
            if dialog.is_displayed():
                cls.errors.append((where, f"dialog: {dialog.text[:500]}"))
                found = True
        if found:
            cls.driver.execute_script(
                "jQuery('.modal:visible').modal('hide');")
        return found

    @classmethod
    def check_english(cls, where, kind, *texts):
        "Record the texts with English words, once each (where first seen)"
        for text in texts:
            if english_words(text or '') and not any(
                    text == seen for _, _, seen in cls.english):
                cls.english.append((where, kind, text))

    @classmethod
    def check_menu(cls, roots):
        "Expand the menus under roots and check their labels"
        deadline = time.monotonic() + cls.timeout
        while True:
            cls.idle()
            expanding, labels = cls.driver.execute_script(MENU_SCRIPT, roots)
            if not expanding or time.monotonic() > deadline:
                break
        cls.driver.find_element('css selector', '#menu').screenshot(
            str(cls.folder_path('menu')))
        cls.check_english('menu', 'menu entry', *labels)

    @classmethod
    def folder_path(cls, name):
        cls.folder.mkdir(parents=True, exist_ok=True)
        return cls.folder / (re.sub(r'[\\/: ]+', '_', name) + '.png')

    @classmethod
    def open_menu(cls, menu_id, path):
        "Open the menu entry as a click would, then each of its views"
        before = cls.driver.execute_script(
            "const t = Sao.Tab.tabs.get_current(); return t ? t.id : null;")
        cls.driver.execute_script(
            "Sao.Action.exec_keyword('tree_open', "
            "{model: 'ir.ui.menu', id: arguments[0]}, null, false);", menu_id)
        where = path
        try:
            cls.wait(lambda d: (cls.screen() or {}).get('id') not in {
                    None, before} or cls.dialogs(),
                f"{path}: no tab opened", timeout=cls.view_timeout)
            cls.idle()
        except AssertionError as exception:
            cls.errors.append((where, str(exception).splitlines()[0]))
        if cls.collect_dialogs(where) or not cls.screen() or (
                cls.screen()['id'] == before):
            cls.collect_console(where)
            cls.screenshot_view(where)
            return
        screen = cls.screen()
        done = set()
        for view_type in screen['view_types']:
            if view_type in done:
                continue
            done.add(view_type)
            where = f"{path} [{view_type}]"
            if view_type != screen['view_type']:
                if view_type == 'form' and not screen['loaded']:
                    continue  # no first record to show
                cls.driver.execute_script(
                    "const screen = Sao.Tab.tabs.get_current().screen;"
                    "if (!screen.current_record && screen.group.length) {"
                    "    screen.current_record = screen.group[0];"
                    "}"
                    "screen.switch_view(arguments[0]);", view_type)
                try:
                    cls.wait(lambda d: (cls.screen() or {}).get(
                            'view_type') == view_type or cls.dialogs(),
                        f"no {view_type} view", timeout=cls.view_timeout)
                    cls.idle()
                except AssertionError as exception:
                    cls.errors.append((where, str(exception).splitlines()[0]))
            cls.check_view(where)
            screen = cls.screen() or screen
        cls.driver.execute_script(
            "const tab = Sao.Tab.tabs.get_current();"
            "if (tab) { tab.screen.current_record &&"
            " tab.screen.current_record.cancel(); tab.close(); }")
        cls.idle()
        cls.collect_dialogs(path)
        cls.collect_console(path)

    @classmethod
    def check_view(cls, where):
        cls.collect_dialogs(where)
        cls.collect_console(where)
        screen = cls.screen()
        if screen is None:
            return
        cls.opened.append(where)
        # sao draws the rows of a long list a moment after loading them
        deadline = time.monotonic() + 5
        while (screen['view_type'] == 'tree'
                and (screen['loaded'] or screen['count'])
                and not screen['rows'] and time.monotonic() < deadline):
            time.sleep(0.25)
            screen = cls.screen() or screen
        if screen['view_type'] == 'tree' and (
                screen['loaded'] or screen['count']) and not screen['rows']:
            cls.empty_lists.append((where,
                    f"{screen['loaded']} records loaded, {screen['count']} "
                    "counted, no row shown"))
        texts = cls.driver.execute_script(TAB_TEXTS_SCRIPT)
        for kind, values in texts.items():
            cls.check_english(where, kind, *values)
        cls.screenshot_view(where)

    @classmethod
    def screenshot_view(cls, where):
        cls.driver.save_screenshot(str(cls.folder_path(where)))

    @staticmethod
    def report(findings):
        return '\n'.join(f"{where}: {what}" for where, what in findings)

    def test_no_error(self):
        "No console error and no server error dialog"
        self.assertTrue(self.opened, "no view was opened")
        self.assertFalse(self.errors, "errors as %s:\n%s" % (
                self.login_name, self.report(self.errors)))

    def test_lists_show_rows(self):
        "No list counts records it does not show"
        self.assertFalse(self.empty_lists, "empty lists as %s:\n%s" % (
                self.login_name, self.report(self.empty_lists)))

    def test_chinese(self):
        """No English menu entry, tab, column title, label, page or button
        in the Chinese UI (the login dialogs, the header, the menus, every
        view opened)"""
        self.assertFalse(self.english, "English as %s:\n%s" % (
                self.login_name, self.report(
                    (where, f"{kind} {text!r}")
                    for where, kind, text in self.english)))


@unittest.skipUnless(has_chromium(), NO_CHROMIUM)
class AdminSmokeTest(SmokeTestCase):
    login_name = 'admin'


@unittest.skipUnless(has_chromium(), NO_CHROMIUM)
class RepSmokeTest(SmokeTestCase):
    login_name = REP_LOGIN


@unittest.skipUnless(has_chromium(), NO_CHROMIUM)
class AgentSmokeTest(SmokeTestCase):
    "A service agent of the demo: the service menus, tickets of their team"
    login_name = AGENT_LOGIN
