#!/usr/bin/python3
"""The pattern report (`/report/view`) in a real browser at 320 px, at a desktop's width and in
print: no word of its tables is broken across lines, wide tables scroll inside a labelled
region that the keyboard reaches, and the page itself never scrolls sideways (harness and
conventions: browser_harness.py)."""

import json

from browser_harness import NARROW, PHONE, WIDE, AppBrowserTest, main

# The words of a cell (outside a SHA-256 or a key's fingerprint, which are meant to wrap
# anywhere) that the browser laid out on more than one line: "Generat|ed", "Ledg|er size".
BROKEN_WORDS = '''
var broken = [];
document.querySelectorAll(arguments[0]).forEach(function (cell) {
  var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.hash')) continue;
    var word = /\\S+/g, m;
    while ((m = word.exec(node.data)) !== null) {
      var range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      var tops = new Set(Array.from(range.getClientRects()).map(function (r) {
        return Math.round(r.top); }));
      if (tops.size > 1) broken.push(m[0] + ' in ' + cell.outerHTML.slice(0, 80));
    }
  }
});
return broken;
'''

# Every table that is not a list of key and value, and how it is wrapped.
WIDE_TABLES = '''
return Array.from(document.querySelectorAll('table:not(.meta):not(.fields)')).map(function (t) {
  var w = t.parentElement;
  return {table: t.className || t.querySelector('th').textContent,
          role: w.getAttribute('role'), label: w.getAttribute('aria-label'),
          tabindex: w.getAttribute('tabindex'), overflow: getComputedStyle(w).overflowX,
          fits: w.getBoundingClientRect().right <= document.documentElement.clientWidth};
});
'''


class ReportBrowser(AppBrowserTest):
    """The report of a case with an amended incident, a photo and messages."""

    def test_report_reads_at_320_px_on_a_desktop_and_in_print(self):
        samples = self.sample_evidence()
        self.open_printed_url()
        self.create_case(look=False)
        self.evidence_cli('add', samples['photo'])
        exhibit = json.loads(self.evidence_cli('--json', 'list'))[0]['exhibit']
        self.evidence_cli('incident', 'add', '--at', '2026-03-01 07:50', '--behaviour',
                          'gift,visit-home', '--what', 'A wrapped box on the doorstep again.',
                          '--where', 'home', '--witness', 'Ana (neighbour)', '--item', exhibit)
        self.evidence_cli('incident', 'amend', 'INC-0001', '--where', 'the front door',
                          '--reason', 'remembered where it was left')
        self.driver.get(self.app.base + '/report/view')
        self.wait_for(lambda d: d.execute_script('return document.readyState') == 'complete',
                      'the report')
        self.assertIn('INC-0001', self.driver.find_element('tag name', 'body').text)

        try:
            for width in (NARROW, PHONE):
                self.narrow_to(width)
                self.check_layout('report-narrow', width)
            self.shoot('report-narrow', PHONE)
            self.run_axe('report-narrow', NARROW)
        finally:
            self.driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
        self.check_layout('report-narrow', WIDE)

        # On paper nothing is hidden in a scrolling region: every table is printed whole.
        self.driver.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'print'})
        try:
            for t in self.driver.execute_script(WIDE_TABLES):
                self.assertEqual(t['overflow'], 'visible', 'in print: %s' % t)
        finally:
            self.driver.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': ''})
        self.assert_no_problems()

    def check_layout(self, page, width):
        if width < WIDE:
            # A phone shows a key/value table as stacked rows: each label as wide as its table.
            narrow = self.driver.execute_script(
                'return Array.from(document.querySelectorAll("table.meta th, table.fields th"))'
                '  .filter(function (th) { return th.getBoundingClientRect().width + 1 <'
                '    th.closest("table").getBoundingClientRect().width; })'
                '  .map(function (th) { return th.textContent; });')
            if narrow:
                self.problems.append('%s at %d px: labels beside their values, not above: %s' %
                                     (page, width, narrow))
        broken = self.driver.execute_script(BROKEN_WORDS, 'th, table.meta td, table.fields td')
        if broken:
            self.problems.append('%s at %d px: words broken across lines: %s' %
                                 (page, width, broken))
        tables = self.driver.execute_script(WIDE_TABLES)
        self.assertGreaterEqual(len(tables), 2, 'the timeline and the exhibits')
        for t in tables:
            if (t['role'] != 'region' or not t['label'] or t['tabindex'] != '0'
                    or t['overflow'] != 'auto' or not t['fits']):
                self.problems.append('%s at %d px: a wide table is not in a labelled region '
                                     'that scrolls and that the keyboard reaches: %s' %
                                     (page, width, t))
        scroll, client = self.driver.execute_script(
            'var e = document.documentElement; return [e.scrollWidth, e.clientWidth];')
        if scroll > client:
            self.problems.append('%s at %d px: scrolls sideways (%d > %d)' %
                                 (page, width, scroll, client))


if __name__ == '__main__':
    main()
