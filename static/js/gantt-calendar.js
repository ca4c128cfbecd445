// Dates for the Gantt chart as whole day numbers (days since 1970-01-01, in UTC, so no time
// zone or daylight saving change can shift a date), and the workspace's working-day calendar,
// which the chart uses the way the server's scheduler does (Monday = 0, holidays excluded).
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"];
  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var LIMIT = 3700; // a search for a working day gives up after ten years: a calendar without any

  function parse(iso) {
    if (!iso) return null;
    var p = iso.split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY_MS);
  }

  function parts(day) {
    var d = new Date(day * DAY_MS);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth(), date: d.getUTCDate() };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function iso(day) {
    var p = parts(day);
    return p.year + "-" + pad(p.month + 1) + "-" + pad(p.date);
  }

  function weekday(day) { return (((day % 7) + 7) % 7 + 3) % 7; } // 1970-01-01 was a Thursday

  function short(day) {
    if (day === null || day === undefined) return "—";
    var p = parts(day);
    return p.date + " " + MONTHS[p.month];
  }

  function long(day) {
    var p = parts(day);
    return WEEKDAYS[weekday(day)] + " " + p.date + " " + MONTHS[p.month] + " " + p.year;
  }

  function firstOfMonth(day) {
    var p = parts(day);
    return Math.round(Date.UTC(p.year, p.month, 1) / DAY_MS);
  }

  function addMonths(day, n) {
    var p = parts(day);
    return Math.round(Date.UTC(p.year, p.month + n, 1) / DAY_MS);
  }

  function Calendar(workingDays, holidays) {
    this.working = {};
    (workingDays || [0, 1, 2, 3, 4]).forEach(function (d) { this.working[d] = true; }, this);
    this.holidays = {};
    (holidays || []).forEach(function (h) { this.holidays[parse(h)] = true; }, this);
    this.none = !Object.keys(this.working).length;
  }

  Calendar.prototype.isWorking = function (day) {
    return !this.none && !!this.working[weekday(day)] && !this.holidays[day];
  };

  Calendar.prototype.forward = function (day) {
    for (var i = 0; i < LIMIT && !this.isWorking(day); i++) day++;
    return day;
  };

  Calendar.prototype.back = function (day) {
    for (var i = 0; i < LIMIT && !this.isWorking(day); i++) day--;
    return day;
  };

  // From a working day, `n` working days later (earlier when negative).
  Calendar.prototype.add = function (day, n) {
    var step = n < 0 ? -1 : 1;
    for (var left = Math.abs(n), i = 0; left > 0 && i < LIMIT * 2; i++) {
      day += step;
      if (this.isWorking(day)) left--;
    }
    return day;
  };

  // Working days from `first` to `last`, both included (0 when none).
  Calendar.prototype.span = function (first, last) {
    var count = 0;
    for (var day = first; day <= last; day++) if (this.isWorking(day)) count++;
    return count;
  };

  // Signed working days from `a` to `b`; a non-working date counts as the next working day.
  Calendar.prototype.offset = function (a, b) {
    a = this.forward(a);
    b = this.forward(b);
    if (a === b) return 0;
    return a < b ? this.span(a + 1, b) : -this.span(b + 1, a);
  };

  window.WorkOSGantt = window.WorkOSGantt || {};
  window.WorkOSGantt.dates = {
    parse: parse, iso: iso, parts: parts, weekday: weekday, short: short, long: long,
    firstOfMonth: firstOfMonth, addMonths: addMonths, MONTHS: MONTHS, Calendar: Calendar,
  };
})();
