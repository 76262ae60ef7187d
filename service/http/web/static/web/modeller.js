/* The administrators' modeller (modeller.html): bpmn-js's Modeler, served from node_modules by
   service/http/web/vendor.py, with a properties form of our own beside it.

   Why our own form: bpmn-js-properties-panel and @bpmn-io/properties-panel ship only CommonJS and
   ES modules that need a bundler, and the pages load plain files under a CSP without inline
   scripts. The form edits exactly what workflows/parsing.py reads, through the Modeler's modeling
   API (so every change can be undone): a user task's role (camunda:candidateGroups), its scope,
   decisions, decision words and the decisions that need a comment (camunda:properties), its form
   fields (camunda:formData) and the roles its case is copied to once it is done (抄送, `cc`); a
   timer's expression, day count, kind, notified role and whether it interrupts; a flow's
   condition; a start event's starting roles; any other camunda:property as name=value lines; and
   the process's key, name and the roles its cases are copied to when they end (`cc`). Camunda's moddle descriptor
   (camunda-bpmn-moddle) makes those extension elements typed, so they are written back as read.

   Deploying posts the saved XML, with the session's CSRF token, to the same deploy command as an
   upload; the answer says which version it became, or which element is wrong. */
(function () {
  "use strict";
  var root = document.getElementById("modeller");
  if (!root) {
    return;
  }
  var statusLine = document.getElementById("modeller-status");
  var panel = document.getElementById("properties");
  var canvasBox = document.getElementById("canvas");
  var vocab = JSON.parse(root.dataset.vocabulary || "{}");
  var originalKey = root.dataset.key || "";
  var KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
  var ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
  // camunda:properties each part of the form writes itself (the rest are name=value lines)
  var OWN_PROPERTIES = {
    userTask: ["decisions", "scope", "decision_labels", "comment_required", "cc"],
    timer: ["day_count", "timer_kind", "notify"],
    startEvent: ["start_roles"]
  };
  var TIMER_MODES = [["timeDuration", "时长（自开始计）"], ["timeDate", "时刻"], ["timeCycle", "循环"]];

  function say(text, kind, link) {
    statusLine.replaceChildren(document.createTextNode(text));
    if (link) {
      statusLine.appendChild(document.createTextNode(" "));
      statusLine.appendChild(el("a", { href: link.href, text: link.text, id: "deployed-link" }));
    }
    statusLine.className = "flash " + (kind || "ok");
    statusLine.hidden = false;
  }

  if (!window.BpmnJS) {
    say("建模器组件未能加载，请联系系统管理员。", "error");
    return;
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (value === undefined || value === null) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else if (name === "checked" || name === "disabled" || name === "value" || name === "selected") {
        node[name] = value;
      } else {
        node.setAttribute(name, value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function nameOf(pairs, code) {
    var found = (pairs || []).filter(function (p) { return p[0] === code; })[0];
    return found ? found[1] : code;
  }

  function splitList(text) {
    return (text || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  var modeler, modeling, moddle, registry, canvas, commandStack, selection;
  var current = null; // the element the form shows (null: the process)
  var problems = {}; // data-field -> message, shown once under its field

  function is(bo, type) {
    return Boolean(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  // --- reading and writing the extension elements --------------------------------------------

  function extValues(bo) {
    return (bo.extensionElements && bo.extensionElements.values) || [];
  }

  function extOf(bo, type) {
    return extValues(bo).filter(function (v) { return is(v, type); })[0];
  }

  function readProps(bo) {
    var props = extOf(bo, "camunda:Properties");
    return ((props && props.values) || []).map(function (p) { return [p.name || "", p.value || ""]; });
  }

  function propValue(bo, name) {
    var found = readProps(bo).filter(function (p) { return p[0] === name; })[0];
    return found ? found[1] : undefined;
  }

  function readFields(bo) {
    var data = extOf(bo, "camunda:FormData");
    return ((data && data.fields) || []).map(function (f) {
      var constraints = (f.validation && f.validation.constraints) || [];
      return {
        id: f.id || "", label: f.label || "", type: f.type || "string", defaultValue: f.defaultValue || "",
        required: constraints.some(function (c) { return c.name === "required"; }),
        options: (f.values || []).map(function (v) { return v.id; }).join(","),
        raw: f
      };
    });
  }

  function buildField(row) {
    var raw = row.raw || {};
    var constraints = ((raw.validation && raw.validation.constraints) || []).filter(function (c) {
      return c.name !== "required";
    }).map(function (c) { return moddle.create("camunda:Constraint", { name: c.name, config: c.config }); });
    if (row.required) {
      constraints.unshift(moddle.create("camunda:Constraint", { name: "required" }));
    }
    var attrs = { id: row.id, label: row.label, type: row.type };
    if (row.defaultValue) {
      attrs.defaultValue = row.defaultValue;
    }
    if (raw.datePattern) {
      attrs.datePattern = raw.datePattern;
    }
    var field = moddle.create("camunda:FormField", attrs);
    if (constraints.length) {
      field.validation = moddle.create("camunda:Validation", { constraints: constraints });
    }
    if (row.type === "enum") {
      var names = {};
      (raw.values || []).forEach(function (v) { names[v.id] = v.name; });
      field.values = splitList(row.options).map(function (id) {
        return moddle.create("camunda:Value", { id: id, name: names[id] || id });
      });
    }
    if (raw.properties) {
      field.properties = raw.properties;
    }
    return field;
  }

  /* One undoable command: the element's extension elements with `changes.props` (a list of
     [name, value]) and/or `changes.fields` (form field rows) in place of the old ones, plus any
     plain attributes in `attrs`. Other extension elements stay as they were, in their place. */
  function writeExt(element, changes, attrs) {
    var update = Object.assign({}, attrs || {});
    update.extensionElements = extensionsWith(element.businessObject, changes);
    modeling.updateProperties(element, update);
  }

  /* The extension elements of `bo` with `changes` made (see writeExt), as a new object. */
  function extensionsWith(bo, changes) {
    var values = extValues(bo).slice();
    function put(type, made) {
      var at = values.findIndex(function (v) { return is(v, type); });
      if (at >= 0) {
        if (made) {
          values[at] = made;
        } else {
          values.splice(at, 1);
        }
      } else if (made) {
        values.push(made);
      }
    }
    if (changes.fields) {
      put("camunda:FormData", changes.fields.length ? moddle.create("camunda:FormData", {
        fields: changes.fields.map(buildField)
      }) : null);
    }
    if (changes.props) {
      var kept = changes.props.filter(function (p) { return p[0] && p[1] !== undefined && p[1] !== ""; });
      put("camunda:Properties", kept.length ? moddle.create("camunda:Properties", {
        values: kept.map(function (p) { return moddle.create("camunda:Property", { name: p[0], value: p[1] }); })
      }) : null);
    }
    var ext;
    if (values.length) {
      ext = moddle.create("bpmn:ExtensionElements", { values: values });
      values.forEach(function (v) { v.$parent = ext; });
    }
    return ext;
  }

  function setProp(props, name, value) {
    var out = props.filter(function (p) { return p[0] !== name; });
    var at = props.findIndex(function (p) { return p[0] === name; });
    if (value === undefined || value === "") {
      return out;
    }
    if (at < 0) {
      out.push([name, value]);
    } else {
      out.splice(at, 0, [name, value]);
    }
    return out;
  }

  // --- applying a change ---------------------------------------------------------------------

  /* Run a change; then draw the form again once the focus has moved on (a change event fires
     as the user leaves a field), and give the focus back to the field it went to. */
  function apply(change) {
    try {
      change();
    } catch (err) {
      say("未能修改：" + (err && err.message ? err.message : err), "error");
    }
    window.setTimeout(function () {
      var active = document.activeElement;
      var field = active && panel.contains(active) ? active.getAttribute("data-field") : null;
      show(current);
      if (field) {
        var again = panel.querySelector('[data-field="' + window.CSS.escape(field) + '"]');
        if (again) {
          again.focus();
        }
      }
    }, 0);
  }

  function refuse(field, message) {
    problems[field] = message;
  }

  function withProblem(field, node) {
    var box = el("div", {}, [node]);
    if (problems[field]) {
      box.appendChild(el("p", { className: "problem", role: "alert", text: problems[field] }));
    }
    return box;
  }

  // --- form widgets ---------------------------------------------------------------------------

  function textInput(label, field, value, onChange, extra) {
    var input = el("input", Object.assign({ type: "text", value: value || "", "data-field": field }, extra || {}));
    input.addEventListener("change", function () {
      var typed = input.value.trim();
      apply(function () { onChange(typed); });
    });
    return withProblem(field, el("label", {}, [label, input]));
  }

  function selectInput(label, field, options, value, onChange) {
    var select = el("select", { "data-field": field });
    var known = options.some(function (o) { return o[0] === (value || ""); });
    if (!known && value) {
      options = options.concat([[value, value + "（当前值）"]]);
    }
    options.forEach(function (o) {
      select.appendChild(el("option", { value: o[0], text: o[1], selected: o[0] === (value || "") }));
    });
    select.addEventListener("change", function () {
      var picked = select.value;
      apply(function () { onChange(picked); });
    });
    return withProblem(field, el("label", {}, [label, select]));
  }

  function checkboxes(legend, field, options, chosen, onChange, hint) {
    var set = el("fieldset", {}, [el("legend", { text: legend })]);
    options.forEach(function (o) {
      var box = el("input", { type: "checkbox", value: o[0], checked: chosen.indexOf(o[0]) >= 0,
                              "data-field": field + ":" + o[0] });
      box.addEventListener("change", function () {
        var picked = Array.prototype.slice.call(set.querySelectorAll("input[type=checkbox]"))
          .filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        apply(function () { onChange(picked); });
      });
      set.appendChild(el("label", { className: "choice" }, [box, " " + o[1]]));
    });
    if (hint) {
      set.appendChild(el("p", { className: "hint", text: hint }));
    }
    return withProblem(field, set);
  }

  function checkbox(label, field, checked, onChange) {
    var box = el("input", { type: "checkbox", checked: checked, "data-field": field });
    box.addEventListener("change", function () {
      var on = box.checked;
      apply(function () { onChange(on); });
    });
    return el("label", { className: "choice" }, [box, " " + label]);
  }

  // --- the parts of the form ------------------------------------------------------------------

  function theProcess() {
    var top = canvas.getRootElement();
    var bo = top.businessObject;
    if (is(bo, "bpmn:Collaboration")) {
      var participant = (bo.participants || []).filter(function (p) { return p.processRef; })[0];
      return participant ? { element: registry.get(participant.id), bo: participant.processRef } : null;
    }
    return { element: top, bo: bo };
  }

  function processPart() {
    var proc = theProcess();
    var part = el("div", {}, [el("h2", { text: "流程" }),
      el("p", { className: "kind", text: "未选中元素时，这里是整个流程。" })]);
    if (!proc) {
      part.appendChild(el("p", { className: "problem", text: "图中没有流程。" }));
      return part;
    }
    function update(attrs) {
      if (proc.element === canvas.getRootElement()) {
        modeling.updateProperties(proc.element, attrs);
      } else {
        modeling.updateModdleProperties(proc.element, proc.bo, attrs);
      }
    }
    part.appendChild(textInput("流程标识（英文，部署后即流程的 key）", "process-id", proc.bo.id, function (value) {
      if (value === proc.bo.id) {
        return;
      }
      if (!KEY_PATTERN.test(value)) {
        return refuse("process-id", "流程标识须以字母或下划线开头，只含字母、数字和下划线。");
      }
      if (registry.get(value) || moddle.ids.assigned(value)) {
        return refuse("process-id", "图中已有元素使用标识 " + value + "。");
      }
      update({ id: value });
    }));
    if (originalKey && proc.bo.id !== originalKey) {
      part.appendChild(el("p", { className: "hint", id: "key-changed",
        text: "流程标识已不同于「" + originalKey + "」：部署后将是另一个流程，而非其新版本。" }));
    }
    part.appendChild(textInput("流程名称（中文）", "process-name", proc.bo.name, function (value) {
      update({ name: value || undefined });
    }));
    part.appendChild(checkbox("可执行（isExecutable）", "process-executable", proc.bo.isExecutable !== false,
      function (on) { update({ isExecutable: on }); }));
    part.appendChild(ccPart("process-cc", "案件结束后抄送（办结、未通过或撤回时；这些角色在本案范围内的人员可查阅，不能办理）",
      proc.bo, function (values) {
        var ext = extensionsWith(proc.bo, { props: setProp(readProps(proc.bo), "cc", values.join(",")) });
        if (proc.element === canvas.getRootElement()) {
          modeling.updateProperties(proc.element, { extensionElements: ext });
        } else {
          modeling.updateModdleProperties(proc.element, proc.bo, { extensionElements: ext });
        }
      }));
    return part;
  }

  /* 抄送 (property `cc`): the roles whose holders in the case's unit, township or cadre (or the
     whole county) may read the case, told once, never acting on it. Roles the vocabulary does
     not list (a Chinese name typed elsewhere) stay as they are, after the ones ticked. */
  function ccPart(field, legend, bo, write) {
    var current = splitList(propValue(bo, "cc"));
    var known = vocab.ccRoles.map(function (r) { return r[0]; });
    var others = current.filter(function (r) { return known.indexOf(r) < 0; });
    return checkboxes(legend, field, vocab.ccRoles, current, function (picked) {
      write(picked.concat(others));
    }, others.length ? "另有：" + others.join("、") : null);
  }

  function generalPart(element) {
    var bo = element.businessObject;
    var type = bo.$type.replace(/^bpmn:/, "");
    var kind = type.charAt(0).toLowerCase() + type.slice(1); // userTask, as in the BPMN XML
    var part = el("div", {}, [
      el("h2", { text: bo.name || bo.id }),
      el("p", { className: "kind", text: (vocab.kinds && vocab.kinds[kind]) || kind })
    ]);
    part.appendChild(textInput("标识（英文）", "id", bo.id, function (value) {
      if (value === bo.id) {
        return;
      }
      if (!ID_PATTERN.test(value)) {
        return refuse("id", "标识须以字母或下划线开头，只含字母、数字、下划线、点和连字符。");
      }
      if (registry.get(value) || moddle.ids.assigned(value)) {
        return refuse("id", "图中已有元素使用标识 " + value + "。");
      }
      modeling.updateProperties(element, { id: value });
    }));
    if (!is(bo, "bpmn:Group")) {
      part.appendChild(textInput("名称（中文）", "name", bo.name, function (value) {
        modeling.updateLabel(element, value || null);
      }));
    }
    return part;
  }

  function scopeParts(scope) {
    var kind = (scope || "").split(":")[0];
    var variable = (scope || "").split(":").slice(1).join(":");
    return { kind: kind, variable: variable };
  }

  function defaultScope(kind) {
    return kind === "county" ? "county" : kind ? kind + ":" + kind + "_id" : "";
  }

  function userTaskPart(element) {
    var bo = element.businessObject;
    var props = readProps(bo);
    var role = bo.get("camunda:candidateGroups") || "";
    var scope = propValue(bo, "scope") || "";
    var decisions = splitList(propValue(bo, "decisions"));
    var labels = {};
    splitList(propValue(bo, "decision_labels")).forEach(function (item) {
      var at = item.indexOf(":");
      if (at > 0) {
        labels[item.slice(0, at).trim()] = item.slice(at + 1).trim();
      }
    });
    var commentSet = propValue(bo, "comment_required");
    var needComment = commentSet === undefined
      ? decisions.filter(function (d) { return vocab.defaultCommentRequired.indexOf(d) >= 0; })
      : splitList(commentSet);
    var part = el("fieldset", {}, [el("legend", { text: "办理" })]);

    part.appendChild(selectInput("办理角色", "role", [["", "（请选择）"]].concat(vocab.roles), role, function (value) {
      if (!value) {
        return refuse("role", "人工环节须有办理角色。");
      }
      var wanted = vocab.roleScopeKinds[value];
      var attrs = { "camunda:candidateGroups": value };
      if (wanted && scopeParts(scope).kind !== wanted) {
        // The step acts in the role's jurisdiction: a county role has no variable, the others
        // name the case's unit, township or cadre.
        writeExt(element, { props: setProp(props, "scope", defaultScope(wanted)) }, attrs);
      } else {
        modeling.updateProperties(element, attrs);
      }
    }));

    var parts = scopeParts(scope);
    var scopeBox = el("div", { className: "pair" });
    scopeBox.appendChild(selectInput("管辖范围", "scope-kind", [["", "（请选择）"]].concat(vocab.scopeKinds),
      parts.kind, function (value) {
        writeExt(element, { props: setProp(props, "scope", defaultScope(value)) });
      }));
    if (parts.kind && parts.kind !== "county") {
      scopeBox.appendChild(textInput("按案件数据中的", "scope-var", parts.variable, function (value) {
        if (!KEY_PATTERN.test(value)) {
          return refuse("scope-var", "须为案件数据的字段名，如 " + parts.kind + "_id。");
        }
        writeExt(element, { props: setProp(props, "scope", parts.kind + ":" + value) });
      }));
    }
    part.appendChild(scopeBox);
    if (role && vocab.roleScopeKinds[role] && parts.kind && vocab.roleScopeKinds[role] !== parts.kind) {
      part.appendChild(el("p", { className: "problem", text: "办理角色「" + nameOf(vocab.roles, role) +
        "」在「" + nameOf(vocab.scopeKinds, vocab.roleScopeKinds[role]) + "」范围内办理，与管辖范围不一致。" }));
    }

    part.appendChild(checkboxes("可选决定", "decisions", vocab.decisions, decisions, function (picked) {
      if (!picked.length) {
        return refuse("decisions", "至少选择一种决定。");
      }
      var keptLabels = picked.filter(function (d) { return labels[d]; })
        .map(function (d) { return d + ":" + labels[d]; }).join(",");
      var next = setProp(props, "decisions", picked.join(","));
      next = setProp(next, "decision_labels", keptLabels);
      if (commentSet !== undefined) {
        // " " keeps an explicit "none" (an absent property means the default decisions)
        next = setProp(next, "comment_required",
          splitList(commentSet).filter(function (d) { return picked.indexOf(d) >= 0; }).join(",") || " ");
      }
      writeExt(element, { props: next });
    }));

    if (decisions.length) {
      var words = el("fieldset", {}, [el("legend", { text: "本环节的决定名称（可留空，用通用名称）" })]);
      decisions.forEach(function (d) {
        words.appendChild(textInput(nameOf(vocab.decisions, d) + "（" + d + "）", "label:" + d, labels[d],
          function (value) {
            if (value.length > vocab.maxDecisionLabel || /[,:]/.test(value)) {
              return refuse("label:" + d, "名称至多 " + vocab.maxDecisionLabel + " 字，不含逗号和冒号。");
            }
            var next = Object.assign({}, labels);
            next[d] = value;
            var text = decisions.filter(function (x) { return next[x]; })
              .map(function (x) { return x + ":" + next[x]; }).join(",");
            writeExt(element, { props: setProp(props, "decision_labels", text) });
          }, { maxlength: vocab.maxDecisionLabel, placeholder: nameOf(vocab.decisions, d) }));
      });
      part.appendChild(words);
      part.appendChild(checkboxes("须填写理由的决定", "comment-required",
        decisions.map(function (d) { return [d, nameOf(vocab.decisions, d)]; }), needComment,
        function (picked) {
          writeExt(element, { props: setProp(props, "comment_required", picked.join(",") || " ") }); // " ": none
        }, commentSet === undefined ? "未设置时按默认：不同意、退回修改、召回、限期整改须填写理由。" : null));
    }
    part.appendChild(ccPart("cc", "办理完毕后抄送（这些角色在本案范围内的人员可查阅，不能办理）", bo,
      function (values) {
        writeExt(element, { props: setProp(props, "cc", values.join(",")) });
      }));
    return part;
  }

  function formPart(element) {
    var bo = element.businessObject;
    var rows = readFields(bo);
    var part = el("fieldset", {}, [el("legend", { text: "表单字段（办理人填写）" })]);
    function save(next) {
      writeExt(element, { fields: next });
    }
    rows.forEach(function (row, i) {
      function changed(name, value) {
        var next = rows.map(function (r) { return Object.assign({}, r); });
        next[i][name] = value;
        save(next);
      }
      var box = el("div", { className: "form-field", "data-form-field": row.id });
      box.appendChild(el("div", { className: "pair" }, [
        textInput("字段标识", "field-id:" + i, row.id, function (value) {
          if (!KEY_PATTERN.test(value)) {
            return refuse("field-id:" + i, "字段标识须为英文标识符，如 handover_items。");
          }
          if (rows.some(function (r, j) { return j !== i && r.id === value; })) {
            return refuse("field-id:" + i, "本环节已有字段 " + value + "。");
          }
          changed("id", value);
        }),
        selectInput("类型", "field-type:" + i, vocab.formTypes, row.type, function (value) { changed("type", value); })
      ]));
      box.appendChild(textInput("名称（中文）", "field-label:" + i, row.label, function (value) { changed("label", value); }));
      if (row.type === "enum") {
        box.appendChild(textInput("选项（逗号分隔）", "field-options:" + i, row.options, function (value) {
          changed("options", value);
        }));
      }
      box.appendChild(checkbox("必填", "field-required:" + i, row.required, function (on) { changed("required", on); }));
      var remove = el("button", { type: "button", className: "remove", text: "删除此字段", "data-field": "field-remove:" + i });
      remove.addEventListener("click", function () {
        apply(function () { save(rows.filter(function (r, j) { return j !== i; })); });
      });
      box.appendChild(remove);
      part.appendChild(box);
    });
    var add = el("button", { type: "button", className: "add", text: "添加字段", "data-field": "field-add" });
    add.addEventListener("click", function () {
      var n = rows.length + 1;
      while (rows.some(function (r) { return r.id === "field_" + n; })) {
        n += 1;
      }
      apply(function () {
        save(rows.concat([{ id: "field_" + n, label: "新字段", type: "string", required: false, options: "" }]));
      });
    });
    part.appendChild(add);
    return part;
  }

  function timerDefinition(bo) {
    return (bo.eventDefinitions || []).filter(function (d) { return is(d, "bpmn:TimerEventDefinition"); })[0];
  }

  function timerPart(element, definition) {
    var bo = element.businessObject;
    var props = readProps(bo);
    var mode = TIMER_MODES.map(function (m) { return m[0]; }).filter(function (m) { return definition[m]; })[0]
      || "timeDuration";
    var body = (definition[mode] && definition[mode].body || "").trim();
    var literal = /^"(.*)"$/.exec(body);
    var source = literal ? "literal" : body;
    var part = el("fieldset", {}, [el("legend", { text: "定时" })]);

    function writeTimer(newMode, newBody) {
      var attrs = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      attrs[newMode] = moddle.create("bpmn:FormalExpression", { body: newBody });
      modeling.updateModdleProperties(element, definition, attrs);
    }
    part.appendChild(selectInput("定时方式", "timer-mode", TIMER_MODES, mode, function (value) {
      writeTimer(value, body || (value === "timeDuration" ? "\"P1D\"" : ""));
    }));
    var sources = vocab.deadlines.map(function (d) { return [d[0], d[1] + "（" + d[0] + "，按配置）"]; });
    part.appendChild(selectInput("期限", "timer-source", [["literal", "固定值（填写在下方）"]].concat(sources),
      source, function (value) {
        writeTimer(mode, value === "literal" ? "\"" + (literal ? literal[1] : "P1D") + "\"" : value);
      }));
    if (source === "literal") {
      part.appendChild(textInput("固定值", "timer-literal", literal ? literal[1] : "", function (value) {
        if (!value || /"/.test(value)) {
          return refuse("timer-literal", "请填写 ISO 8601 时长、时刻或循环，如 P5D、PT4H、R3/P1D。");
        }
        writeTimer(mode, "\"" + value + "\"");
      }, { placeholder: mode === "timeDate" ? "2027-01-04T09:00:00+08:00" : mode === "timeCycle" ? "R3/P1D" : "P5D" }));
      part.appendChild(el("p", { className: "hint", text: "天、周、月、年按计日方式计算；小时、分钟为实际时长。" }));
    }
    part.appendChild(selectInput("计日方式", "timer-day-count", vocab.dayCounts, propValue(bo, "day_count") || "working",
      function (value) {
        writeExt(element, { props: setProp(props, "day_count", value === "working" ? "" : value) });
      }));
    if (is(bo, "bpmn:BoundaryEvent")) {
      part.appendChild(selectInput("定时器用途", "timer-kind", [["", "（未设置）"]].concat(vocab.timerKinds),
        propValue(bo, "timer_kind") || "", function (value) {
          writeExt(element, { props: setProp(props, "timer_kind", value) });
        }));
      part.appendChild(selectInput("提醒哪个角色", "timer-notify", [["", "（所附环节的办理角色）"]].concat(vocab.roles),
        propValue(bo, "notify") || "", function (value) {
          writeExt(element, { props: setProp(props, "notify", value) });
        }));
      part.appendChild(checkbox("到期中断所附环节（期满处理）", "timer-interrupting", bo.cancelActivity !== false,
        function (on) { modeling.updateProperties(element, { cancelActivity: on }); }));
    }
    return part;
  }

  function conditionPart(element) {
    var bo = element.businessObject;
    var part = el("fieldset", {}, [el("legend", { text: "流转条件" })]);
    part.appendChild(textInput("条件（Python 表达式，如 decision == \"approve\"）", "condition",
      bo.conditionExpression ? bo.conditionExpression.body : "", function (value) {
        modeling.updateProperties(element, {
          conditionExpression: value ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined
        });
      }));
    return part;
  }

  function startPart(element) {
    var bo = element.businessObject;
    var props = readProps(bo);
    return checkboxes("可发起角色（除所在泳道的角色外）", "start-roles", vocab.roles,
      splitList(propValue(bo, "start_roles")), function (picked) {
        writeExt(element, { props: setProp(props, "start_roles", picked.join(",")) });
      });
  }

  function otherPropertiesPart(element, own) {
    var bo = element.businessObject;
    var props = readProps(bo);
    var others = props.filter(function (p) { return own.indexOf(p[0]) < 0; });
    var area = el("textarea", { rows: 3, "data-field": "other-props",
      placeholder: "每行一项：名称=值" });
    area.value = others.map(function (p) { return p[0] + "=" + p[1]; }).join("\n");
    area.addEventListener("change", function () {
      var lines = area.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
      apply(function () {
        var parsed = [];
        for (var i = 0; i < lines.length; i += 1) {
          var at = lines[i].indexOf("=");
          if (at <= 0) {
            return refuse("other-props", "第 " + (i + 1) + " 行须为 名称=值。");
          }
          parsed.push([lines[i].slice(0, at).trim(), lines[i].slice(at + 1).trim()]);
        }
        var ownProps = props.filter(function (p) { return own.indexOf(p[0]) >= 0; });
        writeExt(element, { props: ownProps.concat(parsed) });
      });
    });
    return withProblem("other-props", el("fieldset", {}, [el("legend", { text: "其他扩展属性" }), area]));
  }

  /* Draw the form for `element` (null: the process), with the problems the last change left. */
  function show(element) {
    var top = canvas.getRootElement();
    if (!element || element === top || registry.get(element.id) !== element) {
      element = null; // the process, or an element deleted or undone away
    }
    var again = element === current; // drawn again after a change: keep the scroll position
    var scrolled = panel.scrollTop;
    current = element;
    var form = el("div", { className: "properties-form" });
    try {
      if (!element) {
        form.appendChild(processPart());
      } else {
        var bo = element.businessObject;
        var own = [];
        form.dataset.element = bo.id;
        form.appendChild(generalPart(element));
        if (is(bo, "bpmn:Participant")) {
          form.appendChild(processPart());
        }
        if (is(bo, "bpmn:UserTask")) {
          form.appendChild(userTaskPart(element));
          form.appendChild(formPart(element));
          own = OWN_PROPERTIES.userTask;
        }
        var timer = timerDefinition(bo);
        if (timer) {
          form.appendChild(timerPart(element, timer));
          own = OWN_PROPERTIES.timer;
        } else if (is(bo, "bpmn:StartEvent")) {
          form.appendChild(startPart(element));
          own = OWN_PROPERTIES.startEvent;
        }
        if (is(bo, "bpmn:SequenceFlow")) {
          form.appendChild(conditionPart(element));
        }
        if (is(bo, "bpmn:FlowNode")) {
          form.appendChild(otherPropertiesPart(element, own));
        }
      }
    } finally {
      problems = {};
    }
    panel.replaceChildren(form);
    panel.scrollTop = again ? scrolled : 0;
  }

  // --- toolbar ----------------------------------------------------------------------------------

  var buttons = {};
  Array.prototype.forEach.call(root.querySelectorAll("button[data-command]"), function (b) {
    buttons[b.dataset.command] = b;
  });
  var deploying = false;

  function changed() {
    return !originalKey || commandStack.canUndo();
  }

  function updateButtons() {
    buttons.undo.disabled = !commandStack.canUndo();
    buttons.redo.disabled = !commandStack.canRedo();
    buttons.deploy.disabled = deploying || !changed();
  }

  function currentKey() {
    var proc = theProcess();
    return (proc && proc.bo.id) || "process";
  }

  function download() {
    modeler.saveXML({ format: true }).then(function (result) {
      var url = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
      var link = el("a", { href: url, download: currentKey() + ".bpmn" });
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  }

  function showBadElement(id) {
    var bad = id && registry.get(id);
    if (bad) {
      selection.select(bad);
      canvas.scrollToElement(bad);
    }
  }

  function deploy() {
    deploying = true;
    updateButtons();
    say("正在校验并部署…", "warn");
    modeler.saveXML({ format: true }).then(function (result) {
      var body = new FormData();
      body.append("csrf_token", document.getElementById("csrf-token").value);
      body.append("xml", new Blob([result.xml], { type: "application/xml" }), currentKey() + ".bpmn");
      return fetch(root.dataset.deployUrl, {
        method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
      });
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { status: response.status, answer: answer };
      }, function () {
        return { status: response.status, answer: null };
      });
    }).then(function (reply) {
      var answer = reply.answer;
      if (answer && answer.ok) {
        say(answer.message, "ok", { href: answer.url, text: "查看第 " + answer.version + " 版" });
        originalKey = answer.key;
        root.dataset.key = answer.key;
        commandStack.clear(); // what is drawn now is what is deployed
        root.dataset.deployed = String(answer.version);
        document.getElementById("modeller-basis").textContent =
          "基于「" + answer.name + "」第 " + answer.version + " 版";
      } else if (answer) {
        say("未能部署：" + answer.message, "error");
        showBadElement(answer.element_id);
      } else {
        say("未能部署（HTTP " + reply.status + "）。请刷新页面后重试；若仍失败，请联系系统管理员。", "error");
      }
    }).catch(function (err) {
      say("未能部署：" + (err && err.message ? err.message : err), "error");
    }).then(function () {
      deploying = false;
      updateButtons();
    });
  }

  function wireToolbar() {
    buttons.undo.addEventListener("click", function () { commandStack.undo(); });
    buttons.redo.addEventListener("click", function () { commandStack.redo(); });
    buttons.fit.addEventListener("click", function () { canvas.zoom("fit-viewport", "auto"); });
    buttons.download.addEventListener("click", download);
    buttons.deploy.addEventListener("click", deploy);
    window.addEventListener("beforeunload", function (event) {
      if (originalKey && commandStack.canUndo()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // --- start ----------------------------------------------------------------------------------

  function fetchText(url, accept) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: accept } }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    });
  }

  Promise.all([
    fetchText(root.dataset.moddleUrl, "application/json").then(JSON.parse),
    fetchText(root.dataset.sourceUrl, "application/xml")
  ]).then(function (loaded) {
    canvasBox.replaceChildren();
    modeler = new window.BpmnJS({ container: canvasBox, moddleExtensions: { camunda: loaded[0] } });
    return modeler.importXML(loaded[1]);
  }).then(function () {
    modeling = modeler.get("modeling");
    moddle = modeler.get("moddle");
    registry = modeler.get("elementRegistry");
    canvas = modeler.get("canvas");
    commandStack = modeler.get("commandStack");
    selection = modeler.get("selection");
    var events = modeler.get("eventBus");
    canvas.zoom("fit-viewport", "auto");
    events.on("selection.changed", function (event) {
      var picked = event.newSelection.length === 1 ? event.newSelection[0] : null;
      show(picked && picked.labelTarget ? picked.labelTarget : picked); // a label: its element
    });
    events.on("commandStack.changed", function () {
      updateButtons();
    });
    // Undo, redo and changes made on the canvas (a label typed in place) show in the form too.
    events.on("elements.changed", function () {
      window.setTimeout(function () {
        if (!panel.contains(document.activeElement)) {
          show(current);
        }
      }, 0);
    });
    wireToolbar();
    show(null);
    updateButtons();
    root.dataset.ready = "true";
  }).catch(function (err) {
    canvasBox.replaceChildren(el("p", { className: "muted diagram-note",
      text: "流程图未能打开：" + (err && err.message ? err.message : err) }));
    say("建模器未能打开流程图，请刷新页面重试。", "error");
  });
})();
