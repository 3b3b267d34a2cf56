// The chat without page loads: forms post in the background and new messages appear in place.
// Everything works without this script; it only makes the page feel like a chat, and adds Shift x 3 to exit.
(function () {
  "use strict";
  var EXIT_PRESSES = 3, EXIT_WINDOW_MS = 5000;
  var presses = 0, timer = null;

  function leave() {
    document.documentElement.classList.add("exiting");
    document.getElementById("exit").submit();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, EXIT_WINDOW_MS);
    if (presses >= EXIT_PRESSES) { leave(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#exit-button")) {
      event.preventDefault();
      leave();
    }
  });

  function lastNumber(log) {
    var entries = log.querySelectorAll(".entry");
    return entries.length ? Number(entries[entries.length - 1].dataset.n) : 0;
  }

  function update(html, from, url) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var log = document.getElementById("log"), freshLog = fresh.getElementById("log");
    if (!freshLog) { window.location.assign(url); return; }  // the visit had ended: load the page it led to
    var shown = lastNumber(log), first = freshLog.querySelector(".entry");
    if (!first || Number(first.dataset.n) > shown + 1) { log.innerHTML = ""; shown = 0; }
    var added = [];
    freshLog.querySelectorAll(".entry").forEach(function (entry) {
      if (Number(entry.dataset.n) > shown) { added.push(log.appendChild(document.importNode(entry, true))); }
    });
    ["controls", "later"].forEach(function (id) {
      var mine = document.getElementById(id) || document.querySelector("." + id);
      var theirs = fresh.getElementById(id) || fresh.querySelector("." + id);
      if (mine && theirs) { mine.replaceWith(document.importNode(theirs, true)); }
    });
    document.querySelectorAll("input[name=csrf]").forEach(function (input) {
      var token = fresh.querySelector("input[name=csrf]");
      if (token) { input.value = token.value; }
    });
    var focus = from === "say" ? document.getElementById("text")
      : document.querySelector("#choices button") || document.getElementById("text");
    if (focus) { focus.focus({ preventScroll: true }); }
    if (added.length) { added[0].scrollIntoView({ block: "start" }); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest("#controls") && !form.closest(".later")) { return; }
    event.preventDefault();
    var body = new FormData(form, event.submitter);
    var plain = form.enctype !== "multipart/form-data";
    fetch(form.action, {
      method: "POST",
      body: plain ? new URLSearchParams(body) : body,
      credentials: "same-origin",
      redirect: "follow"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text().then(function (html) { update(html, form.id, response.url); });
    })
      .catch(function () { form.submit(); });
  });
}());
