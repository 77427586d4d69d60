#!/usr/bin/python3
"""One upload through the Add evidence page in headless Chromium, for upload.sh: the app started
on CASE_DIR without a window, the printed URL opened in Chromium (which exchanges its token for
the session cookie), the case unlocked through the page when a passphrase is given, then FILE
chosen in the page's file input. The time runs from the choice to the page's answer for the file
("Added as EX-0001."), so it holds everything the person waits for: Chromium reading the file and
sending it, the app receiving, hashing and writing it, and the ingest.

Prints "seconds app_peak_rss_kib app_cpu_seconds chromium_cpu_seconds" (the two CPU times over
the upload alone). Needs Debian's chromium, chromium-driver and python3-selenium, as the browser
tests do (scripts/install-deps.sh).

usage: browser_upload.py EVIDENCE CASE_DIR FILE PROFILE_DIR [PASSPHRASE]
"""

import os
import re
import shutil
import subprocess
import sys
import time

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:
    sys.exit('browser_upload: selenium is missing (%s): run scripts/install-deps.sh as root '
             '(Debian: python3-selenium)' % e)

from app_client import peak_rss_kib, reset_peak_rss

TIMEOUT = 300


def cpu_seconds(pid):
    """User and system time of one process, in seconds (0 when it is gone)."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def descendants(root):
    """The processes below `root` (Chromium's browser, renderer, GPU and utility processes)."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.strip().splitlines()[-1])
    evidence, case_dir, path, profile = sys.argv[1:5]
    passphrase = sys.argv[5] if len(sys.argv) == 6 else None
    chromium, chromedriver = shutil.which('chromium'), shutil.which('chromedriver')
    if chromium is None or chromedriver is None:
        sys.exit('browser_upload: chromium or chromedriver is missing: run '
                 'scripts/install-deps.sh as root (Debian: chromium chromium-driver)')
    app = subprocess.Popen([evidence, '-C', case_dir, 'app', '--no-open', '--port', '0'],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    driver = None
    try:
        m = re.fullmatch(r'evidence app: open ((http://127\.0\.0\.1:\d+)/\?token=[0-9a-f]+)\n',
                         app.stdout.readline())
        if m is None:
            sys.exit('browser_upload: the app did not print its address')
        base = m.group(2)
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                    '--disable-extensions', '--disable-background-networking',
                    '--disable-component-update', '--disable-sync',
                    '--user-data-dir=' + profile):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        driver.set_script_timeout(TIMEOUT)
        wait = WebDriverWait(driver, 30)
        driver.get(m.group(1))
        wait.until(lambda d: d.current_url == base + '/')
        if passphrase is not None:
            driver.find_element(By.ID, 'passphrase').send_keys(passphrase)
            driver.find_element(By.CSS_SELECTOR, 'form[action="/unlock"] button').click()
            wait.until(lambda d: not d.find_elements(By.ID, 'passphrase'))
        driver.get(base + '/add')
        chosen = driver.find_element(By.ID, 'add-files')
        reset_peak_rss(app.pid)  # the unlock's key derivation is left out
        browser = descendants(driver.service.process.pid)
        app_cpu, browser_cpu = cpu_seconds(app.pid), sum(map(cpu_seconds, browser))
        started = time.monotonic()
        chosen.send_keys(os.path.abspath(path))
        # One call that returns when the answer is on the page: polling through WebDriver would
        # take CPU from the upload it measures.
        answer = driver.execute_async_script(
            'var done = arguments[arguments.length - 1];'
            'function look() {'
            '  var p = document.querySelector("#add-list .result p[data-outcome]");'
            '  if (p) done(p.textContent);'
            '  return p;'
            '}'
            'if (!look()) new MutationObserver(function (m, o) { if (look()) o.disconnect(); })'
            '    .observe(document.getElementById("add-list"), {subtree: true, childList: true});')
        took = time.monotonic() - started
        app_cpu = cpu_seconds(app.pid) - app_cpu
        browser_cpu = sum(map(cpu_seconds, browser)) - browser_cpu
        if not re.fullmatch(r'Added as EX-\d+\..*', answer):
            sys.exit('browser_upload: the upload failed: ' + answer)
        print('%.2f %d %.2f %.2f' % (took, peak_rss_kib(app.pid), app_cpu, browser_cpu))
    finally:
        if driver is not None:
            driver.quit()
        app.terminate()
        app.wait()


if __name__ == '__main__':
    main()
