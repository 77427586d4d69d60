#!/usr/bin/python3
"""The Add evidence page in a real browser: a photo, a voicemail and WhatsApp exports chosen
through the file input, the date-order question answered, every progress bar at 100%, the
exhibit numbers shown, and a hostile file name shown as text (harness: browser_harness.py).
With EVIDENCE_SAMPLES set, the photo, the voicemail and a WhatsApp .zip are real samples
(docs/testing.md); otherwise generated files stand in for them."""

import base64
import io
import os
import wave
import zipfile

from browser_harness import HOSTILE_NAME, AppBrowserTest, By, main

# A 1x1 JPEG (JFIF), for runs without the samples.
TINY_JPEG = base64.b64decode(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////'
    '////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=')

# Every day number is 12 or less, so the order of day and month cannot be told.
AMBIGUOUS_CHAT = ('[05.06.19, 16:00:10] Loris: I know where you are\r\n'
                  '[06.06.19, 09:12:44] Loris: answer me\r\n')


def samples_dir():
    path = os.environ.get('EVIDENCE_SAMPLES', '')
    return path if path and os.path.isdir(path) else None


class UploadBrowser(AppBrowserTest):
    """The Add evidence page."""

    def write(self, name, data):
        path = os.path.join(self.tmp.name, 'input', name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def voicemail_wav(self):
        out = io.BytesIO()
        with wave.open(out, 'wb') as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(bytes((i * 7) % 256 for i in range(16000)))
        return out.getvalue()

    def chat_zip(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, 'w') as z:
            z.writestr('_chat.txt', AMBIGUOUS_CHAT)
        return out.getvalue()

    def inputs(self):
        """The files to choose, the real samples when there are some."""
        files = [self.write('WhatsApp Chat - Loris.zip', self.chat_zip()),
                 self.write(HOSTILE_NAME + '.jpg', b'not really a picture\n')]
        samples = samples_dir()
        if samples:
            for rel in ('images/DSCN0010.jpg', 'audio/example.opus',
                        'messages/whatsapp/whatsapp-chat-parser-example_with_media.zip'):
                with open(os.path.join(samples, rel), 'rb') as f:
                    files.append(self.write(os.path.basename(rel), f.read()))
        else:
            files.append(self.write('photo.jpg', TINY_JPEG))
            files.append(self.write('voicemail.wav', self.voicemail_wav()))
        return files

    def results(self):
        """Each file's name and its answer as shown, in the order of the list."""
        return self.driver.execute_script(
            'return Array.from(document.querySelectorAll("#add-list li")).map(function (li) {'
            '  var p = li.querySelector(".result p[data-outcome]");'
            '  return [li.querySelector(".file-name").textContent,'
            '          p ? p.getAttribute("data-outcome") : "", p ? p.textContent : "",'
            '          li.querySelector("progress").value];'
            '});')

    def test_add_evidence_uploads_answers_the_date_order_and_shows_exhibits(self):
        self.open_printed_url()
        self.create_case(look=False)
        self.driver.find_element(By.CSS_SELECTOR, 'nav a[href="/add"]').click()
        self.wait_for_heading('Add evidence')
        self.look_at('add')

        files = self.inputs()
        self.driver.find_element(By.ID, 'add-files').send_keys('\n'.join(files))
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, 'button[data-date-order]'),
                      'the date-order question')
        self.assert_no_alert()
        self.look_at('add-question')
        self.driver.find_element(By.CSS_SELECTOR,
                                 'button[data-date-order="day-first"]').click()

        def all_done(d):
            # A real export may ask too; its dates are read day first as well.
            for button in d.find_elements(By.CSS_SELECTOR, 'button[data-date-order="day-first"]'):
                button.click()
                return False
            rows = self.results()
            total = d.execute_script('return document.getElementById("add-total").value')
            return (len(rows) == len(files) and all(r[1] for r in rows) and
                    all(r[3] == 100 for r in rows) and total == 100)
        self.wait_for(all_done, 'every file and the total to reach 100%')
        rows = self.results()
        by_name = {r[0]: r for r in rows}
        for name in by_name:
            self.assertEqual(by_name[name][1], 'added', by_name[name])
            self.assertRegex(by_name[name][2], r'^Added as JS-\d{4}\.', by_name[name])
        self.assertIn('2 messages', by_name['WhatsApp Chat - Loris.zip'][2])
        self.assertIn(HOSTILE_NAME + '.jpg', by_name, 'the hostile name is shown as text')
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, '#add-list img'), [])
        self.assert_no_alert()
        self.assertIn('Added as', self.driver.find_element(By.ID, 'add-status').text +
                      self.driver.execute_script(
                          'return document.getElementById("add-status").textContent'))
        self.look_at('add-done')

        # The same photo again is already in the case.
        self.driver.find_element(By.ID, 'add-files').send_keys(files[2])
        self.wait_for(lambda d: len(self.results()) == len(files) + 1 and self.results()[-1][1],
                      'the answer for the same file again')
        self.assertEqual(self.results()[-1][1], 'duplicate')
        self.assertIn('Already in the case as JS-', self.results()[-1][2])
        self.stop_app()
        self.verify_from_cli()
        self.assert_no_problems()


if __name__ == '__main__':
    main()
