/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  /* Autocomplete on search inputs marked data-autocomplete (vendor names and categories). */
  function autocomplete(input) {
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var timer = null;
    var active = -1;
    list.id = listId;
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.parentNode.classList.add("has-autocomplete");
    input.parentNode.appendChild(list);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, i) { li.classList.toggle("active", i === index); });
      active = index;
      if (items[index]) { input.setAttribute("aria-activedescendant", items[index].id); }
    }

    function render(suggestions) {
      list.innerHTML = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        a.href = s.url || ("/search?q=" + encodeURIComponent(s.label));
        a.textContent = s.label;
        var kind = document.createElement("span");
        kind.className = "muted small";
        kind.textContent = s.kind === "category" ? " · service" : "";
        a.appendChild(kind);
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = suggestions.length === 0;
      input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch("/search/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { render(data.suggestions || []); })
          .catch(function () { close(); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var items = list.querySelectorAll("li");
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); items[active].querySelector("a").click(); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* Compare page: show slider values and re-rank live through the public API. */
  function liveWeights(form) {
    var bodyNode = document.getElementById("compare-body");
    var panel = document.querySelector("[data-live-ranking]");
    if (!bodyNode || !panel) { return; }
    var body = JSON.parse(bodyNode.textContent);
    var names = {};
    body.quotes.forEach(function (q) { names[q.id] = q.vendor.name; });
    var timer = null;

    function update() {
      var weights = {};
      form.querySelectorAll("input[type=range]").forEach(function (input) {
        weights[input.name.replace(/^w_/, "")] = Number(input.value);
        var out = document.getElementById(input.id + "_out");
        if (out) { out.textContent = input.value; }
      });
      body.request.weights = weights;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch("/api/v1/compare", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body)
        }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
          .then(function (res) {
            var ol = panel.querySelector("ol");
            ol.innerHTML = "";
            panel.hidden = false;
            if (!res.ok) {
              var li = document.createElement("li");
              li.textContent = (res.data.errors && Object.values(res.data.errors).join(" ")) || res.data.title;
              ol.appendChild(li);
              return;
            }
            res.data.ranking.forEach(function (entry) {
              var li = document.createElement("li");
              li.textContent = names[entry.id] + " — " + entry.score.toFixed(1) + " points, total " +
                body.request.currency + " " + Number(entry.total).toLocaleString(undefined, { minimumFractionDigits: 2 });
              ol.appendChild(li);
            });
          }).catch(function () { panel.hidden = true; });
      }, 200);
    }
    form.addEventListener("input", update);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
      if (input.id) { autocomplete(input); }
    });
    document.querySelectorAll("form[data-compare-weights]").forEach(liveWeights);
    /* Long filter columns start folded on phones, so results come first. */
    if (window.matchMedia("(max-width: 56em)").matches) {
      document.querySelectorAll("details[data-collapse-on-mobile]").forEach(function (d) { d.open = false; });
    }
    /* The account menu closes on a click elsewhere or on Escape. */
    document.addEventListener("click", function (event) {
      document.querySelectorAll(".account-menu details[open]").forEach(function (d) {
        if (!d.contains(event.target)) { d.open = false; }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        document.querySelectorAll(".account-menu details[open]").forEach(function (d) { d.open = false; });
      }
    });
  });
})();
