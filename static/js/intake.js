// Progressive enhancement of the staff intake form; the form works fully without it.
// Shows the kelurahan search (it needs htmx to narrow the list), and keeps Enter in that
// search from submitting the whole form.
document.querySelectorAll("[data-needs-js]").forEach(function (element) {
  element.hidden = false;
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches("[data-region-search]")) {
    event.preventDefault();
  }
});

// The autosave (every 20 seconds, and 2 seconds after a change) keeps the draft, not the
// session: unless the person typed or clicked in the form since the last save, it is sent
// as a background request, which the server's 15-minute idle limit does not count. When
// the session has ended, the answer is a notice in the status line (the form stays as
// typed) and htmx stops the timer.
var autosaveForm = document.querySelector("form[data-autosave]");
if (autosaveForm) {
  var personActed = false;
  ["input", "change", "keydown", "click"].forEach(function (type) {
    autosaveForm.addEventListener(type, function () {
      personActed = true;
    });
  });
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt !== autosaveForm) {
      return;
    }
    if (!personActed) {
      event.detail.headers["X-Lindungi-Background"] = "true";
    }
    personActed = false;
  });
}
