"""Browser tests of the daily flows of a Chinese sales team, in sao.

The module sets up one demo instance with ``./crm setup`` (test_system's
setUpModule), serves it and drives headless Chromium in Chinese through
test_system's WebClientCase, logged in once as the demo administrator:

1. an enterprise customer with a district address and a contact person,
   saved and reopened, keeps everything typed;
2. a call logged with a follow-up shows in My Follow-ups (我的跟进);
3. the Next Stage button moves an opportunity to the next stage;
4. the quotation (报价单) and the sales contract (销售合同) print as PDFs
   naming the customer in Chinese with the amount in words (大写).

(The customer list and form at phone size, with its search, are
test_system's PhoneTest.)

Every flow fails on a browser console error and on a dialog it did not
expect, and leaves screenshots in CRM_PLUS_SCREENSHOTS/flows (default
``<repo>/.crm/screenshots/flows``).  pdftotext (Debian poppler-utils,
installed by ``./crm test``) extracts the PDFs' text.
"""
import datetime
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from tests import test_system as system

FOLDER = system.SCREENSHOTS / 'flows'
PDFTOTEXT = shutil.which('pdftotext')

CRM = '客户关系管理'
CUSTOMERS = (CRM, '客户')
SALES = (CRM, '销售')
# The fields of an address in the order a Chinese address reads
ADDRESS_ORDER = [
    'country', 'subdivision', 'crm_city', 'crm_district', 'street',
    'street_name', 'building_name', 'building_number', 'postal_code']
# A Chinese amount in words: 人民币叁佰零叁万柒仟捌佰玖拾贰元整
AMOUNT_IN_WORDS = re.compile(
    r'大写[^\n]*人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元'
    r'(?:[零壹贰叁肆伍陆柒捌玖]角)?(?:[零壹贰叁肆伍陆柒捌玖]分)?整?')

# The record of the current tab: its id (negative until saved), modified
RECORD_SCRIPT = """
const tab = Sao.Tab.tabs.get_current();
const record = tab && tab.screen && tab.screen.current_record;
return record ? {id: record.id, modified: record.modified} : null;
"""


def setUpModule():
    system.setUpModule()


@unittest.skipUnless(system.has_chromium(), system.NO_CHROMIUM)
class FlowsTest(system.WebClientCase):
    "The daily flows, each from the menu as a user clicks through them"

    # seconds sao may take to answer a click on this loaded machine
    view_timeout = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shutil.rmtree(FOLDER, ignore_errors=True)
        FOLDER.mkdir(parents=True)
        cls.login()
        # Drop what logging in printed (moment's deprecation warning)
        cls.driver.get_log('browser')

    def setUp(self):
        self.start = time.monotonic()
        self.shots = 0

    def tearDown(self):
        driver = self.driver
        if self.dialogs() or driver.execute_script(
                "return Sao.Tab.tabs.some("
                "    t => t.screen && t.screen.modified());"):
            # What a failure left: reload the web client without asking to
            # leave, and log in again
            driver.execute_script(
                "window.onbeforeunload = null; localStorage.clear();")
            self.login()
        else:
            driver.execute_script(
                "for (const tab of Sao.Tab.tabs.slice()) { tab.close(); }")
        self.idle()
        driver.get_log('browser')
        print(f"\n{self.id().rsplit('.', 1)[-1]}: "
            f"{time.monotonic() - self.start:.0f} s", flush=True)

    # Waiting and checking

    def record(self):
        return self.driver.execute_script(RECORD_SCRIPT)

    def view_type(self):
        return (self.screen() or {}).get('view_type')

    def check(self, where):
        """Fail on a browser console error (or an exception jQuery caught)
        and on a visible dialog, else take a screenshot"""
        self.idle()
        errors = [entry['message'][:600]
            for entry in self.driver.get_log('browser')
            if entry['level'] == 'SEVERE' or (entry['level'] == 'WARNING'
                and system.CONSOLE_EXCEPTION.search(entry['message']))]
        self.shots += 1
        name = f"{self.id().rsplit('.', 1)[-1]}-{self.shots:02d}-{where}"
        self.screenshot(f'flows/{name}')
        self.assertFalse(errors, f"{where}: console errors:\n"
            + '\n'.join(errors))
        self.assertFalse(self.dialogs(), f"{where}: unexpected dialog")

    # Finding and typing

    def find(self, css, scope=None):
        "The first visible element matching css in the active tab or scope"
        from selenium.webdriver.common.by import By
        if scope is None:
            scope = '#tabcontent .tab-pane.active'
        return self.wait(lambda d: next((e for e in d.find_elements(
                        By.CSS_SELECTOR, f'{scope} {css}')
                    if e.is_displayed()), None),
            f"no visible {css} in {scope}", timeout=self.view_timeout)

    def field(self, name, scope=None):
        return self.find(f'[name="{name}"]', scope)

    def value(self, name, scope=None):
        "The text a field shows: its input's value, a selection's label"
        from selenium.webdriver.support.ui import Select
        element = self.field(name, scope)
        if element.tag_name == 'select':
            return Select(element).first_selected_option.text.strip()
        return element.get_attribute('value')

    def type(self, name, text, scope=None):
        "Type text into a field and leave it, as Tab does"
        from selenium.webdriver.common.keys import Keys
        # sao keeps a new record's inputs read-only until its defaults came
        element = self.wait(lambda d: next(
                (e for e in [self.field(name, scope)]
                    if e.is_displayed() and e.is_enabled()
                    and not e.get_attribute('readonly')), None),
            f"the field {name} is not editable")
        element.click()
        element.clear()
        element.send_keys(text, Keys.TAB)
        self.idle()

    def select(self, name, label, scope=None):
        from selenium.webdriver.support.ui import Select
        Select(self.field(name, scope)).select_by_visible_text(label)
        self.idle()

    def pick(self, name, typed, label=None, scope=None):
        """Type into a many2one field and click the completion labelled
        label (the first one if None); return the label clicked"""
        from selenium.webdriver.common.by import By
        element = self.field(name, scope)
        element.click()
        element.clear()
        element.send_keys(typed)
        widget = element.find_element(
            By.XPATH, "ancestor::div[contains(@class, 'dropdown')][1]")
        item = self.wait(lambda d: next((a for a in widget.find_elements(
                        By.CSS_SELECTOR, 'li.completion > a')
                    if a.is_displayed()
                    and (label is None or a.text.strip() == label)), None),
            f"typing {typed!r} in {name} offered no {label or 'record'}",
            timeout=self.view_timeout)
        label = item.text.strip()
        item.click()
        self.idle()
        self.assertEqual(self.value(name, scope), label)
        return label

    def click_button(self, css, scope=None):
        self.find(css, scope).click()
        self.idle()

    def open_menu(self, *path):
        "Click through the menu rows labelled path, expanding the folders"
        row = None
        for i, label in enumerate(path):
            row = self.wait(lambda d: self.menu_row((label,), row),
                f"no menu entry {' / '.join(path[:i + 1])}")
            last = i == len(path) - 1
            if last or not self.menu_children(row):
                row.click()
            if not last:
                self.wait(lambda d: self.menu_children(row),
                    f"the menu entry {label} did not expand")
        self.wait(lambda d: self.view_type(),
            f"{' / '.join(path)} opened no tab")
        self.idle()

    def click_tab(self, label):
        "Click the tab labelled label: a page of the form, a list's domain"
        from selenium.webdriver.common.by import By
        link = self.wait(lambda d: next((a for a in d.find_elements(
                        By.CSS_SELECTOR,
                        '#tabcontent .tab-pane.active .nav-tabs li a')
                    if a.is_displayed()
                    and a.text.split()[:1] == [label]), None),
            f"no tab {label}", timeout=self.view_timeout)
        link.click()
        self.idle()

    def domain_tabs(self):
        return self.driver.execute_script(
            "return jQuery('#tabcontent .tab-pane.active .nav-tabs li a')"
            ".map((i, a) => a.innerText.trim()).get();")

    def rows(self):
        "The texts of the visible rows of the active list"
        # shown, whether or not scrolled into the window
        return self.driver.execute_script(
            "return jQuery('#tabcontent .tab-pane.active table.tree > tbody"
            " > tr:not(.more-row):visible').map((i, e) => e.innerText).get();")

    def open_row(self, text=None):
        """Open the form of the first visible list row showing text (the
        first row if None)"""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.action_chains import ActionChains
        row = self.wait(lambda d: next((r for r in d.find_elements(
                        By.CSS_SELECTOR, '#tabcontent .tab-pane.active'
                        ' table.tree > tbody > tr:not(.more-row)')
                    if r.is_displayed()
                    and (text is None or text in r.text)), None),
            f"no list row shows {text!r} (rows: {self.rows()})",
            timeout=self.view_timeout)
        cell = next(c for c in row.find_elements(By.TAG_NAME, 'td')
            if c.is_displayed() and c.text.strip()
            and (text is None or text in c.text))
        ActionChains(self.driver).double_click(cell).perform()
        self.wait(lambda d: self.view_type() == 'form',
            "a double click on the row opened no form",
            timeout=self.view_timeout)
        self.idle()

    def save(self):
        self.click_button('button#save')
        self.wait(lambda d: (lambda r: r and r['id'] > 0
                and not r['modified'])(self.record()) or self.dialogs(),
            "the record was not saved", timeout=self.view_timeout)

    def search(self, text):
        "Search the active list for text as typed in its search box"
        from selenium.webdriver.common.keys import Keys
        entry = self.find('.filter-box input.form-control')
        entry.clear()
        entry.send_keys(text, Keys.ENTER)
        self.idle()
        # The completion of the search entry opens after 300 ms, over the
        # list: close it
        time.sleep(0.4)
        self.idle()
        if self.driver.execute_script(
                "return jQuery('#tabcontent .tab-pane.active .filter-box"
                " .dropdown.open').length;"):
            entry.send_keys(Keys.ESCAPE)

    # The flows

    def test_1_enterprise_customer(self):
        "An enterprise customer with a district address and a contact"
        name = "苏州锦程光电科技有限公司"
        self.open_menu(*CUSTOMERS, '企业客户')
        self.click_button('button#new_')
        self.type('name', name)
        self.assertEqual(self.value('country'), "🇨🇳 中国",
            "the country is not preset to the company's")
        self.pick('subdivision', "江苏", "江苏省")
        self.pick('crm_city', "苏州", "苏州市")
        self.pick('crm_district', "姑苏", "姑苏区")
        for field, text in [
                ('street_name', "干将东路"), ('building_number', "188"),
                ('building_name', "锦程大厦"), ('floor_number', "12"),
                ('postal_code', "215000")]:
            self.type(field, text)
        street = "干将东路188号锦程大厦12层"
        self.assertEqual(self.value('street'), street)
        self.assertEqual(self.driver.execute_script(
                "return jQuery('#tabcontent .tab-pane.active [name]:visible')"
                ".map((i, e) => e.getAttribute('name')).get()"
                ".filter(name => arguments[0].includes(name));",
                ADDRESS_ORDER), ADDRESS_ORDER,
            "the address form does not read in the Chinese order")
        self.check('address')

        self.click_tab('联系人')
        self.click_button('.form-one2many button[title="新建"]')
        dialog = '.modal.in'
        for field, text in [
                ('person_name', "王建国"), ('position', "采购经理"),
                ('phone', "13912345678")]:
            self.type(field, text, dialog)
        self.select('decision_role', "决策者", dialog)
        self.screenshot(f'flows/{self.id().rsplit(".", 1)[-1]}-contact')
        self.click_button('.modal-footer button.btn-primary', dialog)
        self.wait(lambda d: not self.dialogs(),
            lambda: "the contact dialog did not close; the browser refused "
            "its fields: " + repr(self.driver.execute_script(
                    "return jQuery('.modal.in input:invalid').map((i, e) =>"
                    " e.name + ' (' + e.type + '): ' + e.validationMessage)"
                    ".get();")), timeout=self.view_timeout)
        self.save()
        self.check('saved')

        # Reopen from the menu: the record as stored
        self.driver.execute_script("Sao.Tab.tabs.get_current().close();")
        self.idle()
        self.open_menu(*CUSTOMERS, '企业客户')
        self.search(name)
        self.open_row(name)
        self.assertEqual(self.value('name'), name)
        self.assertEqual(
            [self.value(f) for f in [
                    'country', 'subdivision', 'crm_city', 'crm_district',
                    'street_name', 'building_number', 'building_name',
                    'floor_number', 'postal_code', 'street']],
            ["🇨🇳 中国", "江苏省", "苏州市", "姑苏区", "干将东路", "188",
                "锦程大厦", "12", "215000", street])
        self.click_tab('联系人')
        # the one2many loads its rows once its page shows
        contacts = self.wait(lambda d: self.rows(),
            "the reopened customer lists no contact",
            timeout=self.view_timeout)
        self.assertEqual(len(contacts), 1, contacts)
        for text in ["王建国", "采购经理", "决策者", "139 1234 5678"]:
            self.assertIn(text, contacts[0])
        self.check('reopened')

    def test_2_call_follow_up(self):
        "A call logged with a follow-up shows in My Follow-ups"
        self.open_menu(*CUSTOMERS, '互动')
        self.click_button('button#new_')
        party = self.pick('party', "有限公司")
        self.assertEqual(self.value('type'), "电话")
        due = datetime.date.today() + datetime.timedelta(days=3)
        next_step = "发送修订后的报价单"
        for field, text in [
                ('subject', "电话沟通数控机床报价"),
                ('summary', "客户关心交期和付款方式"),
                ('next_step', next_step),
                ('follow_up_date', due.isoformat())]:
            self.type(field, text)
        self.save()
        self.check('call')

        self.open_menu(*CUSTOMERS, '我的跟进')
        self.click_tab('即将到期')
        # the tab's list may still be loading: wait for the row
        rows = self.wait(lambda d: [r for r in self.rows() if next_step in r],
            lambda: f"follow-up rows: {self.rows()}")
        self.assertEqual(len(rows), 1, f"follow-up rows: {self.rows()}")
        self.assertIn(party, rows[0])
        self.assertIn(due.isoformat(), rows[0])
        self.check('follow-ups')

    def test_3_next_stage(self):
        "Next Stage moves an opportunity to the following stage"
        self.open_menu(*SALES, '销售管道')
        stages = [t.split()[0] for t in self.domain_tabs()]
        first, second = stages[:2]
        self.click_tab(first)
        self.open_row()
        self.assertEqual(self.value('stage'), first)
        number = self.value('number')
        self.check('opportunity')
        self.click_button('button[name="crm_next_stage"]')
        self.wait(lambda d: self.value('stage') == second,
            lambda: f"the stage is {self.value('stage')}, not {second}",
            timeout=self.view_timeout)
        self.assertFalse(self.record()['modified'],
            "the button left the opportunity unsaved")
        self.check('next-stage')
        # Stored: the list moved it to the next stage's tab.  Each tab is
        # entered from another one, which searches again (the list keeps
        # the rows it had when the first stage's tab stays the active one)
        self.click_button('button#switch_')

        def numbers():
            return [r.split()[0] for r in self.rows()]
        self.click_tab(second)
        self.wait(lambda d: number in numbers(),
            lambda: f"{number} is not in {second}: {numbers()}")
        self.click_tab(first)
        self.wait(lambda d: number not in numbers(),
            lambda: f"{number} is still in {first}: {numbers()}")
        self.check('pipeline')

    def print_pdf(self, report):
        """Print report from the form shown, as the Print menu does, and
        return the text of the PDF downloaded"""
        from selenium.webdriver.common.by import By
        downloads = Path(tempfile.mkdtemp(
                prefix='downloads-', dir=system._home))
        self.driver.execute_cdp_cmd('Browser.setDownloadBehavior', {
                'behavior': 'allow', 'downloadPath': str(downloads)})
        self.click_button('button#print')
        entry = self.wait(lambda d: next((a for a in d.find_elements(
                        By.CSS_SELECTOR, '#tabcontent .tab-pane.active'
                        ' ul[aria-labelledby="print"] a')
                    if a.is_displayed() and a.text.strip() == report), None),
            lambda: f"the Print menu has no {report}")
        entry.click()
        files = self.wait(lambda d: (lambda f: f if f and not any(
                        p.suffix == '.crdownload' for p in f) else None)(
                    list(downloads.iterdir())),
            f"{report}: no file was downloaded",
            timeout=self.view_timeout)
        self.assertEqual(len(files), 1, files)
        path, = files
        self.assertEqual(path.suffix, '.pdf', path.name)
        self.assertEqual(path.read_bytes()[:5], b'%PDF-', f"{path} is no PDF")
        shutil.copy(path,
            FOLDER / f'{self.id().rsplit(".", 1)[-1]}-{path.name}')
        return subprocess.run([PDFTOTEXT, '-layout', str(path), '-'],
            capture_output=True, text=True, check=True).stdout

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed "
        "(Debian package poppler-utils; ./crm test installs it)")
    def test_4_pdfs(self):
        "The quotation and the sales contract print as Chinese PDFs"
        for tab, report in [('报价', '报价单'), ('处理中', '销售合同')]:
            with self.subTest(report=report):
                self.open_menu(*SALES, '销售订单')
                self.click_tab(tab)
                self.open_row()
                party = self.value('party')
                self.assertRegex(party, r'[\u4e00-\u9fff]')
                # The total as the form shows it: 3,037,892.00 or ¥3,037,...
                total = re.search(r'[0-9][0-9,]*\.[0-9]{2}',
                    self.value('total_amount')).group()
                text = self.print_pdf(report)
                self.check(report)
                self.assertIn(report, text.replace(' ', ''))
                self.assertIn(party, text)
                self.assertIn(total, text)
                self.assertRegex(text, AMOUNT_IN_WORDS)
                self.driver.execute_script(
                    "Sao.Tab.tabs.get_current().close();")
                self.idle()
