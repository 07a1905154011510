/* Wall screens (/wall), the clientside half: clock, panel rotation, screen size and the
   stale notice. None of these waits for the server, so they keep going while a refresh is
   in flight or the data source is down. (Loaded on every page; it only defines functions.) */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  wall: {
    /* The clock and date, in the browser's time zone and the wall's language. */
    clock: function (_n, config) {
      var now = new Date();
      var locale = (config && config.locale) || undefined;
      return [
        now.toLocaleTimeString(locale, {hour: "2-digit", minute: "2-digit",
                                        second: "2-digit", hour12: false}),
        now.toLocaleDateString(locale, {weekday: "short", year: "numeric",
                                        month: "short", day: "numeric"})
      ];
    },

    /* The next panel (and its dot) becomes the active one: a CSS class fades it in. */
    rotate: function (n) {
      var ctx = window.dash_clientside.callback_context;
      var count = ctx.outputs_list[0].length;
      var active = count ? (n || 0) % count : 0;
      var panels = [], dots = [];
      for (var i = 0; i < count; i++) {
        panels.push("wall-panel" + (i === active ? " is-active" : ""));
        dots.push("wall-dot" + (i === active ? " is-active" : ""));
      }
      return [panels, dots];
    },

    /* The screen's size, measured once: chart fonts are a share of its height. */
    viewport: function () {
      return {w: window.innerWidth, h: window.innerHeight};
    },

    /* "Stale since HH:MM …" while any part shows values that are not current. A part
       that could read nothing at all gives no time: the values it shows are those of the
       last time it was seen healthy, remembered here. */
    stale: function (healths, config) {
      var ctx = window.dash_clientside.callback_context;
      var items = (ctx.inputs_list && ctx.inputs_list[0]) || [];
      var seen = window.__wallLastHealthy = window.__wallLastHealthy || {};
      var now = Date.now(), since = null, why = "", failing = false;
      (healths || []).forEach(function (h, i) {
        var part = items[i] && items[i].id ? items[i].id.part : String(i);
        if (!h) { return; }  /* not refreshed yet */
        if (h.ok) { seen[part] = now; return; }
        failing = true;
        var at = h.since ? Date.parse(h.since) : (seen[part] || null);
        if (at !== null && !isNaN(at) && (since === null || at < since)) { since = at; }
        if (h.message && !why) { why = h.message; }
      });
      if (!failing) { return ["", "", "wall-stale"]; }
      var text = config.text.down;
      if (since !== null) {
        var when = new Date(since), locale = config.locale;
        var time = when.toLocaleTimeString(locale, {hour: "2-digit", minute: "2-digit",
                                                    hour12: false});
        if (when.toDateString() !== new Date(now).toDateString()) {
          time = when.toLocaleDateString(locale, {month: "short", day: "numeric"}) + " " + time;
        }
        text = config.text.stale.replace("{time}", time);
      }
      return [text, why, "wall-stale is-on"];
    }
  }
});
