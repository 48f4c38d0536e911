"use strict";
// The scribe page: checks the note as it is typed (400 ms after the last keystroke), and shows the
// result the server renders from the same templates as the file report. A result is marked out of
// date the moment the note changes and removed when a check fails, so it never stands for a note
// it was not made from. Note text reaches the page only as HTML the server escaped.
(function () {
  const $ = (id) => document.getElementById(id);
  const DEBOUNCE_MS = 400;
  let timer = null;
  let sequence = 0; // the latest request; older answers are dropped
  let shownFor = null; // the note and lines the shown result was made from

  function setState(state, words) {
    const node = $("state");
    node.dataset.state = state;
    node.textContent = words;
    $("result").classList.toggle("stale", state === "stale" || state === "checking");
  }

  function current() {
    return { note: $("note").value, lines: $("lines").value.trim() };
  }

  function clearResult() {
    $("result").hidden = true;
    $("result").replaceChildren();
    shownFor = null;
  }

  function changed() {
    clearTimeout(timer);
    const now = current();
    if (!now.note.trim()) { clearResult(); setState("idle", "Checks as you type."); return; }
    if (shownFor) setState("stale", "Out of date: the note changed; checking again…");
    timer = setTimeout(check, DEBOUNCE_MS);
  }

  async function check() {
    clearTimeout(timer);
    const sent = current();
    if (!sent.note.trim()) { clearResult(); setState("idle", "Checks as you type."); return; }
    const mine = ++sequence;
    setState("checking", shownFor ? "Out of date: checking the changed note…" : "Checking…");
    let response, body;
    try {
      response = await fetch("/api/check", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ note: sent.note, lines: sent.lines || null, render: true }),
      });
      body = await response.json();
    } catch (err) {
      if (mine !== sequence) return;
      clearResult();
      setState("failed", "Check failed: could not reach the local checker. No result is shown.");
      return;
    }
    if (mine !== sequence) return; // a newer check is on its way
    const now = current();
    if (now.note !== sent.note || now.lines !== sent.lines) { changed(); return; }
    if (!response.ok) {
      clearResult();
      setState("failed", "Check failed: " + (body.detail || "error " + response.status) + ". No result is shown.");
      return;
    }
    // the server rendered this HTML from its templates, every piece of note text escaped
    $("result").innerHTML = body.html;
    $("result").hidden = false;
    shownFor = sent;
    setState("fresh", "Up to date: checked " + new Date().toLocaleTimeString() + ".");
  }

  function flash(target) {
    const marks = document.querySelectorAll('[data-s~="' + target + '"]');
    marks.forEach((m) => { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
    if (marks.length) marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
  }

  async function copy(button) {
    const source = $(button.dataset.copy);
    if (!source) return;
    const text = source.textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) { // no clipboard permission: select the text so Ctrl+C copies it
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  }

  async function load(file) {
    setState("checking", "Reading " + file.name + "…");
    try {
      const response = await fetch("/api/note?name=" + encodeURIComponent(file.name), { method: "POST", body: file });
      const body = await response.json();
      if (!response.ok) { setState("failed", file.name + ": " + (body.detail || "cannot be read") + "."); return; }
      $("note").value = body.text;
      check();
    } catch (err) {
      setState("failed", "Could not reach the local checker to read " + file.name + ".");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("note").addEventListener("input", changed);
    $("lines").addEventListener("input", changed);
    $("check").addEventListener("click", check);
    $("file").addEventListener("change", (event) => { if (event.target.files.length) load(event.target.files[0]); });
    const note = $("note");
    note.addEventListener("dragover", (event) => { event.preventDefault(); note.classList.add("drop"); });
    note.addEventListener("dragleave", () => note.classList.remove("drop"));
    note.addEventListener("drop", (event) => {
      event.preventDefault();
      note.classList.remove("drop");
      if (event.dataTransfer && event.dataTransfer.files.length) load(event.dataTransfer.files[0]);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); check(); }
    });
    $("result").addEventListener("click", (event) => {
      const link = event.target.closest("a[data-target]");
      if (link) { event.preventDefault(); flash(link.dataset.target); return; }
      const button = event.target.closest("button.copy");
      if (button) copy(button);
    });
  });
})();
