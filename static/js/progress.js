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
