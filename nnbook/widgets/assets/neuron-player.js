/* Chapter 3's neuron player (nnbook.widgets.chapter3.neuron_player), one per widget.
 *
 * Runs inside the function nnbook.widgets.core.script wraps around it, with `root` the widget's
 * outer element. The embedded data holds the plot box (SVG units), step_ms and, per run, w, b,
 * output and cost at every step with the chart's xmax and ymax. For each .nnbook-player: show(s)
 * draws the cost curve up to step s, its marker, the neuron's shading and the numbers; Play/Pause
 * advances one step every step_ms milliseconds; the slider moves to any step.
 */
var data = JSON.parse(root.querySelector("script.nnbook-data").textContent);
var plot = data.plot;
Array.prototype.forEach.call(root.querySelectorAll(".nnbook-player"), function (el, i) {
  var run = data.runs[i], last = run.cost.length - 1, step = 0, timer = null;
  var slider = el.querySelector("input.nnbook-step"), button = el.querySelector("button");
  var path = el.querySelector(".nnbook-cost-path"), dot = el.querySelector(".nnbook-cost-dot");
  var body = el.querySelector(".nnbook-body");
  function x(s) { return plot.left + (plot.right - plot.left) * s / run.xmax; }
  function y(c) { return plot.bottom - (plot.bottom - plot.top) * c / run.ymax; }
  function put(field, text) {
    Array.prototype.forEach.call(el.querySelectorAll("[data-field='" + field + "']"),
      function (node) { node.textContent = text; });
  }
  function show(s) {
    step = s;
    slider.value = s;
    var d = "M" + x(0).toFixed(1) + " " + y(run.cost[0]).toFixed(1);
    for (var k = 1; k <= s; k++) d += "L" + x(k).toFixed(1) + " " + y(run.cost[k]).toFixed(1);
    path.setAttribute("d", d);
    dot.setAttribute("cx", x(s).toFixed(1));
    dot.setAttribute("cy", y(run.cost[s]).toFixed(1));
    body.setAttribute("fill-opacity", (0.1 + 0.5 * run.output[s]).toFixed(3));
    put("step", String(s));
    put("w", run.w[s].toFixed(3));
    put("b", run.b[s].toFixed(3));
    put("output", run.output[s].toFixed(3));
    put("cost", run.cost[s].toFixed(4));
  }
  function pause() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    button.textContent = "Play";
  }
  function play() {
    if (step >= last) show(0);
    button.textContent = "Pause";
    timer = setInterval(function () {
      show(Math.min(step + 1, last));
      if (step >= last) pause();
    }, data.step_ms);
  }
  button.addEventListener("click", function () { if (timer === null) play(); else pause(); });
  slider.addEventListener("input", function () { pause(); show(Number(slider.value)); });
});
