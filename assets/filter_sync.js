/* The filter bar → the page state, in the browser.

   This is components/filters/page_state.py's filter sync, run clientside: a filter change then
   costs one server round trip (the page's data callbacks) instead of two (the sync, then
   the data callbacks), which is what a filter change to an updated chart needed to stay
   under 400 ms at 10 million sales lines (bench/REPORT.md). It mirrors, and must keep
   mirroring, BoardFilters.from_params / period / to_params in components/filters/filter_state.py;
   tests/browser/test_filter_sync.py compares the two.

   The state it writes keeps the server's shape: the filters, the source, the page's own
   parameters, push=false (a filter tweak replaces the history entry), the query string
   for the address bar, and `last` (the data's last day, which presets are anchored at). */
window.stocklensFilters = (function () {
  var PRESETS = ["last30", "last90", "qtd", "ytd", "custom"];
  var DEFAULT_PRESET = "last90";
  var DIMENSIONS = ["region", "channel", "category"];

  function parseDate(text) {
    if (text === null || text === undefined) { return null; }
    var iso = String(text).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) { return null; }
    var day = new Date(iso + "T00:00:00Z");
    return !isNaN(day) && day.toISOString().slice(0, 10) === iso ? iso : null;
  }

  function parseList(value) {
    var items = Array.isArray(value) ? value
      : (typeof value === "string" ? value.split(",") : []);
    var seen = {};
    items.forEach(function (v) {
      if (typeof v === "string" && v.trim()) { seen[v.trim()] = true; }
    });
    return Object.keys(seen).sort();
  }

  function fromParams(params) {
    var preset = typeof params.preset === "string" && params.preset ? params.preset
      : DEFAULT_PRESET;
    var start = parseDate(params.start), end = parseDate(params.end);
    if (PRESETS.indexOf(preset) < 0) { preset = DEFAULT_PRESET; }
    if (preset === "custom" && (start === null || end === null)) { preset = DEFAULT_PRESET; }
    if (preset === "custom" && start > end) { var s = start; start = end; end = s; }
    if (preset !== "custom") { start = end = null; }
    var filters = {preset: preset, start: start, end: end};
    DIMENSIONS.forEach(function (d) { filters[d] = parseList(params[d]); });
    return filters;
  }

  function addDays(iso, days) {
    var day = new Date(iso + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() + days);
    return day.toISOString().slice(0, 10);
  }

  function period(filters, last) {
    if (filters.preset === "custom" && filters.start && filters.end) {
      return [filters.start, filters.end];
    }
    var year = last.slice(0, 4), month = Number(last.slice(5, 7));
    if (filters.preset === "last30") { return [addDays(last, -29), last]; }
    if (filters.preset === "qtd") {
      var first = 3 * Math.floor((month - 1) / 3) + 1;
      return [year + "-" + (first < 10 ? "0" : "") + first + "-01", last];
    }
    if (filters.preset === "ytd") { return [year + "-01-01", last]; }
    return [addDays(last, -89), last];
  }

  function queryString(filters, page, withSource, source) {
    var params = new URLSearchParams();
    if (filters.preset !== DEFAULT_PRESET) { params.append("preset", filters.preset); }
    if (filters.preset === "custom" && filters.start && filters.end) {
      params.append("start", filters.start);
      params.append("end", filters.end);
    }
    DIMENSIONS.forEach(function (d) {
      if (filters[d].length) { params.append(d, filters[d].join(",")); }
    });
    Object.keys(page || {}).forEach(function (k) { params.append(k, page[k]); });
    if (withSource) { params.append("source", source); }
    var text = params.toString();
    return text ? "?" + text : "";
  }

  /* args: preset, start date, end date, one value per dimension in `dims`, the reset
     button's clicks, the state. Returns the bar's values and the new state. */
  function sync(prefix, dims, args) {
    var preset = args[0], start = args[1], end = args[2];
    var state = args[args.length - 1];
    var chosen = {};
    DIMENSIONS.forEach(function (d) { chosen[d] = state[d]; });
    dims.forEach(function (d, i) { chosen[d] = args[3 + i]; });
    var filters = fromParams(Object.assign({preset: preset, start: start, end: end}, chosen));
    var trigger = window.dash_clientside.callback_context.triggered_id;
    if (trigger === prefix + "-filter-reset") {
      filters = fromParams({});
    } else if (trigger === prefix + "-filter-dates" && start && end) {
      var a = parseDate(start), b = parseDate(end);
      if (a && b) {
        filters = Object.assign({}, filters,
          {preset: "custom", start: a < b ? a : b, end: a < b ? b : a});
      }
    }
    var last = state.last;
    var shown = last ? period(filters, last) : [start, end];
    var withSource = new URLSearchParams(state.qs || "").has("source");
    var next = Object.assign({}, filters, {
      source: state.source, page: state.page || {}, push: false, last: last,
      qs: queryString(filters, state.page, withSource, state.source)});
    /* A control that already shows its value is left alone: re-rendering the bar would
       delay the data callbacks Dash sends once the state is written. */
    var keep = window.dash_clientside.no_update;
    var same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
    return [filters.preset === preset ? keep : filters.preset,
            shown[0] === start ? keep : shown[0],
            shown[1] === end ? keep : shown[1]].concat(
      dims.map(function (d, i) { return same(filters[d], args[3 + i]) ? keep : filters[d]; }),
      [next]);
  }

  return {sync: sync, fromParams: fromParams, period: period};
})();
