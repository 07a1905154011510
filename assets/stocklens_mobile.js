/* Small screens (issue 19: every page usable on a 390 px phone), in the browser only.

   - Clientside callbacks: the collapsed navbar's menu button (components/kit/navbar.py),
     the filter drawer's button text, chips and opening (components/filters/filter_bar.py
     filter_drawer, registered per page by page_state.register_filter_sync).
   - Charts of the framed pages (inside .page-body: never the wall's) narrower than
     SMALL px: legends below the plot, fewer axis ticks, and no drag-to-zoom (a finger
     dragging over a chart scrolls the page; a tap is still the click that drills down).
     The figure's own values are kept and put back when the window grows again.
   - Grids (AG Grid) on a window narrower than NARROW px scroll sideways inside themselves
     with their first column pinned, so a row stays readable.
   Nothing here runs on the server, and nothing changes from NARROW px up. */
(function () {
  var SMALL = 768;  // charts below this width (phones) are adapted
  var NARROW = 992;  // grids below this width (tablets, phones) pin their first column
  var CROWDED = 8;  // category names on an x axis beyond which only some are written

  function small() { return window.innerWidth < SMALL; }

  function narrow() { return window.innerWidth < NARROW; }

  function noUpdate() { return window.dash_clientside.no_update; }

  /* "{name}" slots of a translated text (as i18n.t fills them on the server) */
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (slot, name) {
      return name in values ? String(values[name]) : slot;
    });
  }

  function chip(text, on) {
    return {type: "Span", namespace: "dash_html_components",
            props: {className: "sl-chip" + (on ? " sl-chip-on" : ""), children: text}};
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    stocklensMobile: {
      toggleMenu: function (clicks, isOpen) {
        if (!clicks) { return [noUpdate(), noUpdate()]; }
        return [!isOpen, String(!isOpen)];
      },

      /* The button says how many filters narrow the view (the period counts when it is
         not the default one); the chips say which. */
      filterChips: function (state, labels) {
        if (!state || !labels) { return [noUpdate(), noUpdate()]; }
        var count = 0, chips = [];
        var preset = state.preset || labels["default"];
        var period = preset === "custom" && state.start && state.end
          ? state.start + " – " + state.end : (labels.presets[preset] || preset);
        if (preset !== labels["default"]) { count += 1; }
        chips.push(chip(period, preset !== labels["default"]));
        Object.keys(labels.dims).forEach(function (dim) {
          var chosen = Array.isArray(state[dim]) ? state[dim] : [];
          if (!chosen.length) { return; }
          count += 1;
          var names = (labels.values && labels.values[dim]) || {};
          var shown = chosen.slice(0, 2).map(function (v) { return names[v] || v; });
          var values = shown.join(labels.join);
          if (chosen.length > 2) {
            values += " " + fill(labels.more, {n: chosen.length - 2});
          }
          chips.push(chip(fill(labels.chip, {dim: labels.dims[dim], values: values}), true));
        });
        var button = count ? fill(labels.active, {n: count}) : labels.filters;
        return [button, chips];
      },

      /* The filter button or a chip opens the drawer; Done or the backdrop closes it. */
      filterDrawer: function () {
        var trigger = String(window.dash_clientside.callback_context.triggered_id || "");
        var open = /-filter-(open|chips)$/.test(trigger);
        if (open) {
          window.setTimeout(function () {
            var done = document.getElementById(trigger.replace(/(open|chips)$/, "close"));
            if (done) { done.focus({preventScroll: true}); }
          }, 50);
        }
        return ["filter-drawer" + (open ? " open" : ""), String(open)];
      }
    }
  });

  /* ---- charts ------------------------------------------------------------------------ */
  var originals = new WeakMap();  // a figure's layout object -> {path: its own value}
  var hooked = new WeakSet();

  function read(layout, path) {
    return path.split(".").reduce(function (obj, key) {
      return obj === undefined || obj === null ? undefined : obj[key];
    }, layout);
  }

  function wanted(gd) {
    var full = gd._fullLayout;
    if (!full) { return {}; }
    var changes = {};
    if (full.showlegend) {
      changes["legend.orientation"] = "h";
      changes["legend.xref"] = "container";
      changes["legend.yref"] = "container";
      changes["legend.x"] = 0;
      changes["legend.xanchor"] = "left";
      changes["legend.y"] = 0;
      changes["legend.yanchor"] = "bottom";
    }
    Object.keys(full).forEach(function (key) {
      if (!/^[xy]axis\d*$/.test(key) || !full[key] || full[key].visible === false) { return; }
      var axis = full[key];
      if (axis.type === "category" || axis.type === "multicategory") {
        /* names stay, unless a long run of them (months) would crowd the x axis */
        var names = axis._categories ? axis._categories.length : 0;
        if (key.charAt(0) === "y" || names <= CROWDED) { return; }
      }
      var ticks = key.charAt(0) === "x" ? 5 : 6;
      if (!axis.nticks || axis.nticks > ticks) { changes[key + ".nticks"] = ticks; }
    });
    /* value labels that would have to shrink below legibility are left to the tap's
       hover label instead */
    if (!full.uniformtext || full.uniformtext.mode !== "hide") {
      changes["uniformtext.mode"] = "hide";
      changes["uniformtext.minsize"] = 9;
    }
    if (full.dragmode !== false) { changes.dragmode = false; }
    return changes;
  }

  function adapt(gd) {
    if (!window.Plotly || !gd._fullLayout || !document.body.contains(gd)) { return; }
    var layout = gd.layout, kept = originals.get(layout), update = {};
    if (small()) {
      var changes = wanted(gd);
      kept = kept || {};
      Object.keys(changes).forEach(function (path) {
        if (read(layout, path) === changes[path]) { return; }
        if (!(path in kept)) {
          var own = read(layout, path);
          kept[path] = own === undefined ? null : own;
        }
        update[path] = changes[path];
      });
      originals.set(layout, kept);
    } else if (kept) {  // wide again: the figure's own layout
      Object.keys(kept).forEach(function (path) { update[path] = kept[path]; });
      originals["delete"](layout);
    }
    if (Object.keys(update).length) { window.Plotly.relayout(gd, update); }
  }

  function hookGraph(gd) {
    if (hooked.has(gd) || typeof gd.on !== "function" || !gd.closest(".page-body")) {
      return;
    }
    hooked.add(gd);
    gd.on("plotly_afterplot", function () {
      window.requestAnimationFrame(function () { adapt(gd); });
    });
    window.requestAnimationFrame(function () { adapt(gd); });
  }

  /* ---- grids ------------------------------------------------------------------------- */
  var pinnedGrids = new WeakSet();

  function pinFirst(api, wrapper) {
    if (!narrow() || (api.isDestroyed && api.isDestroyed())) { return; }
    var columns = api.getAllDisplayedColumns();
    if (columns.length < 3 || columns.some(function (c) { return c.getPinned(); })) {
      return;
    }
    var total = columns.reduce(function (sum, c) { return sum + c.getActualWidth(); }, 0);
    if (total <= wrapper.clientWidth + 2) { return; }  // it fits: nothing scrolls
    var first = columns[0];
    api.applyColumnState({state: [{
      colId: first.getColId(), pinned: "left", flex: null,
      width: Math.min(Math.max(first.getActualWidth(), 96), Math.round(window.innerWidth * 0.36))
    }]});
  }

  function hookGrid(wrapper) {
    var holder = wrapper.parentElement && wrapper.parentElement.closest("[id]");
    if (!holder || !holder.closest(".page-body") || !window.dash_ag_grid) { return; }
    window.dash_ag_grid.getApiAsync(holder.id).then(function (api) {
      if (pinnedGrids.has(api)) { return; }
      pinnedGrids.add(api);
      var pin = function () { pinFirst(api, wrapper); };
      ["firstDataRendered", "displayedColumnsChanged", "gridSizeChanged"].forEach(
        function (name) { api.addEventListener(name, pin); });
      pin();
    })["catch"](function () { /* a grid that went away before it was ready */ });
  }

  /* ---- finding them ------------------------------------------------------------------ */
  function scan(root) {
    if (!root.querySelectorAll) { return; }
    if (root.matches && root.matches(".js-plotly-plot")) { hookGraph(root); }
    root.querySelectorAll(".js-plotly-plot").forEach(hookGraph);
    if (narrow()) {
      if (root.matches && root.matches(".ag-root-wrapper")) { hookGrid(root); }
      root.querySelectorAll(".ag-root-wrapper").forEach(hookGrid);
    }
  }

  function watch() {
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        if (r.type === "attributes") {
          if (r.target.classList && r.target.classList.contains("js-plotly-plot")) {
            hookGraph(r.target);
          }
        } else {
          r.addedNodes.forEach(scan);
        }
      });
    }).observe(document.body, {subtree: true, childList: true, attributes: true,
                               attributeFilter: ["class"]});
    scan(document);
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () {
      document.querySelectorAll(".page-body .js-plotly-plot").forEach(function (gd) {
        if (window.Plotly && gd._fullLayout) {
          window.Plotly.Plots.resize(gd).then(function () { adapt(gd); });
        }
      });
      scan(document);
    }, 200);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
