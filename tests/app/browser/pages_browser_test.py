#!/usr/bin/python3
"""The case's pages in a real browser: the Evidence list, an item (a photo, a voicemail), hostile
file names and types, the Custody log, the Diary (record, refuse, amend) and the pattern report
(harness and conventions: browser_harness.py). Evidence comes in through the CLI beside the running
app until the upload page exists."""

import json
import os
import shutil

from browser_harness import HOSTILE_NAME, ActionChains, AppBrowserTest, By, Keys, main

# The stalker's files: a name that is markup, and two types a browser would run if it rendered them.
HOSTILE_JPEG = HOSTILE_NAME + '.jpg'
HOSTILE_HTML = ('<!DOCTYPE html><html><head><title>page</title></head><body>'
                '<h1 id="rendered">rendered</h1><script>alert("html")</script></body></html>\n')
HOSTILE_SVG = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
               'onload="alert(\'svg\')"><script>alert("svg script")</script>'
               '<rect width="10" height="10"/></svg>\n')


class PagesBrowser(AppBrowserTest):
    """The Evidence, item, Custody log, Diary and report pages on a case filled through the CLI."""

    # --- steps ----------------------------------------------------------------------------

    def start_case_with(self, paths):
        """Creates the case through the page, adds `paths` with `evidence add` beside the app and
        returns {file name: the item as `evidence --json list` gives it}."""
        self.open_printed_url()
        self.create_case(look=False)
        self.evidence_cli('add', *paths)
        items = json.loads(self.evidence_cli('--json', 'list'))
        return {it['name']: it for it in items}

    def go(self, link_text, heading):
        self.driver.find_element(By.LINK_TEXT, link_text).click()
        self.wait_for_heading(heading)

    def main_text(self):
        return self.driver.find_element(By.TAG_NAME, 'main').text

    def loaded_images(self, selector):
        """How many of the pictures matching `selector` the browser has decoded, once every one
        has finished loading (or failed)."""
        script = ('var all = Array.from(document.querySelectorAll(arguments[0]));'
                  'return all.every(function (i) { return i.complete; }) ?'
                  '  all.filter(function (i) { return i.naturalWidth > 0; }).length : -1;')
        self.wait_for(lambda d: d.execute_script(script, selector) >= 0,
                      'the pictures %s to load' % selector)
        return self.driver.execute_script(script, selector)

    def fact(self, term):
        """The text of the <dd> after the <dt> `term` on an item page."""
        return self.driver.execute_script(
            'var term = arguments[0];'
            'var dt = Array.from(document.querySelectorAll("main dt")).find(function (e) {'
            '  return e.textContent.trim() === term; });'
            'return dt ? dt.nextElementSibling.textContent.trim() : null;', term)

    def shown_item_names(self):
        return [a.text for a in self.driver.find_elements(By.CSS_SELECTOR, 'ul.items li a')]

    def assert_keyboard_reaches_everything(self, page):
        """Tab from the top of the page reaches every control, each with a visible focus
        outline (WCAG 2.1.1 and 2.4.7)."""
        controls = ('Array.from(document.querySelectorAll("a[href], button, select, textarea, '
                    'input:not([type=hidden])")).filter(function (e) {'
                    '  return e.getClientRects().length > 0; })')
        count = self.driver.execute_script('return %s.length;' % controls)
        self.driver.execute_script('if (document.activeElement) document.activeElement.blur();')
        reached, unseen, last = set(), [], None
        # A date field takes one Tab for each of its parts, and a player's buttons are not in
        # the list: both keep or move focus without reaching a new control.
        for _ in range(count * 6 + 10):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            index, outlined, html = self.driver.execute_script(
                'var e = document.activeElement, s = getComputedStyle(e);'
                'return [%s.indexOf(e), s.outlineStyle !== "none" && '
                '  parseFloat(s.outlineWidth) > 0, e.outerHTML.slice(0, 100)];' % controls)
            if index < 0 or index == last:
                continue
            if index in reached:
                break  # round again
            last = index
            reached.add(index)
            if not outlined:
                unseen.append(html)
        if len(reached) != count or unseen:
            self.problems.append('%s: Tab reached %d of %d controls; focus not visible on %s' %
                                 (page, len(reached), count, unseen))

    def write_file(self, name, content):
        path = os.path.join(self.tmp.name, 'input', name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb' if isinstance(content, bytes) else 'w') as f:
            f.write(content)
        return path

    # --- Evidence, an item, the Custody log -------------------------------------------------

    def test_evidence_list_item_audio_and_custody_log(self):
        samples = self.sample_evidence()
        note_file = self.write_file('what-the-neighbour-saw.txt', 'He was outside again at 7.\n')
        items = self.start_case_with([samples['photo'], samples['voicemail'], note_file])
        photo = items[os.path.basename(samples['photo'])]
        voicemail = items[os.path.basename(samples['voicemail'])]
        note = items[os.path.basename(note_file)]

        self.go('Evidence', 'Evidence')
        self.assertIn('Showing 3 of 3 items.', self.main_text())
        self.assertEqual(self.loaded_images('img.thumb'), 1,
                         'one thumbnail, of the photo, decoded by the browser')
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, 'img.thumb').get_attribute(
            'alt'), 'Picture ' + photo['exhibit'])
        self.look_at('evidence-list')
        self.assert_keyboard_reaches_everything('evidence-list')

        self.driver.find_element(By.CSS_SELECTOR, '#kind option[value="%s"]' %
                                 voicemail['kind']).click()
        self.driver.find_element(By.CSS_SELECTOR, 'form.filter button').click()
        self.wait_for(lambda d: 'kind=' in d.current_url, 'the filtered list')
        self.assertEqual(len(self.shown_item_names()), 1, self.shown_item_names())
        self.assertIn(voicemail['name'], self.shown_item_names()[0])
        self.fill('q', 'NEIGHBOUR')
        self.driver.find_element(By.CSS_SELECTOR, '#kind option[value=""]').click()
        self.driver.find_element(By.CSS_SELECTOR, 'form.filter button').click()
        self.wait_for(lambda d: 'q=NEIGHBOUR' in d.current_url, 'the searched list')
        self.assertEqual(self.shown_item_names(), [note['exhibit'] + ' ' + note['name']])
        self.fill('q', 'nothing is called this')
        self.driver.find_element(By.CSS_SELECTOR, 'form.filter button').click()
        self.wait_for(lambda d: 'Nothing matches.' in self.main_text(), 'no match')
        self.look_at('evidence-list-no-match')
        self.go('Show everything', 'Evidence')

        self.driver.find_element(By.PARTIAL_LINK_TEXT, photo['exhibit']).click()
        self.wait_for_heading(photo['exhibit'] + ' ' + photo['name'])
        shown = json.loads(self.evidence_cli('--json', 'show', photo['exhibit']))
        md = shown['metadata']
        self.assertIn(md['model'], self.fact('Camera'))
        gps = self.fact('Where (GPS)')
        self.assertIsNotNone(gps, 'the photo has a GPS position')
        self.assertRegex(gps, r'^-?\d+\.\d+, -?\d+\.\d+$')
        lat, lon = (float(x) for x in gps.split(', '))
        self.assertAlmostEqual(lat, float(md['gps']['latitude']), places=5)
        self.assertAlmostEqual(lon, float(md['gps']['longitude']), places=5)
        self.assertEqual(self.fact('SHA-256'), shown['sha256'])
        self.assertEqual(self.loaded_images('img.picture'), 1, 'the picture is shown')
        history = self.driver.find_element(By.CSS_SELECTOR, 'ul.custody').text
        self.assertIn(photo['name'], history)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, 'main audio'), [])
        self.look_at('evidence-item-photo')

        self.driver.get(self.app.base + '/evidence/' + voicemail['exhibit'])
        self.wait_for_heading(voicemail['exhibit'] + ' ' + voicemail['name'])
        # The player waits for a click (preload="none"); asking for the metadata shows that the
        # browser accepts the type it is served under and can play it.
        self.driver.execute_script('var a = document.querySelector("main audio");'
                                   'a.preload = "metadata"; a.load();')
        self.wait_for(lambda d: d.execute_script(
            'var a = document.querySelector("main audio"); return a.readyState >= 1 || !!a.error;'),
                      'the voicemail to load')
        self.assertEqual(self.driver.execute_script(
            'var a = document.querySelector("main audio");'
            'return [a.error ? a.error.code : 0, a.duration > 0];'), [0, True],
                         'the browser cannot play the voicemail')
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, 'main img'), [])
        self.look_at('evidence-item-voicemail')
        self.assert_keyboard_reaches_everything('evidence-item-voicemail')

        # An exhibit the case does not have, and one that is not an exhibit id at all.
        for missing in ('/evidence/JS-9999', '/evidence/%3Cimg%20src%3Dx%3E', '/diary/INC-9999'):
            self.driver.get(self.app.base + missing)
            self.wait_for_heading('There is no such page')
            self.assert_no_alert()
        self.look_at('evidence-not-found')
        self.go('Go to the start page', 'Harassment by J')

        self.go('Custody log', 'Custody log')
        entries = self.driver.find_elements(By.CSS_SELECTOR, 'ul.custody li')
        self.assertGreaterEqual(len(entries), 4, 'case created and three items added')
        seqs = [int(e.find_element(By.CLASS_NAME, 'seq').text.lstrip('#')) for e in entries]
        self.assertEqual(seqs, sorted(seqs, reverse=True), 'newest first')
        self.look_at('custody')
        self.assert_keyboard_reaches_everything('custody')
        self.fill('q', os.path.basename(samples['voicemail']).upper() + Keys.ENTER)
        self.wait_for(lambda d: 'q=' in d.current_url, 'the searched log')
        found = self.driver.find_elements(By.CSS_SELECTOR, 'ul.custody li')
        self.assertGreaterEqual(len(found), 1)
        self.assertLess(len(found), len(entries))
        for e in found:
            self.assertIn(voicemail['name'].lower(), e.text.lower())
        self.look_at('custody-search')
        self.fill('q', 'nothing is called this')
        self.driver.find_element(By.CSS_SELECTOR, 'form.filter button').click()
        self.wait_for(lambda d: 'No record matches.' in self.main_text(), 'no record')
        self.assert_no_problems()

    # --- the stalker's names and types ------------------------------------------------------

    def test_hostile_names_are_text_and_html_svg_only_download(self):
        samples = self.sample_evidence()
        hostile = self.write_file(HOSTILE_JPEG, b'')
        shutil.copyfile(samples['photo'], hostile)
        html = self.write_file('invitation.html', HOSTILE_HTML)
        svg = self.write_file('drawing.svg', HOSTILE_SVG)
        items = self.start_case_with([hostile, html, svg])

        self.go('Evidence', 'Evidence')
        self.assertIn(HOSTILE_JPEG, self.main_text())
        self.assert_no_injected_markup()
        self.driver.find_element(By.PARTIAL_LINK_TEXT, items[HOSTILE_JPEG]['exhibit']).click()
        self.wait_for_heading(items[HOSTILE_JPEG]['exhibit'] + ' ' + HOSTILE_JPEG)
        self.assert_no_injected_markup()
        self.assertIn(HOSTILE_JPEG, self.driver.find_element(By.CSS_SELECTOR, 'ul.custody').text)
        self.look_at('evidence-item-hostile-name')
        self.go('Custody log', 'Custody log')
        self.assertIn(HOSTILE_JPEG, self.main_text())
        self.assert_no_injected_markup()
        self.driver.get(self.app.base + '/diary/new')
        self.wait_for_heading('Record an incident')
        self.assertIn(HOSTILE_JPEG, self.driver.find_element(
            By.CSS_SELECTOR, 'label[for="i-%s"]' % items[HOSTILE_JPEG]['exhibit']).text)
        self.assert_no_injected_markup()

        for name, media in (('invitation.html', 'text/html'), ('drawing.svg', 'image/svg')):
            item = items[name]
            page = self.app.base + '/evidence/' + item['exhibit']
            self.driver.get(page)
            self.wait_for_heading(item['exhibit'] + ' ' + name)
            self.assertIn(media, self.fact('Media type'))
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, 'main img, main audio'),
                             [], name + ' is not shown on its page')
            self.assertEqual(self.driver.find_elements(By.LINK_TEXT, 'Open the original'), [],
                             name + ' has no link that would open it')
            # Asked for as a file, it is not rendered: the browser is sent back to its page.
            self.driver.get(page + '/file')
            self.wait_for(lambda d, p=page: d.current_url == p, name + ': back to its page')
            self.wait_for_heading(item['exhibit'] + ' ' + name)
            self.assertEqual(self.driver.find_elements(By.ID, 'rendered'), [])
            self.assert_no_alert()
            status, headers, _ = self.http('GET', '/evidence/%s/file' % item['exhibit'])
            self.assertEqual((status, headers.get('location')),
                             (303, '/evidence/' + item['exhibit']), name)
            # The download button's request: the bytes as an attachment of no renderable type.
            status, headers, body = self.http('POST', '/evidence/%s/download' % item['exhibit'],
                                              {'csrf': self.csrf_token()})
            self.assertEqual(status, 200, name)
            self.assertEqual(headers.get('content-type'), 'application/octet-stream', name)
            self.assertTrue(headers.get('content-disposition', '').startswith('attachment;'),
                            headers)
            self.assertEqual(headers.get('x-content-type-options'), 'nosniff')
            with open(html if name.endswith('.html') else svg, 'rb') as f:
                self.assertEqual(body, f.read(), name + ': the original bytes')
        self.assert_no_problems()

    def assert_no_injected_markup(self):
        self.assertEqual(self.driver.execute_script(
            'return document.querySelectorAll("img[src=x], [onerror], [onload], svg").length;'),
            0, 'a file name became markup')
        self.assert_no_alert()

    # --- the Diary and the pattern report ---------------------------------------------------

    def test_diary_record_amend_and_report(self):
        samples = self.sample_evidence()
        items = self.start_case_with([samples['photo']])
        photo = items[os.path.basename(samples['photo'])]

        self.go('Diary', 'Diary')
        self.assertIn('No incidents yet.', self.main_text())
        self.look_at('diary-empty')
        self.go('Record an incident', 'Record an incident')
        self.look_at('diary-new')
        self.assert_keyboard_reaches_everything('diary-new')
        # datetime-local takes its value from script: what is typed into it depends on the
        # browser's locale.
        self.driver.execute_script('document.getElementById("at").value = "2026-03-01T07:50";')
        self.fill('what', 'A wrapped box on the doorstep again; no note.')
        self.fill('where', 'home')
        self.fill('witnesses', 'Ana (neighbour)\nthe postman')
        self.driver.find_element(By.CSS_SELECTOR, 'label[for="i-%s"]' % photo['exhibit']).click()
        self.driver.find_element(By.CSS_SELECTOR, 'form.stack button[type=submit]').click()
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, 'main .error'),
                      'the refusal of an incident without a behaviour')
        error = self.driver.find_element(By.CSS_SELECTOR, 'main .error')
        self.assertEqual(error.get_attribute('role'), 'alert')
        self.assertIn('at least one behaviour', error.text)
        self.assertEqual(self.driver.find_element(By.ID, 'what').get_attribute('value'),
                         'A wrapped box on the doorstep again; no note.', 'what was typed is kept')
        self.assertTrue(self.driver.find_element(By.ID, 'i-' + photo['exhibit']).is_selected())
        self.look_at('diary-new-refused')

        self.driver.find_element(By.ID, 'b-gift').send_keys(Keys.SPACE)
        self.driver.find_element(By.ID, 'b-visit-home').send_keys(Keys.SPACE)
        self.driver.find_element(By.CSS_SELECTOR, 'form.stack button[type=submit]').click()
        self.wait_for(lambda d: d.current_url.startswith(self.app.base + '/diary/INC-'),
                      'the incident recorded')
        incident = self.driver.current_url.rsplit('/', 1)[1]
        self.wait_for_heading('Incident ' + incident)
        self.driver.find_element(By.LINK_TEXT, photo['exhibit'])  # the linked photo
        self.assertIn('gift', self.main_text())
        self.look_at('diary-incident')

        self.go('Correct or add to this entry', 'Correct or add to ' + incident)
        self.assertEqual(self.driver.find_element(By.ID, 'what').get_attribute('value'),
                         'A wrapped box on the doorstep again; no note.')
        self.look_at('diary-amend')
        self.assert_keyboard_reaches_everything('diary-amend')
        self.fill('reason', 'remembered the card inside')
        self.fill('what', 'A wrapped box on the doorstep again; a card inside said "see you".')
        self.driver.find_element(By.CSS_SELECTOR, 'form.stack button[type=submit]').click()
        self.wait_for(lambda d: d.current_url == self.app.base + '/diary/' + incident,
                      'the amendment saved')
        self.wait_for_heading('Incident ' + incident)
        versions = self.driver.find_elements(By.CSS_SELECTOR, 'ol.versions > li')
        self.assertEqual(len(versions), 2, 'the original and the amendment')
        self.assertIn('Original entry', versions[0].text)
        self.assertIn('no note.', versions[0].text)
        self.assertIn('Amendment', versions[1].text)
        self.assertIn('Reason: remembered the card inside', versions[1].text)
        self.assertIn('"see you"', versions[1].text)
        self.look_at('diary-incident-amended')

        self.go('Back to the diary', 'Diary')
        listed = self.driver.find_element(By.CSS_SELECTOR, 'ul.incidents').text
        self.assertIn(incident, listed)
        self.assertIn('(amended)', listed)
        self.look_at('diary')

        self.go('Pattern report', 'Pattern report')
        self.look_at('report')
        # Print opens the report in a window of its own (and prints it there once loaded).
        app_window = self.driver.current_window_handle
        self.driver.find_element(By.ID, 'print-report').click()
        self.wait_for(lambda d: len(d.window_handles) == 2, 'the report in a new window')
        self.driver.switch_to.window([h for h in self.driver.window_handles
                                      if h != app_window][0])
        self.wait_for(lambda d: d.current_url == self.app.base + '/report/view' and
                      d.execute_script('return document.readyState') == 'complete',
                      'the report to load in its window')
        self.assertIn(incident, self.driver.find_element(By.TAG_NAME, 'body').text)
        self.driver.close()
        self.driver.switch_to.window(app_window)
        status, headers, body = self.http('GET', '/report/download')
        self.assertEqual(status, 200)
        self.assertTrue(headers.get('content-disposition', '').startswith('attachment'), headers)
        self.assertIn(b'see you', body)
        self.driver.get(self.app.base + '/report/view')
        self.wait_for(lambda d: d.execute_script('return document.readyState') == 'complete',
                      'the report')
        text = self.driver.find_element(By.TAG_NAME, 'body').text
        self.assertIn(incident, text)
        self.assertIn('no note.', text, 'the original account is in the report')
        self.assertIn('"see you"', text, 'the amendment is in the report')
        self.assertIn(photo['exhibit'], text)
        self.look_at_document('report-view')
        self.assert_no_problems()


if __name__ == '__main__':
    main()
