/* When a session ends (logged out elsewhere, expired, account changed or disabled, wall
   token revoked), the server answers Dash's requests with 401 and the header
   X-StockLens-Login: go to the login page, coming back here afterwards, instead of
   leaving a page whose callbacks silently fail. */
(function () {
  if (!window.fetch || window.__stocklensAuthFetch) { return; }
  window.__stocklensAuthFetch = true;
  var original = window.fetch.bind(window);
  window.fetch = function () {
    return original.apply(null, arguments).then(function (response) {
      var login = response.status === 401 && response.headers.get("X-StockLens-Login");
      if (login) {
        var here = window.location.pathname + window.location.search;
        window.location.assign(login + "?next=" + encodeURIComponent(here));
      }
      return response;
    });
  };
})();
