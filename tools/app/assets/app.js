// The script of every page (the Content-Security-Policy allows only the app's own files; add.js
// is the Add evidence page's): the quick exit, the passphrase strength hint, printing the report,
// Check a bundle's drop zone and progress bar, and the hand-over's ticks. Every page works
// without it.
'use strict';

(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // Replaces the page with the neutral one at once; the beacon tells the server to lock the
  // case and forget the key even as this page goes away.
  function quickExit() {
    var token = csrfToken();
    if (token && navigator.sendBeacon) {
      navigator.sendBeacon('/quick-exit', new URLSearchParams({ csrf: token }));
    }
    window.location.replace('/bye');
  }

  function setUpQuickExit() {
    var form = document.getElementById('quick-exit-form');
    if (form && navigator.sendBeacon) {
      form.addEventListener('submit', function (e) { e.preventDefault(); quickExit(); });
    }
    var last = 0;
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape') return;
      var now = Date.now();
      if (now - last < 1000) { quickExit(); }
      last = now;
    });
  }

  // A rough guess of how hard the passphrase is to guess, said in words; the server enforces
  // nothing beyond "not empty", the person chooses.
  function strength(p) {
    if (!p) return '';
    var words = p.trim().split(/\s+/).filter(function (w) { return w.length > 0; }).length;
    var kinds = 0;
    [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/].forEach(function (r) { if (r.test(p)) kinds++; });
    if (/password|passwort|qwerty|123456|letmein|iloveyou|welcome|admin/i.test(p)) {
      return 'Easy to guess: it contains one of the most common passwords. Use other words.';
    }
    if (p.length < 10) {
      return 'Too short: a computer could guess this quickly. Use several words.';
    }
    if (words === 1 && p.length < 16) {
      return 'Weak: one word, even with numbers or symbols, is guessed quickly. Use several words.';
    }
    if (words >= 4 && p.length >= 20) {
      return 'Strong: several words are hard to guess and easy to remember.';
    }
    if (p.length >= 16 && (words >= 3 || kinds >= 3)) {
      return 'Good. Adding another word makes it stronger.';
    }
    return 'Fair: hard for a person to guess, but a computer could in time. Add another word or two.';
  }

  function setUpStrength() {
    var pass = document.getElementById('passphrase');
    var again = document.getElementById('passphrase_again');
    var hint = document.getElementById('strength');
    var match = document.getElementById('match');
    if (!pass || !hint) return;
    pass.addEventListener('input', function () { hint.textContent = strength(pass.value); });
    if (again && match) {
      var check = function () {
        if (!again.value) { match.textContent = ''; return; }
        match.textContent = again.value === pass.value ? 'The two passphrases match.'
                                                        : 'The two passphrases are not the same yet.';
      };
      again.addEventListener('input', check);
      pass.addEventListener('input', check);
    }
  }

  // The report is its own document (its styles are allowed there by hash): the Print button
  // opens it and prints it once it has loaded. Without this script the link just opens it.
  function setUpPrintReport() {
    var link = document.getElementById('print-report');
    if (!link) return;
    link.addEventListener('click', function (e) {
      var w = window.open(link.getAttribute('href'));
      if (!w) return;
      e.preventDefault();
      w.addEventListener('load', function () { w.print(); });
    });
  }

  // "Check a bundle": a file dropped on the zone becomes the file input's choice, and the form
  // is sent as if it had been picked. Without this script the picker still works.
  function setUpDropZone() {
    var zone = document.getElementById('drop-zone');
    var input = document.getElementById('bundle');
    if (!zone || !input) return;
    ['dragenter', 'dragover'].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add('dragging'); });
    });
    ['dragleave', 'drop'].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove('dragging'); });
    });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length === 1) input.files = e.dataTransfer.files;
    });
  }

  // "Check a bundle": a large bundle takes a while to send, so the form is sent by script with a
  // progress bar, and the page the server answers (the checklist, or the form with its error)
  // replaces this one as a normal submission's would. Without this script the form is sent as
  // it is, without a bar.
  function setUpCheckProgress() {
    var form = document.getElementById('check-bundle-form');
    var box = document.getElementById('check-progress');
    var bar = document.getElementById('check-bar');
    var status = document.getElementById('check-status');
    var button = document.getElementById('check-submit');
    if (!form || !box || !bar || !status || !window.FormData || !window.XMLHttpRequest) return;
    function show(p) {
      bar.value = p;
      bar.textContent = p + '%';
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('action'));
      xhr.upload.addEventListener('progress', function (ev) {
        if (ev.lengthComputable && ev.total > 0) show(Math.min(100, Math.round(ev.loaded * 100 / ev.total)));
      });
      xhr.upload.addEventListener('load', function () {
        show(100);
        status.textContent = 'Sent. Checking every file of the bundle; this can take a minute.';
      });
      xhr.addEventListener('load', function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener('error', function () {
        button.disabled = false;
        status.textContent = 'The bundle could not be sent (the app may have stopped or locked). ' +
                             'Nothing was stored. Please try again.';
      });
      button.disabled = true;
      box.hidden = false;
      show(0);
      status.textContent = 'Sending the bundle.';
      xhr.send(new FormData(form));
    });
  }

  // Hand over: ticking an entry means "only what I tick", and typing a date "only between two
  // dates" (the server refuses ticks with either of the others rather than hand over more than
  // meant).
  function setUpHandoverChoice() {
    var chosen = document.getElementById('what-chosen');
    var window_ = document.getElementById('what-window');
    if (!chosen) return;
    document.querySelectorAll('input[name="items"], input[name="incidents"]').forEach(function (box) {
      box.addEventListener('change', function () { if (box.checked) chosen.checked = true; });
    });
    ['from', 'until'].forEach(function (id) {
      var day = document.getElementById(id);
      if (day && window_) {
        day.addEventListener('change', function () { if (day.value) window_.checked = true; });
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setUpQuickExit();
    setUpHandoverChoice();
    setUpStrength();
    setUpPrintReport();
    setUpDropZone();
    setUpCheckProgress();
  });
})();
