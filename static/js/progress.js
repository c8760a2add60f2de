// Draws each target's history (month ends) against the straight path to its target.
// The numbers are also in the page's tables; the charts are for the eye only.
(function () {
  "use strict";
  function draw() {
    var data = JSON.parse(document.getElementById("progress-charts").textContent);
    var lang = document.documentElement.lang || "zh-hans";
    document.querySelectorAll(".chart[data-target]").forEach(function (el) {
      var d = data[el.dataset.target];
      if (!d || !window.echarts) { return; }
      var actual = d.dates.map(function (day, i) { return [day, d.values[i]]; });
      var series = [{ name: el.dataset.actual || "", type: "line", data: actual, showSymbol: false }];
      if (d.goal !== null && d.deadline) {
        series.push({
          type: "line", data: [d.baseline, [d.deadline, d.goal]], showSymbol: false,
          lineStyle: { type: "dashed" }, silent: true,
        });
      }
      var chart = echarts.init(el, null, { renderer: "svg", locale: lang.indexOf("zh") === 0 ? "ZH" : "EN" });
      chart.setOption({
        animation: false,
        grid: { left: 48, right: 16, top: 16, bottom: 32 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "time" },
        yAxis: { type: "value", min: 0 },
        series: series,
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
