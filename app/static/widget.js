/* sentiment-triage chat widget: screens the customer's message through /v1/screen and shows
 * the agent a banner (type, priority, triggers with evidence) and suggested replies. Fails open.
 *   <script src="https://triage.example.com/widget.js" data-key="tri_pk_..."
 *           data-target="#message" data-reply="#reply" async></script>
 * Options (data-api, data-timeout, ...), events and TriageWidget.attach(): see the README.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var TAG = "[triage-widget]";
  var CALM = { neutral: 1, satisfied: 1 };
  var TRIGGER_NAMES = {
    human_request: "asks for a person",
    authority_exceeded: "beyond agent authority",
    repeated_contact: "repeated contact",
    legal_threat: "legal threat",
    churn_threat: "churn threat",
    public_exposure: "public exposure",
    abuse: "abuse",
    safety_risk: "safety risk",
    vulnerable_customer: "vulnerable customer",
    worsening_sentiment: "getting worse",
  };
  var CSS =
    ":host{all:initial}" +
    ".b{font:14px/1.4 system-ui,sans-serif;color:#1f2328;background:#fff8e6;border:1px solid #e0b44c;" +
    "border-left-width:6px;border-radius:6px;padding:8px 10px;margin:6px 0}" +
    ".b.flagged{background:#fff0ee;border-color:#d1242f}.b.urgent{background:#ffe3e3}" +
    ".h{display:flex;flex-wrap:wrap;gap:6px;align-items:center}" +
    ".t{font-weight:600;margin-right:4px}" +
    ".c{border-radius:10px;padding:0 8px;background:#eaeef2;font-size:12px}" +
    ".c.type{background:#1f2328;color:#fff}.x{margin-left:auto;border:0;background:none;cursor:pointer;font-size:16px}" +
    "ul{margin:6px 0 0;padding-left:18px}li{margin:2px 0}.k{font-weight:600}" +
    "q{color:#59636e}mark{background:#ffd33d;color:inherit;border-radius:2px;padding:0 1px}" +
    ".r{margin-top:6px;display:flex;flex-direction:column;gap:4px}.l{font-size:12px;color:#59636e}" +
    ".r button{text-align:left;font:inherit;border:1px solid #d1d9e0;background:#fff;border-radius:6px;" +
    "padding:4px 8px;cursor:pointer}.r button:hover{border-color:#0969da}";

  function warn(message, error) {
    try {
      console.warn(TAG + " " + message + (error ? ": " + (error.message || error) : ""));
    } catch (ignored) {}
  }

  function node(tag, cls, text) {
    var element = document.createElement(tag);
    if (cls) element.className = cls;
    if (text != null) element.textContent = text; // always text: never parsed as HTML
    return element;
  }

  function find(target) {
    return typeof target === "string" ? document.querySelector(target) : target || null;
  }

  function isField(element) {
    return element && (element.tagName === "TEXTAREA" || element.tagName === "INPUT");
  }

  // The service counts offsets in code points; JavaScript strings count UTF-16 units.
  function evidenceIn(text, trigger) {
    var chars = Array.from(text);
    var found = chars.slice(trigger.start, trigger.end).join("");
    if (found !== trigger.evidence) return null;
    var before = chars.slice(Math.max(0, trigger.start - 40), trigger.start).join("");
    var after = chars.slice(trigger.end, trigger.end + 40).join("");
    // Where the context is cut, it is cut between words.
    if (trigger.start > 40) before = "…" + before.replace(/^\S*\s/, "");
    if (trigger.end + 40 < chars.length) after = after.replace(/\s\S*$/, "") + "…";
    return [before, found, after];
  }

  function Widget(options) {
    this.target = find(options.target);
    if (!this.target) throw new Error("no element matches data-target " + options.target);
    this.key = options.key || "";
    this.reply = find(options.reply);
    this.api = (options.api || "").replace(/\/+$/, "");
    this.debounce = Number(options.debounce) || 600;
    this.timeout = Number(options.timeout) || 3000;
    this.channel = options.channel || "chat";
    this.suggest = String(options.suggest) !== "false";
    this.used = [];
    this.sequence = 0;
    this.lastText = null;
    this.host = node("div");
    this.host.setAttribute("data-triage-widget", "");
    this.root = this.host.attachShadow({ mode: "open" });
    if (this.root.adoptedStyleSheets && typeof CSSStyleSheet === "function") {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS); // not an inline style: a strict style-src policy allows it
      this.root.adoptedStyleSheets = [sheet];
    } else {
      this.root.appendChild(node("style", null, CSS));
    }
    this.target.insertAdjacentElement("afterend", this.host);
    this.listen();
  }

  Widget.prototype.listen = function () {
    var self = this;
    var timer = null;
    var read = function () {
      return isField(self.target) ? self.target.value : self.target.textContent || "";
    };
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        self.screen(read());
      }, self.debounce);
    };
    if (isField(this.target)) {
      this.target.addEventListener("input", later);
      this.stop = function () {
        this.target.removeEventListener("input", later);
      };
    } else {
      var observer = new MutationObserver(later);
      observer.observe(this.target, { childList: true, characterData: true, subtree: true });
      this.stop = function () {
        observer.disconnect();
      };
      if (read().trim()) later();
    }
  };

  Widget.prototype.detach = function () {
    this.stop();
    if (this.inflight) this.inflight.abort();
    this.host.remove();
  };

  Widget.prototype.emit = function (name, detail) {
    this.target.dispatchEvent(new CustomEvent("triage:" + name, { detail: detail, bubbles: true }));
  };

  /** Screen text now; resolves to the service's answer, or null when it is unavailable. */
  Widget.prototype.screen = function (text) {
    var self = this;
    text = String(text || "");
    if (text === this.lastText && text.trim()) return Promise.resolve(this.lastResult || null);
    if (this.inflight) this.inflight.abort(); // a newer message replaces the one in flight
    var sequence = ++this.sequence;
    this.lastText = text;
    this.lastResult = null;
    if (!text.trim()) {
      this.show(null, text);
      return Promise.resolve(null);
    }
    var controller = new AbortController();
    var timedOut = false;
    var timer = setTimeout(function () {
      timedOut = true;
      controller.abort();
    }, this.timeout);
    this.inflight = controller;
    var headers = { "content-type": "application/json" };
    if (this.key) headers.authorization = "Bearer " + this.key;
    return fetch(this.api + "/v1/screen", {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ text: text, channel: this.channel, suggest: this.suggest }),
      signal: controller.signal,
      credentials: "omit",
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            if (!response.ok) {
              throw new Error("HTTP " + response.status + " " + ((body && body.code) || ""));
            }
            return body;
          },
          function () {
            throw new Error("HTTP " + response.status + ", not JSON");
          }
        );
      })
      .then(function (result) {
        if (sequence !== self.sequence) return null; // an answer to an older text
        self.lastResult = result;
        self.show(result, text);
        self.emit("result", result);
        return result;
      })
      .catch(function (error) {
        if (sequence !== self.sequence) return null;
        var reason = timedOut ? "timed out after " + self.timeout + " ms" : error.message || error;
        self.lastText = null; // try this text again on the next change
        self.lastResult = null;
        warn("screening unavailable, no banner shown (" + reason + ")");
        self.show(null, text);
        self.emit("unavailable", { reason: String(reason) });
        return null;
      })
      .finally(function () {
        clearTimeout(timer);
        if (self.inflight === controller) self.inflight = null;
      });
  };

  Widget.prototype.show = function (result, text) {
    var root = this.root;
    while (root.lastChild && root.lastChild.tagName !== "STYLE") root.removeChild(root.lastChild);
    if (!result || (!result.flagged && CALM[result.customer_type] && !result.triggers.length)) return;
    var banner = node("div", "b " + result.priority + (result.flagged ? " flagged" : ""));
    banner.setAttribute("role", "status");
    banner.setAttribute("data-flagged", String(result.flagged));
    var head = node("div", "h");
    head.appendChild(
      node("span", "t", result.flagged ? "A lead should step in" : "Handle with care")
    );
    head.appendChild(node("span", "c type", result.customer_type));
    head.appendChild(node("span", "c priority", result.priority + " priority"));
    head.appendChild(node("span", "c", result.sentiment));
    var close = node("button", "x", "×");
    close.setAttribute("aria-label", "Dismiss");
    close.addEventListener("click", function () {
      banner.remove();
    });
    head.appendChild(close);
    banner.appendChild(head);
    if (result.triggers.length) {
      var list = node("ul");
      result.triggers.forEach(function (trigger) {
        var item = node("li");
        item.setAttribute("data-trigger", trigger.type);
        item.appendChild(node("span", "k", TRIGGER_NAMES[trigger.type] || trigger.type));
        item.appendChild(document.createTextNode(" "));
        var quote = node("q");
        var parts = evidenceIn(text, trigger) || ["", trigger.evidence, ""];
        quote.appendChild(document.createTextNode(parts[0]));
        quote.appendChild(node("mark", null, parts[1]));
        quote.appendChild(document.createTextNode(parts[2]));
        item.appendChild(quote);
        list.appendChild(item);
      });
      banner.appendChild(list);
    }
    if (result.suggestions && result.suggestions.length) {
      var replies = node("div", "r");
      replies.appendChild(
        node("span", "l", this.reply ? "Suggested replies (click to insert)" : "Suggested replies (click to copy)")
      );
      var self = this;
      result.suggestions.forEach(function (suggestion) {
        var button = node("button", null, suggestion.text);
        button.type = "button";
        button.setAttribute("data-id", suggestion.id);
        button.setAttribute("data-step", suggestion.step);
        button.addEventListener("click", function () {
          self.use(suggestion);
        });
        replies.appendChild(button);
      });
      banner.appendChild(replies);
    }
    root.appendChild(banner);
  };

  Widget.prototype.use = function (suggestion) {
    var reply = this.reply;
    if (this.used.indexOf(suggestion.id) < 0) this.used.push(suggestion.id);
    if (isField(reply)) {
      var at = reply.selectionStart != null ? reply.selectionStart : reply.value.length;
      var end = reply.selectionEnd != null ? reply.selectionEnd : at;
      var spacer = at > 0 && !/\s$/.test(reply.value.slice(0, at)) ? " " : "";
      reply.setRangeText(spacer + suggestion.text, at, end, "end");
      reply.dispatchEvent(new Event("input", { bubbles: true })); // frameworks see the change
      reply.focus();
    } else if (reply && reply.isContentEditable) {
      reply.appendChild(document.createTextNode(suggestion.text));
    } else if (navigator.clipboard) {
      navigator.clipboard.writeText(suggestion.text).catch(function (error) {
        warn("could not copy the reply", error);
      });
    }
    this.emit("insert", { id: suggestion.id, text: suggestion.text });
  };

  // Loaded twice (two script tags), both share one global.
  var api = (window.TriageWidget = window.TriageWidget || {
    instances: [],
    attach: function (options) {
      var widget = new Widget(options);
      this.instances.push(widget);
      return widget;
    },
  });

  function fromScriptTag() {
    var data = script.dataset;
    try {
      api.attach({
        target: data.target,
        key: data.key,
        reply: data.reply,
        api: data.api || new URL(script.src, location.href).origin,
        debounce: data.debounce,
        timeout: data.timeout,
        channel: data.channel,
        suggest: data.suggest,
      });
    } catch (error) {
      warn("not attached", error);
    }
  }

  if (script && script.dataset.target) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fromScriptTag);
    } else {
      fromScriptTag();
    }
  }
})();
