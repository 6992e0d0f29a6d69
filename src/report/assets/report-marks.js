// austinc-report's HTML report: the marks of a followed service (austinc
// attached to a process, lost it) on the timeline, as vertical lines across
// every panel and a row of labels above the time axis. report.js announces
// its timeline with the event "austinc:timeline" once it is drawn; this
// script comes first so that it hears it.
// Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
//
// The document's "marks": {t, kind, pid, python}, t in microseconds on the
// time axis, kind "attach" or "exit", python the text austinc found
// (attach) or null.
(() => {
	"use strict";

	const SVG = "http://www.w3.org/2000/svg";

	function label(mark) {
		return mark.kind + " " + mark.pid;
	}

	// What hovering a mark tells: the python text, or what happened.
	function tooltip(mark, seconds) {
		const when = " at " + seconds(mark.t) + " s";
		if (mark.kind === "attach")
			return "attached to " + mark.pid + when +
				(mark.python ? ": " + mark.python : "");
		return "lost " + mark.pid + " (it exited)" + when;
	}

	function line(mark, x, height, seconds) {
		const l = document.createElementNS(SVG, "line");
		const attributes = {x1: x, x2: x, y1: 0, y2: height,
			class: "mark mark-" + mark.kind, "vector-effect": "non-scaling-stroke"};
		for (const [k, v] of Object.entries(attributes))
			l.setAttribute(k, v);
		const title = document.createElementNS(SVG, "title");
		title.textContent = tooltip(mark, seconds);
		l.append(title);
		return l;
	}

	// The row of labels, placed as the axis places its ticks.
	function labelRow(marks, share, seconds) {
		const row = document.createElement("div");
		row.className = "marks-row";
		const name = document.createElement("div");
		name.className = "marks-title";
		name.textContent = "Processes";
		const strip = document.createElement("div");
		strip.className = "marks";
		for (const mark of marks) {
			const tag = document.createElement("span");
			tag.className = "mark-label mark-" + mark.kind;
			tag.textContent = label(mark);
			tag.title = tooltip(mark, seconds);
			tag.style.left = share(mark.t) + "%";
			tag.dataset.t = mark.t;
			tag.dataset.kind = mark.kind;
			tag.dataset.pid = mark.pid;
			strip.append(tag);
		}
		row.append(name, strip);
		return row;
	}

	document.addEventListener("austinc:timeline", (event) => {
		const {marks, box, timeEnd, width, height, seconds} = event.detail;
		if (!marks || !marks.length)
			return;
		const share = (t) => Math.min(100, (100 * t) / timeEnd);
		for (const svg of box.querySelectorAll(".panel svg")) {
			// Under the selection and the cursor, which come last.
			const before = svg.querySelector(".selection");
			for (const mark of marks) {
				const x = ((Math.min(mark.t, timeEnd) / timeEnd) * width).toFixed(1);
				svg.insertBefore(line(mark, x, height, seconds), before);
			}
		}
		box.insertBefore(labelRow(marks, share, seconds), box.lastChild);
	});
})();
