// The practice page: pick a difficult simulated customer, answer them, see what each reply
// did (/v1/practice). Every text from the user or the server goes in with textContent.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var KEY_STORE = "triage-practice-key"; // sessionStorage: gone when the tab closes
  var SESSION_STORE = "triage-practice-session"; // the session in progress, resumed on reload
  var SKILLS = {
    acknowledge: "Acknowledge the problem",
    empathy: "Empathy",
    apology_timing: "Apology timing",
    restate: "Restate the case",
    next_step: "A concrete next step",
    positive_language: "Positive language",
    boundary: "A limit with an alternative",
    promise_safety: "Safe promises",
    escalation: "Bring in a lead",
  };
  var OUTCOMES = { good: "good", missed: "missed", broken: "broken" };
  var DIFFICULTY = { 1: "easy", 2: "medium", 3: "hard" };
  var ENDINGS = {
    resolved: ["Resolved", "The customer accepted your next step."],
    escalated: ["Handed to a lead", "You brought in a lead at the right moment; they take it from here."],
    lost: ["Lost", "The customer gave up on the conversation."],
  };

  var scenarios = [];
  var current = null; // the session: {id, scenario, mood, moods, status}
  var busy = false;

  function $(id) {
    return document.getElementById(id);
  }

  function html(tag, cls, text) {
    var element = document.createElement(tag);
    if (cls) element.className = cls;
    if (text != null) element.textContent = text; // data is never parsed as HTML
    return element;
  }

  function clear(container) {
    while (container.firstChild) container.removeChild(container.firstChild);
    return container;
  }

  function words(label) {
    return String(label).replace(/_/g, " ");
  }

  function skillName(skill) {
    return SKILLS[skill] || words(skill);
  }

  function signed(n) {
    return n > 0 ? "+" + n : n < 0 ? "\u2212" + Math.abs(n) : "\u00b10";
  }

  function moodBand(mood) {
    return mood < 30 ? "low" : mood < 60 ? "mid" : "high";
  }

  function moodWord(mood) {
    if (mood < 15) return "furious";
    if (mood < 35) return "upset";
    if (mood < 55) return "uneasy";
    if (mood < 75) return "calmer";
    return "content";
  }

  // --- The service ---------------------------------------------------------------------

  function api(method, path, body) {
    var key = $("key").value.trim();
    var headers = { accept: "application/json" };
    if (key) headers.authorization = "Bearer " + key;
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try {
          data = raw ? JSON.parse(raw) : null;
        } catch (ignored) {
          data = null;
        }
        if (!response.ok) {
          var problem = data || {};
          var message = problem.detail || problem.message || problem.title || "HTTP " + response.status;
          var error = new Error(message);
          error.status = response.status;
          error.code = problem.code;
          throw error;
        }
        return data;
      });
    });
  }

  function showError(message) {
    $("error").textContent = message || "";
    $("error").hidden = !message;
  }

  function failed(what) {
    return function (error) {
      var text = what + ": " + error.message;
      if (error.status === 401) text += " Paste an API key above and press Load scenarios.";
      showError(text);
      setBusy(false);
      if (!current) setState("picking");
    };
  }

  function setState(state) {
    document.body.setAttribute("data-state", state);
    $("picker").hidden = state !== "picking";
    $("session").hidden = state !== "active" && state !== "ended";
    $("controls").hidden = state === "active" || state === "ended";
    $("composer").hidden = state !== "active";
    $("ending").hidden = state !== "ended";
  }

  function setBusy(value) {
    busy = value;
    document.body.toggleAttribute("data-busy", value);
    $("send").disabled = value;
    $("hint").disabled = value;
    $("surprise").disabled = value;
    $("session").setAttribute("aria-busy", value ? "true" : "false");
  }

  // --- Picking a scenario ----------------------------------------------------------------

  function loadScenarios(event) {
    if (event) event.preventDefault();
    sessionStorage.setItem(KEY_STORE, $("key").value.trim());
    showError("");
    setBusy(true);
    return api("GET", "/v1/practice/scenarios")
      .then(function (data) {
        setBusy(false);
        scenarios = data.scenarios || [];
        fillTypes();
        renderScenarios();
        setState("picking");
        return true;
      })
      .catch(failed("Could not load the scenarios"));
  }

  function fillTypes() {
    var select = $("type");
    var chosen = select.value;
    var seen = {};
    scenarios.forEach(function (s) {
      seen[s.customer_type] = true;
    });
    while (select.options.length > 1) select.remove(1);
    Object.keys(seen)
      .sort()
      .forEach(function (type) {
        var option = html("option", null, words(type));
        option.value = type;
        select.appendChild(option);
      });
    select.value = seen[chosen] ? chosen : "";
  }

  function filters() {
    var out = {};
    if ($("type").value) out.customer_type = $("type").value;
    if ($("difficulty").value) out.difficulty = Number($("difficulty").value);
    return out;
  }

  function renderScenarios() {
    var wanted = filters();
    var list = clear($("scenarios"));
    var shown = scenarios.filter(function (s) {
      return (
        (!wanted.customer_type || s.customer_type === wanted.customer_type) &&
        (!wanted.difficulty || s.difficulty === wanted.difficulty)
      );
    });
    shown.forEach(function (s) {
      var item = html("li", "scenario card");
      item.setAttribute("data-scenario", s.id);
      item.appendChild(html("h2", null, s.title));
      item.appendChild(tags(s));
      var who = html("p", "hint", (s.persona_name ? s.persona_name + " · " : "") + "root cause: " + words(s.root_cause));
      item.appendChild(who);
      if (s.triggers && s.triggers.length) {
        item.appendChild(html("p", "hint", "watch for: " + s.triggers.map(words).join(", ")));
      }
      var start = html("button", "primary", "Practise this");
      start.type = "button";
      start.setAttribute("aria-label", "Practise: " + s.title);
      start.addEventListener("click", function () {
        startSession({ scenario_id: s.id });
      });
      item.appendChild(start);
      list.appendChild(item);
    });
    $("no-scenarios").hidden = shown.length > 0;
  }

  function tags(s) {
    var line = html("p", "tags");
    line.appendChild(html("span", "tag type", words(s.customer_type)));
    var level = html("span", "tag level", "difficulty " + s.difficulty + " · " + (DIFFICULTY[s.difficulty] || ""));
    level.setAttribute("data-difficulty", s.difficulty);
    line.appendChild(level);
    if (s.channel) line.appendChild(html("span", "tag", s.channel));
    return line;
  }

  // --- A session -------------------------------------------------------------------------

  function startSession(body) {
    if (busy) return;
    showError("");
    setBusy(true);
    api("POST", "/v1/practice/sessions", body)
      .then(function (data) {
        setBusy(false);
        open(data);
        $("reply").focus();
      })
      .catch(failed("Could not start a session"));
  }

  function open(data) {
    current = { id: data.id, scenario: data.scenario, mood: data.mood, moods: [], status: data.status };
    sessionStorage.setItem(SESSION_STORE, data.id);
    renderCase(data.scenario);
    clear($("transcript"));
    clearFeedback();
    $("mood-change").textContent = "";
    $("reply").value = "";
    var turns = data.turns || [];
    var lastAgent = null;
    turns.forEach(function (turn, i) {
      addTurn(turn.role, turn.text, turn.score);
      // One point per exchange: the customer's mood as they answer (or as a lead takes over).
      if (turn.role === "customer" || i === turns.length - 1) current.moods.push(turn.mood);
      if (turn.role === "agent") lastAgent = turn;
    });
    if (lastAgent && lastAgent.feedback) {
      renderFeedback(lastAgent.text, { score: lastAgent.score, skills: lastAgent.feedback });
    }
    setMood(data.mood, null);
    if (data.status && data.status !== "active") {
      if (data.status === "escalated") addNote("A team lead takes over the conversation.");
      finish(data.score_card);
    } else {
      setState("active");
    }
  }

  function renderCase(scenario) {
    var facts = scenario.facts || {};
    var persona = scenario.persona || {};
    $("case-title").textContent = scenario.title;
    var line = tags(scenario);
    line.id = "case-tags";
    $("case-tags").replaceWith(line);
    $("persona-name").textContent = persona.name || "The customer";
    $("persona-summary").textContent = persona.summary || "";
    $("fact-reference").textContent = facts.reference || "–";
    $("fact-wrong").textContent = facts.what_went_wrong || "–";
    list($("fact-timeline"), facts.timeline);
    list($("fact-may"), facts.may_offer);
    list($("fact-may-not"), facts.may_not_offer);
  }

  function list(container, items, none) {
    clear(container);
    (items && items.length ? items : [none || "–"]).forEach(function (item) {
      container.appendChild(html("li", null, item));
    });
  }

  function addTurn(role, text, score) {
    var item = html("li", "msg " + role);
    item.setAttribute("data-role", role);
    var who = role === "agent" ? "You" : (current.scenario.persona && current.scenario.persona.name) || "Customer";
    item.appendChild(html("span", "who", who));
    item.appendChild(html("p", "text", text));
    if (role === "agent" && score != null) {
      item.appendChild(html("span", "reply-score", "reply score " + Math.round(score * 100) + "%"));
    }
    $("transcript").appendChild(item);
    $("transcript").scrollTop = $("transcript").scrollHeight;
    return item;
  }

  function addNote(text) {
    var item = html("li", "msg note", text);
    item.setAttribute("data-role", "note");
    $("transcript").appendChild(item);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  function setMood(mood, change) {
    var meter = $("mood");
    meter.setAttribute("aria-valuenow", String(mood));
    meter.setAttribute("aria-valuetext", mood + " of 100, " + moodWord(mood));
    meter.setAttribute("data-band", moodBand(mood));
    $("mood-fill").style.width = Math.max(0, Math.min(100, mood)) + "%"; // CSSOM: allowed by the CSP
    $("mood-value").textContent = String(mood);
    $("mood-word").textContent = moodWord(mood);
    var shown = $("mood-change");
    if (change == null) {
      shown.textContent = "";
      shown.removeAttribute("data-direction");
    } else {
      shown.textContent = signed(change);
      shown.setAttribute("data-direction", change > 0 ? "up" : change < 0 ? "down" : "same");
      shown.setAttribute("aria-label", "mood " + (change >= 0 ? "up " : "down ") + Math.abs(change));
    }
    if (current) current.mood = mood;
    trend();
  }

  /** A small line of the mood over the turns so far. */
  function trend() {
    var moods = current ? current.moods : [];
    var box = clear($("mood-trend"));
    if (moods.length < 2) return;
    var width = 240, height = 44, pad = 4;
    var chart = document.createElementNS(NS, "svg");
    chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    chart.setAttribute("class", "chart");
    var points = moods.map(function (m, i) {
      var x = pad + (i * (width - 2 * pad)) / (moods.length - 1);
      var y = pad + ((100 - m) * (height - 2 * pad)) / 100;
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    var line = document.createElementNS(NS, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("class", "series trend-line");
    chart.appendChild(line);
    box.appendChild(chart);
  }

  function clearFeedback() {
    clear($("feedback"));
    clear($("feedback-reply")).hidden = true;
    $("feedback-score").textContent = "";
    $("feedback-empty").hidden = false;
  }

  /** Code points, as the service counts offsets (JavaScript strings count UTF-16 units). */
  function chars(text) {
    return Array.from(String(text));
  }

  function span(text, start, end) {
    return chars(text).slice(start, end).join("");
  }

  function hasSpan(result, text) {
    return result.start != null && result.end != null && result.end > result.start && result.end <= chars(text).length;
  }

  /** The reply with the words each skill turned on marked, broken ones first. */
  function markedReply(text, results) {
    var rank = { broken: 0, missed: 1, good: 2 };
    var spans = results
      .filter(function (r) { return hasSpan(r, text); })
      .sort(function (a, b) { return rank[a.outcome] - rank[b.outcome] || a.start - b.start; });
    var taken = [];
    spans.forEach(function (r) {
      var overlaps = taken.some(function (t) { return r.start < t.end && t.start < r.end; });
      if (!overlaps) taken.push(r);
    });
    taken.sort(function (a, b) { return a.start - b.start; });
    var all = chars(text);
    var out = document.createDocumentFragment();
    var at = 0;
    taken.forEach(function (r) {
      if (r.start > at) out.appendChild(document.createTextNode(all.slice(at, r.start).join("")));
      var mark = html("mark", "o-" + r.outcome, all.slice(r.start, r.end).join(""));
      mark.setAttribute("data-skill", r.skill);
      mark.title = skillName(r.skill) + ": " + r.outcome;
      out.appendChild(mark);
      at = r.end;
    });
    if (at < all.length) out.appendChild(document.createTextNode(all.slice(at).join("")));
    return out;
  }

  function renderFeedback(text, feedback) {
    var results = (feedback && feedback.skills) || [];
    var order = { broken: 0, missed: 1, good: 2 };
    results = results.slice().sort(function (a, b) { return order[a.outcome] - order[b.outcome]; });
    $("feedback-empty").hidden = true;
    var quote = clear($("feedback-reply"));
    quote.appendChild(markedReply(text, results));
    quote.hidden = false;
    $("feedback-score").textContent =
      feedback && feedback.score != null ? "score " + Math.round(feedback.score * 100) + "%" : "";
    var container = clear($("feedback"));
    results.forEach(function (r) {
      var outcome = OUTCOMES[r.outcome] || "missed";
      var item = html("li", "skill o-" + outcome);
      item.setAttribute("data-skill", r.skill);
      item.setAttribute("data-outcome", outcome);
      var head = html("p", "skill-head");
      head.appendChild(html("span", "badge o-" + outcome, outcome));
      head.appendChild(html("strong", null, skillName(r.skill)));
      if (hasSpan(r, text)) {
        // The words of your reply that decided, as you wrote them.
        var quoted = html("q", "words");
        quoted.appendChild(html("mark", "o-" + outcome, span(text, r.start, r.end)));
        head.appendChild(quoted);
      }
      item.appendChild(head);
      if (r.note) item.appendChild(html("p", "note", r.note));
      if (r.better) {
        var better = html("p", "better");
        better.appendChild(html("span", "label", "Better: "));
        better.appendChild(html("span", "better-text", r.better));
        item.appendChild(better);
      }
      container.appendChild(item);
    });
  }

  function send(event) {
    if (event) event.preventDefault();
    var text = $("reply").value.trim();
    if (busy || !current || current.status !== "active") return;
    if (!text) {
      showError("Write a reply first.");
      $("reply").focus();
      return;
    }
    showError("");
    setBusy(true);
    api("POST", "/v1/practice/sessions/" + encodeURIComponent(current.id) + "/replies", { text: text })
      .then(function (data) {
        $("reply").value = "";
        addTurn("agent", text, data.feedback ? data.feedback.score : null);
        renderFeedback(text, data.feedback);
        if (data.customer) addTurn("customer", data.customer.text);
        current.moods.push(data.mood);
        setMood(data.mood, data.mood_change);
        current.status = data.status;
        if (data.ended || data.status !== "active") {
          if (!data.customer) addNote("A team lead takes over the conversation.");
          return api("GET", "/v1/practice/sessions/" + encodeURIComponent(current.id)).then(function (full) {
            setBusy(false);
            finish(full.score_card);
          });
        }
        setBusy(false);
        $("reply").focus();
      })
      .catch(failed("Could not send the reply"));
  }

  function showHint() {
    if (busy || !current) return;
    showError("");
    setBusy(true);
    api("GET", "/v1/practice/sessions/" + encodeURIComponent(current.id) + "/hint")
      .then(function (data) {
        setBusy(false);
        var box = $("reply");
        box.value = data.text || "";
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      })
      .catch(failed("Could not get a suggestion"));
  }

  function finish(card) {
    sessionStorage.removeItem(SESSION_STORE);
    card = card || { status: current.status, skills: {}, strengths: [], to_practise: [] };
    var ending = ENDINGS[card.status] || [words(card.status), ""];
    $("ending").setAttribute("data-status", card.status);
    $("ending-title").textContent = ending[0];
    $("ending-text").textContent = ending[1];
    $("card-score").textContent = card.score == null ? "–" : String(card.score);
    $("card-replies").textContent = card.replies == null ? "–" : String(card.replies);
    $("card-mood").textContent = card.final_mood == null ? "–" : String(card.final_mood);
    var body = clear($("card-skills").tBodies[0]);
    Object.keys(card.skills || {}).forEach(function (skill) {
      var rate = card.skills[skill];
      var row = body.insertRow();
      row.setAttribute("data-skill", skill);
      row.appendChild(html("td", null, skillName(skill)));
      row.appendChild(html("td", "rate", rate == null ? "not needed" : Math.round(rate * 100) + "%"));
      var cell = html("td", "rate-bar");
      if (rate != null) {
        var bar = html("span", "bar-track");
        var fill = html("span", "bar-fill " + (rate >= 0.8 ? "high" : rate < 0.5 ? "low" : "mid"));
        fill.style.width = Math.round(rate * 100) + "%";
        bar.appendChild(fill);
        cell.appendChild(bar);
      }
      row.appendChild(cell);
    });
    list($("card-strengths"), (card.strengths || []).map(skillName), "none yet");
    list($("card-practise"), (card.to_practise || []).map(skillName), "nothing stood out");
    setState("ended");
    $("ending").scrollIntoView({ block: "nearest" });
    $("again").focus();
  }

  function again() {
    current = null;
    sessionStorage.removeItem(SESSION_STORE);
    showError("");
    setState("picking");
    renderScenarios();
    var first = document.querySelector("#scenarios button");
    if (first) first.focus();
  }

  // --- Wiring ----------------------------------------------------------------------------

  $("key").value = sessionStorage.getItem(KEY_STORE) || "";
  $("controls").addEventListener("submit", loadScenarios);
  $("type").addEventListener("change", renderScenarios);
  $("difficulty").addEventListener("change", renderScenarios);
  $("surprise").addEventListener("click", function () {
    startSession(filters());
  });
  $("composer").addEventListener("submit", send);
  $("reply").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
  $("hint").addEventListener("click", showHint);
  $("again").addEventListener("click", again);

  var resume = sessionStorage.getItem(SESSION_STORE);
  loadScenarios().then(function (loaded) {
    if (!loaded || !resume) return;
    api("GET", "/v1/practice/sessions/" + encodeURIComponent(resume))
      .then(function (data) {
        if (data.status === "active") open(data);
        else sessionStorage.removeItem(SESSION_STORE);
      })
      .catch(function () {
        sessionStorage.removeItem(SESSION_STORE);
      });
  });
})();
