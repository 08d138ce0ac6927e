/*
 * Declaration form: add and remove goods items in the page.
 *
 * The form works without this script: "Add item" posts the form and the server shows one
 * more row, and each row has a "Remove this goods item" box. With the script, "Add item"
 * clones the empty row of the Django formset (<template id="goods-item-template">) and
 * "Remove item" ticks the row's DELETE box and hides it. The form is still submitted as a
 * normal POST. No inline script or style: the page runs under a strict CSP.
 *
 * The long code lists of the goods items (country of origin, currency) are in the page once,
 * as <template id="options-NAME">; each item's <select data-options="NAME"> comes with only
 * its blank and chosen option. A select gets the whole list when it comes near the view,
 * gets the focus or is pressed, before the trader can open it: a 999-item declaration
 * holds two lists instead of 2,000.
 */
(function () {
  "use strict";

  var form = document.getElementById("declaration-form");
  if (!form) {
    return;
  }
  var container = form.querySelector(".js-goods-items");
  var template = document.getElementById("goods-item-template");
  var prefix = container.getAttribute("data-prefix");
  var totalForms = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  var invoiceCurrency = form.querySelector('select[name="invoice_currency"]');

  /** Give a select of a shared code list its options, keeping its value. */
  function fillOptions(select) {
    if (select.getAttribute("data-filled") === "1") {
      return;
    }
    var list = document.getElementById("options-" + select.getAttribute("data-options"));
    if (!list) {
      return;
    }
    var value = select.value;
    select.replaceChildren(list.content.cloneNode(true));
    select.value = value;
    select.setAttribute("data-filled", "1");
  }

  function fillRow(row) {
    row.querySelectorAll("select[data-options]").forEach(fillOptions);
  }

  /** Set a shared-list select to ``value`` (its option may not be in the page yet). */
  function choose(select, value) {
    var list = document.getElementById("options-" + select.getAttribute("data-options"));
    if (select.getAttribute("data-filled") !== "1" && list) {
      var option = list.content.querySelector('option[value="' + CSS.escape(value) + '"]');
      if (option && !select.querySelector('option[value="' + CSS.escape(value) + '"]')) {
        select.appendChild(option.cloneNode(true));
      }
    }
    select.value = value;
  }

  // Rows get their lists as they come within a screen of the view; a select the keyboard
  // or the pointer reaches first gets it at once.
  var nearView = null;
  if ("IntersectionObserver" in window) {
    nearView = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            fillRow(entry.target);
            nearView.unobserve(entry.target);
          }
        });
      },
      { rootMargin: "100% 0px" }
    );
  }
  function watch(row) {
    if (nearView) {
      nearView.observe(row);
    } else {
      fillRow(row);
    }
  }
  ["focusin", "pointerdown", "mousedown", "keydown"].forEach(function (type) {
    form.addEventListener(
      type,
      function (event) {
        var target = event.target;
        if (target && target.matches && target.matches("select[data-options]")) {
          fillOptions(target);
        }
      },
      true
    );
  });

  /** Number the visible rows 1..n, as the declaration's SequenceNumeric will be. */
  function renumber() {
    var number = 0;
    container.querySelectorAll(".js-goods-item").forEach(function (row) {
      if (row.classList.contains("d-none")) {
        return;
      }
      number += 1;
      row.querySelectorAll(".js-item-number").forEach(function (span) {
        span.textContent = String(number);
      });
    });
  }

  /** "Remove item": tick the row's DELETE box and hide the row. */
  function removeItem(row) {
    var checkbox = row.querySelector(".js-delete-checkbox input[type=checkbox]");
    if (checkbox) {
      checkbox.checked = true;
    }
    row.classList.add("d-none");
    renumber();
    var addButton = form.querySelector(".js-add-item");
    if (addButton) {
      addButton.focus();
    }
  }

  function addItem() {
    var index = parseInt(totalForms.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    totalForms.value = String(index + 1);
    fillRow(row);
    var currency = row.querySelector('select[name$="-customs_value_currency"]');
    if (currency && invoiceCurrency && invoiceCurrency.value && !currency.value) {
      choose(currency, invoiceCurrency.value);
    }
    renumber();
    var first = row.querySelector("input:not([type=hidden]):not([type=checkbox]), select");
    if (first) {
      first.focus();
    }
  }

  // One class swaps every row's no-script "Remove this goods item" box for the "Remove
  // item" button (portal.css), and one listener serves all the buttons: touching each of
  // 999 rows at load held the page for seconds.
  form.classList.add("js-enhanced");
  container.addEventListener("click", function (event) {
    var button = event.target.closest(".js-remove-item");
    if (button && container.contains(button)) {
      removeItem(button.closest(".js-goods-item"));
    }
  });
  container.querySelectorAll(".js-goods-item").forEach(watch);

  var addButton = form.querySelector(".js-add-item");
  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      addItem();
    });
  }

  // A goods item without a currency takes the invoice currency once it is chosen.
  if (invoiceCurrency) {
    invoiceCurrency.addEventListener("change", function () {
      container.querySelectorAll('select[name$="-customs_value_currency"]').forEach(function (s) {
        if (!s.value) {
          choose(s, invoiceCurrency.value);
        }
      });
    });
  }

  // After a refused submission, take keyboard and screen-reader users to the summary.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
