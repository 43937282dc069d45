// The book site's own host for anywidget front-end modules (AFM): it renders, with no kernel and
// no network, every widget view of a page whose model is an anywidget AnyModel, from the widget
// state saved in the page. Loaded by myst-nb's `nb_ipywidgets_js` (_config.yml), served from
// _static/offline/ by offline_site.py; build_pdf.py calls `winitWidgets.render(section)`.
//
// A page (as myst-nb and offline_site.py write it) holds
//   <script type="application/vnd.jupyter.widget-state+json">{"state": {id: {model_module, state}}}</script>
//   <script type="application/vnd.jupyter.widget-view+json">{"model_id": id, ...}</script>  (one per output)
// For each view of an AnyModel (model_module "anywidget") the host imports the model's `_esm`
// (a module's source) through a Blob URL, adds its `_css` once per `_anywidget_id`, calls the
// module's `initialize({model, signal})` once per model and `render({model, el, signal})` once per
// view (signal: an AbortSignal, aborted when remove() takes the view away), with `el`
// inserted before the view's script as `.widget-subarea > .jupyter-widgets` (the markup Jupyter's
// widget managers use). A module that fails shows a short message in place of the widget.
//
// The site ships no other widget manager: offline_site.py fails the build on a page with a model
// this host cannot render. The host still takes the AnyModels out of the page's state script,
// so that no other script can read them twice.
(function () {
  "use strict";
  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var INIT_TIMEOUT_MS = 10000; // a module's initialize() that never settles is a failure
  var saved = {}; // model id -> its saved state (AnyModels taken from the page)
  var models = {}; // model id -> Promise of {model, widget}: one model object per model id
  var styles = {}; // _anywidget_id -> its <style>
  var views = []; // {area, cleanup} of every rendered view, for remove()
  var handled = new WeakSet(); // view scripts already rendered (render() may run again on a root)

  // Equal values (Backbone fires no change for them): bytes by content, other objects as JSON.
  function same(a, b) {
    if (a === b) return true;
    if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
      var x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      return x.length === y.length && x.every(function (v, i) { return v === y[i]; });
    }
    return typeof a === "object" && typeof b === "object" && a !== null && b !== null &&
      !ArrayBuffer.isView(a) && !ArrayBuffer.isView(b) && JSON.stringify(a) === JSON.stringify(b);
  }

  // The AFM model API over one model's saved state: get/set/on/off/save_changes/send.
  // Events as Backbone (the model under anywidget) fires them: "change:name" (model, value),
  // then "change" (model), only when a value changes. Nothing is synced: there is no kernel.
  function makeModel(state) {
    var handlers = {}; // event name -> [{f, ctx}]
    var model = {
      get: function (name) { return state[name]; },
      set: function (name, value) {
        var changes = {};
        if (typeof name === "object" && name !== null) changes = name; else changes[name] = value;
        var changed = Object.keys(changes).filter(function (k) {
          var diff = !same(state[k], changes[k]);
          state[k] = changes[k];
          return diff;
        });
        changed.forEach(function (k) { fire("change:" + k, [model, state[k]]); });
        if (changed.length) fire("change", [model]);
      },
      save_changes: function () {},
      send: function () {},
      on: function (event, f, ctx) {
        String(event).split(/\s+/).forEach(function (e) { (handlers[e] = handlers[e] || []).push({ f: f, ctx: ctx }); });
      },
      off: function (event, f, ctx) {
        Object.keys(handlers).forEach(function (e) {
          if (event && e !== event) return;
          handlers[e] = handlers[e].filter(function (h) { return (f && h.f !== f) || (ctx && h.ctx !== ctx); });
        });
      },
    };
    function fire(event, args) {
      (handlers[event] || []).slice().forEach(function (h) {
        try { h.f.apply(h.ctx, args); } catch (err) { console.error("winit-widgets: a handler of " + event + " failed", err); }
      });
    }
    return model;
  }

  // The module's widget definition: its default export (an object, or a function returning one),
  // or the older form with a named `render` export, as anywidget accepts.
  async function loadModule(esm) {
    if (typeof esm !== "string" || !esm) throw new Error("the widget has no front-end module (_esm)");
    var url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
    var mod;
    try { mod = await import(url); } finally { URL.revokeObjectURL(url); }
    if (mod.render) return { render: mod.render };
    if (!mod.default) throw new Error("the module has no default export");
    var widget = typeof mod.default === "function" ? await mod.default() : mod.default;
    if (!widget || typeof widget.render !== "function") throw new Error("the module's widget has no render()");
    return widget;
  }

  function addCss(css, id) {
    if (!css || styles[id]) return;
    var style = document.createElement("style");
    style.setAttribute("data-anywidget-id", id);
    style.textContent = css;
    document.head.appendChild(style);
    if (id) styles[id] = style;
  }

  function within(promise, ms, what) {
    var timer;
    return Promise.race([promise, new Promise(function (_, fail) {
      timer = setTimeout(function () { fail(new Error(what + " took over " + ms / 1000 + " s")); }, ms);
    })]).finally(function () { clearTimeout(timer); });
  }

  // A model's saved state with its binary values put back: the state saves each (a bytes trait)
  // apart, as {path, data (base64), encoding}; the model holds it as a DataView, as Jupyter's does.
  function withBuffers(entry) {
    var state = Object.assign({}, entry.state);
    (entry.buffers || []).forEach(function (buffer) {
      var text = buffer.encoding === "hex" ? buffer.data.replace(/../g, function (h) { return String.fromCharCode(parseInt(h, 16)); })
        : atob(buffer.data);
      var bytes = Uint8Array.from(text, function (c) { return c.charCodeAt(0); });
      var path = buffer.path, holder = state;
      for (var i = 0; i < path.length - 1; i++) holder = holder[path[i]];
      holder[path[path.length - 1]] = new DataView(bytes.buffer);
    });
    return state;
  }

  // One model object and its initialized module per model id, whatever the number of views.
  function instance(id) {
    if (!models[id]) {
      models[id] = (async function () {
        var state = withBuffers(saved[id]);
        var model = makeModel(state);
        var widget = await loadModule(state._esm);
        addCss(state._css, state._anywidget_id || id);
        if (typeof widget.initialize === "function") {
          var init = widget.initialize({ model: model, signal: new AbortController().signal });
          await within(Promise.resolve(init), INIT_TIMEOUT_MS, "initialize()");
        }
        return { model: model, widget: widget };
      })();
    }
    return models[id];
  }

  function fail(el, err) {
    console.error("winit-widgets: an interactive figure could not be shown", err);
    el.textContent = "";
    var box = document.createElement("p");
    box.className = "winit-widget-error";
    box.setAttribute("role", "alert");
    box.textContent = "This interactive figure could not be shown: " + (err && err.message ? err.message : String(err));
    el.appendChild(box);
  }

  async function show(tag, id) {
    var area = document.createElement("div");
    area.className = "widget-subarea";
    var el = document.createElement("div");
    el.className = "jupyter-widgets winit-widget";
    area.appendChild(el);
    tag.parentNode.insertBefore(area, tag);
    var view = { area: area, cleanup: null, controller: new AbortController() };
    views.push(view);
    try {
      var it = await instance(id);
      (it.model.get("_dom_classes") || []).forEach(function (name) { el.classList.add(name); });
      var cleanup = await it.widget.render({ model: it.model, el: el, signal: view.controller.signal });
      if (typeof cleanup === "function") view.cleanup = cleanup;
    } catch (err) {
      fail(el, err);
    }
  }

  // Take the AnyModels out of the widget state scripts under root (into `saved`), so that a widget
  // manager reading them later sees only the models it can render. Synchronous.
  function claim(root) {
    root.querySelectorAll(STATE).forEach(function (tag) {
      var data;
      try { data = JSON.parse(tag.textContent); } catch (err) { console.error("winit-widgets: unreadable widget state", err); return; }
      var state = (data && data.state) || {}, taken = false;
      Object.keys(state).forEach(function (id) {
        if (state[id] && state[id].model_module === "anywidget") {
          saved[id] = state[id];
          delete state[id];
          taken = true;
        }
      });
      if (taken) tag.textContent = JSON.stringify(data);
    });
  }

  // Render every view under root (default: the document) whose model is an AnyModel of this page;
  // views rendered before are left alone. Resolves once every view has rendered or failed.
  function render(root) {
    root = root || document;
    claim(root);
    var jobs = [];
    root.querySelectorAll(VIEW).forEach(function (tag) {
      if (handled.has(tag) || !tag.parentNode) return;
      var id;
      try { id = JSON.parse(tag.textContent).model_id; } catch (err) { return; }
      if (!Object.prototype.hasOwnProperty.call(saved, id)) return; // not an AnyModel: not ours
      handled.add(tag);
      jobs.push(show(tag, id));
    });
    return Promise.all(jobs).then(function () {});
  }

  // Remove the views rendered under root: abort their signals, run the cleanup functions their
  // render() returned.
  function remove(root) {
    root = root || document;
    views = views.filter(function (view) {
      if (!root.contains(view.area)) return true;
      view.controller.abort();
      if (view.cleanup) try { view.cleanup(); } catch (err) { console.error("winit-widgets: a cleanup failed", err); }
      var tag = view.area.nextElementSibling;
      if (tag) handled.delete(tag);
      view.area.remove();
      return false;
    });
  }

  window.winitWidgets = { render: render, remove: remove };
  // Deferred scripts run once the document is parsed: render now
  // (loaded earlier, wait for the parsed document).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
})();
