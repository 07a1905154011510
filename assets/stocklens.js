/* Clientside callbacks: pure presentation, no server round trip. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  stocklens: {
    /* Write the filter state into the address bar without reloading and without telling
       Dash's router (which would rebuild the page): bookmarks and shared links then reopen
       the same view, because the page layout reads its query string on load. */
    syncUrl: function (state) {
      if (!state || typeof state.qs !== "string") {
        return window.dash_clientside.no_update;
      }
      var params = new URLSearchParams(state.qs);
      var current = new URLSearchParams(window.location.search);
      if (current.has("lang")) { params.set("lang", current.get("lang")); }
      if (state.source) {  /* the source switcher's choice is remembered for next time */
        document.cookie = "stocklens_source=" + encodeURIComponent(state.source) +
          "; path=/; max-age=31536000; SameSite=Lax";
      }
      var search = params.toString();
      var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        if (state.push) {  /* a drill step: the Back button undoes it */
          window.history.pushState(window.history.state, "", url);
        } else {  /* a filter tweak: keep one history entry */
          window.history.replaceState(window.history.state, "", url);
        }
      }
      window.__stocklensStateUrl = window.location.href;
      return "";
    },
    /* The navbar language switch: remember the choice in a cookie and reload without ?lang. */
    switchLanguage: function (clicks) {
      if (!clicks) { return window.dash_clientside.no_update; }
      var button = document.getElementById("lang-switch");
      var lang = button ? button.getAttribute("data-lang") : "en";
      document.cookie = "stocklens_lang=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
      var params = new URLSearchParams(window.location.search);
      params.delete("lang");
      var search = params.toString();
      window.location.assign(window.location.pathname + (search ? "?" + search : ""));
      return "";
    }
  }
});

/* Back/Forward through entries this page wrote itself: Dash's router does not know about
   them (they bypass dcc.Location on purpose, so filters do not rebuild the page), so the
   page is reloaded from that URL and its layout reads the state back from it. */
window.addEventListener("popstate", function () {
  if (window.__stocklensStateUrl && window.location.href !== window.__stocklensStateUrl) {
    window.__stocklensStateUrl = null;
    window.location.reload();
  }
});
