"""The harness of the browser tests: `evidence app --no-open` driven through headless Chromium.

Each test file (`*_browser_test.py` beside this one) imports it; `browser_harness.main()` runs the
test named on the command line. Each test starts the real binary on a case in a temporary folder and drives the system Chromium
through chromedriver with a throw-away profile. Every page reached is checked by axe-core (no
serious or critical violation) at 1280 and at 320 px wide, checked for sideways scroll at 320 px,
and photographed at 1280 and at 375 px into the screenshot folder as PAGE-1280.png and
PAGE-375.png. Waits are on conditions, never on time.

CTest runs one test method per ctest test (tests/app/browser/CMakeLists.txt) with:
  EVIDENCE_BIN        the built `evidence` binary
  EVIDENCE_AXE_DIR    the npm prefix that holds axe-core (see --install-axe)
  EVIDENCE_SHOTS_DIR  where the screenshots go
  EVIDENCE_MAKE_SAMPLES  evidence-make-samples, for generated evidence (sample_evidence)
and, from ctest's own environment, EVIDENCE_SAMPLES (the shared real samples) when it is set.
Any test file run with `--install-axe` puts the pinned axe-core into EVIDENCE_AXE_DIR once; it does
nothing when it is already there, so later runs need no network.

A missing browser, driver or selenium is a failure with the package to install, never a skip:
a skipped test must not look like a passed one.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

AXE_VERSION = '4.14.1'
# axe's impacts that fail the test (WCAG 2.1 AA asks for none of these); lesser ones are printed.
FAILING_IMPACTS = ('serious', 'critical')
NARROW = 320  # the narrowest page that must work: checked for sideways scroll and by axe
PHONE = 375   # a common phone, photographed
WIDE = 1280
WAIT_SECONDS = 20
PASSPHRASE = 'correct horse battery staple'
HOSTILE_NAME = '<img src=x onerror=alert(1)>'


def fail_setup(message):
    print('app_browser: ' + message, file=sys.stderr)
    sys.exit(1)


def axe_script_path():
    return os.path.join(os.environ.get('EVIDENCE_AXE_DIR', ''), 'node_modules', 'axe-core',
                        'axe.min.js')


def install_axe():
    """Installs the pinned axe-core under EVIDENCE_AXE_DIR unless it is already there."""
    prefix = os.environ.get('EVIDENCE_AXE_DIR')
    if not prefix:
        fail_setup('EVIDENCE_AXE_DIR is not set')
    package = os.path.join(prefix, 'node_modules', 'axe-core', 'package.json')
    if os.path.exists(package):
        with open(package, encoding='utf-8') as f:
            if json.load(f).get('version') == AXE_VERSION:
                return 0
    npm = shutil.which('npm')
    if npm is None:
        fail_setup('npm is missing: it installs axe-core for the browser tests '
                   '(Debian: apt-get install npm)')
    os.makedirs(prefix, exist_ok=True)
    run = subprocess.run([npm, 'install', '--no-save', '--no-audit', '--no-fund', '--prefix',
                          prefix, 'axe-core@' + AXE_VERSION],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=120, check=False)
    if run.returncode != 0 or not os.path.exists(axe_script_path()):
        fail_setup('npm could not install axe-core@%s into %s:\n%s' %
                   (AXE_VERSION, prefix, run.stdout))
    return 0


try:
    from selenium import webdriver
    from selenium.common.exceptions import (JavascriptException, NoAlertPresentException,
                                            StaleElementReferenceException, TimeoutException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains  # noqa: F401 (for tests)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys  # noqa: F401 (for the tests)
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:  # pragma: no cover - the message is the point
    if '--install-axe' not in sys.argv:
        fail_setup('selenium is missing (%s): run scripts/install-deps.sh as root '
                   '(Debian: python3-selenium)' % e)


def tool_environment(home, extra=None):
    """The environment `evidence` runs in, as CliEnvironment (docs/testing.md) decides it: only
    PATH, TMPDIR and the sanitizers' options are inherited; HOME and XDG_DATA_HOME name folders
    that do not exist, so nothing falls back to a real case."""
    env = {k: v for k, v in os.environ.items()
           if k in ('PATH', 'TMPDIR') or k.endswith('SAN_OPTIONS')}
    nowhere = os.path.join(home, 'no-such-home')
    env.update({'HOME': nowhere, 'XDG_DATA_HOME': os.path.join(nowhere, 'data'), 'TZ': 'UTC',
                'LC_ALL': 'C.UTF-8', 'LANG': 'C.UTF-8'})
    env.update(extra or {})
    return env


class App:
    """One running `evidence -C DIR app --no-open --port 0`; its first stdout line is the URL."""

    def __init__(self, binary, case_dir, home):
        self.proc = subprocess.Popen(
            [binary, '-C', case_dir, 'app', '--no-open', '--port', '0'],
            stdout=subprocess.PIPE, text=True, env=tool_environment(home))
        line = self.proc.stdout.readline()
        m = re.fullmatch(r'evidence app: open (http://127\.0\.0\.1:\d+)/\?token=([0-9a-f]+)\n',
                         line)
        if m is None:
            self.stop()
            raise AssertionError('evidence app printed %r, not its address' % line)
        self.base = m.group(1)
        self.url = '%s/?token=%s' % (m.group(1), m.group(2))

    def stop(self):
        """SIGTERM, as Ctrl-C: the app locks and exits with 0. Returns its exit status."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout=WAIT_SECONDS)
        finally:
            self.proc.stdout.close()


class AppBrowserTest(unittest.TestCase):
    """The fixture: a temporary case folder, the app on it, and a headless Chromium."""

    @classmethod
    def setUpClass(cls):
        cls.binary = os.environ.get('EVIDENCE_BIN', '')
        if not os.access(cls.binary, os.X_OK):
            fail_setup('EVIDENCE_BIN is not the evidence binary: %r' % cls.binary)
        cls.chromium = shutil.which('chromium')
        cls.chromedriver = shutil.which('chromedriver')
        if cls.chromium is None or cls.chromedriver is None:
            fail_setup('chromium or chromedriver is missing: run scripts/install-deps.sh as root '
                       '(Debian: chromium chromium-driver)')
        if not os.path.exists(axe_script_path()):
            fail_setup('axe-core is not installed in %r: run this script with --install-axe '
                       '(ctest runs it as app_browser.install_axe)' %
                       os.environ.get('EVIDENCE_AXE_DIR'))
        with open(axe_script_path(), encoding='utf-8') as f:
            cls.axe_source = f.read()
        cls.shots = os.environ.get('EVIDENCE_SHOTS_DIR') or tempfile.gettempdir()
        os.makedirs(cls.shots, exist_ok=True)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='evidence-app-browser-')
        self.case_dir = os.path.join(self.tmp.name, 'case')
        self.home = os.path.join(self.tmp.name, 'home')
        os.makedirs(self.home)
        self.app = App(self.binary, self.case_dir, self.home)
        self.addCleanup(self.stop_app)
        self.driver = self.start_browser()
        self.addCleanup(self.driver.quit)
        self.problems = []  # axe and layout findings, reported together at the end of a test

    def stop_app(self):
        if self.app is not None:
            self.app.stop()
            self.app = None

    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = self.chromium
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                    '--no-first-run', '--no-default-browser-check', '--disable-extensions',
                    '--disable-background-networking', '--disable-component-update',
                    '--disable-sync', '--window-size=%d,900' % WIDE,
                    '--user-data-dir=' + os.path.join(self.tmp.name, 'profile')):
            options.add_argument(arg)
        # An alert stays open so that the test can see it, instead of being dismissed by the
        # next command.
        options.set_capability('unhandledPromptBehavior', 'ignore')
        service = Service(executable_path=self.chromedriver,
                          log_path=os.path.join(self.tmp.name, 'chromedriver.log'),
                          env={'HOME': self.home, 'PATH': os.environ.get('PATH', '/usr/bin')})
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_script_timeout(WAIT_SECONDS)
        return driver

    # --- waiting and looking -------------------------------------------------------------

    def wait_for(self, condition, what):
        # A condition may look at a page that the browser is leaving: its elements go stale
        # and its script context away, and the next poll sees the new page.
        return WebDriverWait(self.driver, WAIT_SECONDS,
                             ignored_exceptions=(StaleElementReferenceException,
                                                 JavascriptException)).until(
            condition, message='waited for ' + what)

    def heading(self):
        """The page's h1 as shown, read in one step so that it cannot go stale."""
        return self.driver.execute_script(
            'var h = document.querySelector("main h1"); return h ? h.innerText.trim() : "";')

    def wait_for_heading(self, text):
        try:
            self.wait_for(lambda d: d.execute_script('return document.readyState') == 'complete'
                          and self.heading() == text, 'the page headed %r' % text)
        except TimeoutException as e:
            raise AssertionError('waited for the page headed %r; it is %r at %s' %
                                 (text, self.heading(), self.driver.current_url)) from e

    def assert_no_alert(self):
        with self.assertRaises(NoAlertPresentException):
            self.driver.switch_to.alert  # pylint: disable=pointless-statement

    def run_axe(self, page, width):
        self.driver.execute_script(self.axe_source)
        raw = self.driver.execute_async_script(
            'var done = arguments[arguments.length - 1];'
            'axe.run(document, {resultTypes: ["violations"]})'
            '  .then(function (r) { done(JSON.stringify(r.violations)); })'
            '  .catch(function (e) { done(JSON.stringify({error: String(e)})); });')
        violations = json.loads(raw)
        if isinstance(violations, dict):
            self.problems.append('%s at %d px: axe did not run: %s' % (page, width,
                                                                        violations['error']))
            return
        for v in violations:
            line = '%s at %d px: axe %s (%s): %s' % (page, width, v['id'], v['impact'], v['help'])
            if v['impact'] in FAILING_IMPACTS:
                self.problems.append(line + '\n' + json.dumps(v['nodes'], indent=2))
            else:
                print('note: ' + line)

    def shoot(self, page, width):
        path = os.path.join(self.shots, '%s-%d.png' % (page, width))
        self.driver.save_screenshot(path)
        print('screenshot: ' + path)

    def narrow_to(self, width):
        self.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': 640, 'deviceScaleFactor': 1, 'mobile': True})
        # The layout viewport; a mobile browser widens innerWidth to fit a page that is too
        # wide, which is what the check below is there to catch.
        self.wait_for(lambda d: d.execute_script(
            'return document.documentElement.clientWidth') == width,
                      'the page to be %d px wide' % width)

    def look_at(self, page):
        """axe, the 320 px layout and the screenshots of the page now shown, named `page`."""
        self.wait_for(lambda d: d.execute_script('return document.readyState') == 'complete',
                      page + ' to finish loading')
        self.assertEqual(self.driver.title, 'Notes', page + ': the window title is neutral')
        self.look_at_document(page)

    def look_at_document(self, page):
        """look_at without the neutral title: also for a document that is not an app page (the
        report, whose title is its own)."""
        self.shoot(page, WIDE)
        self.run_axe(page, WIDE)
        try:
            self.narrow_to(PHONE)
            self.shoot(page, PHONE)
            self.narrow_to(NARROW)
            scroll, client = self.driver.execute_script(
                'var e = document.documentElement; return [e.scrollWidth, e.clientWidth];')
            if scroll > client:
                wide = self.driver.execute_script(
                    'return Array.from(document.querySelectorAll("body *"))'
                    '  .filter(function (e) { return e.getBoundingClientRect().right > '
                    '    document.documentElement.clientWidth; })'
                    '  .map(function (e) { return e.outerHTML.slice(0, 120); });')
                self.problems.append('%s at %d px: scrolls sideways (scrollWidth %d > '
                                     'clientWidth %d); too wide: %s' %
                                     (page, NARROW, scroll, client, wide))
            self.run_axe(page, NARROW)
        finally:
            self.driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})

    def assert_no_problems(self):
        self.assertEqual(self.problems, [], '\n\n'.join(self.problems))

    # --- steps --------------------------------------------------------------------------

    def open_printed_url(self):
        """The token becomes a cookie and leaves the address bar."""
        self.driver.get(self.app.url)
        self.wait_for(lambda d: d.current_url == self.app.base + '/',
                      'the address without its token (now %s)' % self.driver.current_url)
        self.assertNotIn('token', self.driver.current_url)

    def fill(self, field_id, text):
        field = self.driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(text)

    def create_case(self, name='Harassment by J', look=True):
        self.wait_for_heading('Start your evidence case')
        if look:
            self.look_at('create')
        self.fill('name', name)
        self.fill('owner', 'Jane Smith')
        self.fill('exhibit_prefix', 'JS')
        self.fill('passphrase', PASSPHRASE)
        self.fill('passphrase_again', PASSPHRASE)
        self.wait_for(lambda d: d.find_element(By.ID, 'strength').text.startswith('Strong'),
                      'the strength hint')
        self.wait_for(lambda d: d.find_element(By.ID, 'match').text ==
                      'The two passphrases match.', 'the passphrases to match')
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/create"] button').click()
        self.wait_for_heading(name)

    def wait_until_locked(self):
        """The server locks on the quick exit's beacon, which may arrive after /bye is shown:
        the case is locked when the start page asks for the passphrase."""
        def unlock_page_shown(d):
            d.get(self.app.base + '/')
            return self.heading() == 'Unlock your case'
        self.wait_for(unlock_page_shown, 'the start page to ask for the passphrase')

    def verify_from_cli(self):
        run = subprocess.run([self.binary, '-C', self.case_dir, 'verify'],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=tool_environment(self.home, {'EVIDENCE_PASSPHRASE': PASSPHRASE}),
                             timeout=WAIT_SECONDS, check=False)
        self.assertEqual(run.returncode, 0, 'evidence verify:\n' + run.stdout)

    # --- the CLI beside the app, and plain HTTP with the browser's session ----------------

    def evidence_cli(self, *args, expect=0):
        """Runs `evidence -C CASE ARGS...` with the passphrase in its environment, as a person
        would in a terminal beside the app (the app holds the case open; SQLite's lock
        serialises the writers). Asserts the exit status; returns stdout."""
        run = subprocess.run([self.binary, '-C', self.case_dir] + list(args),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=tool_environment(self.home, {'EVIDENCE_PASSPHRASE': PASSPHRASE}),
                             timeout=WAIT_SECONDS * 3, check=False)
        self.assertEqual(run.returncode, expect, 'evidence %s:\n%s%s' %
                         (' '.join(args), run.stdout, run.stderr))
        return run.stdout

    def sample_evidence(self):
        """{'photo': a JPEG with camera and GPS, 'voicemail': audio, 'chat': a WhatsApp export
        (a .zip with media from the samples)}: real files from
        $EVIDENCE_SAMPLES when it is set (their sources: SOURCES.md there), else the files
        `evidence-make-samples` ($EVIDENCE_MAKE_SAMPLES) generates into the test's folder."""
        samples = os.environ.get('EVIDENCE_SAMPLES')
        if samples:
            return {'photo': os.path.join(samples, 'images', 'DSCN0010.jpg'),
                    'voicemail': os.path.join(samples, 'audio', 'silence-44-s.mp3'),
                    'chat': os.path.join(samples, 'messages', 'whatsapp',
                                         'whatsapp-chat-parser-example_with_media.zip')}
        tool = os.environ.get('EVIDENCE_MAKE_SAMPLES', '')
        if not os.access(tool, os.X_OK):
            fail_setup('EVIDENCE_MAKE_SAMPLES is not evidence-make-samples: %r' % tool)
        out = os.path.join(self.tmp.name, 'generated')
        if not os.path.isdir(out):
            subprocess.run([tool, out], check=True, timeout=WAIT_SECONDS,
                           stdout=subprocess.DEVNULL)
        return {'photo': os.path.join(out, 'gift-on-doorstep.jpg'),
                'voicemail': os.path.join(out, 'voicemail-2026-03-02.wav'),
                'chat': os.path.join(out, 'whatsapp-chat.txt')}

    def csrf_token(self):
        return self.driver.execute_script(
            'var m = document.querySelector("meta[name=csrf-token]");'
            'return m ? m.getAttribute("content") : "";')

    def http(self, method, path, form=None):
        """One request outside the browser with the browser's session cookie (WebDriver sees
        HttpOnly cookies); a form is posted with the app's own Origin. Returns (status,
        headers with lower-case names, body); redirects are not followed."""
        cookie = '; '.join('%s=%s' % (c['name'], c['value']) for c in self.driver.get_cookies())
        host = self.app.base[len('http://'):]
        headers = {'Cookie': cookie, 'Host': host}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({'Origin': self.app.base,
                            'Content-Type': 'application/x-www-form-urlencoded'})
        conn = http.client.HTTPConnection(host, timeout=WAIT_SECONDS)
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            return (res.status, {k.lower(): v for k, v in res.getheaders()}, res.read())
        finally:
            conn.close()


def main():
    """The entry point of every browser test file: `--install-axe`, or the tests named."""
    if sys.argv[1:] == ['--install-axe']:
        sys.exit(install_axe())
    unittest.main(module='__main__', verbosity=2)
