/* softmax(z) for a list of numbers, as equation (78): the largest z is subtracted first so
 * that nothing overflows. Pure, so the tests run it with Node.js against nnbook.activations.softmax.
 */
function softmax(z) {
  var top = Math.max.apply(null, z);
  var e = z.map(function (v) { return Math.exp(v - top); });
  var total = e.reduce(function (s, v) { return s + v; }, 0);
  return e.map(function (v) { return v / total; });
}
