// Draws each target's history (month ends) against the straight path to its target.
// The numbers are also in the page's tables; the charts are for the eye only.
(function () {
  "use strict";
  // The legend sits on a line of its own above the plot (scrolling sideways rather than
  // wrapping onto the plot on a narrow screen); containLabel keeps the axis labels inside
  // the chart, so neither overlaps the other at any width.
  var LEGEND_HEIGHT = 24;
  function draw() {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById("progress-charts").textContent);
    var zh = (document.documentElement.lang || "zh-hans").indexOf("zh") === 0;
    var charts = [];
    document.querySelectorAll(".chart[data-target]").forEach(function (el) {
      var d = data.targets[el.dataset.target];
      if (!d || !d.dates.length) { return; }
      var actual = d.dates.map(function (day, i) { return [day, d.values[i]]; });
      var series = [{ name: data.labels.value, type: "line", data: actual, showSymbol: false }];
      if (d.goal !== null && d.deadline) {
        series.push({
          name: data.labels.path, type: "line", data: [d.baseline, [d.deadline, d.goal]], showSymbol: false,
          lineStyle: { type: "dashed" }, silent: true,
        });
      }
      var chart = echarts.init(el, null, { renderer: "canvas", locale: zh ? "ZH" : "EN" });
      chart.setOption({
        animation: false,
        legend: { type: "scroll", top: 0, left: "center", height: LEGEND_HEIGHT, itemHeight: 10 },
        grid: { left: 8, right: 16, top: LEGEND_HEIGHT + 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "time", axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", min: 0 },
        series: series,
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// Briefings being built: poll their status until they can be downloaded.
(function () {
  "use strict";
  function poll(item) {
    fetch(item.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var bar = item.querySelector("progress");
        var state = item.querySelector(".briefing-state");
        if (bar) { bar.value = data.progress; }
        if (state) { state.textContent = data.label; }
        if (data.download) {
          var link = document.createElement("a");
          link.href = data.download;
          link.textContent = item.dataset.downloadLabel || "⤓";
          if (state) { state.replaceWith(link); }
          if (bar) { bar.remove(); }
        } else if (data.status === "pending" || data.status === "running") {
          setTimeout(function () { poll(item); }, 2000);
        }
      })
      .catch(function () { setTimeout(function () { poll(item); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("li[data-status-url]").forEach(function (item) {
      if (item.dataset.status === "pending" || item.dataset.status === "running") { poll(item); }
    });
  });
})();
