#!/usr/bin/python3
"""The start of the app in a real browser: create, home and Check now, quick exit, unlock, the
403 page, and a hostile case name (harness and conventions: browser_harness.py)."""

from browser_harness import (HOSTILE_NAME, PASSPHRASE, WAIT_SECONDS, ActionChains,
                             AppBrowserTest, By, Keys, main)


class AppBrowser(AppBrowserTest):
    """The flows of the pages that exist: create, home and Check now, quick exit, unlock."""

    def test_create_check_quick_exit_unlock_and_lock(self):
        self.open_printed_url()
        self.create_case()
        self.look_at('home')
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/check"] button').click()
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, 'main p.ok'),
                      'the result of Check now')
        self.assertIn('nothing has been changed',
                      self.driver.find_element(By.CSS_SELECTOR, 'main p.ok').text)
        self.look_at('home-checked')

        self.driver.find_element(By.ID, 'quick-exit').click()
        self.wait_for(lambda d: d.current_url == self.app.base + '/bye', 'the neutral page')
        self.wait_for_heading('Notes')
        self.look_at('bye')
        self.wait_until_locked()
        self.look_at('unlock')

        self.fill('passphrase', 'not the passphrase')
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/unlock"] button').click()
        self.wait_for(lambda d: d.find_elements(By.CSS_SELECTOR, 'main .error'),
                      'the wrong passphrase to be refused')
        self.assertIn('does not unlock', self.driver.find_element(By.CSS_SELECTOR,
                                                                  'main .error').text)
        self.look_at('unlock-wrong')
        self.fill('passphrase', PASSPHRASE)
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/unlock"] button').click()
        self.wait_for_heading('Harassment by J')

        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/lock-and-quit"] button').click()
        self.wait_for_heading('Locked')
        self.look_at('locked')
        self.assertEqual(self.app.proc.wait(timeout=WAIT_SECONDS), 0, 'Lock and quit ends the app')
        self.stop_app()
        self.verify_from_cli()
        self.assert_no_problems()

    def test_escape_twice_leaves_and_locks(self):
        self.open_printed_url()
        self.create_case(look=False)
        ActionChains(self.driver).send_keys(Keys.ESCAPE).send_keys(Keys.ESCAPE).perform()
        self.wait_for(lambda d: d.current_url == self.app.base + '/bye', 'the neutral page')
        self.wait_for_heading('Notes')
        self.wait_until_locked()
        self.assertEqual(self.stop_app_status(), 0)
        self.verify_from_cli()

    def stop_app_status(self):
        status = self.app.stop()
        self.app = None
        return status

    def test_hostile_case_name_is_shown_as_text(self):
        self.open_printed_url()
        self.create_case(name=HOSTILE_NAME, look=False)
        self.assertEqual(self.heading(), HOSTILE_NAME)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, 'main img'), [],
                         'the case name became markup')
        self.assert_no_alert()
        self.driver.refresh()
        self.wait_for_heading(HOSTILE_NAME)
        self.assert_no_alert()

    def test_no_cookie_gets_the_forbidden_page(self):
        self.driver.get(self.app.base + '/')
        self.wait_for_heading('Not available')
        self.look_at('forbidden')
        # The token is spent once used: the printed address does not let a second browser in.
        self.driver.get(self.app.url)
        self.wait_for(lambda d: d.current_url == self.app.base + '/', 'the token spent')
        self.driver.delete_all_cookies()
        self.driver.get(self.app.url)
        self.wait_for_heading('Not available')
        self.assert_no_problems()


if __name__ == '__main__':
    main()
