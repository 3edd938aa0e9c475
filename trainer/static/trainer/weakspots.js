// The weak-spot trend: one line per criterion, the share of answers missing it per week (0-100 %).
// Data from a json_script block; the same numbers are in the table next to the chart.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var canvas = document.getElementById("weak-trend-chart");
  var source = document.getElementById("weak-trend");
  if (!canvas || !source) { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#dc3545", "#198754", "#6f42c1", "#fd7e14"];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.weeks,
      datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.values, spanGaps: true, tension: 0.2, fill: false,
                 borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length], pointRadius: 3 };
      })
    },
    options: { animation: false, scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
  });
})();
