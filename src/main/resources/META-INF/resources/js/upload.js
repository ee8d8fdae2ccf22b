// Uploads the chosen files one request at a time (a ZIP as one request), with one progress bar over all bytes,
// and lists what the portal did with each file. Nothing is read into memory here: the browser streams each file.
(function () {
  'use strict';
  const root = document.getElementById('uploader');
  if (!root) {
    return;
  }
  const patient = root.dataset.patient;
  const csrf = root.dataset.csrf;
  const progress = document.getElementById('progress');
  const status = document.getElementById('status');
  const results = document.getElementById('results');
  const rows = results.querySelector('tbody');

  function chosen() {
    const files = [];
    for (const id of ['files', 'folder', 'zip']) {
      for (const f of document.getElementById(id).files) {
        files.push(f);
      }
    }
    return files;
  }

  function addRow(name, outcome, details) {
    const tr = document.createElement('tr');
    tr.className = 'outcome-' + outcome;
    for (const text of [name, outcome, details]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    rows.appendChild(tr);
  }

  function send(file, done, total, onBytes) {
    return new Promise((resolve) => {
      const isZip = /\.zip$/i.test(file.name);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/frontdesk/upload/' + patient + (isZip ? '/zip' : '/file'));
      xhr.setRequestHeader('Content-Type', isZip ? 'application/zip' : 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      if (!isZip) {
        xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.webkitRelativePath || file.name));
      }
      xhr.upload.onprogress = (e) => onBytes(done + e.loaded);
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = null;
        }
        if (xhr.status === 200 && body) {
          for (const r of (isZip ? body.files : [body])) {
            addRow(isZip ? file.name + ' / ' + r.name : r.name, r.outcome, r.message);
          }
        } else {
          addRow(file.name, 'failed', (body && (body.detail || body.title)) || ('HTTP ' + xhr.status));
        }
        resolve();
      };
      xhr.onerror = () => {
        addRow(file.name, 'failed', 'the connection was lost');
        resolve();
      };
      xhr.send(file);
    });
  }

  document.getElementById('start').addEventListener('click', async () => {
    const files = chosen();
    if (files.length === 0) {
      status.textContent = 'Choose files, a folder or a ZIP first.';
      return;
    }
    const total = files.reduce((sum, f) => sum + f.size, 0) || 1;
    let done = 0;
    progress.hidden = false;
    results.hidden = false;
    rows.textContent = '';
    const show = (bytes) => {
      progress.value = Math.min(100, Math.round(bytes * 100 / total));
      status.textContent = 'Uploading: ' + progress.value + '%';
    };
    for (const file of files) {
      await send(file, done, total, show);
      done += file.size;
      show(done);
    }
    const count = (o) => rows.querySelectorAll('.outcome-' + o).length;
    status.textContent = 'Finished: ' + (count('stored') + count('already-stored')) + ' stored, ' + count('held')
      + ' held for review, ' + count('skipped') + ' skipped, ' + count('failed') + ' failed.';
    status.dataset.finished = 'true';
  });
})();
