#!/usr/bin/python3
"""Hand over and Check a bundle in a real browser: the victim hands over everything and the
downloaded bundle passes `evidence verify-bundle`; an officer's own case checks that bundle through
the page and receives it (harness and conventions: browser_harness.py)."""

import os
import subprocess

from browser_harness import (PASSPHRASE, WAIT_SECONDS, App, AppBrowserTest, By, main,
                             tool_environment)


class HandoverBrowser(AppBrowserTest):
    """The victim's hand-over, then the officer's check and receipt of the same bundle."""

    def evidence(self, case_dir, *args, extra=None):
        env = {'EVIDENCE_PASSPHRASE': PASSPHRASE}
        env.update(extra or {})
        return subprocess.run([self.binary, '-C', case_dir] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=tool_environment(self.home, env), timeout=WAIT_SECONDS,
                              check=False)

    def downloads(self):
        """The browser saves downloads into the test's own folder, never the person's."""
        folder = os.path.join(self.tmp.name, 'downloads')
        os.makedirs(folder, exist_ok=True)
        self.driver.execute_cdp_cmd('Browser.setDownloadBehavior',
                                    {'behavior': 'allow', 'downloadPath': folder})
        return folder

    def wait_for_download(self, folder):
        def finished(_):
            names = os.listdir(folder)
            done = [n for n in names if n.endswith('.zip') or n.endswith('.age')]
            return done if done and not any(n.endswith('.crdownload') for n in names) else None
        return os.path.join(folder, self.wait_for(finished, 'the bundle to be downloaded')[0])

    def hand_over_everything(self):
        """Returns the downloaded bundle and the fingerprint the page says to read out."""
        self.driver.find_element(By.LINK_TEXT, 'Hand over').click()
        self.wait_for_heading('Hand over your evidence')
        self.assertIn('threat.txt', self.driver.find_element(By.TAG_NAME, 'main').text)
        self.look_at('handover')
        self.fill('recipient', 'PC 1234 Smith')
        # Handed over in person: the plain .zip, which the page offers last.
        self.driver.find_element(By.ID, 'travel-zip').click()
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/handover"] button').click()
        self.wait_for_heading('Your bundle is ready')
        self.look_at('handover-done')
        fingerprint = self.driver.find_element(
            By.CSS_SELECTOR, 'section[aria-labelledby="fingerprint-heading"] code').text
        folder = self.downloads()
        self.driver.find_element(By.ID, 'download-bundle').click()
        return self.wait_for_download(folder), fingerprint

    def test_hand_over_then_check_and_receive_as_officer(self):
        self.open_printed_url()
        self.create_case(look=False)
        threat = os.path.join(self.tmp.name, 'threat.txt')
        with open(threat, 'w', encoding='utf-8') as f:
            f.write('you will regret this\n')
        added = self.evidence(self.case_dir, 'add', threat)
        self.assertEqual(added.returncode, 0, added.stdout)

        bundle, fingerprint = self.hand_over_everything()
        shown = self.evidence(self.case_dir, '--json', 'key', 'show')
        self.assertIn('"fingerprint":"%s"' % fingerprint, shown.stdout.replace(' ', ''))
        checked = subprocess.run(
            [self.binary, 'verify-bundle', bundle, '--fingerprint', fingerprint],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=tool_environment(self.home), timeout=WAIT_SECONDS, check=False)
        self.assertEqual(checked.returncode, 0, 'evidence verify-bundle:\n' + checked.stdout)
        self.assertEqual([n for n in os.listdir(os.path.join(self.case_dir))
                          if n == 'app-handover' and os.listdir(os.path.join(self.case_dir, n))],
                         [], 'the app keeps no copy of a downloaded bundle')
        self.stop_app()

        # The officer's own case, in the same browser.
        self.case_dir = os.path.join(self.tmp.name, 'officer')
        self.app = App(self.binary, self.case_dir, self.home)
        self.open_printed_url()
        self.create_case(name='Case 2026/123', look=False)
        self.driver.find_element(By.LINK_TEXT, 'Check a bundle').click()
        self.wait_for_heading('Check a bundle')
        self.look_at('check-bundle')
        self.fill('fingerprint', fingerprint)
        self.driver.find_element(By.ID, 'bundle').send_keys(bundle)
        # The bar's values as the page shows them, kept where the answer's page can read them.
        self.driver.execute_script(
            "sessionStorage.setItem('bar', '');"
            "new MutationObserver(function () {"
            "  sessionStorage.setItem('bar', sessionStorage.getItem('bar') + ' ' +"
            "                         document.getElementById('check-bar').value);"
            "}).observe(document.getElementById('check-bar'), {attributes: true});")
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/check-bundle"] button').click()
        self.wait_for_heading('What the check found')
        shown = self.driver.execute_script("return sessionStorage.getItem('bar')").split()
        self.assertEqual(shown[-1:], ['100'], 'the progress bar reached 100%%: %s' % shown)
        self.assertIn('This bundle verifies', self.driver.find_element(By.TAG_NAME, 'main').text)
        self.look_at('check-result')
        self.fill('note', 'received from the victim by hand')
        self.driver.find_element(By.ID, 'receive-bundle').click()
        self.wait_for_heading('Received')
        main_text = self.driver.find_element(By.TAG_NAME, 'main').text
        self.assertIn('JS-0001', main_text)
        self.look_at('check-received')
        self.stop_app()
        listed = self.evidence(self.case_dir, 'list')
        self.assertIn('threat.txt', listed.stdout)
        self.verify_from_cli()
        self.assert_no_problems()


if __name__ == '__main__':
    main()
