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
