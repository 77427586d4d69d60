// The "Add evidence" page (add.mustache): each chosen or dropped file is sent in its own request,
// one after another, so that each has its own progress bar and its own answer; one more bar shows
// the whole. Everything shown of a file or an answer goes in as text, never as markup.
'use strict';

(function () {
  var root = document.getElementById('add');
  if (!root) return;
  var maxBytes = Number(root.getAttribute('data-max-bytes')) || 0;
  var maxSize = root.getAttribute('data-max-size') || '';
  var list = document.getElementById('add-list');
  var total = document.getElementById('add-total');
  var totalText = document.getElementById('add-total-text');
  var status = document.getElementById('add-status');
  var queue = [];
  var busy = false;
  var bytesTotal = 0;
  var bytesDone = 0;
  var filesTotal = 0;
  var filesDone = 0;
  var counter = 0;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function percent(done, all) {
    return all > 0 ? Math.min(100, Math.round(done * 100 / all)) : 100;
  }

  function showTotal(current) {
    var p = percent(bytesDone + current, bytesTotal);
    total.value = p;
    total.textContent = p + '%';
    totalText.textContent = filesDone + ' of ' + filesTotal + ' files done (' + p + '%).';
  }

  function announce(text) { status.textContent = text; }

  function line(parent, text, className) {
    var p = document.createElement('p');
    p.textContent = text;
    if (className) p.className = className;
    parent.appendChild(p);
    return p;
  }

  // One list entry per file: its name, its bar and, later, its answer.
  function entryFor(file) {
    counter += 1;
    var li = document.createElement('li');
    // The file's name is its bar's label.
    var name = document.createElement('label');
    name.className = 'file-name';
    name.htmlFor = 'upload-' + counter;
    name.textContent = file.name;
    var bar = document.createElement('progress');
    bar.id = 'upload-' + counter;
    bar.max = 100;
    bar.value = 0;
    bar.textContent = '0%';
    var result = document.createElement('div');
    result.className = 'result';
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(result);
    list.appendChild(li);
    return { li: li, bar: bar, result: result };
  }

  function setBar(bar, p) {
    bar.value = p;
    bar.textContent = p + '%';
  }

  function describe(answer) {
    if (answer.duplicate) return 'Already in the case as ' + answer.exhibit + '. Nothing new was added.';
    var text = 'Added as ' + answer.exhibit + '.';
    if (answer.messages > 0) {
      text += ' ' + answer.messages + (answer.messages === 1 ? ' message' : ' messages') + ' read from it.';
    }
    if (answer.children && answer.children.length > 0) {
      text += ' Files inside it were added too: ' + answer.children.join(', ') + '.';
    }
    return text;
  }

  // The question the library cannot answer for a chat: whether its dates put the day or the
  // month first. The answer sends the same file again.
  function askDateOrder(job, message) {
    var fieldset = document.createElement('fieldset');
    var legend = document.createElement('legend');
    legend.textContent = 'The dates in this chat could be read two ways. In a date such as 05/06, ' +
        'which comes first?';
    fieldset.appendChild(legend);
    line(fieldset, message, 'muted');
    [['day-first', 'Day first (05/06 is 5 June)'], ['month-first', 'Month first (05/06 is May 6)']]
        .forEach(function (choice) {
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'button';
          button.setAttribute('data-date-order', choice[0]);
          button.textContent = choice[1];
          button.addEventListener('click', function () {
            fieldset.remove();
            enqueue(job.file, choice[0], job.entry);
          });
          fieldset.appendChild(button);
        });
    job.entry.result.appendChild(fieldset);
    fieldset.querySelector('button').focus();
  }

  function finish(job, ok, text, answer) {
    bytesDone += job.file.size;
    filesDone += 1;
    setBar(job.entry.bar, 100);
    var p = line(job.entry.result, text, ok ? 'ok' : 'error');
    p.setAttribute('data-outcome', ok ? (answer.duplicate ? 'duplicate' : 'added') : 'error');
    if (ok) {
      (answer.warnings || []).concat(answer.errors || []).forEach(function (w) {
        line(job.entry.result, 'Note: ' + w, 'muted');
      });
    }
    announce(job.file.name + ': ' + text);
    showTotal(0);
    busy = false;
    next();
  }

  function send(job) {
    busy = true;
    var xhr = new XMLHttpRequest();
    var url = '/add/upload?name=' + encodeURIComponent(job.file.name);
    if (job.dateOrder) url += '&date_order=' + encodeURIComponent(job.dateOrder);
    xhr.open('POST', url);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      setBar(job.entry.bar, percent(e.loaded, e.total));
      showTotal(job.file.size * (e.total > 0 ? e.loaded / e.total : 1));
    });
    xhr.addEventListener('load', function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (xhr.status === 200 && answer) return finish(job, true, describe(answer), answer);
      if (answer && answer.argument === 'date_order' && !job.dateOrder) {
        bytesDone += job.file.size;
        setBar(job.entry.bar, 100);
        busy = false;
        filesDone += 1;
        askDateOrder(job, answer.error);
        announce(job.file.name + ': a question about its dates needs an answer.');
        showTotal(0);
        next();
        return;
      }
      var text = answer && answer.error ? answer.error
          : 'The app refused this file (HTTP ' + xhr.status + '). Nothing was added.';
      finish(job, false, text, null);
    });
    xhr.addEventListener('error', function () {
      finish(job, false, 'The connection to the app was lost. Nothing was added from this file.', null);
    });
    xhr.send(job.file);
  }

  function next() {
    if (busy || queue.length === 0) return;
    var job = queue.shift();
    if (maxBytes > 0 && job.file.size > maxBytes) {
      return finish(job, false, 'This file is larger than ' + maxSize + ', the most this app ' +
          'takes in one file. Nothing was added.', null);
    }
    send(job);
  }

  function enqueue(file, dateOrder, entry) {
    if (entry) {
      setBar(entry.bar, 0);
      filesDone -= 1;
      bytesDone -= file.size;
    } else {
      filesTotal += 1;
      bytesTotal += file.size;
    }
    queue.push({ file: file, dateOrder: dateOrder, entry: entry || entryFor(file) });
    showTotal(0);
    next();
  }

  function addFiles(files) {
    for (var i = 0; i < files.length; i++) enqueue(files[i], '', null);
  }

  ['add-files', 'add-folder'].forEach(function (id) {
    var input = document.getElementById(id);
    if (!input) return;
    input.addEventListener('change', function () {
      addFiles(input.files);
      input.value = '';
    });
  });

  // A dropped folder is walked where the browser allows it (webkitGetAsEntry); elsewhere only
  // the files dropped themselves come through.
  function walk(entry, out, done) {
    if (entry.isFile) {
      entry.file(function (f) { out.push(f); done(); }, function () { done(); });
      return;
    }
    if (!entry.isDirectory) return done();
    var reader = entry.createReader();
    var pending = 1;
    function finished() { pending -= 1; if (pending === 0) done(); }
    function readMore() {
      reader.readEntries(function (entries) {
        if (entries.length === 0) return finished();
        pending += entries.length;
        entries.forEach(function (e) { walk(e, out, finished); });
        readMore();
      }, function () { finished(); });
    }
    readMore();
  }

  var drop = document.getElementById('add-drop');
  if (drop) {
    drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      drop.classList.remove('over');
      var items = e.dataTransfer.items;
      var entries = [];
      if (items) {
        for (var i = 0; i < items.length; i++) {
          var entry = items[i].webkitGetAsEntry ? items[i].webkitGetAsEntry() : null;
          if (entry) entries.push(entry);
        }
      }
      if (entries.length === 0) return addFiles(e.dataTransfer.files);
      var found = [];
      var pending = entries.length;
      entries.forEach(function (entry) {
        walk(entry, found, function () {
          pending -= 1;
          if (pending === 0) addFiles(found);
        });
      });
    });
  }
})();
