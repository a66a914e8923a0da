/* Chapter 3's softmax sliders (nnbook.widgets.chapter3.softmax_sliders), after softmax.js.
 *
 * `root` is the widget's outer element (see nnbook.widgets.core.script). When a slider moves,
 * every a_j is recomputed from all the z_j, and the values, the bars and their sum are redrawn.
 */
var sliders = root.querySelectorAll("input.nnbook-z");
function update() {
  var z = Array.prototype.map.call(sliders, function (s) { return Number(s.value); });
  var a = softmax(z), total = 0;
  for (var j = 0; j < z.length; j++) {
    total += a[j];
    root.querySelector("[data-field='z" + j + "']").textContent = z[j].toFixed(1);
    root.querySelector("[data-field='a" + j + "']").textContent = a[j].toFixed(3);
    root.querySelector("[data-field='bar" + j + "']").style.width = (100 * a[j]).toFixed(2) + "%";
  }
  root.querySelector("[data-field='sum']").textContent = total.toFixed(3);
}
Array.prototype.forEach.call(sliders, function (s) { s.addEventListener("input", update); });
