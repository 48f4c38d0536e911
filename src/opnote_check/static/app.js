"use strict";
// The scribe page: posts the note to /api/check and shows the report. Every piece of note text
// reaches the page either through textContent or as HTML escaped by the server (note_html).
(function () {
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  async function check() {
    const note = $("note").value;
    const lines = $("lines").value.trim();
    const button = $("check");
    const status = $("status");
    if (!note.trim()) { status.textContent = "Paste a note first."; status.className = "error"; return; }
    button.disabled = true; status.textContent = "Checking…"; status.className = "";
    try {
      const response = await fetch("/api/check", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ note: note, lines: lines || null, highlight: true }),
      });
      const body = await response.json();
      if (!response.ok) { status.textContent = body.detail || ("Error " + response.status); status.className = "error"; return; }
      render(body);
      status.textContent = "";
    } catch (err) {
      status.textContent = "Could not reach the local checker."; status.className = "error";
    } finally {
      button.disabled = false;
    }
  }

  function flash(target) {
    const marks = document.querySelectorAll('[data-s~="' + target + '"]');
    marks.forEach((m) => { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
    if (marks.length) marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // the words of render/__init__.py VERDICT_WORDS, as every renderer shows them
  const VERDICT_WORDS = { documented: "documented", needs_query: "needs query", not_billable: "not billable" };

  function render(report) {
    $("result").hidden = false;
    const errors = report.gaps.filter((g) => g.severity === "error").length;
    const warnings = report.gaps.length - errors;
    const summary = $("summary");
    summary.replaceChildren();
    if (!report.gaps.length) summary.append(el("span", { class: "pill pass" }, "No gaps"));
    if (errors) summary.append(el("span", { class: "pill error" }, errors + " error" + (errors > 1 ? "s" : "")), " ");
    if (warnings) summary.append(el("span", { class: "pill warning" }, warnings + " warning" + (warnings > 1 ? "s" : "")));
    const usd = (n) => "$" + n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    if (report.amount_at_risk) summary.append(" ", el("span", {}, usd(report.amount_at_risk) + " at risk (Medicare national, each billed unit once)"));
    if (report.amount_unbilled) summary.append(" · ", el("span", {}, usd(report.amount_unbilled) + " supported but not billed"));

    const gaps = $("gaps");
    gaps.replaceChildren();
    if (!report.gaps.length) gaps.append(el("p", {}, "Nothing missing for the lines checked."));
    for (const gap of report.gaps) {
      const box = el("div", { class: "gap " + gap.severity });
      box.append(el("span", { class: "pill " + gap.severity }, gap.severity), " ", el("b", {}, gap.rule));
      if (gap.interspace) box.append(" · ", el("b", {}, gap.interspace));
      box.append(el("div", {}, gap.message));
      if (gap.evidence.length) {
        const ev = el("div", { class: "ev" }, "Evidence: ");
        gap.evidence.forEach((e, i) => {
          const target = "s" + e.start + "-" + e.end;
          const link = el("a", { href: "#" + target, "data-target": target }, "\u201c" + e.text + "\u201d");
          link.addEventListener("click", (event) => { event.preventDefault(); flash(target); });
          if (i) ev.append(" · ");
          ev.append(link);
        });
        box.append(ev);
      }
      const fix = el("div", { class: "fix" });
      fix.append(el("b", {}, "Fix: "), document.createTextNode(gap.fix));
      box.append(fix);
      gaps.append(box);
    }

    const tbody = $("levels").querySelector("tbody");
    tbody.replaceChildren();
    const cell = (value) => value ? el("td", {}, value) : el("td", { class: "missing" }, "missing");
    for (const s of report.segments) {
      const row = el("tr");
      const words = VERDICT_WORDS[s.verdict] + (s.reasons.length ? ": " + s.reasons.join("; ") : "");
      row.append(el("td", {}, s.interspace), el("td", { class: "verdict " + s.verdict }, words));
      row.append(el("td", {}, s.fused ? "fused" : "not fused"));
      const techniques = s.techniques.join(", ") + (s.techniques.length && !s.technique_named ? " (access only)" : "");
      row.append(cell(techniques), cell(s.laterality), cell(s.findings.join("; ")));
      tbody.append(row);
    }
    if (!report.segments.length) {
      const row = el("tr"); row.append(el("td", { colspan: "6" }, "No decompressed interspace documented.")); tbody.append(row);
    }
    const lines = (ls) => ls.map((l) => l.code + " x" + l.units).join(", ");
    let supported = "Note supports: " + (lines(report.supported_lines) || "no 63052/63053 units");
    if (lines(report.documented_lines) !== lines(report.supported_lines)) {
      supported += " (as written: " + (lines(report.documented_lines) || "none") + ")";
    }
    $("supported").textContent = supported;
    // note_html is produced by the server with every character of the note escaped
    $("highlighted").innerHTML = report.note_html || "";
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("check").addEventListener("click", check);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); check(); }
    });
    $("highlighted").addEventListener("click", () => {});
  });
})();
