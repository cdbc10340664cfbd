// The administration (Django's admin): a search-as-you-type choice (select2, Django's
// autocomplete fields) draws its own combobox and text box in place of the select, which
// name nothing while empty. They take the name of the select's label.
"use strict";
window.addEventListener("load", function () {
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return;
    }
    const name = label.textContent.replace(/:\s*$/, "").trim();
    select.parentElement
      .querySelectorAll('.select2-selection[role="combobox"], .select2-selection [role="textbox"]')
      .forEach(function (drawn) {
        drawn.setAttribute("aria-label", name);
      });
  });
});
