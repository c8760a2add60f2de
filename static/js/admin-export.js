// The export page's "Select all" box: ticks or clears every column's box, and follows
// them (ticked when all are). Replaces django-import-export's inline onchange handler,
// which the Content Security Policy blocks.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("#select-all-toggle");
  if (!toggle) return;
  const boxes = () => document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]:not(#select-all-toggle)');
  toggle.addEventListener("change", () => {
    boxes().forEach((box) => { box.checked = toggle.checked; });
  });
  boxes().forEach((box) => box.addEventListener("change", () => {
    toggle.checked = [...boxes()].every((each) => each.checked);
  }));
});
