/* The explorers' controls, after explorer-math.js and before the kind's own script.
 *
 * `root` is the widget's outer element (see nnbook.widgets.core.script). Sliders, Play buttons,
 * Reset, readouts and the score all change `index` (slider name -> position) and call update(),
 * which calls draw(), the function the kind's script (explorer-curves.js or
 * explorer-surface.js) defines, and returns the arrays it drew.
 */
var data = JSON.parse(root.querySelector("script.nnbook-data").textContent);
var index = {}, inputs = {}, timer = null;
data.sliders.forEach(function (s) {
  index[s.name] = s.index;
  inputs[s.name] = root.querySelector("input[data-slider='" + s.name + "']");
});
function field(name) { return root.querySelector("[data-field='" + name + "']"); }
function update() {
  data.sliders.forEach(function (s) {
    inputs[s.name].value = index[s.name];
    var v = data.values[s.name][index[s.name]];
    field("slider-" + s.name).textContent = s.choices ? s.choices[index[s.name]]
                                                      : fixed(v, s.digits);
  });
  var drawn = draw();
  data.readouts.forEach(function (r, i) {
    field("readout-" + i).textContent = fixed(combine(data, index, r, 1, 1)[0], r.digits);
  });
  if (data.score) {
    var d = meanDeviation(drawn[data.score.a], drawn[data.score.b], data.score.points);
    field("score").textContent = fixed(d, data.score.digits);
    field("verdict").textContent = d < data.score.threshold ? data.score.success : "";
  }
}
function stop() {
  if (timer !== null) clearInterval(timer);
  timer = null;
  Array.prototype.forEach.call(root.querySelectorAll("button[data-player]"),
    function (b) { b.textContent = data.players[Number(b.dataset.player)].label; });
}
Array.prototype.forEach.call(root.querySelectorAll("button[data-player]"), function (button) {
  var player = data.players[Number(button.dataset.player)];
  button.addEventListener("click", function () {
    var running = timer !== null && button.textContent === "Pause";
    stop();
    if (running) return;
    var k = 0;
    button.textContent = "Pause";
    function next() {
      var step = player.steps[k];
      for (var name in step) index[name] = step[name];
      update();
      k += 1;
      if (k >= player.steps.length) stop();
    }
    next();
    if (timer === null && k < player.steps.length) timer = setInterval(next, player.interval_ms);
  });
});
data.sliders.forEach(function (s) {
  inputs[s.name].addEventListener("input", function () {
    stop();
    index[s.name] = Number(inputs[s.name].value);
    update();
  });
});
var reset = root.querySelector("button.nnbook-reset");
if (reset) reset.addEventListener("click", function () {
  stop();
  data.sliders.forEach(function (s) { index[s.name] = s.index; });
  update();
});
