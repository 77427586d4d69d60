#!/usr/bin/python3
"""The issue's end-to-end flow in a real browser, as far as the pages exist (harness and
conventions: browser_harness.py): create a case, add evidence, record an incident linked to the
photo and amend it, open the report, hand a bundle over and check it, Quick exit, and verify the
case from the CLI.

Two steps stand in for pages not built yet, each one method so that the page replaces it alone:
`add_evidence` (the upload page) and `hand_over` (the hand-over page)."""

import json
import os
import subprocess

from browser_harness import (PASSPHRASE, WAIT_SECONDS, AppBrowserTest, By, main,
                             tool_environment)

FIRST_ACCOUNT = 'A wrapped box on the doorstep again; no note.'
AMENDED_ACCOUNT = 'A wrapped box on the doorstep again; a card inside said "see you".'


class FlowBrowser(AppBrowserTest):
    """One victim's session from the first page to a checked bundle and a verified case."""

    def test_full_flow(self):
        self.create_case_through_page()
        samples = self.sample_evidence()
        items = self.add_evidence([samples['photo'], samples['voicemail'], samples['chat']])
        photo = items[os.path.basename(samples['photo'])]
        incident = self.record_incident(photo['exhibit'])
        self.amend_incident(incident)
        self.open_report(incident, photo['exhibit'])
        bundle = self.hand_over()
        self.check_bundle(bundle)
        self.quick_exit()
        self.assert_locked()
        self.verify_from_cli()
        self.assertEqual(self.app.stop(), 0, 'the app ends with 0 on SIGTERM')
        self.app = None
        self.assert_no_problems()

    # --- the steps, in the order of the issue ----------------------------------------------

    def create_case_through_page(self):
        self.open_printed_url()
        self.create_case(look=False)

    def add_evidence(self, paths):
        """STAND-IN for the upload page: locks the case with Quick exit, adds `paths` with
        `evidence add`, and unlocks it through the page again. The upload page replaces this
        whole method (file input, the date-order question, progress to 100%). Returns {file
        name: the item as `evidence --json list` gives it}."""
        self.quick_exit()
        self.evidence_cli('add', *paths)
        self.fill('passphrase', PASSPHRASE)
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/unlock"] button').click()
        self.wait_for_heading('Harassment by J')
        items = {it['name']: it for it in json.loads(self.evidence_cli('--json', 'list'))}
        self.driver.find_element(By.LINK_TEXT, 'Evidence').click()
        self.wait_for_heading('Evidence')
        main_text = self.driver.find_element(By.TAG_NAME, 'main').text
        for path in paths:
            self.assertIn(os.path.basename(path), main_text, 'the Evidence page lists it')
        return items

    def record_incident(self, exhibit):
        """Records an incident linked to `exhibit` through the Diary; returns its id."""
        self.driver.find_element(By.LINK_TEXT, 'Diary').click()
        self.wait_for_heading('Diary')
        self.driver.find_element(By.LINK_TEXT, 'Record an incident').click()
        self.wait_for_heading('Record an incident')
        self.driver.execute_script('document.getElementById("at").value = "2026-03-01T07:50";')
        self.driver.find_element(By.CSS_SELECTOR, 'label[for="b-gift"]').click()
        self.fill('what', FIRST_ACCOUNT)
        self.fill('where', 'home')
        self.driver.find_element(By.CSS_SELECTOR, 'label[for="i-%s"]' % exhibit).click()
        self.driver.find_element(By.CSS_SELECTOR, 'form.stack button[type=submit]').click()
        self.wait_for(lambda d: d.current_url.startswith(self.app.base + '/diary/INC-'),
                      'the incident recorded')
        incident = self.driver.current_url.rsplit('/', 1)[1]
        self.wait_for_heading('Incident ' + incident)
        self.driver.find_element(By.LINK_TEXT, exhibit)  # linked to the photo
        return incident

    def amend_incident(self, incident):
        self.driver.find_element(By.LINK_TEXT, 'Correct or add to this entry').click()
        self.wait_for_heading('Correct or add to ' + incident)
        self.fill('reason', 'remembered the card inside')
        self.fill('what', AMENDED_ACCOUNT)
        self.driver.find_element(By.CSS_SELECTOR, 'form.stack button[type=submit]').click()
        self.wait_for(lambda d: d.current_url == self.app.base + '/diary/' + incident,
                      'the amendment saved')
        self.wait_for_heading('Incident ' + incident)
        versions = [v.text for v in
                    self.driver.find_elements(By.CSS_SELECTOR, 'ol.versions > li')]
        self.assertEqual(len(versions), 2, versions)
        self.assertIn(FIRST_ACCOUNT, versions[0])
        self.assertIn(AMENDED_ACCOUNT, versions[1])

    def open_report(self, incident, exhibit):
        self.driver.find_element(By.LINK_TEXT, 'Back to the diary').click()
        self.wait_for_heading('Diary')
        self.driver.find_element(By.LINK_TEXT, 'Pattern report').click()
        self.wait_for_heading('Pattern report')
        self.driver.get(self.app.base + '/report/view')
        self.wait_for(lambda d: d.execute_script('return document.readyState') == 'complete',
                      'the report')
        text = self.driver.find_element(By.TAG_NAME, 'body').text
        for expected in (incident, exhibit, FIRST_ACCOUNT, AMENDED_ACCOUNT):
            self.assertIn(expected, text)
        self.driver.get(self.app.base + '/')
        self.wait_for_heading('Harassment by J')

    def hand_over(self):
        """STAND-IN for the hand-over page: `evidence export` beside the app. The hand-over page
        replaces this method (choose, recipient, download, the fingerprint). Returns the bundle's
        path."""
        bundle = os.path.join(self.tmp.name, 'for-the-police.zip')
        self.evidence_cli('export', '--out', bundle, '--recipient', 'PC Smith')
        return bundle

    def check_bundle(self, bundle):
        run = subprocess.run([self.binary, 'verify-bundle', bundle], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=tool_environment(self.home),
                             timeout=WAIT_SECONDS * 3, check=False)
        self.assertEqual(run.returncode, 0, 'evidence verify-bundle:\n' + run.stdout)

    def quick_exit(self):
        self.driver.find_element(By.ID, 'quick-exit').click()
        self.wait_for(lambda d: d.current_url == self.app.base + '/bye', 'the neutral page')
        self.wait_for_heading('Notes')
        self.wait_until_locked()

    def assert_locked(self):
        """The server holds no case: the case's pages send the browser to the unlock page."""
        status, headers, _ = self.http('GET', '/evidence')
        self.assertEqual((status, headers.get('location')), (303, '/'))
        self.driver.get(self.app.base + '/diary')
        self.wait_for_heading('Unlock your case')


if __name__ == '__main__':
    main()
