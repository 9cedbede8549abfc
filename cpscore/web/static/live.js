// The campaign page refreshes its live part (counts, chart, list, submissions) every 10 s.
(function () {
  var live = document.getElementById("live");
  if (!live || !window.fetch) return;
  setInterval(function () {
    if (document.hidden) return;
    fetch(live.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) live.innerHTML = html; })
      .catch(function () {});
  }, 10000);
})();
