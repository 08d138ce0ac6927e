/*
 * Declaration form: add and remove goods items in the page.
 *
 * The form works without this script: "Add item" posts the form and the server shows one
 * more row, and each row has a "Remove this goods item" box. With the script, "Add item"
 * clones the empty row of the Django formset (<template id="goods-item-template">) and
 * "Remove item" ticks the row's DELETE box and hides it. The form is still submitted as a
 * normal POST. No inline script or style: the page runs under a strict CSP.
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

  /** Swap the no-script "Remove this goods item" box for a button. */
  function enhance(row) {
    var box = row.querySelector(".js-delete-checkbox");
    var button = row.querySelector(".js-remove-item");
    if (!box || !button) {
      return;
    }
    box.classList.add("d-none");
    button.hidden = false;
    button.addEventListener("click", function () {
      var checkbox = box.querySelector("input[type=checkbox]");
      checkbox.checked = true;
      row.classList.add("d-none");
      renumber();
      var addButton = form.querySelector(".js-add-item");
      if (addButton) {
        addButton.focus();
      }
    });
  }

  function addItem() {
    var index = parseInt(totalForms.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    totalForms.value = String(index + 1);
    enhance(row);
    var currency = row.querySelector('select[name$="-customs_value_currency"]');
    if (currency && invoiceCurrency && invoiceCurrency.value && !currency.value) {
      currency.value = invoiceCurrency.value;
    }
    renumber();
    var first = row.querySelector("input:not([type=hidden]):not([type=checkbox]), select");
    if (first) {
      first.focus();
    }
  }

  container.querySelectorAll(".js-goods-item").forEach(enhance);

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
          s.value = invoiceCurrency.value;
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
