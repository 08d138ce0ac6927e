/*
 * Declaration form: "what do I need?" beside each goods item (UN/CEFACT Rec. 38).
 *
 * As soon as a goods item's HS code (4+ digits) and origin are given, the agencies that
 * will review it are shown under the item, from GET /api/v1/requirements/ (the same
 * matching routing uses). While the HS code is empty, the description suggests HS codes
 * from GET /api/v1/hs/; choosing one fills the HS code. Works on rows the page's other
 * script adds (events are delegated). The form works without this script.
 */
(function () {
  "use strict";

  var form = document.getElementById("declaration-form");
  if (!form) {
    return;
  }
  var timers = new WeakMap();

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function hintBox(row) {
    var box = row.querySelector(".js-requirements");
    if (!box) {
      box = document.createElement("div");
      box.className = "js-requirements small mt-2";
      box.setAttribute("aria-live", "polite");
      box.setAttribute("data-testid", "requirements-hint");
      row.querySelector(".card-body").appendChild(box);
    }
    return box;
  }

  function line(text, cls) {
    var div = document.createElement("div");
    div.textContent = text;
    if (cls) {
      div.className = cls;
    }
    return div;
  }

  function showRequirements(row, body) {
    var box = hintBox(row);
    box.replaceChildren();
    body.agencies.forEach(function (need) {
      var text = need.text;
      need.documents.forEach(function (doc) {
        text += " · " + doc.code;
      });
      if (need.exemption_codes.length) {
        text += " (" + need.exemption_codes.join(", ") + ")";
      }
      box.appendChild(line(text, "js-requirement"));
    });
  }

  function showSuggestions(row, body) {
    var box = hintBox(row);
    box.replaceChildren();
    body.results.slice(0, 5).forEach(function (hit) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 d-block text-start js-hs-suggestion";
      button.textContent = hit.hs_code + " " + hit.description;
      button.addEventListener("click", function () {
        field(row, "hs_code").value = hit.hs_code;
        update(row);
      });
      box.appendChild(button);
    });
  }

  function fetchJson(url, then) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body) {
          then(body);
        }
      })
      .catch(function () {});
  }

  function update(row) {
    var hs = (field(row, "hs_code").value || "").replace(/[\s.]/g, "");
    var origin = field(row, "origin_country") ? field(row, "origin_country").value : "";
    var typeField = form.querySelector('[name="declaration_type"]');
    if (/^\d{4,10}$/.test(hs) && origin) {
      var params = new URLSearchParams({ hs: hs, origin: origin });
      if (typeField && typeField.value) {
        params.set("type", typeField.value);
      }
      fetchJson("/api/v1/requirements/?" + params.toString(), function (body) {
        showRequirements(row, body);
      });
      return;
    }
    var description = field(row, "description") ? field(row, "description").value.trim() : "";
    if (!hs && description.length >= 3) {
      fetchJson("/api/v1/hs/?" + new URLSearchParams({ q: description }).toString(), function (body) {
        showSuggestions(row, body);
      });
    }
  }

  function schedule(event) {
    var row = event.target.closest(".js-goods-item");
    var name = event.target.name || "";
    if (!row || !/-(hs_code|origin_country|description)$/.test(name)) {
      return;
    }
    clearTimeout(timers.get(row));
    timers.set(row, setTimeout(function () {
      update(row);
    }, 300));
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
