// The app's only script (the Content-Security-Policy allows no other): the quick exit and the
// passphrase strength hint. Every page works without it.
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

  // Hand over: ticking an entry means "only what I tick" (the server refuses ticks with
  // "everything" rather than hand over more than meant).
  function setUpHandoverChoice() {
    var chosen = document.getElementById('what-chosen');
    if (!chosen) return;
    document.querySelectorAll('input[name="items"], input[name="incidents"]').forEach(function (box) {
      box.addEventListener('change', function () { if (box.checked) chosen.checked = true; });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setUpQuickExit();
    setUpHandoverChoice();
    setUpStrength();
    setUpPrintReport();
    setUpDropZone();
  });
})();
