/* Charts in Chinese when the page is (issue 24): plotly's month and day names, date
   format and toolbar tips for zh-CN. Dash loads plotly.js after this file, so the locale
   is handed over the way plotly.js reads it at start-up (window.PlotlyLocales), and made
   the default of every chart when plotly.js sets window.Plotly, before any chart is drawn.
   <html lang> is set by the server (components/kit/html_lang.py); a language switch
   reloads the page. */
(function () {
  var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();
  if (lang.indexOf("zh") !== 0) { return; }
  var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月",
                "11月", "12月"];
  var zhCN = {
    moduleType: "locale",
    name: "zh-CN",
    dictionary: {
      "Autoscale": "自动缩放", "Box Select": "矩形框选", "Lasso Select": "套索选择",
      "Download plot as a png": "下载图表为 PNG", "Download plot": "下载图表",
      "Double-click to zoom back out": "双击还原", "Reset axes": "重置坐标轴",
      "Reset view": "重置视图", "Zoom": "缩放", "Zoom in": "放大", "Zoom out": "缩小",
      "Pan": "平移", "Toggle Spike Lines": "切换辅助线",
      "Show closest data on hover": "悬停显示最近的数据",
      "Compare data on hover": "悬停比较数据", "Produced with Plotly.js": "由 Plotly.js 生成",
      "Click to enter Plot title": "点击输入图表标题"
    },
    format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: months,
      shortMonths: months,
      date: "%Y-%m-%d",
      decimal: ".",
      thousands: ","
    }
  };
  window.PlotlyLocales = (window.PlotlyLocales || []).concat([zhCN]);
  var plotly = window.Plotly;
  function adopt(lib) {
    if (lib && typeof lib.setPlotConfig === "function") {
      if (typeof lib.register === "function") { lib.register(zhCN); }
      lib.setPlotConfig({ locale: "zh-CN" });
    }
  }
  if (plotly) { adopt(plotly); return; }
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    enumerable: true,
    get: function () { return plotly; },
    set: function (lib) { plotly = lib; adopt(lib); }
  });
})();
