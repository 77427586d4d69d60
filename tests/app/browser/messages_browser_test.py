#!/usr/bin/python3
"""The Messages pages and linking evidence to the diary in a real browser (harness and
conventions: browser_harness.py): a chat with a line of script is shown as text, search and
filters, messages and an item linked to a diary entry."""

import os
import subprocess

from browser_harness import (PASSPHRASE, WAIT_SECONDS, AppBrowserTest, By, main,
                             tool_environment)

SCRIPT_LINE = '<script>alert(1)</script>'


def generated_chat():
    """250 numbered messages on the 13th and 14th of March 2026 (every third from Sam, the rest
    from Daniel Marsh), then the line of script and a picture named in the chat: two pages."""
    lines = []
    for i in range(250):
        day, minute = 13 + i // 125, i % 125
        lines.append('%02d/03/2026, %02d:%02d - %s: message number %d' %
                     (day, 8 + minute // 60, minute % 60, 'Sam' if i % 3 == 0 else 'Daniel Marsh',
                      i))
    lines.append('15/03/2026, 21:00 - Daniel Marsh: ' + SCRIPT_LINE)
    lines.append('15/03/2026, 21:01 - Daniel Marsh: IMG-20260315-WA0001.jpg (file attached)')
    return '\n'.join(lines) + '\n'


class MessagesBrowser(AppBrowserTest):
    """A case made in the browser, a chat and a note added with the CLI while the app runs."""

    def evidence(self, *args):
        run = subprocess.run([self.binary, '-C', self.case_dir] + list(args),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=tool_environment(self.home, {'EVIDENCE_PASSPHRASE': PASSPHRASE}),
                             timeout=WAIT_SECONDS * 3, check=False)
        self.assertEqual(run.returncode, 0, 'evidence %s:\n%s' % (' '.join(args), run.stdout))
        return run.stdout

    def add_input(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        return self.evidence('add', path)

    def messages_shown(self):
        """(sender, text) of every message on the page, read in one step."""
        return self.driver.execute_script(
            'return Array.from(document.querySelectorAll("li.message")).map(function (li) {'
            '  return [li.querySelector("strong").innerText,'
            '          li.querySelector(".message-text").innerText]; });')

    def show(self):
        self.driver.find_element(By.CSS_SELECTOR, 'form[role="search"] button').click()

    def test_conversation_search_filter_and_link(self):
        self.open_printed_url()
        self.create_case(look=False)
        self.add_input('chat.txt', generated_chat())
        self.add_input('note.txt', 'A note left on the car')
        samples = os.environ.get('EVIDENCE_SAMPLES')
        if samples:
            self.evidence('add', os.path.join(samples, 'messages', 'whatsapp', 'android_EN.txt'))
        self.evidence('incident', 'add', '--at', '2026-03-14T09:00', '--behaviour',
                      'messaging-app', '--what', 'He would not stop messaging')

        self.driver.find_element(By.LINK_TEXT, 'Messages').click()
        self.wait_for_heading('Messages')
        self.assertIn('252 messages', self.driver.find_element(By.TAG_NAME, 'main').text)
        if samples:
            self.assertIn('android_EN.txt', self.driver.find_element(By.TAG_NAME, 'main').text)
        self.look_at('messages-list')

        self.driver.find_element(By.PARTIAL_LINK_TEXT, 'chat.txt').click()
        self.wait_for_heading('JS-0001 chat.txt')
        self.assertEqual(len(self.messages_shown()), 200, 'the first page holds 200')
        self.assertIn('Page 1 of 2', self.driver.find_element(By.CSS_SELECTOR, 'nav.pager').text)
        self.look_at('messages-conversation')
        self.driver.find_element(By.LINK_TEXT, 'Next page').click()
        self.wait_for(lambda d: 'page=2' in d.current_url, 'the second page')
        shown = self.messages_shown()
        self.assertEqual(len(shown), 52)
        self.assertIn(['Daniel Marsh', SCRIPT_LINE], shown, 'the line of script, as text')
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, 'main script'), [])
        self.assert_no_alert()
        self.assertIn('Attachment: IMG-20260315-WA0001.jpg',
                      self.driver.find_element(By.TAG_NAME, 'main').text)

        self.fill('q', 'ALERT')
        self.show()
        self.wait_for(lambda d: len(self.messages_shown()) == 1, 'the search to find one message')
        self.assertEqual(self.messages_shown(), [['Daniel Marsh', SCRIPT_LINE]])
        self.assert_no_alert()
        self.look_at('messages-search')

        self.fill('q', '')
        self.fill('sender', 'Sam')
        self.show()
        self.wait_for(lambda d: 'sender=Sam' in d.current_url, 'the sender filter')
        senders = {s for s, _ in self.messages_shown()}
        self.assertEqual(senders, {'Sam'})
        self.assertIn('84 matching', self.driver.find_element(By.TAG_NAME, 'main').text)

        self.fill('sender', '')
        # A date box's typing order follows the browser's locale; its value is the ISO date.
        self.driver.execute_script('document.getElementById("from").value = "2026-03-14";'
                                   'document.getElementById("to").value = "2026-03-14";')
        self.show()
        self.wait_for(lambda d: 'from=2026-03-14' in d.current_url, 'the date filter')
        texts = [t for _, t in self.messages_shown()]
        self.assertEqual(texts[0], 'message number 125')
        self.assertEqual(texts[-1], 'message number 249')
        self.assertIn('125 matching', self.driver.find_element(By.TAG_NAME, 'main').text)

        # Select two messages with the keyboard's space bar and link them.
        for index in ('130', '131'):
            box = self.driver.find_element(By.ID, 'm' + index)
            box.send_keys(' ')
            self.assertTrue(box.is_selected())
        self.look_at('messages-select')
        self.driver.find_element(By.CSS_SELECTOR, '.link-box button').click()
        self.wait_for_heading('Incident INC-0001')
        main_text = self.driver.find_element(By.TAG_NAME, 'main').text
        self.assertIn('JS-0001', main_text)
        self.linked_messages_shown(main_text)
        self.look_at('messages-linked')

        self.driver.get(self.app.base + '/evidence/JS-0002')
        self.wait_for_heading('JS-0002 note.txt')
        self.look_at('messages-item-link')
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/link"] button').click()
        self.wait_for_heading('Incident INC-0001')
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, 'a[href="/evidence/JS-0002"]'))
        log = self.evidence('log', '--incident', 'INC-0001')
        self.assertEqual(log.count('item.linked'), 2, log)

        self.stop_app()
        self.verify_from_cli()
        self.assert_no_problems()

    def linked_messages_shown(self, main_text):
        """Which messages were linked: the incident quotes them."""
        self.assertIn('message number 130', main_text)
        self.assertIn('message number 131', main_text)


if __name__ == '__main__':
    main()
