// Public form page: show a conditional question as soon as the answer it waits for is given,
// and bring the error summary into focus. The server decides again on every post, so this only
// saves a round trip; the page works the same without it.

const form = document.querySelector("form[data-intake-form]");
const NUMERIC = new Set(["number", "money", "rating"]);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

// A question on this page tells its type on its holder; one answered on another page, on the
// hidden input that carries its answer.
function described(key) {
  const name = CSS.escape(key);
  const holder = form.querySelector(`[data-question="${name}"]`);
  if (holder) {
    return { type: holder.dataset.type, multiple: holder.querySelector("input[type=checkbox]") !== null && holder.dataset.type !== "checkbox" };
  }
  const carried = form.querySelector(`input[type=hidden][name="${name}"][data-type], input[type=hidden][name="${name}.start"][data-type]`);
  return carried ? { type: carried.dataset.type, multiple: carried.hasAttribute("data-multiple") } : { type: "", multiple: false };
}

// The answer to `key` as the server would clean it: a list for several values, true/false for a
// checkbox, undefined when empty. Disabled inputs (hidden questions) do not count.
function answer(key, type, multiple) {
  const data = new FormData(form);
  const name = type === "timeline" ? `${key}.start` : key;
  const given = data.getAll(name)
    .map((v) => (typeof v === "string" ? v.trim() : v.name))
    .filter((v) => v !== "");
  if (type === "checkbox") return given.some((v) => ["1", "on", "true", "yes"].includes(v.toLowerCase()));
  if (type === "tags" && given.length === 1) given.splice(0, 1, ...given[0].split(",").map((s) => s.trim()).filter(Boolean));
  if (!given.length) return undefined;
  return multiple || ["tags", "people", "relation", "file"].includes(type) ? given : given[0];
}

const isEmpty = (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length);
const fold = (v) => (typeof v === "string" ? v.trim().toLowerCase() : v);
const number = (v) => {
  if (typeof v === "boolean" || v === "" || v === null || v === undefined) return null;
  const n = Number(String(v).trim());
  return Number.isFinite(n) ? n : null;
};

function same(actual, wanted, type) {
  if (Array.isArray(actual)) {
    const list = Array.isArray(wanted) ? wanted : [wanted];
    const a = new Set(actual.map(fold));
    return list.length === actual.length && list.every((w) => a.has(fold(w)));
  }
  if (typeof actual === "boolean" || typeof wanted === "boolean") {
    const truth = (v) => (typeof v === "boolean" ? v : ["true", "false"].includes(fold(v)) ? fold(v) === "true" : null);
    return truth(actual) === truth(wanted);
  }
  if (NUMERIC.has(type) && number(actual) !== null && number(wanted) !== null) {
    return number(actual) === number(wanted);
  }
  return fold(String(actual)) === fold(String(wanted));
}

function met(condition) {
  if (!condition || !Object.keys(condition).length) return true;
  if (condition.all) return condition.all.every(met);
  if (condition.any) return condition.any.some(met);
  const { type, multiple } = described(condition.field);
  const actual = answer(condition.field, type, multiple);
  const { op, value } = condition;
  if (op === "is_empty") return isEmpty(actual);
  if (op === "is_not_empty") return !isEmpty(actual);
  if (isEmpty(actual)) return op === "not_equals";
  if (op === "equals") return same(actual, value, type);
  if (op === "not_equals") return !same(actual, value, type);
  if (op === "in") return (Array.isArray(actual) ? actual : [actual]).some((a) => value.some((v) => same(a, v, type)));
  if (op === "contains") {
    if (Array.isArray(actual)) return actual.some((a) => same(a, value, type));
    if (typeof value === "string") return fold(actual).includes(fold(value));
    return same(actual, value, type);
  }
  let left = number(actual);
  let right = number(value);
  if (left === null || right === null) {
    if (!(ISO_DATE.test(actual) && ISO_DATE.test(value))) return false;
    [left, right] = [String(actual).slice(0, 10), value];
  }
  return op === "gt" ? left > right : left < right;
}

function update(announce) {
  const shown = [];
  const appeared = [];
  // In page order: a question can wait on one above it, which may have just been hidden.
  for (const holder of form.querySelectorAll("[data-question]")) {
    if (holder.dataset.showIf) {
      const visible = met(JSON.parse(holder.dataset.showIf));
      if (visible && holder.hidden) {
        appeared.push(holder.querySelector("label, legend").firstChild.textContent.trim());
      }
      holder.hidden = !visible;
      for (const input of holder.querySelectorAll("input, select, textarea")) input.disabled = !visible;
    }
    if (!holder.hidden) shown.push(holder.dataset.question);
  }
  const list = form.querySelector("[data-intake-shown]");
  if (list) list.value = shown.sort().join(",");
  // Tell screen reader users that a question was added after the field they are in.
  const live = form.querySelector("[data-intake-live]");
  if (announce && live && appeared.length) live.textContent = `New question: ${appeared.join("; ")}`;
}

if (form) {
  form.addEventListener("input", () => update(true));
  form.addEventListener("change", () => update(true));
  update(false);
}

const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    // Bring the question's label into view with the field, then let the person type.
    (target.closest(".question") || target).scrollIntoView();
    target.focus();
  });
}
