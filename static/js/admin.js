// The administration (Django's admin): a search-as-you-type choice (select2, Django's
// autocomplete fields) draws its own combobox and text box in place of the select, which
// name nothing while empty. They take the name of the select's label. select2 draws them
// when jQuery is ready and again for each inline row added, in no fixed order with this
// script's own start, so every drawing is named as it appears. A choice of several (a
// many-to-many field) draws its search box inside the selection, drawn anew after each pick.
"use strict";
(function () {
  const DRAWN =
    '.select2-selection[role="combobox"], .select2-selection [role="textbox"], ' +
    ".select2-selection .select2-search__field";

  function nameDrawn() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = document.querySelector('label[for="' + select.id + '"]');
      if (!label) {
        return;
      }
      const name = label.textContent.replace(/:\s*$/, "").trim();
      select.parentElement.querySelectorAll(DRAWN).forEach(function (drawn) {
        if (drawn.getAttribute("aria-label") !== name) {
          drawn.setAttribute("aria-label", name);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameDrawn();
    new MutationObserver(nameDrawn).observe(document.body, { childList: true, subtree: true });
  });
})();
