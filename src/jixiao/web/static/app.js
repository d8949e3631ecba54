// jixiao web UI: small progressive enhancements; every page works without this file.
"use strict";

const zh = () => document.documentElement.lang.startsWith("zh");

// Document page: expand a project's goal and indicators in place.
function setExpanded(button, open) {
  const row = document.getElementById(button.getAttribute("aria-controls"));
  if (!row) return;
  row.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  button.textContent = open ? "▾" : "▸";
}

document.addEventListener("click", (ev) => {
  const expand = ev.target.closest("button.expand");
  if (expand) {
    setExpanded(expand, expand.getAttribute("aria-expanded") !== "true");
    return;
  }
  const all = ev.target.closest("button.toggle-all");
  if (all) {
    const buttons = document.querySelectorAll("#" + all.dataset.target + " button.expand");
    const open = [...buttons].some((b) => b.getAttribute("aria-expanded") !== "true");
    buttons.forEach((b) => setExpanded(b, open));
    all.textContent = open ? (zh() ? "全部收起" : "Collapse all") : (zh() ? "全部展开" : "Expand all");
    return;
  }
  const pick = ev.target.closest("button.pick");
  if (pick) highlight(pick);
});

// Project page: the source text, with residue underlined and the chosen field's spans marked.
const source = document.getElementById("source");
const sourceText = source ? source.textContent : "";
const residue = source ? JSON.parse(source.dataset.residue || "[]") : [];

function paint(marks) {
  const cuts = new Set([0, sourceText.length]);
  for (const [s, e] of residue.concat(marks)) { cuts.add(s); cuts.add(e); }
  const points = [...cuts].filter((x) => x >= 0 && x <= sourceText.length).sort((a, b) => a - b);
  const inside = (list, a, b) => list.some(([s, e]) => s <= a && b <= e);
  const frag = document.createDocumentFragment();
  let first = null;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k], b = points[k + 1];
    const piece = sourceText.slice(a, b);
    const marked = inside(marks, a, b), left = inside(residue, a, b);
    if (!marked && !left) { frag.appendChild(document.createTextNode(piece)); continue; }
    const el = document.createElement(marked ? "mark" : "span");
    if (left) el.className = "residue";
    el.textContent = piece;
    frag.appendChild(el);
    if (marked && !first) first = el;
  }
  source.replaceChildren(frag);
  return first;
}

function highlight(button) {
  if (!source) return;
  document.querySelectorAll("button.pick.active").forEach((b) => b.classList.remove("active"));
  button.classList.add("active");
  const marks = JSON.parse(button.dataset.spans || "[]");
  const first = paint(marks);
  const status = document.getElementById("pick-status");
  if (first) {
    first.scrollIntoView({ block: "center", behavior: "smooth" });
    if (status) status.textContent = zh() ? `已在原文中标出 ${marks.length} 处` : `${marks.length} span(s) marked in the source`;
  } else if (status) {
    status.textContent = zh() ? "这一项没有记录来源位置" : "No source span is recorded for this item";
  }
}

if (source) {
  paint([]);
  const target = location.hash && document.getElementById(location.hash.slice(1));
  const first = target && target.querySelector("button.pick");
  if (first) { target.classList.add("target"); highlight(first); }
}

// Import page: refuse a file over the limit before sending it.
document.querySelectorAll("form.upload").forEach((form) => {
  form.addEventListener("submit", (ev) => {
    const file = form.querySelector("input[type=file]").files[0];
    const error = document.getElementById("upload-error");
    if (file && file.size > Number(form.dataset.maxBytes)) {
      ev.preventDefault();
      error.textContent = form.dataset.tooLarge + ` (${(file.size / 1048576).toFixed(1)} MB)`;
      error.hidden = false;
    }
  });
});

document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (ev) => { if (!window.confirm(form.dataset.confirm)) ev.preventDefault(); });
});
