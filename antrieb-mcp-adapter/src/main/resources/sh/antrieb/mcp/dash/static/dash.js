// Counts each cluster's TTL down once a second; the page reads the same without it.
(function () {
  function tick() {
    document.querySelectorAll('.ttl[data-expires]').forEach(function (el) {
      var s = Math.floor((Date.parse(el.getAttribute('data-expires')) - Date.now()) / 1000);
      el.textContent = s <= 0 ? 'expired' : (s >= 60 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s left' : s + ' s left');
    });
  }
  setInterval(tick, 1000);
})();
