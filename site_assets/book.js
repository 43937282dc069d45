// The book's own script (site_assets/book_site.py, section 7): every box that scrolls sideways
// (a code block, an output, a table) can be scrolled with the keyboard.
// The theme (pydata-sphinx-theme) gives such a box tabindex 0 when the page loads, resizes or
// gains elements. A box inside a closed solution or a folded cell has no size then, so it kept
// tabindex -1 once the reader opened it: a keyboard could not reach it (axe-core's
// scrollable-region-focusable). Here each box is watched, and when its size changes (opening it
// does) it gets the theme's rule again.
(() => {
  const BOXES = "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, "
    + ".pst-scrollable-table-container";
  const update = (box) => {
    box.tabIndex = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight ? 0 : -1;
  };
  const start = () => {
    if (!window.ResizeObserver) return;
    const watch = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)));
    document.querySelectorAll(BOXES).forEach((box) => watch.observe(box));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
