/* The case page's BPMN diagram, drawn by bpmn-js's NavigatedViewer (served from node_modules by
   service/http/web/vendor.py). The page's #diagram box carries the URL of the BPMN document and the
   completed and active element ids; this script fits the whole process into the box, marks the
   progress, and wires the zoom buttons and touch gestures. A file, not inline: the CSP allows
   scripts from this site only. */
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box) {
    return;
  }

  function say(text) {
    var note = document.createElement("p");
    note.className = "muted diagram-note";
    note.textContent = text;
    box.replaceChildren(note);
  }

  if (!window.BpmnJS) {
    say("流程图组件未能加载，请联系系统管理员；办理进度见上方。");
    return;
  }
  var completed = JSON.parse(box.dataset.completed || "[]");
  var active = JSON.parse(box.dataset.active || "[]");
  box.replaceChildren();
  var viewer = new window.BpmnJS({ container: box });

  function markProgress(canvas, registry) {
    var now = new Set(active);
    var done = new Set(completed.filter(function (id) { return !now.has(id); }));
    registry.forEach(function (element) {
      var id = element.id;
      if (element.waypoints) {
        // A flow was taken when its source completed and its target was reached.
        var flow = element.businessObject;
        var from = flow.sourceRef && flow.sourceRef.id;
        var to = flow.targetRef && flow.targetRef.id;
        if (done.has(from) && (done.has(to) || now.has(to))) {
          canvas.addMarker(id, "done");
        }
      } else if (element.type === "label") {
        return;
      } else if (now.has(id) && element.type !== "bpmn:BoundaryEvent") {
        // an armed reminder on the current step is waiting, not a step of its own
        canvas.addMarker(id, "active");
      } else if (done.has(id)) {
        canvas.addMarker(id, "done");
      }
    });
  }

  // The box takes the diagram's proportions (within the stylesheet's height bounds), so a wide
  // process fills the width instead of floating in a tall empty box, on a phone too.
  function fitBoxToDiagram(canvas) {
    var inner = canvas.viewbox().inner;
    if (!inner.width || !inner.height) {
      return;
    }
    var style = window.getComputedStyle(box);
    var least = parseFloat(style.minHeight) || 0;
    var most = parseFloat(style.maxHeight) || Infinity;
    var wanted = box.clientWidth * inner.height / inner.width + 24;
    box.style.height = Math.round(Math.min(most, Math.max(least, wanted))) + "px";
    canvas.resized();
  }

  function wireButtons(canvas) {
    var zoomScroll = viewer.get("zoomScroll");
    var buttons = document.getElementById("diagram-zoom");
    if (!buttons) {
      return;
    }
    buttons.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) {
        return;
      }
      var how = button.dataset.zoom;
      if (how === "fit") {
        canvas.zoom("fit-viewport", "auto");
      } else {
        zoomScroll.stepZoom(how === "in" ? 1 : -1);
      }
    });
    buttons.hidden = false;
  }

  // One finger pans, two fingers pinch to zoom around their midpoint (the viewer's own dragging
  // and wheel zoom answer the mouse).
  function wireTouch(canvas) {
    var last = null;

    function state(touches) {
      var rect = box.getBoundingClientRect();
      var a = touches[0];
      var b = touches[1] || a;
      return {
        x: (a.clientX + b.clientX) / 2 - rect.left,
        y: (a.clientY + b.clientY) / 2 - rect.top,
        spread: Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY),
        count: touches.length
      };
    }

    box.addEventListener("touchstart", function (event) {
      last = state(event.touches);
    }, { passive: true });
    box.addEventListener("touchmove", function (event) {
      if (!last) {
        return;
      }
      var next = state(event.touches);
      if (next.count === last.count) {
        canvas.scroll({ dx: next.x - last.x, dy: next.y - last.y });
        if (next.count > 1 && last.spread > 0) {
          canvas.zoom(canvas.zoom() * next.spread / last.spread, { x: next.x, y: next.y });
        }
      }
      last = next;
      event.preventDefault();
    }, { passive: false });
    box.addEventListener("touchend", function (event) {
      last = event.touches.length ? state(event.touches) : null;
    }, { passive: true });
  }

  fetch(box.dataset.xmlUrl, { credentials: "same-origin", headers: { Accept: "application/xml" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    })
    .then(function (xml) {
      return viewer.importXML(xml);
    })
    .then(function () {
      var canvas = viewer.get("canvas");
      markProgress(canvas, viewer.get("elementRegistry"));
      fitBoxToDiagram(canvas);
      canvas.zoom("fit-viewport", "auto");
      wireButtons(canvas);
      wireTouch(canvas);
      box.dataset.ready = "true";
    })
    .catch(function () {
      say("流程图加载失败，请刷新页面重试；办理进度见上方。");
    });
})();
