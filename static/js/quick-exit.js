/* Quick exit on the public pages: leave at once for a neutral page.
 *
 * location.replace swaps this page out of the tab's history, so Back does not return to
 * the form. It cannot erase the browser's history list; the page says so.
 * Triggered by the "Quick exit" link (first in the tab order) or by pressing Shift three
 * times within a second and a half. Without JavaScript the link still goes there.
 */
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var target = link.href;

  function leave(event) {
    if (event) { event.preventDefault(); }
    // Hide what was typed at once, before the neutral page has loaded.
    document.body.hidden = true;
    window.location.replace(target);
  }

  link.addEventListener("click", leave);

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (at) { return now - at < 1500; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });
}());
