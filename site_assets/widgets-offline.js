// Loaded on pages with Jupyter widgets, after require.js and before the widget manager
// (embed-amd.js), by myst-nb's `nb_ipywidgets_js` setting in _config.yml. It lives beside them
// in _static/offline/ (copied there by offline_site.py). Two fixes for a self-contained site:
(function () {
  "use strict";
  var here = document.currentScript.src;
  var base = here.slice(0, here.lastIndexOf("/") + 1); // .../_static/offline/

  // 1. The widget manager's bundle finds its font files (Font Awesome) relative to the URL
  //    require.js gives its modules, which by default is the page's own folder. Map both
  //    modules that carry fonts onto _static/offline/html-manager/, where the fonts are.
  //    (The modules are defined by embed-amd.js itself, so nothing is fetched from these paths.)
  window.requirejs.config({
    paths: {
      "@jupyter-widgets/html-manager": base + "html-manager/html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": base + "html-manager/libembed-amd",
    },
  });

  // 2. ipywidgets typesets widget labels with MathJax 2's `MathJax.Hub.Queue`, which MathJax 3
  //    lacks (a TypeError on every page that has both math and widgets). Provide a Hub whose
  //    Queue runs MathJax 3's typesetPromise on the elements it is given.
  function queue() {
    var mj = window.MathJax;
    Array.prototype.forEach.call(arguments, function (job) {
      if (typeof job === "function") {
        job();
      } else if (Array.isArray(job) && job[0] === "Typeset" && mj && mj.typesetPromise) {
        var elements = job[2] ? [job[2]] : undefined;
        mj.startup.promise
          .then(function () { return mj.typesetPromise(elements); })
          .catch(function (err) { console.error("MathJax typeset of a widget failed", err); });
      }
    });
  }
  function installHub() {
    var mj = window.MathJax;
    if (mj && mj.version && mj.version.charAt(0) !== "2" && !mj.Hub) {
      mj.Hub = { Queue: queue };
    }
  }
  // MathJax 3 is loaded with `defer`, so it has run by DOMContentLoaded; the widgets render on
  // `load` (this listener is added before the widget manager's, so it runs first).
  document.addEventListener("DOMContentLoaded", installHub);
  window.addEventListener("load", installHub);
})();
