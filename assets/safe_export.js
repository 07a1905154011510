/* The grids' CSV export (AG Grid writes it in the browser) through the same rule as every
   file the server writes (exports/spreadsheet.py): a text cell starting with = + - @, a
   tab or a carriage return gets a leading single quote, so a spreadsheet opening the file
   reads it as text, never as a formula (CSV/formula injection, OWASP). Numbers stay
   numbers. The grids name it in csvExportParams.processCellCallback
   ({"function": "stocklensCsvCell(params)"}); the tests run this file and the Python rule
   on the same cases. (Loaded on every page; it only defines functions.) */
(function (root) {
  var FORMULA_START = ["=", "+", "-", "@", "\t", "\r"];

  function safeText(text) {
    return FORMULA_START.indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
  }

  function neutralise(value) {
    return typeof value === "string" ? safeText(value) : value;
  }

  /* AG Grid's processCellCallback: the value AG Grid would export (a value formatter's
     text only where the column exports it), then the rule. */
  function stocklensCsvCell(params) {
    var value = params.value;
    var colDef = params.column && params.column.getColDef ? params.column.getColDef() : {};
    if (colDef.valueFormatter && colDef.useValueFormatterForExport !== false &&
        typeof params.formatValue === "function") {
      value = params.formatValue(value);
    }
    if (value === null || value === undefined) { return ""; }
    return neutralise(value);
  }

  var rule = {FORMULA_START: FORMULA_START, safeText: safeText, neutralise: neutralise,
              stocklensCsvCell: stocklensCsvCell};
  var functions = root.dashAgGridFunctions = root.dashAgGridFunctions || {};
  functions.stocklensCsvCell = stocklensCsvCell;
  root.stocklensSafeExport = rule;
  if (typeof module !== "undefined" && module.exports) { module.exports = rule; }
})(typeof window !== "undefined" ? window : globalThis);
