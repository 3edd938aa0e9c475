// Score-over-time charts. Data comes from a <script type="application/json"> block (json_script),
// which the CSP allows because it is never executed.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) { return; }
    var chart = JSON.parse(source.textContent);  // {labels: ["12-01", …], series: [{mode, label, data}]}
    var colours = { practice: "#0d6efd", module_quiz: "#198754", certification: "#d63384" };
    var styles = { practice: [], module_quiz: [6, 3], certification: [2, 2] };  // not colour alone
    new Chart(canvas, {
      type: "line",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (s) {
          return { label: s.label, data: s.data, spanGaps: true, tension: 0.2, fill: false, pointRadius: 3,
                   borderColor: colours[s.mode] || "#6c757d", backgroundColor: colours[s.mode] || "#6c757d",
                   borderDash: styles[s.mode] || [] };
        })
      },
      options: {
        animation: false,
        scales: { y: { min: 0, max: 100 }, x: { ticks: { autoSkip: true, maxTicksLimit: 10 } } },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
  });
})();
