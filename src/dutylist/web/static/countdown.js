// Live countdowns to each unit's deadline: "12:34" left, or "已超时 3:05" once past.
(function () {
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function shown(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return (h ? h + ":" + two(m) : m) + ":" + two(s % 60);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown").forEach(function (el) {
      var left = Date.parse(el.getAttribute("datetime")) - now;
      el.textContent = left >= 0 ? shown(left) : el.dataset.overdue + " " + shown(left);
      el.classList.toggle("overdue", left < 0);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
