#!/usr/bin/python3
"""The issue's end-to-end flow in a real browser, all through the pages (harness and conventions:
browser_harness.py): create a case, add a photo, a voicemail and WhatsApp exports on the Add
evidence page (answering the date-order question), record an incident linked to the photo and
amend it, open the report, hand a bundle locked with a passphrase over on the Hand over page and
download it, check it with `evidence verify-bundle --fingerprint` (the fingerprint the page shows,
and the passphrase), Quick exit, and verify the case from the CLI. With EVIDENCE_SAMPLES set the photo, voicemail and WhatsApp .zip are real
samples; otherwise `evidence-make-samples` generates them (sample_evidence)."""

import os
import re
import subprocess

# Their helpers are reused as functions; the modules, not their classes, are imported so that
# this file runs only its own test.
import handover_browser_test as handover
import upload_browser_test as upload
from browser_harness import WAIT_SECONDS, AppBrowserTest, By, main, tool_environment

FIRST_ACCOUNT = 'A wrapped box on the doorstep again; no note.'
BUNDLE_PASSPHRASE = 'read out by phone'
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
        bundle, fingerprint = self.hand_over()
        self.check_bundle(bundle, fingerprint)
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
        """Chooses `paths` and a generated WhatsApp export with ambiguous dates through the Add
        evidence page's file input, answers the date-order question (day first), and waits until
        every progress bar and the total reach 100% and each file is added; the Evidence page
        then lists them. Returns {file name: {'exhibit': the number the page gave it}}."""
        ambiguous = upload.UploadBrowser.write(self, 'WhatsApp Chat - Loris.zip',
                                               upload.UploadBrowser.chat_zip(self))
        files = list(paths) + [ambiguous]
        self.driver.find_element(By.CSS_SELECTOR, 'nav a[href="/add"]').click()
        self.wait_for_heading('Add evidence')
        self.driver.find_element(By.ID, 'add-files').send_keys('\n'.join(files))
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, 'button[data-date-order]'),
                      'the date-order question')

        def all_done(d):
            # The real export may ask too; every export's dates are read day first.
            for button in d.find_elements(By.CSS_SELECTOR, 'button[data-date-order="day-first"]'):
                button.click()
                return False
            rows = upload.UploadBrowser.results(self)
            total = d.execute_script('return document.getElementById("add-total").value')
            return (len(rows) == len(files) and all(r[1] for r in rows) and
                    all(r[3] == 100 for r in rows) and total == 100)
        self.wait_for(all_done, 'every file and the total to reach 100%')
        self.assert_no_alert()
        items = {}
        for name, outcome, text, _ in upload.UploadBrowser.results(self):
            self.assertEqual(outcome, 'added', (name, text))
            exhibit = re.match(r'^Added as (JS-\d{4})\.', text)
            self.assertTrue(exhibit, (name, text))
            items[name] = {'exhibit': exhibit.group(1)}
        self.assertEqual(sorted(items), sorted(os.path.basename(f) for f in files))
        loris = [r[2] for r in upload.UploadBrowser.results(self)
                 if r[0] == 'WhatsApp Chat - Loris.zip']
        self.assertIn('2 messages', loris[0])
        self.driver.find_element(By.LINK_TEXT, 'Evidence').click()
        self.wait_for_heading('Evidence')
        main_text = self.driver.find_element(By.TAG_NAME, 'main').text
        for path in files:
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
        """Hands everything over to PC Smith through the Hand over page and downloads the bundle
        into the test's own folder. Returns the bundle's path and the fingerprint the page
        shows."""
        self.driver.get(self.app.base + '/')
        self.wait_for_heading('Harassment by J')
        self.driver.find_element(By.LINK_TEXT, 'Hand over').click()
        self.wait_for_heading('Hand over your evidence')
        self.fill('recipient', 'PC 1234 Smith')
        # The page offers the bundle locked with a passphrase first, for email or post.
        self.assertTrue(self.driver.find_element(By.ID, 'travel-passphrase').is_selected())
        self.fill('bundle_passphrase', BUNDLE_PASSPHRASE)
        self.fill('bundle_passphrase_again', BUNDLE_PASSPHRASE)
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/handover"] button').click()
        self.wait_for_heading('Your bundle is ready')
        fingerprint = self.driver.find_element(
            By.CSS_SELECTOR, 'section[aria-labelledby="fingerprint-heading"] code').text
        self.assertTrue(fingerprint, 'the page shows the fingerprint')
        folder = handover.HandoverBrowser.downloads(self)
        self.driver.find_element(By.ID, 'download-bundle').click()
        return handover.HandoverBrowser.wait_for_download(self, folder), fingerprint

    def check_bundle(self, bundle, fingerprint):
        run = subprocess.run([self.binary, 'verify-bundle', bundle, '--fingerprint', fingerprint],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=tool_environment(
                                 self.home, {'EVIDENCE_BUNDLE_PASSPHRASE': BUNDLE_PASSPHRASE}),
                             timeout=WAIT_SECONDS * 3,
                             check=False)
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
